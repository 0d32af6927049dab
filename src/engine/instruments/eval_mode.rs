//! Evaluation mode (checklist 4.7): evaluation must be deterministic —
//! dropout off, BN on its running statistics. Evaluates the same training
//! inputs twice through the trainer's own evaluation path and compares.

use super::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Rows evaluated.
pub const ROWS: usize = 64;

/// What the check found.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EvalMode {
    /// Whether both evaluations gave the same bits.
    pub deterministic: bool,
    /// Largest difference between the two.
    pub max_diff: f64,
    /// Rows compared.
    pub rows: usize,
}

/// Evaluates up to [`ROWS`] training inputs twice (on a copy of the trainer).
pub fn check(trainer: &Trainer) -> EvalMode {
    let mut t = trainer.clone();
    let rows = t.train.len().min(ROWS);
    let n_in = t.model.n_in;
    let x: Vec<f32> = t.train.x.as_slice().map_or_else(Vec::new, |s| s[..rows * n_in].to_vec());
    let mut a = vec![0.0; rows * t.model.n_out];
    let mut b = a.clone();
    t.predict(&x, &mut a);
    t.predict(&x, &mut b);
    let max_diff = a.iter().zip(&b).map(|(p, q)| f64::from((p - q).abs())).fold(0.0, f64::max);
    EvalMode { deterministic: a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()), max_diff, rows }
}

impl EvalMode {
    /// An error when evaluation is random.
    pub fn findings(&self) -> Vec<Finding> {
        if self.deterministic {
            return Vec::new();
        }
        let sentence = crate::tr!("finding.random_evaluation.sentence", rows = self.rows, diff = num(self.max_diff));
        let f = Finding::new(Severity::Error, Problem::RandomEvaluation, checklist::DROPOUT, "eval_mode", sentence)
            .cause(crate::tr!("finding.random_evaluation.cause"))
            .fix(crate::tr!("finding.random_evaluation.fix"))
            .remedy(super::remedy::Remedy::RemoveBug)
            .evidence(crate::tr!("finding.evidence.largest_difference"), self.max_diff);
        vec![f]
    }
}
