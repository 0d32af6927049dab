//! Fuzzing at scale: hostile links through the link codec and hostile
//! runs files through the run importer, natively, from a seed (the
//! engine's [`Rng`], so a run and any failure it finds are reproduced by
//! `gradlab fuzz --seed S`).
//!
//! - [`links`]: real links mutated; each decoded, round-tripped, and when
//!   its network is small built into a trainer that takes a step;
//! - [`imports`]: a real exported runs file mutated; each imported, an
//!   accepted one exported and imported again and merged into a history;
//! - [`mutate`]: the byte and text mutations and hostile values they share.
//!
//! Every input runs under [`std::panic::catch_unwind`]: a panic, or a
//! broken invariant, is a [`Failure`] holding the input, and the run goes
//! on. `tests/fuzz.rs` runs a few thousand of each in the test run.

pub mod imports;
pub mod links;
pub mod mutate;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::engine::rng::{Rng, Stream};

/// How many inputs of each kind, from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuzzOptions {
    /// Links to try.
    pub links: u64,
    /// Runs files to try.
    pub imports: u64,
    /// The seed of every draw.
    pub seed: u64,
}

/// What the links did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LinkCounts {
    /// Inputs tried.
    pub tried: u64,
    /// Decoded with no field rejected.
    pub clean: u64,
    /// Decoded with one or more fields rejected (each with its message).
    pub with_rejected: u64,
    /// Decoded links written and read back to themselves.
    pub round_trips: u64,
    /// New experiments with a small network built into a trainer.
    pub built: u64,
    /// Of those, trainers that took a step and an evaluation.
    pub stepped: u64,
    /// New experiments with a small network the trainer refused (with a message).
    pub build_refused: u64,
}

/// What the runs files did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    /// Files tried.
    pub tried: u64,
    /// Accepted (every record valid).
    pub accepted: u64,
    /// Refused with a message.
    pub refused: u64,
    /// Accepted files that exported, imported again and merged.
    pub merged: u64,
}

/// An input that panicked or broke an invariant.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    /// `link` or `import`.
    pub kind: &'static str,
    /// Its index among the inputs of its kind (same seed: same input).
    pub index: u64,
    /// The input.
    pub input: String,
    /// The panic's message, or the broken invariant.
    pub message: String,
    /// Whether it panicked.
    pub panicked: bool,
}

/// What a fuzz run found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FuzzReport {
    /// The links.
    pub links: LinkCounts,
    /// The runs files.
    pub imports: ImportCounts,
    /// Every failure.
    pub failures: Vec<Failure>,
}

impl FuzzReport {
    /// Failures that were panics.
    pub fn panics(&self) -> usize {
        self.failures.iter().filter(|f| f.panicked).count()
    }
}

/// Runs `f` on `input`; a panic or an error becomes a [`Failure`] of
/// `kind` holding the input.
pub fn guarded(kind: &'static str, index: u64, input: &str, f: impl FnOnce() -> Result<(), String>) -> Option<Failure> {
    let failure = |message: String, panicked| Failure { kind, index, input: input.to_string(), message, panicked };
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => None,
        Ok(Err(message)) => Some(failure(message, false)),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Some(failure(message, true))
        }
    }
}

/// Runs `opts.links` links and `opts.imports` runs files; `progress` is
/// told the inputs done of each kind now and then (every 2¹⁶).
pub fn run(opts: &FuzzOptions, progress: &mut dyn FnMut(&FuzzReport)) -> FuzzReport {
    let mut report = FuzzReport::default();
    let seeds = links::Seeds::new();
    let mut built = links::Built::default();
    let mut rng = Rng::new(opts.seed, Stream::Data);
    for index in 0..opts.links {
        let input = links::draw(&mut rng, &seeds);
        report.links.tried += 1;
        let counts = &mut report.links;
        if let Some(f) = guarded("link", index, &input, || links::check(&input, counts, &mut built)) {
            report.failures.push(f);
        }
        if index % (1 << 16) == (1 << 16) - 1 {
            progress(&report);
        }
    }
    let files = imports::FileSeeds::new();
    let mut rng = Rng::new(opts.seed, Stream::Probe);
    for index in 0..opts.imports {
        let input = imports::draw(&mut rng, &files, &seeds);
        report.imports.tried += 1;
        let counts = &mut report.imports;
        if let Some(f) = guarded("import", index, &input, || imports::check(&input, counts, &files.runs)) {
            report.failures.push(f);
        }
        if index % (1 << 12) == (1 << 12) - 1 {
            progress(&report);
        }
    }
    report
}
