//! Scoring the doctor benchmark: per-problem precision and recall over the
//! outcomes, and the whole benchmark as the text `gradlab doctor --bench`
//! prints (one line per case, the scores, the confusion summary).

use super::{ids, Expect, Outcome};
use crate::engine::instruments::finding::Problem;
use std::collections::BTreeMap;

/// Precision and recall of one problem over the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Cases where the doctor named it and it was expected.
    pub true_pos: usize,
    /// Cases where the doctor named it and it was not expected.
    pub false_pos: usize,
    /// Cases whose primary it is and the doctor did not name it.
    pub false_neg: usize,
}

impl Score {
    /// TP / (TP + FP); 1 when never named.
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    /// TP / (TP + FN); 1 when never expected.
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Per-problem scores (only problems expected or named somewhere).
pub fn scores(outcomes: &[Outcome]) -> BTreeMap<Problem, Score> {
    let mut out: BTreeMap<Problem, Score> = BTreeMap::new();
    for o in outcomes {
        let (primary, also): (Option<Problem>, &[Problem]) = match o.case.expect {
            Expect::Healthy => (None, &[]),
            Expect::Problem { primary, also } => (Some(primary), also),
        };
        let named: Vec<Problem> = o.alarms.iter().map(|f| f.problem).collect();
        for &p in &named {
            let s = out.entry(p).or_default();
            if Some(p) == primary || also.contains(&p) {
                s.true_pos += 1;
            } else {
                s.false_pos += 1;
            }
        }
        if let Some(p) = primary {
            if !named.contains(&p) {
                out.entry(p).or_default().false_neg += 1;
            }
        }
    }
    out
}

/// The whole benchmark as text: one line per case, per-problem precision
/// and recall, and the confusion summary.
pub fn report(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let healthy = outcomes.iter().filter(|o| o.case.expect == Expect::Healthy).count();
    let per_case = outcomes.iter().take_while(|o| o.case.name == outcomes[0].case.name).count().max(1);
    let seeds: Vec<u64> = outcomes.iter().take(per_case).map(|o| o.seed).collect();
    let cases = outcomes.len() / per_case;
    let healthy_cases = healthy / per_case;
    s.push_str(&format!(
        "doctor benchmark: {cases} cases ({healthy_cases} healthy, {} misconfigured), each with seeds {seeds:?}: {} runs\n\n",
        cases - healthy_cases,
        outcomes.len()
    ));
    for runs in outcomes.chunks(per_case) {
        let o = &runs[0];
        let expected = match o.case.expect {
            Expect::Healthy => "healthy".to_string(),
            Expect::Problem { primary, .. } => primary.id().to_string(),
        };
        let passed = runs.iter().filter(|r| r.ok).count();
        s.push_str(&format!(
            "{} {:<30} expected {:<24} said {}  ({passed}/{} seeds)\n",
            if passed == runs.len() { "ok  " } else { "FAIL" },
            o.case.name,
            expected,
            ids(&o.alarms),
            runs.len()
        ));
        for r in runs.iter().filter(|r| !r.ok) {
            s.push_str(&format!("     seed {}: {}\n", r.seed, r.failure));
        }
    }
    s.push_str("\nper problem                    precision  recall   (TP FP FN)\n");
    for (p, sc) in scores(outcomes) {
        s.push_str(&format!(
            "  {:<28} {:>8.3} {:>7.3}   ({} {} {})\n",
            p.id(),
            sc.precision(),
            sc.recall(),
            sc.true_pos,
            sc.false_pos,
            sc.false_neg
        ));
    }
    s.push_str("\nconfusion (expected → ranked first)\n");
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    for o in outcomes {
        let expected = match o.case.expect {
            Expect::Healthy => "healthy".to_string(),
            Expect::Problem { primary, .. } => primary.id().to_string(),
        };
        let said = o.alarms.first().map_or("healthy".to_string(), |f| f.problem.id().to_string());
        *confusion.entry((expected, said)).or_default() += 1;
    }
    for ((expected, said), n) in confusion {
        let mark = if expected == said { " " } else { "×" };
        s.push_str(&format!("  {mark} {expected:<28} → {said:<28} {n}\n"));
    }
    let passed = outcomes.iter().filter(|o| o.ok).count();
    let all = scores(outcomes);
    let precision = all.values().map(Score::precision).fold(1.0, f64::min);
    let recall = all.values().map(Score::recall).fold(1.0, f64::min);
    s.push_str(&format!(
        "\n{passed} of {} runs pass; lowest per-problem precision {precision:.3}, recall {recall:.3}\n",
        outcomes.len()
    ));
    s
}
