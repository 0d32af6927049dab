//! The runs table as data: its columns, the text and sort value of every
//! cell, the sort order, the diff against a baseline and the overlay of the
//! chosen runs. The page's runs panel (`web::runs`) only turns this model
//! into elements; everything it shows is decided, and tested, here.
//!
//! Each record's link is decoded once per table ([`Entry`]): sorting,
//! the setting columns, the diff and the overlay labels all read the
//! decoded settings instead of decoding the link again for every use.

use super::compare::{self, Difference};
use super::RunRecord;
use crate::engine::format;
use std::cmp::Ordering;

/// Metric columns after the settings, by id (their headers: [`header`]).
pub const METRICS: &[&str] = &["steps", "train_loss", "test_loss", "best_test_loss", "test_acc", "started"];
/// Most runs overlaid in one chart.
pub const MAX_OVERLAY: usize = 4;

/// Rows the table shows at once, a page at a time: a thousand rows would
/// take the browser hundreds of milliseconds to lay out, fifty about 35 ms
/// on a 2-core laptop (too close to the page's 50 ms bound on a task); the
/// scroll box shows about seventeen.
pub const PAGE_ROWS: usize = 25;

/// The rows of page `page` (from 0; clamped to the last) of `total` rows.
pub fn page_rows(page: usize, total: usize) -> std::ops::Range<usize> {
    let start = page.min(total.saturating_sub(1) / PAGE_ROWS) * PAGE_ROWS;
    start..(start + PAGE_ROWS).min(total)
}

/// What the pager says for page `page` of `total` rows (`None`: one page holds them all).
pub fn page_text(page: usize, total: usize) -> Option<String> {
    let rows = page_rows(page, total);
    (total > PAGE_ROWS).then(|| crate::tr!("runs.table.page", first = rows.start + 1, last = rows.end, total = total))
}
/// Most runs listed in the diff.
pub const MAX_DIFF: usize = 50;

/// A record's settings, as [`compare::settings`] gives them.
pub type Settings = Vec<(&'static str, String)>;

/// A sortable cell value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A number (shown whole when it is whole).
    Num(f64),
    /// Text (sorted as a number when it parses as one).
    Text(String),
    /// Nothing: shown `–`, sorted last either way.
    Empty,
}

impl Cell {
    /// The cell's text.
    pub fn shown(&self) -> String {
        match self {
            Cell::Num(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v}"),
            Cell::Num(v) => format::figure(*v),
            Cell::Text(t) => t.clone(),
            Cell::Empty => "–".into(),
        }
    }

    /// Ascending order: numbers (and numeric text) by value, other text by
    /// its characters, empty cells last.
    pub fn order(&self, other: &Cell) -> Ordering {
        let num = |c: &Cell| match c {
            Cell::Num(v) => Some(*v),
            Cell::Text(t) => t.parse::<f64>().ok(),
            Cell::Empty => None,
        };
        match (self, other) {
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Greater,
            (_, Cell::Empty) => Ordering::Less,
            _ => match (num(self), num(other)) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.shown().cmp(&other.shown()),
            },
        }
    }
}

/// The sort column and direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    /// Column id.
    pub column: String,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first.
    fn default() -> Self {
        Sort { column: "started".into(), descending: true }
    }
}

impl Sort {
    /// A click on a header: the same column flips, another sorts ascending
    /// (newest first for `started`).
    pub fn click(&mut self, column: &str) {
        self.descending = if self.column == column { !self.descending } else { column == "started" };
        self.column = column.to_string();
    }

    /// The header's arrow and `aria-sort` for `column` (None: not sorted by it).
    pub fn marker(&self, column: &str) -> Option<(&'static str, &'static str)> {
        (self.column == column).then_some(if self.descending { (" ▼", "descending") } else { (" ▲", "ascending") })
    }
}

/// One record with its link decoded.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The record.
    pub run: &'a RunRecord,
    /// Its settings.
    pub settings: Settings,
}

impl Entry<'_> {
    /// The value of column `col`: a metric, `name`, `note`, or `set:<key>`.
    pub fn cell(&self, col: &str) -> Cell {
        let r = self.run;
        let num = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Num);
        match col {
            "name" => Cell::Text(r.name.clone()),
            "note" => Cell::Text(r.note.clone()),
            "steps" => Cell::Num(r.steps as f64),
            "train_loss" => num(r.last.train_loss),
            "test_loss" => num(r.last.test_loss),
            "best_test_loss" => num(r.best.test_loss),
            "test_acc" => num(r.last.test_acc),
            "started" => Cell::Num(r.started_ms),
            _ => match col.strip_prefix("set:") {
                Some(key) => self.setting(key).map_or(Cell::Empty, |v| Cell::Text(v.to_string())),
                None => Cell::Empty,
            },
        }
    }

    /// The value of setting `key`, None when the config does not write it.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }
}

/// Decodes each record's link once, with `decode` (counted in tests).
pub fn entries_with<'a>(runs: &'a [RunRecord], mut decode: impl FnMut(&str) -> Settings) -> Vec<Entry<'a>> {
    runs.iter().map(|run| Entry { run, settings: decode(&run.link) }).collect()
}

/// Each record with its settings.
pub fn entries(runs: &[RunRecord]) -> Vec<Entry<'_>> {
    entries_with(runs, compare::settings)
}

/// Each record with its settings, leaving out those a class link hides
/// (`hidden`: link keys), so that no column, diff line or overlay label on
/// that page shows them.
pub fn entries_hiding<'a>(runs: &'a [RunRecord], hidden: &[String]) -> Vec<Entry<'a>> {
    Decoded::default().entries_hiding(runs, hidden)
}

/// The settings of every link decoded so far, so that a panel redrawn for a
/// page turn, a sort or a choice decodes no link again (hundreds of runs
/// would cost milliseconds a redraw).
#[derive(Debug, Default)]
pub struct Decoded {
    by_link: std::collections::HashMap<String, Settings>,
    /// Links decoded (not found in the map), for tests.
    pub decodes: usize,
}

impl Decoded {
    /// [`entries_hiding`], decoding only links not seen before.
    pub fn entries_hiding<'a>(&mut self, runs: &'a [RunRecord], hidden: &[String]) -> Vec<Entry<'a>> {
        entries_with(runs, |link| {
            let mut settings = self.settings(link).clone();
            settings.retain(|(k, _)| !hidden.iter().any(|h| h == k));
            settings
        })
    }

    /// The settings of `link`, decoded now if they were not before (a page
    /// learns the links of an import a slice at a time, so that its next
    /// redraw decodes none).
    pub fn settings(&mut self, link: &str) -> &Settings {
        if !self.by_link.contains_key(link) {
            self.decodes += 1;
            self.by_link.insert(link.to_string(), compare::settings(link));
        }
        &self.by_link[link]
    }
}

/// Pinned runs first, then by the sort column (empty cells last in either
/// direction); stable. Each entry's sort value is computed once.
pub fn sort<'a>(entries: Vec<Entry<'a>>, sort: &Sort) -> Vec<Entry<'a>> {
    let mut keyed: Vec<(Cell, Entry<'a>)> = entries.into_iter().map(|e| (e.cell(&sort.column), e)).collect();
    keyed.sort_by(|(ca, a), (cb, b)| {
        let by = ca.order(cb);
        let empty_last = matches!(ca, Cell::Empty) != matches!(cb, Cell::Empty);
        let by = if sort.descending && !empty_last { by.reverse() } else { by };
        b.run.pinned.cmp(&a.run.pinned).then(by)
    });
    keyed.into_iter().map(|(_, e)| e).collect()
}

/// The records in table order.
pub fn sorted(runs: &[RunRecord], by: &Sort) -> Vec<RunRecord> {
    sort(entries(runs), by).into_iter().map(|e| e.run.clone()).collect()
}

/// The chosen records in table order, or every record when none is chosen.
pub fn chosen(runs: &[RunRecord], by: &Sort, selected: &[String]) -> Vec<RunRecord> {
    let list = sorted(runs, by);
    let picked: Vec<RunRecord> = list.iter().filter(|r| selected.contains(&r.id)).cloned().collect();
    if picked.is_empty() {
        list
    } else {
        picked
    }
}

/// The setting keys whose values are not the same in every entry, in table order.
pub fn differing_keys(entries: &[Entry<'_>]) -> Vec<&'static str> {
    let all: Vec<&Settings> = entries.iter().map(|e| &e.settings).collect();
    compare::differing_keys_of(&all)
}

/// A column: its id (`name`, `set:lr`, `steps`, …) and header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Id, the `data-col` of its cells.
    pub id: String,
    /// Header text.
    pub title: String,
}

impl Column {
    /// The id of its sort button (`runs-sort-set-lr`).
    pub fn button_id(&self) -> String {
        format!("runs-sort-{}", self.id.replace(':', "-"))
    }
}

/// Name, note, the differing settings (headed by their link keys), then the metrics.
pub fn columns(keys: &[&str]) -> Vec<Column> {
    let col = |id: &str, title: String| Column { id: id.to_string(), title };
    let mut cols = vec![col("name", header("name")), col("note", header("note"))];
    cols.extend(keys.iter().map(|k| col(&format!("set:{k}"), k.to_string())));
    cols.extend(METRICS.iter().map(|c| col(c, header(c))));
    cols
}

/// The header of the column `id` (name, note or a metric), in the page's
/// language; the id itself for any other column.
pub fn header(id: &str) -> String {
    match id {
        "name" => crate::tr!("runs.col.name"),
        "note" => crate::tr!("runs.col.note"),
        "steps" => crate::tr!("runs.col.steps"),
        "train_loss" => crate::tr!("runs.col.train_loss"),
        "test_loss" => crate::tr!("runs.col.test_loss"),
        "best_test_loss" => crate::tr!("runs.col.best_test_loss"),
        "test_acc" => crate::tr!("runs.col.test_acc"),
        "started" => crate::tr!("runs.col.started"),
        other => other.to_string(),
    }
}

/// A run's short name: its name, or `run` and the start of its id.
pub fn short(r: &RunRecord) -> String {
    if r.name.is_empty() {
        crate::tr!("runs.table.short", id = &r.id[..r.id.len().min(6)])
    } else {
        r.name.clone()
    }
}

/// `YYYY-MM-DD hh:mm` of `ms` (since the Unix epoch) in a zone
/// `offset_min` minutes behind UTC (JavaScript's `getTimezoneOffset`).
pub fn started_text(ms: f64, offset_min: f64) -> String {
    let minutes = ((ms - offset_min * 60_000.0) / 60_000.0).floor() as i64;
    let (year, month, day) = civil_date(minutes.div_euclid(1440));
    let of_day = minutes.rem_euclid(1440);
    format!("{year}-{month:02}-{day:02} {:02}:{:02}", of_day / 60, of_day % 60)
}

/// Year, month and day of a count of days since 1970-01-01 (proleptic
/// Gregorian calendar; H. Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The title of a steps cell whose run changed a setting mid-run.
pub fn changed_title(at: u64) -> String {
    crate::tr!("runs.table.changed", step = at)
}

/// One cell as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    /// Column id.
    pub col: String,
    /// Its text.
    pub text: String,
    /// A setting that differs from the baseline's.
    pub differs: bool,
    /// The steps cell of a run changed mid-run: the step (the text is starred).
    pub changed_at: Option<u64>,
}

/// The cells of one row, in column order. `offset_min` gives the time
/// zone's offset at an instant (for the started column).
pub fn row_cells(
    e: &Entry<'_>,
    cols: &[Column],
    differs: &[Difference],
    offset_min: &dyn Fn(f64) -> f64,
) -> Vec<CellView> {
    let r = e.run;
    cols.iter()
        .map(|col| {
            let c = e.cell(&col.id);
            let text = match (col.id.as_str(), &c) {
                ("started", Cell::Num(ms)) => started_text(*ms, offset_min(*ms)),
                ("name", _) => short(r),
                (id, _) if id.starts_with("set:") => crate::engine::link::changes::shown(&c.shown()),
                _ => c.shown(),
            };
            let changed_at = r.changed_at.filter(|_| col.id == "steps");
            let text = if changed_at.is_some() { format!("{text}*") } else { text };
            let differs = col.id.strip_prefix("set:").is_some_and(|k| differs.iter().any(|d| d.key == k));
            CellView { col: col.id.clone(), text, differs, changed_at }
        })
        .collect()
}

/// The differences of `e`'s settings from the baseline's.
pub fn diff(baseline: &Entry<'_>, e: &Entry<'_>) -> Vec<Difference> {
    compare::diff_settings(&baseline.settings, &e.settings)
}

/// One line of the diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    /// The run's id.
    pub id: String,
    /// `name: lr 0.03 → 0.1, bs 10 → 32` or `name: same settings`.
    pub text: String,
    /// The differing keys.
    pub keys: Vec<&'static str>,
}

/// The diff of the chosen runs (every run when none is chosen) against the
/// baseline, in table order, at most [`MAX_DIFF`].
pub fn diff_lines(entries: &[Entry<'_>], baseline: &Entry<'_>, selected: &[String]) -> Vec<DiffLine> {
    let or_dash = |v: &str| if v.is_empty() { "–".to_string() } else { v.to_string() };
    entries
        .iter()
        .filter(|e| e.run.id != baseline.run.id && (selected.is_empty() || selected.contains(&e.run.id)))
        .take(MAX_DIFF)
        .map(|e| {
            let d = diff(baseline, e);
            let text = if d.is_empty() {
                crate::tr!("runs.diff.same", run = short(e.run))
            } else {
                let parts: Vec<String> =
                    d.iter().map(|x| format!("{} {} → {}", x.key, or_dash(&x.baseline), or_dash(&x.value))).collect();
                crate::tr!("runs.diff.line", run = short(e.run), changes = parts.join(", "))
            };
            DiffLine { id: e.run.id.clone(), text, keys: d.iter().map(|x| x.key).collect() }
        })
        .collect()
}

/// One run of the overlay chart.
#[derive(Clone, Debug, PartialEq)]
pub struct OverlayRun {
    /// The run's id.
    pub id: String,
    /// Its legend: the settings that differ among the overlaid runs.
    pub label: String,
    /// `(step, train loss)` points.
    pub train: Vec<(f64, f64)>,
    /// `(step, test loss)` points.
    pub test: Vec<(f64, f64)>,
}

/// The chosen runs to overlay, in table order, at most [`MAX_OVERLAY`].
pub fn overlay(entries: &[Entry<'_>], selected: &[String]) -> Vec<OverlayRun> {
    let picked: Vec<Entry<'_>> =
        entries.iter().filter(|e| selected.contains(&e.run.id)).take(MAX_OVERLAY).cloned().collect();
    let keys = differing_keys(&picked);
    picked
        .iter()
        .map(|e| {
            let r = e.run;
            let points = |s: &[Option<f64>]| -> Vec<(f64, f64)> {
                r.curves.step.iter().zip(s).filter_map(|(x, y)| y.map(|y| (*x as f64, y))).collect()
            };
            let label = label(e, &keys);
            let label = if label.is_empty() { short(r) } else { label };
            OverlayRun {
                id: r.id.clone(),
                label,
                train: points(&r.curves.train_loss),
                test: points(&r.curves.test_loss),
            }
        })
        .collect()
}

/// `key=value` over the `keys` this run has a value for (a parameter of
/// another optimizer is left out rather than shown empty); the run's name
/// when none.
pub fn label(e: &Entry<'_>, keys: &[&'static str]) -> String {
    let parts: Vec<String> = keys.iter().filter_map(|k| e.setting(k).map(|v| format!("{k}={v}"))).collect();
    if parts.is_empty() {
        e.run.name.clone()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests;
