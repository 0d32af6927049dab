//! Rules for the scale of the initialization, measured at the initial
//! weights: signals or gradients that explode or vanish across the layers,
//! saturated tanh/sigmoid units, dead ReLU units, an initial loss far from
//! what a fresh model should score.

use super::names::init_name;
use super::{Diagnosis, DEAD, EXPLODE, EXPLODE_GRAD, OUTPUT_STUCK, SATURATED, SHRINK, VANISH};
use crate::engine::config::{Act, Config};
use crate::engine::instruments::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::instruments::initial_loss::Verdict;
use crate::engine::instruments::remedy::{suited_init, Remedy};

pub(super) fn initialization(d: &mut Diagnosis) {
    exploding(d);
    vanishing(d);
    saturated(d);
    dead_units(d);
    initial_loss(d);
}

fn init_fix(cfg: &Config) -> String {
    let relu = cfg.hidden.iter().any(|l| matches!(l.act, Act::Relu | Act::LeakyRelu | Act::Elu | Act::Gelu));
    if relu {
        crate::tr!("finding.init_fix.relu")
    } else {
        crate::tr!("finding.init_fix.other")
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
        Some(growth) => crate::tr!(
            "finding.exploding.forward",
            growth = num(growth),
            first = &first.label,
            last = &last.label,
            from = num(first.act_std),
            to = num(last.act_std)
        ),
        None => crate::tr!(
            "finding.exploding.backward",
            growth = num(backward.unwrap_or(f64::NAN)),
            last = &last.label,
            first = &first.label,
            from = num(last.signal_rms),
            to = num(first.signal_rms)
        ),
    };
    let (label, growth) = match (forward, backward) {
        (Some(g), _) => (crate::tr!("finding.evidence.activation_growth"), g),
        (None, g) => (crate::tr!("finding.evidence.signal_growth"), g.unwrap_or(f64::NAN)),
    };
    let f = Finding::new(Severity::Error, Problem::Exploding, checklist::GRADIENT_FLOW, "init_scale", sentence)
        .cause(crate::tr!("finding.exploding.cause", init = init_name(d.e.cfg.init)))
        .fix(init_fix(d.e.cfg))
        .remedy(Remedy::Initializer(suited_init(d.e.cfg)))
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
            crate::tr!(
                "finding.vanishing.forward",
                fade = num(1.0 / growth),
                first = &first.label,
                last = &last.label,
                from = num(first.act_std),
                to = num(last.act_std)
            ),
        )
        .cause(crate::tr!("finding.vanishing.forward_cause", init = init_name(d.e.cfg.init)))
        .fix(init_fix(d.e.cfg))
        .remedy(Remedy::Initializer(suited_init(d.e.cfg)))
        .evidence(crate::tr!("finding.evidence.activation_growth"), growth)
        .place(last.label.clone())
    } else if let Some(ratio) = grad {
        let squashing = d.e.cfg.hidden.iter().any(|l| matches!(l.act, Act::Sigmoid | Act::Tanh));
        let cause = if squashing {
            crate::tr!("finding.vanishing.squashing_cause")
        } else {
            crate::tr!("finding.vanishing.cause")
        };
        Finding::new(
            Severity::Warning,
            Problem::Vanishing,
            checklist::GRADIENT_FLOW,
            "init_scale",
            crate::tr!(
                "finding.vanishing.backward",
                first = &init.blocks[0].label,
                ratio = num(ratio),
                last = &init.blocks[n - 2].label,
                from = num(init.blocks[0].signal_rms),
                to = num(init.blocks[n - 2].signal_rms)
            ),
        )
        .cause(cause)
        .fix(crate::tr!("finding.vanishing.fix"))
        .remedy(Remedy::ReluHe)
        .evidence(crate::tr!("finding.evidence.signal_ratio"), ratio)
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
            crate::tr!(
                "finding.saturated.hidden",
                share = (share * 100.0).round(),
                place = &b.label,
                act = b.act.clone().unwrap_or_default()
            ),
        )
        .evidence(crate::tr!("finding.evidence.saturated_share"), share)
        .at(b.layer)
        .place(b.label.clone())
    } else if let Some(share) = stuck {
        Finding::new(
            Severity::Warning,
            Problem::Saturated,
            checklist::GRADIENT_FLOW,
            "init_scale",
            crate::tr!("finding.saturated.output", share = (share * 100.0).round()),
        )
        .evidence(crate::tr!("finding.evidence.stuck_share"), share)
        .place(crate::tr!("inst.place.output"))
    } else {
        return;
    };
    let f = f
        .cause(crate::tr!("finding.saturated.cause", init = init_name(d.e.cfg.init)))
        .fix(init_fix(d.e.cfg))
        .remedy(Remedy::Initializer(suited_init(d.e.cfg)));
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
        crate::tr!("finding.dead.bias_cause", bias = num(bias))
    } else {
        crate::tr!("finding.dead.cause")
    };
    let f = Finding::new(
        Severity::Warning,
        Problem::DeadUnits,
        checklist::DEAD_RELU,
        "init_scale",
        crate::tr!("finding.dead.sentence", share = (share * 100.0).round(), place = &b.label),
    )
    .severity(severity)
    .cause(cause)
    .fix(crate::tr!("finding.dead.fix"))
    .remedy(Remedy::ZeroBiasesHe)
    .evidence(crate::tr!("finding.evidence.dead_share"), share)
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
    let remedy = Remedy::Initializer(suited_init(d.e.cfg));
    d.out.extend(initial.findings().into_iter().map(|f| f.remedy(remedy)));
    // Too-large initial weights also make every update small next to them.
    d.explain(&[Problem::CannotOverfit, Problem::LearningRateTooLow]);
}
