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
//!   automatically), gradient check, tiny-batch overfit, the doctor.
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

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement, Performance,
};

use crate::engine::config::{ClipKind, Config, LossKind, Named};
use crate::engine::instruments::bug_lab::{Bug, PlantedBug};
use crate::engine::instruments::finding::{num, Finding, Severity};
use crate::engine::instruments::gradient_check::{Band, GradientCheck};
use crate::engine::instruments::histograms::Histogram;
use crate::engine::instruments::initial_loss::{self, Verdict};
use crate::engine::instruments::layer_stats::{self, LayerSample, RatioBand};
use crate::engine::instruments::long_checks::{Message, Outcome, Request};
use crate::engine::instruments::overfit::Overfit;
use crate::engine::instruments::{loss_breakdown, overfit, saliency, summary, variance_shift, Block, Live};
use crate::engine::math;
use crate::engine::trainer::{StepProbe, Trainer};
use crate::viz::sparkline::{self, Spark};
use crate::viz::{digits, histogram, saliency as sal_viz};

use super::checks::CheckWorker;
use super::dom::{self, append, create, create_text, set_attr, set_text, show};
use super::views::{Mark, NetworkView};

/// Observed steps per animation frame at most (about; the stride is a power of two).
pub const OBS_PER_FRAME: u64 = 4;
/// Least time between two histogram snapshots while training.
pub const HIST_INTERVAL_MS: f64 = 250.0;
/// Least time between two variance-shift measurements while training.
const SHIFT_INTERVAL_MS: f64 = 1000.0;
/// Sparkline canvas size (px).
const SPARK_W: usize = 72;
const SPARK_H: usize = 20;
/// Histogram canvas size (px).
const HIST_W: usize = 320;
const HIST_H: usize = 150;
/// Digits shown with their saliency maps.
const SALIENCY_DIGITS: usize = 6;
/// Grid of the input-gradient field over the plane (arrows / magnitude).
const FIELD_ARROWS: usize = 20;
const FIELD_MAGNITUDE: usize = 48;
/// Pixels per side of the saliency overlay in arrow mode.
const OVERLAY_PX: usize = 320;
/// A unit counts as saturated when more than this share of its recent outputs sit in the tails.
const UNIT_SATURATED: f64 = 0.5;

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
    ("bug-reveal", "click", Action::Reveal),
    ("bug", "change", Action::BugPicked),
    ("live-instruments", "change", Action::LiveToggle),
    ("hist-layer", "change", Action::ViewPicked),
    ("hist-kind", "change", Action::ViewPicked),
    ("saliency-mode", "change", Action::ViewPicked),
];

/// One metric cell of the live table: sparkline plus value text.
struct Cell {
    td: HtmlElement,
    text: HtmlElement,
    ctx: CanvasRenderingContext2d,
}

/// The metrics of the live table, in column order.
const METRICS: [&str; 6] = ["act", "dead", "sat", "wnorm", "gnorm", "ratio"];
/// Their short labels (shown above each cell on narrow screens).
const METRIC_LABELS: [&str; 6] = ["act. mean ± std", "dead", "saturated", "‖W‖", "‖∇W‖", "update/‖W‖"];

struct Row {
    cells: Vec<Cell>,
}

/// Elements of the panel, found by id.
struct Els {
    live_toggle: HtmlInputElement,
    observe_note: HtmlElement,
    layer_body: HtmlElement,
    live_findings: HtmlElement,
    summary_body: HtmlElement,
    summary_total: HtmlElement,
    il_verdict: HtmlElement,
    il_measured: HtmlElement,
    il_label_free: HtmlElement,
    il_uniform: HtmlElement,
    il_uniform_label: HtmlElement,
    il_prior: HtmlElement,
    il_causes: HtmlElement,
    gc_verdict: HtmlElement,
    gc_time: HtmlElement,
    gc_table: HtmlElement,
    gc_body: HtmlElement,
    gc_kink: HtmlElement,
    gc_sampling: HtmlElement,
    of_k: HtmlInputElement,
    of_verdict: HtmlElement,
    of_time: HtmlElement,
    of_steps: HtmlElement,
    of_train_acc: HtmlElement,
    of_loss: HtmlElement,
    of_val_acc: HtmlElement,
    of_chance: HtmlElement,
    of_note: HtmlElement,
    doc_time: HtmlElement,
    doc_list: HtmlElement,
    /// Per long check: its progress row, bar and percentage.
    progress: [(HtmlElement, HtmlElement, HtmlElement); 3],
    loss_data: HtmlElement,
    loss_penalty: HtmlElement,
    loss_ratio: HtmlElement,
    loss_warning: HtmlElement,
    clip_count: HtmlElement,
    mode_note: HtmlElement,
    sentinel: HtmlElement,
    vs_box: HtmlElement,
    vs_ratio: HtmlElement,
    vs_body: HtmlElement,
    hist_layer: HtmlSelectElement,
    hist_kind: HtmlSelectElement,
    hist_ctx: CanvasRenderingContext2d,
    hist_range: HtmlElement,
    sal_digits: HtmlElement,
    sal_plane_note: HtmlElement,
    sal_mode: HtmlSelectElement,
    sal_canvas: HtmlCanvasElement,
    sal_ctx: CanvasRenderingContext2d,
    bug: HtmlSelectElement,
    bug_reveal: HtmlButtonElement,
    bug_status: HtmlElement,
    bug_description: HtmlElement,
    bug_caught_by: HtmlElement,
}

impl Els {
    fn find(d: &Document) -> Result<Els, String> {
        let id = |name: &str| dom::by_id(d, name);
        let hist: HtmlCanvasElement = dom::typed(d, "histogram")?;
        hist.set_width(HIST_W as u32);
        hist.set_height(HIST_H as u32);
        let sal_canvas: HtmlCanvasElement = dom::typed(d, "heatmap-saliency")?;
        Ok(Els {
            live_toggle: dom::typed(d, "live-instruments")?,
            observe_note: id("inst-observe")?,
            layer_body: tbody(d, "layer-table")?,
            live_findings: id("live-findings")?,
            summary_body: tbody(d, "model-summary")?,
            summary_total: id("summary-total")?,
            il_verdict: id("initial-loss-verdict")?,
            il_measured: id("initial-loss-measured")?,
            il_label_free: id("initial-loss-label-free")?,
            il_uniform: id("initial-loss-uniform")?,
            il_uniform_label: id("initial-loss-uniform-label")?,
            il_prior: id("initial-loss-prior")?,
            il_causes: id("initial-loss-causes")?,
            gc_verdict: id("gradcheck-verdict")?,
            gc_time: id("gradcheck-time")?,
            gc_sampling: id("gradcheck-sampling")?,
            gc_table: id("gradcheck-table")?,
            gc_body: tbody(d, "gradcheck-table")?,
            gc_kink: id("gradcheck-kink")?,
            of_k: dom::typed(d, "overfit-k")?,
            of_verdict: id("overfit-verdict")?,
            of_time: id("overfit-time")?,
            of_steps: id("overfit-steps")?,
            of_train_acc: id("overfit-train-acc")?,
            of_loss: id("overfit-loss")?,
            of_val_acc: id("overfit-val-acc")?,
            of_chance: id("overfit-chance")?,
            of_note: id("overfit-note")?,
            doc_time: id("doctor-time")?,
            progress: [
                (id("gradcheck-progress")?, bar(d, "gradcheck-progress")?, id("gradcheck-percent")?),
                (id("overfit-progress")?, bar(d, "overfit-progress")?, id("overfit-percent")?),
                (id("doctor-progress")?, bar(d, "doctor-progress")?, id("doctor-percent")?),
            ],
            doc_list: id("doctor-findings")?,
            loss_data: id("loss-data")?,
            loss_penalty: id("loss-penalty")?,
            loss_ratio: id("loss-ratio")?,
            loss_warning: id("loss-warning")?,
            clip_count: id("clip-count")?,
            mode_note: id("mode-note")?,
            sentinel: id("sentinel")?,
            vs_box: id("variance-shift-box")?,
            vs_ratio: id("variance-shift-ratio")?,
            vs_body: tbody(d, "variance-shift")?,
            hist_layer: dom::typed(d, "hist-layer")?,
            hist_kind: dom::typed(d, "hist-kind")?,
            hist_ctx: dom::context(&hist),
            hist_range: id("hist-range")?,
            sal_digits: id("saliency-digits")?,
            sal_plane_note: id("saliency-plane-note")?,
            sal_mode: dom::typed(d, "saliency-mode")?,
            sal_ctx: dom::context(&sal_canvas),
            sal_canvas,
            bug: dom::typed(d, "bug")?,
            bug_reveal: dom::typed(d, "bug-reveal")?,
            bug_status: id("bug-status")?,
            bug_description: id("bug-description")?,
            bug_caught_by: id("bug-caught-by")?,
        })
    }
}

/// The `<tbody>` of table `#id`.
fn tbody(d: &Document, id: &str) -> Result<HtmlElement, String> {
    child(d, id, "tbody")
}

/// The progress bar of the progress row `#id`.
fn bar(d: &Document, id: &str) -> Result<HtmlElement, String> {
    child(d, id, "progress")
}

/// The first `selector` inside `#id`.
fn child(d: &Document, id: &str, selector: &str) -> Result<HtmlElement, String> {
    dom::by_id(d, id)?
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        .ok_or_else(|| format!("#{id} has no {selector}"))
}

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
    /// Per block, per unit: recent saturated share (exponential average).
    unit_sat: Vec<Vec<f64>>,
    /// The bug whose name the learner revealed.
    revealed: Option<Bug>,
    /// Text of the live findings on screen.
    findings_shown: String,
    sal_cells: Vec<(CanvasRenderingContext2d, CanvasRenderingContext2d, HtmlElement)>,
    rgba: Vec<u8>,
    /// Milliseconds spent observing in the current frame.
    pub observe_ms: f64,
}

impl Instruments {
    /// Binds to the panel's elements and fills the static pickers.
    pub fn new(document: &Document, on_check: Rc<dyn Fn(Message)>) -> Result<Instruments, String> {
        let els = Els::find(document)?;
        for (value, label) in bug_options() {
            let opt = create_text("option", "", &label);
            set_attr(&opt, "value", &value);
            append(&els.bug, &opt);
        }
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
            unit_sat: Vec::new(),
            revealed: None,
            findings_shown: String::new(),
            sal_cells: Vec::new(),
            rgba: Vec::new(),
            observe_ms: 0.0,
        })
    }

    /// Whether the live statistics are on.
    pub fn live_on(&self) -> bool {
        self.els.live_toggle.checked()
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
        self.unit_sat = blocks.iter().map(|b| vec![0.0; b.width]).collect();
        self.build_rows(&blocks);
        self.show_summary(trainer);
        self.show_initial_loss(trainer);
        self.clear_checks();
        self.show_bug(&trainer.cfg);
        self.build_saliency_cells(trainer);
        let shift = has_bn_and_dropout(&trainer.cfg);
        show(&self.els.vs_box, shift);
        dom::clear(&self.els.vs_body);
        set_text(&self.els.vs_ratio, "–");
        // Histogram layer picker: one option per block.
        let chosen = self.els.hist_layer.value();
        dom::clear(&self.els.hist_layer);
        for k in 0..blocks.len() {
            let opt = create_text("option", "", &crate::engine::instruments::block_label(k, blocks.len()));
            set_attr(&opt, "value", &k.to_string());
            append(&self.els.hist_layer, &opt);
        }
        if chosen.parse::<usize>().is_ok_and(|k| k < blocks.len()) {
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
                for (k, track) in live.layers.layers.iter().enumerate() {
                    let b = &track.block;
                    let a = trainer.model.activation(b.observed());
                    if let (Some(shares), Some(ema)) =
                        (layer_stats::unit_saturation(b.act.map(|(_, a)| a), a, b.width), self.unit_sat.get_mut(k))
                    {
                        for (e, s) in ema.iter_mut().zip(shares) {
                            *e = 0.7 * *e + 0.3 * s;
                        }
                    }
                }
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
        let note = match (&self.live, self.stride) {
            (None, _) => "off: training does no extra work".to_string(),
            (Some(_), 1) => "observing every step".to_string(),
            (Some(_), s) => format!("observing every {s}th step (training at full speed)"),
        };
        set_text(&self.els.observe_note, &note);
        self.paint_table();
        self.paint_findings(trainer);
        self.paint_loss(trainer);
        self.paint_sentinel(trainer);
        let now = clock.now();
        if force || now - self.last_shift_ms >= SHIFT_INTERVAL_MS {
            self.paint_shift(trainer);
            self.last_shift_ms = now;
        }
        self.paint_histogram();
        self.paint_saliency(trainer);
        network.set_marks(self.marks());
    }

    fn build_rows(&mut self, blocks: &[Block]) {
        dom::clear(&self.els.layer_body);
        self.rows.clear();
        let n = blocks.len();
        for (k, b) in blocks.iter().enumerate() {
            let act = b.act;
            let tr: HtmlElement = create("tr", "");
            let name = crate::engine::instruments::block_label(k, n);
            let act_name = act.map_or("linear", |(_, a)| a.name());
            let th = create_text("th", "", &format!("{name} · {act_name}"));
            set_attr(&th, "scope", "row");
            append(&tr, &th);
            let mut cells = Vec::new();
            for (metric, label) in METRICS.iter().zip(METRIC_LABELS) {
                let td: HtmlElement = create("td", "metric");
                td.set_id(&format!("ls-{k}-{metric}"));
                set_attr(&td, "data-label", label);
                let canvas = dom::canvas("spark", SPARK_W as u32, SPARK_H as u32);
                set_attr(&canvas, "aria-hidden", "true");
                append(&td, &canvas);
                let text = create_text("span", "v", "–");
                append(&td, &text);
                append(&tr, &td);
                cells.push(Cell { td, text, ctx: dom::context(&canvas) });
            }
            append(&self.els.layer_body, &tr);
            self.rows.push(Row { cells });
        }
    }

    fn paint_table(&mut self) {
        let Some(live) = &self.live else {
            for row in &self.rows {
                for c in &row.cells {
                    set_text(&c.text, "–");
                }
            }
            return;
        };
        self.rgba.resize(SPARK_W * SPARK_H * 4, 0);
        for (track, row) in live.layers.layers.iter().zip(&self.rows) {
            let points = track.history.points();
            let series = |f: &dyn Fn(&LayerSample) -> f64| -> Vec<f64> { points.iter().map(|(_, s)| f(s)).collect() };
            let last = track.last();
            for (metric, cell) in METRICS.iter().zip(&row.cells) {
                let (values, spark, text, value): (Vec<f64>, Spark, String, f64) = match *metric {
                    "act" => {
                        let v = series(&|s| s.act_std);
                        let t = last.map_or("–".into(), |s| format!("{} ± {}", num(s.act_mean), num(s.act_std)));
                        (v, Spark::default(), t, last.map_or(f64::NAN, |s| s.act_std))
                    }
                    "dead" | "sat" => {
                        let pick = |s: &LayerSample| if *metric == "dead" { s.dead } else { s.saturated };
                        let v = series(&|s| pick(s).unwrap_or(f64::NAN));
                        let share = last.and_then(pick);
                        let t = share.map_or("–".into(), |x| format!("{:.0} %", 100.0 * x));
                        let applies = last.is_none_or(|s| pick(s).is_some());
                        if !applies {
                            set_text(&cell.text, "n/a");
                            set_attr(&cell.td, "data-value", "");
                            dom::blit(&cell.ctx, &blank(SPARK_W, SPARK_H), SPARK_W as u32, SPARK_H as u32);
                            continue;
                        }
                        (v, Spark { range: Some((0.0, 1.0)), ..Spark::default() }, t, share.unwrap_or(f64::NAN))
                    }
                    "wnorm" => {
                        let v = series(&|s| s.weight_norm);
                        (
                            v,
                            Spark::default(),
                            last.map_or("–".into(), |s| num(s.weight_norm)),
                            last.map_or(f64::NAN, |s| s.weight_norm),
                        )
                    }
                    "gnorm" => {
                        let v = series(&|s| s.grad_norm);
                        (
                            v,
                            Spark { log: true, ..Spark::default() },
                            last.map_or("–".into(), |s| num(s.grad_norm)),
                            last.map_or(f64::NAN, |s| s.grad_norm),
                        )
                    }
                    _ => {
                        let v = series(&|s| s.update_ratio);
                        let spark =
                            Spark { log: true, band: Some((1e-4, 1e-2)), reference: Some(1e-3), ..Spark::default() };
                        let r = track.recent_median(|s| s.update_ratio);
                        let band = if r.is_finite() { band_name(RatioBand::of(r)) } else { "" };
                        set_attr(&cell.td, "data-band", band);
                        (v, spark, if r.is_finite() { num(r) } else { "–".into() }, r)
                    }
                };
                let spark = Spark { values: &values, ..spark };
                sparkline::paint(&spark, SPARK_W, SPARK_H, &mut self.rgba);
                dom::blit(&cell.ctx, &self.rgba, SPARK_W as u32, SPARK_H as u32);
                set_text(&cell.text, &text);
                set_attr(&cell.td, "data-value", &value.to_string());
            }
        }
    }

    fn paint_findings(&mut self, trainer: &Trainer) {
        let findings = match &self.live {
            Some(live) if trainer.step_count() > 0 || live.sentinel.first.is_some() => live.findings(trainer),
            _ => Vec::new(),
        };
        let sig: String = findings.iter().map(|f| f.sentence.as_str()).collect::<Vec<_>>().join("\n");
        if sig == self.findings_shown {
            return;
        }
        self.findings_shown = sig;
        fill_findings(&self.els.live_findings, &findings, "live");
    }

    fn paint_loss(&mut self, trainer: &Trainer) {
        let els = &self.els;
        paint_clipping(&els.clip_count, trainer);
        paint_mode_note(&els.mode_note, trainer);
        if trainer.step_count() == 0 {
            for el in [&els.loss_data, &els.loss_penalty, &els.loss_ratio] {
                set_text(el, "–");
            }
            show(&els.loss_warning, false);
            return;
        }
        let observed = self.live.as_ref().filter(|l| l.loss.observed > 0).map(|l| l.loss.last);
        let parts = observed.unwrap_or_else(|| loss_breakdown::parts(trainer));
        show_value(&els.loss_data, parts.data, num(parts.data));
        show_value(&els.loss_penalty, parts.l1 + parts.l2, num(parts.l1 + parts.l2));
        let ratio = if parts.l1 + parts.l2 > 0.0 { num(parts.ratio) } else { "no penalty".into() };
        show_value(&els.loss_ratio, parts.ratio, ratio);
        let uniform = self.live.as_ref().map_or(f64::INFINITY, |l| l.initial.uniform);
        let warning = parts.findings(uniform).into_iter().next().map(|f| f.text());
        set_text(&els.loss_warning, warning.as_deref().unwrap_or(""));
        show(&els.loss_warning, warning.is_some());
    }

    fn paint_sentinel(&mut self, trainer: &Trainer) {
        let first = self.live.as_ref().and_then(|l| l.sentinel.first.clone()).or_else(|| trainer.diverged().cloned());
        let el = &self.els.sentinel;
        match first {
            Some(d) => {
                let places = crate::engine::instruments::places(&trainer.model);
                set_text(
                    el,
                    &format!(
                        "First non-finite value: {}. Lower the learning rate, clip gradients, or check the initialization.",
                        crate::engine::instruments::diagnosis::describe(&d, &places)
                    ),
                );
                set_attr(el, "data-step", &d.step.to_string());
                set_attr(el, "data-tensor", d.tensor.name());
                dom::toggle_class(el, "bad", true);
            }
            None => {
                set_text(el, "No NaN or infinity so far.");
                set_attr(el, "data-step", "");
                set_attr(el, "data-tensor", "");
                dom::toggle_class(el, "bad", false);
            }
        }
    }

    fn paint_shift(&mut self, trainer: &Trainer) {
        if !has_bn_and_dropout(&trainer.cfg) {
            return;
        }
        let shift = variance_shift::measure(trainer);
        dom::clear(&self.els.vs_body);
        let mut worst: Option<f64> = None;
        for l in &shift.layers {
            let mean = |f: &dyn Fn(&variance_shift::UnitShift) -> f64| {
                l.units.iter().map(f).sum::<f64>() / l.units.len().max(1) as f64
            };
            let tr: HtmlElement = create("tr", "");
            let cells = [
                format!("layer {}", l.layer),
                l.dropout_before.map_or("none".into(), |p| format!("p = {p}")),
                num(mean(&|u| u.train_var)),
                num(mean(&|u| u.eval_var)),
                num(l.mean_ratio),
                if l.running_at_init { "never updated".into() } else { num(l.running_fit) },
            ];
            for c in cells {
                append(&tr, &create_text("td", "", &c));
            }
            append(&self.els.vs_body, &tr);
            if l.mean_ratio.is_finite() && worst.is_none_or(|w| math::ln(l.mean_ratio).abs() > math::ln(w).abs()) {
                worst = Some(l.mean_ratio);
            }
        }
        match worst {
            Some(r) => {
                let p = shift.layers.iter().find_map(|l| l.dropout_before);
                let expect = p.map_or(String::new(), |p| format!(" (1/(1 − p) = {})", num(1.0 / (1.0 - p))));
                set_text(&self.els.vs_ratio, &format!("{}×{expect}", num(r)));
                set_attr(&self.els.vs_ratio, "data-value", &r.to_string());
            }
            None => {
                set_text(&self.els.vs_ratio, "–");
                set_attr(&self.els.vs_ratio, "data-value", "");
            }
        }
    }

    fn paint_histogram(&mut self) {
        let Some(live) = &self.live else {
            set_text(&self.els.hist_range, "Switch the live statistics on to record histograms.");
            return;
        };
        let k: usize = self.els.hist_layer.value().parse().unwrap_or(0);
        let Some(block) = live.histograms.blocks.get(k) else { return };
        let kind = self.els.hist_kind.value();
        let series = match kind.as_str() {
            "weights" => &block.weights,
            "gradients" => &block.gradients,
            _ => &block.activations,
        };
        let hists: Vec<Histogram> = series.points().iter().map(|(_, h)| *h).collect();
        self.rgba.resize(HIST_W * HIST_H * 4, 0);
        let axes = histogram::paint_offset(&hists, HIST_W, HIST_H, &mut self.rgba);
        dom::blit(&self.els.hist_ctx, &self.rgba, HIST_W as u32, HIST_H as u32);
        let text = match axes {
            Some(a) => format!(
                "{} of {}: values {} … {}, {} snapshots, steps {} → {}",
                kind,
                block.label,
                num(f64::from(a.lo)),
                num(f64::from(a.hi)),
                a.ridges,
                a.first_step,
                a.last_step
            ),
            None => "No snapshot yet: train a few steps.".to_string(),
        };
        set_text(&self.els.hist_range, &text);
    }

    fn build_saliency_cells(&mut self, trainer: &Trainer) {
        let digits = trainer.input_map.is_none();
        show(&self.els.sal_digits, digits);
        show(&self.els.sal_plane_note, !digits);
        if !digits || !self.sal_cells.is_empty() {
            return;
        }
        for _ in 0..SALIENCY_DIGITS {
            let fig: HtmlElement = create("figure", "saliency");
            let img = dom::canvas("", 32, 32);
            let map = dom::canvas("", 32, 32);
            append(&fig, &img);
            append(&fig, &map);
            let caption = create_text("figcaption", "", "");
            append(&fig, &caption);
            append(&self.els.sal_digits, &fig);
            self.sal_cells.push((dom::context(&img), dom::context(&map), caption));
        }
    }

    fn paint_saliency(&mut self, trainer: &mut Trainer) {
        if trainer.input_map.is_none() {
            let rows: Vec<usize> = (0..SALIENCY_DIGITS).collect();
            let maps = saliency::digits(trainer, &rows, None);
            let samples = trainer.digit_samples(SALIENCY_DIGITS);
            let mut rgba = vec![0u8; 32 * 32 * 4];
            for ((img, map_ctx, caption), (m, s)) in self.sal_cells.iter().zip(maps.iter().zip(&samples)) {
                digits::paint_digit(&s.pixels, 4, &mut rgba);
                dom::blit(img, &rgba, 32, 32);
                sal_viz::paint_magnitude(&m.map, m.max, 4, &mut rgba);
                dom::blit(map_ctx, &rgba, 32, 32);
                set_text(caption, &format!("{} / {}", m.predicted, m.label));
            }
            return;
        }
        let mode = self.els.sal_mode.value();
        let canvas = &self.els.sal_canvas;
        let ctx = &self.els.sal_ctx;
        let output = trainer.model.n_out.saturating_sub(1);
        match mode.as_str() {
            "arrows" => {
                if canvas.width() != OVERLAY_PX as u32 {
                    canvas.set_width(OVERLAY_PX as u32);
                    canvas.set_height(OVERLAY_PX as u32);
                }
                ctx.clear_rect(0.0, 0.0, OVERLAY_PX as f64, OVERLAY_PX as f64);
                let Some(field) = saliency::plane_field(trainer, FIELD_ARROWS, output) else { return };
                ctx.set_stroke_style_str("rgba(20,20,20,0.85)");
                ctx.set_line_width(1.5);
                ctx.begin_path();
                for s in sal_viz::arrows(&field, 2, OVERLAY_PX as f32) {
                    ctx.move_to(f64::from(s[0]), f64::from(s[1]));
                    ctx.line_to(f64::from(s[2]), f64::from(s[3]));
                }
                ctx.stroke();
                set_attr(canvas, "data-max", &field.max_norm.to_string());
            }
            "magnitude" => {
                let Some(field) = saliency::plane_field(trainer, FIELD_MAGNITUDE, output) else { return };
                if canvas.width() != FIELD_MAGNITUDE as u32 {
                    canvas.set_width(FIELD_MAGNITUDE as u32);
                    canvas.set_height(FIELD_MAGNITUDE as u32);
                }
                let mut rgba = vec![0u8; FIELD_MAGNITUDE * FIELD_MAGNITUDE * 4];
                sal_viz::paint_field_magnitude(&field, 210, &mut rgba);
                dom::blit(ctx, &rgba, FIELD_MAGNITUDE as u32, FIELD_MAGNITUDE as u32);
                set_attr(canvas, "data-max", &field.max_norm.to_string());
            }
            _ => {
                ctx.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
                set_attr(canvas, "data-max", "");
            }
        }
    }

    /// Dead and saturated units for the network view: `(column, unit)` → mark.
    fn marks(&self) -> Vec<((usize, usize), Mark)> {
        let Some(live) = &self.live else { return Vec::new() };
        let mut out = Vec::new();
        let n = live.layers.layers.len();
        for (k, track) in live.layers.layers.iter().enumerate() {
            let col = k + 1;
            let window = live.layers.window.min(live.layers.steps_seen);
            for u in live.layers.dead_units(k) {
                let reason = format!(
                    "dead: this ReLU output 0 for every example of the last {window} observed steps, so no gradient reaches its weights"
                );
                out.push(((col, u), Mark::Dead(reason)));
            }
            if k + 1 == n {
                continue; // the output layer's squashing is the loss's business
            }
            if let Some(ema) = self.unit_sat.get(k) {
                let act = track.block.act.map_or("", |(_, a)| a.name());
                for (u, &s) in ema.iter().enumerate() {
                    if s > UNIT_SATURATED {
                        let reason = format!(
                            "saturated: {:.0} % of recent outputs sit in the flat tails of {act}, where almost no gradient passes",
                            100.0 * s
                        );
                        out.push(((col, u), Mark::Saturated(reason)));
                    }
                }
            }
        }
        out
    }

    // ---- checks ----

    fn show_summary(&mut self, trainer: &Trainer) {
        let s = summary::summarize(&trainer.model);
        dom::clear(&self.els.summary_body);
        for row in &s.layers {
            let tr: HtmlElement = create("tr", dom_kind(row.kind));
            let params = if row.buffers > 0 {
                format!("{} (+{} running)", row.params, row.buffers)
            } else {
                row.params.to_string()
            };
            for c in [row.index.to_string(), row.name.clone(), format!("{} → {}", row.n_in, row.n_out), params] {
                append(&tr, &create_text("td", "", &c));
            }
            append(&self.els.summary_body, &tr);
        }
        set_text(&self.els.summary_total, &s.total_params.to_string());
        set_attr(&self.els.summary_total, "data-value", &s.total_params.to_string());
    }

    /// Runs the initial-loss check (also done automatically on every new run).
    pub fn show_initial_loss(&mut self, trainer: &Trainer) {
        let r = initial_loss::check(trainer);
        let els = &self.els;
        show_value(&els.il_measured, r.measured, num(r.measured));
        show_value(&els.il_label_free, r.label_free, num(r.label_free));
        show_value(&els.il_uniform, r.uniform, num(r.uniform));
        show_value(&els.il_prior, r.prior, num(r.prior));
        let label = match (trainer.cfg.loss, trainer.model.n_out) {
            (LossKind::Mse, _) => "uniform (output 0)".to_string(),
            (_, 1) => "uniform: ln 2".to_string(),
            (_, c) => format!("uniform: ln {c}"),
        };
        set_text(&els.il_uniform_label, &label);
        let (text, class) = match r.verdict {
            Verdict::Ok => ("ok", "ok"),
            Verdict::Suspicious => ("suspicious", "warn"),
            Verdict::Wrong => ("wrong", "bad"),
        };
        verdict(&els.il_verdict, text, class);
        dom::clear(&els.il_causes);
        for c in &r.causes {
            append(&els.il_causes, &create_text("li", "", c));
        }
    }

    /// Stale results go, and a running check is stopped: it examined a
    /// trainer that no longer exists.
    fn clear_checks(&mut self) {
        if let Some(running) = self.checks.running() {
            self.checks.cancel();
            self.show_progress(running, None);
        }
        for request in [Request::Gradients, Request::Overfit { k: 0 }, Request::Doctor { overfit_k: 0 }] {
            self.clear_outcome(request);
        }
        let els = &self.els;
        for el in [&els.of_steps, &els.of_train_acc, &els.of_loss, &els.of_val_acc, &els.of_chance] {
            set_text(el, "–");
        }
    }

    /// Starts a long check in the worker, on a snapshot of `trainer`; its
    /// block shows progress and Cancel until the outcome arrives.
    pub fn start_check(&mut self, request: Request, trainer: &Trainer, clock: &Performance) {
        if let Some(running) = self.checks.running() {
            self.show_progress(running, None);
        }
        let k = self.overfit_k();
        let request = match request {
            Request::Overfit { .. } => Request::Overfit { k },
            Request::Doctor { .. } => Request::Doctor { overfit_k: k },
            r => r,
        };
        self.clear_outcome(request);
        match self.checks.start(request, trainer) {
            Ok(()) => {
                self.check_started_ms = clock.now();
                self.show_progress(request, Some(0.0));
            }
            Err(e) => set_text(self.time_el(request), &format!("could not start the {}: {e}", request.name())),
        }
    }

    /// `Cancel`: stops the running check; its block says so.
    pub fn cancel_check(&mut self) {
        if let Some(running) = self.checks.running() {
            self.checks.cancel();
            self.show_progress(running, None);
            set_text(self.time_el(running), "cancelled");
        }
    }

    /// A message from the checks' worker.
    pub fn check_message(&mut self, message: Message, clock: &Performance) {
        let Some(running) = self.checks.running() else {
            return; // a cancelled check's last words
        };
        let ms = clock.now() - self.check_started_ms;
        match message {
            Message::Progress(done) => self.show_progress(running, Some(done)),
            Message::Done(outcome) => {
                self.checks.finished();
                self.show_progress(running, None);
                match outcome {
                    Outcome::Gradients { check, note, sampling } => self.show_gradients(&check, note, sampling, ms),
                    Outcome::Overfit { overfit, summary } => self.show_overfit(&overfit, &summary, ms),
                    Outcome::Doctor { findings, .. } => self.show_doctor(&findings, ms),
                }
            }
            Message::Failed(why) => {
                self.checks.cancel();
                self.show_progress(running, None);
                set_text(self.time_el(running), &format!("the {} could not run: {why}", running.name()));
            }
        }
    }

    /// Index of a check's progress row.
    fn slot(request: Request) -> usize {
        match request {
            Request::Gradients => 0,
            Request::Overfit { .. } => 1,
            Request::Doctor { .. } => 2,
        }
    }

    /// The timing text of a check's block.
    fn time_el(&self, request: Request) -> &HtmlElement {
        match request {
            Request::Gradients => &self.els.gc_time,
            Request::Overfit { .. } => &self.els.of_time,
            Request::Doctor { .. } => &self.els.doc_time,
        }
    }

    /// Shows a check's progress (`Some(share done)`) or hides it (`None`).
    fn show_progress(&self, request: Request, done: Option<f64>) {
        let (row, bar, percent) = &self.els.progress[Self::slot(request)];
        show(row, done.is_some());
        if let Some(done) = done {
            let pct = (100.0 * done).clamp(0.0, 100.0);
            set_attr(bar, "value", &format!("{pct:.0}"));
            set_text(percent, &format!("{pct:.0} %"));
        }
    }

    /// Empties a check's block before it runs again.
    fn clear_outcome(&self, request: Request) {
        let els = &self.els;
        set_text(self.time_el(request), "");
        match request {
            Request::Gradients => {
                verdict(&els.gc_verdict, "", "");
                dom::clear(&els.gc_body);
                for el in [&els.gc_table, &els.gc_kink, &els.gc_sampling] {
                    show(el, false);
                }
            }
            Request::Overfit { .. } => {
                verdict(&els.of_verdict, "", "");
                show(&els.of_note, false);
            }
            Request::Doctor { .. } => dom::clear(&els.doc_list),
        }
    }

    /// The gradient check's table, verdict and notes.
    fn show_gradients(&mut self, r: &GradientCheck, note: Option<String>, sampling: Option<String>, ms: f64) {
        let els = &self.els;
        dom::clear(&els.gc_body);
        for row in &r.tensors {
            let tr: HtmlElement = create("tr", "");
            set_attr(&tr, "data-band", band_label(row.band));
            for c in [
                row.block.clone(),
                row.param.clone(),
                num(row.max_rel),
                num(row.median_rel),
                band_label(row.band).to_string(),
            ] {
                append(&tr, &create_text("td", "", &c));
            }
            append(&els.gc_body, &tr);
        }
        show(&els.gc_table, true);
        let (text, class) = match r.band {
            Band::Excellent => ("pass: excellent (< 1e-7)", "ok"),
            Band::Ok => ("pass: ok (≤ 1e-5)", "ok"),
            Band::Suspicious => ("suspicious (≤ 1e-3)", "warn"),
            Band::Fail => ("fail (> 1e-3): a backward pass is wrong", "bad"),
            Band::Inconclusive => ("inconclusive (see why below)", "warn"),
        };
        verdict(&els.gc_verdict, text, class);
        set_attr(&els.gc_verdict, "data-max", &r.max_rel.to_string());
        set_attr(&els.gc_verdict, "data-band", band_label(r.band));
        set_text(&els.gc_time, &format!("{} entries in {ms:.0} ms", r.checked));
        set_text(&els.gc_kink, note.as_deref().unwrap_or(""));
        show(&els.gc_kink, note.is_some());
        set_text(&els.gc_sampling, sampling.as_deref().unwrap_or(""));
        show(&els.gc_sampling, sampling.is_some());
    }

    /// The k of `#overfit-k`, clamped to 1–32.
    fn overfit_k(&self) -> usize {
        let k = self.els.of_k.value().trim().parse::<usize>().unwrap_or(8).clamp(1, overfit::MAX_K);
        self.els.of_k.set_value(&k.to_string());
        k
    }

    /// The overfit check's verdict and figures.
    fn show_overfit(&mut self, r: &Overfit, summary: &str, ms: f64) {
        let els = &self.els;
        let pct = |a: Option<f64>| a.map_or("–".to_string(), |a| format!("{:.0} %", 100.0 * a));
        verdict(&els.of_verdict, if r.passed { "pass" } else { "fail" }, if r.passed { "ok" } else { "bad" });
        set_text(&els.of_time, &format!("{} points, {ms:.0} ms", r.k));
        show_value(&els.of_steps, r.steps as f64, r.steps.to_string());
        show_value(&els.of_train_acc, r.train_acc.unwrap_or(f64::NAN), pct(r.train_acc));
        show_value(&els.of_loss, r.loss, format!("{} (from {})", num(r.loss), num(r.initial_loss)));
        show_value(&els.of_val_acc, r.val_acc.unwrap_or(f64::NAN), pct(r.val_acc));
        show_value(&els.of_chance, r.chance.unwrap_or(f64::NAN), pct(r.chance));
        set_text(&els.of_note, summary);
        show(&els.of_note, !summary.is_empty());
    }

    /// The doctor's ranked findings.
    fn show_doctor(&mut self, findings: &[Finding], ms: f64) {
        fill_findings(&self.els.doc_list, findings, "doctor");
        if findings.is_empty() {
            append(&self.els.doc_list, &create_text("li", "finding none", "No problem found: every check passed."));
        }
        set_text(&self.els.doc_time, &format!("{} findings in {ms:.0} ms", findings.len()));
    }

    // ---- bug lab ----

    /// The `#bug` choice as a config change, or None when nothing changes.
    pub fn picked_bug(&self, cfg: &Config) -> Option<Config> {
        let value = self.els.bug.value();
        let mut next = cfg.clone();
        next.bug = match value.as_str() {
            "none" => None,
            "hidden" => return None,
            "random" => {
                let applicable: Vec<Bug> = Bug::ALL.into_iter().filter(|b| b.applies_to(cfg)).collect();
                let i = (js_sys::Math::random() * applicable.len() as f64) as usize;
                Some(PlantedBug { bug: *applicable.get(i)?, hidden: true })
            }
            name => Some(PlantedBug { bug: Bug::from_name(name)?, hidden: false }),
        };
        Some(next)
    }

    /// `#bug-reveal`.
    pub fn reveal(&mut self, cfg: &Config) {
        self.revealed = cfg.bug.map(|b| b.bug);
        self.show_bug(cfg);
    }

    /// The bug lab's state for `cfg`.
    pub fn show_bug(&mut self, cfg: &Config) {
        let els = &self.els;
        if self.revealed.is_some() && self.revealed != cfg.bug.map(|b| b.bug) {
            self.revealed = None;
        }
        let hidden_opt = els.bug.query_selector("option[value=hidden]").ok().flatten();
        let _ = hidden_opt.map(|o| o.remove());
        match cfg.bug {
            None => {
                els.bug.set_value("none");
                set_text(&els.bug_status, "No bug planted: the code is correct.");
                show(&els.bug_reveal, false);
                show(&els.bug_description, false);
                show(&els.bug_caught_by, false);
            }
            Some(p) if p.hidden && self.revealed.is_none() => {
                let opt = create_text("option", "", "a hidden bug");
                set_attr(&opt, "value", "hidden");
                append(&els.bug, &opt);
                els.bug.set_value("hidden");
                set_text(
                    &els.bug_status,
                    "A bug is planted in this run. Train, watch the instruments and run the checks to find it; then reveal it.",
                );
                show(&els.bug_reveal, true);
                show(&els.bug_description, false);
                show(&els.bug_caught_by, false);
            }
            Some(p) => {
                if p.hidden {
                    let opt = create_text("option", "", "a hidden bug (revealed)");
                    set_attr(&opt, "value", "hidden");
                    append(&els.bug, &opt);
                    els.bug.set_value("hidden");
                } else {
                    els.bug.set_value(p.bug.name());
                }
                let effect = if p.bug.applies_to(cfg) { "" } else { " (it changes nothing in this experiment)" };
                let status = if p.hidden { "The hidden bug was" } else { "Planted" };
                set_text(&els.bug_status, &format!("{status}: {}{effect}.", p.bug.name()));
                set_text(&els.bug_description, p.bug.description());
                set_text(&els.bug_caught_by, &format!("Caught by {}.", p.bug.caught_by()));
                set_attr(&els.bug_description, "data-bug", p.bug.name());
                show(&els.bug_reveal, false);
                show(&els.bug_description, true);
                show(&els.bug_caught_by, true);
            }
        }
    }
}

/// The `#bug` options: none, each bug, a random hidden one.
fn bug_options() -> Vec<(String, String)> {
    let mut out = vec![("none".to_string(), "none (correct code)".to_string())];
    out.extend(Bug::ALL.iter().map(|b| (b.name().to_string(), b.name().to_string())));
    out.push(("random".to_string(), "a random hidden bug (find it!)".to_string()));
    out
}

fn has_bn_and_dropout(cfg: &Config) -> bool {
    cfg.hidden.iter().any(|l| l.batch_norm) && cfg.hidden.iter().any(|l| l.dropout > 0.0)
}

/// Fills a list with ranked findings: severity (and "fix first" on the
/// first warning or error), what was seen, its cause, the fix, the numbers
/// it rests on, and the checklist item. All as text.
fn fill_findings(list: &HtmlElement, findings: &[Finding], prefix: &str) {
    dom::clear(list);
    for (i, f) in findings.iter().enumerate() {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let li: HtmlElement = create("li", &format!("finding {sev}"));
        li.set_id(&format!("{prefix}-finding-{i}"));
        set_attr(&li, "data-problem", f.problem.id());
        set_attr(&li, "data-severity", sev);
        set_attr(&li, "data-checklist", f.checklist.id);
        if let Some(place) = &f.place {
            set_attr(&li, "data-place", place);
        }
        let badge = if i == 0 && f.is_alarm() { format!("{sev} · fix this first") } else { sev.to_string() };
        append(&li, &create_text("span", "badge", &badge));
        append(&li, &create_text("span", "sentence", &f.sentence));
        if !f.cause.is_empty() {
            append(&li, &labelled("cause", "Why: ", &f.cause));
        }
        if !f.fix.is_empty() {
            append(&li, &labelled("fix", "Fix: ", &f.fix));
        }
        if !f.evidence.is_empty() {
            let numbers: Vec<String> = f.evidence.iter().map(|e| format!("{} {}", e.label, num(e.value))).collect();
            append(&li, &create_text("span", "evidence", &numbers.join(" · ")));
        }
        append(
            &li,
            &create_text("span", "checklist", &format!("Checklist {} · {}", f.checklist.id, f.checklist.title)),
        );
        append(list, &li);
    }
}

/// A `<span class=…><b>label</b>text</span>`, both as text.
fn labelled(class: &str, label: &str, text: &str) -> HtmlElement {
    let span: HtmlElement = create("span", class);
    append(&span, &create_text("b", "", label));
    append(&span, &create_text("span", "", text));
    span
}

fn verdict(el: &HtmlElement, text: &str, class: &str) {
    set_text(el, text);
    set_attr(el, "data-verdict", class);
    for c in ["ok", "warn", "bad"] {
        dom::toggle_class(el, c, c == class);
    }
}

/// Checklist 4.3: how many steps the gradient clipping changed.
fn paint_clipping(el: &HtmlElement, trainer: &Trainer) {
    let rule = match trainer.cfg.clip {
        ClipKind::None => None,
        ClipKind::Value(c) => Some(format!("components beyond ±{c}")),
        ClipKind::Norm(c) => Some(format!("global norm above {c}")),
    };
    let text = match rule {
        None => "Clipping is off (choose it under Training).".to_string(),
        Some(rule) => format!("{} of {} steps clipped ({rule}).", trainer.clipped_steps, trainer.step_count()),
    };
    set_text(el, &text);
    set_attr(el, "data-value", &trainer.clipped_steps.to_string());
}

/// Checklist 4.4 and 4.7: which mode BN and dropout run in, when the net has them.
fn paint_mode_note(el: &HtmlElement, trainer: &Trainer) {
    let has = |f: fn(&crate::engine::config::LayerSpec) -> bool| trainer.cfg.hidden.iter().any(f);
    let (bn, dropout) = (has(|l| l.batch_norm), has(|l| l.dropout > 0.0));
    let text = match (bn, dropout) {
        (false, false) => "",
        (true, false) => "Training steps run BatchNorm on batch statistics (and update its running ones); losses, accuracies and pictures use evaluation mode: the running statistics.",
        (false, true) => "Training steps drop units at random (train mode); losses, accuracies and pictures use evaluation mode: dropout off.",
        (true, true) => "Training steps use train mode: dropout on, BatchNorm on batch statistics; losses, accuracies and pictures use evaluation mode: dropout off, BatchNorm on its running statistics.",
    };
    set_text(el, text);
    show(el, !text.is_empty());
}

fn show_value(el: &HtmlElement, v: f64, text: String) {
    set_text(el, &text);
    set_attr(el, "data-value", &v.to_string());
}

fn band_name(b: RatioBand) -> &'static str {
    match b {
        RatioBand::FarBelow => "far-below",
        RatioBand::Below => "below",
        RatioBand::InBand => "in-band",
        RatioBand::Above => "above",
        RatioBand::FarAbove => "far-above",
    }
}

fn band_label(b: Band) -> &'static str {
    match b {
        Band::Excellent => "excellent",
        Band::Ok => "ok",
        Band::Suspicious => "suspicious",
        Band::Fail => "fail",
        Band::Inconclusive => "inconclusive",
    }
}

fn dom_kind(kind: &str) -> &'static str {
    match kind {
        "dense" => "kind-dense",
        "batchnorm" => "kind-bn",
        "dropout" => "kind-dropout",
        _ => "kind-act",
    }
}

fn blank(w: usize, h: usize) -> Vec<u8> {
    vec![255u8; w * h * 4]
}
