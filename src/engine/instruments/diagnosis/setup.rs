//! Rules for mistakes in the setup, which fire on a measured property of
//! the experiment whatever happens in training: a loss that does not fit
//! the task, symmetric units, unnormalized inputs, dropout above
//! [`MAX_DROPOUT`](super::MAX_DROPOUT), BatchNorm on fewer than
//! [`MIN_BN_BATCH`](super::MIN_BN_BATCH) examples.

use super::names::{init_name, plural};
use super::{Diagnosis, DROPOUT_HOLDS_BACK, MAX_DROPOUT, MIN_BN_BATCH, OUT_OF_RANGE, STALLED};
use crate::engine::config::{LossKind, OutputAct};
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
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
            format!("The loss is MSE on a {c}-class task, with {} outputs.", c),
        )
        .cause("MSE pushes each class's output toward its target on its own: the outputs are no probabilities, a confidently wrong class barely moves under a squashing output, and the loss does not start at ln C")
        .fix("use softmax cross-entropy (loss = softmax) for more than two classes")
        .evidence("classes", c as f64),
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
                format!(
                    "The targets span {} to {}, but a {} output can only produce values in ({a}, {b}): {}% of the targets lie outside.",
                    num(lo),
                    num(hi),
                    crate::engine::config::Named::name(cfg.output_act),
                    (share * 100.0).round()
                ),
            )
            .cause("the output activation does not suit the targets: the model cannot reach them and pushes its output into the flat tail trying")
            .fix("use a linear output for regression (out = linear)")
            .evidence("targets outside the output range", share)
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
        format!(
            "All {} units of {} have identical weights and bias at step {}: the layer computes one value {} times.",
            s.width, s.label, steps, s.width
        ),
    )
    .cause(format!(
        "the {} initialization gives every unit the same weights, so every unit gets the same gradient and they stay copies forever",
        init_name(d.e.cfg.init)
    ))
    .fix("initialize the weights randomly: Xavier for tanh/sigmoid, He for ReLU")
    .evidence("relative spread between units", s.spread)
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
    let place = format!("hidden {}", k + 1);
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
        format!(
            "With dropout (up to p = {p} in {place}) the model cannot memorize a handful of points (loss {}); without it, it can.",
            num(with)
        )
    } else if let Some(free) = stalls {
        format!(
            "With dropout (up to p = {p} in {place}) the loss fell {}% over {} steps; the same steps without dropout take {}% off.",
            (t.probe_progress() * 100.0).round(),
            t.probe_steps(),
            (free * 100.0).round()
        )
    } else {
        format!("Dropout drops {}% of the units of {place} in every training step.", (p * 100.0).round())
    };
    let f = Finding::new(Severity::Warning, Problem::DropoutTooHigh, checklist::DROPOUT, "setup", sentence)
        .cause("so much dropout leaves too few units per step to fit the data: the network underfits, and training is noisy")
        .fix("lower dropout to 0.1–0.3 (and put it after the last BatchNorm), or widen the layer")
        .evidence("largest dropout p", p)
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
    let f = Finding::new(
        Severity::Warning,
        Problem::BnSmallBatch,
        checklist::BATCH_NORM,
        "setup",
        format!("BatchNorm (first in hidden {}) normalizes over mini-batches of {bs} {}.", k + 1, plural(bs, "example")),
    )
    .cause(format!(
        "with {bs} {} the batch mean and variance are too noisy to stand for the data (with 1 example every output is β, with 2 every output is ±γ): training sees a different network than evaluation",
        plural(bs, "example")
    ))
    .fix(format!("raise the batch size to {MIN_BN_BATCH} or more, or remove BatchNorm for tiny batches"))
    .evidence("batch size", bs as f64);
    d.explain(&[
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
        Problem::LearningRateTooHigh,
    ]);
    d.push(f);
}
