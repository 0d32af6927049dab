//! Data sets: generation, the train/test split, input features and scaling.
//!
//! [`generate`] turns a [`DataConfig`] into [`RawData`]: raw planar points
//! `(x1, x2)` from [`synth`], the user's own points from [`custom`] (placed
//! on the page or read from a CSV by [`csv_points`]), or the 8×8 digit
//! images from [`digits`].
//! [`split`] then shuffles and cuts it exactly as TF Playground does, and
//! [`features`] maps planar points to the enabled input features and
//! standardizes them.
//!
//! Orientation: every coordinate is in math orientation, x1 to the right and
//! x2 **up**. TF Playground's generators already produce data that way (only
//! its thumbnails flip the vertical axis), so nothing is flipped here; the
//! page's drawing code flips when it maps x2 to screen rows.
//!
//! Class imbalance: for the binary sets (circle, xor, gauss, spiral, moons)
//! `minority_pct` is the share of class 1. At 50 the generator's output is
//! returned untouched (so the benchmark workloads stay TF Playground's data).
//! Otherwise the generator is called repeatedly with `n_points` points per
//! chunk, each chunk continuing the same random stream, and its points are
//! kept in order while their class still has room; this stops once class 1
//! holds `round(n·m/100)` points and class 0 the rest, so the result has
//! exactly `n_points` points and is a deterministic function of the stream.

pub mod csv_points;
pub mod custom;
pub mod digits;
pub mod features;
pub mod synth;

use crate::config::{DataConfig, DataKind};
use crate::error::EngineError;
use crate::rng::Uniform01;
use ndarray::{Array2, Axis};

/// Targets of a data set.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Labels {
    /// Class indices in `0..n_classes` (binary sets: TF Playground's +1 is
    /// class 1, −1 is class 0).
    Classes {
        /// One class index per point.
        labels: Vec<usize>,
        /// Number of classes.
        n_classes: usize,
    },
    /// Real-valued regression targets (TF Playground's range is [−1, 1]).
    Values(Vec<f64>),
}

impl Labels {
    /// Number of targets.
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes { labels, .. } => labels.len(),
            Labels::Values(v) => v.len(),
        }
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets at `idx`, in that order (panics on an index out of range).
    pub fn select(&self, idx: &[usize]) -> Labels {
        match self {
            Labels::Classes { labels, n_classes } => {
                Labels::Classes { labels: idx.iter().map(|&i| labels[i]).collect(), n_classes: *n_classes }
            }
            Labels::Values(v) => Labels::Values(idx.iter().map(|&i| v[i]).collect()),
        }
    }
}

/// A data set before feature mapping.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RawData {
    /// Inputs: `[n, 2]` raw `(x1, x2)` for planar sets, `[n, 64]` pixel values
    /// in [0, 1] for digits.
    pub x: Array2<f64>,
    /// One target per row of `x`.
    pub labels: Labels,
    /// Whether the inputs are 2-D points (features and heatmaps apply).
    pub planar: bool,
}

impl RawData {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The points at `idx`, in that order (panics on an index out of range).
    pub fn select(&self, idx: &[usize]) -> RawData {
        RawData { x: self.x.select(Axis(0), idx), labels: self.labels.select(idx), planar: self.planar }
    }

    /// Number of classes, or `None` for regression.
    pub fn n_classes(&self) -> Option<usize> {
        match self.labels {
            Labels::Classes { n_classes, .. } => Some(n_classes),
            Labels::Values(_) => None,
        }
    }

    /// Points per class, or `None` for regression.
    pub fn class_counts(&self) -> Option<Vec<usize>> {
        match &self.labels {
            Labels::Classes { labels, n_classes } => {
                let mut counts = vec![0; *n_classes];
                for &c in labels {
                    if let Some(k) = counts.get_mut(c) {
                        *k += 1;
                    }
                }
                Some(counts)
            }
            Labels::Values(_) => None,
        }
    }
}

/// Checks the ranges [`generate`] relies on.
pub fn validate(cfg: &DataConfig) -> Result<(), EngineError> {
    let bad = |what: &str| Err(EngineError::InvalidConfig(what.to_string()));
    if cfg.noise_pct > 50 {
        return bad(&format!("noise {} % is outside 0..=50", cfg.noise_pct));
    }
    if !(3..=5).contains(&cfg.classes) {
        return bad(&format!("{} classes is outside 3..=5", cfg.classes));
    }
    if !(1..=100_000).contains(&cfg.n_points) {
        return bad(&format!("{} points is outside 1..=100000", cfg.n_points));
    }
    if !(1..=50).contains(&cfg.minority_pct) {
        return bad(&format!("minority share {} % is outside 1..=50", cfg.minority_pct));
    }
    Ok(())
}

/// Generates the data set `cfg` describes, drawing from `rng`.
///
/// Noise is `noise_pct / 100`, used as TF Playground uses it. Digits ignore
/// `n_points`, noise and `rng` and return the shipped 1,797 images.
pub fn generate<R: Uniform01>(cfg: &DataConfig, rng: &mut R) -> Result<RawData, EngineError> {
    validate(cfg)?;
    let n = cfg.n_points;
    let noise = cfg.noise_pct as f64 / 100.0;
    let binary = |gen: synth::Generator<R>, rng: &mut R| with_minority(n, cfg.minority_pct, noise, gen, rng);
    match cfg.kind {
        DataKind::Circle => binary(synth::circle, rng),
        DataKind::Xor => binary(synth::xor, rng),
        DataKind::Gauss => binary(synth::gauss, rng),
        DataKind::Spiral => binary(synth::spiral, rng),
        DataKind::Moons => binary(synth::moons, rng),
        DataKind::Blobs => Ok(synth::blobs(n, cfg.classes, noise, rng)),
        DataKind::SpiralK => Ok(synth::spiral_k(n, cfg.classes, noise, rng)),
        DataKind::Plane => Ok(synth::plane(n, noise, rng)),
        DataKind::MultiGauss => Ok(synth::multi_gauss(n, noise, rng)),
        DataKind::Digits => digits::load(),
        DataKind::Custom => custom::raw(&cfg.points, cfg.points_hash),
    }
}

/// Chunks drawn at most while filling the class quotas (never reached in
/// practice: every binary generator yields both classes in bulk).
const MAX_CHUNKS: usize = 1_000;

/// `n` points of a binary generator with `round(n·m/100)` of class 1 (see the
/// module docs); `m == 50` returns the generator's own output.
fn with_minority<R: Uniform01>(
    n: usize,
    minority_pct: u32,
    noise: f64,
    gen: synth::Generator<R>,
    rng: &mut R,
) -> Result<RawData, EngineError> {
    if minority_pct == 50 {
        return Ok(gen(n, noise, rng));
    }
    let n1 = (n * minority_pct as usize + 50) / 100;
    let quota = [n - n1, n1];
    let mut have = [0usize; 2];
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..MAX_CHUNKS {
        if have == quota {
            return Ok(synth::classes(&points, labels, 2));
        }
        let chunk = gen(n.max(2), noise, rng);
        let Labels::Classes { labels: chunk_labels, .. } = &chunk.labels else {
            break;
        };
        for (row, &c) in chunk.x.rows().into_iter().zip(chunk_labels) {
            if c < 2 && have[c] < quota[c] {
                have[c] += 1;
                points.push([row[0], row[1]]);
                labels.push(c);
            }
        }
    }
    if have == quota {
        return Ok(synth::classes(&points, labels, 2));
    }
    Err(EngineError::InvalidConfig(format!(
        "could not draw {} points of class 1 and {} of class 0",
        quota[1], quota[0]
    )))
}

/// TF Playground's split: shuffle all points with `rng` (its Fisher–Yates
/// order, applied to an index vector), then the first
/// `floor(n·train_pct/100)` points train and the rest test.
pub fn split<R: Uniform01>(raw: &RawData, train_pct: u32, rng: &mut R) -> (RawData, RawData) {
    let n = raw.len();
    let mut idx: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut idx);
    let n_train = n * train_pct.min(100) as usize / 100;
    (raw.select(&idx[..n_train]), raw.select(&idx[n_train..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DataKind;
    use crate::rng::{Mulberry32, Rng, Stream};
    use std::collections::HashSet;

    fn cfg(kind: DataKind) -> DataConfig {
        DataConfig { kind, ..DataConfig::default() }
    }

    const BINARY: [DataKind; 5] = [DataKind::Circle, DataKind::Xor, DataKind::Gauss, DataKind::Spiral, DataKind::Moons];

    #[test]
    fn balanced_sets_give_250_per_class_at_50_percent() {
        // XOR is left out: TF Playground labels it by quadrant, not by quota.
        for kind in [DataKind::Circle, DataKind::Gauss, DataKind::Spiral, DataKind::Moons] {
            let d = generate(&cfg(kind), &mut Mulberry32::new(1)).unwrap();
            assert_eq!(d.len(), 500);
            assert_eq!(d.class_counts(), Some(vec![250, 250]), "{kind:?}");
        }
    }

    #[test]
    fn fifty_percent_is_the_generator_output_untouched() {
        let d = generate(&cfg(DataKind::Circle), &mut Mulberry32::new(1)).unwrap();
        assert_eq!(d, synth::circle(500, 0.0, &mut Mulberry32::new(1)));
    }

    #[test]
    fn imbalance_gives_exact_counts() {
        for kind in BINARY {
            for noise_pct in [0, 30] {
                let c = DataConfig { minority_pct: 20, noise_pct, ..cfg(kind) };
                let d = generate(&c, &mut Rng::new(3, Stream::Data)).unwrap();
                assert_eq!(d.class_counts(), Some(vec![400, 100]), "{kind:?}");
                assert_eq!(d, generate(&c, &mut Rng::new(3, Stream::Data)).unwrap());
            }
        }
        let c = DataConfig { minority_pct: 5, n_points: 1, ..cfg(DataKind::Circle) };
        let d = generate(&c, &mut Mulberry32::new(1)).unwrap();
        assert_eq!(d.class_counts(), Some(vec![1, 0]));
    }

    #[test]
    fn every_kind_generates_the_right_shape() {
        use DataKind::*;
        for kind in [Circle, Xor, Gauss, Spiral, Moons, Blobs, SpiralK, Plane, MultiGauss] {
            for n in [1, 2, 7, 500] {
                let c = DataConfig { n_points: n, noise_pct: 50, classes: 4, ..cfg(kind) };
                let d = generate(&c, &mut Mulberry32::new(9)).unwrap();
                assert_eq!((d.len(), d.x.ncols(), d.labels.len()), (n, 2, n), "{kind:?}");
                assert!(d.planar && d.x.iter().all(|v| v.is_finite()));
            }
        }
    }

    #[test]
    fn out_of_range_configs_are_rejected() {
        let base = cfg(DataKind::Circle);
        for bad in [
            DataConfig { noise_pct: 51, ..base.clone() },
            DataConfig { classes: 2, ..base.clone() },
            DataConfig { classes: 6, ..base.clone() },
            DataConfig { n_points: 0, ..base.clone() },
            DataConfig { n_points: 100_001, ..base.clone() },
            DataConfig { minority_pct: 0, ..base.clone() },
            DataConfig { minority_pct: 51, ..base.clone() },
        ] {
            let r = generate(&bad, &mut Mulberry32::new(1));
            assert!(matches!(r, Err(EngineError::InvalidConfig(_))), "{bad:?}");
        }
    }

    fn row_keys(d: &RawData) -> Vec<(u64, u64)> {
        d.x.rows().into_iter().map(|r| (r[0].to_bits(), r[1].to_bits())).collect()
    }

    #[test]
    fn split_sizes_disjointness_and_tfp_order() {
        let mut rng = Mulberry32::new(1);
        let raw = synth::circle(500, 0.0, &mut rng);
        let mut reference = rng.clone();
        let (train, test) = split(&raw, 50, &mut rng);
        assert_eq!((train.len(), test.len()), (250, 250));
        let tr: HashSet<_> = row_keys(&train).into_iter().collect();
        let te: HashSet<_> = row_keys(&test).into_iter().collect();
        assert!(tr.is_disjoint(&te));
        let all: HashSet<_> = row_keys(&raw).into_iter().collect();
        assert_eq!(tr.union(&te).count(), all.len());
        // The same as TF Playground's in-place shuffle of the points themselves.
        let mut pts = row_keys(&raw);
        reference.shuffle(&mut pts);
        assert_eq!(pts[..250], row_keys(&train)[..]);
        assert_eq!(split(&raw, 30, &mut rng).0.len(), 150);
    }
}
