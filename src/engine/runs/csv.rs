//! CSV exports of runs: one row per run (settings and metrics), or one row
//! per recorded step of every run's curves. Written with the `csv` crate
//! (RFC 4180 quoting); user text that a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@` first) is prefixed with `'`.

use super::compare::settings;
use super::{MetricSet, RunRecord};

/// One row per run: identity, timing, metrics, then every setting.
pub fn runs_csv(runs: &[RunRecord]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let setting_keys: Vec<&str> = settings("").into_iter().map(|(k, _)| k).collect();
    let mut header: Vec<String> = ["id", "name", "note", "pinned", "started_ms", "steps", "wall_ms", "diverged"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for which in ["last", "best"] {
        for m in ["train_loss", "test_loss", "train_acc", "test_acc"] {
            header.push(format!("{which}_{m}"));
        }
    }
    header.extend(["fingerprint", "app_version", "user_agent", "link"].map(String::from));
    header.extend(setting_keys.iter().map(|k| k.to_string()));
    let _ = w.write_record(&header);
    for r in runs {
        let mut row = vec![
            r.id.clone(),
            safe(&r.name),
            safe(&r.note),
            r.pinned.to_string(),
            r.started_ms.to_string(),
            r.steps.to_string(),
            r.wall_ms.to_string(),
            r.diverged.to_string(),
        ];
        row.extend(metric_cells(&r.last));
        row.extend(metric_cells(&r.best));
        row.extend([r.fingerprint.clone(), safe(&r.app_version), safe(&r.user_agent), safe(&r.link)]);
        row.extend(settings(&r.link).into_iter().map(|(_, v)| safe(&v)));
        let _ = w.write_record(&row);
    }
    finish(w)
}

/// One row per (run, recorded step).
pub fn curves_csv(runs: &[RunRecord]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "name", "step", "train_loss", "test_loss", "train_acc", "test_acc"]);
    for r in runs {
        let c = &r.curves;
        for i in 0..c.step.len() {
            let cell = |v: &[Option<f64>]| v.get(i).copied().flatten().map(|x| x.to_string()).unwrap_or_default();
            let row = [
                r.id.clone(),
                safe(&r.name),
                c.step[i].to_string(),
                cell(&c.train_loss),
                cell(&c.test_loss),
                cell(&c.train_acc),
                cell(&c.test_acc),
            ];
            let _ = w.write_record(&row);
        }
    }
    finish(w)
}

fn metric_cells(m: &MetricSet) -> [String; 4] {
    [m.train_loss, m.test_loss, m.train_acc, m.test_acc].map(|v| v.map(|x| x.to_string()).unwrap_or_default())
}

/// Text a spreadsheet would evaluate as a formula gets a leading `'`.
fn safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> String {
    w.into_inner().ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::runs::tests::sample;

    fn parse(text: &str) -> Vec<Vec<String>> {
        ::csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("valid CSV").iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn one_row_per_run_with_quoted_user_text() {
        let mut a = sample("a", "opt=adam&lr=0.01");
        a.name = "=HYPERLINK(\"x\"), \"quoted\"\nline".into();
        let b = sample("b", "lr=0.5");
        let text = runs_csv(&[a, b]);
        let header: Vec<String> =
            ::csv::Reader::from_reader(text.as_bytes()).headers().expect("header").iter().map(String::from).collect();
        let rows = parse(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1], "'=HYPERLINK(\"x\"), \"quoted\"\nline", "round-trips through a CSV reader");
        let lr = header.iter().position(|h| h == "lr").expect("lr column");
        assert_eq!((rows[0][lr].as_str(), rows[1][lr].as_str()), ("0.01", "0.5"));
        let test_acc = header.iter().position(|h| h == "last_test_acc").expect("column");
        assert_eq!(rows[0][test_acc], "", "missing metric is an empty cell");
    }

    #[test]
    fn one_row_per_recorded_step() {
        let runs = [sample("a", "v=1"), sample("b", "v=1")];
        let rows = parse(&curves_csv(&runs));
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[5][..3], ["b".to_string(), "run".to_string(), "20".to_string()]);
        assert_eq!(rows[0][3], "0.1");
    }
}
