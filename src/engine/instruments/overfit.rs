//! Overfit-a-tiny-batch check (checklist 1.2): a correct model memorizes a
//! handful of points at once; if it cannot, it is too small or buggy.
//!
//! A copy of the trainer (current weights, the same model, loss, penalties,
//! dropout, clipping and planted bugs) trains on `k` training points, all of
//! them in every step, for at most `max_steps` steps, with a fixed recipe:
//! Adam at learning rate [`LR`], constant. The recipe is fixed so that the
//! check tests the model, the data pipeline and the code — what the
//! checklist asks of it — and not the run's own learning rate, which the
//! learning-rate instruments judge (a too-low rate would otherwise make a
//! correct model "fail", and a too-high one a buggy model "pass" by luck).
//!
//! Classification passes at 100 % training accuracy (evaluation mode)
//! **and** a data loss at most [`LOSS_FACTOR`] of where it started — a loss
//! that stalls while every point is right means the outputs are squashed
//! before the loss. Regression passes when the loss falls below
//! `max(1e-3, 2 % of the start)`. Validation accuracy is reported next to
//! chance (the share of the most common test class); a model fitted to a
//! few points is not expected to generalize, so neither is a verdict.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::{blocks, distance};
use crate::engine::config::{LossKind, OptimizerKind, ScheduleKind};
use crate::engine::model::{Model, ModelSpec};
use crate::engine::optim::Optimizer;
use crate::engine::progress::Progress;
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::{StepOutcome, Trainer};
use serde::{Deserialize, Serialize};

/// Largest tiny batch.
pub const MAX_K: usize = 32;
/// Default bound on the steps.
pub const DEFAULT_STEPS: u64 = 1000;
/// A passing classifier ends at most this share of its starting loss
/// (memorized: every point right *and* confidently so).
pub const LOSS_FACTOR: f64 = 0.1;
/// The recipe's learning rate (Adam): a healthy model of this playground's
/// size memorizes 1–32 points with it in well under [`DEFAULT_STEPS`].
pub const LR: f64 = 0.01;
/// Steps between evaluations.
const EVAL_EVERY: u64 = 5;

/// The result of the check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Whether the model had dropout while it trained.
    pub with_dropout: bool,
    /// Whether the loss takes logits (cross-entropy, focal): only then can
    /// a stalled loss with every point right be blamed on squashed outputs.
    pub logit_loss: bool,
    /// Whether this result comes from freshly drawn weights (the current
    /// ones could not fit the points; see [`check`]).
    pub redrawn: bool,
    /// The loss of all-zero logits on the k points (ln C for cross-entropy).
    pub uniform_loss: f64,
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

/// Whether a tiny batch counts as memorized: every point right and the loss
/// down to [`LOSS_FACTOR`] of its start or below [`MEMORIZED_LOSS`]
/// (classification, `acc` known), or down to `max(1e-3, 2 %)` of its start
/// (regression).
pub fn memorized(acc: Option<f64>, loss: f64, start: f64) -> bool {
    match acc {
        Some(a) => a == 1.0 && (loss <= LOSS_FACTOR * start || loss <= MEMORIZED_LOSS),
        None => loss <= (0.02 * start).max(MEMORIZED_LOSS),
    }
}

/// A loss this small is memorized whatever it started at (a model that
/// already fits its points cannot lose 90 % of a loss near 0).
pub const MEMORIZED_LOSS: f64 = 1e-2;

/// Trains a copy of `trainer` on `k` points for at most `max_steps` steps.
pub fn run(trainer: &Trainer, k: usize, max_steps: u64) -> Overfit {
    run_with(trainer, k, max_steps, &mut Progress::none())
}

/// [`run`], reporting the share of `max_steps` done to `progress`.
fn run_with(trainer: &Trainer, k: usize, max_steps: u64, progress: &mut Progress) -> Overfit {
    let idx = pick(trainer, k);
    let mut t = trainer.with_training_subset(&idx);
    let adam = OptimizerKind::of(&crate::engine::optim::adam::ADAM);
    t.cfg.optimizer = adam;
    t.optimizer = Optimizer::new(adam, t.model.n_params());
    t.cfg.lr = LR;
    t.cfg.schedule = ScheduleKind::Constant;
    let with_dropout = trainer.cfg.hidden.iter().any(|l| l.dropout > 0.0);
    let start = t.evaluate();
    let before = t.model.params.clone();
    let mut end = start;
    let (mut full_accuracy_at, mut diverged) = (None, None);
    while t.step_count() < max_steps {
        progress.set(t.step_count() as f64 / max_steps.max(1) as f64);
        if let StepOutcome::Diverged(d) = t.step() {
            diverged = Some(super::sentinel::describe(&d, &[]));
            break;
        }
        if !t.step_count().is_multiple_of(EVAL_EVERY) && t.step_count() != max_steps {
            continue;
        }
        end = t.evaluate();
        if end.train_acc == Some(1.0) && full_accuracy_at.is_none() {
            full_accuracy_at = Some(t.step_count());
        }
        if memorized(end.train_acc, end.train_loss, start.train_loss) {
            break;
        }
    }
    let passed = diverged.is_none() && memorized(end.train_acc, end.train_loss, start.train_loss);
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
        with_dropout,
        logit_loss: trainer.cfg.loss != LossKind::Mse,
        redrawn: false,
        uniform_loss: zero_logit_loss(&t),
    }
}

/// A loss that stays above this share of the uniform prediction's (ln C)
/// with every point right is squashed: softmax applied to outputs the loss treats as logits caps
/// the largest probability at e/(e + C − 1), so the loss cannot fall below
/// 45 % (C = 2) to 63 % (C = 10) of its uniform start. Between
/// [`LOSS_FACTOR`] and this, the model fits slowly (a bottleneck), no bug.
pub const STALL_FLOOR: f64 = 0.4;

/// The loss of all-zero outputs on the trainer's training targets.
fn zero_logit_loss(t: &Trainer) -> f64 {
    let targets: Vec<f64> = t.train.targets.iter().map(|&v| f64::from(v)).collect();
    crate::engine::loss::loss_and_grad(t.cfg.loss, &vec![0.0; targets.len()], &targets, t.model.n_out, None)
}

/// Salt of the seeds that redraw the weights in [`check`].
pub const REDRAW_SALT: u64 = 0x9e37_79b9_7f4a_7c15;
/// Fresh draws [`check`] tries after the current weights fail.
pub const REDRAWS: u64 = 2;

/// The check as the doctor and the page run it: from the current weights,
/// and when that fails without a bug's signature, up to [`REDRAWS`] more
/// times from weights drawn afresh by the same initializer (other seeds):
/// random restarts. "Can this model memorize k points" is answered yes if
/// any run does: one unlucky draw (a point whose tanh output starts
/// saturated on the wrong side, where float32 leaves no gradient at all)
/// must not read as "too small or buggy". Symmetric, dead or buggy models
/// fail every draw.
pub fn check(trainer: &Trainer, k: usize, max_steps: u64) -> Overfit {
    check_with(trainer, k, max_steps, &mut Progress::none())
}

/// [`check`], reporting how far it got to `progress` (each draw a third).
pub fn check_with(trainer: &Trainer, k: usize, max_steps: u64, progress: &mut Progress) -> Overfit {
    let share = 1.0 / (1 + REDRAWS) as f64;
    let first = run_with(trainer, k, max_steps, &mut progress.part(0.0, share));
    let stalls = first.findings().iter().any(|f| f.problem == Problem::LossStalls);
    if first.passed || stalls {
        return first;
    }
    for draw in 1..=REDRAWS {
        let mut t = trainer.clone();
        let spec = ModelSpec::from_config(&t.cfg, t.model.n_in, t.model.n_out);
        let seed = t.cfg.seed ^ REDRAW_SALT.wrapping_mul(draw);
        t.model = Model::build(&spec, &mut Rng::new(seed, Stream::Init));
        let part = draw as f64 * share;
        let again = run_with(&t, k, max_steps, &mut progress.part(part, part + share));
        if again.passed {
            return Overfit { redrawn: true, ..again };
        }
    }
    first
}

/// The same check on a copy of the model without its dropout layers (the
/// weights are the same: inverted dropout leaves them unscaled), to tell
/// whether dropout is what keeps the model from fitting.
pub fn run_without_dropout(trainer: &Trainer, k: usize, max_steps: u64, progress: &mut Progress) -> Overfit {
    let mut t = trainer.clone();
    for layer in &mut t.model.layers {
        if let crate::engine::layers::Layer::Dropout(d) = layer {
            d.p = 0.0; // the identity, in training and in evaluation
        }
    }
    t.cfg.hidden.iter_mut().for_each(|l| l.dropout = 0.0);
    check_with(&t, k, max_steps, progress)
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
    /// What the panel says under the verdict: the numbers, in words that
    /// agree with them.
    pub fn summary(&self) -> String {
        let pct = |a: f64| format!("{}%", (a * 100.0).round());
        let (k, loss, initial, steps) = (self.k, num(self.loss), num(self.initial_loss), self.steps);
        let fit = match (self.passed, self.train_acc) {
            (true, Some(acc)) => crate::tr!(
                "inst.overfit.memorized",
                k = k,
                acc = pct(acc),
                loss = loss,
                initial = initial,
                steps = steps
            ),
            (true, None) => {
                crate::tr!("inst.overfit.memorized_regression", k = k, loss = loss, initial = initial, steps = steps)
            }
            (false, _) => return self.findings().first().map(|f| f.text()).unwrap_or_default(),
        };
        let val = match (self.val_acc, self.chance) {
            (Some(v), Some(c)) if (v - c).abs() <= 0.1 => {
                crate::tr!("inst.overfit.near_chance", val = pct(v), chance = pct(c), k = k)
            }
            (Some(v), Some(c)) => crate::tr!("inst.overfit.not_generalizing", val = pct(v), chance = pct(c)),
            _ => String::new(),
        };
        fit + &val
    }

    /// A finding when the check fails.
    pub fn findings(&self) -> Vec<Finding> {
        if self.passed {
            return Vec::new();
        }
        let (k, steps) = (self.k, self.steps);
        let f = if let Some(d) = &self.diverged {
            Finding::new(
                Severity::Warning,
                Problem::CannotOverfit,
                checklist::OVERFIT,
                "overfit",
                crate::tr!("finding.cannot_overfit.diverged", k = k, lr = LR, why = d),
            )
            .cause(crate::tr!("finding.cannot_overfit.diverged_cause"))
            .fix(crate::tr!("finding.cannot_overfit.diverged_fix"))
        } else if self.train_acc == Some(1.0)
            && self.logit_loss
            && !self.with_dropout
            && self.loss >= STALL_FLOOR * self.uniform_loss
        {
            Finding::new(
                Severity::Error,
                Problem::LossStalls,
                checklist::OVERFIT,
                "overfit",
                crate::tr!(
                    "finding.loss_stalls.sentence",
                    k = k,
                    loss = num(self.loss),
                    times = num(self.loss / self.initial_loss),
                    steps = steps
                ),
            )
            .cause(crate::tr!("finding.loss_stalls.cause"))
            .fix(crate::tr!("finding.loss_stalls.fix"))
            .remedy(super::remedy::Remedy::RemoveBug)
        } else {
            let loss = num(self.loss);
            let sentence = match self.train_acc {
                Some(a) => crate::tr!(
                    "finding.cannot_overfit.sentence_acc",
                    k = k,
                    steps = steps,
                    lr = LR,
                    loss = loss,
                    acc = (a * 100.0).round()
                ),
                None => crate::tr!("finding.cannot_overfit.sentence", k = k, steps = steps, lr = LR, loss = loss),
            };
            let cause = if self.with_dropout {
                crate::tr!("finding.cannot_overfit.dropout_cause")
            } else {
                crate::tr!("finding.cannot_overfit.cause")
            };
            Finding::new(Severity::Warning, Problem::CannotOverfit, checklist::OVERFIT, "overfit", sentence)
                .cause(cause)
                .fix(crate::tr!("finding.cannot_overfit.fix"))
        };
        let f = f
            .evidence(crate::tr!("finding.evidence.points"), k as f64)
            .evidence(crate::tr!("finding.evidence.steps"), steps as f64)
            .evidence(crate::tr!("finding.evidence.final_loss"), self.loss);
        vec![f]
    }
}
