//! The Cockpit instruments as one on-demand measurement: a copy of the run
//! takes its next [`STEPS`] steps (the same batches, rate and optimizer as
//! the run would) and each is measured: alpha, the two gradient tests; the
//! top Hessian eigenvalue at the current weights on the next batch; the
//! distance from initialization now. The run itself is untouched; the
//! page runs this in the checks' worker, with progress and Cancel.

use super::{
    alpha, batch_tests, distance_from_init, objective, per_example_gradients, step_line, top_eigenvalue, BatchTests,
    LayerDistance,
};
use crate::engine::format::num;
use crate::engine::instruments::{block_label, median};
use crate::engine::model::Model;
use crate::engine::progress::Progress;
use crate::engine::trainer::{StepOutcome, Trainer};
use serde::{Deserialize, Serialize};

/// Steps measured.
pub const STEPS: usize = 20;
/// Rounds of power iteration for the top eigenvalue.
pub const POWER_ITERATIONS: usize = 30;
/// The live readout measures again once the run has entered a new block
/// of this many steps.
pub const LIVE_EVERY: u64 = 50;
/// Largest network (parameters) the live readout measures on the page's
/// main thread: W2's 433-parameter net costs 1.1–1.7 ms a measurement, so
/// once per 50 steps keeps 60 frames/s; larger ones take "Measure" (in the
/// worker).
pub const LIVE_MAX_PARAMS: usize = 5_000;

/// Whether the live readout measures at `step`, having last measured at
/// `last` (`None`: not yet): at the first chance, then once per block of
/// [`LIVE_EVERY`] steps.
pub fn live_due(step: u64, last: Option<u64>) -> bool {
    last.is_none_or(|l| step / LIVE_EVERY != l / LIVE_EVERY)
}

/// What the measurement found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The run's step it started from.
    pub from_step: u64,
    /// The learning rate of the first measured step.
    pub lr: f64,
    /// Alpha of each measured step that had one.
    pub alphas: Vec<f64>,
    /// The run's step each of `alphas` was measured on (the step it began).
    pub alpha_steps: Vec<u64>,
    /// Steps measured (fewer than [`STEPS`] when training stopped).
    pub steps: usize,
    /// The gradient tests, the median of each over the measured steps
    /// (`None` with BatchNorm or batches of one).
    pub tests: Option<BatchTests>,
    /// The Hessian's eigenvalue of largest magnitude.
    pub lambda_max: f64,
    /// Every dense layer's distance from its initial weights.
    pub distances: Vec<LayerDistance>,
    /// Whether the run steps with plain SGD (no momentum, no adaptive
    /// scaling), for which lr × λ > 2 means divergence along λ's direction.
    pub plain_sgd: bool,
}

/// A trainer's next batch in f64.
fn next_batch(t: &Trainer) -> (Vec<f64>, Vec<f64>) {
    let (x, y) = t.next_batch();
    (x.iter().map(|&v| f64::from(v)).collect(), y.iter().map(|&v| f64::from(v)).collect())
}

/// Measures the next [`STEPS`] steps of a copy of `trainer`.
pub fn measure(trainer: &Trainer, progress: &mut Progress) -> Report {
    let obj = objective(trainer);
    let model: Model<f64> = trainer.model.cast();
    let (x, y) = next_batch(trainer);
    let lambda_max = top_eigenvalue(&model, &x, &y, obj, POWER_ITERATIONS, trainer.cfg.seed);
    progress.set(0.3);
    let mut t = trainer.without_planned_changes();
    t.probe = None;
    let (mut alphas, mut alpha_steps) = (Vec::new(), Vec::new());
    let (mut norms, mut products, mut batch, mut steps) = (Vec::new(), Vec::new(), 0, 0);
    for k in 0..STEPS {
        progress.set(0.3 + 0.7 * k as f64 / STEPS as f64);
        let before: Model<f64> = t.model.cast();
        let (x, y) = next_batch(&t);
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
        steps += 1;
        let after: Vec<f64> = t.model.params.iter().map(|&v| f64::from(v)).collect();
        if let Some(a) = alpha(&step_line(&before, &before.params, &after, &x, &y, obj)) {
            alphas.push(a);
            alpha_steps.push(trainer.step_count() + k as u64);
        }
        if let Some(tests) = per_example_gradients(&before, &x, &y, obj).as_deref().and_then(batch_tests) {
            batch = tests.batch;
            norms.push(tests.norm);
            products.push(tests.inner_product);
        }
    }
    let tests = (!norms.is_empty()).then(|| BatchTests {
        batch,
        norm: median(&mut norms),
        inner_product: median(&mut products),
    });
    Report {
        from_step: trainer.step_count(),
        lr: trainer.lr(),
        alphas,
        alpha_steps,
        steps,
        tests,
        lambda_max,
        distances: distance_from_init(trainer),
        plain_sgd: trainer.cfg.optimizer.rule.name == "sgd",
    }
}

/// A report of consecutive steps from `from_step` with these alphas, for
/// the tests of what is built on reports (the trace, its charts).
#[cfg(test)]
pub(crate) fn with_alphas(from_step: u64, alphas: &[f64], lambda_max: f64, lr: f64) -> Report {
    Report {
        from_step,
        lr,
        alphas: alphas.to_vec(),
        alpha_steps: (from_step..from_step + alphas.len() as u64).collect(),
        steps: alphas.len(),
        tests: None,
        lambda_max,
        distances: Vec::new(),
        plain_sgd: true,
    }
}

/// A batch size, rounded up to a whole example (at least 1).
fn whole(b: f64) -> String {
    format!("{}", b.ceil().max(1.0) as u64)
}

impl Report {
    /// The median alpha, if any step had one.
    pub fn alpha_median(&self) -> Option<f64> {
        (!self.alphas.is_empty()).then(|| median(&mut self.alphas.clone()))
    }

    /// What each measurement reads, a sentence each, in the order alpha,
    /// gradient tests, curvature, distance. `show_lr`: whether the page may
    /// name the run's learning rate (a link can hide it).
    pub fn lines(&self, show_lr: bool) -> Vec<String> {
        let alpha = match self.alpha_median() {
            Some(a) => crate::tr!("inst.cockpit.alpha", median = num(a), n = self.alphas.len(), steps = self.steps),
            None => crate::tr!("inst.cockpit.alpha_none", steps = self.steps),
        };
        let tests = match &self.tests {
            Some(t) => crate::tr!(
                "inst.cockpit.tests",
                norm = num(t.norm),
                inner = num(t.inner_product),
                batch = t.batch,
                norm_batch = whole(t.norm_batch()),
                inner_batch = whole(t.inner_product_batch())
            ),
            None => crate::tr!("inst.cockpit.tests_none"),
        };
        let curvature = if self.lambda_max <= 0.0 {
            crate::tr!("inst.cockpit.curvature_flat", lambda = num(self.lambda_max))
        } else if show_lr {
            crate::tr!(
                "inst.cockpit.curvature",
                lambda = num(self.lambda_max),
                limit = num(2.0 / self.lambda_max),
                product = num(self.lr * self.lambda_max)
            )
        } else {
            crate::tr!(
                "inst.cockpit.curvature_hidden",
                lambda = num(self.lambda_max),
                limit = num(2.0 / self.lambda_max)
            )
        };
        let n = self.distances.len();
        let distance = self
            .distances
            .iter()
            .enumerate()
            .map(|(k, d)| {
                crate::tr!("inst.cockpit.layer_distance", layer = block_label(k, n), relative = num(d.relative))
            })
            .collect::<Vec<_>>()
            .join(crate::engine::i18n::text("inst.place.separator"));
        vec![alpha, tests, curvature, crate::tr!("inst.cockpit.distance", layers = distance, step = self.from_step)]
    }
}
