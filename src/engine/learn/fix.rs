//! The link of a lesson's fix: the lesson's link with the fix's pairs on top.

use super::Lesson;

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
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in link.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.retain(|(key, _)| key != k);
        out.push((k.to_string(), v.to_string()));
    }
    out
}
