//! Rules for the learning rate, which need a symptom in the loss trajectory
//! as well as a measured cause: a divergence, a collapse (the loss rose, or
//! the output fell to a constant, or units were pushed into their tails or
//! killed), an oscillating loss, and a rate too low (a stall with tiny
//! updates that nothing else explains).

use super::names::{lr_text, rate, rounded};
use super::{describe, Diagnosis, DEAD, LOW_RATIO, OUTPUT_STUCK};
use crate::engine::instruments::block_label;
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::init_scale::InitScale;
use crate::engine::instruments::layer_stats::LayerStats;
use crate::engine::instruments::remedy::Remedy;

pub(super) fn learning_rate(d: &mut Diagnosis) {
    diverged(d);
    collapsed(d);
    oscillating(d);
    too_low(d);
}

fn diverged(d: &mut Diagnosis) {
    let Some(nf) = &d.e.non_finite else { return };
    if !d.open(Problem::LearningRateTooHigh) {
        return;
    }
    let f = Finding::new(
        Severity::Error,
        Problem::LearningRateTooHigh,
        checklist::LEARNING_RATE,
        "trajectory",
        crate::tr!("finding.lr.diverged", what = describe(nf, d.e.places)),
    )
    .cause(crate::tr!("finding.lr.diverged_cause", lr = lr_text(d.e.cfg)))
    .fix(crate::tr!("finding.lr.diverged_fix", rate = rate(d.e.cfg.lr / 10.0)))
    .remedy(Remedy::LearningRate(rounded(d.e.cfg.lr / 10.0)))
    .evidence(crate::tr!("finding.evidence.step"), nf.step as f64);
    d.explain(&[Problem::NonFinite, Problem::Oscillating, Problem::LearningRateTooLow, Problem::CannotOverfit]);
    d.push(f);
}

fn collapsed(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    let init_std = d.e.init.and_then(|i| i.blocks.last()).map_or(0.0, |b| b.act_std);
    let constant = t.collapsed(init_std) && (t.relapsed() || t.stalled());
    let init = d.e.init;
    let stuck_then = init.and_then(|i| i.output_stuck).unwrap_or(0.0);
    let stuck_now = t.points.last().and_then(|p| p.stuck).filter(|&s| s >= OUTPUT_STUCK && stuck_then < OUTPUT_STUCK);
    let dead_then = init.and_then(InitScale::most_dead).map_or(0.0, |(_, s)| s);
    let died = d.e.stats.and_then(LayerStats::most_dead).filter(|&(_, s)| s >= DEAD && dead_then < DEAD);
    let pushed = (stuck_now.is_some() || died.is_some()) && !t.converged();
    if !(t.rose() || t.worse_than_start() || constant || pushed) || !d.open(Problem::LearningRateTooHigh) {
        return;
    }
    let mut sentence = if let (Some(share), false) = (stuck_now, t.rose() || t.worse_than_start()) {
        crate::tr!(
            "finding.lr.stuck",
            share = (share * 100.0).round(),
            then = (stuck_then * 100.0).round(),
            now = num(t.now()),
            start = num(t.start)
        )
    } else if t.rose() || t.worse_than_start() {
        crate::tr!("finding.lr.rose", start = num(t.start), peak = num(t.peak()), now = num(t.now()))
    } else {
        crate::tr!(
            "finding.lr.constant",
            from = num(init_std),
            to = num(t.points.last().and_then(|p| p.out_std).unwrap_or(0.0)),
            best = num(t.best()),
            now = num(t.now())
        )
    };
    if let (Some((k, share)), Some(stats)) = (died, d.e.stats) {
        sentence.push_str(&crate::tr!(
            "finding.lr.died",
            share = (share * 100.0).round(),
            place = block_label(k, stats.layers.len()),
            then = (dead_then * 100.0).round()
        ));
    }
    let f =
        Finding::new(Severity::Error, Problem::LearningRateTooHigh, checklist::LEARNING_RATE, "trajectory", sentence)
            .cause(crate::tr!("finding.lr.collapsed_cause", lr = lr_text(d.e.cfg)))
            .fix(crate::tr!("finding.lr.collapsed_fix", rate = rate(d.e.cfg.lr / 10.0)))
            .remedy(Remedy::LearningRate(rounded(d.e.cfg.lr / 10.0)))
            .evidence(crate::tr!("finding.evidence.start_loss"), t.start)
            .evidence(crate::tr!("finding.evidence.peak_loss"), t.peak())
            .evidence(crate::tr!("finding.evidence.loss_now"), t.now());
    d.explain(&[
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::DeadUnits,
        Problem::Saturated,
        Problem::CannotOverfit,
        Problem::NonFinite,
    ]);
    d.push(f);
}

fn oscillating(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    if !t.oscillates() || !d.open(Problem::Oscillating) {
        return;
    }
    let intervals = t.points.len().saturating_sub(1);
    let lows_highs: Vec<f64> = t.points.iter().map(|p| p.loss).collect();
    let lo = lows_highs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = lows_highs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let f = Finding::new(
        Severity::Warning,
        Problem::Oscillating,
        checklist::LEARNING_RATE,
        "trajectory",
        crate::tr!(
            "finding.lr.oscillating",
            swings = t.swings(),
            intervals = intervals,
            steps = t.probe_steps(),
            lo = num(lo),
            hi = num(hi)
        ),
    )
    .cause(crate::tr!("finding.lr.oscillating_cause", lr = lr_text(d.e.cfg)))
    .fix(crate::tr!("finding.lr.oscillating_fix", rate = rate(d.e.cfg.lr / 3.0)))
    .remedy(Remedy::LearningRate(rounded(d.e.cfg.lr / 3.0)))
    .evidence(crate::tr!("finding.evidence.up_swings"), t.swings() as f64)
    .evidence(crate::tr!("finding.evidence.intervals"), intervals as f64);
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit]);
    d.push(f);
}

fn too_low(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    let Some(stats) = d.e.stats else { return };
    let ratio = stats.net_update_ratio();
    if !t.stalled() || !ratio.is_finite() || ratio >= LOW_RATIO || !d.open(Problem::LearningRateTooLow) {
        return;
    }
    let adaptive = d.e.cfg.optimizer.per_weight_eps().is_some();
    let factor = (1e-3 / ratio).clamp(3.0, 1000.0);
    let suggestion = d.e.cfg.lr * if adaptive { factor.min(100.0) } else { factor };
    let f = Finding::new(
        Severity::Warning,
        Problem::LearningRateTooLow,
        checklist::LEARNING_RATE,
        "trajectory",
        crate::tr!(
            "finding.lr.too_low",
            step = t.points.last().map_or(0, |p| p.step),
            now = num(t.now()),
            start = num(t.start),
            progress = (t.progress() * 100.0).round(),
            ratio = num(ratio)
        ),
    )
    .cause(crate::tr!("finding.lr.too_low_cause", lr = lr_text(d.e.cfg)))
    .fix(crate::tr!("finding.lr.too_low_fix", rate = rate(suggestion)))
    .remedy(Remedy::LearningRate(rounded(suggestion)))
    .evidence(crate::tr!("finding.evidence.update_ratio"), ratio)
    .evidence(crate::tr!("finding.evidence.progress"), t.progress());
    d.explain(&[Problem::CannotOverfit]);
    d.push(f);
}
