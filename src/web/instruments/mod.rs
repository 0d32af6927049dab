//! The instruments panel (`#instruments`): every item of the debugging
//! checklist as something a learner can see and try, on top of the engine's
//! [`instruments`](crate::engine::instruments).
//!
//! - **Live** (while training): the per-layer table with sparklines
//!   (activation mean ± std, dead ReLUs, saturated units, ‖W‖, ‖∇W‖ and the
//!   update/weight ratio with its 1e-3 band), the live findings, the loss
//!   breakdown, the non-finite sentinel, histograms over time, dead and
//!   saturated units marked in the network view, the variance shift when BN
//!   and dropout are both on, saliency.
//! - **Checks** (buttons, on a copy of the run): initial loss (also shown
//!   automatically), gradient check, tiny-batch overfit, the doctor, the
//!   learning-rate finder (whose "use" buttons put a suggested rate in force),
//!   the learning-rate and batch-size measurement, the loss-landscape slice.
//! - **Bug lab**: plant a bug (`#bug`), or open a "find the bug" link and
//!   press `#bug-reveal`.
//!
//! Cost control: the trainer's step probe (parameters before the update and
//! the raw gradient, which the live statistics need) is attached only for
//! the steps that are observed: every step when training slowly, every
//! `stride`-th step (a power of two, about [`OBS_PER_FRAME`] per frame) at
//! full speed. Histograms are snapshotted at most every
//! [`HIST_INTERVAL_MS`]; the panel is drawn with the page's slow views
//! (a few times a second), from pixel buffers.
//!
//! This module only binds DOM and canvas. What the panel says is decided in
//! pure, natively tested modules: [`verdicts`](crate::engine::instruments::verdicts)
//! (the checks' verdicts, texts and the bug lab), [`readouts`](crate::engine::instruments::readouts)
//! (the live readouts and the unit marks) and [`layer_table`](crate::viz::layer_table)
//! (the live table's cells). Files by panel part: [`els`] (the elements),
//! `live` (table, findings, loss, sentinel, variance shift, histograms),
//! `saliency`, `checks` (summary, initial loss and the long checks), `bug`
//! (the bug lab).

mod bug;
mod checks;
mod cockpit_live;
mod els;
mod live;
mod saliency;
mod try_fix;

use std::rc::Rc;

use web_sys::{CanvasRenderingContext2d, Document, HtmlElement, Performance};

use crate::engine::bug_lab::Bug;
use crate::engine::fingerprint::Fingerprint;
use crate::engine::instruments::gradient_check::GradientCheck;
use crate::engine::instruments::lessons;
use crate::engine::instruments::long_checks::Message;
use crate::engine::instruments::lr_finder::{RangeTest, Rule};
use crate::engine::instruments::overfit::Overfit;
use crate::engine::instruments::readouts::{self, UnitSaturation};
use crate::engine::instruments::{verdicts, Live};
use crate::engine::trainer::{StepProbe, Trainer};

use super::checks::CheckWorker;
use super::dom::{self, append, create_text, set_attr, set_text, show};
use super::views::NetworkView;
use els::Els;
use live::Row;

/// Observed steps per animation frame at most (about; the stride is a power of two).
pub const OBS_PER_FRAME: u64 = 4;
/// Least time between two histogram snapshots while training.
pub const HIST_INTERVAL_MS: f64 = 250.0;
/// Least time between two variance-shift measurements while training.
const SHIFT_INTERVAL_MS: f64 = 1000.0;
/// Sparklines a live paint repaints (the rest wait for the next turns;
/// a paused page's paint repaints them all).
const SPARKS_PER_PAINT: usize = 16;
/// Histogram canvas size (px).
const HIST_W: usize = 320;
const HIST_H: usize = 150;

/// Something a person did in the panel (queued by the app like every command).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `#check-initial-loss`.
    InitialLoss,
    /// `#check-gradients`.
    Gradients,
    /// `#check-overfit`.
    Overfit,
    /// `#doctor`.
    Doctor,
    /// `#lrfind`.
    LrFinder,
    /// A learning-rate finder's "use" button: put that rule's rate in force.
    UseLr(Rule),
    /// `#cockpit`.
    Cockpit,
    /// `#cockpit-live` toggled.
    CockpitLive,
    /// `#landscape`.
    Landscape,
    /// A doctor finding's "try the fix" button (the finding's index).
    TryFix(usize),
    /// `#tryfix-use`: open the fixed experiment.
    UseFix,
    /// A long check's Cancel button.
    CancelCheck,
    /// `#bug-reveal`.
    Reveal,
    /// `#bug` changed.
    BugPicked,
    /// `#live-instruments` toggled.
    LiveToggle,
    /// The histogram pickers or the saliency overlay changed.
    ViewPicked,
}

/// Every button or picker of the panel, its event and its action.
pub const WIRING: &[(&str, &str, Action)] = &[
    ("check-initial-loss", "click", Action::InitialLoss),
    ("check-gradients", "click", Action::Gradients),
    ("check-overfit", "click", Action::Overfit),
    ("doctor", "click", Action::Doctor),
    ("gradcheck-cancel", "click", Action::CancelCheck),
    ("overfit-cancel", "click", Action::CancelCheck),
    ("doctor-cancel", "click", Action::CancelCheck),
    ("lrfind", "click", Action::LrFinder),
    ("lrfind-cancel", "click", Action::CancelCheck),
    ("cockpit", "click", Action::Cockpit),
    ("cockpit-cancel", "click", Action::CancelCheck),
    ("cockpit-live", "change", Action::CockpitLive),
    ("landscape", "click", Action::Landscape),
    ("landscape-cancel", "click", Action::CancelCheck),
    ("tryfix-cancel", "click", Action::CancelCheck),
    ("tryfix-use", "click", Action::UseFix),
    ("lrfind-use-valley", "click", Action::UseLr(Rule::Valley)),
    ("lrfind-use-steep", "click", Action::UseLr(Rule::Steep)),
    ("lrfind-use-minimum", "click", Action::UseLr(Rule::MinimumTenth)),
    ("bug-reveal", "click", Action::Reveal),
    ("bug", "change", Action::BugPicked),
    ("live-instruments", "change", Action::LiveToggle),
    ("hist-layer", "change", Action::ViewPicked),
    ("hist-kind", "change", Action::ViewPicked),
    ("saliency-mode", "change", Action::ViewPicked),
];
/// The instruments panel and its state.
pub struct Instruments {
    els: Els,
    /// The long checks' worker.
    checks: CheckWorker,
    /// When the running check started (performance clock, ms).
    check_started_ms: f64,
    rows: Vec<Row>,
    /// The live instruments (None while switched off).
    live: Option<Live>,
    /// The trainer's probe while it is detached between observed steps.
    probe: Option<Box<StepProbe>>,
    /// Observe every `stride`-th step.
    stride: u64,
    /// Time of the last histogram snapshot.
    last_hist_ms: f64,
    last_shift_ms: f64,
    /// Per block, per unit: recent saturated share.
    unit_sat: UnitSaturation,
    /// The bug whose name the learner revealed.
    revealed: Option<Bug>,
    /// Text of the live findings on screen.
    findings_shown: String,
    sal_cells: Vec<(CanvasRenderingContext2d, CanvasRenderingContext2d, HtmlElement)>,
    rgba: Vec<u8>,
    /// Milliseconds spent observing in the current frame.
    pub observe_ms: f64,
    /// Whether the saliency map has the next live turn ([`Instruments::paint`]).
    saliency_turn: bool,
    /// Paints the sparklines as images.
    images: dom::ImagePainter,
    /// The sparkline a live paint repaints first (they take turns).
    spark_next: usize,
    /// Sparklines a redraw in parts has still to repaint.
    sparks_owed: usize,
    /// The fingerprint of the weights the running check examines.
    check_fp: Option<Fingerprint>,
    /// The last gradient check, with the weights it examined.
    gradient_result: Option<(Fingerprint, GradientCheck)>,
    /// The last tiny-batch overfit check, with the weights it examined.
    overfit_result: Option<(Fingerprint, Overfit)>,
    /// The last learning-rate range test.
    lr_result: Option<RangeTest>,
    /// The run's learning rate when the finder started (`None`: hidden).
    lr_current: Option<f64>,
    /// Whether the link locks the rate (the finder's "use" buttons are off).
    lr_locked: bool,
    /// Whether the rate and batch-size measurement may name the run's rate.
    cockpit_shows_lr: bool,
    /// "Try the fix": its elements, and what the doctor's findings offer.
    tf: try_fix::TryFixEls,
    offers: try_fix::Offers,
    /// The rate and batch-size measurement, live.
    cockpit_live: cockpit_live::CockpitLive,
    /// Every rate measurement of the run, for its charts.
    cockpit_trace: crate::engine::instruments::cockpit::Trace,
}

impl Instruments {
    /// Binds to the panel's elements and fills the static pickers.
    pub fn new(document: &Document, on_check: Rc<dyn Fn(Message)>) -> Result<Instruments, String> {
        let els = Els::find(document)?;
        fill_bug_options(&els);
        Ok(Instruments {
            els,
            checks: CheckWorker::new(on_check),
            check_started_ms: 0.0,
            rows: Vec::new(),
            live: None,
            probe: None,
            stride: 1,
            last_hist_ms: f64::NEG_INFINITY,
            last_shift_ms: f64::NEG_INFINITY,
            unit_sat: UnitSaturation::default(),
            revealed: None,
            findings_shown: String::new(),
            sal_cells: Vec::new(),
            rgba: Vec::new(),
            observe_ms: 0.0,
            saliency_turn: false,
            images: dom::ImagePainter::new(),
            spark_next: 0,
            sparks_owed: 0,
            check_fp: None,
            gradient_result: None,
            overfit_result: None,
            lr_result: None,
            lr_current: None,
            lr_locked: false,
            cockpit_shows_lr: true,
            tf: try_fix::TryFixEls::find(document)?,
            offers: try_fix::Offers::default(),
            cockpit_live: cockpit_live::CockpitLive::default(),
            cockpit_trace: Default::default(),
        })
    }

    /// Whether the live statistics are on.
    pub fn live_on(&self) -> bool {
        self.els.live_toggle.checked()
    }

    /// What a lesson's question reads: the trainer, and the gradient check
    /// and overfit results when they examined the weights it has now.
    pub fn lesson_state<'a>(&'a self, trainer: &'a Trainer) -> lessons::State<'a> {
        let now = trainer.fingerprint();
        let current = |fp: &Fingerprint| *fp == now;
        lessons::State {
            trainer,
            gradient_check: self.gradient_result.as_ref().filter(|(fp, _)| current(fp)).map(|(_, r)| r),
            overfit: self.overfit_result.as_ref().filter(|(fp, _)| current(fp)).map(|(_, r)| r),
        }
    }

    /// The panel's own text again in the current language: the layer rows,
    /// the summary, the initial-loss check and the bug lab. Results of
    /// checks already run stay as written; live findings are written anew.
    pub fn relabel(&mut self, trainer: &mut Trainer) {
        fill_bug_options(&self.els);
        self.findings_shown.clear();
        dom::clear(&self.els.live_findings);
        let blocks = crate::engine::instruments::blocks(&trainer.model);
        self.build_rows(&blocks);
        self.fill_hist_layers(blocks.len());
        self.show_summary(trainer);
        self.show_initial_loss(trainer);
        self.show_bug(&trainer.cfg, crate::engine::bug_lab::planted_bug(trainer));
    }

    /// A new trainer (new run, reset, rebuild): fresh live instruments,
    /// summary, initial-loss check; stale check results cleared.
    pub fn rebuild(&mut self, trainer: &mut Trainer) {
        self.live = None;
        self.probe = None;
        trainer.probe = None;
        if self.live_on() {
            let mut live = Live::attach(trainer);
            live.histograms.every = 1;
            self.probe = trainer.probe.take();
            self.live = Some(live);
        }
        self.last_hist_ms = f64::NEG_INFINITY;
        self.last_shift_ms = f64::NEG_INFINITY;
        self.findings_shown.clear();
        dom::clear(&self.els.live_findings);
        let blocks = crate::engine::instruments::blocks(&trainer.model);
        self.unit_sat = UnitSaturation::new(blocks.iter().map(|b| b.width));
        self.build_rows(&blocks);
        self.show_summary(trainer);
        self.show_initial_loss(trainer);
        self.clear_checks();
        self.cockpit_trace.clear();
        show(&self.els.cp_charts, false);
        self.show_bug(&trainer.cfg, crate::engine::bug_lab::planted_bug(trainer));
        self.build_saliency_cells(trainer);
        let shift = readouts::has_bn_and_dropout(&trainer.cfg);
        show(&self.els.vs_box, shift);
        dom::clear(&self.els.vs_body);
        set_text(&self.els.vs_ratio, "–");
        self.fill_hist_layers(blocks.len());
    }

    /// The histogram's layer picker: one option per block, named in the
    /// page's language; the chosen block stays chosen.
    fn fill_hist_layers(&self, n_blocks: usize) {
        let chosen = self.els.hist_layer.value();
        dom::clear(&self.els.hist_layer);
        for k in 0..n_blocks {
            let opt = create_text("option", "", &crate::engine::instruments::block_label(k, n_blocks));
            set_attr(&opt, "value", &k.to_string());
            append(&self.els.hist_layer, &opt);
        }
        if chosen.parse::<usize>().is_ok_and(|k| k < n_blocks) {
            self.els.hist_layer.set_value(&chosen);
        }
    }

    /// The live toggle changed.
    pub fn toggle_live(&mut self, trainer: &mut Trainer) {
        if self.live_on() == self.live.is_some() {
            return;
        }
        if self.live_on() {
            let mut live = Live::attach(trainer);
            live.histograms.every = 1;
            self.probe = trainer.probe.take();
            self.live = Some(live);
        } else {
            self.live = None;
            self.probe = None;
            trainer.probe = None;
        }
    }

    /// Before a training step: attaches the probe if the step is to be
    /// observed (`force`: a single step by hand). Returns whether it is.
    pub fn before_step(&mut self, trainer: &mut Trainer, force: bool) -> bool {
        if self.live.is_none() {
            return false;
        }
        let next = trainer.step_count() + 1;
        let observe = force || self.stride <= 1 || next.is_multiple_of(self.stride);
        if observe {
            trainer.probe = Some(self.probe.take().unwrap_or_default());
        }
        observe
    }

    /// After a training step: records it if observed, detaches the probe,
    /// and lets the sentinel see a divergence either way.
    pub fn after_step(&mut self, trainer: &mut Trainer, observed: bool, clock: &Performance) {
        let Some(live) = self.live.as_mut() else { return };
        if observed {
            let t0 = clock.now();
            live.layers.observe(trainer);
            live.loss.observe(trainer);
            live.sentinel.observe(trainer);
            if t0 - self.last_hist_ms >= HIST_INTERVAL_MS {
                live.histograms.observe(trainer);
                self.last_hist_ms = t0;
            }
            if trainer.diverged().is_none() {
                self.unit_sat.observe(&live.layers, trainer);
            }
            self.probe = trainer.probe.take();
            self.observe_ms += clock.now() - t0;
        } else if trainer.diverged().is_some() {
            live.sentinel.observe(trainer);
        }
    }

    /// After a frame that trained `steps` steps: the next frames' stride.
    pub fn end_frame(&mut self, steps: u64) {
        let want = steps.div_ceil(OBS_PER_FRAME).max(1);
        self.stride = want.next_power_of_two();
    }

    /// A hand-made step or a paused page: snapshot histograms on the next observation.
    pub fn snapshot_soon(&mut self) {
        self.last_hist_ms = f64::NEG_INFINITY;
    }

    // ---- drawing ----

    /// Redraws everything live: table, findings, loss breakdown, sentinel,
    /// variance shift (throttled unless `force`), histograms, saliency and
    /// the marks in the network view.
    pub fn paint(&mut self, trainer: &mut Trainer, network: &mut NetworkView, clock: &Performance, force: bool) {
        if !force {
            // While training, the saliency map (as costly as the rest of the
            // panel on a large network) and the rest take turns.
            self.saliency_turn = !self.saliency_turn;
            if self.saliency_turn {
                self.paint_saliency(trainer);
                return;
            }
        }
        self.paint_panel(trainer, network, clock, force, if force { usize::MAX } else { SPARKS_PER_PAINT });
        if force {
            self.paint_saliency(trainer);
        }
    }

    /// Part `part` of a whole redraw spread over frames (a large network,
    /// paused): the panel with some of the sparklines, then the saliency
    /// map, then the remaining sparklines a turn at a time. Returns whether
    /// the redraw is complete.
    pub fn paint_part(
        &mut self,
        part: usize,
        trainer: &mut Trainer,
        network: &mut NetworkView,
        clock: &Performance,
    ) -> bool {
        match part {
            0 => {
                let painted = self.paint_panel(trainer, network, clock, true, SPARKS_PER_PAINT);
                self.sparks_owed = self.spark_count().saturating_sub(painted);
            }
            1 => self.paint_saliency(trainer),
            _ => {
                let painted = self.paint_table(SPARKS_PER_PAINT.min(self.sparks_owed));
                // Nothing painted: the statistics went off meanwhile.
                self.sparks_owed = if painted == 0 { 0 } else { self.sparks_owed.saturating_sub(painted) };
            }
        }
        part >= 1 && self.sparks_owed == 0
    }

    /// The panel but the saliency map, with at most `sparks` sparklines
    /// repainted; returns how many were.
    fn paint_panel(
        &mut self,
        trainer: &mut Trainer,
        network: &mut NetworkView,
        clock: &Performance,
        force: bool,
        sparks: usize,
    ) -> usize {
        let note = readouts::observe_note(self.live.as_ref().map(|_| self.stride));
        set_text(&self.els.observe_note, &note);
        let painted = self.paint_table(sparks);
        self.paint_findings(trainer);
        self.paint_loss(trainer);
        self.paint_sentinel(trainer);
        let now = clock.now();
        if force || now - self.last_shift_ms >= SHIFT_INTERVAL_MS {
            self.paint_shift(trainer);
            self.last_shift_ms = now;
        }
        self.paint_histogram();
        self.paint_cockpit_live(trainer, clock);
        let marks = self.live.as_ref().map(|l| readouts::marks(&l.layers, &self.unit_sat)).unwrap_or_default();
        network.set_marks(marks);
        painted
    }
}

/// Fills the bug picker (`#bug`) in the current language.
fn fill_bug_options(els: &Els) {
    dom::clear(&els.bug);
    for (value, label) in verdicts::bug_options() {
        let opt = create_text("option", "", &label);
        set_attr(&opt, "value", &value);
        append(&els.bug, &opt);
    }
}

/// Sets a verdict's text and class (`ok`, `warn`, `bad`, or none).
fn verdict(el: &HtmlElement, (text, class): verdicts::Verdict) {
    set_text(el, text);
    set_attr(el, "data-verdict", class);
    for c in ["ok", "warn", "bad"] {
        dom::toggle_class(el, c, c == class);
    }
}

/// Shows a figure's text, with its exact value in `data-value`.
fn show_value(el: &HtmlElement, (v, text): (f64, String)) {
    set_text(el, &text);
    set_attr(el, "data-value", &v.to_string());
}
