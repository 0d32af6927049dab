//! Instruments: every item of the debugging checklist as a measurement.
//!
//! One small module per instrument, named after what it measures. Each is a
//! pure function of a [`Trainer`](crate::engine::trainer::Trainer) (usually
//! of a copy, so running it never changes the run) or, for the live ones,
//! an observer fed after every step. [`diagnosis`] turns their numbers into
//! ranked findings (cause, fix, evidence); [`doctor`] measures everything
//! and diagnoses; [`calibration`] holds the doctor to labelled cases.
//!
//! Live instruments need the trainer's [`StepProbe`](crate::engine::trainer::StepProbe):
//! [`Live::attach`] switches it on; with it off (the default) training does
//! no extra work and produces the same bits either way.

pub mod calibration;
pub mod cockpit;
pub mod diagnosis;
pub mod doctor;
pub mod eval_mode;
pub mod finding;
pub mod gradient_check;
pub mod histograms;
pub mod init_scale;
pub mod initial_loss;
pub mod input_scale;
pub mod label_agreement;
pub mod landscape;
#[cfg(test)]
mod lang_tests;
pub mod layer_stats;
pub mod lessons;
pub mod long_checks;
pub mod loss_breakdown;
pub mod lr_finder;
pub mod overfit;
pub mod readouts;
pub mod remedy;
pub mod saliency;
pub mod sentinel;
pub mod summary;
pub mod symmetry;
pub mod trajectory;
pub mod try_fix;
pub mod unit_math;
pub mod update_check;
pub mod variance_shift;
pub mod verdicts;

use crate::engine::config::Act;
use crate::engine::layers::Layer;
use crate::engine::model::{Model, ParamKind};
use crate::engine::scalar::Real;
use std::ops::Range;

/// One dense block of a model as the instruments see it: a dense layer and
/// the BN, activation and dropout layers that follow it before the next
/// dense layer. The last block is the output layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Index of the block's dense layer in `Model::layers`.
    pub dense: usize,
    /// Its activation layer and function (none for a linear block).
    pub act: Option<(usize, Act)>,
    /// Its BatchNorm layer.
    pub bn: Option<usize>,
    /// Its dropout layer.
    pub dropout: Option<usize>,
    /// Its last layer (whose output the next block reads).
    pub end: usize,
    /// Units (the dense layer's `n_out`).
    pub width: usize,
    /// `W: [n_in, n_out]` in the flat parameter vector.
    pub w: Range<usize>,
    /// `b: [n_out]` in the flat parameter vector.
    pub b: Range<usize>,
}

impl Block {
    /// The layer whose output the block's statistics describe: the
    /// activation's output if there is one, else the dense output.
    pub fn observed(&self) -> usize {
        self.act.map_or(self.dense, |(i, _)| i)
    }
}

/// The model's dense blocks, input to output.
pub fn blocks<F: Real>(model: &Model<F>) -> Vec<Block> {
    let n = model.layers.len();
    let dense: Vec<usize> = (0..n).filter(|&i| matches!(model.layers[i], Layer::Dense(_))).collect();
    dense
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let end = dense.get(k + 1).map_or(n - 1, |&next| next - 1);
            let mut block = Block {
                dense: d,
                act: None,
                bn: None,
                dropout: None,
                end,
                width: model.layers[d].n_out(),
                w: 0..0,
                b: 0..0,
            };
            for i in d + 1..=end {
                match &model.layers[i] {
                    Layer::Activation(a) => block.act = Some((i, a.act)),
                    Layer::BatchNorm(_) => block.bn = Some(i),
                    Layer::Dropout(_) => block.dropout = Some(i),
                    Layer::Dense(_) => {}
                }
            }
            for info in model.infos.iter().filter(|info| info.layer == d) {
                match info.kind {
                    ParamKind::Weight => block.w = info.range(),
                    ParamKind::Bias => block.b = info.range(),
                    _ => {}
                }
            }
            block
        })
        .collect()
}

/// ‖v‖₂ accumulated in f64.
pub fn norm<F: Real>(v: &[F]) -> f64 {
    crate::engine::math::sqrt(v.iter().map(|&x| x.f64() * x.f64()).sum::<f64>())
}

/// ‖a − b‖₂ accumulated in f64.
pub fn distance<F: Real>(a: &[F], b: &[F]) -> f64 {
    crate::engine::math::sqrt(a.iter().zip(b).map(|(&x, &y)| (x.f64() - y.f64()) * (x.f64() - y.f64())).sum::<f64>())
}

/// Multiply-adds of forward pass that a measurement over many rows (the
/// initial loss, the signal through the layers) may spend: about 20 ms of
/// a browser's time with its backward pass, because the page takes these
/// measurements on its main thread whenever the network changes.
pub const ROWS_BUDGET_MACS: usize = 32_000_000;
/// Rows such a measurement uses at least, whatever the cost.
pub const MIN_ROWS: usize = 32;

/// Rows of `available` (at most `cap`) that a forward pass of `model` can
/// afford within [`ROWS_BUDGET_MACS`]: small networks get every row they
/// ask for; only networks of hundreds of thousands of weights are thinned.
pub fn affordable_rows<F: Real>(model: &Model<F>, available: usize, cap: usize) -> usize {
    let by_cost = ROWS_BUDGET_MACS / model.forward_macs_per_row().max(1);
    available.min(cap).min(by_cost.max(MIN_ROWS))
}

/// Mean and population standard deviation, in f64.
pub fn mean_std<F: Real>(v: &[F]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().map(|x| x.f64()).sum::<f64>() / n;
    let var = v.iter().map(|x| (x.f64() - mean) * (x.f64() - mean)).sum::<f64>() / n;
    (mean, crate::engine::math::sqrt(var))
}

/// Tests' trainer: a link's experiment (planted bug included) after `steps` steps.
#[cfg(test)]
pub(crate) fn trained(link: &str, steps: u64) -> crate::engine::trainer::Trainer {
    let link = crate::engine::link::decode_link(link).0;
    let mut t = crate::engine::bug_lab::trainer(&link.config, link.bug).unwrap();
    for _ in 0..steps {
        t.step();
    }
    t
}

/// The median of `v` (sorted in place); 0 for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The page's name for model layer `layer`: the label of the dense block it
/// belongs to (`hidden 2` for the BatchNorm of the second hidden block).
pub fn place_of<F: Real>(model: &Model<F>, layer: usize) -> String {
    let bs = blocks(model);
    let k = bs.iter().rposition(|b| b.dense <= layer).unwrap_or(0);
    block_label(k, bs.len())
}

/// The page's name of every layer of `model`, by layer index.
pub fn places<F: Real>(model: &Model<F>) -> Vec<String> {
    (0..model.layers.len()).map(|i| place_of(model, i)).collect()
}

/// Human label of block `k` of `n`: `hidden 1`, …, `output`.
pub fn block_label(k: usize, n: usize) -> String {
    if k + 1 == n {
        crate::tr!("inst.place.output")
    } else {
        crate::tr!("inst.place.hidden", k = k + 1)
    }
}

/// The live instruments a page feeds after every step.
#[derive(Clone, Debug)]
pub struct Live {
    /// Per-block statistics.
    pub layers: layer_stats::LayerStats,
    /// Histograms over time.
    pub histograms: histograms::Histograms,
    /// Data loss against penalties.
    pub loss: loss_breakdown::LossBreakdown,
    /// The first non-finite value.
    pub sentinel: sentinel::Sentinel,
    /// The run's initial loss (measured once, at attach).
    pub initial: initial_loss::InitialLoss,
    /// Signals and gradients at the run's initial weights (measured once).
    pub init: init_scale::InitScale,
    /// The inputs' statistics (measured once).
    pub inputs: input_scale::InputScale,
    /// L1 + L2 penalty at the initial weights (measured once).
    pub initial_penalty: f64,
}

/// Steps of recent history the live trajectory looks at (the doctor's probe length).
pub const LIVE_WINDOW: u64 = 300;
/// Evaluations the live trajectory keeps from that window (the doctor's probe evaluations + 1).
pub const LIVE_POINTS: usize = 21;

impl Live {
    /// Live instruments for `trainer`, switching its probe on; measures the
    /// run's start (initial loss, initialization scale, inputs) once.
    pub fn attach(trainer: &mut crate::engine::trainer::Trainer) -> Self {
        attach(trainer);
        let mut fresh = trainer.clone();
        fresh.reset();
        fresh.probe = None;
        Self {
            layers: layer_stats::LayerStats::new(trainer),
            histograms: histograms::Histograms::new(trainer),
            loss: loss_breakdown::LossBreakdown::default(),
            sentinel: sentinel::Sentinel::default(),
            initial: initial_loss::check_fresh(&fresh),
            init: init_scale::measure(&fresh),
            inputs: input_scale::measure(trainer),
            initial_penalty: {
                let (l1, l2) = fresh.model.penalty(fresh.cfg.l1, fresh.cfg.l2);
                l1 + l2
            },
        }
    }

    /// Records the step the trainer just took.
    pub fn observe(&mut self, trainer: &crate::engine::trainer::Trainer) {
        self.layers.observe(trainer);
        self.histograms.observe(trainer);
        self.loss.observe(trainer);
        self.sentinel.observe(trainer);
    }

    /// What the live instruments say now about `trainer`'s run, ranked:
    /// the same rules as the doctor's, on what the page measures live (no
    /// gradient check, overfit or replay: those are the doctor's).
    pub fn findings(&self, trainer: &crate::engine::trainer::Trainer) -> Vec<finding::Finding> {
        let targets = doctor::regression_targets(trainer);
        let symmetry = symmetry::measure(&trainer.model);
        let places = places(&trainer.model);
        let trajectory = live_trajectory(trainer, &self.initial);
        let non_finite = self.sentinel.first.as_ref().or(trainer.diverged());
        diagnosis::diagnose(&diagnosis::Evidence {
            task: Some(trainer.encoding.task),
            regression_targets: &targets,
            initial: Some(&self.initial),
            initial_penalty: Some(self.initial_penalty),
            init: Some(&self.init),
            inputs: Some(&self.inputs),
            symmetry: &symmetry,
            stats: Some(&self.layers),
            loss: (self.loss.observed > 0).then_some(self.loss.last),
            non_finite,
            places: &places,
            ..diagnosis::Evidence::new(&trainer.cfg, &trajectory)
        })
    }
}

/// The run's trajectory as the page recorded it: the mini-batch losses so
/// far, and up to [`LIVE_POINTS`] evaluations spread over the last
/// [`LIVE_WINDOW`] steps.
fn live_trajectory(
    trainer: &crate::engine::trainer::Trainer,
    initial: &initial_loss::InitialLoss,
) -> trajectory::Trajectory {
    let mut t =
        trajectory::Trajectory::new(initial.measured, initial.uniform, initial.prior, &trainer.history.batch_loss);
    let from = trainer.step_count().saturating_sub(LIVE_WINDOW);
    let recent: Vec<_> = trainer.history.evals.points().iter().filter(|(s, _)| *s >= from && *s > 0).collect();
    let stride = recent.len().div_ceil(LIVE_POINTS).max(1);
    for (i, (step, m)) in recent.iter().enumerate() {
        if i % stride == 0 || i + 1 == recent.len() {
            t.push(trajectory::Point { step: *step, loss: m.train_loss, acc: m.train_acc, out_std: None, stuck: None });
        }
    }
    t.diverged = trainer.diverged().is_some();
    t
}

/// Switches the trainer's per-step capture on (live instruments need it).
pub fn attach(trainer: &mut crate::engine::trainer::Trainer) {
    if trainer.probe.is_none() {
        trainer.probe = Some(Box::default());
    }
}

/// Switches the capture off: training does no extra work again.
pub fn detach(trainer: &mut crate::engine::trainer::Trainer) {
    trainer.probe = None;
}
