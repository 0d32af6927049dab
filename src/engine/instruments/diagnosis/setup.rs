//! Rules for mistakes in the setup, which fire on a measured property of
//! the experiment whatever happens in training: a loss that does not fit
//! the task, symmetric units, unnormalized inputs, dropout above
//! [`MAX_DROPOUT`](super::MAX_DROPOUT), BatchNorm on fewer than
//! [`MIN_BN_BATCH`](super::MIN_BN_BATCH) examples.

use super::names::init_name;
use super::{Diagnosis, DROPOUT_HOLDS_BACK, FIXED_DROPOUT, MAX_DROPOUT, MIN_BN_BATCH, OUT_OF_RANGE, STALLED};
use crate::engine::config::{LossKind, OutputAct};
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::remedy::{suited_init, Remedy};
use crate::engine::trainer::Task;

pub(super) fn setup(d: &mut Diagnosis) {
    loss_mismatch(d);
    symmetric_init(d);
    unnormalized_inputs(d);
    dropout_too_high(d);
    bn_small_batch(d);
}

fn loss_mismatch(d: &mut Diagnosis) {
    let e = d.e;
    let cfg = e.cfg;
    let f = match (e.task, cfg.loss) {
        (Some(Task::Classes(c)), LossKind::Mse) => Finding::new(
            Severity::Warning,
            Problem::LossMismatch,
            checklist::LOSS_FITS_TASK,
            "setup",
            crate::tr!("finding.loss_mismatch.classes", c = c),
        )
        .cause(crate::tr!("finding.loss_mismatch.classes_cause"))
        .fix(crate::tr!("finding.loss_mismatch.classes_fix", link = "loss = softmax"))
        .remedy(Remedy::SoftmaxLoss)
        .evidence(crate::tr!("finding.evidence.classes"), c as f64),
        (Some(Task::Regression), LossKind::Mse) if cfg.output_act != OutputAct::Linear => {
            let t = e.regression_targets;
            let (a, b) = if cfg.output_act == OutputAct::Sigmoid { (0.0, 1.0) } else { (-1.0, 1.0) };
            let share = t.iter().filter(|&&v| v <= a || v >= b).count() as f64 / t.len().max(1) as f64;
            let lo = t.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if share < OUT_OF_RANGE {
                return;
            }
            Finding::new(
                Severity::Warning,
                Problem::LossMismatch,
                checklist::LOSS_FITS_TASK,
                "setup",
                crate::tr!(
                    "finding.loss_mismatch.range",
                    lo = num(lo),
                    hi = num(hi),
                    act = crate::engine::config::Named::name(cfg.output_act),
                    a = a,
                    b = b,
                    share = (share * 100.0).round()
                ),
            )
            .cause(crate::tr!("finding.loss_mismatch.range_cause"))
            .fix(crate::tr!("finding.loss_mismatch.range_fix", link = "out = linear"))
            .remedy(Remedy::LinearOutput)
            .evidence(crate::tr!("finding.evidence.targets_outside"), share)
        }
        _ => return,
    };
    d.explain(&[Problem::InitialLoss, Problem::CannotOverfit, Problem::Saturated]);
    d.push(f);
}

fn symmetric_init(d: &mut Diagnosis) {
    let Some(s) = d.e.symmetry.iter().find(|s| s.symmetric()) else { return };
    let steps = d.e.trajectory.points.last().map_or(0, |p| p.step);
    let f = Finding::new(
        Severity::Error,
        Problem::SymmetricInit,
        checklist::GRADIENT_FLOW,
        "symmetry",
        crate::tr!("finding.symmetric.sentence", width = s.width, place = &s.label, step = steps),
    )
    .cause(crate::tr!("finding.symmetric.cause", init = init_name(d.e.cfg.init)))
    .fix(crate::tr!("finding.symmetric.fix"))
    .remedy(Remedy::Initializer(suited_init(d.e.cfg)))
    .evidence(crate::tr!("finding.evidence.unit_spread"), s.spread)
    .at(s.layer)
    .place(s.label.clone());
    d.explain(&[
        Problem::DeadUnits,
        Problem::Vanishing,
        Problem::Saturated,
        Problem::InitialLoss,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
    ]);
    d.push(f);
}

fn unnormalized_inputs(d: &mut Diagnosis) {
    let Some(f) = d.e.inputs.iter().flat_map(|i| i.findings()).next() else { return };
    d.explain(&[Problem::InitialLoss, Problem::Saturated]);
    d.push(f);
}

fn dropout_too_high(d: &mut Diagnosis) {
    let e = d.e;
    let bs = e.cfg.hidden.iter().enumerate().filter(|(_, l)| l.dropout > 0.0);
    let Some((k, worst)) = bs.max_by(|a, b| a.1.dropout.total_cmp(&b.1.dropout)) else { return };
    let p = worst.dropout;
    let place = crate::tr!("inst.place.hidden", k = k + 1);
    let blocked = match (e.overfit, e.overfit_without_dropout) {
        (Some(with), Some(without)) => !with.passed && without.passed,
        _ => false,
    };
    let t = e.trajectory;
    let with = t.probe_progress();
    let stalls = e.dropout_free_progress.filter(|&free| {
        free >= STALLED && free >= DROPOUT_HOLDS_BACK * with.max(0.0) && (p >= MAX_DROPOUT || t.stalled())
    });
    if p <= MAX_DROPOUT && !blocked && stalls.is_none() {
        return;
    }
    if p < MAX_DROPOUT && !blocked && !t.stalled() {
        return;
    }
    let sentence = if blocked {
        let with = e.overfit.map_or(f64::NAN, |o| o.loss);
        crate::tr!("finding.dropout.blocked", p = p, place = &place, loss = num(with))
    } else if let Some(free) = stalls {
        crate::tr!(
            "finding.dropout.stalls",
            p = p,
            place = &place,
            with = (t.probe_progress() * 100.0).round(),
            steps = t.probe_steps(),
            without = (free * 100.0).round()
        )
    } else {
        crate::tr!("finding.dropout.drops", share = (p * 100.0).round(), place = &place)
    };
    let f = Finding::new(Severity::Warning, Problem::DropoutTooHigh, checklist::DROPOUT, "setup", sentence)
        .cause(crate::tr!("finding.dropout.cause"))
        .fix(crate::tr!("finding.dropout.fix"))
        .remedy(Remedy::DropoutAtMost(FIXED_DROPOUT))
        .evidence(crate::tr!("finding.evidence.largest_dropout"), p)
        .place(place);
    d.explain(&[
        Problem::CannotOverfit,
        Problem::LearningRateTooLow,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
    ]);
    d.push(f);
}

fn bn_small_batch(d: &mut Diagnosis) {
    let cfg = d.e.cfg;
    let Some(k) = cfg.hidden.iter().position(|l| l.batch_norm) else { return };
    let bs = cfg.batch_size;
    if bs >= MIN_BN_BATCH {
        return;
    }
    let place = crate::tr!("inst.place.hidden", k = k + 1);
    let (sentence, cause) = if bs == 1 {
        (
            crate::tr!("finding.bn_small_batch.one", place = place, bs = bs),
            crate::tr!("finding.bn_small_batch.cause_one", bs = bs),
        )
    } else {
        (
            crate::tr!("finding.bn_small_batch.many", place = place, bs = bs),
            crate::tr!("finding.bn_small_batch.cause_many", bs = bs),
        )
    };
    let f = Finding::new(Severity::Warning, Problem::BnSmallBatch, checklist::BATCH_NORM, "setup", sentence)
        .cause(cause)
        .fix(crate::tr!("finding.bn_small_batch.fix", min = MIN_BN_BATCH))
        .remedy(Remedy::BatchAtLeast(MIN_BN_BATCH))
        .evidence(crate::tr!("finding.evidence.batch_size"), bs as f64);
    d.explain(&[
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
        Problem::LearningRateTooHigh,
    ]);
    d.push(f);
}
