//! The browser's run store as data: whether it is usable, how the records
//! it holds are read (and the first format migrated), and how the panel's
//! list of runs absorbs a snapshot, the opened store and an import. The
//! IndexedDB calls themselves are in `web::runs`; every decision is here,
//! natively tested.
//!
//! Record forms: the store first held each record as JSON text
//! (`serde_json::to_string`); it now holds a structured object (a plain JS
//! object: the same JSON, parsed by the browser). Records in the first form
//! are read with [`from_legacy_json`] and rewritten in the current form when
//! the store opens.

use super::{validate, RunRecord};

/// Whether the store is usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreState {
    /// Still opening.
    Opening,
    /// Records are saved.
    On,
    /// History is off, and why.
    Off(String),
    /// A save did not fit (the browser's quota): the runs already stored
    /// are kept, new ones are not saved until space is freed.
    Full,
}

/// How long the store may take to open before history is turned off, in
/// milliseconds (an `indexedDB.open` that never answers).
pub const OPEN_TIMEOUT_MS: u32 = 5000;

impl StoreState {
    /// The status line: its `data-state` and text.
    pub fn status(&self) -> (&'static str, String) {
        match self {
            StoreState::Opening => ("opening", crate::tr!("runs.store.opening")),
            StoreState::On => ("on", crate::tr!("runs.store.on")),
            StoreState::Off(why) => ("off", crate::tr!("runs.store.off", why = why)),
            StoreState::Full => ("full", crate::tr!("runs.store.full")),
        }
    }

    /// Whether records are written (on, or full: a later save may fit).
    pub fn writes(&self) -> bool {
        matches!(self, StoreState::On | StoreState::Full)
    }
}

/// Why history is off when the store did not open in time.
pub fn open_timed_out() -> String {
    crate::tr!("runs.store.timed_out", seconds = OPEN_TIMEOUT_MS / 1000)
}

/// The store's state after a write of `ids`: a write that did not fit adds
/// them to `unsaved` (the store is then full), one that did removes them;
/// the store is on again once nothing is left unsaved.
pub fn after_write(unsaved: &mut Vec<String>, ids: &[String], fitted: bool) -> StoreState {
    if fitted {
        unsaved.retain(|u| !ids.contains(u));
    } else {
        for id in ids {
            if !unsaved.contains(id) {
                unsaved.push(id.clone());
            }
        }
    }
    if unsaved.is_empty() {
        StoreState::On
    } else {
        StoreState::Full
    }
}

/// One value read from the store.
#[derive(Clone, Debug, PartialEq)]
pub enum Stored {
    /// A structured record (the current form), or why it could not be read.
    Record(Box<Result<RunRecord, String>>),
    /// JSON text (the first form).
    Json(String),
}

/// A record in the first form: JSON text, validated.
pub fn from_legacy_json(text: &str) -> Result<RunRecord, String> {
    let run: RunRecord = serde_json::from_str(text).map_err(|e| e.to_string())?;
    validate(&run)?;
    Ok(run)
}

/// What the store held.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// Every valid record, oldest first.
    pub runs: Vec<RunRecord>,
    /// The records read from the first form, to write back in the current one.
    pub migrate: Vec<RunRecord>,
}

/// Reads the store's values: records that no longer validate (hand-edited
/// storage) are left out; first-form records are kept and marked for migration.
pub fn load(values: Vec<Stored>) -> Loaded {
    let mut loaded = Loaded::default();
    for value in values {
        match value {
            Stored::Record(run) => {
                if let Ok(run) = *run {
                    if validate(&run).is_ok() {
                        loaded.runs.push(run);
                    }
                }
            }
            Stored::Json(text) => {
                if let Ok(run) = from_legacy_json(&text) {
                    loaded.migrate.push(run.clone());
                    loaded.runs.push(run);
                }
            }
        }
    }
    loaded.runs.sort_by(|a, b| a.started_ms.total_cmp(&b.started_ms));
    loaded
}

/// A snapshot of the live run: replaces the stored copy, keeping the user's
/// name, note and pin, or joins the list. Returns the record to write.
pub fn absorb(runs: &mut Vec<RunRecord>, mut record: RunRecord) -> RunRecord {
    if let Some(old) = runs.iter_mut().find(|r| r.id == record.id) {
        record.name = old.name.clone();
        record.note = old.note.clone();
        record.pinned = old.pinned;
        *old = record.clone();
    } else {
        runs.push(record.clone());
    }
    record
}

/// The store opened with `stored`: this tab's runs (`live`, saved before it
/// opened) replace their stored copies or join them. Returns the list and
/// the live runs still to write (those whose ids are `pending`).
pub fn merge_opened(
    stored: Vec<RunRecord>,
    live: Vec<RunRecord>,
    pending: &[String],
) -> (Vec<RunRecord>, Vec<RunRecord>) {
    let mut runs = stored;
    let mut unsaved = Vec::new();
    for r in live {
        if let Some(old) = runs.iter_mut().find(|s| s.id == r.id) {
            *old = r.clone();
        } else {
            runs.push(r.clone());
        }
        if pending.contains(&r.id) {
            unsaved.push(r);
        }
    }
    (runs, unsaved)
}

/// The imported runs to add: duplicates (indices `dups`) left out, an id
/// already taken renamed `<id>-2`, `<id>-3`, ….
pub fn fresh_ids(existing: &[RunRecord], incoming: Vec<RunRecord>, dups: &[usize]) -> Vec<RunRecord> {
    let mut added: Vec<RunRecord> = Vec::new();
    for (i, mut r) in incoming.into_iter().enumerate() {
        if dups.contains(&i) {
            continue;
        }
        let base: String = r.id.chars().take(56).collect();
        let mut n = 2;
        while existing.iter().chain(&added).any(|s| s.id == r.id) {
            r.id = format!("{base}-{n}");
            n += 1;
        }
        added.push(r);
    }
    added
}

/// The message after an import.
pub fn import_message(added: usize, skipped: usize) -> String {
    crate::tr!("runs.store.imported", added = added, skipped = skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::runs::tests::sample;

    #[test]
    fn first_form_records_are_read_and_marked_for_migration() {
        let mut old = sample("old", "lr=0.1");
        old.started_ms = 2.0;
        // Exactly what the first store wrote: the record as JSON text.
        let text = serde_json::to_string(&old).unwrap();
        let mut new = sample("new", "lr=0.3");
        new.started_ms = 1.0;
        let mut bad = sample("bad", "lr=0.3");
        bad.fingerprint = "nope".into();
        let loaded = load(vec![
            Stored::Json(text),
            Stored::Record(Box::new(Ok(new.clone()))),
            Stored::Record(Box::new(Ok(bad.clone()))),
            Stored::Record(Box::new(Err("not a record".into()))),
            Stored::Json("{\"id\":".into()),
            Stored::Json(serde_json::to_string(&bad).unwrap()),
        ]);
        assert_eq!(loaded.runs, vec![new, old.clone()], "valid ones, oldest first");
        assert_eq!(loaded.migrate, vec![old]);
    }

    #[test]
    fn a_legacy_record_keeps_every_bit() {
        let mut r = sample("a", "lr=0.1");
        r.wall_ms = 0.1 + 0.2;
        r.changed_at = Some(3);
        let back = from_legacy_json(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back.wall_ms.to_bits(), r.wall_ms.to_bits());
        assert_eq!(back, r);
        assert!(from_legacy_json("{}").is_err());
    }

    #[test]
    fn a_snapshot_keeps_the_users_name_note_and_pin() {
        let mut runs = vec![sample("a", "lr=0.1")];
        runs[0].name = "mine".into();
        runs[0].note = "a note".into();
        runs[0].pinned = true;
        let mut snap = sample("a", "lr=0.1");
        snap.steps = 99;
        let written = absorb(&mut runs, snap);
        assert_eq!(
            (written.name.as_str(), written.note.as_str(), written.pinned, written.steps),
            ("mine", "a note", true, 99)
        );
        assert_eq!(runs, vec![written]);
        absorb(&mut runs, sample("b", "lr=0.1"));
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn opening_merges_this_tabs_runs_and_writes_the_pending_ones() {
        let mut live_a = sample("a", "lr=0.1");
        live_a.steps = 50;
        let (runs, unsaved) = merge_opened(
            vec![sample("a", "lr=0.1"), sample("s", "lr=0.1")],
            vec![live_a.clone(), sample("b", "lr=0.1")],
            &["a".into()],
        );
        assert_eq!(runs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "s", "b"]);
        assert_eq!(runs[0].steps, 50);
        assert_eq!(unsaved, vec![live_a]);
    }

    #[test]
    fn imports_skip_duplicates_and_rename_taken_ids() {
        let existing = vec![sample("a", "lr=0.1"), sample("a-2", "lr=0.1")];
        let added =
            fresh_ids(&existing, vec![sample("a", "lr=0.2"), sample("x", "lr=0.3"), sample("a", "lr=0.4")], &[1]);
        assert_eq!(added.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a-3", "a-4"]);
        assert_eq!(import_message(2, 1), "Imported 2 run(s); 1 duplicate(s) (same fingerprint and settings) skipped.");
    }

    #[test]
    fn the_status_line_says_why_history_is_off() {
        assert_eq!(StoreState::On.status().0, "on");
        let (state, text) = StoreState::Off("blocked".into()).status();
        assert_eq!(state, "off");
        assert!(text.starts_with("History is off: blocked."), "{text}");
        let (state, text) = StoreState::Off(open_timed_out()).status();
        assert_eq!(state, "off");
        assert!(text.starts_with("History is off: IndexedDB did not open within 5 s."), "{text}");
    }

    #[test]
    fn a_save_that_does_not_fit_makes_the_store_full_until_it_fits() {
        let mut unsaved = Vec::new();
        assert_eq!(after_write(&mut unsaved, &["a".into()], true), StoreState::On);
        assert_eq!(after_write(&mut unsaved, &["b".into(), "c".into()], false), StoreState::Full);
        assert_eq!(after_write(&mut unsaved, &["b".into()], false), StoreState::Full);
        assert_eq!(unsaved, ["b", "c"]);
        // Another record fitting (an older run's new name) does not save b or c.
        assert_eq!(after_write(&mut unsaved, &["a".into()], true), StoreState::Full);
        assert_eq!(after_write(&mut unsaved, &["b".into()], true), StoreState::Full);
        assert_eq!(after_write(&mut unsaved, &["c".into()], true), StoreState::On);
        let (state, text) = StoreState::Full.status();
        assert_eq!(state, "full");
        assert!(text.starts_with("History is full: this run was not saved; older runs are kept"), "{text}");
        assert!(StoreState::Full.writes() && StoreState::On.writes() && !StoreState::Opening.writes());
    }
}
