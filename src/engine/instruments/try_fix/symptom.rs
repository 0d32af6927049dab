//! The symptom's own measurement, read from a doctor's report whether or
//! not the finding is raised, so "try the fix" can put the number before
//! and after side by side: the activation growth for an exploding
//! initialization, the dead share for dead units, the penalty over the
//! data loss for a dominating penalty, and so on. A problem without a
//! measurement of its own is measured by what it costs: the share of the
//! loss training removed.

use crate::engine::config::Config;
use crate::engine::instruments::doctor::Report;
use crate::engine::instruments::finding::Problem;

/// The measurement of `problem` in `report` (of an experiment `cfg`).
pub fn symptom(problem: Problem, report: &Report, cfg: &Config) -> Option<f64> {
    let init = &report.init_scale;
    let finite = |v: f64| v.is_finite().then_some(v);
    match problem {
        Problem::Exploding => init.act_growth.or(init.signal_ratio),
        Problem::Vanishing => init.signal_ratio.or(init.act_growth),
        Problem::Saturated => init.most_saturated().map(|(_, s)| s).or(init.output_stuck),
        Problem::DeadUnits => dead_share(report),
        Problem::InitialLoss => finite(report.initial_loss.label_free / report.initial_loss.uniform),
        Problem::UnnormalizedInputs => {
            report.input_scale.columns.iter().map(|c| c.std.max(c.mean.abs())).reduce(f64::max)
        }
        Problem::SymmetricInit => report.symmetry.iter().map(|s| s.spread).reduce(f64::min),
        Problem::BnSmallBatch => Some(cfg.batch_size as f64),
        Problem::VarianceShift => report.variance_shift.layers.iter().map(|l| l.mean_ratio).reduce(f64::max),
        Problem::Oscillating => Some(report.trajectory.swings() as f64),
        Problem::WrongGradient => finite(report.gradient_check.max_rel),
        _ => finite(report.trajectory.progress()),
    }
}

/// The largest share of dead units in a hidden block after the probe.
fn dead_share(report: &Report) -> Option<f64> {
    report.layers.iter().filter_map(|b| b.last.as_ref().and_then(|s| s.dead)).reduce(f64::max)
}

/// What [`symptom`] measures for `problem`, in words.
pub fn label(problem: Problem) -> String {
    let key = match problem {
        Problem::Exploding => "tryfix.symptom.growth",
        Problem::Vanishing => "tryfix.symptom.signal_ratio",
        Problem::Saturated => "tryfix.symptom.saturated",
        Problem::DeadUnits => "tryfix.symptom.dead",
        Problem::InitialLoss => "tryfix.symptom.initial_loss",
        Problem::UnnormalizedInputs => "tryfix.symptom.input_scale",
        Problem::SymmetricInit => "tryfix.symptom.spread",
        Problem::BnSmallBatch => "tryfix.symptom.batch",
        Problem::VarianceShift => "tryfix.symptom.shift",
        Problem::Oscillating => "tryfix.symptom.swings",
        Problem::WrongGradient => "tryfix.symptom.gradient_error",
        _ => "tryfix.symptom.progress",
    };
    crate::engine::i18n::text(key).to_string()
}
