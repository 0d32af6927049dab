//! The running app: the trainer built from the link, the transport state,
//! the controls and views, and the animation-frame loop.
//!
//! DOM events become [`Command`]s, queued and applied between frames (never
//! while a frame holds the app). No task may hold the page for long (a
//! browser calls a task over 50 ms a long task: clicks and keys wait for
//! it), so every long computation is cut:
//! - training advances a layer at a time (`Trainer::step_part`, same bits as
//!   whole steps) for the frame's slice; the live instruments read a
//!   finished step in a piece of their own;
//! - the evaluation of a large network runs in slices over several frames
//!   (`Trainer::evaluate_slice`), training waiting for it;
//! - [`Planner`](crate::viz::frame_plan::Planner) decides per frame what to
//!   train and draw from the recent costs, and on a large network lets frames
//!   take turns at training and drawing; after Pause a large network is
//!   redrawn a part per frame;
//! - the long checks (gradient check, overfit, doctor) run in a Web Worker
//!   ([`super::checks`]) with progress and Cancel.
//!
//! An idle page costs nothing.
//!
//! Config changes from the controls go through the codec, are written to
//! `location.hash` (`history.replaceState`, so no reload), and are applied
//! live when the engine can (`Trainer::apply_live`), else by a rebuild.
//!
//! Files: this one (the page's elements, the app's state, building it from a
//! link), `commands` (applying a [`Command`]: transport, edits, the link,
//! Share, saving the run), `frame` (the animation frame: training in pieces,
//! evaluation in slices, drawing as planned) and `runner` (the command queue,
//! the event listeners and the frame requests). The transport's decisions
//! (modes, status, when training stops, shortcuts, the link notice) are the
//! pure [`crate::engine::transport`].

mod commands;
mod custom;
mod frame;
mod runner;

use std::rc::Rc;

use web_sys::{Document, HtmlButtonElement, HtmlDialogElement, HtmlElement, HtmlInputElement, Performance, Window};

use crate::engine::config::{Config, Live};
use crate::engine::i18n::Lang;
use crate::engine::instruments::long_checks::Message;
use crate::engine::link::{self as codec, Link, TRANSPORT_CONTROLS};
use crate::engine::runs::recorder::Recorder;
use crate::engine::trainer::{Evaluation, PartialStep, Trainer};
use crate::engine::transport::{self, Mode};
use crate::engine::view::{Classroom, View};
use crate::viz::frame_plan::{Plan, Planner};

use super::controls::{self, Controls, Edit};
use super::custom::{CustomAction, CustomPanel};
use super::dom::{self, set_attr, set_text, show};
use super::instruments::{self, Instruments};
use super::learn::{LearnAction, LearnPanel};
use super::lockstep::LockstepView;
use super::runs::RunsPanel;
use super::teacher::{TeachAction, TeacherDialog};
use super::views::{Charts, DigitsView, NetworkView, OutputView};
pub use runner::Runner;

/// The live run is saved to the history at least this often while training.
const SAVE_INTERVAL_MS: f64 = 2000.0;
/// Data points (training and test) above which a new run is drawn a part
/// per frame rather than at once: 5,000 points take about 20 ms to draw.
const STAGED_ROWS: usize = 1000;

/// Something a person did, applied between frames.
#[derive(Clone, Debug)]
pub enum Command {
    /// A settings control changed.
    Edit(Edit),
    /// Play ⇄ Pause.
    Play,
    /// One mini-batch.
    StepOnce,
    /// One epoch.
    StepEpoch,
    /// Back to the same initial weights.
    Reset,
    /// A new random seed (new data and weights).
    NewSeed,
    /// Copy the link.
    Share,
    /// Show or hide the shortcut help (None: toggle).
    Help(Option<bool>),
    /// Hide the notice.
    DismissNotice,
    /// The link was edited by hand (or back/forward).
    HashChanged,
    /// A network node gained (Some) or lost (None) hover/focus.
    Focus(Option<(usize, usize)>),
    /// The pointer moved over the network diagram off its nodes (px in
    /// the diagram), or left it (None): an edge may be hovered.
    Pointer(Option<(f64, f64)>),
    /// An arrow key (+1 down, −1 up) or Esc (0) on a focused node: walk its edges.
    Walk(i32),
    /// The window was resized.
    Resize,
    /// A button or picker of the instruments panel.
    Inst(instruments::Action),
    /// Save the live run to the history now (the page is being hidden).
    SaveRun,
    /// Run or pause the lockstep variants.
    Lockstep,
    /// Progress or an outcome from the long checks' worker.
    Check(Message),
    /// Something done in the Learn panel.
    Learn(LearnAction),
    /// Something done in the teacher's link builder.
    Teach(TeachAction),
    /// Something done in the editor of your own data.
    Custom(CustomAction),
    /// A language's catalog arrived (or could not be fetched).
    Catalog(Lang, Result<(), String>),
    /// The digits set arrived (or could not be fetched).
    Digits(Result<(), String>),
}

impl Command {
    /// The command of a transport button (`play`, `step-once`, …).
    fn of_button(id: &str) -> Option<Command> {
        Some(match id {
            "play" => Command::Play,
            "step-once" => Command::StepOnce,
            "step-epoch" => Command::StepEpoch,
            "reset" => Command::Reset,
            "new-seed" => Command::NewSeed,
            "share" => Command::Share,
            _ => return None,
        })
    }
}

/// The static elements of the page.
struct Page {
    body: HtmlElement,
    play: HtmlButtonElement,
    transport: Vec<HtmlButtonElement>,
    status: HtmlElement,
    step: HtmlElement,
    epoch: HtmlElement,
    train_loss: HtmlElement,
    test_loss: HtmlElement,
    train_acc: HtmlElement,
    test_acc: HtmlElement,
    fingerprint: HtmlElement,
    notice: HtmlElement,
    notice_text: HtmlElement,
    diverged: HtmlElement,
    control_msg: HtmlElement,
    share_box: HtmlElement,
    share_link: HtmlInputElement,
    share_status: HtmlElement,
    help: HtmlDialogElement,
    class_note: HtmlElement,
    class_note_text: HtmlElement,
    open_full: HtmlElement,
    chart_loss: HtmlElement,
    chart_acc: HtmlElement,
    heatmap: HtmlElement,
}

impl Page {
    fn find(document: &Document) -> Result<Page, String> {
        let transport = TRANSPORT_CONTROLS
            .iter()
            .map(|id| dom::typed::<HtmlButtonElement>(document, id))
            .collect::<Result<Vec<_>, _>>()?;
        let body = document.body().ok_or("no body")?;
        let mut f = dom::Finder::new(document);
        let page = Page {
            body,
            play: f.typed("play"),
            transport,
            status: f.el("status"),
            step: f.el("step"),
            epoch: f.el("epoch"),
            train_loss: f.el("train-loss"),
            test_loss: f.el("test-loss"),
            train_acc: f.el("train-acc"),
            test_acc: f.el("test-acc"),
            fingerprint: f.el("fingerprint"),
            notice: f.el("notice"),
            notice_text: f.el("notice-text"),
            diverged: f.el("diverged"),
            control_msg: f.el("control-msg"),
            share_box: f.el("share-box"),
            share_link: f.typed("share-link"),
            share_status: f.el("share-status"),
            class_note: f.el("class-note"),
            class_note_text: f.el("class-note-text"),
            open_full: f.el("open-full"),
            chart_loss: f.el("chart-loss"),
            chart_acc: f.el("chart-acc"),
            heatmap: f.el("heatmap"),
            help: f.typed("help"),
        };
        f.finish(page)
    }

    fn set_notice(&self, text: &str) {
        set_text(&self.notice_text, text);
        show(&self.notice, !text.is_empty());
    }
}

/// How far one call of [`App::train_part`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// The deadline came part-way through a step.
    Unfinished,
    /// A step was completed.
    Stepped,
    /// The step diverged; training stopped.
    Diverged,
}

/// Time spent per frame, for the benchmark hook.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameCost {
    /// Training time in the last frame (ms).
    pub train_ms: f64,
    /// Drawing time in the last frame (ms).
    pub draw_ms: f64,
    /// Instruments' share of both in the last frame (ms): observing steps
    /// and drawing the panel.
    pub inst_ms: f64,
    /// Steps trained in the last frame.
    pub steps: u64,
    /// What the last frame planned.
    pub plan: Plan,
}

/// The state behind the page.
pub struct App {
    page: Page,
    clock: Performance,
    window: Window,
    trainer: Trainer,
    mode: Mode,
    /// How the page draws the experiment (from the link and the view toggles).
    view: View,
    /// What the link's author hid, locked or embedded.
    classroom: Classroom,
    /// The live settings the controls show (a link's planned change moves
    /// the trainer's; the controls follow).
    shown_live: Live,
    controls: Controls,
    network: NetworkView,
    output: OutputView,
    digits: DigitsView,
    charts: Charts,
    instruments: Instruments,
    /// The runs panel (history, compare, export/import).
    runs: RunsPanel,
    /// Variants trained side by side.
    lockstep: LockstepView,
    /// The Learn panel: checklist, lessons, the open lesson.
    learn: LearnPanel,
    /// The teacher's link builder.
    teacher: TeacherDialog,
    /// Records the live run for the history.
    recorder: Recorder,
    /// Training time of the live run (ms).
    wall_ms: f64,
    /// When the live run was last saved (performance clock, ms).
    saved_ms: f64,
    /// Step count of the figures on screen (None: nothing shown yet).
    shown_step: Option<u64>,
    /// An evaluation being computed in slices (training waits for it).
    evaluation: Option<Evaluation>,
    /// A training step cut part-way at the end of a frame.
    partial: Option<PartialStep>,
    /// Whether the live instruments observe the step under way.
    observing: bool,
    /// Everything is to be redrawn in the next frame.
    redraw: bool,
    /// The live instruments have yet to read the last step.
    unobserved: bool,
    /// Everything is being redrawn a part per frame (a large network after
    /// Pause): the next part.
    staged: Option<u8>,
    /// Evaluation time of the evaluation under way (ms, over its slices).
    eval_cost_ms: f64,
    /// The hash this page last wrote (its own `hashchange` is ignored).
    written_hash: String,
    planner: Planner,
    /// Which of the slow views the next slow frame repaints (charts,
    /// digits, instruments, in turn).
    slow_part: u8,
    /// Time the instruments panel took to draw in this frame.
    inst_paint_ms: f64,
    /// Figures of the last frame.
    pub last_frame: FrameCost,
    /// The editor of your own data.
    custom_panel: CustomPanel,
    /// Custom points too few to train yet, with their experiment.
    custom_draft: Option<Config>,
    /// The custom points before the last edit (Undo).
    custom_undo: Option<Vec<crate::engine::config::CustomPoint>>,
    /// An edit of the custom points applied over the next frames.
    custom_pending: Option<custom::PendingPoints>,
    /// Queues a command, for outcomes that arrive later (a fetched file).
    post: Rc<dyn Fn(Command)>,
    /// The command being handled (done again once a file it waits for arrives).
    handling: Option<Command>,
    /// A command waiting for the digits set.
    after_digits: Option<Command>,
}

impl App {
    /// Builds the app from the link's hash. Bad fields are reported in
    /// `#notice`, never fatal. Fails only if even the default config cannot
    /// be trained or the page lacks an element.
    fn new(
        window: &Window,
        hash: &str,
        sink: controls::Sink,
        on_check: Rc<dyn Fn(Message)>,
        post: Rc<dyn Fn(Command)>,
    ) -> Result<App, String> {
        let document = window.document().ok_or("no document")?;
        let Built { trainer, mode, notice, view, classroom } = build(hash)?;
        let recorder = start_recorder(window, &trainer);
        let mut app = App {
            runs: RunsPanel::new(&document)?,
            lockstep: LockstepView::new(&document)?,
            learn: LearnPanel::new(&document)?,
            teacher: TeacherDialog::new(&document)?,
            recorder,
            wall_ms: 0.0,
            saved_ms: 0.0,
            page: Page::find(&document)?,
            clock: window.performance().ok_or("no performance clock")?,
            window: window.clone(),
            controls: Controls::build(sink)?,
            network: NetworkView::new(&document)?,
            output: OutputView::new(&document)?,
            digits: DigitsView::new(&document)?,
            charts: Charts::new(&document)?,
            instruments: Instruments::new(&document, on_check)?,
            trainer,
            mode,
            view,
            classroom,
            shown_live: Config::default().live(),
            shown_step: None,
            evaluation: None,
            partial: None,
            observing: false,
            redraw: false,
            unobserved: false,
            staged: None,
            eval_cost_ms: 0.0,
            written_hash: hash.trim_start_matches('#').to_string(),
            planner: Planner::default(),
            inst_paint_ms: 0.0,
            slow_part: 0,
            last_frame: FrameCost::default(),
            custom_panel: CustomPanel::new(&document)?,
            custom_draft: None,
            custom_undo: None,
            custom_pending: None,
            post,
            handling: None,
            after_digits: None,
        };
        app.page.set_notice(&notice);
        crate::lang::translate_page(&document, app.view.lang);
        app.fetch_language();
        app.rebuilt();
        Ok(app)
    }

    /// After the language changed: the page's static text, the controls,
    /// and every panel's text again in the new language. Nothing of the run
    /// changes; results of checks already run stay as they were written.
    fn relabel(&mut self) {
        let document = crate::dom::document();
        crate::lang::translate_page(&document, self.view.lang);
        self.fetch_language();
        let focused_lang = document.active_element().is_some_and(|e| e.id() == "lang");
        if let Err(message) = self.controls.relabel() {
            crate::crash::show(&message);
        }
        self.instruments.relabel(&mut self.trainer);
        self.network.relabel(&self.trainer);
        self.learn.relabel();
        self.runs.relabel();
        self.lockstep.relabel();
        self.teacher.relabel();
        self.config_shown();
        self.draw_all();
        if focused_lang {
            if let Ok(select) = crate::dom::by_id(&document, "lang") {
                let _ = select.focus();
            }
        }
    }

    /// Fetches the catalog of the view's language if the module lacks it
    /// (the page reads as English meanwhile), and says so.
    fn fetch_language(&mut self) {
        let lang = self.view.lang;
        let post = Rc::clone(&self.post);
        if crate::lang::request_catalog(lang, move |outcome| post(Command::Catalog(lang, outcome))) {
            set_text(&self.page.control_msg, &crate::tr!("web.lang.loading", lang = lang.endonym()));
        }
    }

    /// A language's catalog arrived: the page in it, if it is still the
    /// page's language; or the reason it could not be fetched.
    fn catalog_arrived(&mut self, lang: Lang, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => {
                set_text(&self.page.control_msg, "");
                if lang == self.view.lang {
                    self.relabel();
                }
            }
            Err(why) => {
                set_text(&self.page.control_msg, &crate::tr!("web.lang.unavailable", lang = lang.endonym(), why = why))
            }
        }
    }

    /// Puts the command being handled aside until the digits set arrives
    /// (the experiment it asks for is on the digits set), and fetches it.
    fn wait_for_digits(&mut self) {
        self.after_digits = self.handling.take();
        let post = Rc::clone(&self.post);
        crate::assets::request_digits(move |outcome| post(Command::Digits(outcome)));
        set_text(&self.page.control_msg, &crate::tr!("web.data.digits_loading"));
        self.config_shown();
    }

    /// The digits set arrived: the command that waited for it, done now; or
    /// the reason it could not be fetched (the experiment stays as it was).
    fn digits_arrived(&mut self, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => {
                set_text(&self.page.control_msg, "");
                if let Some(cmd) = self.after_digits.take() {
                    (self.post)(cmd);
                }
            }
            // Nothing waited: the page's own link asked for the set at start.
            Err(why) if self.after_digits.is_none() => {
                set_text(&self.page.control_msg, &crate::tr!("web.data.digits_unavailable_at_start", why = why));
            }
            Err(why) => {
                self.after_digits = None;
                set_text(&self.page.control_msg, &crate::tr!("web.data.digits_unavailable", why = why));
                self.config_shown();
            }
        }
    }

    /// Whether frames are wanted: training, lockstep, or an evaluation
    /// still being sliced.
    fn is_running(&self) -> bool {
        self.trains()
            || self.lockstep.busy()
            || self.evaluation.is_some()
            || self.partial.is_some()
            || self.unobserved
            || self.redraw
            || self.staged.is_some()
            || self.custom_pending.is_some()
    }

    /// Whether the main trainer is training.
    fn trains(&self) -> bool {
        self.mode.trains()
    }

    /// After a new trainer: views, controls, transport, and everything drawn.
    fn rebuilt(&mut self) {
        self.recorder = start_recorder(&self.window, &self.trainer);
        self.wall_ms = 0.0;
        self.saved_ms = self.clock.now();
        self.shown_step = None;
        self.evaluation = None;
        self.partial = None;
        self.unobserved = false;
        self.network.rebuild(&self.trainer);
        self.output.rebuild(&self.trainer);
        self.digits.rebuild(&self.trainer);
        self.instruments.rebuild(&mut self.trainer);
        self.custom_rebuilt();
        show(&self.page.diverged, false);
        self.config_shown();
        if self.trainer.raw_train.x.nrows() + self.trainer.raw_test.x.nrows() > STAGED_ROWS {
            // Many points: drawn a part per frame, as after a large network's Pause.
            self.staged = Some(0);
        } else {
            self.draw_all();
        }
    }

    /// Controls, classroom flags and transport state for the current config.
    fn config_shown(&mut self) {
        let shown = Link { config: self.trainer.cfg.clone(), ..self.link() };
        self.shown_live = shown.config.live();
        self.controls.show_config(&shown, self.trainer.model.n_params());
        self.instruments.show_bug(&shown.config, shown.bug);
        self.learn.show_link(self.view.learn.as_deref(), self.view.lesson.as_deref());
        self.runs.set_hidden(&shown.classroom.hide);
        dom::toggle_class(&self.page.body, "embed", shown.classroom.embed);
        if shown.classroom.embed {
            // The full page: the same experiment without embed mode.
            let mut full = shown.clone();
            full.classroom.embed = false;
            set_attr(&self.page.open_full, "href", &format!("#{}", codec::encode_link(&full)));
        }
        set_text(&self.page.class_note_text, shown.classroom.note.as_deref().unwrap_or(""));
        show(&self.page.class_note, shown.classroom.note.is_some());
        for (id, button) in TRANSPORT_CONTROLS.iter().zip(&self.page.transport) {
            show(button, !shown.classroom.hides(id));
        }
        self.custom_shown();
        self.transport_shown();
    }

    fn transport_shown(&self) {
        let (status, playing) = self.mode.status();
        set_text(&self.page.status, status);
        set_attr(&self.page.status, "data-mode", self.mode.name());
        let page = &self.page;
        set_text(&page.play, &if playing { crate::tr!("web.app.pause") } else { crate::tr!("web.app.play") });
        set_attr(&page.play, "aria-pressed", if playing { "true" } else { "false" });
        let diverged = self.mode == Mode::Diverged;
        for (id, button) in TRANSPORT_CONTROLS.iter().zip(&page.transport) {
            let locked = self.controls.is_locked(id) || self.classroom.locks(id);
            let needs_live = matches!(*id, "play" | "step-once" | "step-epoch");
            button.set_disabled(locked || (diverged && needs_live));
        }
    }
}

/// Shows a number rounded, with the exact value in `data-value` (for tests
/// and for people who hover).
fn show_number(el: &HtmlElement, exact: f64, shown: String) {
    set_text(el, &shown);
    set_attr(el, "data-value", &exact.to_string());
}

/// What a link builds: the trainer, its starting mode, the notice text, and
/// the view and classroom flags beside the experiment.
struct Built {
    trainer: Trainer,
    mode: Mode,
    notice: String,
    view: View,
    classroom: Classroom,
}

/// What a hash builds. Fields the codec rejected are listed in the notice;
/// a config the trainer refuses falls back to the defaults (also noted).
fn build(hash: &str) -> Result<Built, String> {
    let hash = hash.trim_start_matches('#');
    let (mut link, mut rejected) = codec::decode_link(hash);
    if link.view.lang != crate::engine::i18n::current() {
        // The link's language first, so what it rejects is said in it.
        crate::engine::i18n::set(link.view.lang);
        (link, rejected) = codec::decode_link(hash);
    }
    let codec::Link { mut config, view, classroom, bug } = link;
    crate::custom::recall(&mut config);
    let rejected: Vec<(String, String, String)> =
        rejected.iter().map(|r| (r.key.to_string(), r.value.to_string(), r.reason.to_string())).collect();
    let (trainer, config, untrainable) = match crate::engine::bug_lab::trainer(&config, bug) {
        Ok(trainer) => (trainer, config, None),
        Err(err) => {
            let config = Config::default();
            let trainer = crate::engine::bug_lab::trainer(&config, None)
                .map_err(|e| crate::tr!("web.app.default_unbuildable", error = e))?;
            (trainer, config, Some(err.to_string()))
        }
    };
    let notice = transport::link_notice(&rejected, untrainable.as_deref());
    Ok(Built { trainer, mode: Mode::for_link_step(config.step), notice, view, classroom })
}

/// A recorder for the run `trainer` starts now.
fn start_recorder(window: &Window, trainer: &Trainer) -> Recorder {
    let agent = window.navigator().user_agent().unwrap_or_default();
    Recorder::start(trainer, env!("CARGO_PKG_VERSION"), &agent, js_sys::Date::now())
}
