//! Rules for bugs in the code, run first: a failed gradient check, an
//! update never applied (to the whole model or one frozen layer), a model
//! that evaluates differently from how it trains, stale BatchNorm
//! statistics, labels that disagree with their neighbours, a model that
//! cannot memorize a handful of points. A bug explains whatever training
//! then does.

use super::Diagnosis;
use crate::engine::instruments::eval_mode::EvalMode;
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::label_agreement::LabelAgreement;
use crate::engine::instruments::update_check::UpdateCheck;

pub(super) fn bugs(d: &mut Diagnosis) {
    let e = d.e;
    let mut found: Vec<Finding> = Vec::new();
    found.extend(e.gradient_check.iter().flat_map(|g| g.findings()));
    found.extend(e.update.iter().flat_map(UpdateCheck::findings));
    if let Some(stats) = &e.stats {
        found.extend(stats.frozen().into_iter().map(|t| {
            let sentence = crate::tr!(
                "finding.frozen.sentence",
                place = &t.label,
                steps = t.recent.len(),
                norm = num(t.recent_median(|s| s.grad_norm)),
            );
            Finding::new(Severity::Error, Problem::UpdateNotApplied, checklist::GRADIENT_FLOW, "layer_stats", sentence)
                .cause(crate::tr!("finding.frozen.cause"))
                .fix(crate::tr!("finding.frozen.fix"))
                .remedy(crate::engine::instruments::remedy::Remedy::RemoveBug)
                .evidence(crate::tr!("finding.evidence.gradient_norm"), t.recent_median(|s| s.grad_norm))
                .at(t.block.dense)
                .place(t.label.clone())
        }));
    }
    found.extend(e.eval_mode.iter().flat_map(EvalMode::findings));
    found.extend(e.shift.iter().flat_map(|s| s.findings()).filter(|f| f.problem == Problem::StaleBnStatistics));
    found.extend(e.labels.iter().flat_map(LabelAgreement::findings));
    let fit = e.overfit_without_dropout.or(e.overfit);
    found.extend(fit.iter().flat_map(|o| o.findings()).filter(|f| f.problem == Problem::LossStalls));
    for f in found {
        if f.problem == Problem::GradientCheckInconclusive {
            d.push(f);
        } else if !d.found(f.problem) {
            // A bug explains whatever training then does.
            d.explain(&[
                Problem::LearningRateTooHigh,
                Problem::Oscillating,
                Problem::LearningRateTooLow,
                Problem::NonFinite,
                Problem::CannotOverfit,
            ]);
            d.push(f);
        }
    }
}
