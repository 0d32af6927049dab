//! The running app: one trainer built from the link, the Play/Pause state,
//! and the animation-frame loop that trains within a time budget and then
//! shows the result.
//!
//! Per frame (only while training or fast-forwarding; an idle page costs
//! nothing): `trainer.step()` repeatedly for ~[`TRAIN_BUDGET_MS`], then
//! `evaluate()` and the text fields, at most ~10 times a second and less
//! often when evaluation would take more than ~10 % of the time (large data
//! sets), so training keeps most of each frame. All figures on screen are
//! from the same step; pausing always shows the latest. DOM events (Play, hashchange) are applied
//! between frames, never during one.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use web_sys::{Performance, Window};

use crate::engine::config::{codec, Config};
use crate::engine::trainer::{StepOutcome, Trainer};

use super::dom::{set_text, Dom};

/// Training time per animation frame, in milliseconds: about half a 60 Hz
/// frame, leaving the rest for evaluation, drawing and the browser.
pub const TRAIN_BUDGET_MS: f64 = 8.0;

/// Evaluation may use at most 1/EVAL_SHARE of the wall time...
const EVAL_SHARE: f64 = 10.0;
/// ...and runs at most every this many milliseconds while training (each
/// evaluation is also recorded in the trainer's history).
const MIN_EVAL_INTERVAL_MS: f64 = 100.0;

/// What the frame loop is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Paused,
    Playing,
    /// Training towards the link's `step`, then pausing.
    FastForward(u64),
    /// A step produced a non-finite value; training cannot go on.
    Diverged,
}

/// The state behind the page.
pub struct App {
    dom: Dom,
    clock: Performance,
    trainer: Trainer,
    mode: Mode,
    /// Step count of the figures on screen (None: nothing shown yet).
    shown_step: Option<u64>,
    /// Cost of the last evaluation and when it ended, for throttling.
    eval_cost_ms: f64,
    eval_end_ms: f64,
}

impl App {
    /// Builds the app from the link's hash; bad fields are reported in
    /// `#notice`, never fatal. Fails only if even the default config cannot
    /// be trained.
    fn new(dom: Dom, clock: Performance, hash: &str) -> Result<App, String> {
        let (trainer, mode, notice) = build(hash)?;
        dom.set_notice(&notice);
        let mut app =
            App { dom, clock, trainer, mode, shown_step: None, eval_cost_ms: 0.0, eval_end_ms: f64::NEG_INFINITY };
        app.show(true);
        Ok(app)
    }

    /// Replaces the run with the one described by a new hash.
    fn reload(&mut self, hash: &str) -> Result<(), String> {
        let (trainer, mode, notice) = build(hash)?;
        self.dom.set_notice(&notice);
        self.trainer = trainer;
        self.mode = mode;
        self.shown_step = None;
        self.show(true);
        Ok(())
    }

    fn is_running(&self) -> bool {
        matches!(self.mode, Mode::Playing | Mode::FastForward(_))
    }

    /// Play ⇄ Pause. Returns whether the loop should run.
    fn toggle(&mut self) -> bool {
        self.mode = match self.mode {
            Mode::Paused => Mode::Playing,
            Mode::Playing | Mode::FastForward(_) => Mode::Paused,
            Mode::Diverged => Mode::Diverged,
        };
        self.show(true);
        self.is_running()
    }

    /// One animation frame: train within the budget, then show. Returns
    /// whether another frame is wanted.
    fn frame(&mut self) -> bool {
        if !self.is_running() {
            return false;
        }
        let deadline = self.clock.now() + TRAIN_BUDGET_MS;
        loop {
            if let Mode::FastForward(target) = self.mode {
                if self.trainer.step_count() >= target {
                    self.mode = Mode::Paused;
                    break;
                }
            }
            if let StepOutcome::Diverged(why) = self.trainer.step() {
                self.mode = Mode::Diverged;
                self.dom.set_notice(&format!(
                    "Training stopped: {why}. Try a smaller learning rate or gradient clipping in the link."
                ));
                break;
            }
            if self.clock.now() >= deadline {
                break;
            }
        }
        // Show the final state whenever the loop stops; otherwise only when
        // evaluation is cheap enough for now.
        self.show(!self.is_running());
        self.is_running()
    }

    /// Updates the controls, and the figures if `force` or evaluation fits
    /// its share of the time.
    fn show(&mut self, force: bool) {
        let (status, enabled) = match self.mode {
            Mode::Paused => ("Paused", true),
            Mode::Playing => ("Training", true),
            Mode::FastForward(_) => ("Fast-forwarding to the link's step", true),
            Mode::Diverged => ("Diverged", false),
        };
        set_text(&self.dom.status, status);
        self.dom.set_play(self.is_running(), enabled);

        let step = self.trainer.step_count();
        if self.shown_step == Some(step) {
            return;
        }
        let now = self.clock.now();
        if !force && now - self.eval_end_ms < MIN_EVAL_INTERVAL_MS.max(EVAL_SHARE * self.eval_cost_ms) {
            return;
        }
        let metrics = self.trainer.evaluate();
        self.eval_end_ms = self.clock.now();
        self.eval_cost_ms = self.eval_end_ms - now;

        set_text(&self.dom.step, &step.to_string());
        set_text(&self.dom.epoch, &self.trainer.epoch().to_string());
        set_text(&self.dom.train_loss, &format_loss(metrics.train_loss));
        set_text(&self.dom.test_loss, &format_loss(metrics.test_loss));
        set_text(&self.dom.fingerprint, &self.trainer.fingerprint().to_string());
        self.shown_step = Some(step);
    }
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

/// Losses with 4 significant digits, in a form `Number()` parses back.
fn format_loss(loss: f64) -> String {
    if !loss.is_finite() {
        loss.to_string()
    } else if loss != 0.0 && loss.abs() < 1e-3 {
        format!("{loss:.3e}")
    } else {
        format!("{loss:.4}")
    }
}

/// Owns the app and its pending animation frame; the handle to clone into
/// event listeners.
pub struct Runner {
    app: RefCell<App>,
    frame: RefCell<Option<AnimationFrame>>,
}

impl Runner {
    /// Starts the app on `window`: builds it from `location.hash`, wires the
    /// Play button and `hashchange`, and starts the loop if the link asks to
    /// fast-forward.
    pub fn start(window: &Window) -> Result<Rc<Runner>, String> {
        let document = window.document().ok_or("no document")?;
        let dom = Dom::find(&document)?;
        let clock = window.performance().ok_or("no performance clock")?;
        let hash = window.location().hash().unwrap_or_default();
        let play = dom.play.clone();
        let runner = Rc::new(Runner { app: RefCell::new(App::new(dom, clock, &hash)?), frame: RefCell::new(None) });

        let r = Rc::clone(&runner);
        EventListener::new(&play, "click", move |_| {
            let running = r.app.borrow_mut().toggle();
            r.set_running(running);
        })
        .forget();

        let r = Rc::clone(&runner);
        let w = window.clone();
        EventListener::new(window, "hashchange", move |_| {
            let hash = w.location().hash().unwrap_or_default();
            r.set_running(false);
            let result = r.app.borrow_mut().reload(&hash);
            match result {
                Ok(()) => {
                    let running = r.app.borrow().is_running();
                    r.set_running(running);
                }
                Err(message) => super::crash::show(&message),
            }
        })
        .forget();

        let running = runner.app.borrow().is_running();
        runner.set_running(running);
        Ok(runner)
    }

    /// Requests the next frame, or cancels the pending one.
    fn set_running(self: &Rc<Self>, running: bool) {
        let next = running.then(|| {
            let me = Rc::clone(self);
            request_animation_frame(move |_timestamp| me.on_frame())
        });
        // Replacing the handle cancels a pending frame (the one running now,
        // if any, finishes normally).
        *self.frame.borrow_mut() = next;
    }

    fn on_frame(self: &Rc<Self>) {
        let again = self.app.borrow_mut().frame();
        self.set_running(again);
    }
}
