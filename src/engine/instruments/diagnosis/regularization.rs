//! Rules for regularization: an L1/L2 penalty that dominates the data loss,
//! and the variance shift of BatchNorm after dropout.

use super::Diagnosis;
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};

pub(super) fn regularization(d: &mut Diagnosis) {
    penalty_dominates(d);
    if let Some(shift) = d.e.shift {
        for f in shift.findings().into_iter().filter(|f| f.problem == Problem::VarianceShift) {
            d.push(f);
        }
    }
}

/// The penalty dominates when it outweighs the data loss *and* is a sizable
/// share of the starting loss (a small penalty always outweighs the data
/// loss of a model that has converged), or when it outweighed it at the
/// start and the run stalls (a strong penalty shrinks the weights to 0 and
/// then barely shows: the model just stops learning).
fn penalty_dominates(d: &mut Diagnosis) {
    let e = d.e;
    let t = e.trajectory;
    let uniform = t.uniform;
    let now = e.loss.filter(|p| p.dominates(uniform));
    let start = e.initial_penalty.filter(|&p| {
        let data = e.initial.map_or(f64::INFINITY, |i| i.measured);
        p > data && t.stalled()
    });
    let f = if let Some(parts) = now {
        match parts.findings(uniform).into_iter().next() {
            Some(f) => f,
            None => return,
        }
    } else if let Some(p) = start {
        let data = e.initial.map_or(f64::NAN, |i| i.measured);
        Finding::new(
            Severity::Warning,
            Problem::PenaltyDominates,
            checklist::LOSS_SCALES,
            "loss_breakdown",
            crate::tr!(
                "finding.penalty.start",
                penalty = num(p),
                times = num(p / data),
                data = num(data),
                progress = (t.progress() * 100.0).round()
            ),
        )
        .cause(crate::tr!("finding.penalty.start_cause"))
        .fix(crate::tr!("finding.penalty.fix"))
        .remedy(crate::engine::instruments::remedy::penalty_fix(p / data))
        .evidence(crate::tr!("finding.evidence.initial_penalty_ratio"), p / data)
        .evidence(crate::tr!("finding.evidence.progress"), t.progress())
    } else {
        return;
    };
    d.explain(&[
        Problem::LearningRateTooLow,
        Problem::LearningRateTooHigh,
        Problem::CannotOverfit,
        Problem::Oscillating,
    ]);
    d.push(f);
}
