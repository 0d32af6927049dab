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

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlButtonElement, HtmlElement, HtmlInputElement, KeyboardEvent, Performance, Window,
};

use crate::engine::config::{Config, Named, Speed};
use crate::engine::history::Metrics;
use crate::engine::instruments::long_checks::{Message, Request};
use crate::engine::link::{self as codec, TRANSPORT_CONTROLS};
use crate::engine::runs::recorder::Recorder;
use crate::engine::trainer::{Evaluation, LiveChange, PartialStep, StepOutcome, Trainer};
use crate::viz::frame_plan::{Plan, Planner, EVAL_SLICE_MS, MAX_TASK_MS, TRAIN_BUDGET_MS};

use super::controls::{self, Controls, Edit};
use super::dom::{self, set_attr, set_text, show};
use super::instruments::{self, Instruments};
use super::lockstep::LockstepView;
use super::runs::RunsPanel;
use super::views::{Charts, DigitsView, NetworkView, OutputView};

/// The live run is saved to the history at least this often while training.
const SAVE_INTERVAL_MS: f64 = 2000.0;

/// What the frame loop is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Paused,
    Playing,
    /// Training towards the link's `step`, then pausing.
    FastForward(u64),
    /// Training until the epoch counter reaches this, then pausing.
    UntilEpoch(u64),
    /// A step produced a non-finite value; training cannot go on.
    Diverged,
}

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
    help: HtmlElement,
}

impl Page {
    fn find(document: &Document) -> Result<Page, String> {
        let transport = TRANSPORT_CONTROLS
            .iter()
            .map(|id| dom::typed::<HtmlButtonElement>(document, id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            body: document.body().ok_or("no body")?,
            play: dom::typed(document, "play")?,
            transport,
            status: dom::by_id(document, "status")?,
            step: dom::by_id(document, "step")?,
            epoch: dom::by_id(document, "epoch")?,
            train_loss: dom::by_id(document, "train-loss")?,
            test_loss: dom::by_id(document, "test-loss")?,
            train_acc: dom::by_id(document, "train-acc")?,
            test_acc: dom::by_id(document, "test-acc")?,
            fingerprint: dom::by_id(document, "fingerprint")?,
            notice: dom::by_id(document, "notice")?,
            notice_text: dom::by_id(document, "notice-text")?,
            diverged: dom::by_id(document, "diverged")?,
            control_msg: dom::by_id(document, "control-msg")?,
            share_box: dom::by_id(document, "share-box")?,
            share_link: dom::typed(document, "share-link")?,
            share_status: dom::by_id(document, "share-status")?,
            help: dom::by_id(document, "help")?,
        })
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
    /// First step at which a setting was changed mid-run.
    live_changed_at: Option<u64>,
    planner: Planner,
    /// Time the instruments panel took to draw in this frame.
    inst_paint_ms: f64,
    /// Figures of the last frame.
    pub last_frame: FrameCost,
}

impl App {
    /// Builds the app from the link's hash. Bad fields are reported in
    /// `#notice`, never fatal. Fails only if even the default config cannot
    /// be trained or the page lacks an element.
    fn new(window: &Window, hash: &str, sink: controls::Sink, on_check: Rc<dyn Fn(Message)>) -> Result<App, String> {
        let document = window.document().ok_or("no document")?;
        let (trainer, mode, notice) = build(hash)?;
        let recorder = start_recorder(window, &trainer);
        let mut app = App {
            runs: RunsPanel::new(&document)?,
            lockstep: LockstepView::new(&document)?,
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
            shown_step: None,
            evaluation: None,
            partial: None,
            observing: false,
            redraw: false,
            unobserved: false,
            staged: None,
            eval_cost_ms: 0.0,
            written_hash: hash.trim_start_matches('#').to_string(),
            live_changed_at: None,
            planner: Planner::default(),
            inst_paint_ms: 0.0,
            last_frame: FrameCost::default(),
        };
        app.page.set_notice(&notice);
        app.rebuilt();
        Ok(app)
    }

    /// Whether frames are wanted: training, lockstep, or an evaluation
    /// still being sliced.
    fn is_running(&self) -> bool {
        self.trains()
            || self.lockstep.playing
            || self.evaluation.is_some()
            || self.partial.is_some()
            || self.unobserved
            || self.redraw
            || self.staged.is_some()
    }

    /// Whether the main trainer is training.
    fn trains(&self) -> bool {
        matches!(self.mode, Mode::Playing | Mode::FastForward(_) | Mode::UntilEpoch(_))
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
        self.live_changed_at = None;
        self.network.rebuild(&self.trainer);
        self.output.rebuild(&self.trainer);
        self.digits.rebuild(&self.trainer);
        self.instruments.rebuild(&mut self.trainer);
        show(&self.page.diverged, false);
        self.config_shown();
        self.draw_all();
    }

    /// Controls, classroom flags and transport state for the current config.
    fn config_shown(&mut self) {
        let cfg = self.trainer.cfg.clone();
        self.controls.show_config(&cfg, self.trainer.model.n_params());
        self.instruments.show_bug(&cfg);
        dom::toggle_class(&self.page.body, "embed", cfg.view.embed);
        for (id, button) in TRANSPORT_CONTROLS.iter().zip(&self.page.transport) {
            show(button, !cfg.view.hide.iter().any(|h| h == id));
        }
        self.transport_shown();
    }

    fn transport_shown(&self) {
        let (status, playing) = match self.mode {
            Mode::Paused => ("Paused", false),
            Mode::Playing => ("Training", true),
            Mode::FastForward(_) => ("Fast-forwarding to the link's step", true),
            Mode::UntilEpoch(_) => ("Training one epoch", true),
            Mode::Diverged => ("Diverged", false),
        };
        set_text(&self.page.status, status);
        let page = &self.page;
        set_text(&page.play, if playing { "Pause" } else { "Play" });
        set_attr(&page.play, "aria-pressed", if playing { "true" } else { "false" });
        let diverged = self.mode == Mode::Diverged;
        for (id, button) in TRANSPORT_CONTROLS.iter().zip(&page.transport) {
            let locked = self.controls.is_locked(id) || self.trainer.cfg.view.lock.iter().any(|l| l == id);
            let needs_live = matches!(*id, "play" | "step-once" | "step-epoch");
            button.set_disabled(locked || (diverged && needs_live));
        }
    }

    /// Applies one command. Returns whether the loop should run.
    fn handle(&mut self, cmd: Command) -> bool {
        // A step left part-way is finished first, except by messages that do
        // not touch the trainer, and by Pause on a large network (the next
        // frames finish it: no click may hold the page for long).
        let defer = matches!(cmd, Command::Play) && !self.planner.cheap();
        if !matches!(cmd, Command::Check(_) | Command::Focus(_)) && !defer {
            self.settle();
        }
        match cmd {
            Command::Edit(edit) => self.edit(edit),
            Command::Play => {
                self.lockstep.pause(&self.runs);
                self.mode = match self.mode {
                    Mode::Paused => Mode::Playing,
                    Mode::Playing | Mode::FastForward(_) | Mode::UntilEpoch(_) => Mode::Paused,
                    Mode::Diverged => Mode::Diverged,
                };
                self.transport_shown();
                if !self.is_running() {
                    if self.planner.cheap() {
                        self.draw_all();
                        self.save_run();
                    } else {
                        self.staged = Some(0); // a part per frame
                    }
                }
            }
            Command::StepOnce => {
                if self.mode != Mode::Diverged {
                    self.mode = Mode::Paused;
                    self.instruments.snapshot_soon();
                    self.train_step(true);
                    self.transport_shown();
                    self.draw_all();
                    self.save_run();
                }
            }
            Command::StepEpoch => {
                if self.mode != Mode::Diverged {
                    self.mode = Mode::UntilEpoch(self.trainer.epoch() + 1);
                    self.transport_shown();
                }
            }
            Command::Reset => {
                self.save_run();
                self.trainer.reset();
                self.mode = Mode::Paused;
                self.rebuilt();
            }
            Command::NewSeed => {
                let mut cfg = self.trainer.cfg.clone();
                cfg.seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
                self.set_config(cfg, "seed");
            }
            Command::Share => self.share(),
            Command::Help(on) => {
                let visible = on.unwrap_or(self.page.help.hidden());
                show(&self.page.help, visible);
                if visible {
                    let _ = self.page.help.focus();
                }
            }
            Command::DismissNotice => self.page.set_notice(""),
            Command::HashChanged => {
                let hash = self.window.location().hash().unwrap_or_default();
                if hash.trim_start_matches('#') != self.written_hash {
                    self.written_hash = hash.trim_start_matches('#').to_string();
                    match build(&hash) {
                        Ok((trainer, mode, notice)) => {
                            self.save_run();
                            self.trainer = trainer;
                            self.mode = mode;
                            self.page.set_notice(&notice);
                            self.rebuilt();
                        }
                        Err(message) => super::crash::show(&message),
                    }
                }
            }
            Command::Focus(node) => {
                self.network.focus = node;
                self.network.show_info(&self.trainer);
            }
            Command::Resize => {
                self.network.layout();
                self.network.paint_edges(&self.trainer);
            }
            Command::Inst(action) => self.instrument(action),
            Command::Check(message) => self.instruments.check_message(message, &self.clock),
            Command::SaveRun => self.save_run(),
            Command::Lockstep => {
                if self.trains() {
                    self.mode = Mode::Paused;
                    self.transport_shown();
                    self.draw_all();
                    self.save_run();
                }
                self.lockstep.toggle(&self.trainer.cfg, &self.runs);
            }
        }
        self.is_running()
    }

    /// A control changed: validate through the codec, then apply.
    fn edit(&mut self, edit: Edit) {
        let cfg = &self.trainer.cfg;
        let (next, key, msgs) = match &edit {
            Edit::Field(key, text) => {
                let (next, msgs) = codec::with_field(cfg, key, text);
                (next, *key, msgs)
            }
            Edit::Data(kind) => {
                let (next, msgs) = codec::with_field(cfg, "data", kind.name());
                (next, "data", msgs)
            }
            Edit::Feature(feature, on) => {
                let mut list: Vec<&str> =
                    cfg.data.features.iter().filter(|f| *f != feature).map(|f| f.name()).collect();
                if *on {
                    list.push(feature.name());
                }
                // Keep TF Playground's order of the features.
                let text: Vec<&str> =
                    crate::engine::config::Feature::ALL.iter().map(|f| f.name()).filter(|n| list.contains(n)).collect();
                let (next, msgs) = codec::with_field(cfg, "feat", &text.join(","));
                (next, "feat", msgs)
            }
            Edit::Network(edit) => match codec::edit_network(cfg, edit) {
                Ok(next) => (next, "net", vec![]),
                Err(msg) => (cfg.clone(), "net", vec![msg]),
            },
        };
        set_text(&self.page.control_msg, &msgs.join("\n"));
        self.set_config(next, key);
    }

    /// Makes `next` the running config: live when possible, else a rebuild;
    /// writes the link either way.
    fn set_config(&mut self, mut next: Config, key: &str) {
        next.step = None;
        if self.controls.is_locked(key) {
            set_text(&self.page.control_msg, &format!("{key} is locked by this link"));
            self.config_shown();
            return;
        }
        self.write_hash(&next);
        if next == self.trainer.cfg {
            self.config_shown();
            return;
        }
        let view_before = self.trainer.cfg.view.clone();
        let step = self.trainer.step_count();
        // Compared before applying: did anything but the view change?
        let only_view = Config { view: view_before.clone(), ..next.clone() } == self.trainer.cfg;
        match self.trainer.apply_live(&next) {
            LiveChange::Applied | LiveChange::NewOptimizer => {
                if step > 0 && !only_view && self.live_changed_at.is_none() {
                    self.live_changed_at = Some(step);
                    self.recorder.note_live_change(step);
                }
                // Live settings may change what the optimizer did already:
                // the evaluation text stays; views redraw.
                if view_before.show_test != next.view.show_test {
                    self.output.paint_points(&self.trainer);
                }
                self.config_shown();
                self.draw_all();
            }
            LiveChange::Rebuild => match Trainer::from_config(&next) {
                Ok(trainer) => {
                    self.save_run();
                    let was_running = matches!(self.mode, Mode::Playing);
                    self.trainer = trainer;
                    self.mode = if was_running { Mode::Playing } else { Mode::Paused };
                    self.rebuilt();
                }
                Err(err) => {
                    set_text(&self.page.control_msg, &format!("This setting cannot be trained: {err}"));
                    let current = self.trainer.cfg.clone();
                    self.write_hash(&current);
                    self.config_shown();
                }
            },
        }
    }

    fn write_hash(&mut self, cfg: &Config) {
        let mut cfg = cfg.clone();
        cfg.step = None;
        let hash = codec::encode(&cfg);
        if hash == self.written_hash {
            return;
        }
        if let Ok(history) = self.window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{hash}")));
        }
        self.written_hash = hash;
    }

    /// Puts the link to the current state (with its step) in the share box
    /// and tries the clipboard; falls back to selecting the text field.
    fn share(&mut self) {
        let mut cfg = self.trainer.cfg.clone();
        let step = self.trainer.step_count();
        cfg.step = (step > 0).then_some(step);
        let location = self.window.location();
        let base =
            format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_else(|_| "/".into()));
        let link = format!("{base}#{}", codec::encode(&cfg));
        self.page.share_link.set_value(&link);
        show(&self.page.share_box, true);
        let caveat = match self.live_changed_at {
            Some(at) => format!(
                " Note: settings were changed mid-run at step {at}; the link replays today's settings from step 0, so its fingerprint will differ."
            ),
            None => String::new(),
        };
        set_text(&self.page.share_status, &format!("Copying…{caveat}"));
        let field = self.page.share_link.clone();
        let status = self.page.share_status.clone();
        let clipboard = self.window.navigator().clipboard();
        let fallback = move |status: &HtmlElement, field: &HtmlInputElement, caveat: &str| {
            field.select();
            set_text(status, &format!("Press Ctrl+C (⌘C) to copy the selected link.{caveat}"));
        };
        let promise = clipboard.write_text(&link);
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => set_text(&status, &format!("Link copied.{caveat}")),
                Err(_) => fallback(&status, &field, &caveat),
            }
        });
    }

    /// Saves the live run to the history (runs that never trained are not kept).
    fn save_run(&mut self) {
        self.saved_ms = self.clock.now();
        if self.trainer.step_count() == 0 {
            return;
        }
        let cheap = self.evaluation_is_cheap() && self.partial.is_none();
        if self.shown_step != Some(self.trainer.step_count()) && cheap {
            // A small network's record gets this step's figures; a large
            // one's keeps the last shown (its evaluation takes several frames).
            let metrics = self.trainer.evaluate();
            self.recorder.observe(&metrics);
        }
        self.runs.save(self.recorder.record(&self.trainer, self.wall_ms));
    }

    /// The counters now; a large network's figures over the next frames, in slices.
    fn show_figures_later(&mut self) {
        set_text(&self.page.step, &self.trainer.step_count().to_string());
        set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        if self.shown_step != Some(self.trainer.step_count()) && self.evaluation.is_none() {
            self.eval_cost_ms = 0.0;
            self.evaluation = Some(self.trainer.start_evaluation());
        }
    }

    /// Whether one slice evaluates every row (a small network).
    fn evaluation_is_cheap(&self) -> bool {
        self.trainer.rows_per_slice() >= self.trainer.train.len() + self.trainer.test.len()
    }

    /// A button or picker of the instruments panel.
    fn instrument(&mut self, action: instruments::Action) {
        use instruments::Action;
        match action {
            Action::InitialLoss => self.instruments.show_initial_loss(&self.trainer),
            Action::Gradients => self.instruments.start_check(Request::Gradients, &self.trainer, &self.clock),
            Action::Overfit => self.instruments.start_check(Request::Overfit { k: 0 }, &self.trainer, &self.clock),
            Action::Doctor => {
                self.instruments.start_check(Request::Doctor { overfit_k: 0 }, &self.trainer, &self.clock)
            }
            Action::CancelCheck => self.instruments.cancel_check(),
            Action::Reveal => self.instruments.reveal(&self.trainer.cfg),
            Action::BugPicked => match self.instruments.picked_bug(&self.trainer.cfg) {
                Some(next) => self.set_config(next, "bug"),
                None => self.instruments.show_bug(&self.trainer.cfg),
            },
            Action::LiveToggle => {
                self.instruments.toggle_live(&mut self.trainer);
                self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
            }
            Action::ViewPicked => {
                self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
            }
        }
    }

    /// One whole mini-batch (finishing a step under way first), observed
    /// by the live instruments; stops on divergence.
    fn train_step(&mut self, force: bool) -> bool {
        self.settle();
        matches!(self.train_part(f64::INFINITY, force), Part::Stepped)
    }

    /// Finishes a step left part-way, so that a command sees a whole step.
    fn settle(&mut self) {
        if self.partial.is_some() {
            self.train_part(f64::INFINITY, false);
        }
        self.observe_step();
    }

    /// The live instruments read the last step, if they have not yet.
    fn observe_step(&mut self) {
        if std::mem::take(&mut self.unobserved) {
            let t0 = self.clock.now();
            self.instruments.after_step(&mut self.trainer, self.observing, &self.clock);
            self.planner.trained_piece(self.clock.now() - t0);
        }
    }

    /// Advances training one layer at a time until `deadline` (at least one
    /// layer), up to the end of the step under way or of a new one.
    fn train_part(&mut self, deadline: f64, force: bool) -> Part {
        if self.partial.is_none() {
            self.observe_step();
            self.observing = self.instruments.before_step(&mut self.trainer, force);
        }
        let clock = self.clock.clone();
        let mut last = clock.now();
        let mut piece = 0.0f64;
        let mut more = || {
            let now = clock.now();
            piece = piece.max(now - last);
            last = now;
            now < deadline
        };
        let outcome = self.trainer.step_part(&mut self.partial, &mut more);
        let Some(outcome) = outcome else {
            self.planner.trained_piece(piece);
            return Part::Unfinished;
        };
        self.planner.trained_piece(piece.max(self.clock.now() - last));
        // The live instruments read the step in a piece of their own, next
        // (the next step waits for them).
        self.unobserved = true;
        if deadline.is_infinite() || self.planner.cheap() {
            self.observe_step();
        }
        if let StepOutcome::Diverged(why) = outcome {
            self.mode = Mode::Diverged;
            let places = crate::engine::instruments::places(&self.trainer.model);
            set_text(
                &self.page.diverged,
                &format!(
                    "Training diverged at {}. Training is paused and the history is kept; \
                     try a smaller learning rate or gradient clipping, then Reset.",
                    crate::engine::instruments::diagnosis::describe(&why, &places)
                ),
            );
            show(&self.page.diverged, true);
            return Part::Diverged;
        }
        Part::Stepped
    }

    /// One animation frame: plan what to draw, train for what the frame has
    /// left, then draw. Returns whether another frame is wanted.
    fn frame(&mut self) -> bool {
        if !self.is_running() {
            return false;
        }
        if self.evaluation.is_some() {
            // Training waits: the figures must be those of this step.
            self.show_figures(true);
            if self.evaluation.is_none() && !self.trains() {
                self.save_run();
            }
            return self.is_running();
        }
        if !self.trains() && (self.partial.is_some() || self.unobserved) {
            // Paused part-way through a step: the step ends over the next
            // frames, then the instruments read it, then everything is redrawn,
            // each in a frame of its own.
            if self.partial.is_some() {
                self.train_part(self.clock.now() + TRAIN_BUDGET_MS, false);
            } else {
                self.observe_step();
                if self.planner.cheap() {
                    self.redraw = true;
                } else {
                    self.staged = Some(0);
                }
            }
            return true;
        }
        if self.redraw {
            self.redraw = false;
            self.transport_shown();
            self.draw_all();
            self.save_run();
            return self.is_running();
        }
        if let Some(stage) = self.staged.take() {
            self.draw_stage(stage);
            return self.is_running();
        }
        if !self.trains() {
            let deadline = self.clock.now() + TRAIN_BUDGET_MS;
            self.lockstep.frame(&self.clock, deadline, &self.runs);
            return self.is_running();
        }
        self.instruments.observe_ms = 0.0;
        self.inst_paint_ms = 0.0;
        let start = self.clock.now();
        let plan = self.planner.plan(start);
        let deadline = start + plan.train_ms;
        let speed = self.trainer.cfg.view.speed;
        let epoch_limit = speed.epochs_per_frame().map(|n| self.trainer.epoch() + n);
        let steps = if plan.train { self.train_until(deadline, speed, epoch_limit) } else { 0 };
        self.instruments.end_frame(steps);
        let trained = self.clock.now();
        if self.is_running() {
            self.draw_live(&plan);
        } else {
            self.transport_shown();
            self.draw_all();
        }
        self.wall_ms += trained - start;
        // The periodic save waits for a frame with room for it.
        let room = !plan.train || self.planner.costs.piece < MAX_TASK_MS / 3.0;
        if !self.is_running() || (room && trained - self.saved_ms >= SAVE_INTERVAL_MS) {
            self.save_run();
        }
        let end = self.clock.now();
        self.last_frame = FrameCost {
            train_ms: trained - start,
            draw_ms: end - trained,
            inst_ms: self.instruments.observe_ms + self.inst_paint_ms,
            steps,
            plan,
        };
        self.is_running()
    }

    /// Trains layer by layer until `deadline`, as the mode and speed allow;
    /// returns the steps completed.
    fn train_until(&mut self, deadline: f64, speed: Speed, epoch_limit: Option<u64>) -> u64 {
        let mut steps = 0u64;
        loop {
            if self.partial.is_none() && self.stops_before_step(speed, epoch_limit, steps) {
                return steps;
            }
            match self.train_part(deadline, false) {
                Part::Stepped => steps += 1,
                Part::Unfinished | Part::Diverged => return steps,
            }
            if self.clock.now() >= deadline {
                return steps;
            }
        }
    }

    /// Whether training stops before the next step: the link's step or the
    /// epoch was reached (then pausing), or Play's speed allows no more
    /// this frame.
    fn stops_before_step(&mut self, speed: Speed, epoch_limit: Option<u64>, steps: u64) -> bool {
        match self.mode {
            Mode::FastForward(target) if self.trainer.step_count() >= target => {
                self.mode = Mode::Paused;
                true
            }
            Mode::UntilEpoch(target) if self.trainer.epoch() >= target => {
                self.mode = Mode::Paused;
                true
            }
            // Play honours the speed; fast-forward and "one epoch" do not.
            Mode::Playing => match (speed, epoch_limit) {
                (Speed::Batch, _) => steps >= 1,
                (_, Some(limit)) => self.trainer.epoch() >= limit,
                _ => false,
            },
            _ => false,
        }
    }

    /// Drawing while training, as planned.
    fn draw_live(&mut self, plan: &Plan) {
        let clock = self.clock.clone();
        let timed = |f: &mut dyn FnMut()| {
            let t0 = clock.now();
            f();
            clock.now() - t0
        };
        if plan.thumbs {
            let mut canvases = 0;
            let ms = timed(&mut || {
                canvases = self.network.paint_nodes(&mut self.trainer);
                self.output.paint(&mut self.trainer);
            });
            self.planner.drew_thumbs(ms, canvases);
        }
        if plan.edges {
            let mut edges = 0;
            let ms = timed(&mut || {
                edges = self.network.paint_edges(&self.trainer);
                self.network.show_info(&self.trainer);
            });
            self.planner.drew_edges(ms, edges, self.clock.now());
        }
        if plan.eval && self.partial.is_none() {
            self.show_figures(false);
        } else {
            set_text(&self.page.step, &self.trainer.step_count().to_string());
            set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        }
        if plan.slow {
            let mut inst_ms = 0.0;
            let ms = timed(&mut || {
                self.charts.paint(&self.trainer);
                self.digits.paint(&mut self.trainer);
                let t0 = clock.now();
                self.instruments.paint(&mut self.trainer, &mut self.network, &clock, false);
                inst_ms = clock.now() - t0;
            });
            self.inst_paint_ms = inst_ms;
            self.planner.drew_slow(ms, self.clock.now());
        }
    }

    /// One part of a redraw spread over frames; the next part follows in
    /// the next frame.
    fn draw_stage(&mut self, stage: u8) {
        match stage {
            0 => {
                self.transport_shown();
                let _ = self.network.paint_nodes(&mut self.trainer);
                self.output.paint(&mut self.trainer);
            }
            1 => {
                let _ = self.network.paint_edges(&self.trainer);
                self.network.show_info(&self.trainer);
            }
            2 => {
                self.digits.paint(&mut self.trainer);
                self.charts.paint(&self.trainer);
            }
            _ => {
                self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
                if self.evaluation_is_cheap() {
                    self.show_figures(true);
                } else {
                    self.show_figures_later();
                }
                self.save_run();
                return;
            }
        }
        self.staged = Some(stage + 1);
    }

    /// Everything, now (paused, or after a change).
    fn draw_all(&mut self) {
        if self.evaluation_is_cheap() {
            self.show_figures(true);
        } else {
            self.show_figures_later();
        }
        let _ = self.network.paint_nodes(&mut self.trainer);
        let _ = self.network.paint_edges(&self.trainer);
        self.network.show_info(&self.trainer);
        self.output.paint(&mut self.trainer);
        self.digits.paint(&mut self.trainer);
        self.charts.paint(&self.trainer);
        self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
    }

    /// The counters and losses, if `force` or evaluation fits its share of
    /// the time. On a large network the evaluation takes several slices of
    /// [`EVAL_SLICE_MS`], one per frame; the figures change when it is done.
    fn show_figures(&mut self, force: bool) {
        let step = self.trainer.step_count();
        set_text(&self.page.step, &step.to_string());
        set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        if self.shown_step == Some(step) {
            self.evaluation = None;
            return;
        }
        if !force && !self.planner.eval_due(self.clock.now()) && self.evaluation.is_none() {
            return;
        }
        let Some(metrics) = self.evaluate_for(EVAL_SLICE_MS) else {
            return; // more slices next frame
        };
        self.recorder.observe(&metrics);
        self.planner.evaluated(self.eval_cost_ms, self.clock.now());
        let page = &self.page;
        show_number(&page.train_loss, metrics.train_loss, format_loss(metrics.train_loss));
        show_number(&page.test_loss, metrics.test_loss, format_loss(metrics.test_loss));
        let pct = |a: Option<f64>| a.map_or("–".to_string(), |a| format!("{:.1} %", 100.0 * a));
        set_text(&page.train_acc, &pct(metrics.train_acc));
        set_text(&page.test_acc, &pct(metrics.test_acc));
        set_text(&page.fingerprint, &self.trainer.fingerprint().to_string());
        self.shown_step = Some(step);
    }

    /// Continues (or starts) the evaluation of this step for about
    /// `budget_ms` (at least one slice); its metrics once it is complete.
    fn evaluate_for(&mut self, budget_ms: f64) -> Option<Metrics> {
        let start = self.clock.now();
        let rows = self.trainer.rows_per_slice();
        let mut e = self.evaluation.take().unwrap_or_else(|| {
            self.eval_cost_ms = 0.0;
            self.trainer.start_evaluation()
        });
        loop {
            if let Some(m) = self.trainer.evaluate_slice(&mut e, rows) {
                self.eval_cost_ms += self.clock.now() - start;
                return Some(m);
            }
            if self.clock.now() - start >= budget_ms {
                self.eval_cost_ms += self.clock.now() - start;
                self.evaluation = Some(e);
                return None;
            }
        }
    }
}

/// Shows a number rounded, with the exact value in `data-value` (for tests
/// and for people who hover).
fn show_number(el: &HtmlElement, exact: f64, shown: String) {
    set_text(el, &shown);
    set_attr(el, "data-value", &exact.to_string());
}

/// Trainer, starting mode and notice text for a hash. Fields the codec
/// rejected are listed in the notice; a config the trainer refuses falls
/// back to the defaults (also noted).
fn build(hash: &str) -> Result<(Trainer, Mode, String), String> {
    let (config, rejected) = codec::decode(hash.trim_start_matches('#'));
    let mut notes: Vec<String> = rejected.iter().map(|r| format!("• {}={}: {}", r.key, r.value, r.reason)).collect();
    if !notes.is_empty() {
        notes.insert(0, "Some settings in the link were ignored (defaults used instead):".into());
    }
    let (trainer, config) = match Trainer::from_config(&config) {
        Ok(trainer) => (trainer, config),
        Err(err) => {
            notes.push(format!("This link's settings cannot be trained ({err}); showing the default experiment."));
            let config = Config::default();
            let trainer =
                Trainer::from_config(&config).map_err(|e| format!("the default experiment cannot be built: {e}"))?;
            (trainer, config)
        }
    };
    let mode = match config.step {
        Some(target) if target > 0 => Mode::FastForward(target),
        _ => Mode::Paused,
    };
    Ok((trainer, mode, notes.join("\n")))
}

/// A recorder for the run `trainer` starts now.
fn start_recorder(window: &Window, trainer: &Trainer) -> Recorder {
    let agent = window.navigator().user_agent().unwrap_or_default();
    Recorder::start(trainer, env!("CARGO_PKG_VERSION"), &agent, js_sys::Date::now())
}

/// Losses with 4 significant digits, in a form `Number()` parses back.
fn format_loss(loss: f64) -> String {
    if !loss.is_finite() {
        loss.to_string()
    } else if loss != 0.0 && (loss.abs() < 1e-3 || loss.abs() >= 1e4) {
        format!("{loss:.3e}")
    } else {
        format!("{loss:.4}")
    }
}

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
    /// asks to fast-forward.
    pub fn start(window: &Window) -> Result<Rc<Runner>, String> {
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
        *runner.app.borrow_mut() = Some(App::new(window, &hash, sink, on_check)?);
        runner.wire(window, &document)?;
        let running = runner.app.borrow().as_ref().is_some_and(App::is_running);
        runner.set_running(running);
        Ok(runner)
    }

    fn listen(self: &Rc<Self>, target: &web_sys::EventTarget, event: &'static str, cmd: Command) {
        let r = Rc::clone(self);
        self.listeners.borrow_mut().push(EventListener::new(target, event, move |_| r.send(cmd.clone())));
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
        ] {
            let el = dom::by_id(document, id)?;
            self.listen(&el, "click", cmd);
        }
        for &(id, event, action) in instruments::WIRING {
            let el = dom::by_id(document, id)?;
            self.listen(&el, event, Command::Inst(action));
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
            let tag = target.as_ref().map(|t| t.tag_name().to_ascii_lowercase()).unwrap_or_default();
            let typing = matches!(tag.as_str(), "input" | "select" | "textarea");
            let on_button = tag == "button";
            let cmd = match e.key().as_str() {
                "Escape" => Some(Command::Help(Some(false))),
                _ if typing => None,
                " " if !on_button => Some(Command::Play),
                "ArrowRight" if e.shift_key() => Some(Command::StepEpoch),
                "ArrowRight" => Some(Command::StepOnce),
                "r" | "R" => Some(Command::Reset),
                "n" | "N" => Some(Command::NewSeed),
                "s" | "S" => Some(Command::Share),
                "?" => Some(Command::Help(None)),
                _ => None,
            };
            if let Some(cmd) = cmd {
                let allowed = r.app.try_borrow().ok().and_then(|a| {
                    a.as_ref().map(|a| {
                        let id = match cmd {
                            Command::Play => "play",
                            Command::StepOnce => "step-once",
                            Command::StepEpoch => "step-epoch",
                            Command::Reset => "reset",
                            Command::NewSeed => "new-seed",
                            Command::Share => "share",
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
