//! Rules for the learning rate, which need a symptom in the loss trajectory
//! as well as a measured cause: a divergence, a collapse (the loss rose, or
//! the output fell to a constant, or units were pushed into their tails or
//! killed), an oscillating loss, and a rate too low (a stall with tiny
//! updates that nothing else explains).

use super::names::{lr_text, rate};
use super::{describe, Diagnosis, DEAD, LOW_RATIO, OUTPUT_STUCK};
use crate::engine::instruments::block_label;
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::init_scale::InitScale;
use crate::engine::instruments::layer_stats::LayerStats;

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
        format!("Training diverged: {}.", describe(nf, d.e.places)),
    )
    .cause(format!("the steps of {} overshoot further every time until a value overflows", lr_text(d.e.cfg)))
    .fix(format!("lower the learning rate (try {}), or clip the gradient norm", rate(d.e.cfg.lr / 10.0)))
    .evidence("step", nf.step as f64);
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
        format!(
            "Training pushed the output unit into a flat tail on the wrong side for {}% of the examples (at the start: {}%); the loss is stuck at {} (it was {} at step 0).",
            (share * 100.0).round(),
            (stuck_then * 100.0).round(),
            num(t.now()),
            num(t.start)
        )
    } else if t.rose() || t.worse_than_start() {
        format!(
            "The loss rose from {} at step 0 to a peak of {} and is now {}: training made the model worse than it was untrained.",
            num(t.start),
            num(t.peak()),
            num(t.now())
        )
    } else {
        format!(
            "The model's output collapsed to a constant (its std over the training set fell from {} to {}): the loss came down to {} and went back up to {}.",
            num(init_std),
            num(t.points.last().and_then(|p| p.out_std).unwrap_or(0.0)),
            num(t.best()),
            num(t.now())
        )
    };
    if let (Some((k, share)), Some(stats)) = (died, d.e.stats) {
        sentence.push_str(&format!(
            " {}% of the ReLU units of {} have died on the way (at the start: {}%).",
            (share * 100.0).round(),
            block_label(k, stats.layers.len()),
            (dead_then * 100.0).round()
        ));
    }
    let f = Finding::new(Severity::Error, Problem::LearningRateTooHigh, checklist::LEARNING_RATE, "trajectory", sentence)
        .cause(format!(
            "the steps of {} are too large: they overshoot the valley, push units into their flat tails or kill them, and the updates then shrink to nothing (tiny updates here do not mean the rate is too low)",
            lr_text(d.e.cfg)
        ))
        .fix(format!("lower the learning rate (try {}) and start again from step 0", rate(d.e.cfg.lr / 10.0)))
        .evidence("start loss", t.start)
        .evidence("peak loss", t.peak())
        .evidence("loss now", t.now());
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
        format!(
            "The training loss jumps back up in {} of {} intervals over {} steps, between {} and {}, instead of settling.",
            t.swings(),
            intervals,
            t.probe_steps(),
            num(lo),
            num(hi)
        ),
    )
    .cause(format!("the steps of {} are too large for this valley: they jump across it instead of descending", lr_text(d.e.cfg)))
    .fix(format!(
        "lower the learning rate (try {}), raise the batch size, or decay the rate with a schedule",
        rate(d.e.cfg.lr / 3.0)
    ))
    .evidence("up-swings", t.swings() as f64)
    .evidence("intervals", intervals as f64);
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
        format!(
            "By step {} the loss is {} against {} at the start ({}% lower), and each step changes the weights by {} of their size, below the healthy ~1e-3.",
            t.points.last().map_or(0, |p| p.step),
            num(t.now()),
            num(t.start),
            (t.progress() * 100.0).round(),
            num(ratio)
        ),
    )
    .cause(format!("the steps of {} are too small to make progress", lr_text(d.e.cfg)))
    .fix(format!("raise the learning rate (try {})", rate(suggestion)))
    .evidence("update/weight ratio", ratio)
    .evidence("progress", t.progress());
    d.explain(&[Problem::CannotOverfit]);
    d.push(f);
}
