//! Input features of planar points and their standardization.
//!
//! [`featurize`] maps raw `(x1, x2)` rows to the enabled [`Feature`]s in the
//! order given (TF Playground's `x, y, x², y², xy, sin x, sin y`);
//! [`feature_row`] does the same for one point (the heatmap grid).
//! [`Standardizer`] rescales each column to zero mean and unit variance with
//! statistics fitted on the training inputs only.

use crate::config::Feature;
use crate::math;
use ndarray::{Array2, ArrayView2};

/// The value of one feature at `(x1, x2)`.
pub fn feature_value(feature: Feature, x1: f64, x2: f64) -> f64 {
    match feature {
        Feature::X1 => x1,
        Feature::X2 => x2,
        Feature::X1Sq => x1 * x1,
        Feature::X2Sq => x2 * x2,
        Feature::X1X2 => x1 * x2,
        Feature::SinX1 => math::sin(x1),
        Feature::SinX2 => math::sin(x2),
    }
}

/// Writes the features of `(x1, x2)` into `out` (`out.len()` should equal
/// `features.len()`; extra entries on either side are left alone).
pub fn feature_row(x1: f64, x2: f64, features: &[Feature], out: &mut [f64]) {
    debug_assert_eq!(out.len(), features.len());
    for (o, &f) in out.iter_mut().zip(features) {
        *o = feature_value(f, x1, x2);
    }
}

/// Planar inputs `[n, 2]` to features `[n, features.len()]`, columns in the
/// order of `features`. Panics if `x` has fewer than 2 columns.
pub fn featurize(x: ArrayView2<f64>, features: &[Feature]) -> Array2<f64> {
    let mut out = Array2::zeros((x.nrows(), features.len()));
    for (row, mut target) in x.rows().into_iter().zip(out.rows_mut()) {
        for (o, &f) in target.iter_mut().zip(features) {
            *o = feature_value(f, row[0], row[1]);
        }
    }
    out
}

/// Per-column affine rescaling `(v − mean) / std`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standardizer {
    /// Column means.
    pub mean: Vec<f64>,
    /// Column standard deviations (population); 1.0 for constant columns.
    pub std: Vec<f64>,
}

/// Standard deviations below this count as a constant column.
const MIN_STD: f64 = 1e-12;

impl Standardizer {
    /// Mean and population standard deviation of each column of `x` (the
    /// training inputs). A constant column (or an empty `x`) gets std 1.0,
    /// so it is only centered, never divided by 0.
    pub fn fit(x: ArrayView2<f64>) -> Self {
        let n = x.nrows() as f64;
        let (mean, std) = x
            .columns()
            .into_iter()
            .map(|col| {
                if col.is_empty() {
                    return (0.0, 1.0);
                }
                let mean = col.sum() / n;
                let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                let std = math::sqrt(var);
                (mean, if std > MIN_STD { std } else { 1.0 })
            })
            .unzip();
        Self { mean, std }
    }

    /// The no-op rescaling of `d` columns (mean 0, std 1).
    pub fn identity(d: usize) -> Self {
        Self { mean: vec![0.0; d], std: vec![1.0; d] }
    }

    /// Rescales every row of `x` in place.
    pub fn apply(&self, x: &mut Array2<f64>) {
        for mut row in x.rows_mut() {
            if let Some(slice) = row.as_slice_mut() {
                self.apply_row(slice);
            } else {
                for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                    *v = (*v - m) / s;
                }
            }
        }
    }

    /// Rescales one row in place (the heatmap grid uses it).
    pub fn apply_row(&self, row: &mut [f64]) {
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
            *v = (*v - m) / s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn featurize_columns_match_hand_values() {
        let x = array![[0.5, -2.0], [3.0, 0.0]];
        let f = featurize(x.view(), &Feature::ALL);
        let expected = [0.5, -2.0, 0.25, 4.0, -1.0, 0.479425538604203, -0.9092974268256817];
        for (got, want) in f.row(0).iter().zip(expected) {
            assert!((got - want).abs() < 1e-15, "{got} vs {want}");
        }
        assert_eq!(f.row(1).to_vec()[..5], [3.0, 0.0, 9.0, 0.0, 0.0]);
        // Columns come in the order asked for.
        let g = featurize(x.view(), &[Feature::SinX2, Feature::X1Sq, Feature::X1]);
        assert_eq!(g.row(0).to_vec(), vec![f[[0, 6]], 0.25, 0.5]);
        let mut out = [0.0; 3];
        feature_row(0.5, -2.0, &[Feature::SinX2, Feature::X1Sq, Feature::X1], &mut out);
        assert_eq!(out.to_vec(), g.row(0).to_vec());
    }

    #[test]
    fn standardizer_gives_mean_zero_std_one() {
        let mut x = array![[1.0, 5.0, 7.0], [2.0, 5.0, -1.0], [6.0, 5.0, 3.0], [3.0, 5.0, 0.5]];
        let s = Standardizer::fit(x.view());
        assert_eq!(s.std[1], 1.0); // constant column
        let first = x.row(0).to_vec();
        s.apply(&mut x);
        for (j, col) in x.columns().into_iter().enumerate() {
            let mean = col.sum() / 4.0;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 4.0;
            assert!(mean.abs() < 1e-12);
            let want = if j == 1 { 0.0 } else { 1.0 };
            assert!((var - want).abs() < 1e-12, "column {j}: {var}");
        }
        let mut row = first;
        s.apply_row(&mut row);
        assert_eq!(row, x.row(0).to_vec());
        let mut y = x.clone();
        Standardizer::identity(3).apply(&mut y);
        assert_eq!(y, x);
        assert_eq!(Standardizer::fit(Array2::<f64>::zeros((0, 2)).view()), Standardizer::identity(2));
    }
}
