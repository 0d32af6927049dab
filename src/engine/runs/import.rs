//! An import in parts: the records of a checked file merged into the
//! history a few at a time, so a large file never blocks the page.
//!
//! The page parses and checks the file ([`super::import_json`]) in a Web
//! Worker and hands over one JSON text per record; [`Importing`] then, in
//! slices: reads the history's duplicate keys, reads each incoming record,
//! skips duplicates (same fingerprint and settings) and renames taken ids
//! (`<id>-2`, `<id>-3`, …). The outcome is exactly what merging the whole
//! file at once gives ([`super::duplicates`] and
//! [`super::store::fresh_ids`]; tested).

use super::{duplicate_key, ImportError, RunRecord};
use std::collections::HashSet;

/// The worker's answer to a file: one JSON text per checked record, or
/// why the file was rejected (nothing is then changed).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Parsed {
    /// The file's records, each as JSON.
    Records(Vec<String>),
    /// Why the file was rejected.
    Rejected(String),
}

impl Parsed {
    /// Reads and checks a whole file (the worker's side: any length of time).
    pub fn of_file(text: &str) -> Parsed {
        match super::import_json(text) {
            Ok(runs) => Parsed::Records(runs.iter().filter_map(|r| serde_json::to_string(r).ok()).collect()),
            Err(e) => Parsed::Rejected(e.to_string()),
        }
    }
}

/// A merge under way.
#[derive(Clone, Debug)]
pub struct Importing {
    /// The history's records (fingerprint, link, id) whose keys are not read yet.
    existing: Vec<(String, String, String)>,
    /// The incoming records as JSON, one per record.
    texts: Vec<String>,
    /// Next of `existing` to read, then next of `texts`.
    next: usize,
    seen: HashSet<(String, String)>,
    ids: HashSet<String>,
    added: Vec<RunRecord>,
    skipped: usize,
}

impl Importing {
    /// A merge of `texts` (one record's JSON each) into `history`.
    pub fn new(history: &[RunRecord], texts: Vec<String>) -> Self {
        let existing = history.iter().map(|r| (r.fingerprint.clone(), r.link.clone(), r.id.clone())).collect();
        Self { existing, texts, next: 0, seen: HashSet::new(), ids: HashSet::new(), added: Vec::new(), skipped: 0 }
    }

    /// Works while `more()` says so (at least one record per call); `true`
    /// once every record is merged.
    pub fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> Result<bool, ImportError> {
        loop {
            let total = self.existing.len() + self.texts.len();
            if self.next >= total {
                return Ok(true);
            }
            if self.next < self.existing.len() {
                let (fingerprint, link, id) = &self.existing[self.next];
                self.seen.insert(super::key_of(fingerprint, link));
                self.ids.insert(id.clone());
            } else {
                let i = self.next - self.existing.len();
                let record: RunRecord = serde_json::from_str(&self.texts[i])
                    .map_err(|e| ImportError::BadRecord(i, crate::tr!("runs.import.unreadable", error = e)))?;
                self.merge(record);
            }
            self.next += 1;
            if !more() {
                return Ok(self.next >= total);
            }
        }
    }

    /// Records read so far, of all to read (the history's and the file's).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.existing.len() + self.texts.len())
    }

    /// The records to add, and how many duplicates were skipped.
    pub fn finish(self) -> (Vec<RunRecord>, usize) {
        (self.added, self.skipped)
    }

    fn merge(&mut self, mut r: RunRecord) {
        if !self.seen.insert(duplicate_key(&r)) {
            self.skipped += 1;
            return;
        }
        let base: String = r.id.chars().take(56).collect();
        let mut n = 2;
        while self.ids.contains(&r.id) {
            r.id = format!("{base}-{n}");
            n += 1;
        }
        self.ids.insert(r.id.clone());
        self.added.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::super::store::fresh_ids;
    use super::super::tests::sample;
    use super::super::{duplicates, import_json};
    use super::*;

    /// Record by record, it merges exactly as the whole-file merge does:
    /// duplicates skipped (within the file too), taken ids renamed.
    #[test]
    fn a_merge_in_parts_equals_the_whole_merge() {
        let history = vec![sample("a", "lr=0.1"), sample("b", "lr=0.2")];
        let mut same_as_a = sample("other-id", "lr=0.1");
        same_as_a.fingerprint = history[0].fingerprint.clone();
        let incoming = vec![
            sample("a", "lr=0.3"),        // a taken id: renamed a-2
            same_as_a,                    // a duplicate of a: skipped
            sample("c", "lr=0.4"),        // new
            sample("c", "lr=0.4&seed=2"), // taken by the one before: c-2
        ];
        let dups = duplicates(&history, &incoming);
        let whole = fresh_ids(&history, incoming.clone(), &dups);
        let file = super::super::export_json(&incoming);
        let Parsed::Records(texts) = Parsed::of_file(&file) else { panic!("a valid file") };
        let mut parts = Importing::new(&history, texts);
        let mut calls = 0;
        while !parts.advance(&mut || false).unwrap() {
            calls += 1;
        }
        assert_eq!(calls, history.len() + incoming.len() - 1, "one record per call");
        let (added, skipped) = parts.finish();
        assert_eq!((added.clone(), skipped), (whole, dups.len()));
        let ids: Vec<&str> = added.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a-2", "c", "c-2"]);
        assert_eq!(skipped, 1);
        assert!(import_json(&file).is_ok());
        assert!(matches!(Parsed::of_file("{}"), Parsed::Rejected(_)));
    }

    #[test]
    fn an_unreadable_record_is_an_error_naming_it() {
        let mut parts = Importing::new(&[], vec!["{}".into()]);
        assert!(matches!(parts.advance(&mut || true), Err(ImportError::BadRecord(0, _))));
    }
}
