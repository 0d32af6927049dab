//! Instruments: every item of the debugging checklist as a measurement.
//!
//! One small module per instrument, named after what it measures. Each is a
//! pure function of a [`Trainer`](crate::engine::trainer::Trainer) (usually
//! of a copy, so running it never changes the run) or, for the live ones,
//! an observer fed after every step. [`doctor`] runs them all and ranks
//! what they found.
//!
//! Live instruments need the trainer's [`StepProbe`](crate::engine::trainer::StepProbe):
//! [`Live::attach`] switches it on; with it off (the default) training does
//! no extra work and produces the same bits either way.

pub mod bug_lab;
pub mod doctor;
pub mod eval_mode;
pub mod finding;
pub mod gradient_check;
pub mod histograms;
pub mod initial_loss;
pub mod input_scale;
pub mod label_agreement;
pub mod layer_stats;
pub mod loss_breakdown;
pub mod overfit;
pub mod saliency;
pub mod sentinel;
pub mod summary;
pub mod update_check;
pub mod variance_shift;

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

/// The median of `v` (sorted in place); 0 for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Human label of block `k` of `n`: `hidden 1`, …, `output`.
pub fn block_label(k: usize, n: usize) -> String {
    if k + 1 == n {
        "output".to_string()
    } else {
        format!("hidden {}", k + 1)
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
}

impl Live {
    /// Live instruments for `trainer`, switching its probe on.
    pub fn attach(trainer: &mut crate::engine::trainer::Trainer) -> Self {
        attach(trainer);
        Self {
            layers: layer_stats::LayerStats::new(trainer),
            histograms: histograms::Histograms::new(trainer),
            loss: loss_breakdown::LossBreakdown::default(),
            sentinel: sentinel::Sentinel::default(),
        }
    }

    /// Records the step the trainer just took.
    pub fn observe(&mut self, trainer: &crate::engine::trainer::Trainer) {
        self.layers.observe(trainer);
        self.histograms.observe(trainer);
        self.loss.observe(trainer);
        self.sentinel.observe(trainer);
    }

    /// What the live instruments say now, ranked.
    pub fn findings(&self) -> Vec<finding::Finding> {
        let mut out = self.sentinel.findings();
        out.extend(self.layers.findings());
        out.extend(self.loss.last.findings());
        finding::rank(&mut out);
        out
    }
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
