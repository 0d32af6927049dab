//! Rules for the scale of the initialization, measured at the initial
//! weights: signals or gradients that explode or vanish across the layers,
//! saturated tanh/sigmoid units, dead ReLU units, an initial loss far from
//! what a fresh model should score.

use super::names::init_name;
use super::{Diagnosis, DEAD, EXPLODE, EXPLODE_GRAD, OUTPUT_STUCK, SATURATED, SHRINK, VANISH};
use crate::engine::config::{Act, Config};
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::initial_loss::Verdict;

pub(super) fn initialization(d: &mut Diagnosis) {
    exploding(d);
    vanishing(d);
    saturated(d);
    dead_units(d);
    initial_loss(d);
}

fn init_fix(cfg: &Config) -> &'static str {
    let relu = cfg.hidden.iter().any(|l| matches!(l.act, Act::Relu | Act::LeakyRelu | Act::Elu | Act::Gelu));
    if relu {
        "use He initialization for ReLU-like units (Xavier for tanh/sigmoid), or add BatchNorm"
    } else {
        "use Xavier initialization for tanh/sigmoid units (He for ReLU), or add BatchNorm"
    }
}

fn exploding(d: &mut Diagnosis) {
    let Some(init) = d.e.init else { return };
    let forward = init.act_growth.filter(|g| *g >= EXPLODE);
    let backward = init.signal_ratio.filter(|g| *g >= EXPLODE_GRAD);
    if forward.is_none() && backward.is_none() {
        return;
    }
    let n = init.blocks.len();
    let (first, last) = (&init.blocks[0], &init.blocks[n - 2]);
    let sentence = match forward {
        Some(growth) => format!(
            "At initialization the activations grow {}× from {} to {} (std {} → {}), and the gradients with them.",
            num(growth),
            first.label,
            last.label,
            num(first.act_std),
            num(last.act_std)
        ),
        None => format!(
            "At initialization the error signal grows {}× on its way back from {} to {} (RMS of ∂L/∂z: {} → {}).",
            num(backward.unwrap_or(f64::NAN)),
            last.label,
            first.label,
            num(last.signal_rms),
            num(first.signal_rms)
        ),
    };
    let (label, growth) = match (forward, backward) {
        (Some(g), _) => ("activation growth", g),
        (None, g) => ("error-signal growth, backward", g.unwrap_or(f64::NAN)),
    };
    let f = Finding::new(Severity::Error, Problem::Exploding, checklist::GRADIENT_FLOW, "init_scale", sentence)
    .cause(format!(
        "the {} initialization is too large for this depth: every layer multiplies the signal (and the gradient on its way back) by more than 1",
        init_name(d.e.cfg.init)
    ))
    .fix(init_fix(d.e.cfg))
    .evidence(label, growth)
    .place(last.label.clone());
    d.explain(&[
        Problem::InitialLoss,
        Problem::NonFinite,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
        Problem::DeadUnits,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
    ]);
    d.push(f);
}

fn vanishing(d: &mut Diagnosis) {
    if !d.open(Problem::Vanishing) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let n = init.blocks.len();
    let shrink = init.act_growth.filter(|g| *g <= SHRINK);
    let grad = init.signal_ratio.filter(|g| *g <= VANISH);
    let f = if let Some(growth) = shrink {
        let (first, last) = (&init.blocks[0], &init.blocks[n - 2]);
        Finding::new(
            Severity::Warning,
            Problem::Vanishing,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the signal fades {}× from {} to {} (std {} → {}), and the gradients with it.",
                num(1.0 / growth),
                first.label,
                last.label,
                num(first.act_std),
                num(last.act_std)
            ),
        )
        .cause(format!(
            "the {} initialization is too small for this depth: every layer multiplies the signal by less than 1, so the output barely depends on the input and training sits on a plateau",
            init_name(d.e.cfg.init)
        ))
        .fix(init_fix(d.e.cfg))
        .evidence("activation growth", growth)
        .place(last.label.clone())
    } else if let Some(ratio) = grad {
        let squashing = d.e.cfg.hidden.iter().any(|l| matches!(l.act, Act::Sigmoid | Act::Tanh));
        let cause = if squashing {
            "every sigmoid/tanh layer multiplies the gradient by its slope (at most 0.25 for sigmoid, less in the tails), so the first layers barely learn"
        } else {
            "every layer shrinks the gradient on its way back, so the first layers barely learn"
        };
        Finding::new(
            Severity::Warning,
            Problem::Vanishing,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the error signal reaching {} is {}× the one reaching {} (RMS of ∂L/∂z: {} against {}).",
                init.blocks[0].label,
                num(ratio),
                init.blocks[n - 2].label,
                num(init.blocks[0].signal_rms),
                num(init.blocks[n - 2].signal_rms)
            ),
        )
        .cause(cause)
        .fix("use ReLU units with He initialization, or add BatchNorm; a higher learning rate does not fix this")
        .evidence("first/last hidden signal ratio", ratio)
        .place(init.blocks[0].label.clone())
    } else {
        return;
    };
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit, Problem::InitialLoss, Problem::Saturated]);
    d.push(f);
}

fn saturated(d: &mut Diagnosis) {
    if !d.open(Problem::Saturated) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let hidden = init.most_saturated().filter(|(_, s)| *s >= SATURATED);
    let stuck = init.output_stuck.filter(|s| *s >= OUTPUT_STUCK);
    let f = if let Some((b, share)) = hidden {
        Finding::new(
            Severity::Warning,
            Problem::Saturated,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization {}% of the outputs of {} sit in the flat tails of {} (|a| > 0.99), where almost no gradient passes.",
                (share * 100.0).round(),
                b.label,
                b.act.clone().unwrap_or_default()
            ),
        )
        .evidence("saturated share", share)
        .at(b.layer)
        .place(b.label.clone())
    } else if let Some(share) = stuck {
        Finding::new(
            Severity::Warning,
            Problem::Saturated,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the output unit sits in a flat tail on the wrong side of its target for {}% of the examples.",
                (share * 100.0).round()
            ),
        )
        .evidence("stuck output share", share)
        .place("output")
    } else {
        return;
    };
    let f = f
        .cause(format!(
            "the pre-activations are too large: the {} initialization is too wide for the layer's fan-in",
            init_name(d.e.cfg.init)
        ))
        .fix(init_fix(d.e.cfg));
    d.explain(&[Problem::InitialLoss, Problem::LearningRateTooLow, Problem::Oscillating, Problem::CannotOverfit]);
    d.push(f);
}

fn dead_units(d: &mut Diagnosis) {
    if !d.open(Problem::DeadUnits) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let Some((b, share)) = init.most_dead().filter(|(_, s)| *s >= DEAD) else { return };
    let severity = if share >= 1.0 { Severity::Error } else { Severity::Warning };
    let bias = d.e.cfg.bias_init;
    let cause = if bias < 0.0 {
        format!("every bias starts at {}: a ReLU whose input w·x + b is negative for every example outputs 0 and gets no gradient, so it never recovers", num(bias))
    } else {
        "their weights point away from every example: a ReLU whose input is negative for every example outputs 0 and gets no gradient, so it never recovers".to_string()
    };
    let f = Finding::new(
        Severity::Warning,
        Problem::DeadUnits,
        checklist::DEAD_RELU,
        "init_scale",
        format!(
            "At initialization {}% of the ReLU units of {} output 0 for every training example (dead).",
            (share * 100.0).round(),
            b.label
        ),
    )
    .severity(severity)
    .cause(cause)
    .fix("start biases at 0 (or a small positive value) with He initialization; leaky ReLU never dies completely")
    .evidence("dead share", share)
    .at(b.layer)
    .place(b.label.clone());
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit, Problem::InitialLoss]);
    d.push(f);
}

fn initial_loss(d: &mut Diagnosis) {
    if !d.open(Problem::InitialLoss) {
        return;
    }
    let Some(initial) = d.e.initial else { return };
    if initial.verdict == Verdict::Ok {
        return;
    }
    d.out.extend(initial.findings());
    // Too-large initial weights also make every update small next to them.
    d.explain(&[Problem::CannotOverfit, Problem::LearningRateTooLow]);
}
