//! Comparing runs by their settings: which link keys differ between runs (the
//! columns of the runs table, the legend of an overlay), and the diff of a
//! run against a baseline.

use super::RunRecord;
use crate::engine::link::{self, Group, SETTINGS};

/// Every setting of a run's link as `(key, value)`, in table order; a key the
/// config does not write (a parameter of another variant) has value `""`,
/// and a setting changed mid-run its change list (`0.03,0.3@500`).
/// The format, view and classroom keys never count as a difference.
pub fn settings(text: &str) -> Vec<(&'static str, String)> {
    let (link, _) = link::decode_link(text);
    SETTINGS
        .iter()
        .filter(|s| matches!(s.group, Group::Experiment | Group::BugLab))
        .map(|s| (s.key, link::changes::with_changes(s, &link, s.text(&link)).unwrap_or_default()))
        .collect()
}

/// The keys whose values are not the same in every run, in table order.
pub fn differing_keys(runs: &[RunRecord]) -> Vec<&'static str> {
    let all: Vec<Vec<(&'static str, String)>> = runs.iter().map(|r| settings(&r.link)).collect();
    differing_keys_of(&all.iter().collect::<Vec<_>>())
}

/// [`differing_keys`] over settings already decoded.
pub fn differing_keys_of(all: &[&Vec<(&'static str, String)>]) -> Vec<&'static str> {
    let Some(first) = all.first() else {
        return Vec::new();
    };
    first.iter().enumerate().filter(|(i, (_, v))| all.iter().any(|s| &s[*i].1 != v)).map(|(_, (k, _))| *k).collect()
}

/// One setting that differs from the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Link key.
    pub key: &'static str,
    /// The baseline's value.
    pub baseline: String,
    /// This run's value.
    pub value: String,
}

/// The settings of `run` that differ from `baseline`'s.
pub fn diff(baseline: &RunRecord, run: &RunRecord) -> Vec<Difference> {
    diff_settings(&settings(&baseline.link), &settings(&run.link))
}

/// [`diff`] over settings already decoded.
pub fn diff_settings(baseline: &[(&'static str, String)], run: &[(&'static str, String)]) -> Vec<Difference> {
    baseline
        .iter()
        .zip(run)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((key, baseline), (_, value))| Difference { key, baseline: baseline.clone(), value: value.clone() })
        .collect()
}

/// A short legend label naming a run's values of `keys`, e.g. `opt=adam lr=0.01`.
pub fn label(run: &RunRecord, keys: &[&str]) -> String {
    let values = settings(&run.link);
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| values.iter().find(|(key, _)| key == k).map(|(key, v)| format!("{key}={v}")))
        .collect();
    if parts.is_empty() {
        run.name.clone()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::runs::tests::sample;

    #[test]
    fn differing_keys_and_diff_name_what_changed() {
        let runs =
            [sample("a", "opt=adam&lr=0.01"), sample("b", "opt=sgd&lr=0.01&test=1"), sample("c", "opt=adam&lr=0.1")];
        let keys = differing_keys(&runs);
        assert!(keys.contains(&"opt") && keys.contains(&"lr"));
        assert!(keys.contains(&"b1"), "adam's parameters appear where sgd has none");
        assert!(!keys.contains(&"bs") && !keys.contains(&"test"), "{keys:?}");
        let d = diff(&runs[0], &runs[2]);
        assert_eq!(d, vec![Difference { key: "lr", baseline: "0.01".into(), value: "0.1".into() }]);
        assert_eq!(label(&runs[1], &["opt", "lr"]), "opt=sgd lr=0.01");
        assert!(differing_keys(&runs[..1]).is_empty());
    }

    #[test]
    fn a_mid_run_change_is_a_difference_and_reads_as_a_list() {
        let runs = [sample("a", "lr=0.03"), sample("b", "lr=0.03,0.3@500")];
        assert_eq!(differing_keys(&runs), ["lr"]);
        assert_eq!(
            diff(&runs[0], &runs[1]),
            vec![Difference { key: "lr", baseline: "0.03".into(), value: "0.03,0.3@500".into() }]
        );
        assert_eq!(link::changes::shown("0.03,0.3@500,0.1@900"), "0.03 → 0.3 @500 → 0.1 @900");
        assert_eq!(link::changes::shown("0.5@20"), "0.5 @20");
        assert_eq!(link::changes::shown("0.03"), "0.03");
    }
}
