//! Overfit-a-tiny-batch check (checklist 1.2): a correct model memorizes a
//! handful of points at once; if it cannot, it is too small or buggy.
//!
//! A copy of the trainer (current weights, fresh optimizer, the same
//! optimizer kind, learning rate, penalties and planted bugs) trains on `k`
//! training points, all of them in every step, for at most `max_steps`
//! steps. Classification passes at 100 % training accuracy (evaluation
//! mode) **and** a data loss at most [`LOSS_FACTOR`] of where it started —
//! a loss that stalls while every point is right means the outputs are
//! squashed before the loss. Regression passes when the loss falls below
//! `max(1e-3, 2 % of the start)`. Validation accuracy is reported next to
//! chance (the share of the most common test class).

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::{blocks, distance};
use crate::engine::trainer::{StepOutcome, Trainer};
use serde::Serialize;

/// Largest tiny batch.
pub const MAX_K: usize = 32;
/// Default bound on the steps.
pub const DEFAULT_STEPS: u64 = 1000;
/// A passing classifier ends at most this share of its starting loss.
pub const LOSS_FACTOR: f64 = 0.3;
/// Steps between evaluations.
const EVAL_EVERY: u64 = 5;

/// The result of the check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overfit {
    /// Points trained on.
    pub k: usize,
    /// Whether the model memorized them.
    pub passed: bool,
    /// Steps taken.
    pub steps: u64,
    /// Data loss on the k points before training.
    pub initial_loss: f64,
    /// Data loss on the k points at the end.
    pub loss: f64,
    /// Accuracy on the k points at the end (classification).
    pub train_acc: Option<f64>,
    /// The step at which every point was first classified right.
    pub full_accuracy_at: Option<u64>,
    /// Accuracy on the test set at the end.
    pub val_acc: Option<f64>,
    /// Accuracy of always predicting the most common test class.
    pub chance: Option<f64>,
    /// Dense layers whose weights did not change at all.
    pub frozen_layers: Vec<usize>,
    /// Where training diverged, if it did.
    pub diverged: Option<String>,
}

/// `k` training rows, taking the classes in turn (in training order) so a
/// tiny batch holds every class; the first `k` rows for regression.
pub fn pick(trainer: &Trainer, k: usize) -> Vec<usize> {
    let n = trainer.train.len();
    let k = k.clamp(1, MAX_K).min(n);
    let Some(labels) = &trainer.train.labels else { return (0..k).collect() };
    let n_classes = labels.iter().max().map_or(1, |m| m + 1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in labels.iter().enumerate() {
        by_class[c].push(i);
    }
    let mut out = Vec::with_capacity(k);
    for round in 0..n {
        for class in &by_class {
            if let Some(&i) = class.get(round) {
                out.push(i);
                if out.len() == k {
                    return out;
                }
            }
        }
    }
    out
}

/// Trains a copy of `trainer` on `k` points for at most `max_steps` steps.
pub fn run(trainer: &Trainer, k: usize, max_steps: u64) -> Overfit {
    let idx = pick(trainer, k);
    let mut t = trainer.with_training_subset(&idx);
    let start = t.evaluate();
    let before = t.model.params.clone();
    let classify = start.train_acc.is_some();
    let target = if classify { LOSS_FACTOR * start.train_loss } else { (0.02 * start.train_loss).max(1e-3) };
    let mut end = start;
    let (mut full_accuracy_at, mut diverged) = (None, None);
    while t.step_count() < max_steps {
        if let StepOutcome::Diverged(d) = t.step() {
            diverged = Some(d.to_string());
            break;
        }
        if !t.step_count().is_multiple_of(EVAL_EVERY) && t.step_count() != max_steps {
            continue;
        }
        end = t.evaluate();
        if end.train_acc == Some(1.0) && full_accuracy_at.is_none() {
            full_accuracy_at = Some(t.step_count());
        }
        if (!classify || end.train_acc == Some(1.0)) && end.train_loss <= target {
            break;
        }
    }
    let passed = diverged.is_none() && (!classify || end.train_acc == Some(1.0)) && end.train_loss <= target;
    let frozen_layers = if t.step_count() > 0 {
        blocks(&t.model)
            .iter()
            .filter(|b| distance(&t.model.params[b.w.clone()], &before[b.w.clone()]) == 0.0)
            .map(|b| b.dense)
            .collect()
    } else {
        Vec::new()
    };
    Overfit {
        k: idx.len(),
        passed,
        steps: t.step_count(),
        initial_loss: start.train_loss,
        loss: end.train_loss,
        train_acc: end.train_acc,
        full_accuracy_at,
        val_acc: end.test_acc,
        chance: chance(trainer),
        frozen_layers,
        diverged,
    }
}

/// The share of the most common class in the test set (training set if empty).
pub fn chance(trainer: &Trainer) -> Option<f64> {
    let split = if trainer.test.is_empty() { &trainer.train } else { &trainer.test };
    let labels = split.labels.as_ref()?;
    let n_classes = labels.iter().max().map_or(1, |m| m + 1);
    let mut counts = vec![0usize; n_classes];
    labels.iter().for_each(|&c| counts[c] += 1);
    Some(*counts.iter().max()? as f64 / labels.len().max(1) as f64)
}

impl Overfit {
    /// A finding when the check fails.
    pub fn findings(&self) -> Vec<Finding> {
        if self.passed {
            return Vec::new();
        }
        let acc = self.train_acc.map_or(String::new(), |a| format!(" and {}% accuracy", (a * 100.0).round()));
        let (problem, sentence) = if let Some(d) = &self.diverged {
            (Problem::CannotOverfit, format!("Training on {} points diverged ({d}).", self.k))
        } else if self.train_acc == Some(1.0) {
            (
                Problem::LossStalls,
                format!(
                    "On {} points every prediction is right, yet the loss stalls at {} ({}× its start) after {} steps: the outputs may be squashed before the loss (softmax or sigmoid applied to outputs the loss treats as logits).",
                    self.k,
                    num(self.loss),
                    num(self.loss / self.initial_loss),
                    self.steps
                ),
            )
        } else {
            (
                Problem::CannotOverfit,
                format!(
                    "The model cannot memorize {} points: after {} steps it reaches loss {}{acc}; a healthy model does this at once, so it is too small, its learning rate too low, or its code is buggy.",
                    self.k,
                    self.steps,
                    num(self.loss),
                ),
            )
        };
        vec![Finding::new(Severity::Warning, problem, checklist::OVERFIT, "overfit", sentence)]
    }
}
