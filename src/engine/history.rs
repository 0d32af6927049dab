//! Training history with bounded memory over millions of steps.
//!
//! A [`Series`] keeps at most `capacity` points: when full, it drops every
//! other point and doubles its stride, so it always spans the whole run at a
//! resolution that halves as the run grows.

/// One recorded evaluation.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    /// Step (updates applied) at which it was measured.
    pub step: u64,
    /// Data loss over the training set.
    pub train_loss: f64,
    /// Data loss over the test set.
    pub test_loss: f64,
    /// Accuracy over the training set (classification only).
    pub train_acc: Option<f64>,
    /// Accuracy over the test set (classification only).
    pub test_acc: Option<f64>,
}

/// A bounded, downsampling series of `(step, value)` points.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series<T> {
    points: Vec<(u64, T)>,
    capacity: usize,
    stride: u64,
}

impl<T: Copy> Series<T> {
    /// An empty series holding at most `capacity` (≥ 2) points.
    pub fn new(capacity: usize) -> Self {
        Self { points: Vec::with_capacity(capacity), capacity: capacity.max(2), stride: 1 }
    }

    /// Offers a point; it is kept if it lies at least `stride` steps after
    /// the last kept one. When the series is full, every other point is
    /// dropped and the stride doubles, so the points stay evenly spread
    /// however irregularly steps arrive.
    pub fn push(&mut self, step: u64, value: T) {
        if !self.spaced(step) {
            return;
        }
        if self.points.len() >= self.capacity {
            let mut index = 0usize;
            self.points.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.stride *= 2;
            if !self.spaced(step) {
                return;
            }
        }
        self.points.push((step, value));
    }

    /// Whether `step` is at least `stride` after the last kept point.
    fn spaced(&self, step: u64) -> bool {
        self.points.last().is_none_or(|&(last, _)| step >= last.saturating_add(self.stride))
    }

    /// The kept points, oldest first.
    pub fn points(&self) -> &[(u64, T)] {
        &self.points
    }

    /// The last point offered that was kept.
    pub fn last(&self) -> Option<&(u64, T)> {
        self.points.last()
    }

    /// Most points it keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of kept points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// What a trainer records.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// Mini-batch data loss of every step (downsampled).
    pub batch_loss: Series<f64>,
    /// Full evaluations (downsampled).
    pub evals: Series<Metrics>,
}

/// Most points each series of a [`History`] keeps.
pub const CAPACITY: usize = 2048;

impl Default for History {
    fn default() -> Self {
        Self { batch_loss: Series::new(CAPACITY), evals: Series::new(CAPACITY) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stays_bounded_and_spans_the_run() {
        let mut s = Series::new(100);
        for step in 0..1_000_000u64 {
            s.push(step, step as f64);
        }
        assert!(s.len() <= 100 && s.len() >= 50);
        assert_eq!(s.points()[0].0, 0);
        assert!(s.last().unwrap().0 > 990_000 - 20_000);
        let steps: Vec<u64> = s.points().iter().map(|p| p.0).collect();
        assert!(steps.windows(2).all(|w| w[1] - w[0] == steps[1] - steps[0]), "evenly spaced");
    }

    #[test]
    fn irregular_steps_stay_bounded() {
        // Regression: evaluations every 8 steps once grew the series without limit.
        let mut s = Series::new(100);
        let mut step = 0;
        for i in 0..100_000u64 {
            step += 8 + i % 5;
            s.push(step, 0.0);
            assert!(s.len() <= 100);
        }
        assert!(s.len() >= 50);
        assert!(s.last().unwrap().0 > step - 2 * step / 100);
    }
}
