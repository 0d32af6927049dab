//! Answering a lesson's question ([`crate::engine::learn`]) from the live
//! state: the trainer as it is now (measured on copies, so a check never
//! changes the run) and the results of the checks the learner ran.
//!
//! Each probe gives one number; a lesson's choices are intervals of it. A
//! probe that needs a check the learner has to run (the gradient check, the
//! tiny-batch overfit) says so instead of running it behind their back: the
//! lesson is about pressing that button. "Check my answer" measures the
//! probe and says whether the chosen answer covers the measurement; the
//! reply names the measured value, so the learner sees what the answer
//! rests on, and the same question asked after the fix gets a different
//! answer: the check reads the state, not a stored key.

use crate::engine::bug_lab::{self, Bug};
use crate::engine::format::num;
use crate::engine::learn::{Lesson, Probe};
use crate::engine::trainer::{StepOutcome, Trainer};

use super::gradient_check::GradientCheck;
use super::overfit::Overfit;
use super::{init_scale, initial_loss, loss_breakdown, readouts, variance_shift, Live};

/// What a probe reads: the trainer and the checks run on its current state.
#[derive(Clone, Copy)]
pub struct State<'a> {
    /// The page's trainer, as it is now.
    pub trainer: &'a Trainer,
    /// The last gradient check, if it was run at the trainer's current step.
    pub gradient_check: Option<&'a GradientCheck>,
    /// The last tiny-batch overfit check, if run at the current step.
    pub overfit: Option<&'a Overfit>,
}

impl<'a> State<'a> {
    /// The state of `trainer` with no check run.
    pub fn of(trainer: &'a Trainer) -> Self {
        Self { trainer, gradient_check: None, overfit: None }
    }
}

/// Value of [`Probe::LossRatio`] once the run diverged.
pub const DIVERGED: f64 = 1e9;
/// Mini-batch losses [`Probe::BatchNoise`] looks back over.
pub const NOISE_WINDOW: usize = 50;
/// Steps a copy trains for [`Probe::UpdateRatio`].
pub const UPDATE_STEPS: u64 = 5;

/// Measures `probe` on the state; `Err` says what the learner has to do first.
pub fn measure(probe: Probe, s: &State) -> Result<f64, String> {
    let t = s.trainer;
    match probe {
        Probe::InitialLoss => Ok(initial_loss::check(t).measured),
        Probe::LossRatio => Ok(loss_ratio(t)),
        Probe::TrainAccuracy => {
            let acc = t.clone().evaluate().train_acc;
            acc.ok_or_else(|| crate::tr!("inst.lesson.regression"))
        }
        Probe::GradientRatio => gradient_ratio(t),
        Probe::SignalRatio => init_scale::measure(t)
            .signal_ratio
            .filter(|r| r.is_finite())
            .ok_or_else(|| crate::tr!("inst.lesson.two_hidden")),
        Probe::DeadShare => init_scale::measure(t)
            .blocks
            .iter()
            .filter_map(|b| b.dead)
            .max_by(f64::total_cmp)
            .ok_or_else(|| crate::tr!("inst.lesson.no_relu")),
        Probe::UpdateRatio => update_ratio(t),
        Probe::PenaltyRatio => Ok(penalty_ratio(t)),
        Probe::VarianceShift => readouts::worst_shift(&variance_shift::measure(t))
            .map(|(r, _)| r)
            .ok_or_else(|| crate::tr!("inst.lesson.no_bn")),
        Probe::GradientError => {
            s.gradient_check.map(worst_error).ok_or_else(|| crate::tr!("inst.lesson.press_gradients"))
        }
        Probe::OverfitAccuracy => {
            s.overfit.and_then(|o| o.train_acc).ok_or_else(|| crate::tr!("inst.lesson.press_overfit"))
        }
        Probe::BatchNoise => batch_noise(t),
        Probe::PlantedBug => {
            Ok(bug_lab::planted(t).and_then(|b| Bug::ALL.iter().position(|&x| x == b)).map_or(-1.0, |i| i as f64))
        }
    }
}

/// The outcome of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The measured value.
    pub value: f64,
    /// The choice that covers it (None when no choice does).
    pub right: Option<usize>,
    /// Whether the learner's choice is right.
    pub correct: bool,
    /// The reply to show.
    pub message: String,
}

/// Checks `chosen` (a choice index) against the lesson's probe on `state`;
/// `Err` says what the learner has to do first.
pub fn check(lesson: &Lesson, chosen: usize, state: &State) -> Result<Answer, String> {
    let value = measure(lesson.probe, state)?;
    let right = lesson.choice.iter().position(|c| c.covers(value));
    let correct = right == Some(chosen);
    let measured = crate::tr!("inst.lesson.measured", value = num(value));
    let message = match (correct, right) {
        (true, _) => crate::tr!("inst.lesson.right", measured = measured, explain = &lesson.explain),
        (false, Some(r)) => crate::tr!("inst.lesson.not_quite", measured = measured, choice = &lesson.choice[r].label),
        (false, None) => crate::tr!("inst.lesson.changed", measured = measured),
    };
    Ok(Answer { value, right, correct, message })
}

fn loss_ratio(t: &Trainer) -> f64 {
    if t.diverged().is_some() {
        return DIVERGED;
    }
    let now = t.clone().evaluate().train_loss;
    let start = initial_loss::check(t).measured;
    if !now.is_finite() {
        DIVERGED
    } else {
        now / start
    }
}

fn gradient_ratio(t: &Trainer) -> Result<f64, String> {
    let scale = init_scale::measure(t);
    // The last block is the output layer; the hidden ones come before it.
    let hidden = &scale.blocks[..scale.blocks.len().saturating_sub(1)];
    match hidden {
        [first, .., last] if last.grad_rms > 0.0 => Ok(first.grad_rms / last.grad_rms),
        [_, .., _] => Err(crate::tr!("inst.lesson.no_gradient")),
        _ => Err(crate::tr!("inst.lesson.two_hidden")),
    }
}

fn update_ratio(t: &Trainer) -> Result<f64, String> {
    let mut copy = t.clone();
    let mut live = Live::attach(&mut copy);
    for _ in 0..UPDATE_STEPS {
        if matches!(copy.step(), StepOutcome::Diverged(_)) {
            return Err(crate::tr!("inst.lesson.diverges"));
        }
        live.observe(&copy);
    }
    Ok(live.layers.net_update_ratio())
}

fn penalty_ratio(t: &Trainer) -> f64 {
    if t.step_count() > 0 {
        return loss_breakdown::parts(t).ratio;
    }
    let mut copy = t.clone();
    copy.step();
    loss_breakdown::parts(&copy).ratio
}

fn worst_error(check: &GradientCheck) -> f64 {
    check.tensors.iter().filter(|r| !r.zero_by_design).map(|r| r.max_rel).fold(0.0, f64::max)
}

fn batch_noise(t: &Trainer) -> Result<f64, String> {
    let points = t.history.batch_loss.points();
    let recent = &points[points.len().saturating_sub(NOISE_WINDOW)..];
    if recent.len() < 10 {
        return Err(crate::tr!("inst.lesson.train_first"));
    }
    let mean = recent.iter().map(|p| p.1).sum::<f64>() / recent.len() as f64;
    let jumps = recent.windows(2).map(|w| (w[1].1 - w[0].1).abs()).sum::<f64>() / (recent.len() - 1) as f64;
    Ok(if mean > 0.0 { jumps / mean } else { 0.0 })
}
