//! Loss breakdown (checklist 2.2 and 4.6): the data loss apart from the L1
//! and L2 penalties, their ratio, and the same comparison for gradients
//! (‖∂penalty/∂θ‖ against ‖∂data/∂θ‖). A penalty that dominates can hide a
//! broken data-loss gradient, so it is flagged.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::{distance, norm};
use crate::engine::history::Series;
use crate::engine::loss;
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// The penalty counts as dominating above this share of the data loss…
pub const DOMINATES: f64 = 1.0;
/// …when it is also at least this share of the uniform prediction's loss:
/// any penalty outweighs the data loss of a model that has fitted its data
/// (measured: λ = 1e-4 reaches ~2 % of ln 2 on a converged spiral net;
/// λ = 5 starts at 50× the data loss).
pub const PENALTY_SHARE: f64 = 0.1;

/// The parts of the last step's loss.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LossParts {
    /// Mini-batch data loss.
    pub data: f64,
    /// λ1 Σ|w|.
    pub l1: f64,
    /// ½ λ2 Σ w².
    pub l2: f64,
    /// (l1 + l2) / data (0 without penalties).
    pub ratio: f64,
    /// ‖∂data/∂θ‖ (needs the probe; NaN without it).
    pub data_grad_norm: f64,
    /// ‖∂penalty/∂θ‖.
    pub penalty_grad_norm: f64,
}

/// The parts of the trainer's last step.
pub fn parts(trainer: &Trainer) -> LossParts {
    let last = trainer.last;
    let penalty = last.l1_penalty + last.l2_penalty;
    let ratio = if penalty == 0.0 { 0.0 } else { penalty / last.data_loss };
    let model = &trainer.model;
    let params = match trainer.probe.as_deref() {
        Some(p) if p.params_before.len() == model.n_params() => &p.params_before,
        _ => &model.params,
    };
    let probe_grads = trainer.probe.as_deref().map(|p| &p.grads).filter(|g| g.len() == params.len());
    let (l1, l2) = (trainer.cfg.l1, trainer.cfg.l2);
    if l1 == 0.0 && l2 == 0.0 {
        // No penalty: the whole gradient is the data gradient (and no allocation per step).
        let data_grad_norm = probe_grads.map_or(f64::NAN, |g| norm(g));
        return LossParts { data: last.data_loss, data_grad_norm, ..LossParts::default() };
    }
    let mut penalty_grad = vec![0.0f32; params.len()];
    for info in model.infos.iter().filter(|i| i.decays()) {
        let r = info.range();
        loss::add_penalty_grad(&params[r.clone()], &mut penalty_grad[r], l1, l2);
    }
    let data_grad_norm = probe_grads.map_or(f64::NAN, |g| distance(g, &penalty_grad));
    LossParts {
        data: last.data_loss,
        l1: last.l1_penalty,
        l2: last.l2_penalty,
        ratio,
        data_grad_norm,
        penalty_grad_norm: norm(&penalty_grad),
    }
}

/// The breakdown over time.
#[derive(Clone, Debug)]
pub struct LossBreakdown {
    /// The last step's parts.
    pub last: LossParts,
    /// (training step, data loss, penalty) per observed step (downsampled;
    /// indexed by observation count).
    pub history: Series<(u64, f64, f64)>,
    /// Steps observed.
    pub observed: u64,
}

impl Default for LossBreakdown {
    fn default() -> Self {
        Self { last: LossParts::default(), history: Series::new(1024), observed: 0 }
    }
}

impl LossBreakdown {
    /// Records the trainer's last step.
    pub fn observe(&mut self, trainer: &Trainer) {
        if trainer.step_count() == 0 || trainer.diverged().is_some() {
            return;
        }
        self.last = parts(trainer);
        self.history.push(self.observed, (trainer.step_count(), self.last.data, self.last.l1 + self.last.l2));
        self.observed += 1;
    }
}

impl LossParts {
    /// Whether the penalty dominates: above [`DOMINATES`]× the data loss
    /// and [`PENALTY_SHARE`] of `uniform`, the loss of a uniform prediction.
    pub fn dominates(&self, uniform: f64) -> bool {
        let penalty = self.l1 + self.l2;
        penalty > DOMINATES * self.data && penalty > PENALTY_SHARE * uniform
    }

    /// A warning when the penalty dominates (see [`LossParts::dominates`]).
    pub fn findings(&self, uniform: f64) -> Vec<Finding> {
        let grad_ratio = self.penalty_grad_norm / self.data_grad_norm;
        if !self.dominates(uniform) {
            return Vec::new();
        }
        let sentence = crate::tr!(
            "finding.penalty.now",
            penalty = num(self.l1 + self.l2),
            times = num(self.ratio),
            data = num(self.data),
            grad = num(grad_ratio)
        );
        let f = Finding::new(
            Severity::Warning,
            Problem::PenaltyDominates,
            checklist::LOSS_SCALES,
            "loss_breakdown",
            sentence,
        )
        .cause(crate::tr!("finding.penalty.now_cause"))
        .fix(crate::tr!("finding.penalty.fix"))
        .remedy(super::remedy::penalty_fix(self.ratio))
        .evidence(crate::tr!("finding.evidence.penalty_ratio"), self.ratio)
        .evidence(crate::tr!("finding.evidence.penalty_grad_ratio"), grad_ratio);
        vec![f]
    }
}
