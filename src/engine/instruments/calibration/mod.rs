//! The doctor benchmark: labelled experiments with known answers, and the
//! scoring that holds the doctor to them (`gradlab doctor --bench`, and
//! `tests/doctor_bench.rs` in every test run).
//!
//! Two kinds of case:
//! - **healthy** standard recipes, across every data set, activation
//!   family, BatchNorm, dropout ≤ 0.3 after the last BatchNorm, SGD and
//!   Adam: the doctor must raise no warning and no error on them (notes are
//!   allowed);
//! - **misconfigurations**, each with the problem it must name (`primary`)
//!   and the true consequences it may also name (`also`): the primary must
//!   be named and ranked first among the warnings, and nothing outside
//!   primary ∪ also may be raised.
//!
//! Each case is examined after `steps` training steps (0: before
//! training), with the doctor's default options, exactly as `gradlab doctor
//! '<link>' --steps N` and the page's "Run the doctor" do.
//!
//! Scores: per problem, precision (of the cases where the doctor named it,
//! the share where it is expected) and recall (of the cases whose primary
//! it is, the share where the doctor named it), and a confusion summary
//! (each case's expected primary against what the doctor put first).
//!
//! Where things live:
//! - this file: what a case is and must produce ([`Case`], [`Expect`]),
//!   running a case and judging it ([`run_case`]), running them all;
//! - `cases.rs`: the labelled cases themselves ([`CASES`]);
//! - `score.rs`: precision, recall and the text report ([`report`]);
//! - `repair.rs`: the repair score (the first fix offered, applied and
//!   checked again);
//! - `random.rs`: random correct experiments, on which the doctor must
//!   never name a bug ([`bug_verdicts_on_correct_code`]).

mod cases;
mod random;
pub mod repair;
mod score;

use super::doctor::{examine, DoctorOptions};
use super::finding::{Finding, Problem};
use crate::engine::link as codec;
use crate::engine::trainer::StepOutcome;

pub use cases::CASES;
pub use random::{bug_verdicts_on_correct_code, random_experiment};
pub use score::{report, scores, Score};

/// What a case must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No warning and no error.
    Healthy,
    /// `primary` named and ranked first; nothing outside `primary` ∪ `also`.
    Problem {
        /// The problem the case is about.
        primary: Problem,
        /// True consequences the doctor may name as well.
        also: &'static [Problem],
    },
}

/// One labelled experiment.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Short name.
    pub name: &'static str,
    /// The experiment, as a link.
    pub link: &'static str,
    /// Steps trained before the doctor examines it.
    pub steps: u64,
    /// The known answer.
    pub expect: Expect,
    /// Why the answer is what it is.
    pub why: &'static str,
}

/// Every case runs with each of these seeds (the link's `seed`): a verdict
/// that holds for one lucky draw only is no verdict.
pub const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// What the doctor said about one case with one seed.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// The seed it ran with.
    pub seed: u64,
    /// Warnings and errors, ranked.
    pub alarms: Vec<Finding>,
    /// Notes (not scored).
    pub notes: Vec<Finding>,
    /// Whether the case passed.
    pub ok: bool,
    /// Why it failed (empty when it passed).
    pub failure: String,
}

/// Trains the case's steps with `seed` and runs the doctor.
pub fn run_case(case: &Case, seed: u64) -> Outcome {
    let (link, rejected) = codec::decode_link(&format!("{}&seed={seed}", case.link));
    let mut failure = String::new();
    if !rejected.is_empty() {
        failure = format!("link rejected: {rejected:?}");
    }
    let findings = match crate::engine::bug_lab::trainer(&link.config, link.bug) {
        Ok(mut t) => {
            for _ in 0..case.steps {
                if let StepOutcome::Diverged(_) = t.step() {
                    break;
                }
            }
            examine(&t, &DoctorOptions::default()).findings
        }
        Err(e) => {
            failure = format!("invalid config: {e}");
            Vec::new()
        }
    };
    let (alarms, notes): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(Finding::is_alarm);
    if failure.is_empty() {
        failure = judge(case.expect, &alarms);
    }
    Outcome { case: *case, seed, ok: failure.is_empty(), alarms, notes, failure }
}

/// Empty when `alarms` satisfy `expect`, else why not.
fn judge(expect: Expect, alarms: &[Finding]) -> String {
    match expect {
        Expect::Healthy => {
            if alarms.is_empty() {
                String::new()
            } else {
                format!("false alarm: {}", ids(alarms))
            }
        }
        Expect::Problem { primary, also } => {
            let first = alarms.first().map(|f| f.problem);
            let extra: Vec<&Finding> =
                alarms.iter().filter(|f| f.problem != primary && !also.contains(&f.problem)).collect();
            if !alarms.iter().any(|f| f.problem == primary) {
                format!("missed {}: said {}", primary.id(), ids(alarms))
            } else if first != Some(primary) {
                format!("{} not ranked first: said {}", primary.id(), ids(alarms))
            } else if !extra.is_empty() {
                format!("unexpected {}", extra.iter().map(|f| f.problem.id()).collect::<Vec<_>>().join(", "))
            } else {
                String::new()
            }
        }
    }
}

fn ids(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "nothing".to_string();
    }
    findings.iter().map(|f| f.problem.id()).collect::<Vec<_>>().join(", ")
}

/// Runs every case with every seed of [`SEEDS`].
pub fn run_all() -> Vec<Outcome> {
    run_with_seeds(&SEEDS)
}

/// Runs every case with every seed of `seeds` (other seeds than
/// [`SEEDS`] hold the rules to draws they were not calibrated on).
pub fn run_with_seeds(seeds: &[u64]) -> Vec<Outcome> {
    CASES.iter().flat_map(|c| seeds.iter().map(|&seed| run_case(c, seed))).collect()
}
