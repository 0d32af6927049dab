//! Property tests of the run-record schema: export then import is the
//! identity for any valid records; arbitrary or corrupted text never panics
//! the importer; and the importer accepts exactly what the documented import
//! limits allow, judged by a test-local oracle written from those limits
//! (`runs::validate` is never used as its own judge). One explicit case per
//! validation rule checks that the rejection names the rule.

use gradlab::engine::link as codec;
use gradlab::engine::runs::{self, csv, Curves, ExportFile, ImportError, MetricSet, RunRecord};
use proptest::prelude::*;

fn metric() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), (0.0f64..1.0).prop_map(Some)]
}

fn metrics() -> impl Strategy<Value = MetricSet> {
    (metric(), metric(), metric(), metric()).prop_map(|(train_loss, test_loss, train_acc, test_acc)| MetricSet {
        train_loss,
        test_loss,
        train_acc,
        test_acc,
    })
}

fn record() -> impl Strategy<Value = RunRecord> {
    let links = prop::sample::select(vec![
        "v=1",
        "lr=0.1&bs=5",
        "data=spiral&net=8:relu,8:relu&opt=adam",
        "data=digits&loss=softmax",
    ]);
    (
        "[a-z0-9-]{1,20}",
        any::<String>().prop_map(|s| s.chars().take(100).collect::<String>()),
        any::<String>().prop_map(|s| s.chars().take(100).collect::<String>()),
        links,
        (0u64..1_000_000, 0.0f64..1e7, any::<bool>(), any::<bool>(), any::<bool>()),
        (metrics(), metrics()),
        "[0-9a-f]{16}",
        prop::collection::vec(metrics(), 0..30),
    )
        .prop_map(
            |(id, name, note, link, (steps, wall_ms, pinned, diverged, changed), (last, best), fingerprint, curve)| {
                let points: Vec<(u64, MetricSet)> =
                    curve.into_iter().enumerate().map(|(i, m)| (i as u64 * 10, m)).collect();
                RunRecord {
                    id,
                    name,
                    note,
                    pinned,
                    link: link.to_string(),
                    app_version: "0.1.0".into(),
                    user_agent: "proptest".into(),
                    started_ms: 1.7e12,
                    steps,
                    wall_ms,
                    last,
                    best,
                    diverged,
                    fingerprint,
                    curves: runs::curves_from(&points),
                    changed_at: changed.then_some(steps / 2),
                    points: String::new(),
                }
            },
        )
}

/// Curves of `n` points, steps 0, 1, 2, … and every value null.
fn empty_curves(n: usize) -> Curves {
    Curves {
        step: (0..n as u64).collect(),
        train_loss: vec![None; n],
        test_loss: vec![None; n],
        train_acc: vec![None; n],
        test_acc: vec![None; n],
    }
}

/// A valid record with at most one field pushed to, just past or well past
/// one documented limit (`kind` picks the field, `x` and `text` the value).
/// Many of these stay valid (a boundary value, a lucky string), so the
/// oracle below decides, not the generator.
fn loose_record() -> impl Strategy<Value = RunRecord> {
    let links = prop::sample::select(vec!["v=1", "lr=banana", "bs=0", "opt=sgd&lr=0.5", "data=nowhere", "lr=0.1"]);
    (record(), 0usize..14, -0.5f64..1.5, "[a-zA-Z0-9<> é_-]{0,70}", "[0-9a-gA-G]{14,18}", links, -2i64..=2).prop_map(
        |(mut r, kind, x, text, fingerprint, link, delta)| {
            let near = |limit: usize| (limit as i64 + delta).max(0) as usize;
            match kind {
                1 => r.id = text,
                2 => r.fingerprint = fingerprint,
                3 => r.name = "é".repeat(near(runs::MAX_TEXT)),
                4 => r.user_agent = "a".repeat(near(runs::MAX_TEXT)),
                5 => r.last.train_acc = Some(x),
                6 => r.best.test_acc = Some(x),
                7 => r.wall_ms = x,
                8 => r.started_ms = x,
                9 => r.changed_at = Some((r.steps as i64 + delta).max(0) as u64),
                10 => r.link = link.to_string(),
                11 => r.curves = empty_curves(near(runs::MAX_POINTS)),
                12 if r.curves.step.len() >= 2 => r.curves.step[1] = (r.curves.step[0] as i64 + delta).max(0) as u64,
                13 if !r.curves.step.is_empty() => {
                    let n = r.curves.test_acc.len();
                    r.curves.test_acc.resize((n as i64 + delta).max(0) as usize, Some(0.5));
                }
                _ => {}
            }
            r
        },
    )
}

/// The import limits of `engine::runs` (module and constant docs), written
/// out independently of `runs::validate`: `Err` holds a word that the
/// importer's reason must contain.
fn oracle(r: &RunRecord) -> Result<(), &'static str> {
    let texts = [(&r.name, "name"), (&r.note, "note"), (&r.user_agent, "user_agent"), (&r.app_version, "app_version")];
    for (text, field) in texts {
        if text.chars().count() > runs::MAX_TEXT {
            return Err(field);
        }
    }
    let id_ok = (1..=64).contains(&r.id.len()) && r.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !id_ok {
        return Err("id");
    }
    if !(r.fingerprint.len() == 16 && r.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err("fingerprint");
    }
    if r.link.len() > runs::MAX_LINK || !codec::decode(&r.link).1.is_empty() {
        return Err("link");
    }
    let time_ok = |v: f64| v.is_finite() && v >= 0.0;
    if !(time_ok(r.started_ms) && time_ok(r.wall_ms)) {
        return Err("started_ms and wall_ms");
    }
    if matches!(r.changed_at, Some(s) if s > r.steps) {
        return Err("changed_at");
    }
    let metrics_ok = |m: &MetricSet| {
        let acc = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && (0.0..=1.0).contains(&v));
        let loss = |v: Option<f64>| v.is_none_or(f64::is_finite);
        loss(m.train_loss) && loss(m.test_loss) && acc(m.train_acc) && acc(m.test_acc)
    };
    if !metrics_ok(&r.last) {
        return Err("last metrics");
    }
    if !metrics_ok(&r.best) {
        return Err("best metrics");
    }
    let c = &r.curves;
    let n = c.step.len();
    if n > runs::MAX_POINTS {
        return Err("curves hold");
    }
    let series = [&c.train_loss, &c.test_loss, &c.train_acc, &c.test_acc];
    if series.iter().any(|s| s.len() != n) {
        return Err("one value per step");
    }
    if (1..n).any(|i| c.step[i] <= c.step[i - 1]) {
        return Err("steps must increase");
    }
    if series.iter().any(|s| s.iter().any(|v| v.is_some_and(|v| !v.is_finite()))) {
        return Err("curve values must be finite");
    }
    Ok(())
}

/// Whether a whole file is within the limits: size, export shape (serde),
/// schema name and version, number of runs, every record.
fn file_oracle(text: &str) -> Result<Vec<RunRecord>, String> {
    if text.len() > runs::MAX_IMPORT_BYTES {
        return Err("too large".into());
    }
    let file: ExportFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if file.schema != runs::SCHEMA || !(1..=runs::SCHEMA_VERSION).contains(&file.version) {
        return Err("schema".into());
    }
    if file.runs.len() > runs::MAX_RUNS {
        return Err("runs".into());
    }
    for r in &file.runs {
        oracle(r)?;
    }
    Ok(file.runs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn export_import_round_trips(records in prop::collection::vec(record(), 0..8)) {
        let back = runs::import_json(&runs::export_json(&records));
        prop_assert_eq!(back, Ok(records.clone()));
        // Both CSV writers produce one line of data per row, whatever the text.
        let rows = ::csv::Reader::from_reader(csv::runs_csv(&records).as_bytes()).records().count();
        prop_assert_eq!(rows, records.len());
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = runs::import_json(&text);
    }

    #[test]
    fn import_accepts_exactly_the_records_within_the_limits(records in prop::collection::vec(loose_record(), 1..5)) {
        let text = runs::export_json(&records);
        let first_bad = records.iter().enumerate().find_map(|(i, r)| oracle(r).err().map(|rule| (i, rule)));
        match (runs::import_json(&text), first_bad) {
            (Ok(back), None) => prop_assert_eq!(back, records),
            (Err(ImportError::BadRecord(i, reason)), Some((j, rule))) => {
                prop_assert_eq!(i, j);
                prop_assert!(reason.contains(rule), "record {} broke {:?}, rejected for {:?}", j, rule, reason);
            }
            (got, want) => prop_assert!(false, "import gave {:?}; the limits say {:?}", got, want),
        }
    }

    #[test]
    fn corrupted_exports_are_imported_only_within_the_limits(records in prop::collection::vec(record(), 1..4), cut in 0usize..4000, byte in any::<u8>()) {
        let mut text = runs::export_json(&records).into_bytes();
        let at = cut % text.len();
        text[at] = byte;
        let text = String::from_utf8_lossy(&text);
        match (runs::import_json(&text), file_oracle(&text)) {
            (Ok(got), Ok(want)) => prop_assert_eq!(got, want),
            (Err(_), Err(_)) => {}
            (got, want) => prop_assert!(false, "import gave {:?}; the limits say {:?}", got, want),
        }
    }
}

/// A valid record: the base of the one-rule cases.
fn sample() -> RunRecord {
    let m = MetricSet { train_loss: Some(0.3), test_loss: Some(0.4), train_acc: Some(0.9), test_acc: Some(0.8) };
    RunRecord {
        id: "run-1".into(),
        name: "baseline".into(),
        note: String::new(),
        pinned: false,
        link: "v=1&lr=0.1".into(),
        app_version: "0.1.0".into(),
        user_agent: "test".into(),
        started_ms: 1.7e12,
        steps: 100,
        wall_ms: 50.0,
        last: m,
        best: m,
        diverged: false,
        fingerprint: "0123456789abcdef".into(),
        curves: runs::curves_from(&[(0, m), (50, m), (100, m)]),
        changed_at: Some(40),
        points: String::new(),
    }
}

/// Exports `[valid, bad]`, imports it, and expects run 2 rejected for `rule`.
fn assert_rejected(bad: RunRecord, rule: &str) {
    assert_eq!(oracle(&bad).err(), Some(rule), "the oracle must agree that this breaks {rule:?}");
    let err = runs::import_json(&runs::export_json(&[sample(), bad])).expect_err(rule);
    match &err {
        ImportError::BadRecord(1, reason) => assert!(reason.contains(rule), "{reason:?} should name {rule:?}"),
        other => panic!("breaking {rule:?}: {other:?}"),
    }
    assert!(err.to_string().starts_with("run 2 is invalid: "), "{err}");
}

#[test]
fn each_record_rule_rejects_its_record_by_name() {
    assert_eq!(runs::import_json(&runs::export_json(&[sample()])), Ok(vec![sample()]));
    let with = |f: &dyn Fn(&mut RunRecord)| {
        let mut r = sample();
        f(&mut r);
        r
    };
    let long = "x".repeat(runs::MAX_TEXT + 1);
    let cases: Vec<(RunRecord, &str)> = vec![
        (with(&|r| r.name = long.clone()), "name"),
        (with(&|r| r.note = long.clone()), "note"),
        (with(&|r| r.user_agent = long.clone()), "user_agent"),
        (with(&|r| r.app_version = long.clone()), "app_version"),
        (with(&|r| r.id = String::new()), "id"),
        (with(&|r| r.id = "a".repeat(65)), "id"),
        (with(&|r| r.id = "<script>".into()), "id"),
        (with(&|r| r.fingerprint = "0123456789abcde".into()), "fingerprint"),
        (with(&|r| r.fingerprint = "0123456789abcdeg".into()), "fingerprint"),
        (with(&|r| r.link = "lr=0.1&".repeat(runs::MAX_LINK / 7 + 1)), "link"),
        (with(&|r| r.link = "lr=banana".into()), "link"),
        (with(&|r| r.started_ms = -1.0), "started_ms and wall_ms"),
        (with(&|r| r.wall_ms = -0.5), "started_ms and wall_ms"),
        (with(&|r| r.changed_at = Some(101)), "changed_at"),
        (with(&|r| r.last.test_acc = Some(1.5)), "last metrics"),
        (with(&|r| r.best.train_acc = Some(-0.1)), "best metrics"),
        (with(&|r| r.curves = empty_curves(runs::MAX_POINTS + 1)), "curves hold"),
        (with(&|r| r.curves.train_acc.truncate(2)), "one value per step"),
        (with(&|r| r.curves.step[2] = 50), "steps must increase"),
    ];
    for (bad, rule) in cases {
        assert_rejected(bad, rule);
    }
    // The precise messages of a few rules.
    let reason = |r: RunRecord| runs::validate(&r).unwrap_err();
    assert_eq!(reason(with(&|r| r.name = long.clone())), "name is longer than 2000 characters");
    assert_eq!(reason(with(&|r| r.link = "lr=banana".into())).split(':').next(), Some("link field lr is rejected"));
    assert_eq!(reason(with(&|r| r.curves = empty_curves(1001))), "curves hold 1001 points; at most 1000");
}

#[test]
fn values_exactly_at_the_limits_are_accepted() {
    let mut r = sample();
    r.name = "é".repeat(runs::MAX_TEXT); // characters, not bytes: 4000 bytes
    r.note = "n".repeat(runs::MAX_TEXT);
    r.id = "A-9".repeat(21) + "z";
    r.fingerprint = "ABCDEF0123456789".into();
    r.started_ms = 0.0;
    r.wall_ms = 0.0;
    r.changed_at = Some(r.steps);
    r.last.train_acc = Some(1.0);
    r.best.test_acc = Some(0.0);
    r.curves = empty_curves(runs::MAX_POINTS);
    assert_eq!(r.id.len(), 64);
    assert_eq!(oracle(&r), Ok(()));
    assert_eq!(runs::import_json(&runs::export_json(std::slice::from_ref(&r))), Ok(vec![r]));
}

#[test]
fn non_finite_numbers_never_enter_a_store() {
    // JSON has no NaN or ∞: serde_json writes them as null and rejects
    // overflowing literals, so the finiteness rules are checked on the
    // record itself and through what an export of one turns into.
    let mut r = sample();
    r.last.train_loss = Some(f64::NAN);
    r.curves.test_loss[1] = Some(f64::INFINITY);
    assert_eq!(runs::validate(&r).unwrap_err(), "last metrics must be finite, accuracies within [0, 1]");
    r.last.train_loss = Some(0.3);
    assert_eq!(runs::validate(&r).unwrap_err(), "curve values must be finite (or null)");
    // Exported, a non-finite optional value becomes null, i.e. no value.
    let back = runs::import_json(&runs::export_json(std::slice::from_ref(&r))).expect("null is a missing value");
    assert_eq!(back[0].curves.test_loss[1], None);
    // A non-finite time cannot be written at all: null is not a number.
    r.wall_ms = f64::INFINITY;
    let err = runs::import_json(&runs::export_json(&[r])).expect_err("null wall_ms");
    assert!(matches!(&err, ImportError::Malformed(m) if m.contains("expected f64")), "{err:?}");
    let text = runs::export_json(&[sample()]).replace("\"wall_ms\": 50.0", "\"wall_ms\": 1e999");
    assert!(matches!(runs::import_json(&text), Err(ImportError::Malformed(_))));
}

#[test]
fn file_level_limits_are_enforced() {
    let good = runs::export_json(&[sample()]);
    let version = |v: &str| good.replace("\"version\": 1", &format!("\"version\": {v}"));
    assert!(matches!(runs::import_json(&version("0")), Err(ImportError::WrongSchema(m)) if m.contains("version 0")));
    assert!(matches!(runs::import_json(&version("2")), Err(ImportError::WrongSchema(m)) if m.contains("version 2")));
    let other = good.replace("\"gradlab-runs\"", "\"gradlab-runz\"");
    assert!(matches!(runs::import_json(&other), Err(ImportError::WrongSchema(m)) if m.contains("schema")));
    // MAX_RUNS runs are fine, one more is not.
    let mut many: Vec<RunRecord> = (0..runs::MAX_RUNS).map(|i| RunRecord { id: format!("r{i}"), ..sample() }).collect();
    assert_eq!(runs::import_json(&runs::export_json(&many)).map(|r| r.len()), Ok(runs::MAX_RUNS));
    many.push(sample());
    assert_eq!(runs::import_json(&runs::export_json(&many)), Err(ImportError::TooManyRuns(runs::MAX_RUNS + 1)));
    // The size is checked before parsing: a valid file padded past the limit.
    let padded = format!("{good}{}", " ".repeat(runs::MAX_IMPORT_BYTES + 1 - good.len()));
    assert_eq!(runs::import_json(&padded[..runs::MAX_IMPORT_BYTES]).map(|r| r.len()), Ok(1));
    assert_eq!(runs::import_json(&padded), Err(ImportError::TooLarge(runs::MAX_IMPORT_BYTES + 1)));
}

#[test]
fn empty_curves_are_valid() {
    assert_eq!(runs::curves_from(&[]), Curves::default());
    let r = RunRecord { curves: Curves::default(), ..sample() };
    assert_eq!(oracle(&r), Ok(()));
    assert_eq!(runs::import_json(&runs::export_json(std::slice::from_ref(&r))), Ok(vec![r]));
}
