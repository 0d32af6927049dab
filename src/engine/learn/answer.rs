//! Checking a learner's answer, and the link of a lesson's fix.
//!
//! "Check my answer" measures the lesson's probe on the live state and
//! says whether the chosen answer covers the measurement; the reply names
//! the measured value, so the learner sees what the answer rests on. The
//! same question asked after the fix gets a different answer: the check
//! reads the state, not a stored key.

use std::collections::BTreeMap;

use super::probe::State;
use super::Lesson;
use crate::engine::format::num;

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
    let value = lesson.probe.measure(state)?;
    let right = lesson.choice.iter().position(|c| c.covers(value));
    let correct = right == Some(chosen);
    let measured = format!("Measured now: {}.", num(value));
    let message = match (correct, right) {
        (true, _) => format!("Right. {measured} {}", lesson.explain),
        (false, Some(r)) => {
            format!("Not quite. {measured} That is “{}”. Look again, then try.", lesson.choice[r].label)
        }
        (false, None) => format!(
            "{measured} None of the answers fits this state: the experiment was changed. Start the lesson again."
        ),
    };
    Ok(Answer { value, right, correct, message })
}

/// The link of the lesson with its fix applied: the lesson's pairs with the
/// fix's pairs put on top (an empty value removes the key), a `step` of
/// the fix's steps, and the lesson key.
pub fn fixed_link(lesson: &Lesson) -> String {
    let mut pairs = ordered_pairs(&lesson.link);
    for (k, v) in ordered_pairs(&lesson.fix.link) {
        pairs.retain(|(key, _)| *key != k);
        if !v.is_empty() {
            pairs.push((k, v));
        }
    }
    pairs.retain(|(k, _)| k != "step");
    pairs.push(("step".to_string(), lesson.fix.steps.to_string()));
    pairs.push(("lesson".to_string(), lesson.id.clone()));
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// `k=v&k=v` as pairs in order (the last of a repeated key wins).
fn ordered_pairs(link: &str) -> Vec<(String, String)> {
    let mut seen = BTreeMap::new();
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in link.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if seen.insert(k.to_string(), ()).is_some() {
            out.retain(|(key, _)| key != k);
        }
        out.push((k.to_string(), v.to_string()));
    }
    out
}
