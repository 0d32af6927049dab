//! Evaluation: the data loss and accuracy over the training and test sets
//! (evaluation mode), at once or in slices of rows.
//!
//! On a large network one evaluation of the whole data takes longer than a
//! frame, so the page evaluates in slices between frames
//! ([`Trainer::evaluate_slice`]) while training waits. Slices are whole
//! multiples or divisors of the model's 256-row prediction chunk, whose
//! rows are computed independently, so a sliced evaluation gives the same
//! bits as [`Trainer::evaluate`] (tested).

use super::Trainer;
use crate::history::Metrics;

/// Rows the model predicts at once (`Model::predict_into`'s chunk).
pub const PREDICT_ROWS: usize = 256;

/// Multiply-adds one slice may cost: a few milliseconds of a browser's time
/// (the page runs slices until its time budget is spent).
pub const SLICE_MACS: usize = 16_000_000;

/// An evaluation under way: the training rows, then the test rows.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The step it measures.
    step: u64,
    /// Rows done over both sets (training first).
    row: usize,
    /// Outputs of the set under way.
    out: Vec<f32>,
    /// Loss and accuracy of the training set, once done.
    train: (f64, Option<f64>),
}

impl Evaluation {
    /// The step it measures.
    pub fn step(&self) -> u64 {
        self.step
    }
}

impl Trainer {
    /// Data loss and accuracy over the training and test sets (evaluation
    /// mode), recorded in the history.
    pub fn evaluate(&mut self) -> Metrics {
        let mut e = self.start_evaluation();
        loop {
            if let Some(m) = self.evaluate_slice(&mut e, usize::MAX) {
                return m;
            }
        }
    }

    /// An evaluation of the current step, nothing done yet.
    pub fn start_evaluation(&self) -> Evaluation {
        Evaluation { step: self.step, row: 0, out: Vec::new(), train: (f64::NAN, None) }
    }

    /// Rows per slice for this model: [`SLICE_MACS`] worth, as a divisor or
    /// a multiple of [`PREDICT_ROWS`] (so the bits do not depend on it).
    pub fn rows_per_slice(&self) -> usize {
        let per_row = self.model.forward_macs_per_row().max(1);
        let rows = (SLICE_MACS / per_row).max(1);
        if rows >= PREDICT_ROWS {
            rows / PREDICT_ROWS * PREDICT_ROWS
        } else {
            1 << rows.ilog2()
        }
    }

    /// Evaluates up to `max_rows` more rows of `e`; the metrics once every
    /// row is done (then also recorded in the history). An evaluation of
    /// another step starts over.
    pub fn evaluate_slice(&mut self, e: &mut Evaluation, max_rows: usize) -> Option<Metrics> {
        if e.step != self.step {
            *e = self.start_evaluation();
        }
        let n_train = self.train.len();
        let n_total = n_train + self.test.len();
        let mut budget = max_rows.max(1);
        while budget > 0 && e.row < n_total {
            let (train, start, end) =
                if e.row < n_train { (true, e.row, n_train) } else { (false, e.row - n_train, n_total - n_train) };
            let rows = budget.min(end - start);
            self.predict_rows(train, start, rows, &mut e.out);
            e.row += rows;
            budget -= rows;
            if start + rows == end {
                let scored = self.score(train, &e.out);
                e.out.clear();
                if train {
                    e.train = scored;
                } else {
                    return Some(self.finish(e, scored));
                }
            }
        }
        // Done without returning above: the test set is empty.
        (e.row == n_total).then(|| self.finish(e, (f64::NAN, None)))
    }

    fn finish(&mut self, e: &Evaluation, (test_loss, test_acc): (f64, Option<f64>)) -> Metrics {
        let (train_loss, train_acc) = e.train;
        let m = Metrics { step: self.step, train_loss, test_loss, train_acc, test_acc };
        self.history.evals.push(self.step, m);
        m
    }

    /// Appends the outputs of `rows` rows from `start` of a set to `out`.
    fn predict_rows(&mut self, train: bool, start: usize, rows: usize, out: &mut Vec<f32>) {
        let (n_in, n_out) = (self.model.n_in, self.model.n_out);
        let split = if train { &self.train } else { &self.test };
        let x = &split.x.as_slice().unwrap_or(&[])[start * n_in..(start + rows) * n_in];
        let from = out.len();
        out.resize(from + rows * n_out, 0.0);
        if !self.hooks.0.predict(&self.model, x, &mut out[from..]) {
            self.model.predict_into(x, &mut out[from..], &mut self.scratch);
        }
    }

    /// Loss and accuracy of a whole set's outputs.
    fn score(&self, train: bool, out: &[f32]) -> (f64, Option<f64>) {
        let split = if train { &self.train } else { &self.test };
        let n_out = self.model.n_out;
        let t = split.targets.as_slice().unwrap_or(&[]);
        let loss = self.hooks.0.data_loss(self.cfg.loss, out, t, n_out, None);
        let acc = split.labels.as_ref().map(|labels| {
            let correct =
                out.chunks_exact(n_out).zip(labels).filter(|(o, &l)| self.encoding.predict_class(o) == l).count();
            correct as f64 / labels.len() as f64
        });
        (loss, acc)
    }

    /// Model outputs in evaluation mode for model inputs `x: [n, n_in]`.
    pub fn predict(&mut self, x: &[f32], out: &mut [f32]) {
        if !self.hooks.0.predict(&self.model, x, out) {
            self.model.predict_into(x, out, &mut self.scratch);
        }
    }
}
