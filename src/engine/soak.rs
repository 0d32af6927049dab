//! The soak: a long run (a million steps) trained as the page trains it,
//! the live instruments observing every step and the run recorder every
//! evaluation, with every buffer that grows with the run measured against
//! its bound at chosen steps. The process's memory is measured by the
//! caller (the CLI reads `/proc/self/status`), so this stays pure.
//!
//! The buffers: the trainer's history (mini-batch loss and evaluations,
//! [`crate::engine::history::Series`]), the live instruments' per-layer
//! history and recent samples, histograms and loss breakdown, and the run
//! record's curves. Each is downsampled or a ring; none may pass its bound.

use crate::engine::history::Series;
use crate::engine::instruments::Live;
use crate::engine::runs::{recorder::Recorder, MAX_POINTS};
use crate::engine::trainer::{StepOutcome, Trainer};

/// Steps between evaluations, by default (the page evaluates once per frame).
pub const EVAL_EVERY: u64 = 100;

/// One buffer's length and bound.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Buffer {
    /// What it holds: `history.batch_loss`, `layers.history`, ….
    pub kind: &'static str,
    /// The network block it belongs to (`hidden 1`, …, `output`), if any.
    pub block: Option<String>,
    /// Entries now.
    pub len: usize,
    /// Most entries it may hold.
    pub bound: usize,
}

/// The state at a checkpoint: every buffer, and what the caller measured.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Checkpoint<M> {
    /// Steps trained.
    pub step: u64,
    /// Every growing buffer.
    pub buffers: Vec<Buffer>,
    /// The caller's measurement (the process's memory).
    pub memory: M,
}

impl<M> Checkpoint<M> {
    /// The buffers over their bound.
    pub fn over(&self) -> Vec<&Buffer> {
        self.buffers.iter().filter(|b| b.len > b.bound).collect()
    }

    /// Per kind of buffer: the longest of its kind and the bound, in the
    /// order they first appear.
    pub fn longest(&self) -> Vec<(&'static str, usize, usize)> {
        let mut out: Vec<(&'static str, usize, usize)> = Vec::new();
        for b in &self.buffers {
            match out.iter_mut().find(|(kind, _, _)| *kind == b.kind) {
                Some(entry) => entry.1 = entry.1.max(b.len),
                None => out.push((b.kind, b.len, b.bound)),
            }
        }
        out
    }

    /// Entries in every buffer together.
    pub fn entries(&self) -> usize {
        self.buffers.iter().map(|b| b.len).sum()
    }
}

/// A run under watch: the trainer, the live instruments on it and the recorder.
pub struct Soak {
    /// The run.
    pub trainer: Trainer,
    live: Live,
    recorder: Recorder,
    /// Steps between evaluations.
    pub eval_every: u64,
    /// The step at which training stopped on a non-finite value, if it did.
    pub diverged_at: Option<u64>,
}

fn series<T: Copy>(kind: &'static str, block: Option<&str>, s: &Series<T>) -> Buffer {
    Buffer { kind, block: block.map(String::from), len: s.len(), bound: s.capacity() }
}

impl Soak {
    /// Watches `trainer` from now: live instruments attached, recorder started.
    pub fn new(mut trainer: Trainer) -> Self {
        let live = Live::attach(&mut trainer);
        let recorder = Recorder::start(&trainer, env!("CARGO_PKG_VERSION"), "gradlab soak", 0.0);
        Self { trainer, live, recorder, eval_every: EVAL_EVERY, diverged_at: None }
    }

    /// Trains until `step` (or until it diverges): each step observed,
    /// an evaluation every `eval_every` steps recorded.
    pub fn train_to(&mut self, step: u64) {
        while self.diverged_at.is_none() && self.trainer.step_count() < step {
            if let StepOutcome::Diverged(d) = self.trainer.step() {
                self.diverged_at = Some(d.step);
                break;
            }
            self.live.observe(&self.trainer);
            if self.trainer.step_count().is_multiple_of(self.eval_every.max(1)) {
                let m = self.trainer.evaluate();
                self.recorder.observe(&m);
            }
        }
    }

    /// Every buffer that grows with the run, with its bound.
    pub fn buffers(&self) -> Vec<Buffer> {
        let h = &self.trainer.history;
        let mut out = vec![series("history.batch_loss", None, &h.batch_loss), series("history.evals", None, &h.evals)];
        for t in &self.live.layers.layers {
            out.push(series("layers.history", Some(&t.label), &t.history));
            let recent = crate::engine::instruments::layer_stats::RECENT;
            out.push(Buffer {
                kind: "layers.recent",
                block: Some(t.label.clone()),
                len: t.recent.len(),
                bound: recent,
            });
        }
        for b in &self.live.histograms.blocks {
            out.push(series("histograms.activations", Some(&b.label), &b.activations));
            out.push(series("histograms.weights", Some(&b.label), &b.weights));
            out.push(series("histograms.gradients", Some(&b.label), &b.gradients));
        }
        out.push(series("loss_breakdown.history", None, &self.live.loss.history));
        let record = self.recorder.record(&self.trainer, 0.0);
        out.push(Buffer { kind: "record.curves", block: None, len: record.curves.step.len(), bound: MAX_POINTS });
        out
    }

    /// The state now, with the caller's `memory`.
    pub fn checkpoint<M>(&self, memory: M) -> Checkpoint<M> {
        Checkpoint { step: self.trainer.step_count(), buffers: self.buffers(), memory }
    }
}
