//! The runs panel's IndexedDB side: opening the store (with a time limit),
//! reading every record, and writing or deleting records in the background.
//!
//! Faults never lose a stored run and never stop the page:
//! - an `indexedDB.open` that never answers turns history off after
//!   [`store::OPEN_TIMEOUT_MS`] (the panel says so; this tab's runs stay in
//!   memory and export still works); should the open succeed later, its
//!   connection is closed unused;
//! - a save that does not fit (`QuotaExceededError`, thrown by `put` or
//!   aborting the transaction) leaves every stored run alone and makes the
//!   store *full* ([`store::after_write`]) until the unsaved runs are saved
//!   or deleted;
//! - any other failure turns history off, with the reason.
//!
//! An imported run's replay ([`super::verify_imported`]) is kept with its
//! record, as a `replay` field of the stored object next to the record's
//! own: `null` while the replay is pending, else the verdict. So a run
//! flagged *unverified* stays flagged after a reload, and a replay cut short
//! by one runs again when the store opens. The field is the page's note,
//! never read from an imported file (nor written to an export).

use std::cell::RefCell;
use std::rc::Rc;

use idb::{Database, ObjectStore, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};

use super::{render, Inner};
use crate::engine::runs::store::{self, StoreState, Stored};
use crate::engine::runs::verify::Verdict;
use crate::engine::runs::RunRecord;

/// The stored object's field holding an imported run's replay.
const REPLAY: &str = "replay";

/// An imported run's replay: pending (`None`) or its verdict.
type Replay = Option<Verdict>;

/// IndexedDB database name.
const DB_NAME: &str = "gradlab";
/// Object store of run records (structured objects keyed by run id).
const STORE: &str = "runs";

/// Why a write failed: the reason, and whether the store was full.
struct Failure {
    text: String,
    quota: bool,
}

impl Failure {
    fn of(e: &idb::Error) -> Failure {
        let quota = match e {
            idb::Error::UpdateFailed(js) | idb::Error::AddFailed(js) => is_quota(js),
            _ => false,
        };
        Failure { text: reason(e), quota }
    }
}

/// Whether a thrown value is a `QuotaExceededError` DOMException.
fn is_quota(js: &JsValue) -> bool {
    js.dyn_ref::<web_sys::DomException>().is_some_and(|d| d.name() == "QuotaExceededError")
}

/// Opens (creating if needed) the store, loads every valid record and
/// rewrites the first-format ones in the current format; gives up after
/// [`store::OPEN_TIMEOUT_MS`].
pub(super) fn open_store(rc: &Rc<RefCell<Inner>>) {
    let waiting = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        sleep(store::OPEN_TIMEOUT_MS).await;
        if waiting.borrow().history == StoreState::Opening {
            turn_off(&waiting, store::open_timed_out());
        }
    });
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let opened = load().await;
        if rc.borrow().history != StoreState::Opening {
            // Too late: history is off already, so the store is left unused.
            if let Ok((db, ..)) = opened {
                db.close();
            }
            return;
        }
        match opened {
            Ok((db, loaded, replays)) => opened_with(&rc, Rc::new(db), loaded, replays),
            Err(reason) => rc.borrow_mut().history = StoreState::Off(reason),
        }
        render(&rc);
    });
}

/// The store opened: this tab's runs join the stored ones; the pending and
/// first-format records are written; imported runs show their replay's
/// verdict, and those whose replay was cut short are replayed now.
fn opened_with(rc: &Rc<RefCell<Inner>>, db: Rc<Database>, loaded: store::Loaded, replays: Vec<(String, Replay)>) {
    let (unsaved, unreplayed) = {
        let mut inner = rc.borrow_mut();
        inner.db = Some(db);
        inner.history = StoreState::On;
        let live = std::mem::take(&mut inner.runs);
        let pending = std::mem::take(&mut inner.pending);
        let (runs, unsaved) = store::merge_opened(loaded.runs, live, &pending);
        inner.runs = runs;
        for (id, replay) in &replays {
            inner.verdicts.entry(id.clone()).or_insert(*replay);
        }
        let unreplayed: Vec<RunRecord> = replays
            .iter()
            .filter(|(_, replay)| replay.is_none())
            .filter_map(|(id, _)| inner.runs.iter().find(|r| &r.id == id).cloned())
            .collect();
        (unsaved, unreplayed)
    };
    let mut writes = loaded.migrate;
    writes.retain(|m| !unsaved.iter().any(|u| u.id == m.id));
    writes.extend(unsaved);
    if !writes.is_empty() {
        persist(rc, writes);
    }
    super::verify_imported(rc, &unreplayed);
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

async fn load() -> Result<(Database, store::Loaded, Vec<(String, Replay)>), String> {
    let db = Database::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::builder(STORE))
        .build()
        .await
        .map_err(|e| reason(&e))?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly).map_err(|e| reason(&e))?;
    let store = tx.object_store(STORE).map_err(|e| reason(&e))?;
    let values = store.get_all(None, None).map_err(|e| reason(&e))?.await.map_err(|e| reason(&e))?;
    let mut replays = Vec::new();
    let stored = values
        .into_iter()
        .map(|value| {
            let replay = take_replay(&value);
            let stored = stored(value);
            if let (Some(replay), Stored::Record(record)) = (replay, &stored) {
                if let Ok(r) = record.as_ref() {
                    replays.push((r.id.clone(), replay));
                }
            }
            stored
        })
        .collect();
    Ok((db, store::load(stored), replays))
}

/// One value of the store, in either format.
fn stored(value: JsValue) -> Stored {
    match value.as_string() {
        Some(text) => Stored::Json(text),
        None => Stored::Record(Box::new(crate::json::from_object(&value))),
    }
}

/// Removes a stored object's replay field (the record has no such field);
/// what it held, if the object had one: `Some(None)` for a pending replay.
/// A value no verdict reads as is a pending replay (it runs again).
fn take_replay(value: &JsValue) -> Option<Replay> {
    let object = value.dyn_ref::<js_sys::Object>()?;
    let key = JsValue::from_str(REPLAY);
    if !js_sys::Reflect::has(object, &key).unwrap_or(false) {
        return None;
    }
    let replay = js_sys::Reflect::get(object, &key).ok().and_then(|v| crate::json::from_object(&v).ok()).flatten();
    let _ = js_sys::Reflect::delete_property(object, &key);
    Some(replay)
}

/// A record as the store holds it: a plain JS object, with its replay if
/// it was imported (`replay`: `Some`).
fn to_stored(r: &RunRecord, replay: Option<Replay>) -> Result<JsValue, String> {
    let value = crate::json::to_object(r)?;
    if let Some(replay) = replay {
        let verdict = crate::json::to_object(&replay)?;
        js_sys::Reflect::set(&value, &JsValue::from_str(REPLAY), &verdict).map_err(|e| format!("{e:?}"))?;
    }
    Ok(value)
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
pub(super) fn persist(rc: &Rc<RefCell<Inner>>, records: Vec<RunRecord>) {
    let db = {
        let mut inner = rc.borrow_mut();
        match (&inner.history, &inner.db) {
            (state, Some(db)) if state.writes() => Rc::clone(db),
            (StoreState::Opening, _) => {
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
    let values: Result<Vec<(String, JsValue)>, String> = {
        let inner = rc.borrow();
        records.iter().map(|r| Ok((r.id.clone(), to_stored(r, inner.verdicts.get(&r.id).copied())?))).collect()
    };
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        let written_now = match values {
            Ok(values) => write(&db, &values, &[]).await,
            Err(e) => Err(Failure { text: e, quota: false }),
        };
        match written_now {
            Ok(()) => written(&rc, &ids, true),
            Err(f) if f.quota => written(&rc, &ids, false),
            Err(f) => turn_off(&rc, crate::tr!("web.runs.saving_failed", error = f.text)),
        }
    });
}

/// Deletes records in the background; a deleted run no longer waits to be saved.
pub(super) fn forget(rc: &Rc<RefCell<Inner>>, ids: Vec<String>) {
    let db = match (&rc.borrow().history, &rc.borrow().db) {
        (state, Some(db)) if state.writes() => Rc::clone(db),
        _ => return,
    };
    let rc = Rc::clone(rc);
    wasm_bindgen_futures::spawn_local(async move {
        match write(&db, &[], &ids).await {
            Ok(()) => written(&rc, &ids, true),
            Err(f) => turn_off(&rc, crate::tr!("web.runs.deleting_failed", error = f.text)),
        }
    });
}

/// A write of `ids` ended (`fitted`: it was stored): full or on again.
fn written(rc: &Rc<RefCell<Inner>>, ids: &[String], fitted: bool) {
    {
        let mut inner = rc.borrow_mut();
        if !inner.history.writes() {
            return;
        }
        let state = store::after_write(&mut inner.unsaved, ids, fitted);
        if state == inner.history {
            return;
        }
        inner.history = state;
    }
    render(rc);
}

async fn write(db: &Database, put: &[(String, JsValue)], delete: &[String]) -> Result<(), Failure> {
    let tx = db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(|e| Failure::of(&e))?;
    let store = tx.object_store(STORE).map_err(|e| Failure::of(&e))?;
    // The same transaction, to read why it aborted (commit consumes `tx`).
    let probe = store.transaction();
    for (id, value) in put {
        if let Err(e) = store.put(value, Some(&JsValue::from_str(id))) {
            // Nothing of this write is kept: the stored copies stay as they were.
            let _ = probe.abort();
            return Err(Failure::of(&e));
        }
    }
    for id in delete {
        store.delete(JsValue::from_str(id)).map_err(|e| Failure::of(&e))?;
    }
    match tx.commit().map_err(|e| Failure::of(&e))?.await.map_err(|e| Failure::of(&e))? {
        TransactionResult::Committed => Ok(()),
        _ => {
            let quota = probe.error().is_some_and(|d| d.name() == "QuotaExceededError");
            Err(Failure { text: crate::tr!("web.runs.aborted"), quota })
        }
    }
}

/// History is off, and why (this tab's runs stay in memory).
pub(super) fn turn_off(rc: &Rc<RefCell<Inner>>, why: String) {
    rc.borrow_mut().history = StoreState::Off(why);
    render(rc);
}
