//! Update check (checklist 3.1): is the gradient the optimizer applied the
//! gradient of the step's mini-batch? Replays the step captured by the
//! trainer's probe — same parameters, same batch, same dropout masks — on a
//! copy of the model and compares the gradients. A correct trainer gives
//! the same bits; gradients that are never zeroed (accumulating from step
//! to step) or altered elsewhere do not.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::{distance, norm};
use crate::engine::layers::Pass;
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Relative differences above this are flagged.
pub const TOLERANCE: f64 = 1e-3;

/// What the check found.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct UpdateCheck {
    /// The replayed step (0-based).
    pub step: u64,
    /// ‖g_applied − g_batch‖ / ‖g_batch‖.
    pub rel_diff: f64,
}

/// Replays the last probed step; `None` without a probe or a captured step.
pub fn check(trainer: &Trainer) -> Option<UpdateCheck> {
    let probe = trainer.probe.as_deref()?;
    let step = probe.step?;
    // Only a step that completed: one that diverged captured its start but
    // never its gradient, which still holds the step before's.
    if trainer.diverged().is_some() || step + 1 != trainer.step_count() {
        return None;
    }
    let mut rng = probe.dropout_rng.clone()?;
    let mut model = trainer.model.clone();
    if probe.params_before.len() != model.n_params() || probe.grads.len() != model.n_params() {
        return None;
    }
    model.params.copy_from_slice(&probe.params_before);
    model.forward(&probe.batch_x, Pass { update_running: false, ..Pass::TRAIN }, &mut rng);
    let mut d_out = vec![0.0; probe.batch_t.len()];
    trainer.data_loss_of(model.output(), &probe.batch_t, Some(&mut d_out));
    trainer.backward_as_trained(&mut model, &d_out);
    model.add_penalty_grads(trainer.cfg.l1, trainer.cfg.l2);
    let fresh = norm(&model.grads);
    let diff = distance(&probe.grads, &model.grads);
    let rel_diff = if fresh > 0.0 {
        diff / fresh
    } else if diff > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    Some(UpdateCheck { step, rel_diff })
}

impl UpdateCheck {
    /// An error when the applied gradient is not the batch's.
    pub fn findings(&self) -> Vec<Finding> {
        if self.rel_diff <= TOLERANCE {
            return Vec::new();
        }
        let sentence = crate::tr!("finding.stale_gradient.sentence", step = self.step, diff = num(self.rel_diff));
        let f =
            Finding::new(Severity::Error, Problem::StaleGradient, checklist::GRADIENT_FLOW, "update_check", sentence)
                .cause(crate::tr!("finding.stale_gradient.cause"))
                .fix(crate::tr!("finding.stale_gradient.fix"))
                .remedy(super::remedy::Remedy::RemoveBug)
                .evidence(crate::tr!("finding.evidence.relative_difference"), self.rel_diff);
        vec![f]
    }
}
