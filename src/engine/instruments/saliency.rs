//! Saliency (checklist 3.6c): gradients of an output with respect to the
//! inputs.
//!
//! - Digits: `|∂score_c/∂pixel|` for chosen examples, `score_c` the logit of
//!   class `c` (the predicted class by default), over the 64 model inputs
//!   (one per pixel; with standardization on, per standardized pixel).
//! - 2-D data: the input-gradient field `(∂o/∂x1, ∂o/∂x2)` of one output
//!   over a grid of the plane, chained through the features (x1², sin x1,
//!   …) and the standardization back to the raw coordinates.
//!
//! Both run in evaluation mode on a copy of the model.

use crate::engine::config::Feature;
use crate::engine::grid::{coords, Grid};
use crate::engine::layers::Pass;
use crate::engine::math;
use crate::engine::model::Model;
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// The saliency map of one digit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DigitSaliency {
    /// Row of the split (test set if it has rows, else training set).
    pub index: usize,
    /// True class.
    pub label: usize,
    /// Predicted class.
    pub predicted: usize,
    /// The class whose score was differentiated.
    pub class: usize,
    /// `|∂score/∂pixel|`, 64 values, row-major 8×8.
    pub map: Vec<f32>,
    /// Largest value of `map` (for colour scaling).
    pub max: f32,
}

/// `dL/d input` of `rows` inputs `x: [rows, n_in]` for `d_out` rows given by
/// `pick(row, outputs) -> output unit` (evaluation mode, on a copy).
fn input_gradients(model: &Model<f32>, x: &[f32], pick: impl Fn(usize, &[f32]) -> usize) -> (Vec<f32>, Vec<usize>) {
    let mut m = model.clone();
    m.forward(x, Pass::EVAL, &mut Rng::new(0, Stream::Probe));
    let n_out = m.n_out;
    let picked: Vec<usize> = m.output().chunks_exact(n_out).enumerate().map(|(r, o)| pick(r, o)).collect();
    let mut d_out = vec![0.0; picked.len() * n_out];
    for (r, &c) in picked.iter().enumerate() {
        d_out[r * n_out + c.min(n_out - 1)] = 1.0;
    }
    (m.backward_with_input_grad(&d_out).to_vec(), picked)
}

/// Saliency maps of the digits at rows `rows` of the test set (training set
/// if empty), for class `class` or each example's predicted class. Empty
/// for planar data; rows out of range are skipped.
pub fn digits(trainer: &Trainer, rows: &[usize], class: Option<usize>) -> Vec<DigitSaliency> {
    let split = if trainer.test.is_empty() { &trainer.train } else { &trainer.test };
    let Some(labels) = split.labels.as_ref().filter(|_| trainer.input_map.is_none()) else { return Vec::new() };
    let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < split.len()).collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let n_in = trainer.model.n_in;
    let x: Vec<f32> = rows.iter().flat_map(|&r| split.x.row(r).to_vec()).collect();
    let encoding = trainer.encoding;
    let (grads, picked) =
        input_gradients(&trainer.model, &x, |_, o| class.unwrap_or_else(|| encoding.predict_class(o)));
    let mut outputs = vec![0.0; rows.len() * trainer.model.n_out];
    trainer.model.predict_into(&x, &mut outputs, &mut Default::default());
    rows.iter()
        .enumerate()
        .map(|(k, &index)| {
            let map: Vec<f32> = grads[k * n_in..(k + 1) * n_in].iter().map(|g| g.abs()).collect();
            let out = &outputs[k * trainer.model.n_out..(k + 1) * trainer.model.n_out];
            DigitSaliency {
                index,
                label: labels[index],
                predicted: encoding.predict_class(out),
                class: picked[k],
                max: map.iter().copied().fold(0.0, f32::max),
                map,
            }
        })
        .collect()
}

/// The input-gradient field over the plane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientField {
    /// Points per side (row 0 at the top, as [`coords`]).
    pub size: usize,
    /// The output unit differentiated.
    pub output: usize,
    /// `(∂o/∂x1, ∂o/∂x2)` per grid point, `[size², 2]` flattened.
    pub grad: Vec<f32>,
    /// Largest gradient length.
    pub max_norm: f32,
}

/// `(∂f/∂x1, ∂f/∂x2)` of a feature at (x1, x2).
pub fn feature_gradient(f: Feature, x1: f64, x2: f64) -> (f64, f64) {
    match f {
        Feature::X1 => (1.0, 0.0),
        Feature::X2 => (0.0, 1.0),
        Feature::X1Sq => (2.0 * x1, 0.0),
        Feature::X2Sq => (0.0, 2.0 * x2),
        Feature::X1X2 => (x2, x1),
        Feature::SinX1 => (math::cos(x1), 0.0),
        Feature::SinX2 => (0.0, math::cos(x2)),
    }
}

/// The gradient field of output `output` over a `size`×`size` grid; `None`
/// for digits.
pub fn plane_field(trainer: &Trainer, size: usize, output: usize) -> Option<GradientField> {
    let grid = Grid::new(trainer, size)?;
    let map = trainer.input_map.as_ref()?;
    let d = map.features.len();
    let (du, _) = input_gradients(&trainer.model, &grid.inputs, |_, _| output);
    let mut grad = Vec::with_capacity(2 * grid.len());
    for (p, du_row) in du.chunks_exact(d).enumerate() {
        let (x1, x2) = coords(size, p / size, p % size);
        let (mut g1, mut g2) = (0.0, 0.0);
        for ((&f, &g), &s) in map.features.iter().zip(du_row).zip(&map.scaler.std) {
            let (a, b) = feature_gradient(f, x1, x2);
            g1 += f64::from(g) * a / s;
            g2 += f64::from(g) * b / s;
        }
        grad.extend([g1 as f32, g2 as f32]);
    }
    let max_norm = grad.chunks_exact(2).map(|g| (g[0] * g[0] + g[1] * g[1]).sqrt()).fold(0.0, f32::max);
    Some(GradientField { size, output: output.min(trainer.model.n_out - 1), grad, max_norm })
}
