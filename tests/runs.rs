//! Property tests of the run-record schema: export then import is the
//! identity for any valid records; arbitrary or corrupted text never panics
//! the importer, and whatever it accepts is valid.

use gradlab::engine::runs::{self, csv, Curves, MetricSet, RunRecord};
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
                }
            },
        )
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
    fn corrupted_exports_are_rejected_or_valid(records in prop::collection::vec(record(), 1..4), cut in 0usize..4000, byte in any::<u8>()) {
        let mut text = runs::export_json(&records).into_bytes();
        let at = cut % text.len();
        text[at] = byte;
        let text = String::from_utf8_lossy(&text);
        if let Ok(runs) = runs::import_json(&text) {
            for r in &runs {
                prop_assert!(runs::validate(r).is_ok());
            }
        }
    }
}

#[test]
fn empty_curves_are_valid() {
    assert_eq!(runs::curves_from(&[]), Curves::default());
}
