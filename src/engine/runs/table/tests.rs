//! Tests of the runs table's model: pages, sort, cells, hidden settings,
//! diff and overlay.

#[test]
fn the_table_shows_a_page_at_a_time() {
    use super::{page_rows, page_text};
    assert_eq!(PAGE_ROWS, 25);
    assert_eq!((page_rows(0, 0), page_rows(0, 25)), (0..0, 0..25));
    assert_eq!((page_text(0, 25), page_rows(1, 25)), (None, 0..25), "one page: no pager");
    assert_eq!(page_rows(2, 130), 50..75);
    assert_eq!(page_rows(9, 130), 125..130, "past the end: the last page");
    assert_eq!(page_text(1, 130).as_deref(), Some("Runs 26–50 of 130"));
}

use super::*;
use crate::engine::runs::tests::sample;
use crate::engine::runs::MetricSet;

fn run(id: &str, link: &str, loss: Option<f64>, started: f64) -> RunRecord {
    let mut r = sample(id, link);
    r.last = MetricSet { test_loss: loss, ..r.last };
    r.started_ms = started;
    r.name = String::new();
    r
}

fn ids(list: &[RunRecord]) -> Vec<&str> {
    list.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn sorting_decodes_each_link_once() {
    let runs: Vec<RunRecord> = (0..20)
        .map(|i| run(&format!("r{i}"), &format!("lr={}", f64::from(20 - i) / 100.0), None, f64::from(i)))
        .collect();
    let mut decoded = 0;
    let list = entries_with(&runs, |link| {
        decoded += 1;
        compare::settings(link)
    });
    let list = sort(list, &Sort { column: "set:lr".into(), descending: false });
    assert_eq!(decoded, 20, "one decode per record, not per comparison");
    // 0.01 < 0.02 < … < 0.2, compared as numbers (not as text: "0.1" < "0.02").
    assert_eq!(list[0].run.id, "r19");
    assert_eq!(list[19].run.id, "r0");
}

#[test]
fn a_redraw_decodes_only_links_not_seen_before() {
    let mut runs: Vec<RunRecord> =
        (0..6).map(|i| run(&format!("r{i}"), &format!("lr=0.0{}", i % 3 + 1), None, 0.0)).collect();
    let mut decoded = Decoded::default();
    let first = decoded.entries_hiding(&runs, &[]);
    assert_eq!((decoded.decodes, first.len()), (3, 6), "three distinct links");
    assert_eq!(first[4].setting("lr"), Some("0.02"));
    runs.push(run("r6", "lr=0.5&bs=5", None, 0.0));
    let hiding = decoded.entries_hiding(&runs, &["bs".to_string()]);
    assert_eq!(decoded.decodes, 4, "only the new link is decoded");
    assert_eq!((hiding[6].setting("lr"), hiding[6].setting("bs")), (Some("0.5"), None), "hidden after the cache too");
    assert_eq!(decoded.entries_hiding(&runs, &[])[6].setting("bs"), Some("5"));
}

#[test]
fn pinned_first_then_by_column_with_empty_cells_last_both_ways() {
    let mut runs = vec![
        run("a", "lr=0.1", Some(0.5), 1.0),
        run("b", "lr=0.1", None, 2.0),
        run("c", "lr=0.1", Some(0.2), 3.0),
        run("d", "lr=0.1", Some(0.9), 4.0),
    ];
    let up = Sort { column: "test_loss".into(), descending: false };
    let down = Sort { column: "test_loss".into(), descending: true };
    assert_eq!(ids(&sorted(&runs, &up)), ["c", "a", "d", "b"]);
    assert_eq!(ids(&sorted(&runs, &down)), ["d", "a", "c", "b"]);
    runs[0].pinned = true;
    assert_eq!(ids(&sorted(&runs, &down)), ["a", "d", "c", "b"]);
    assert_eq!(ids(&sorted(&runs, &Sort::default())), ["a", "d", "c", "b"], "newest first");
    assert_eq!(ids(&chosen(&runs, &up, &["d".into(), "b".into()])), ["d", "b"]);
    assert_eq!(chosen(&runs, &up, &[]).len(), 4, "none chosen: all");
}

#[test]
fn header_clicks_flip_or_start_ascending() {
    let mut s = Sort::default();
    assert_eq!(s.marker("started"), Some((" ▼", "descending")));
    s.click("started");
    assert_eq!((s.column.as_str(), s.descending), ("started", false));
    s.click("steps");
    assert_eq!((s.column.as_str(), s.descending), ("steps", false));
    assert_eq!(s.marker("steps"), Some((" ▲", "ascending")));
    assert_eq!(s.marker("started"), None);
    s.click("started");
    assert!(s.descending, "a new started sort shows the newest first");
}

#[test]
fn cells_show_whole_numbers_figures_and_dashes() {
    assert_eq!(Cell::Num(20.0).shown(), "20");
    assert_eq!(Cell::Num(0.123_456).shown(), "0.1235");
    assert_eq!(Cell::Num(0.000_25).shown(), "2.500e-4");
    assert_eq!(Cell::Empty.shown(), "–");
    assert_eq!(Cell::Text("10".into()).order(&Cell::Text("9".into())), Ordering::Greater, "numeric text");
    assert_eq!(Cell::Text("adam".into()).order(&Cell::Text("sgd".into())), Ordering::Less);
}

#[test]
fn a_hidden_setting_is_in_no_column_diff_or_overlay_label() {
    let runs = vec![run("a", "lr=0.003&bs=10", Some(0.2), 1.7e12), run("b", "lr=0.09&bs=25", Some(0.3), 1.7e12)];
    let open = entries(&runs);
    assert_eq!(differing_keys(&open), ["lr", "bs"]);
    let hiding = entries_hiding(&runs, &["lr".to_string()]);
    assert_eq!(differing_keys(&hiding), ["bs"]);
    let ids: Vec<String> = runs.iter().map(|r| r.id.clone()).collect();
    for o in overlay(&hiding, &ids) {
        assert!(!o.label.contains("lr=") && !o.label.contains("0.003") && !o.label.contains("0.09"), "{}", o.label);
    }
    for line in diff_lines(&hiding, &hiding[0], &ids) {
        assert!(!line.text.contains("lr") && !line.keys.contains(&"lr"), "{}", line.text);
    }
}

#[test]
fn columns_and_row_cells() {
    let mut a = run("abcdefgh", "opt=adam&lr=0.01", Some(0.25), 1.7e12);
    a.changed_at = Some(7);
    let b = run("b", "opt=sgd&lr=0.01", None, 1.7e12);
    let runs = vec![a, b];
    let list = entries(&runs);
    let keys = differing_keys(&list);
    assert!(keys.contains(&"opt") && !keys.contains(&"lr"), "{keys:?}");
    let cols = columns(&keys);
    assert_eq!((cols[0].id.as_str(), cols[2].id.as_str()), ("name", "set:opt"));
    assert_eq!(cols.last().unwrap().title, "started");
    assert_eq!(cols[2].button_id(), "runs-sort-set-opt");
    let differs = diff(&list[1], &list[0]);
    let cells = row_cells(&list[0], &cols, &differs, &|_| -60.0);
    let text = |id: &str| cells.iter().find(|c| c.col == id).unwrap().clone();
    assert_eq!(text("name").text, "run abcdef");
    assert_eq!(text("set:opt").text, "adam");
    assert!(text("set:opt").differs);
    assert_eq!((text("steps").text.as_str(), text("steps").changed_at), ("20*", Some(7)));
    assert_eq!(text("test_loss").text, "0.2500");
    assert_eq!(text("test_acc").text, "–");
    // 1.7e12 ms is 2023-11-14 22:13 UTC; one hour ahead of UTC.
    assert_eq!(text("started").text, "2023-11-14 23:13");
}

#[test]
fn start_times_in_local_time() {
    assert_eq!(started_text(1.7e12, 0.0), "2023-11-14 22:13");
    assert_eq!(started_text(1.7e12, -120.0), "2023-11-15 00:13");
    assert_eq!(started_text(0.0, 300.0), "1969-12-31 19:00");
    assert_eq!(started_text(951_782_400_000.0, 0.0), "2000-02-29 00:00", "leap day");
}

#[test]
fn diff_lines_and_overlay_labels() {
    let mut base = run("base", "opt=adam&lr=0.01", None, 1.0);
    base.name = "mine".into();
    let runs = vec![base, run("x1", "opt=adam&lr=0.1", None, 2.0), run("x2", "opt=adam&lr=0.01", None, 3.0)];
    let list = entries(&runs);
    let lines = diff_lines(&list, &list[0], &[]);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].text, "run x1: lr 0.01 → 0.1");
    assert_eq!(lines[0].keys, vec!["lr"]);
    assert_eq!(lines[1].text, "run x2: same settings");
    assert!(diff_lines(&list, &list[0], &["x2".into()]).iter().all(|l| l.id == "x2"));
    let over = overlay(&list, &["base".into(), "x1".into()]);
    assert_eq!(over.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["lr=0.01", "lr=0.1"]);
    assert_eq!(over[0].train, vec![(0.0, 0.1), (10.0, 0.1), (20.0, 0.1)]);
    assert_eq!(over[0].test, vec![(0.0, 0.2), (10.0, 0.2), (20.0, 0.2)]);
    let same = overlay(&list, &["base".into(), "x2".into()]);
    assert_eq!((same[0].label.as_str(), same[1].label.as_str()), ("mine", "run x2"), "no difference: names");
}
