//! The doctor benchmark's repair score (after AutoTrainer): on each
//! misconfiguration, apply the fix the doctor offers first ("try the fix"
//! on its first finding), train the fixed experiment the case's steps with
//! the same seed, and run the doctor again. The case counts as **repaired**
//! when the fixed experiment raises no warning and no error at all (the
//! problem gone, and no other one in its place); **primary gone** is the
//! weaker count, the case's own problem no longer named.

use super::{Expect, Outcome};
use crate::engine::instruments::doctor::{examine, DoctorOptions};
use crate::engine::instruments::finding::{Finding, Problem};
use crate::engine::instruments::remedy::{changed_pairs, Remedy};
use crate::engine::link as codec;
use crate::engine::trainer::StepOutcome;

/// What the first fix did to one misconfiguration with one seed.
#[derive(Clone, Debug)]
pub struct Repair {
    /// The case's name.
    pub case: &'static str,
    /// The seed.
    pub seed: u64,
    /// The case's primary problem.
    pub primary: Problem,
    /// The fix offered first (`None`: the first finding offers none).
    pub remedy: Option<Remedy>,
    /// What it changed in the link (`lr=0.3`).
    pub changed: Vec<String>,
    /// The warnings and errors on the fixed experiment.
    pub after: Vec<Problem>,
}

impl Repair {
    /// No warning and no error left.
    pub fn repaired(&self) -> bool {
        self.remedy.is_some() && self.after.is_empty()
    }

    /// The case's own problem no longer named.
    pub fn primary_gone(&self) -> bool {
        self.remedy.is_some() && !self.after.contains(&self.primary)
    }
}

/// The first fix tried on a misconfiguration's outcome (`None` for a
/// healthy case).
pub fn repair(outcome: &Outcome) -> Option<Repair> {
    let Expect::Problem { primary, .. } = outcome.case.expect else { return None };
    let (link, _) = codec::decode_link(&format!("{}&seed={}", outcome.case.link, outcome.seed));
    let remedy = outcome.alarms.first().and_then(|f| f.remedy).filter(|r| r.applies_to(&link));
    let mut r =
        Repair { case: outcome.case.name, seed: outcome.seed, primary, remedy, changed: Vec::new(), after: Vec::new() };
    if let Some(remedy) = remedy {
        let fixed = remedy.apply(&link);
        r.changed = changed_pairs(&link, &fixed);
        r.after = alarms_after(&fixed, outcome.case.steps);
    }
    Some(r)
}

/// The problems the doctor raises on `link` after `steps` steps.
fn alarms_after(link: &codec::Link, steps: u64) -> Vec<Problem> {
    let Ok(mut t) = crate::engine::bug_lab::trainer(&link.config, link.bug) else {
        return vec![Problem::NonFinite];
    };
    for _ in 0..steps {
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
    }
    examine(&t, &DoctorOptions::default())
        .findings
        .iter()
        .filter(|f| f.is_alarm())
        .map(|f: &Finding| f.problem)
        .collect()
}

/// Repaired and primary-gone counts over `repairs`, and their number.
pub fn score(repairs: &[Repair]) -> (usize, usize, usize) {
    let repaired = repairs.iter().filter(|r| r.repaired()).count();
    let gone = repairs.iter().filter(|r| r.primary_gone()).count();
    (repaired, gone, repairs.len())
}

/// The repair table as `gradlab doctor --bench` prints it: one line per
/// case and seed, then the score.
pub fn report(repairs: &[Repair]) -> String {
    let mut out = String::from("\nrepair: the first fix offered, applied and checked again\n");
    for r in repairs {
        let verdict = if r.repaired() {
            "repaired"
        } else if r.primary_gone() {
            "primary gone"
        } else if r.remedy.is_none() {
            "no fix offered"
        } else {
            "not repaired"
        };
        let after: Vec<&str> = r.after.iter().map(|p| p.id()).collect();
        out.push_str(&format!(
            "  {:<30} seed {}  {:<14} {:<32} after: {}\n",
            r.case,
            r.seed,
            verdict,
            r.changed.join(" "),
            if after.is_empty() { "nothing".to_string() } else { after.join(", ") }
        ));
    }
    let (repaired, gone, n) = score(repairs);
    out.push_str(&format!(
        "repair score: {repaired}/{n} repaired ({:.0} %), {gone}/{n} with the primary problem gone ({:.0} %)\n",
        100.0 * repaired as f64 / n.max(1) as f64,
        100.0 * gone as f64 / n.max(1) as f64
    ));
    out
}
