//! The runs panel (`#runs`): the run history kept in IndexedDB (through the
//! `idb` crate), its sortable table, the diff against a baseline, the overlay
//! of up to four runs, and export/import.
//!
//! The panel keeps every run of the store in memory and writes changes in the
//! background; a failing store (no IndexedDB, blocked, quota) only turns
//! history off: the panel says so, keeps this tab's runs in memory, and export
//! still works. Everything a run carries (name, note, link) is shown with
//! `textContent` or as an input's value, never as HTML. Links (open) go through
//! `location.hash`, which the app already follows.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use idb::{Database, ObjectStore, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlAnchorElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

use super::dom::{self, set_attr, set_text, show};
use crate::engine::runs::{self, compare, RunRecord, MAX_IMPORT_BYTES, MAX_TEXT};
use crate::viz::chart::{ChartSpec, Curve};

/// IndexedDB database name.
const DB_NAME: &str = "gradlab";
/// Object store of run records (JSON text keyed by run id).
const STORE: &str = "runs";
/// Colours of the overlaid runs, in selection order.
pub const COLORS: [[u8; 3]; 4] = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189]];
/// Most runs overlaid in one chart.
pub const MAX_OVERLAY: usize = 4;

/// Whether the store is usable.
#[derive(Clone, Debug, PartialEq)]
enum History {
    Opening,
    On,
    Off(String),
}

/// The panel's elements.
struct Els {
    status: HtmlElement,
    msg: HtmlElement,
    count: HtmlElement,
    table: Element,
    diff: Element,
    chart: HtmlCanvasElement,
    legend: Element,
    edit: HtmlElement,
    edit_name: HtmlInputElement,
    edit_note: HtmlInputElement,
    import: HtmlInputElement,
}

/// The panel's state, shared by its listeners and background writes.
struct Inner {
    els: Els,
    db: Option<Rc<Database>>,
    history: History,
    runs: Vec<RunRecord>,
    /// Ids saved before the store opened (written once it does).
    pending: Vec<String>,
    /// Sort column and whether descending.
    sort: (String, bool),
    selected: Vec<String>,
    baseline: Option<String>,
    editing: Option<String>,
}

/// The runs panel; the app hands it snapshots of the live run.
pub struct RunsPanel {
    inner: Rc<RefCell<Inner>>,
    _listeners: Vec<EventListener>,
}

impl RunsPanel {
    /// Binds to `#runs`, wires its controls and starts opening the store.
    pub fn new(document: &Document) -> Result<RunsPanel, String> {
        let els = Els {
            status: dom::by_id(document, "runs-status")?,
            msg: dom::by_id(document, "runs-msg")?,
            count: dom::by_id(document, "runs-count")?,
            table: dom::typed(document, "runs-table")?,
            diff: dom::typed(document, "runs-diff")?,
            chart: dom::typed(document, "runs-chart")?,
            legend: dom::typed(document, "runs-legend")?,
            edit: dom::by_id(document, "runs-edit")?,
            edit_name: dom::typed(document, "run-edit-name")?,
            edit_note: dom::typed(document, "run-edit-note")?,
            import: dom::typed(document, "runs-import")?,
        };
        let inner = Rc::new(RefCell::new(Inner {
            els,
            db: None,
            history: History::Opening,
            runs: Vec::new(),
            pending: Vec::new(),
            sort: ("started".into(), true),
            selected: Vec::new(),
            baseline: None,
            editing: None,
        }));
        let mut listeners = Vec::new();
        let on = |id: &str, event: &'static str, f: fn(&Rc<RefCell<Inner>>, &web_sys::Event)| {
            let el = dom::by_id(document, id)?;
            let rc = Rc::clone(&inner);
            Ok::<_, String>(EventListener::new(&el, event, move |e| f(&rc, e)))
        };
        listeners.push(on("runs-table", "click", table_click)?);
        listeners.push(on("runs-export-json", "click", |rc, _| export(rc, "json"))?);
        listeners.push(on("runs-export-csv", "click", |rc, _| export(rc, "csv"))?);
        listeners.push(on("runs-export-curves", "click", |rc, _| export(rc, "curves"))?);
        listeners.push(on("runs-import", "change", |rc, _| import(rc))?);
        listeners.push(on("run-edit-save", "click", |rc, _| finish_edit(rc, true))?);
        listeners.push(on("run-edit-cancel", "click", |rc, _| finish_edit(rc, false))?);
        listeners.push(on("runs-select-none", "click", |rc, _| {
            rc.borrow_mut().selected.clear();
            render(rc);
        })?);
        for (button, canvas) in [
            ("png-chart-loss", "chart-loss"),
            ("png-chart-acc", "chart-acc"),
            ("png-runs-chart", "runs-chart"),
            ("png-lockstep-chart", "lockstep-chart"),
        ] {
            let el = dom::by_id(document, button)?;
            let canvas: HtmlCanvasElement = dom::typed(document, canvas)?;
            listeners.push(EventListener::new(&el, "click", move |_| {
                if let Ok(url) = canvas.to_data_url() {
                    click_download(&url, &format!("gradlab-{}.png", canvas.id()));
                }
            }));
        }
        render(&inner);
        open_store(&inner);
        Ok(RunsPanel { inner, _listeners: listeners })
    }

    /// Saves a snapshot of a run (the live one): keeps the user's name, note
    /// and pin of the stored copy, updates the table, writes in the background.
    pub fn save(&self, mut record: RunRecord) {
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(old) = inner.runs.iter_mut().find(|r| r.id == record.id) {
                record.name = old.name.clone();
                record.note = old.note.clone();
                record.pinned = old.pinned;
                *old = record.clone();
            } else {
                inner.runs.push(record.clone());
            }
        }
        persist(&self.inner, vec![record]);
        render(&self.inner);
    }
}

/// Opens (creating if needed) the store and loads every valid record.
fn open_store(rc: &Rc<RefCell<Inner>>) {
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        match load().await {
            Ok((db, stored)) => {
                let db = Rc::new(db);
                let unsaved = {
                    let mut inner = rc.borrow_mut();
                    inner.db = Some(Rc::clone(&db));
                    inner.history = History::On;
                    let live: Vec<RunRecord> = std::mem::take(&mut inner.runs);
                    let pending = std::mem::take(&mut inner.pending);
                    inner.runs = stored;
                    let mut unsaved = Vec::new();
                    for r in live {
                        if let Some(old) = inner.runs.iter_mut().find(|s| s.id == r.id) {
                            *old = r.clone();
                        } else {
                            inner.runs.push(r.clone());
                        }
                        if pending.contains(&r.id) {
                            unsaved.push(r);
                        }
                    }
                    unsaved
                };
                if !unsaved.is_empty() {
                    persist(&rc, unsaved);
                }
            }
            Err(reason) => rc.borrow_mut().history = History::Off(reason),
        }
        render(&rc);
    });
}

async fn load() -> Result<(Database, Vec<RunRecord>), String> {
    let db = Database::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::builder(STORE))
        .build()
        .await
        .map_err(|e| reason(&e))?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly).map_err(|e| reason(&e))?;
    let store = tx.object_store(STORE).map_err(|e| reason(&e))?;
    let values = store.get_all(None, None).map_err(|e| reason(&e))?.await.map_err(|e| reason(&e))?;
    // Records that no longer validate (hand-edited storage) are left out.
    let mut runs: Vec<RunRecord> = values
        .iter()
        .filter_map(JsValue::as_string)
        .filter_map(|s| serde_json::from_str::<RunRecord>(&s).ok())
        .filter(|r| runs::validate(r).is_ok())
        .collect();
    runs.sort_by(|a, b| a.started_ms.total_cmp(&b.started_ms));
    Ok((db, runs))
}

/// A readable reason for a store failure.
fn reason(e: &idb::Error) -> String {
    let inner = match e {
        idb::Error::IndexedDbNotFound(js) => js.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())),
        _ => None,
    };
    match inner {
        Some(m) => format!("{e} ({m})"),
        None => e.to_string(),
    }
}

/// Writes records in the background (or remembers them until the store opens).
fn persist(rc: &Rc<RefCell<Inner>>, records: Vec<RunRecord>) {
    let db = {
        let mut inner = rc.borrow_mut();
        match (&inner.history, &inner.db) {
            (History::On, Some(db)) => Rc::clone(db),
            (History::Opening, _) => {
                for r in &records {
                    if !inner.pending.contains(&r.id) {
                        inner.pending.push(r.id.clone());
                    }
                }
                return;
            }
            _ => return,
        }
    };
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = write(&db, &records, &[]).await {
            turn_off(&rc, format!("saving failed: {e}"));
        }
    });
}

/// Deletes records in the background.
fn forget(rc: &Rc<RefCell<Inner>>, ids: Vec<String>) {
    let db = match (&rc.borrow().history, &rc.borrow().db) {
        (History::On, Some(db)) => Rc::clone(db),
        _ => return,
    };
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = write(&db, &[], &ids).await {
            turn_off(&rc, format!("deleting failed: {e}"));
        }
    });
}

async fn write(db: &Database, put: &[RunRecord], delete: &[String]) -> Result<(), String> {
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(|e| reason(&e))?;
    let store = tx.object_store(STORE).map_err(|e| reason(&e))?;
    for r in put {
        let json = serde_json::to_string(r).map_err(|e| e.to_string())?;
        store.put(&JsValue::from_str(&json), Some(&JsValue::from_str(&r.id))).map_err(|e| reason(&e))?;
    }
    for id in delete {
        store.delete(JsValue::from_str(id)).map_err(|e| reason(&e))?;
    }
    match tx.commit().map_err(|e| reason(&e))?.await.map_err(|e| reason(&e))? {
        TransactionResult::Committed => Ok(()),
        _ => Err("the transaction was aborted (storage full or blocked?)".into()),
    }
}

fn turn_off(rc: &Rc<RefCell<Inner>>, why: String) {
    rc.borrow_mut().history = History::Off(why);
    render(rc);
}

/// One click in the table: a sort header, a row checkbox or a row button.
fn table_click(rc: &Rc<RefCell<Inner>>, e: &web_sys::Event) {
    let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Some(el) = target.closest("[data-act]").ok().flatten() else {
        return;
    };
    let act = el.get_attribute("data-act").unwrap_or_default();
    let id = el.get_attribute("data-id").unwrap_or_default();
    match act.as_str() {
        "sort" => {
            let mut inner = rc.borrow_mut();
            let desc = if inner.sort.0 == id { !inner.sort.1 } else { id == "started" };
            inner.sort = (id, desc);
        }
        "sel" => {
            let mut inner = rc.borrow_mut();
            let on = el.dyn_ref::<HtmlInputElement>().is_some_and(HtmlInputElement::checked);
            inner.selected.retain(|s| s != &id);
            if on {
                inner.selected.push(id);
            }
        }
        "pin" => {
            let record = {
                let mut inner = rc.borrow_mut();
                let Some(r) = inner.runs.iter_mut().find(|r| r.id == id) else {
                    return;
                };
                r.pinned = !r.pinned;
                r.clone()
            };
            persist(rc, vec![record]);
        }
        "base" => {
            let mut inner = rc.borrow_mut();
            inner.baseline = if inner.baseline.as_deref() == Some(id.as_str()) { None } else { Some(id) };
        }
        "del" => {
            {
                let mut inner = rc.borrow_mut();
                inner.runs.retain(|r| r.id != id);
                inner.selected.retain(|s| s != &id);
                if inner.baseline.as_deref() == Some(id.as_str()) {
                    inner.baseline = None;
                }
            }
            forget(rc, vec![id]);
        }
        "open" => {
            let link = rc.borrow().runs.iter().find(|r| r.id == id).map(|r| r.link.clone());
            if let (Some(link), Some(window)) = (link, web_sys::window()) {
                let _ = window.location().set_hash(&link);
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            return;
        }
        "edit" => {
            let inner = rc.borrow_mut();
            let Some(r) = inner.runs.iter().find(|r| r.id == id) else {
                return;
            };
            inner.els.edit_name.set_value(&r.name);
            inner.els.edit_note.set_value(&r.note);
            show(&inner.els.edit, true);
            let _ = inner.els.edit_name.focus();
            drop(inner);
            rc.borrow_mut().editing = Some(id);
            return;
        }
        _ => return,
    }
    render(rc);
}

fn finish_edit(rc: &Rc<RefCell<Inner>>, save: bool) {
    let record = {
        let mut inner = rc.borrow_mut();
        show(&inner.els.edit, false);
        let Some(id) = inner.editing.take() else {
            return;
        };
        let name: String = inner.els.edit_name.value().chars().take(MAX_TEXT).collect();
        let note: String = inner.els.edit_note.value().chars().take(MAX_TEXT).collect();
        match inner.runs.iter_mut().find(|r| r.id == id) {
            Some(r) if save => {
                r.name = name;
                r.note = note;
                r.clone()
            }
            _ => return,
        }
    };
    persist(rc, vec![record]);
    render(rc);
}

/// The chosen runs in table order, or every run when none is chosen.
fn chosen(inner: &Inner) -> Vec<RunRecord> {
    let sorted = sorted(inner);
    let picked: Vec<RunRecord> = sorted.iter().filter(|r| inner.selected.contains(&r.id)).cloned().collect();
    if picked.is_empty() {
        sorted
    } else {
        picked
    }
}

fn export(rc: &Rc<RefCell<Inner>>, what: &str) {
    let inner = rc.borrow();
    let list = chosen(&inner);
    if list.is_empty() {
        set_text(&inner.els.msg, "There are no runs to export yet: train a few steps first.");
        return;
    }
    let (text, name, mime) = match what {
        "json" => (runs::export_json(&list), "gradlab-runs.json", "application/json"),
        "csv" => (runs::csv::runs_csv(&list), "gradlab-runs.csv", "text/csv"),
        _ => (runs::csv::curves_csv(&list), "gradlab-curves.csv", "text/csv"),
    };
    match download_text(&text, name, mime) {
        Ok(()) => set_text(&inner.els.msg, &format!("Exported {} run(s) as {name}.", list.len())),
        Err(_) => set_text(&inner.els.msg, "The browser refused the download."),
    }
}

thread_local! {
    /// The last download's object URL, revoked at the next download.
    static LAST_URL: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn download_text(text: &str, name: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    click_download(&url, name);
    if let Some(old) = LAST_URL.with(|u| u.borrow_mut().replace(url)) {
        let _ = web_sys::Url::revoke_object_url(&old);
    }
    Ok(())
}

/// Clicks a temporary `<a download>` for `href`.
fn click_download(href: &str, name: &str) {
    let a: HtmlAnchorElement = dom::create("a", "");
    a.set_href(href);
    a.set_download(name);
    a.set_hidden(true);
    if let Some(body) = dom::document().body() {
        dom::append(&body, &a);
        a.click();
        a.remove();
    }
}

/// Reads the chosen file: size first, then import_json; stores the new runs.
fn import(rc: &Rc<RefCell<Inner>>) {
    let input = rc.borrow().els.import.clone();
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    let msg = rc.borrow().els.msg.clone();
    if file.size() > MAX_IMPORT_BYTES as f64 {
        set_text(
            &msg,
            &format!("Import rejected: {}. Nothing was changed.", runs::ImportError::TooLarge(file.size() as usize)),
        );
        return;
    }
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(t) => t.as_string().unwrap_or_default(),
            Err(_) => {
                set_text(&msg, "Import rejected: the file could not be read. Nothing was changed.");
                return;
            }
        };
        let incoming = match runs::import_json(&text) {
            Ok(r) => r,
            Err(e) => {
                set_text(&msg, &format!("Import rejected: {e}. Nothing was changed."));
                return;
            }
        };
        let added = {
            let mut inner = rc.borrow_mut();
            let dups = runs::duplicates(&inner.runs, &incoming);
            let mut added: Vec<RunRecord> = Vec::new();
            for (i, mut r) in incoming.into_iter().enumerate() {
                if dups.contains(&i) {
                    continue;
                }
                let base: String = r.id.chars().take(56).collect();
                let mut n = 2;
                while inner.runs.iter().chain(&added).any(|s| s.id == r.id) {
                    r.id = format!("{base}-{n}");
                    n += 1;
                }
                added.push(r);
            }
            inner.runs.extend(added.iter().cloned());
            let skipped = dups.len();
            set_text(
                &msg,
                &format!(
                    "Imported {} run(s); {skipped} duplicate(s) (same fingerprint and settings) skipped.",
                    added.len()
                ),
            );
            set_attr(&msg, "data-imported", &added.len().to_string());
            set_attr(&msg, "data-duplicates", &skipped.to_string());
            added
        };
        persist(&rc, added);
        render(&rc);
    });
}

/// A sortable cell value.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Num(f64),
    Text(String),
    Empty,
}

impl Cell {
    fn shown(&self) -> String {
        match self {
            Cell::Num(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v}"),
            Cell::Num(v) => format!("{v:.4}"),
            Cell::Text(t) => t.clone(),
            Cell::Empty => "–".into(),
        }
    }

    fn cmp(&self, other: &Cell) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        let num = |c: &Cell| match c {
            Cell::Num(v) => Some(*v),
            Cell::Text(t) => t.parse::<f64>().ok(),
            Cell::Empty => None,
        };
        match (self, other) {
            (Cell::Empty, Cell::Empty) => Equal,
            (Cell::Empty, _) => Greater,
            (_, Cell::Empty) => Less,
            _ => match (num(self), num(other)) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.shown().cmp(&other.shown()),
            },
        }
    }
}

/// Metric columns: id, header.
const METRICS: &[(&str, &str)] = &[
    ("steps", "steps"),
    ("train_loss", "train loss"),
    ("test_loss", "test loss"),
    ("best_test_loss", "best test loss"),
    ("test_acc", "test acc"),
    ("started", "started"),
];

fn cell(r: &RunRecord, col: &str) -> Cell {
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
            Some(key) => compare::settings(&r.link)
                .into_iter()
                .find(|(k, _)| *k == key)
                .map_or(Cell::Empty, |(_, v)| if v.is_empty() { Cell::Empty } else { Cell::Text(v) }),
            None => Cell::Empty,
        },
    }
}

/// Pinned first, then by the sort column.
fn sorted(inner: &Inner) -> Vec<RunRecord> {
    let (col, desc) = &inner.sort;
    let mut list = inner.runs.clone();
    list.sort_by(|a, b| {
        let by = cell(a, col).cmp(&cell(b, col));
        let empty_last = matches!(cell(a, col), Cell::Empty) != matches!(cell(b, col), Cell::Empty);
        let by = if *desc && !empty_last { by.reverse() } else { by };
        b.pinned.cmp(&a.pinned).then(by)
    });
    list
}

fn started_text(ms: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    let two = |v: u32| format!("{v:02}");
    format!(
        "{}-{}-{} {}:{}",
        d.get_full_year(),
        two(d.get_month() + 1),
        two(d.get_date()),
        two(d.get_hours()),
        two(d.get_minutes())
    )
}

fn short(r: &RunRecord) -> String {
    if r.name.is_empty() {
        format!("run {}", &r.id[..r.id.len().min(6)])
    } else {
        r.name.clone()
    }
}

/// Redraws the status, the table, the diff and the overlay.
fn render(rc: &Rc<RefCell<Inner>>) {
    let inner = rc.borrow();
    let els = &inner.els;
    let (state, status) = match &inner.history {
        History::Opening => ("opening", "Opening the history…".to_string()),
        History::On => ("on", "History is on: every run is saved in this browser.".to_string()),
        History::Off(why) => {
            ("off", format!("History is off: {why}. This tab's runs are kept until it closes; export still works."))
        }
    };
    set_text(&els.status, &status);
    set_attr(&els.status, "data-state", state);
    set_text(&els.count, &format!("{} run(s)", inner.runs.len()));
    set_attr(&els.count, "data-count", &inner.runs.len().to_string());

    let list = sorted(&inner);
    let keys = compare::differing_keys(&list);
    let baseline = inner.baseline.as_ref().and_then(|b| list.iter().find(|r| &r.id == b));
    let mut cols: Vec<(String, String)> = vec![("name".into(), "name".into()), ("note".into(), "note".into())];
    cols.extend(keys.iter().map(|k| (format!("set:{k}"), k.to_string())));
    cols.extend(METRICS.iter().map(|(c, h)| (c.to_string(), h.to_string())));

    dom::clear(&els.table);
    let thead: Element = dom::create("thead", "");
    let head: Element = dom::create("tr", "");
    for title in ["", "pin"] {
        dom::append(&head, &dom::create_text("th", "", title));
    }
    for (col, title) in &cols {
        let th: Element = dom::create("th", "");
        set_attr(&th, "scope", "col");
        let arrow = if &inner.sort.0 == col {
            set_attr(&th, "aria-sort", if inner.sort.1 { "descending" } else { "ascending" });
            if inner.sort.1 {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        };
        let b = dom::create_text("button", "sort", &format!("{title}{arrow}"));
        set_attr(&b, "type", "button");
        set_attr(&b, "id", &format!("runs-sort-{}", col.replace(':', "-")));
        set_attr(&b, "data-act", "sort");
        set_attr(&b, "data-id", col);
        dom::append(&th, &b);
        dom::append(&head, &th);
    }
    dom::append(&head, &dom::create_text("th", "", "actions"));
    dom::append(&thead, &head);
    dom::append(&els.table, &thead);
    let tbody: Element = dom::create("tbody", "");
    for r in &list {
        let tr: Element = dom::create("tr", "");
        set_attr(&tr, "id", &format!("run-row-{}", r.id));
        set_attr(&tr, "data-id", &r.id);
        dom::toggle_class(&tr, "baseline", baseline.is_some_and(|b| b.id == r.id));
        dom::toggle_class(&tr, "pinned", r.pinned);
        let differs: Vec<&str> =
            baseline.map(|b| compare::diff(b, r).iter().map(|d| d.key).collect()).unwrap_or_default();
        let td: Element = dom::create("td", "");
        let sel: HtmlInputElement = dom::create("input", "");
        sel.set_type("checkbox");
        sel.set_checked(inner.selected.contains(&r.id));
        set_attr(&sel, "id", &format!("run-sel-{}", r.id));
        set_attr(&sel, "data-act", "sel");
        set_attr(&sel, "data-id", &r.id);
        set_attr(&sel, "aria-label", &format!("choose {}", short(r)));
        dom::append(&td, &sel);
        dom::append(&tr, &td);
        let td: Element = dom::create("td", "");
        dom::append(&td, &row_button(r, "pin", if r.pinned { "★" } else { "☆" }, "pin or unpin"));
        dom::append(&tr, &td);
        for (col, _) in &cols {
            let c = cell(r, col);
            let text = match (col.as_str(), &c) {
                ("started", Cell::Num(ms)) => started_text(*ms),
                ("name", _) => short(r),
                _ => c.shown(),
            };
            let changed = col == "steps" && r.changed_at.is_some();
            let text = if changed { format!("{text}*") } else { text };
            let td = dom::create_text("td", "", &text);
            set_attr(&td, "data-col", col);
            if let (true, Some(at)) = (changed, r.changed_at) {
                set_attr(
                    &td,
                    "title",
                    &format!("settings changed mid-run at step {at}: the link replays the starting settings"),
                );
                set_attr(&td, "data-changed-at", &at.to_string());
            }
            if col == "name" {
                set_attr(&td, "class", "run-name");
                set_attr(&td, "title", &r.link);
            }
            if col.strip_prefix("set:").is_some_and(|k| differs.contains(&k)) {
                dom::toggle_class(&td, "differs", true);
            }
            dom::append(&tr, &td);
        }
        let td: Element = dom::create("td", "actions");
        for (act, label, title) in [
            ("open", "Open", "restore this run's link"),
            ("edit", "Edit", "name and note"),
            ("base", "Base", "use as the diff baseline"),
            ("del", "Delete", "delete this run"),
        ] {
            dom::append(&td, &row_button(r, act, label, title));
        }
        dom::append(&tr, &td);
        dom::append(&tbody, &tr);
    }
    dom::append(&els.table, &tbody);
    if list.is_empty() {
        let tr: Element = dom::create("tr", "");
        let td = dom::create_text("td", "hint", "No runs yet: press Play, and the run appears here.");
        set_attr(&td, "colspan", &(cols.len() + 3).to_string());
        dom::append(&tr, &td);
        dom::append(&tbody, &tr);
    }

    render_diff(&inner, &list, baseline);
    render_overlay(&inner, &list);
}

fn row_button(r: &RunRecord, act: &str, label: &str, title: &str) -> HtmlElement {
    let b = dom::create_text("button", "small", label);
    set_attr(&b, "type", "button");
    set_attr(&b, "id", &format!("run-{act}-{}", r.id));
    set_attr(&b, "data-act", act);
    set_attr(&b, "data-id", &r.id);
    set_attr(&b, "title", title);
    b
}

/// The diff of the chosen runs (or all) against the baseline.
fn render_diff(inner: &Inner, list: &[RunRecord], baseline: Option<&RunRecord>) {
    let ul = &inner.els.diff;
    dom::clear(ul);
    let Some(base) = baseline else {
        dom::append(
            ul,
            &dom::create_text("li", "hint", "Press Base on a run to compare every run's settings with it."),
        );
        return;
    };
    let others: Vec<&RunRecord> = list
        .iter()
        .filter(|r| r.id != base.id && (inner.selected.is_empty() || inner.selected.contains(&r.id)))
        .take(50)
        .collect();
    dom::append(ul, &dom::create_text("li", "diff-base", &format!("Baseline: {}", short(base))));
    for r in others {
        let d = compare::diff(base, r);
        let text = if d.is_empty() {
            format!("{}: same settings", short(r))
        } else {
            let or_dash = |v: &str| if v.is_empty() { "–".to_string() } else { v.to_string() };
            let parts: Vec<String> =
                d.iter().map(|x| format!("{} {} → {}", x.key, or_dash(&x.baseline), or_dash(&x.value))).collect();
            format!("{}: {}", short(r), parts.join(", "))
        };
        let li = dom::create_text("li", "", &text);
        set_attr(&li, "data-id", &r.id);
        let keys: Vec<&str> = d.iter().map(|x| x.key).collect();
        set_attr(&li, "data-keys", &keys.join(","));
        dom::append(ul, &li);
    }
}

/// Overlays the training loss of up to four chosen runs.
fn render_overlay(inner: &Inner, list: &[RunRecord]) {
    let picked: Vec<&RunRecord> = list.iter().filter(|r| inner.selected.contains(&r.id)).take(MAX_OVERLAY).collect();
    let legend = &inner.els.legend;
    dom::clear(legend);
    show(inner.els.chart.unchecked_ref(), !picked.is_empty());
    set_attr(&inner.els.chart, "data-curves", &picked.len().to_string());
    if picked.is_empty() {
        return;
    }
    let owned: Vec<RunRecord> = picked.iter().map(|r| (*r).clone()).collect();
    let keys = compare::differing_keys(&owned);
    let mut curves = Vec::new();
    for (i, r) in picked.iter().enumerate() {
        let label = label_of(r, &keys);
        let label = if label.is_empty() { short(r) } else { label };
        let color = COLORS[i];
        let pts = |s: &[Option<f64>]| -> Vec<(f64, f64)> {
            r.curves.step.iter().zip(s).filter_map(|(x, y)| y.map(|y| (*x as f64, y))).collect()
        };
        // Unlabelled: the legend is the list below the chart, so nothing covers the curves.
        curves.push(Curve { label: String::new(), points: pts(&r.curves.train_loss), color, dashed: false });
        curves.push(Curve { label: String::new(), points: pts(&r.curves.test_loss), color, dashed: true });
        let li = dom::create_text("li", "", &label);
        let swatch: HtmlElement = dom::create("span", "swatch");
        let _ = swatch.style().set_property("background", &dom::css_rgb(color));
        let _ = li.prepend_with_node_1(&swatch);
        set_attr(&li, "data-id", &r.id);
        set_attr(&li, "data-color", &dom::css_rgb(color));
        dom::append(legend, &li);
    }
    let spec = ChartSpec {
        title: "Loss of the chosen runs (train solid, test dashed)".into(),
        y_label: "data loss".into(),
        x_label: "step".into(),
        log_y: false,
        bands: Vec::new(),
        curves,
    };
    super::views::draw_on(&inner.els.chart, &spec);
}

/// compare::label over the differing keys this run has a value for (a
/// parameter of another optimizer is left out rather than shown empty).
fn label_of(r: &RunRecord, keys: &[&'static str]) -> String {
    let values = compare::settings(&r.link);
    let own: Vec<&str> =
        keys.iter().copied().filter(|k| values.iter().any(|(key, v)| key == k && !v.is_empty())).collect();
    compare::label(r, &own)
}
