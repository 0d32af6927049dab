//! Live per-layer statistics (checklist 3.1, 3.3, 3.4), cheap enough for
//! every step: for each dense block, the activation mean and std, the share
//! of dead ReLUs (zero for every example over a window of steps), the share
//! of saturated tanh/sigmoid outputs, the weight norm, the gradient norm and
//! the update/weight ratio. Histories are bounded ([`Series`]).
//!
//! Fed by [`LayerStats::observe`] after each step (or after any subset of
//! steps: windows and histories count observations) from the trainer's
//! [`StepProbe`](crate::engine::trainer::StepProbe) (parameters before the
//! update, gradient before clipping) and the activations the step's forward
//! pass left in the model.
//!
//! Definitions (per block, `a: [batch, width]` the activation output):
//! - update/weight ratio `‖W_after − W_before‖ / ‖W_before‖` (CS231n: ~1e-3);
//! - expected ratio, what the optimizer should give: `lr·‖∂L/∂W‖ / ‖W‖`, or
//!   `lr·‖min(1, |g|/ε)‖ / ‖W‖` for the adaptive optimizers (their steps are
//!   ~lr per weight while the gradient is well above their ε);
//! - a ReLU unit is dead when it output 0 for every example of the last
//!   `min(window, steps seen)` observed steps (a whole dead layer is an
//!   error: no signal passes it);
//! - a tanh output is saturated when `|a| > 0.99`, a sigmoid output when
//!   `a < 0.01` or `a > 0.99`.

use super::{block_label, blocks, distance, mean_std, median, norm, Block};
use crate::engine::config::Act;
use crate::engine::history::Series;
use crate::engine::trainer::Trainer;
use serde::Serialize;
use std::collections::VecDeque;

/// A block counts as frozen only when the optimizer's step should have
/// changed its weights by at least this share (float32 resolves ~6e-8 of a
/// weight; this leaves two orders of magnitude).
pub const FROZEN_EXPECTED: f64 = 1e-5;
/// …and only when its gradient carries a signal at all: an RMS below this
/// is a vanished gradient (an adaptive optimizer whose second moment
/// remembers larger ones then steps below float32's resolution), which the
/// vanishing and saturation rules report, not a missing update.
pub const FROZEN_GRAD: f64 = 1e-7;
/// Observed steps over which a ReLU unit must stay silent to count as dead.
pub const DEAD_WINDOW: u64 = 100;
/// Points kept per layer history.
pub const HISTORY_CAPACITY: usize = 512;
/// Recent samples the findings look at.
pub const RECENT: usize = 20;
/// |tanh| above this (sigmoid outside [1 − this, this]) counts as saturated.
pub const SATURATION: f64 = 0.99;

/// The update/weight ratio's place relative to the 1e-3 band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatioBand {
    /// Below 1e-5: the learning rate is far too low.
    FarBelow,
    /// 1e-5 to 1e-4.
    Below,
    /// 1e-4 to 1e-2: around 1e-3.
    InBand,
    /// 1e-2 to 1e-1.
    Above,
    /// Above 1e-1: the learning rate is far too high.
    FarAbove,
}

impl RatioBand {
    /// The band of `ratio`.
    pub fn of(ratio: f64) -> Self {
        match ratio {
            r if r < 1e-5 => RatioBand::FarBelow,
            r if r < 1e-4 => RatioBand::Below,
            r if r <= 1e-2 => RatioBand::InBand,
            r if r <= 1e-1 => RatioBand::Above,
            _ => RatioBand::FarAbove,
        }
    }
}

/// One block's figures at one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LayerSample {
    /// Training step (updates applied) when observed.
    pub step: u64,
    /// Mean of the block's activation output over the batch.
    pub act_mean: f64,
    /// Standard deviation of the activation output.
    pub act_std: f64,
    /// Share of dead units (ReLU blocks only).
    pub dead: Option<f64>,
    /// Share of saturated outputs (tanh and sigmoid blocks only).
    pub saturated: Option<f64>,
    /// ‖W‖ before the update.
    pub weight_norm: f64,
    /// ‖∂L/∂W‖ before clipping.
    pub grad_norm: f64,
    /// ‖∂L/∂b‖ before clipping: the size of the error signal reaching the block.
    pub bias_grad_norm: f64,
    /// ‖ΔW‖ / ‖W‖ (NaN when ‖W‖ = 0).
    pub update_ratio: f64,
    /// The ratio the optimizer's step should give (see the module docs).
    pub expected_ratio: f64,
}

/// The statistics of one dense block over time.
#[derive(Clone, Debug)]
pub struct LayerTrack {
    /// The block.
    pub block: Block,
    /// `hidden 1`, …, `output`.
    pub label: String,
    /// Every observed step (downsampled; indexed by observation count, each
    /// sample carries its training step).
    pub history: Series<LayerSample>,
    /// The last [`RECENT`] samples.
    pub recent: VecDeque<LayerSample>,
    /// Per unit: the observation count at which it last output > 0.
    last_active: Vec<u64>,
}

impl LayerTrack {
    /// The latest sample.
    pub fn last(&self) -> Option<&LayerSample> {
        self.recent.back()
    }

    /// Median of `f` over the recent samples (NaNs dropped; NaN if none).
    pub fn recent_median(&self, f: impl Fn(&LayerSample) -> f64) -> f64 {
        let mut v: Vec<f64> = self.recent.iter().map(f).filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            f64::NAN
        } else {
            median(&mut v)
        }
    }
}

/// Live statistics of every dense block.
#[derive(Clone, Debug)]
pub struct LayerStats {
    /// One track per dense block, input to output.
    pub layers: Vec<LayerTrack>,
    /// Steps observed.
    pub steps_seen: u64,
    /// Dead-unit window in steps.
    pub window: u64,
}

impl LayerStats {
    /// Empty statistics for the trainer's model.
    pub fn new(trainer: &Trainer) -> Self {
        let bs = blocks(&trainer.model);
        let n = bs.len();
        let layers = bs
            .into_iter()
            .enumerate()
            .map(|(k, block)| LayerTrack {
                label: block_label(k, n),
                last_active: vec![0; block.width],
                history: Series::new(HISTORY_CAPACITY),
                recent: VecDeque::with_capacity(RECENT),
                block,
            })
            .collect();
        Self { layers, steps_seen: 0, window: DEAD_WINDOW }
    }

    /// Records the step the trainer just took. Needs the trainer's probe on;
    /// does nothing without it, or when the step diverged.
    pub fn observe(&mut self, trainer: &Trainer) {
        let Some(probe) = trainer.probe.as_deref() else { return };
        if probe.step.is_none() || trainer.diverged().is_some() || probe.grads.len() != trainer.model.n_params() {
            return;
        }
        self.steps_seen += 1;
        let model = &trainer.model;
        // Adaptive optimizers step ~lr per weight while |g| ≫ ε, and
        // ~lr·|g|/ε below it: a gradient far under ε barely moves them.
        let adaptive_eps = trainer.optimizer.kind.per_weight_eps();
        let lr = trainer.last.lr;
        let step = trainer.step_count();
        for track in &mut self.layers {
            let b = &track.block;
            let a = model.activation(b.observed());
            let (act_mean, act_std) = mean_std(a);
            let act = b.act.map(|(_, act)| act);
            let seen = self.steps_seen;
            let dead = (act == Some(Act::Relu)).then(|| {
                for row in a.chunks_exact(b.width) {
                    for (unit, &v) in row.iter().enumerate() {
                        if v > 0.0 {
                            track.last_active[unit] = seen;
                        }
                    }
                }
                let span = self.window.min(seen);
                let dead = track.last_active.iter().filter(|&&l| seen - l >= span).count();
                dead as f64 / b.width as f64
            });
            let saturated = saturated_share(act, a);
            let w_before = &probe.params_before[b.w.clone()];
            let weight_norm = norm(w_before);
            let grad_norm = norm(&probe.grads[b.w.clone()]);
            let step_size = match adaptive_eps {
                Some(eps) => {
                    let per_weight = probe.grads[b.w.clone()].iter().map(|&g| (f64::from(g).abs() / eps).min(1.0));
                    crate::engine::math::sqrt(per_weight.map(|s| s * s).sum::<f64>())
                }
                None => grad_norm,
            };
            let sample = LayerSample {
                step,
                act_mean,
                act_std,
                dead,
                saturated,
                weight_norm,
                grad_norm,
                bias_grad_norm: norm(&probe.grads[b.b.clone()]),
                update_ratio: ratio(distance(&model.params[b.w.clone()], w_before), weight_norm),
                expected_ratio: ratio(lr * step_size, weight_norm),
            };
            track.history.push(seen, sample);
            if track.recent.len() == RECENT {
                track.recent.pop_front();
            }
            track.recent.push_back(sample);
        }
    }

    /// Indices of the dead units of block `k` (ReLU blocks; empty otherwise).
    pub fn dead_units(&self, k: usize) -> Vec<usize> {
        let Some(track) = self.layers.get(k) else { return Vec::new() };
        if track.block.act.map(|(_, a)| a) != Some(Act::Relu) || self.steps_seen == 0 {
            return Vec::new();
        }
        let span = self.window.min(self.steps_seen);
        (0..track.block.width).filter(|&u| self.steps_seen - track.last_active[u] >= span).collect()
    }

    /// The network's update/weight ratio: the median over blocks of each
    /// block's recent median (frozen blocks left out); NaN before any step.
    pub fn net_update_ratio(&self) -> f64 {
        let mut per_layer: Vec<f64> = self
            .layers
            .iter()
            .map(|t| t.recent_median(|s| s.update_ratio))
            .filter(|r| r.is_finite() && *r > 0.0)
            .collect();
        if per_layer.is_empty() {
            f64::NAN
        } else {
            median(&mut per_layer)
        }
    }

    /// Blocks whose weights did not move in any recent step although their
    /// gradient is non-zero and the optimizer's step should have moved them
    /// (needs two recent samples).
    pub fn frozen(&self) -> Vec<&LayerTrack> {
        self.layers
            .iter()
            .filter(|t| {
                let grad_rms =
                    t.recent_median(|s| s.grad_norm) / crate::engine::math::sqrt(t.block.w.len().max(1) as f64);
                t.recent.len() >= 2
                    && t.recent.iter().all(|s| s.update_ratio == 0.0 && s.grad_norm > 0.0)
                    && t.recent_median(|s| s.expected_ratio) > FROZEN_EXPECTED
                    && grad_rms >= FROZEN_GRAD
            })
            .collect()
    }

    /// The hidden block with the largest recent dead share, with the share.
    pub fn most_dead(&self) -> Option<(usize, f64)> {
        (0..self.layers.len())
            .filter_map(|k| {
                let t = &self.layers[k];
                let dead = self.dead_units(k).len();
                (t.block.act.map(|(_, a)| a) == Some(Act::Relu)).then_some((k, dead as f64 / t.block.width as f64))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Share of saturated outputs for tanh and sigmoid blocks (`None` for
/// activations without flat tails).
pub fn saturated_share(act: Option<Act>, a: &[f32]) -> Option<f64> {
    let hi = SATURATION as f32;
    let count = match act? {
        Act::Tanh => a.iter().filter(|v| v.abs() > hi).count(),
        Act::Sigmoid => a.iter().filter(|&&v| v > hi || v < 1.0 - hi).count(),
        _ => return None,
    };
    Some(count as f64 / a.len().max(1) as f64)
}

/// Per unit, the share of the rows of `a: [batch, width]` in the flat tails
/// of `act` (the same thresholds as the layer's saturated share); `None`
/// for activations without tails (the page marks these units in the
/// network view).
pub fn unit_saturation(act: Option<Act>, a: &[f32], width: usize) -> Option<Vec<f64>> {
    let hi = SATURATION as f32;
    let tail: fn(f32, f32) -> bool = match act? {
        Act::Tanh => |v, hi| v.abs() > hi,
        Act::Sigmoid => |v, hi| v > hi || v < 1.0 - hi,
        _ => return None,
    };
    let mut counts = vec![0usize; width];
    let mut rows = 0usize;
    for row in a.chunks_exact(width.max(1)) {
        rows += 1;
        for (c, &v) in counts.iter_mut().zip(row) {
            *c += usize::from(tail(v, hi));
        }
    }
    Some(counts.into_iter().map(|c| c as f64 / rows.max(1) as f64).collect())
}

/// `num / den`, NaN when `den` is 0.
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_around_one_in_a_thousand() {
        assert_eq!(RatioBand::of(1e-3), RatioBand::InBand);
        assert_eq!(RatioBand::of(3e-5), RatioBand::Below);
        assert_eq!(RatioBand::of(1e-7), RatioBand::FarBelow);
        assert_eq!(RatioBand::of(0.05), RatioBand::Above);
        assert_eq!(RatioBand::of(2.0), RatioBand::FarAbove);
    }

    #[test]
    fn per_unit_saturation() {
        // Two rows of three units: unit 0 always in a tail, unit 1 once, unit 2 never.
        let a = [0.999, -0.995, 0.1, -1.0, 0.2, -0.3];
        assert_eq!(unit_saturation(Some(Act::Tanh), &a, 3), Some(vec![1.0, 0.5, 0.0]));
        let s = [0.001, 0.5, 0.995, 0.5];
        assert_eq!(unit_saturation(Some(Act::Sigmoid), &s, 2), Some(vec![1.0, 0.0]));
        assert_eq!(unit_saturation(Some(Act::Relu), &a, 3), None);
        assert_eq!(unit_saturation(None, &a, 3), None);
    }
}
