//! The runs panel (`#runs`): the run history kept in IndexedDB (through the
//! `idb` crate), its sortable table, the diff against a baseline, the overlay
//! of up to four runs, and export/import.
//!
//! The table's model (columns, cells, sort, diff, overlay) is
//! [`crate::engine::runs::table`]; what the store holds and how it merges is
//! [`crate::engine::runs::store`]: this module binds them to the DOM and to
//! IndexedDB. Records are stored as plain JS objects (serde_json's text
//! through `JSON.parse`, [`crate::json`]); a record in the first format
//! (JSON text) is read and rewritten in the current one when the store opens.
//!
//! The panel keeps every run of the store in memory and writes changes in the
//! background (`history`); a failing store (no IndexedDB, blocked, an open
//! that never answers) only turns history off, and a save over the quota
//! only makes it full: the panel says so, keeps this tab's runs in memory,
//! and export still works. Imported runs are replayed in the checks' worker
//! ([`crate::engine::runs::verify`]) and flagged in the table when their
//! link does not give their fingerprint (for this session). Everything a
//! run carries (name, note, link, version) is shown with `textContent`, as
//! an attribute or as an input's value, never as HTML. Links (open) go through
//! `location.hash`, which the app already follows; custom points too many
//! for a link are handed over beside it from the record
//! ([`crate::custom::remember`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo_events::EventListener;
use idb::Database;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlAnchorElement, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
};

mod history;
mod render;

use super::dom::{self, set_attr, set_text, show};
use crate::engine::runs::import::{Importing, Parsed};
use crate::engine::runs::store::{self, StoreState};
use crate::engine::runs::table::{self, Sort, MAX_OVERLAY};
use crate::engine::runs::verify::{self, Verdict};
use crate::engine::runs::{self, RunRecord, MAX_IMPORT_BYTES, MAX_TEXT};
use crate::viz::chart::ChartSpec;
use history::{forget, open_store, persist};
use render::render;

/// Colours of the overlaid runs, in selection order.
pub const COLORS: [[u8; 3]; MAX_OVERLAY] = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [148, 103, 189]];

/// Why exports are off on a page whose class link hides settings.
fn export_off() -> String {
    crate::tr!("web.runs.export_off")
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
    exports: Vec<HtmlButtonElement>,
}

/// The panel's state, shared by its listeners and background writes.
struct Inner {
    els: Els,
    db: Option<Rc<Database>>,
    history: StoreState,
    runs: Vec<RunRecord>,
    /// Ids saved before the store opened (written once it does).
    pending: Vec<String>,
    /// Ids whose save did not fit (the store is full while any is left).
    unsaved: Vec<String>,
    /// Imported runs' replays: `None` while the worker is on it.
    verdicts: HashMap<String, Option<Verdict>>,
    sort: Sort,
    selected: Vec<String>,
    baseline: Option<String>,
    editing: Option<String>,
    /// The table's page (from 0; [`table::PAGE_ROWS`] rows each).
    page: usize,
    /// Settings a class link hides: in no column, diff or label, and no
    /// export (an exported record is the whole link).
    hidden: Vec<String>,
    /// Every link's settings, decoded once.
    decoded: table::Decoded,
    /// The overlay on the canvas (None: draw it at the next render).
    overlay_drawn: Option<ChartSpec>,
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
            exports: ["runs-export-json", "runs-export-csv", "runs-export-curves"]
                .iter()
                .map(|id| dom::typed::<HtmlButtonElement>(document, id))
                .collect::<Result<_, _>>()?,
        };
        let inner = Rc::new(RefCell::new(Inner {
            els,
            db: None,
            history: StoreState::Opening,
            runs: Vec::new(),
            pending: Vec::new(),
            unsaved: Vec::new(),
            verdicts: HashMap::new(),
            sort: Sort::default(),
            selected: Vec::new(),
            baseline: None,
            editing: None,
            page: 0,
            hidden: Vec::new(),
            decoded: table::Decoded::default(),
            overlay_drawn: None,
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

    /// Hides the settings `keys` (a class link's `hide`) from the panel;
    /// exports go off while any is hidden, and the buttons say why.
    pub fn set_hidden(&self, keys: &[String]) {
        if self.inner.borrow().hidden == keys {
            return;
        }
        self.inner.borrow_mut().hidden = keys.to_vec();
        self.relabel();
    }

    /// The export buttons' state, the table, diff and overlay again (in the
    /// current language).
    pub fn relabel(&self) {
        let inner = self.inner.borrow();
        let off = !inner.hidden.is_empty();
        for button in &inner.els.exports {
            button.set_disabled(off);
            set_attr(button, "title", &if off { export_off() } else { String::new() });
        }
        drop(inner);
        render(&self.inner);
    }

    /// The window changed size: the overlay is drawn again at its new size.
    pub fn resized(&self) {
        render::redraw_overlay(&self.inner);
    }

    /// Saves a snapshot of a run (the live one): keeps the user's name, note
    /// and pin of the stored copy, updates the table, writes in the background.
    pub fn save(&self, record: RunRecord) {
        let record = store::absorb(&mut self.inner.borrow_mut().runs, record);
        persist(&self.inner, vec![record]);
        render(&self.inner);
    }
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
        "sort" => rc.borrow_mut().sort.click(&id),
        "page-prev" => {
            let mut inner = rc.borrow_mut();
            inner.page = table::page_rows(inner.page, inner.runs.len()).start / table::PAGE_ROWS;
            inner.page = inner.page.saturating_sub(1);
        }
        "page-next" => rc.borrow_mut().page += 1,
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
                inner.verdicts.remove(&id);
                if inner.baseline.as_deref() == Some(id.as_str()) {
                    inner.baseline = None;
                }
            }
            forget(rc, vec![id]);
        }
        "open" => {
            let run = rc.borrow().runs.iter().find(|r| r.id == id).map(|r| (r.link.clone(), r.points.clone()));
            if let (Some((link, points)), Some(window)) = (run, web_sys::window()) {
                // Custom points too many for the link come from the record.
                crate::custom::remember(&points);
                let _ = window.location().set_hash(&link);
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            return;
        }
        "why" => {
            let inner = rc.borrow();
            let run = inner.runs.iter().find(|r| r.id == id);
            if let (Some(r), Some(Some(v))) = (run, inner.verdicts.get(&id)) {
                set_text(&inner.els.msg, &render::verdict_text(r, *v).1);
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

fn export(rc: &Rc<RefCell<Inner>>, what: &str) {
    let inner = rc.borrow();
    if !inner.hidden.is_empty() {
        set_text(&inner.els.msg, &export_off());
        return;
    }
    let list = table::chosen(&inner.runs, &inner.sort, &inner.selected);
    if list.is_empty() {
        set_text(&inner.els.msg, &crate::tr!("web.runs.nothing_to_export"));
        return;
    }
    let (text, name, mime) = match what {
        "json" => (runs::export_json(&list), "gradlab-runs.json", "application/json"),
        "csv" => (runs::csv::runs_csv(&list), "gradlab-runs.csv", "text/csv"),
        _ => (runs::csv::curves_csv(&list), "gradlab-curves.csv", "text/csv"),
    };
    match download_text(&text, name, mime) {
        Ok(()) => set_text(&inner.els.msg, &crate::tr!("web.runs.exported", n = list.len(), file = name)),
        Err(_) => set_text(&inner.els.msg, &crate::tr!("web.runs.download_refused")),
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
        let why = runs::ImportError::TooLarge(file.size() as usize);
        set_text(&msg, &crate::tr!("web.runs.import_rejected", why = why));
        return;
    }
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let texts = match super::checks::parse_runs_off_thread(&file).await {
            Ok(Parsed::Records(texts)) => texts,
            Ok(Parsed::Rejected(why)) | Err(why) => {
                set_text(&msg, &crate::tr!("web.runs.import_rejected", why = why));
                return;
            }
        };
        let mut importing = Importing::new(&rc.borrow().runs, texts);
        loop {
            let deadline = super::now_ms() + SLICE_MS;
            match importing.advance(&mut || super::now_ms() < deadline) {
                Ok(true) => break,
                Ok(false) => {
                    let (done, all) = importing.progress();
                    set_text(&msg, &crate::tr!("web.runs.importing", done = done, all = all));
                    crate::dom::next_task().await;
                }
                Err(e) => {
                    set_text(&msg, &crate::tr!("web.runs.import_rejected", why = e));
                    return;
                }
            }
        }
        let (added, skipped) = importing.finish();
        {
            let mut inner = rc.borrow_mut();
            inner.runs.extend(added.iter().cloned());
            // Stored as replays pending (they run again after a reload if cut short).
            inner.verdicts.extend(added.iter().map(|r| (r.id.clone(), None)));
        }
        for batch in added.chunks(SAVE_BATCH) {
            persist(&rc, batch.to_vec());
            crate::dom::next_task().await;
        }
        // The table's redraw decodes every new link: a slice at a time first.
        let mut links = added.iter().map(|r| r.link.as_str()).peekable();
        while links.peek().is_some() {
            let deadline = super::now_ms() + SLICE_MS;
            {
                let decoded = &mut rc.borrow_mut().decoded;
                for link in links.by_ref() {
                    decoded.settings(link);
                    if super::now_ms() >= deadline {
                        break;
                    }
                }
            }
            crate::dom::next_task().await;
        }
        set_text(&msg, &store::import_message(added.len(), skipped));
        set_attr(&msg, "data-imported", &added.len().to_string());
        set_attr(&msg, "data-duplicates", &skipped.to_string());
        render(&rc);
        crate::dom::next_task().await;
        verify_imported(&rc, &added);
    });
}

/// Replays the imported runs in the checks' worker; the table flags those
/// whose link does not give their fingerprint.
fn verify_imported(rc: &Rc<RefCell<Inner>>, added: &[RunRecord]) {
    if added.is_empty() {
        return;
    }
    rc.borrow_mut().verdicts.extend(added.iter().map(|r| (r.id.clone(), None)));
    let ids: Vec<String> = added.iter().map(|r| r.id.clone()).collect();
    render::mark_verdicts(rc, &ids);
    let panel = Rc::clone(rc);
    let on_checked = Rc::new(move |checked: verify::Checked| {
        let mut changed = Vec::new();
        {
            let mut inner = panel.borrow_mut();
            for (id, verdict) in checked.verdicts {
                inner.verdicts.insert(id.clone(), Some(verdict));
                changed.push(id);
            }
            if checked.done {
                // Runs the worker did not answer for (it failed) are not checked.
                for id in &ids {
                    let verdict = inner.verdicts.entry(id.clone()).or_insert(None);
                    if verdict.is_none() {
                        *verdict = Some(Verdict::Unreplayable);
                        changed.push(id.clone());
                    }
                }
            }
        }
        render::mark_verdicts(&panel, &changed);
        // Each verdict is stored with its record, so it outlives the tab.
        let records: Vec<RunRecord> = {
            let inner = panel.borrow();
            changed.iter().filter_map(|id| inner.runs.iter().find(|r| &r.id == id).cloned()).collect()
        };
        if !records.is_empty() {
            persist(&panel, records);
        }
    });
    if super::checks::verify_runs_off_thread(added, on_checked.clone()).is_err() {
        on_checked(verify::Checked { verdicts: Vec::new(), done: true });
    }
}

/// Longest slice of an import's merge on the main thread, in milliseconds.
const SLICE_MS: f64 = 8.0;

/// Records written to the history per task (each is converted to a JS object).
const SAVE_BATCH: usize = 50;
