//! Learning-rate and batch-size instruments after Cockpit (Schneider,
//! Dangel and Hennig, NeurIPS 2021), checklist 4.1 and 4.2: they measure
//! whether the current rate and batch size suit the loss surface and the
//! gradient noise, where a loss curve only shows the outcome.
//!
//! Every measurement is of one step's mini-batch, in f64, with dropout off
//! and BatchNorm in training mode (the deterministic batch objective the
//! gradient check uses), data loss plus penalties (what the optimizer sees):
//! - **alpha** ([`alpha`]): the loss and its slope along the update, at the
//!   start and the end of the step, fit a parabola; alpha is where the step
//!   landed on it: −1 where it started (no progress), 0 the valley floor,
//!   +1 the far side at the starting height. In Cockpit's grid search the
//!   best learning rate had a median alpha a little above 0; far above 0
//!   the steps overshoot (lower the rate), near −1 they barely move (raise
//!   it).
//! - **the norm test and the inner-product test** ([`batch_tests`]), from
//!   exact per-example gradients `g_n` (each example's own backward pass;
//!   not with BatchNorm, which couples the examples of a batch): how noisy
//!   the mini-batch gradient `g` is against its size (Byrd et al. 2012;
//!   Bollapragada et al. 2018). Each reads ≤ 1 when the batch is large
//!   enough at θ = 1, and implies the batch size that would bring it to 1.
//! - **the top Hessian eigenvalue** ([`top_eigenvalue`]): power iteration on
//!   Hessian-vector products, each the central difference of two gradients
//!   (shifted when the largest in magnitude is negative).
//!   On a quadratic, a plain gradient step diverges along the top direction
//!   once `lr > 2/λmax`.
//! - **the distance from initialization** ([`distance_from_init`]) per layer,
//!   `‖W − W₀‖ / ‖W₀‖`: how far training has carried the weights.

use crate::engine::gradcheck::{self, Objective};
use crate::engine::layers::Layer;
use crate::engine::math;
use crate::engine::model::{Model, ModelSpec, ParamKind};
use crate::engine::rng::{Rng, Stream, Uniform01};
use crate::engine::trainer::Trainer;
use serde::{Deserialize, Serialize};

/// Loss and slope along a step `d = w₁ − w₀`, at both ends: `L(t)` is the
/// loss at `w₀ + t·d`, so the slopes are `∇L·d`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepLine {
    /// `L(0)`.
    pub loss0: f64,
    /// `L(1)`.
    pub loss1: f64,
    /// `L'(0) = ∇L(w₀)·d`.
    pub slope0: f64,
    /// `L'(1) = ∇L(w₁)·d`.
    pub slope1: f64,
}

/// The parabola `a t² + b t + c` closest (least squares, all four
/// observations weighted alike) to `c = L(0)`, `b = L'(0)`,
/// `a + b + c = L(1)`, `2a + b = L'(1)`; returns `(a, b, c)`.
pub fn fit_parabola(s: &StepLine) -> (f64, f64, f64) {
    // Rows (t², t, 1) against (L0, L'0, L1, L'1): [0 0 1], [0 1 0], [1 1 1], [2 1 0].
    // Normal equations AᵀA p = Aᵀy with AᵀA = [[5, 3, 1], [3, 3, 1], [1, 1, 2]].
    let rhs = [s.loss1 + 2.0 * s.slope1, s.slope0 + s.loss1 + s.slope1, s.loss0 + s.loss1];
    let m = [[5.0, 3.0, 1.0], [3.0, 3.0, 1.0], [1.0, 1.0, 2.0]];
    let p = solve3(m, rhs);
    (p[0], p[1], p[2])
}

/// Solves a 3 × 3 system by Cramer's rule (the matrix here is fixed and
/// well conditioned: determinant 10).
fn solve3(m: [[f64; 3]; 3], y: [f64; 3]) -> [f64; 3] {
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(m);
    let mut out = [0.0; 3];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut mk = m;
        for (row, &v) in mk.iter_mut().zip(&y) {
            row[k] = v;
        }
        *slot = det(mk) / d;
    }
    out
}

/// Where the step landed on its parabola: `(1 − t*) / t*` with `t*` the
/// parabola's minimum (−1: stayed at the start, 0: the floor, +1: the far
/// side at the starting height). `None` when the line has no valley
/// ahead: a parabola that is not convex, or a step that started uphill.
pub fn alpha(s: &StepLine) -> Option<f64> {
    let (a, b, _) = fit_parabola(s);
    let valley_ahead = a > 0.0 && b < 0.0; // false for NaN too
    if !valley_ahead {
        return None;
    }
    let t_star = -b / (2.0 * a);
    Some((1.0 - t_star) / t_star)
}

/// The objective of a trainer as its optimizer sees it (data loss and
/// penalties).
pub fn objective(trainer: &Trainer) -> Objective {
    Objective { loss: trainer.cfg.loss, l1: trainer.cfg.l1, l2: trainer.cfg.l2 }
}

/// Loss (data + penalty) and gradient of `model` with parameters `w` on a batch.
fn loss_and_gradient(model: &mut Model<f64>, w: &[f64], x: &[f64], t: &[f64], obj: Objective) -> (f64, Vec<f64>) {
    model.params.copy_from_slice(w);
    let (data, penalty) = gradcheck::backprop(model, x, t, obj);
    (data + penalty, model.grads.clone())
}

/// The line of the step from `w0` to `w1` on a batch.
pub fn step_line(model: &Model<f64>, w0: &[f64], w1: &[f64], x: &[f64], t: &[f64], obj: Objective) -> StepLine {
    let mut m = model.clone();
    let d: Vec<f64> = w1.iter().zip(w0).map(|(a, b)| a - b).collect();
    let (loss0, g0) = loss_and_gradient(&mut m, w0, x, t, obj);
    let (loss1, g1) = loss_and_gradient(&mut m, w1, x, t, obj);
    StepLine { loss0, loss1, slope0: dot(&g0, &d), slope1: dot(&g1, &d) }
}

/// The two gradient tests of a batch and the batch sizes they imply.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchTests {
    /// Examples in the batch.
    pub batch: usize,
    /// Norm test: `Σ‖g_n − g‖² / (B(B − 1)) / ‖g‖²`.
    pub norm: f64,
    /// Inner-product test: `Σ(g_nᵀg − ‖g‖²)² / (B(B − 1)) / ‖g‖⁴`.
    pub inner_product: f64,
}

impl BatchTests {
    /// The batch size at which the norm test would read 1 (θ = 1): the
    /// variance of a mean falls as 1/B.
    pub fn norm_batch(&self) -> f64 {
        self.norm * self.batch as f64
    }

    /// The batch size at which the inner-product test would read 1.
    pub fn inner_product_batch(&self) -> f64 {
        self.inner_product * self.batch as f64
    }
}

/// The tests of per-example gradients `grads` (at least 2, of one length);
/// `None` with fewer or a zero mean gradient.
pub fn batch_tests(grads: &[Vec<f64>]) -> Option<BatchTests> {
    let b = grads.len();
    let n = grads.first()?.len();
    if b < 2 {
        return None;
    }
    let mut mean = vec![0.0; n];
    for g in grads {
        for (m, v) in mean.iter_mut().zip(g) {
            *m += v / b as f64;
        }
    }
    let sq = dot(&mean, &mean);
    let usable = sq > 0.0; // false for NaN too
    if !usable {
        return None;
    }
    let pairs = (b * (b - 1)) as f64;
    let spread: f64 = grads.iter().map(|g| g.iter().zip(&mean).map(|(v, m)| (v - m) * (v - m)).sum::<f64>()).sum();
    let projections: f64 = grads.iter().map(|g| (dot(g, &mean) - sq).powi(2)).sum();
    Some(BatchTests { batch: b, norm: spread / pairs / sq, inner_product: projections / pairs / (sq * sq) })
}

/// Each example's own gradient of (its data loss + the penalties), at the
/// model's parameters; `None` for a model with BatchNorm, whose examples
/// are coupled through the batch statistics.
pub fn per_example_gradients(model: &Model<f64>, x: &[f64], t: &[f64], obj: Objective) -> Option<Vec<Vec<f64>>> {
    if model.layers.iter().any(|l| matches!(l, Layer::BatchNorm(_))) {
        return None;
    }
    let mut m = model.clone();
    let w = model.params.clone();
    let rows = x.len() / model.n_in.max(1);
    Some(
        (0..rows)
            .map(|i| {
                let xi = &x[i * model.n_in..(i + 1) * model.n_in];
                let ti = &t[i * model.n_out..(i + 1) * model.n_out];
                loss_and_gradient(&mut m, &w, xi, ti, obj).1
            })
            .collect(),
    )
}

/// Step of the central difference of gradients in a Hessian-vector product
/// (along a unit vector): truncation ~ε², rounding ~1e-16/ε.
pub const HVP_STEP: f64 = 1e-4;

/// `H v` at the model's parameters by `(∇L(w + εv) − ∇L(w − εv)) / 2ε`.
pub fn hessian_vector(model: &Model<f64>, x: &[f64], t: &[f64], obj: Objective, v: &[f64]) -> Vec<f64> {
    let mut m = model.clone();
    let w = model.params.clone();
    let norm = math::sqrt(dot(v, v));
    if norm == 0.0 {
        return vec![0.0; v.len()];
    }
    let eps = HVP_STEP / norm;
    let shifted = |sign: f64| -> Vec<f64> { w.iter().zip(v).map(|(a, b)| a + sign * eps * b).collect() };
    let (_, plus) = loss_and_gradient(&mut m, &shifted(1.0), x, t, obj);
    let (_, minus) = loss_and_gradient(&mut m, &shifted(-1.0), x, t, obj);
    plus.iter().zip(&minus).map(|(p, q)| (p - q) / (2.0 * eps)).collect()
}

/// The Hessian's largest eigenvalue (the most positive: the curvature that
/// limits a stable step), by power iteration on Hessian-vector products
/// from a seeded random direction, `iterations` rounds. Power iteration
/// finds the eigenvalue of largest magnitude `λ₁`; when that is negative
/// (near a saddle), a second run on `H − λ₁I`, whose eigenvalues are all
/// ≥ 0, finds `λmax − λ₁`.
pub fn top_eigenvalue(model: &Model<f64>, x: &[f64], t: &[f64], obj: Objective, iterations: usize, seed: u64) -> f64 {
    let hvp = |v: &[f64]| hessian_vector(model, x, t, obj, v);
    let largest = power_iteration(&hvp, model.params.len(), iterations, seed);
    if largest >= 0.0 {
        return largest;
    }
    let shifted = |v: &[f64]| -> Vec<f64> { hvp(v).iter().zip(v).map(|(h, x)| h - largest * x).collect() };
    largest + power_iteration(&shifted, model.params.len(), iterations, seed)
}

/// The eigenvalue of largest magnitude of the symmetric operator `apply`
/// on `n`-vectors: the Rayleigh quotient after `iterations` rounds.
fn power_iteration(apply: &dyn Fn(&[f64]) -> Vec<f64>, n: usize, iterations: usize, seed: u64) -> f64 {
    let mut rng = Rng::new(seed, Stream::Probe);
    let mut v: Vec<f64> = (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let mut lambda = 0.0;
    for _ in 0..iterations.max(1) {
        normalize(&mut v);
        let hv = apply(&v);
        lambda = dot(&v, &hv);
        v = hv;
        if dot(&v, &v) == 0.0 {
            return 0.0;
        }
    }
    lambda
}

/// One dense layer's distance from where it started.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerDistance {
    /// Index of the dense layer in `Model::layers`.
    pub layer: usize,
    /// `‖W − W₀‖`.
    pub distance: f64,
    /// `‖W − W₀‖ / ‖W₀‖` (0 when `W₀` is 0).
    pub relative: f64,
}

/// Every dense layer's distance from the run's initial weights (drawn
/// again from the run's seed, as the trainer drew them).
pub fn distance_from_init(trainer: &Trainer) -> Vec<LayerDistance> {
    let spec = ModelSpec::from_config(&trainer.cfg, trainer.model.n_in, trainer.model.n_out);
    let init: Model<f32> = Model::build(&spec, &mut Rng::new(trainer.cfg.seed, Stream::Init));
    let now = &trainer.model;
    now.infos
        .iter()
        .zip(&init.infos)
        .filter(|(info, _)| info.kind == ParamKind::Weight)
        .map(|(info, first)| {
            let (w, w0) = (&now.params[info.range()], &init.params[first.range()]);
            let distance = math::sqrt(w.iter().zip(w0).map(|(a, b)| f64::from(*a - *b).powi(2)).sum());
            let base = math::sqrt(w0.iter().map(|&a| f64::from(a).powi(2)).sum());
            LayerDistance { layer: info.layer, distance, relative: if base > 0.0 { distance / base } else { 0.0 } }
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(v: &mut [f64]) {
    let n = math::sqrt(dot(v, v));
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

mod advice;
mod report;
mod trace;
pub use advice::{Advice, OVERSHOOT, SHARP};
#[cfg(test)]
pub(crate) use report::with_alphas;
pub use report::{live_due, measure, Report, LIVE_EVERY, LIVE_MAX_PARAMS, STEPS};
pub use trace::{Reading, Trace, MAX_READINGS, MEDIAN_WINDOW};

#[cfg(test)]
mod tests;
