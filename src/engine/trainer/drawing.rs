//! What the page draws from a trainer: the planar points, digit samples
//! with their predicted classes, chosen layers' outputs and the dense
//! weights (the network diagram's edges). Read-only views of the trainer's
//! state, kept apart from training itself.

use super::Trainer;
use crate::data::{Labels, RawData};

/// A raw planar point and its target, for drawing.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanePoint {
    /// Horizontal coordinate.
    pub x1: f64,
    /// Vertical coordinate (up).
    pub x2: f64,
    /// Class index, or the regression value.
    pub target: f64,
}

/// One digit image with its true and predicted class.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DigitSample {
    /// 64 pixels in [0, 1], row-major, ink = 1.
    pub pixels: Vec<f32>,
    /// True class.
    pub label: usize,
    /// Predicted class.
    pub predicted: usize,
}

impl Trainer {
    /// Model outputs of the layers `keep` for inputs `x` (evaluation mode).
    pub fn predict_layers(&mut self, x: &[f32], keep: &[usize], outs: &mut [Vec<f32>]) {
        self.model.predict_layers_into(x, keep, outs, &mut self.scratch);
    }

    /// Every dense layer's `(n_in, n_out, W)`, for the network diagram's edges.
    pub fn dense_weights(&self) -> Vec<(usize, usize, &[f32])> {
        self.model.dense_weights()
    }

    /// The training points (planar data only; empty for digits).
    pub fn train_points(&self) -> Vec<PlanePoint> {
        plane_points(&self.raw_train)
    }

    /// The test points (planar data only; empty for digits).
    pub fn test_points(&self) -> Vec<PlanePoint> {
        plane_points(&self.raw_test)
    }

    /// The first `n` test images (training images if there is no test set)
    /// with their true and predicted classes; empty for planar data.
    pub fn digit_samples(&mut self, n: usize) -> Vec<DigitSample> {
        let use_test = !self.test.is_empty();
        let (raw, split) = if use_test { (&self.raw_test, &self.test) } else { (&self.raw_train, &self.train) };
        let (Some(labels), false) = (split.labels.clone(), raw.planar) else {
            return Vec::new();
        };
        let n = n.min(split.len());
        let n_in = self.model.n_in;
        let x: Vec<f32> = split.x.rows().into_iter().take(n).flat_map(|r| r.to_vec()).collect();
        let pixels: Vec<Vec<f32>> =
            raw.x.rows().into_iter().take(n).map(|r| r.iter().map(|&v| v as f32).collect()).collect();
        let mut out = vec![0.0; n * self.model.n_out];
        self.model.predict_into(&x[..n * n_in], &mut out, &mut self.scratch);
        pixels
            .into_iter()
            .zip(out.chunks_exact(self.model.n_out))
            .zip(labels)
            .map(|((pixels, o), label)| DigitSample { pixels, label, predicted: self.encoding.predict_class(o) })
            .collect()
    }
}

fn plane_points(raw: &RawData) -> Vec<PlanePoint> {
    if !raw.planar {
        return Vec::new();
    }
    (0..raw.len())
        .map(|i| {
            let target = match &raw.labels {
                Labels::Classes { labels, .. } => labels[i] as f64,
                Labels::Values(v) => v[i],
            };
            PlanePoint { x1: raw.x[[i, 0]], x2: raw.x[[i, 1]], target }
        })
        .collect()
}
