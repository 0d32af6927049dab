//! Gradient-check report (checklist 3.5): backprop against central
//! differences in f64 on the trainer's next mini-batch, per layer and
//! tensor (weights and biases, BN γ and β), with verdict bands.
//!
//! Reuses [`crate::engine::gradcheck`] (dropout off, BN in training mode
//! with its running statistics untouched). By default only the data loss
//! is checked — a large penalty could hide a broken data-loss gradient.
//! Bands on the relative error: below 1e-7 excellent, up to 1e-5 ok, up to
//! 1e-3 suspicious, above it almost surely a bug; ReLU kinks within a few h
//! of an input can raise it legitimately, which the report notes.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::{block_label, blocks};
use crate::engine::gradcheck::{self, GradCheck, Objective};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Below: excellent.
pub const EXCELLENT: f64 = 1e-7;
/// Up to: acceptable.
pub const ACCEPTABLE: f64 = 1e-5;
/// Above: almost surely a bug.
pub const BUG: f64 = 1e-3;
/// Entries checked per tensor at most (evenly spaced).
pub const MAX_PER_TENSOR: usize = 256;

/// Where a relative error falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// < 1e-7.
    Excellent,
    /// ≤ 1e-5.
    Ok,
    /// ≤ 1e-3.
    Suspicious,
    /// > 1e-3.
    Fail,
}

impl Band {
    /// The band of a relative error.
    pub fn of(rel: f64) -> Self {
        match rel {
            r if r < EXCELLENT => Band::Excellent,
            r if r <= ACCEPTABLE => Band::Ok,
            r if r <= BUG => Band::Suspicious,
            _ => Band::Fail,
        }
    }
}

/// One checked tensor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorRow {
    /// Model layer index.
    pub layer: usize,
    /// `hidden 1`, …, `output` (the dense block the tensor belongs to).
    pub block: String,
    /// `W`, `b`, `gamma` or `beta`.
    pub param: String,
    /// Largest relative error.
    pub max_rel: f64,
    /// Median relative error.
    pub median_rel: f64,
    /// Entries compared.
    pub checked: usize,
    /// Band of the largest error.
    pub band: Band,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientCheck {
    /// Per tensor, input to output.
    pub tensors: Vec<TensorRow>,
    /// Largest relative error.
    pub max_rel: f64,
    /// Band of the largest error.
    pub band: Band,
    /// Some ReLU input lies within a few h of its kink.
    pub near_kink: bool,
    /// Whether the penalties were included.
    pub with_penalty: bool,
}

/// Checks the trainer's next mini-batch (data loss alone unless `with_penalty`).
pub fn run(trainer: &Trainer, with_penalty: bool) -> GradientCheck {
    let model = trainer.model.cast::<f64>();
    let (x, t) = trainer.next_batch();
    let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let t: Vec<f64> = t.iter().map(|&v| f64::from(v)).collect();
    let (l1, l2) = if with_penalty { (trainer.cfg.l1, trainer.cfg.l2) } else { (0.0, 0.0) };
    let report = gradcheck::check(&model, &x, &t, Objective { loss: trainer.cfg.loss, l1, l2 }, MAX_PER_TENSOR);
    from_report(&report, trainer, with_penalty)
}

fn from_report(report: &GradCheck, trainer: &Trainer, with_penalty: bool) -> GradientCheck {
    let bs = blocks(&trainer.model);
    let block_of = |layer: usize| {
        let k = bs.iter().rposition(|b| b.dense <= layer).unwrap_or(0);
        block_label(k, bs.len())
    };
    let tensors = report
        .tensors
        .iter()
        .map(|t| TensorRow {
            layer: t.layer,
            block: block_of(t.layer),
            param: t.param.clone(),
            max_rel: t.max_rel,
            median_rel: t.median_rel,
            checked: t.checked,
            band: Band::of(t.max_rel),
        })
        .collect();
    GradientCheck {
        tensors,
        max_rel: report.max_rel,
        band: Band::of(report.max_rel),
        near_kink: report.near_kink,
        with_penalty,
    }
}

impl GradientCheck {
    /// The note about kinks, when they may explain part of the error.
    pub fn kink_note(&self) -> Option<&'static str> {
        self.near_kink.then_some(
            "Some ReLU input lies within a few h of 0, where the function has a kink: central differences straddle it, so larger errors there are expected.",
        )
    }

    /// A finding when some tensor fails (an error unless kinks explain it).
    pub fn findings(&self) -> Vec<Finding> {
        let Some(worst) =
            self.tensors.iter().filter(|t| t.band == Band::Fail).max_by(|a, b| a.median_rel.total_cmp(&b.median_rel))
        else {
            return Vec::new();
        };
        let kink_only = self.near_kink && self.tensors.iter().all(|t| t.median_rel <= ACCEPTABLE);
        let (severity, problem, tail) = if kink_only {
            (
                Severity::Info,
                Problem::KinkNoise,
                "only a few entries disagree and ReLU kinks are close, which can explain it",
            )
        } else {
            (
                Severity::Error,
                Problem::WrongGradient,
                "above 1e-3 this is almost surely a bug in that layer's backward pass",
            )
        };
        let sentence = format!(
            "Backprop disagrees with the numerical gradient for {} of {} (layer {}): relative error {} (median {}); {tail}.",
            worst.param,
            worst.block,
            worst.layer,
            num(worst.max_rel),
            num(worst.median_rel)
        );
        vec![Finding::new(severity, problem, checklist::GRADIENT_CHECK, "gradient_check", sentence).at(worst.layer)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(Band::of(1e-9), Band::Excellent);
        assert_eq!(Band::of(1e-6), Band::Ok);
        assert_eq!(Band::of(1e-4), Band::Suspicious);
        assert_eq!(Band::of(2.0), Band::Fail);
    }
}
