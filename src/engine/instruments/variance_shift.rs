//! Variance shift (checklist 4.4 and 4.8): for every BatchNorm layer, the
//! variance of each input unit with dropout on (training) and with dropout
//! off (evaluation), and their ratio (Li et al., 2019, "Understanding the
//! disharmony between dropout and batch normalization"). Every BN layer runs
//! on batch statistics in both passes, so the ratio isolates what dropout
//! does: a model without dropout before a BN layer shows exactly 1 there,
//! whatever its running statistics (which only converge over training).
//!
//! Inverted dropout scales kept units by 1/(1 − p): for a zero-mean input
//! `x`, `Var_train = E[x²]/(1 − p)` against `Var_eval = E[x²]`, a ratio of
//! 1/(1 − p). BN learns its running statistics from the training-mode
//! variance, so in evaluation it normalizes with the wrong one. Dropout
//! directly before BN (order `act-do-bn`) shows it fully; with BN first
//! and dropout after, a BN layer sees no shift unless an earlier block's
//! dropout feeds it (which this measure reports honestly).
//!
//! It also checks that the running statistics move at all: still exactly
//! mean 0, variance 1 after training steps means they are never updated.

use super::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::layers::{Layer, Pass};
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Training rows fed through the model at most.
pub const MAX_ROWS: usize = 1000;
/// A mean ratio outside [1/this, this] is flagged.
pub const SHIFT: f64 = 1.2;

/// One BN input unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct UnitShift {
    /// Variance in training mode (dropout on).
    pub train_var: f64,
    /// Variance in evaluation mode.
    pub eval_var: f64,
    /// train_var / eval_var (1 when both are 0).
    pub ratio: f64,
    /// The BN running variance.
    pub running_var: f64,
}

/// One BatchNorm layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BnShift {
    /// The BN layer's index.
    pub layer: usize,
    /// The page's name for its block (`hidden 2`).
    pub place: String,
    /// Drop probability of the nearest dropout before it (in its block or an earlier one).
    pub dropout_before: Option<f64>,
    /// Per unit.
    pub units: Vec<UnitShift>,
    /// Mean of the per-unit ratios.
    pub mean_ratio: f64,
    /// Running statistics still exactly mean 0, variance 1.
    pub running_at_init: bool,
    /// Mean over units of running_var / train_var.
    pub running_fit: f64,
}

/// Every BN layer's shift.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarianceShift {
    /// BN layers, input to output.
    pub layers: Vec<BnShift>,
    /// Steps trained when measured.
    pub step: u64,
}

/// Per-unit variance of `a: [rows, width]`.
fn column_vars(a: &[f32], width: usize) -> Vec<f64> {
    let rows = (a.len() / width.max(1)).max(1) as f64;
    (0..width)
        .map(|j| {
            let col = a.iter().skip(j).step_by(width).map(|&v| f64::from(v));
            let mean = col.clone().sum::<f64>() / rows;
            col.map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows
        })
        .collect()
}

/// Measures every BN layer of the trainer's model on its training inputs.
pub fn measure(trainer: &Trainer) -> VarianceShift {
    let m = &trainer.model;
    let rows = trainer.train.len().min(MAX_ROWS);
    let x: Vec<f32> = trainer.train.x.as_slice().map_or_else(Vec::new, |s| s[..rows * m.n_in].to_vec());
    let bn_layers: Vec<usize> = (0..m.layers.len()).filter(|&i| matches!(m.layers[i], Layer::BatchNorm(_))).collect();
    if bn_layers.is_empty() || rows == 0 {
        return VarianceShift { layers: Vec::new(), step: trainer.step_count() };
    }
    let mut train_model = m.clone();
    let train_pass = Pass { bn_train: true, dropout: true, update_running: false };
    train_model.forward(&x, train_pass, &mut Rng::new(trainer.cfg.seed, Stream::Probe));
    let mut eval_model = m.clone();
    let eval_pass = Pass { bn_train: true, dropout: false, update_running: false };
    eval_model.forward(&x, eval_pass, &mut Rng::new(trainer.cfg.seed, Stream::Probe));
    let layers = bn_layers
        .into_iter()
        .filter(|&i| i > 0)
        .filter_map(|i| {
            let Layer::BatchNorm(bn) = &m.layers[i] else { return None };
            let train_var = column_vars(train_model.activation(i - 1), bn.n);
            let eval_var = column_vars(eval_model.activation(i - 1), bn.n);
            let units: Vec<UnitShift> = (0..bn.n)
                .map(|j| {
                    let (t, e) = (train_var[j], eval_var[j]);
                    let ratio = if e > 0.0 {
                        t / e
                    } else if t > 0.0 {
                        f64::INFINITY
                    } else {
                        1.0
                    };
                    UnitShift { train_var: t, eval_var: e, ratio, running_var: f64::from(bn.running_var[j]) }
                })
                .collect();
            let finite: Vec<&UnitShift> = units.iter().filter(|u| u.ratio.is_finite()).collect();
            let mean_ratio = finite.iter().map(|u| u.ratio).sum::<f64>() / finite.len().max(1) as f64;
            let fits: Vec<f64> =
                units.iter().filter(|u| u.train_var > 0.0).map(|u| u.running_var / u.train_var).collect();
            let dropout_before = m.layers[..i].iter().rev().find_map(|l| match l {
                Layer::Dropout(d) => Some(d.p),
                _ => None,
            });
            Some(BnShift {
                layer: i,
                place: super::place_of(m, i),
                dropout_before,
                units,
                mean_ratio,
                running_at_init: bn.running_mean.iter().all(|&v| v == 0.0) && bn.running_var.iter().all(|&v| v == 1.0),
                running_fit: fits.iter().sum::<f64>() / fits.len().max(1) as f64,
            })
        })
        .collect();
    VarianceShift { layers, step: trainer.step_count() }
}

impl VarianceShift {
    /// Stale running statistics (error) and variance shift (warning).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for l in &self.layers {
            if l.running_at_init && self.step > 0 {
                let train_var = l.units.iter().map(|u| u.train_var).sum::<f64>() / l.units.len().max(1) as f64;
                let sentence = crate::tr!(
                    "finding.stale_bn.sentence",
                    place = &l.place,
                    steps = self.step,
                    variance = num(train_var)
                );
                let f = Finding::new(
                    Severity::Error,
                    Problem::StaleBnStatistics,
                    checklist::BATCH_NORM,
                    "variance_shift",
                    sentence,
                )
                .cause(crate::tr!("finding.stale_bn.cause"))
                .fix(crate::tr!("finding.stale_bn.fix"))
                .remedy(super::remedy::Remedy::RemoveBug)
                .evidence(crate::tr!("finding.evidence.bn_input_variance"), train_var)
                .at(l.layer)
                .place(l.place.clone());
                out.push(f);
            }
            if l.dropout_before.is_some() && (l.mean_ratio > SHIFT || l.mean_ratio < 1.0 / SHIFT) {
                let p = l.dropout_before.unwrap_or(0.0);
                let sentence = crate::tr!(
                    "finding.variance_shift.sentence",
                    place = &l.place,
                    ratio = num(l.mean_ratio),
                    p = p,
                    expected = num(1.0 / (1.0 - p))
                );
                let f = Finding::new(
                    Severity::Warning,
                    Problem::VarianceShift,
                    checklist::DROPOUT_BN_ORDER,
                    "variance_shift",
                    sentence,
                )
                .cause(crate::tr!("finding.variance_shift.cause"))
                .fix(crate::tr!("finding.variance_shift.fix", order = "Dense → BN → act → Dropout"))
                .remedy(super::remedy::Remedy::DropoutAfterLastBn)
                .evidence(crate::tr!("finding.evidence.variance_ratio"), l.mean_ratio)
                .evidence(crate::tr!("finding.evidence.dropout_p"), p)
                .at(l.layer)
                .place(l.place.clone());
                out.push(f);
            }
        }
        out
    }
}
