//! The app's driver: the command queue, the event listeners (buttons,
//! keyboard shortcuts, hover on the network, the link), and the
//! animation-frame requests.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, KeyboardEvent, MouseEvent, Window};

use super::{App, Command, FrameCost};
use crate::controls;
use crate::dom::{self, set_attr};
use crate::engine::instruments::long_checks::Message;
use crate::engine::transport::{self, Shortcut};
use crate::instruments;
use crate::learn::LearnAction;
use crate::teacher::TeachAction;

/// Owns the app, its command queue and its pending animation frame; the
/// handle cloned into event listeners.
pub struct Runner {
    app: RefCell<Option<App>>,
    queue: RefCell<VecDeque<Command>>,
    frame: RefCell<Option<AnimationFrame>>,
    listeners: RefCell<Vec<EventListener>>,
}

impl Runner {
    /// Starts the app on `window`: builds it from `location.hash`, wires the
    /// controls, keyboard and `hashchange`, and starts the loop if the link
    /// asks to fast-forward. `unfetched`: why the digits set the link wants
    /// could not be fetched, said on the page.
    pub fn start(window: &Window, unfetched: Option<String>) -> Result<Rc<Runner>, String> {
        let document = window.document().ok_or("no document")?;
        let hash = window.location().hash().unwrap_or_default();
        let runner = Rc::new(Runner {
            app: RefCell::new(None),
            queue: RefCell::new(VecDeque::new()),
            frame: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        });
        let weak = Rc::downgrade(&runner);
        let sink: controls::Sink = Rc::new(move |edit| {
            if let Some(r) = weak.upgrade() {
                r.send(Command::Edit(edit));
            }
        });
        let weak = Rc::downgrade(&runner);
        let on_check: Rc<dyn Fn(Message)> = Rc::new(move |message| {
            if let Some(r) = weak.upgrade() {
                r.send(Command::Check(message));
            }
        });
        let weak = Rc::downgrade(&runner);
        let post: Rc<dyn Fn(Command)> = Rc::new(move |cmd| {
            if let Some(r) = weak.upgrade() {
                r.send(cmd);
            }
        });
        *runner.app.borrow_mut() = Some(App::new(window, &hash, sink, on_check, post)?);
        runner.wire(window, &document)?;
        if let Some(why) = unfetched {
            runner.send(Command::Digits(Err(why)));
        }
        let running = runner.app.borrow().as_ref().is_some_and(App::is_running);
        runner.set_running(running);
        Ok(runner)
    }

    fn listen(self: &Rc<Self>, target: &web_sys::EventTarget, event: &'static str, cmd: Command) {
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(target, event, move |_| r.send(cmd.clone())));
    }

    /// The editor of your own data: its tools, Clear and Undo, clicks on the
    /// output view, and the CSV file input (read off the change event's task).
    fn wire_custom(self: &Rc<Self>, document: &Document) -> Result<(), String> {
        use crate::custom::{click_fractions, read_chosen, tool_of, CustomAction};
        for (id, action) in [("custom-clear", CustomAction::Clear), ("custom-undo", CustomAction::Undo)] {
            let el = dom::by_id(document, id)?;
            self.listen(&el, "click", Command::Custom(action));
        }
        let tools = dom::by_id(document, "custom-tools")?;
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(&tools, "change", move |e| {
            let value = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value());
            if let Some(tool) = value.as_deref().and_then(tool_of) {
                r.send(Command::Custom(CustomAction::Tool(tool)));
            }
        }));
        let (x1, x2): (HtmlInputElement, HtmlInputElement) =
            (dom::typed(document, "custom-x1")?, dom::typed(document, "custom-x2")?);
        let r = Rc::clone(self);
        let at = dom::by_id(document, "custom-at")?;
        self.listeners.borrow_mut().push(EventListener::new(&at, "click", move |_| {
            let read = |i: &HtmlInputElement| i.value().trim().parse::<f64>().unwrap_or(f64::NAN);
            r.send(Command::Custom(CustomAction::At(read(&x1), read(&x2))));
        }));
        let view = dom::by_id(document, "heatmap-points")?;
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(&view, "click", move |e| {
            if let Some((u, v, radius)) = click_fractions(e) {
                r.send(Command::Custom(CustomAction::Click(u, v, radius)));
            }
        }));
        let input: HtmlInputElement = dom::typed(document, "custom-csv")?;
        let r = Rc::clone(self);
        let file_input = input.clone();
        self.listeners.borrow_mut().push(EventListener::new(&input, "change", move |_| {
            let (r, input) = (Rc::clone(&r), file_input.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let max = crate::engine::data::csv_points::MAX_CSV_BYTES;
                if let Some((name, read)) = read_chosen(&input, max).await {
                    r.send(Command::Custom(CustomAction::Import(name, read)));
                }
            });
        }));
        Ok(())
    }

    fn wire(self: &Rc<Self>, window: &Window, document: &Document) -> Result<(), String> {
        for (id, cmd) in [
            ("play", Command::Play),
            ("step-once", Command::StepOnce),
            ("step-epoch", Command::StepEpoch),
            ("reset", Command::Reset),
            ("new-seed", Command::NewSeed),
            ("share", Command::Share),
            ("help-button", Command::Help(None)),
            ("help-close", Command::Help(Some(false))),
            ("notice-close", Command::DismissNotice),
            ("lockstep-play", Command::Lockstep),
            ("learn-button", Command::Learn(LearnAction::Toggle(None))),
            ("learn-close", Command::Learn(LearnAction::Toggle(Some(false)))),
            ("lesson-check", Command::Learn(LearnAction::Check)),
            ("lesson-fix", Command::Learn(LearnAction::Fix)),
            ("lesson-next", Command::Learn(LearnAction::Next)),
            ("teach-button", Command::Teach(TeachAction::Open)),
            ("teach-copy", Command::Teach(TeachAction::Copy)),
            ("teach-preview", Command::Teach(TeachAction::Preview)),
            ("teach-close", Command::Teach(TeachAction::Close)),
        ] {
            let el = dom::by_id(document, id)?;
            self.listen(&el, "click", cmd);
        }
        for &(id, event, action) in instruments::WIRING {
            let el = dom::by_id(document, id)?;
            self.listen(&el, event, Command::Inst(action));
        }
        self.wire_custom(document)?;
        let teacher = dom::by_id(document, "teacher")?;
        for event in ["input", "change"] {
            self.listen(&teacher, event, Command::Teach(TeachAction::Update));
        }
        self.listen(window, "hashchange", Command::HashChanged);
        self.listen(window, "resize", Command::Resize);
        self.listen(window, "pagehide", Command::SaveRun);
        self.listen(document, "visibilitychange", Command::SaveRun);

        // Hover and keyboard focus on network nodes (delegated to #network).
        let network = dom::by_id(document, "network")?;
        for (event, entering) in [("mouseover", true), ("focusin", true), ("mouseout", false), ("focusout", false)] {
            let r = Rc::clone(self);
            self.listeners.borrow_mut().push(EventListener::new(&network, event, move |e| {
                let node = e.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|el| {
                    let col = el.get_attribute("data-col")?.parse().ok()?;
                    let unit = el.get_attribute("data-unit")?.parse().ok()?;
                    Some((col, unit))
                });
                if node.is_some() {
                    r.send(Command::Focus(if entering { node } else { None }));
                }
            }));
        }

        // "Try the fix" buttons on the doctor's findings (made with each result).
        let findings = dom::by_id(document, "doctor-findings")?;
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(&findings, "click", move |e| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let index = el.closest("[data-try-fix]").ok().flatten().and_then(|b| b.get_attribute("data-try-fix"));
            if let Some(i) = index.and_then(|i| i.parse().ok()) {
                r.send(Command::Inst(instruments::Action::TryFix(i)));
            }
        }));

        // The pointer over the diagram off its nodes: hovering an edge.
        let r = Rc::clone(self);
        let root = network.clone();
        self.listeners.borrow_mut().push(EventListener::new(&network, "mousemove", move |e| {
            let Some(e) = e.dyn_ref::<MouseEvent>() else { return };
            let on_node =
                e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| el.has_attribute("data-col"));
            if !on_node {
                let rect = root.get_bounding_client_rect();
                r.send(Command::Pointer(Some((
                    f64::from(e.client_x()) - rect.left(),
                    f64::from(e.client_y()) - rect.top(),
                ))));
            }
        }));
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(&network, "mouseleave", move |_| {
            r.send(Command::Pointer(None));
        }));
        // Arrow keys on a focused node walk its edges; Esc goes back.
        let r = Rc::clone(self);
        let options = EventListenerOptions::enable_prevent_default();
        self.listeners.borrow_mut().push(EventListener::new_with_options(&network, "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
            let on_node =
                e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| el.has_attribute("data-col"));
            let step = match e.key().as_str() {
                "ArrowDown" => 1,
                "ArrowUp" => -1,
                "Escape" => 0,
                _ => return,
            };
            if on_node && !(e.ctrl_key() || e.meta_key() || e.alt_key() || e.shift_key()) {
                e.prevent_default();
                r.send(Command::Walk(step));
            }
        }));

        // Links into the Learn panel, anywhere on the page: a checklist
        // reference (`data-learn="3.4"`) or a lesson (`data-lesson="…"`).
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(document, "click", move |e| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let found = |attr: &str| el.closest(&format!("[{attr}]")).ok().flatten()?.get_attribute(attr);
            if let Some(item) = found("data-learn") {
                r.send(Command::Learn(LearnAction::Item(item)));
            } else if let Some(lesson) = found("data-lesson") {
                r.send(Command::Learn(LearnAction::Start(lesson)));
            }
        }));

        // Keyboard shortcuts (not while typing in a field).
        let r = Rc::clone(self);
        let options = EventListenerOptions::enable_prevent_default();
        self.listeners.borrow_mut().push(EventListener::new_with_options(document, "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            // A modal dialog (the teacher's builder) owns the keyboard.
            if target.as_ref().is_some_and(|t| t.closest("dialog").ok().flatten().is_some()) {
                return;
            }
            let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
            let typing = matches!(tag.as_str(), "input" | "select" | "textarea");
            let on_button = tag == "button";
            let shortcut = transport::shortcut(&e.key(), e.shift_key(), typing, on_button);
            if let Some(shortcut) = shortcut {
                let cmd = match shortcut {
                    Shortcut::CloseHelp => Command::Help(Some(false)),
                    Shortcut::Help => Command::Help(None),
                    Shortcut::Button(id) => match Command::of_button(id) {
                        Some(cmd) => cmd,
                        None => return,
                    },
                };
                let allowed = r.app.try_borrow().ok().and_then(|a| {
                    a.as_ref().map(|a| {
                        let id = match shortcut {
                            Shortcut::Button(id) => id,
                            _ => "",
                        };
                        id.is_empty() || !a.page.transport.iter().any(|b| b.id() == id && (b.disabled() || b.hidden()))
                    })
                });
                if allowed.unwrap_or(true) {
                    e.prevent_default();
                    r.send(cmd);
                }
            }
        }));
        Ok(())
    }

    /// Queues a command and applies the queue unless a frame holds the app.
    pub fn send(self: &Rc<Self>, cmd: Command) {
        self.queue.borrow_mut().push_back(cmd);
        self.pump();
    }

    fn pump(self: &Rc<Self>) {
        let running = {
            let Ok(mut guard) = self.app.try_borrow_mut() else {
                return; // applied after the current frame
            };
            let Some(app) = guard.as_mut() else {
                return;
            };
            let mut running = app.is_running();
            loop {
                let next = self.queue.borrow_mut().pop_front();
                let Some(cmd) = next else {
                    break;
                };
                running = app.handle(cmd);
            }
            running
        };
        let pending = self.frame.borrow().is_some();
        if running != pending {
            self.set_running(running);
        }
    }

    /// Requests the next frame, or cancels the pending one. The body's
    /// `data-running` says which (`1` while frames run: training, a redraw
    /// or an evaluation in slices), so a test can wait for a settled page.
    fn set_running(self: &Rc<Self>, running: bool) {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            set_attr(&body, "data-running", if running { "1" } else { "0" });
        }
        let next = running.then(|| {
            let me = Rc::clone(self);
            request_animation_frame(move |_timestamp| me.on_frame())
        });
        // Replacing the handle cancels a pending frame.
        *self.frame.borrow_mut() = next;
    }

    fn on_frame(self: &Rc<Self>) {
        *self.frame.borrow_mut() = None;
        let again = self.app.borrow_mut().as_mut().is_some_and(App::frame);
        self.set_running(again);
        self.pump();
    }

    /// Training and drawing time of the last frame (benchmark hook).
    pub fn last_frame(&self) -> FrameCost {
        self.app.try_borrow().ok().and_then(|a| a.as_ref().map(|a| a.last_frame)).unwrap_or_default()
    }
}
