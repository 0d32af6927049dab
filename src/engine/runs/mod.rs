//! Run history records: what the page saves for every run, and the
//! schema-versioned JSON it exports and imports.
//!
//! A [`RunRecord`] holds the link (the whole config and seed), the app
//! version, the browser, timing, final and best metrics, a diverged flag, the
//! fingerprint and downsampled curves (at most [`MAX_POINTS`] per series).
//! [`import_json`] treats its input as hostile: it checks the size before
//! parsing, rejects unknown fields, and validates every record (lengths,
//! finiteness, the link through the codec), naming the first problem found.

pub mod compare;
pub mod csv;
pub mod import;
pub mod lockstep;
pub mod lockstep_parts;
pub mod recorder;
pub mod store;
pub mod table;
pub mod verify;

use crate::engine::link as codec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Name of the export format, checked on import.
pub const SCHEMA: &str = "gradlab-runs";
/// Version of the export format written by [`export_json`].
pub const SCHEMA_VERSION: u32 = 1;
/// Most points kept per curve.
pub const MAX_POINTS: usize = 1000;
/// Largest file [`import_json`] reads.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// Most runs in one import.
pub const MAX_RUNS: usize = 1000;
/// Longest name, note, user agent or version string.
pub const MAX_TEXT: usize = 2000;
/// Longest link.
pub const MAX_LINK: usize = codec::MAX_INPUT_BYTES;

/// Final or best values of the four metrics (None where not applicable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSet {
    /// Training data loss.
    pub train_loss: Option<f64>,
    /// Test data loss.
    pub test_loss: Option<f64>,
    /// Training accuracy.
    pub train_acc: Option<f64>,
    /// Test accuracy.
    pub test_acc: Option<f64>,
}

/// Downsampled curves: parallel vectors, one entry per recorded step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curves {
    /// Steps, strictly increasing.
    pub step: Vec<u64>,
    /// Training loss per step.
    pub train_loss: Vec<Option<f64>>,
    /// Test loss per step.
    pub test_loss: Vec<Option<f64>>,
    /// Training accuracy per step.
    pub train_acc: Vec<Option<f64>>,
    /// Test accuracy per step.
    pub test_acc: Vec<Option<f64>>,
}

/// One recorded run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// Identifier, unique in a store.
    pub id: String,
    /// The user's name for it (shown as text only).
    pub name: String,
    /// The user's note (shown as text only).
    pub note: String,
    /// Pinned runs sort first.
    pub pinned: bool,
    /// The link hash: full config and seed.
    pub link: String,
    /// GradLab version that ran it.
    pub app_version: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// Start time, ms since the Unix epoch.
    pub started_ms: f64,
    /// Steps trained.
    pub steps: u64,
    /// Wall time spent training, ms.
    pub wall_ms: f64,
    /// Metrics at the last evaluation.
    pub last: MetricSet,
    /// Best values (lowest losses, highest accuracies).
    pub best: MetricSet,
    /// Whether training stopped on a non-finite value.
    pub diverged: bool,
    /// The fingerprint at the end (16 hex digits).
    pub fingerprint: String,
    /// Downsampled curves.
    pub curves: Curves,
    /// Records saved before links carried mid-run changes: the first step
    /// at which a live setting was changed (the link then replays the
    /// starting settings, not this exact run). New records carry their
    /// changes in the link and leave this empty. (Always written, `null`
    /// when empty, like every field: the checks' worker sends records in
    /// postcard, which reads fields by position; absent in older files.)
    #[serde(default)]
    pub changed_at: Option<u64>,
    /// Custom data's points, always (a link carries them only when small):
    /// the `pts` text of [`codec::points`], at most
    /// [`codec::points::MAX_RECORD_CHARS`]; empty for generated data (and in
    /// records from before custom data). Always written, like `changed_at`.
    #[serde(default)]
    pub points: String,
}

/// The export file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportFile {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// [`SCHEMA_VERSION`] when written.
    pub version: u32,
    /// The runs.
    pub runs: Vec<RunRecord>,
}

/// Why an import was rejected; nothing is imported when any record is bad.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    TooLarge(usize),
    /// Not JSON of the export shape (serde's message, with line and column).
    Malformed(String),
    /// Another schema or a newer version.
    WrongSchema(String),
    /// More than [`MAX_RUNS`] runs.
    TooManyRuns(usize),
    /// A record fails validation: its index and the reason.
    BadRecord(usize, String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            ImportError::TooLarge(n) => crate::tr!("runs.import.too_large", bytes = n, max = MAX_IMPORT_BYTES),
            ImportError::Malformed(m) => crate::tr!("runs.import.malformed", message = m),
            ImportError::WrongSchema(m) => crate::tr!("runs.import.unsupported", message = m),
            ImportError::TooManyRuns(n) => crate::tr!("runs.import.too_many", runs = n, max = MAX_RUNS),
            ImportError::BadRecord(i, m) => crate::tr!("runs.import.bad_record", n = i + 1, message = m),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ImportError {}

/// Serializes runs as an export file (pretty-printed JSON).
pub fn export_json(runs: &[RunRecord]) -> String {
    let file = ExportFile { schema: SCHEMA.to_string(), version: SCHEMA_VERSION, runs: runs.to_vec() };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Parses and validates an export file.
pub fn import_json(text: &str) -> Result<Vec<RunRecord>, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge(text.len()));
    }
    let file: ExportFile = serde_json::from_str(text).map_err(|e| ImportError::Malformed(e.to_string()))?;
    if file.schema != SCHEMA {
        return Err(ImportError::WrongSchema(crate::tr!("runs.import.schema", schema = SCHEMA)));
    }
    if file.version == 0 || file.version > SCHEMA_VERSION {
        let reason = crate::tr!("runs.import.version", version = file.version, reads = SCHEMA_VERSION);
        return Err(ImportError::WrongSchema(reason));
    }
    if file.runs.len() > MAX_RUNS {
        return Err(ImportError::TooManyRuns(file.runs.len()));
    }
    for (i, run) in file.runs.iter().enumerate() {
        validate(run).map_err(|m| ImportError::BadRecord(i, m))?;
    }
    Ok(file.runs)
}

/// Checks one record; the reason names the field.
pub fn validate(run: &RunRecord) -> Result<(), String> {
    let texts =
        [("name", &run.name), ("note", &run.note), ("user_agent", &run.user_agent), ("app_version", &run.app_version)];
    for (field, text) in texts {
        if text.chars().count() > MAX_TEXT {
            return Err(crate::tr!("runs.check.text_long", field = field, max = MAX_TEXT));
        }
    }
    if run.id.is_empty() || run.id.len() > 64 || !run.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(crate::tr!("runs.check.id", field = "id"));
    }
    if run.fingerprint.len() != 16 || !run.fingerprint.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(crate::tr!("runs.check.fingerprint", field = "fingerprint"));
    }
    if run.link.len() > MAX_LINK {
        return Err(crate::tr!("runs.check.link_long", field = "link", max = MAX_LINK));
    }
    if let Some(r) = codec::decode(&run.link).1.first() {
        return Err(crate::tr!("runs.check.link_field", key = r.key, reason = r.reason));
    }
    if !(run.started_ms.is_finite() && run.started_ms >= 0.0 && run.wall_ms.is_finite() && run.wall_ms >= 0.0) {
        return Err(crate::tr!("runs.check.times", started = "started_ms", wall = "wall_ms"));
    }
    validate_points(run)?;
    if run.changed_at.is_some_and(|s| s > run.steps) {
        return Err(crate::tr!("runs.check.changed_at", field = "changed_at"));
    }
    validate_metrics("last", &run.last)?;
    validate_metrics("best", &run.best)?;
    validate_curves(&run.curves)
}

/// The record's points decode, and are the points its link names (by
/// content or by hash); a link on custom points without them in the link
/// needs them in the record.
fn validate_points(run: &RunRecord) -> Result<(), String> {
    let data = codec::decode(&run.link).0.data;
    let custom = data.kind == crate::engine::config::DataKind::Custom;
    if run.points.is_empty() {
        return match data.points_hash {
            Some(_) if custom => Err(crate::tr!("runs.check.points_missing", field = "points")),
            _ => Ok(()),
        };
    }
    let points = codec::points::decode(&run.points, codec::points::MAX_RECORD_CHARS)
        .map_err(|reason| crate::tr!("runs.check.points_bad", field = "points", reason = reason))?;
    let named = match data.points_hash {
        Some(h) => h == codec::points::hash(&points),
        None => data.points == points,
    };
    if !custom || !named {
        return Err(crate::tr!("runs.check.points_other", field = "points"));
    }
    Ok(())
}

fn validate_metrics(which: &str, m: &MetricSet) -> Result<(), String> {
    let finite = [m.train_loss, m.test_loss, m.train_acc, m.test_acc].iter().flatten().all(|v| v.is_finite());
    let acc_ok = [m.train_acc, m.test_acc].iter().flatten().all(|v| (0.0..=1.0).contains(v));
    if !finite || !acc_ok {
        return Err(crate::tr!("runs.check.metrics", which = which));
    }
    Ok(())
}

fn validate_curves(c: &Curves) -> Result<(), String> {
    let n = c.step.len();
    if n > MAX_POINTS {
        return Err(crate::tr!("runs.check.points", n = n, max = MAX_POINTS));
    }
    let series = [&c.train_loss, &c.test_loss, &c.train_acc, &c.test_acc];
    if series.iter().any(|s| s.len() != n) {
        return Err(crate::tr!("runs.check.series"));
    }
    if c.step.windows(2).any(|w| w[1] <= w[0]) {
        return Err(crate::tr!("runs.check.steps"));
    }
    if series.iter().any(|s| s.iter().flatten().any(|v| !v.is_finite())) {
        return Err(crate::tr!("runs.check.values"));
    }
    Ok(())
}

/// Downsamples `(step, metrics)` points to at most [`MAX_POINTS`], evenly
/// by index, always keeping the first and the last.
pub fn curves_from(points: &[(u64, MetricSet)]) -> Curves {
    let n = points.len();
    let keep: Vec<usize> = if n <= MAX_POINTS {
        (0..n).collect()
    } else {
        let mut idx: Vec<usize> = (0..MAX_POINTS).map(|k| k * (n - 1) / (MAX_POINTS - 1)).collect();
        idx.dedup();
        idx
    };
    let mut c = Curves::default();
    for i in keep {
        let (step, m) = points[i];
        c.step.push(step);
        c.train_loss.push(m.train_loss.filter(|v| v.is_finite()));
        c.test_loss.push(m.test_loss.filter(|v| v.is_finite()));
        c.train_acc.push(m.train_acc.filter(|v| v.is_finite()));
        c.test_acc.push(m.test_acc.filter(|v| v.is_finite()));
    }
    c
}

/// Indices of `incoming` runs that duplicate a stored run or an earlier
/// incoming one: same fingerprint and same config.
pub fn duplicates(stored: &[RunRecord], incoming: &[RunRecord]) -> Vec<usize> {
    let mut seen: std::collections::HashSet<(String, String)> = stored.iter().map(duplicate_key).collect();
    let mut dups = Vec::new();
    for (i, r) in incoming.iter().enumerate() {
        if !seen.insert(duplicate_key(r)) {
            dups.push(i);
        }
    }
    dups
}

/// What two runs share when one duplicates the other: the fingerprint and
/// the link as the codec writes it (so key order and defaults do not matter).
pub fn duplicate_key(r: &RunRecord) -> (String, String) {
    key_of(&r.fingerprint, &r.link)
}

fn key_of(fingerprint: &str, link: &str) -> (String, String) {
    (fingerprint.to_string(), codec::encode_link(&codec::decode_link(link).0))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid record for tests.
    pub(crate) fn sample(id: &str, link: &str) -> RunRecord {
        let m = MetricSet { train_loss: Some(0.1), test_loss: Some(0.2), train_acc: Some(0.9), test_acc: None };
        RunRecord {
            id: id.to_string(),
            name: "run".into(),
            link: link.to_string(),
            app_version: "0.1.0".into(),
            user_agent: "test".into(),
            started_ms: 1.7e12,
            steps: 20,
            wall_ms: 12.5,
            last: m,
            best: m,
            fingerprint: "0123456789abcdef".into(),
            curves: curves_from(&[(0, m), (10, m), (20, m)]),
            ..RunRecord::default()
        }
    }

    #[test]
    fn export_then_import_gives_identical_records() {
        let runs = vec![sample("a", "v=1&lr=0.1"), sample("b-2", "data=spiral&net=8:relu")];
        assert_eq!(import_json(&export_json(&runs)), Ok(runs));
    }

    #[test]
    fn hostile_files_are_rejected_with_a_reason() {
        let good = export_json(&[sample("a", "v=1")]);
        let cases: Vec<(String, &str)> = vec![
            ("not json".into(), "not a GradLab runs file"),
            ("{\"schema\":\"other\",\"version\":1,\"runs\":[]}".into(), "schema"),
            (good.replace("\"version\": 1", "\"version\": 99"), "version 99"),
            (good.replace("\"pinned\": false", "\"pinned\": false, \"extra\": 1"), "unknown field"),
            (good.replace("0123456789abcdef", "<img src=x>"), "fingerprint"),
            (good.replace("\"link\": \"v=1\"", "\"link\": \"lr=banana\""), "link field lr"),
            (good.replace("\"train_acc\": 0.9", "\"train_acc\": 7.0"), "accuracies"),
            (good.replace("\"id\": \"a\"", "\"id\": \"<script>\""), "id must be"),
            ("[".repeat(100_000), "not a GradLab runs file"),
            (" ".repeat(MAX_IMPORT_BYTES + 1), "at most"),
        ];
        for (text, want) in cases {
            let err = import_json(&text).expect_err(want).to_string();
            assert!(err.contains(want), "{err} should mention {want}");
        }
    }

    /// A run on 2,000 custom points: the link holds only their hash, the
    /// record all of them; import checks that they are the link's.
    #[test]
    fn custom_points_travel_in_the_record_and_are_checked() {
        use crate::engine::config::{Config, CustomPoint, DataKind, LossKind};
        let pts: Vec<CustomPoint> = (0..2000)
            .map(|i| CustomPoint {
                x1: (i * 37 % 1201) as i16 - 600,
                x2: (i * 91 % 1201) as i16 - 600,
                class: (i % 3) as u8,
            })
            .collect();
        let mut cfg = Config { loss: LossKind::SoftmaxCe, ..Config::default() };
        cfg.data.kind = DataKind::Custom;
        cfg.data.points = pts.clone();
        let trainer = crate::engine::trainer::Trainer::from_config(&cfg).unwrap();
        let record = recorder::Recorder::start(&trainer, "0.1.0", "test", 1.7e12).record(&trainer, 1.0);
        assert!(record.link.contains("pts_hash=") && !record.link.contains("pts="), "{}", record.link);
        assert_eq!(codec::points::decode(&record.points, codec::points::MAX_RECORD_CHARS), Ok(pts.clone()));
        let file = export_json(std::slice::from_ref(&record));
        assert_eq!(import_json(&file), Ok(vec![record.clone()]));

        let other = codec::points::encode(&pts[1..]);
        let cases = [
            (RunRecord { points: String::new(), ..record.clone() }, "is missing"),
            (RunRecord { points: "!!".into(), ..record.clone() }, "cannot be read"),
            (RunRecord { points: other.clone(), ..record.clone() }, "are not the custom points"),
            (RunRecord { points: other, ..sample("g", "data=circle") }, "are not the custom points"),
        ];
        for (bad, want) in cases {
            let err = import_json(&export_json(&[bad])).expect_err(want).to_string();
            assert!(err.contains(want), "{err} should mention {want}");
        }
        // A record from before custom data (no points field) still imports.
        assert!(import_json(&export_json(&[sample("old", "data=spiral")])).is_ok());
    }

    #[test]
    fn curves_are_downsampled_to_the_bound() {
        let m = MetricSet { train_loss: Some(1.0), test_loss: Some(f64::NAN), ..MetricSet::default() };
        let points: Vec<(u64, MetricSet)> = (0..5000).map(|s| (s, m)).collect();
        let c = curves_from(&points);
        assert_eq!(c.step.len(), MAX_POINTS);
        assert_eq!((c.step[0], *c.step.last().unwrap()), (0, 4999));
        assert!(c.test_loss.iter().all(Option::is_none), "NaN becomes null");
        assert!(validate_curves(&c).is_ok());
    }

    #[test]
    fn duplicates_need_the_same_fingerprint_and_config() {
        let stored = vec![sample("a", "v=1&lr=0.1")];
        let mut other_fp = sample("c", "lr=0.1");
        other_fp.fingerprint = "fedcba9876543210".into();
        // Same config written differently (key order, defaults) is still the same config.
        let incoming = vec![sample("b", "lr=0.1&v=1&bs=10"), other_fp, sample("d", "lr=0.2"), sample("e", "lr=0.2")];
        assert_eq!(duplicates(&stored, &incoming), vec![0, 3]);
    }
}
