//! "Try the fix" (AutoTrainer's repair, checked): a finding's
//! [`Remedy`] applied to the experiment, and the current and the fixed
//! experiment trained side by side from step 0, the same seed, so the
//! same data and (unless the fix changes the batch size) the same batches,
//! for [`steps_for`] steps. Then the doctor examines both, and the report
//! says whether the fix helped: the symptom's own measurement
//! ([`symptom`]), whether the problem is still named, the loss and the
//! accuracy, before and after. Both runs come back as run records, to be
//! saved in the history.
//!
//! Runs in the checks' worker (it trains two copies and runs the doctor
//! twice); the trainer it is given is never changed.

mod symptom;
#[cfg(test)]
mod tests;

pub use symptom::symptom;

use super::doctor::{examine_with, DoctorOptions};
use super::finding::{num, Problem};
use super::remedy::{changed_pairs, Remedy};
use crate::engine::link::{self as codec, Link};
use crate::engine::progress::Progress;
use crate::engine::runs::recorder::Recorder;
use crate::engine::runs::RunRecord;
use crate::engine::trainer::{StepOutcome, Trainer};
use serde::{Deserialize, Serialize};

/// Fewest steps each side trains (the doctor's probe length).
pub const MIN_STEPS: u64 = 300;
/// Most steps each side trains.
pub const MAX_STEPS: u64 = 3_000;
/// Evaluations of each side over its run (its loss curve's points).
pub const EVALS: u64 = 20;

/// Steps each side trains, for a trainer at step `step`: as far as the
/// run has gone (where the finding was seen), within
/// [`MIN_STEPS`]..=[`MAX_STEPS`].
pub fn steps_for(step: u64) -> u64 {
    step.clamp(MIN_STEPS, MAX_STEPS)
}

/// One side of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// Its link (whole experiment, bug included).
    pub link: String,
    /// Steps trained (fewer than asked when it diverged).
    pub steps: u64,
    /// Training stopped on a non-finite value.
    pub diverged: bool,
    /// Training loss and accuracy, test loss and accuracy, at the end.
    pub train_loss: f64,
    /// Test loss at the end.
    pub test_loss: f64,
    /// Training accuracy (classification).
    pub train_acc: Option<f64>,
    /// Test accuracy (classification).
    pub test_acc: Option<f64>,
    /// Training loss at each evaluation: (step, loss).
    pub curve: Vec<(u64, f64)>,
    /// The problems the doctor raises at the end (warnings and errors).
    pub alarms: Vec<Problem>,
    /// The symptom's measurement at the end (see [`symptom`]).
    pub symptom: Option<f64>,
    /// The run, as the history stores it (without its time and browser).
    pub record: RunRecord,
}

impl Side {
    /// Whether the doctor still names `problem`.
    pub fn names(&self, problem: Problem) -> bool {
        self.alarms.contains(&problem)
    }
}

/// What "better" means: a lower training loss, or, when the fix changes
/// the loss function itself (losses on two scales cannot be compared), a
/// higher training accuracy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Yardstick {
    /// The training loss.
    Loss,
    /// The training accuracy.
    Accuracy,
}

impl Yardstick {
    /// The yardstick for `remedy`.
    pub fn of(remedy: Remedy) -> Self {
        if remedy == Remedy::SoftmaxLoss {
            Yardstick::Accuracy
        } else {
            Yardstick::Loss
        }
    }

    /// Whether `fixed` did better than `current` by this yardstick.
    pub fn better(self, current: &Side, fixed: &Side) -> bool {
        match self {
            Yardstick::Loss => {
                fixed.train_loss.is_finite()
                    && (fixed.train_loss < current.train_loss || !current.train_loss.is_finite())
            }
            Yardstick::Accuracy => match (current.train_acc, fixed.train_acc) {
                (Some(c), Some(f)) => f > c,
                _ => false,
            },
        }
    }

    /// Both sides' figures, as the sentence writes them.
    fn figures(self, current: &Side, fixed: &Side) -> (String, String) {
        match self {
            Yardstick::Loss => (num(current.train_loss), num(fixed.train_loss)),
            Yardstick::Accuracy => (percent(current.train_acc), percent(fixed.train_acc)),
        }
    }
}

/// An accuracy as the comparison writes it (`93.5 %`, or `–` for none).
pub fn percent(a: Option<f64>) -> String {
    a.map_or_else(|| "–".to_string(), |a| format!("{:.1} %", a * 100.0))
}

/// Did the fix help?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The problem is gone, no other appeared, and the run did better (by
    /// its [`Yardstick`]).
    Helped,
    /// The problem is gone, but the run did not do better, or another
    /// problem appeared.
    Partly,
    /// The problem is still named.
    NotHelped,
}

/// What trying the fix showed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TryFix {
    /// The finding's problem.
    pub problem: Problem,
    /// The fix tried.
    pub remedy: Remedy,
    /// What it changed in the link (`lr=0.3`).
    pub changed: Vec<String>,
    /// Steps each side was asked to train.
    pub steps: u64,
    /// What [`Side::symptom`] measures, in words.
    pub symptom_label: String,
    /// What "better" means here.
    pub yardstick: Yardstick,
    /// The experiment as it is.
    pub current: Side,
    /// The experiment with the fix.
    pub fixed: Side,
    /// Did it help.
    pub verdict: Verdict,
}

impl TryFix {
    /// What it showed, in one sentence.
    pub fn sentence(&self) -> String {
        let (from, to) = self.yardstick.figures(&self.current, &self.fixed);
        let by_accuracy = self.yardstick == Yardstick::Accuracy;
        match self.verdict {
            Verdict::Helped if by_accuracy => crate::tr!("tryfix.helped_acc", from = from, to = to),
            Verdict::Helped => crate::tr!("tryfix.helped", from = from, to = to),
            Verdict::NotHelped => crate::tr!("tryfix.not_helped", steps = self.steps),
            Verdict::Partly => {
                let new: Vec<&str> =
                    self.fixed.alarms.iter().filter(|p| !self.current.alarms.contains(p)).map(|p| p.name()).collect();
                let why = if new.is_empty() && by_accuracy {
                    crate::tr!("tryfix.partly_acc", from = from, to = to)
                } else if new.is_empty() {
                    crate::tr!("tryfix.partly_loss", from = from, to = to)
                } else {
                    crate::tr!("tryfix.partly_new", problems = new.join(", "))
                };
                crate::tr!("tryfix.partly", why = why)
            }
        }
    }
}

/// The link of `trainer`'s whole experiment and its planted bug, from
/// step 0 (without the step a link may have opened it at).
pub fn link_of(trainer: &Trainer) -> Link {
    let mut link = Link { bug: crate::engine::bug_lab::planted_bug(trainer), ..Link::of(&trainer.experiment()) };
    link.config.step = None;
    link
}

/// Tries `remedy` for `problem` on the experiment of `trainer` (which is
/// not changed). Fails when the fixed experiment cannot be built.
pub fn run_with(
    trainer: &Trainer,
    problem: Problem,
    remedy: Remedy,
    progress: &mut Progress,
) -> Result<TryFix, String> {
    let link = link_of(trainer);
    let fixed_link = remedy.apply(&link);
    let steps = steps_for(trainer.step_count());
    let build = |l: &Link| crate::engine::bug_lab::trainer(&l.config, l.bug).map_err(|e| e.to_string());
    let mut pair = [build(&link)?, build(&fixed_link)?];
    let curves = train_side_by_side(&mut pair, steps, &mut progress.part(0.0, 0.5));
    let [current, fixed] = pair;
    let [cur_curve, fix_curve] = curves;
    let current = finish(current, cur_curve, problem, &mut progress.part(0.5, 0.75));
    let fixed = finish(fixed, fix_curve, problem, &mut progress.part(0.75, 1.0));
    let yardstick = Yardstick::of(remedy);
    let verdict = verdict(problem, yardstick, &current, &fixed);
    Ok(TryFix {
        problem,
        remedy,
        changed: changed_pairs(&link, &fixed_link),
        steps,
        symptom_label: symptom::label(problem),
        yardstick,
        current,
        fixed,
        verdict,
    })
}

/// [`run_with`] without progress.
pub fn run(trainer: &Trainer, problem: Problem, remedy: Remedy) -> Result<TryFix, String> {
    run_with(trainer, problem, remedy, &mut Progress::none())
}

/// A side's recorder and its evaluations so far.
struct Tracked {
    recorder: Recorder,
    curve: Vec<(u64, f64)>,
}

/// Trains both trainers `steps` steps, one step each per round (a
/// diverged one stops), evaluating both [`EVALS`] times; returns each
/// one's recorder and training-loss curve.
fn train_side_by_side(pair: &mut [Trainer; 2], steps: u64, progress: &mut Progress) -> [Tracked; 2] {
    let mut tracked = pair.each_ref().map(|t| Tracked { recorder: Recorder::start(t, "", "", 0.0), curve: Vec::new() });
    let every = (steps / EVALS).max(1);
    for step in 1..=steps {
        for t in pair.iter_mut().filter(|t| t.diverged().is_none()) {
            let _: StepOutcome = t.step();
        }
        if step % every == 0 || step == steps {
            for (t, side) in pair.iter_mut().zip(&mut tracked) {
                evaluate(t, side);
            }
            progress.set(step as f64 / steps as f64);
        }
    }
    tracked
}

/// One evaluation of `t` into its side (once per step reached).
fn evaluate(t: &mut Trainer, side: &mut Tracked) {
    let step = t.step_count();
    if side.curve.last().is_some_and(|(s, _)| *s == step) {
        return;
    }
    let m = t.evaluate();
    side.recorder.observe(&m);
    side.curve.push((step, m.train_loss));
}

/// The doctor on a side's trainer, and the side as reported.
fn finish(t: Trainer, tracked: Tracked, problem: Problem, progress: &mut Progress) -> Side {
    let report = examine_with(&t, &DoctorOptions::default(), progress);
    let record = tracked.recorder.record(&t, 0.0);
    let nan = f64::NAN;
    Side {
        link: codec::encode_link(&link_of(&t)),
        steps: t.step_count(),
        diverged: t.diverged().is_some(),
        train_loss: record.last.train_loss.unwrap_or(nan),
        test_loss: record.last.test_loss.unwrap_or(nan),
        train_acc: record.last.train_acc,
        test_acc: record.last.test_acc,
        curve: tracked.curve,
        alarms: report.findings.iter().filter(|f| f.is_alarm()).map(|f| f.problem).collect(),
        symptom: symptom(problem, &report, &t.cfg),
        record,
    }
}

/// Helped when the problem is gone, no other alarm took its place and the
/// run did better by `yardstick`; partly when the problem is gone but not
/// both of the others; not when the problem is still named.
pub fn verdict(problem: Problem, yardstick: Yardstick, current: &Side, fixed: &Side) -> Verdict {
    if fixed.names(problem) {
        return Verdict::NotHelped;
    }
    let better = yardstick.better(current, fixed);
    let new_alarm = fixed.alarms.iter().any(|p| !current.alarms.contains(p));
    if better && !new_alarm && !fixed.diverged {
        Verdict::Helped
    } else {
        Verdict::Partly
    }
}
