//! The long checks (gradient check, tiny-batch overfit, the doctor, the
//! learning-rate finder, the learning-rate and batch-size measurement, the
//! loss-landscape slice, "try the fix")
//! as a request and an outcome that can cross to a Web Worker and back.
//!
//! On a large network each takes seconds, far beyond a frame, so the page
//! runs them off the main thread: it sends a [`Request`] with a
//! [`snapshot`](crate::engine::snapshot) of the trainer, the worker calls
//! [`run`] and posts [`Message`]s back (progress, then the outcome). Here
//! they are plain data, so the same path runs natively in tests.

use super::cockpit;
use super::doctor::{self, DoctorOptions};
use super::finding::{Finding, Problem};
use super::gradient_check::{self, GradientCheck};
use super::landscape;
use super::lr_finder::{self, RangeTest};
use super::overfit::{self, Overfit};
use super::remedy::Remedy;
use super::try_fix::{self, TryFix};
use crate::engine::progress::Progress;
use crate::engine::trainer::Trainer;
use serde::{Deserialize, Serialize};

/// Which check to run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Backprop against central differences on the next mini-batch.
    Gradients,
    /// Memorize `k` training points.
    Overfit {
        /// Points.
        k: usize,
    },
    /// Every check, ranked findings.
    Doctor {
        /// Points of its overfit check.
        overfit_k: usize,
    },
    /// The learning-rate range test.
    LrFinder,
    /// Learning rate and batch size measured over the next steps (Cockpit).
    Cockpit,
    /// A slice of the loss landscape around the current weights.
    Landscape,
    /// A finding's fix, tried side by side with the experiment as it is.
    TryFix {
        /// The finding's problem.
        problem: Problem,
        /// Its fix.
        remedy: Remedy,
    },
}

impl Request {
    /// One request of each kind (the overfit check and the doctor on 8 points).
    pub const KINDS: [Request; 7] = [
        Request::Gradients,
        Request::Overfit { k: 8 },
        Request::Doctor { overfit_k: 8 },
        Request::LrFinder,
        Request::Cockpit,
        Request::Landscape,
        Request::TryFix { problem: Problem::LearningRateTooHigh, remedy: Remedy::LearningRate(0.01) },
    ];

    /// What the page calls it.
    pub fn name(self) -> &'static str {
        match self {
            Request::Gradients => crate::engine::i18n::text("inst.check.gradients"),
            Request::Overfit { .. } => crate::engine::i18n::text("inst.check.overfit"),
            Request::Doctor { .. } => crate::engine::i18n::text("inst.check.doctor"),
            Request::LrFinder => crate::engine::i18n::text("inst.check.lr_finder"),
            Request::Cockpit => crate::engine::i18n::text("inst.check.cockpit"),
            Request::Landscape => crate::engine::i18n::text("inst.check.landscape"),
            Request::TryFix { .. } => crate::engine::i18n::text("inst.check.try_fix"),
        }
    }
}

/// What a check found, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// The gradient check, its note and what the budget left out.
    Gradients {
        /// The report.
        check: GradientCheck,
        /// Why it could not decide, or what it left out.
        note: Option<String>,
        /// How it was sampled, when the budget thinned it.
        sampling: Option<String>,
    },
    /// The overfit check and its summary sentence.
    Overfit {
        /// The report.
        overfit: Overfit,
        /// One sentence on what it means.
        summary: String,
    },
    /// The doctor's ranked findings.
    Doctor {
        /// The step examined.
        step: u64,
        /// Ranked findings.
        findings: Vec<Finding>,
    },
    /// The range test's curve and suggestions.
    LrFinder {
        /// The curve and suggestions.
        test: RangeTest,
    },
    /// The learning-rate and batch-size measurement.
    Cockpit {
        /// What it found.
        report: cockpit::Report,
    },
    /// The loss-landscape slice.
    Landscape {
        /// The curve and the map.
        slice: landscape::Landscape,
    },
    /// Both experiments and whether the fix helped (or why it could not run).
    TryFix {
        /// The comparison.
        report: Result<Box<TryFix>, String>,
    },
}

/// What the worker posts back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Message {
    /// Share done, 0 to 1.
    Progress(f64),
    /// The check finished.
    Done(Outcome),
    /// The check could not run (a damaged snapshot, say).
    Failed(String),
}

/// Runs `request` on `trainer` (which it never changes), reporting progress.
pub fn run(trainer: &Trainer, request: Request, progress: &mut Progress) -> Outcome {
    let outcome = match request {
        Request::Gradients => {
            let check = gradient_check::run_with(trainer, false, progress);
            Outcome::Gradients { note: check.note(), sampling: check.sampling_note(), check }
        }
        Request::Overfit { k } => {
            let k = k.clamp(1, overfit::MAX_K);
            let overfit = overfit::check_with(trainer, k, overfit::DEFAULT_STEPS, progress);
            Outcome::Overfit { summary: overfit.summary(), overfit }
        }
        Request::Doctor { overfit_k } => {
            let opts = DoctorOptions { overfit_k: overfit_k.clamp(1, overfit::MAX_K), ..DoctorOptions::default() };
            let report = doctor::examine_with(trainer, &opts, progress);
            Outcome::Doctor { step: report.step, findings: report.findings }
        }
        Request::LrFinder => Outcome::LrFinder { test: lr_finder::run_with(trainer, progress) },
        Request::Cockpit => Outcome::Cockpit { report: cockpit::measure(trainer, progress) },
        Request::Landscape => Outcome::Landscape { slice: landscape::run_with(trainer, progress) },
        Request::TryFix { problem, remedy } => {
            Outcome::TryFix { report: try_fix::run_with(trainer, problem, remedy, progress).map(Box::new) }
        }
    };
    progress.set(1.0); // a check may finish early (the overfit check once memorized)
    outcome
}

/// The trainer of a snapshot, its planted bug included (the worker's side
/// of [`snapshot::encode`](crate::engine::snapshot::encode)).
pub fn restore(bytes: &[u8]) -> Result<Trainer, crate::engine::error::EngineError> {
    crate::engine::snapshot::decode(bytes, crate::engine::bug_lab::restore_hooks)
}

/// Share-done reports worth a message: the first, then one per percent, and the last.
pub fn worth_posting(last_posted: f64, done: f64) -> bool {
    done >= 1.0 || done - last_posted >= 0.01 - 1e-12 || last_posted < 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::trained as trainer;
    use crate::engine::snapshot;

    /// Through a snapshot and serialized messages (postcard, as the page and
    /// its worker send them), each check gives what calling it directly
    /// gives, and its progress rises to 1.
    #[test]
    fn a_check_through_the_worker_protocol_equals_the_direct_call() {
        let t = trainer("data=spiral&net=6:relu,4:tanh:bn&bs=12&opt=adam&bug=no-zero-grad", 15);
        let restored = restore(&snapshot::encode(&t)).unwrap();
        for request in Request::KINDS {
            assert_eq!(postcard::from_bytes::<Request>(&postcard::to_stdvec(&request).unwrap()).unwrap(), request);
            let mut seen = Vec::new();
            let mut sink = |x: f64| seen.push(x);
            let outcome = run(&restored, request, &mut Progress::to(&mut sink));
            let bytes = postcard::to_stdvec(&Message::Done(outcome)).unwrap();
            let Message::Done(back) = postcard::from_bytes(&bytes).unwrap() else { panic!("not Done") };
            let direct = match request {
                Request::Gradients => {
                    let check = gradient_check::run(&t, false);
                    Outcome::Gradients { note: check.note(), sampling: check.sampling_note(), check }
                }
                Request::Overfit { k } => {
                    let overfit = overfit::check(&t, k, overfit::DEFAULT_STEPS);
                    Outcome::Overfit { summary: overfit.summary(), overfit }
                }
                Request::Doctor { overfit_k } => {
                    let report = doctor::examine(&t, &DoctorOptions { overfit_k, ..DoctorOptions::default() });
                    Outcome::Doctor { step: report.step, findings: report.findings }
                }
                Request::LrFinder => Outcome::LrFinder { test: lr_finder::run(&t) },
                Request::Cockpit => Outcome::Cockpit { report: cockpit::measure(&t, &mut Progress::none()) },
                Request::Landscape => Outcome::Landscape { slice: landscape::run(&t) },
                Request::TryFix { problem, remedy } => {
                    Outcome::TryFix { report: try_fix::run(&t, problem, remedy).map(Box::new) }
                }
            };
            assert_eq!(back, direct, "{}", request.name());
            assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{}: progress falls", request.name());
            assert_eq!(seen.last().copied(), Some(1.0), "{}: progress ends below 1", request.name());
        }
    }

    /// A diverging run's reports can hold NaN and infinities (a landscape
    /// past the blow-up): every number crosses with its bits, which JSON
    /// (NaN as `null`) could not do.
    #[test]
    fn messages_keep_non_finite_numbers() {
        let t = trainer("data=spiral&net=8:relu,8:relu&bs=10", 3);
        let Outcome::Landscape { mut slice } = run(&t, Request::Landscape, &mut Progress::none()) else {
            panic!("not a landscape")
        };
        slice.line[..3].copy_from_slice(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        let sent = Message::Done(Outcome::Landscape { slice });
        let back: Message = postcard::from_bytes(&postcard::to_stdvec(&sent).unwrap()).unwrap();
        let Message::Done(Outcome::Landscape { slice: got }) = back else { panic!("not a landscape") };
        let Message::Done(Outcome::Landscape { slice: want }) = sent else { unreachable!() };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!((bits(&got.line), bits(&got.grid)), (bits(&want.line), bits(&want.grid)));
        let back: Message = postcard::from_bytes(&postcard::to_stdvec(&Message::Progress(f64::NAN)).unwrap()).unwrap();
        assert!(matches!(back, Message::Progress(x) if x.is_nan()));
    }

    #[test]
    fn progress_messages_are_thinned_to_one_per_percent() {
        assert!(worth_posting(-1.0, 0.0));
        assert!(!worth_posting(0.10, 0.105));
        assert!(worth_posting(0.10, 0.11));
        assert!(worth_posting(0.999, 1.0));
    }
}
