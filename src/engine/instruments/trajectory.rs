//! The loss trajectory (checklist 4.2, "too low converges slowly or sticks,
//! too high diverges"): what the learning-rate verdicts rest on, so that no
//! advice about the step size comes from the update/weight ratio alone.
//!
//! A trajectory joins three sources, all on the training set's data loss:
//! - `start`, the loss at step 0 (the initial-loss check's measurement);
//! - `past`, the run's own mini-batch losses up to now, averaged over at
//!   most [`PAST_CHUNKS`] equal stretches (a mini-batch loss is noisy; a
//!   stretch's mean is not);
//! - `points`, the full training loss and accuracy evaluated every few
//!   steps of a probe that trains a copy onwards (the doctor's probe run).
//!
//! From these it reads the shapes a learning rate leaves (Smith 2017,
//! "Cyclical learning rates", and fastai's learning-rate finder read the
//! same curve): the loss *rose* well above where it started or ends worse
//! than the untrained model, or the output *collapsed* to a constant (too
//! high: divergence or collapse); it *swings* up and down instead of
//! settling (AutoTrainer's "oscillating loss", measured as the loss's
//! upward travel against its descent); it *stalls*, barely below its start
//! after the probe (too low, or a plateau).

use crate::engine::history::Series;
use serde::Serialize;

/// The past mini-batch losses are averaged over at most this many stretches.
pub const PAST_CHUNKS: usize = 20;
/// The loss "rose" when some stretch or point exceeds this multiple of the start.
pub const RISE: f64 = 1.5;
/// The run "got worse" when the loss ends above this multiple of the start.
pub const WORSE: f64 = 1.1;
/// An interval "swings up" when the loss grows by this share of its value…
pub const SWING_REL: f64 = 0.1;
/// …and by this share of the starting loss (so tiny losses near 0 do not count).
pub const SWING_ABS: f64 = 0.05;
/// Swinging: at least this many up-swings…
pub const MIN_SWINGS: usize = 2;
/// …and an upward travel of at least this share of the descent (see
/// [`Trajectory::up_travel`]).
pub const UP_TRAVEL: f64 = 0.5;
/// A relapse needs the run to have learned at least this share of its start…
pub const RELAPSE_LEARNED: f64 = 0.3;
/// …and to have lost at least this share of what it learned.
pub const RELAPSE_LOST: f64 = 0.4;
/// The output "collapsed" to a constant when its std over the training set
/// falls below this share of its std at initialization.
pub const COLLAPSE: f64 = 0.05;
/// A run is stalled while its loss is not this share below its start and
/// the best constant prediction's loss.
pub const STALLED: f64 = 0.1;
/// Training accuracy at or above this counts as converged.
pub const CONVERGED_ACC: f64 = 0.98;
/// A loss at or below this share of the uniform-prediction loss counts as converged.
pub const CONVERGED_LOSS: f64 = 0.05;

/// One evaluation of the training set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Point {
    /// Training step of the evaluation.
    pub step: u64,
    /// Data loss on the training set (evaluation mode).
    pub loss: f64,
    /// Accuracy on the training set (classification).
    pub acc: Option<f64>,
    /// Std of the model's outputs over the training set, if measured.
    pub out_std: Option<f64>,
    /// For a tanh/sigmoid output under MSE: the share of training rows whose
    /// output sits in a flat tail on the wrong side of its target.
    pub stuck: Option<f64>,
}

/// The loss over a run and a probe beyond it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trajectory {
    /// The data loss at step 0 on the training set.
    pub start: f64,
    /// The loss of a uniform prediction (ln C, ln 2, or the MSE of output 0).
    pub uniform: f64,
    /// The loss of the best constant prediction (the label prior's entropy,
    /// ½ the targets' variance for MSE): what a model that learned nothing
    /// about the inputs reaches.
    pub prior: f64,
    /// `(last step, mean mini-batch loss)` of each stretch of the run so far.
    pub past: Vec<(u64, f64)>,
    /// Evaluations from now on (the first is the current state).
    pub points: Vec<Point>,
    /// Whether training hit a non-finite value.
    pub diverged: bool,
}

impl Trajectory {
    /// A trajectory starting at `start`, with the run's mini-batch losses
    /// `batch_loss` averaged into stretches.
    pub fn new(start: f64, uniform: f64, prior: f64, batch_loss: &Series<f64>) -> Self {
        Self { start, uniform, prior, past: chunk_means(batch_loss.points()), ..Self::default() }
    }

    /// Adds an evaluation.
    pub fn push(&mut self, point: Point) {
        self.points.push(point);
    }

    /// The loss now: the last evaluation (the start when there is none).
    pub fn now(&self) -> f64 {
        self.points.last().map_or(self.start, |p| p.loss)
    }

    /// The training accuracy now, if known.
    pub fn acc_now(&self) -> Option<f64> {
        self.points.last().and_then(|p| p.acc)
    }

    /// The highest loss seen after the start (stretches and evaluations).
    pub fn peak(&self) -> f64 {
        self.losses().fold(f64::NEG_INFINITY, f64::max)
    }

    /// The lowest loss seen (the start included).
    pub fn best(&self) -> f64 {
        self.losses().fold(self.start, f64::min)
    }

    fn losses(&self) -> impl Iterator<Item = f64> + '_ {
        self.past.iter().map(|p| p.1).chain(self.points.iter().map(|p| p.loss)).filter(|l| l.is_finite())
    }

    /// The loss rose well above where it started: `peak ≥ RISE · start`.
    pub fn rose(&self) -> bool {
        self.start > 0.0 && self.peak() >= RISE * self.start
    }

    /// The model is now worse than it was untrained: `now ≥ WORSE · start`.
    pub fn worse_than_start(&self) -> bool {
        self.start > 0.0 && self.now() >= WORSE * self.start
    }

    /// Up-swings of the evaluated loss: intervals where it grew by more
    /// than [`SWING_REL`] of its value and [`SWING_ABS`] of the start.
    pub fn swings(&self) -> usize {
        self.points
            .windows(2)
            .filter(|w| {
                let (a, b) = (w[0].loss, w[1].loss);
                b > a * (1.0 + SWING_REL) && b - a > SWING_ABS * self.start
            })
            .count()
    }

    /// The loss's upward travel over the evaluations, as a share of how far
    /// it came down: `Σ max(0, L[i+1] − L[i]) / (L[0] − min L)`. A healthy
    /// curve goes down with small bumps (near 0); one that jumps back up as
    /// far as it came down has travel near 1.
    pub fn up_travel(&self) -> f64 {
        let losses: Vec<f64> = self.points.iter().map(|p| p.loss).collect();
        let (Some(&first), Some(lowest)) = (losses.first(), losses.iter().copied().reduce(f64::min)) else {
            return 0.0;
        };
        let up: f64 = losses.windows(2).map(|w| (w[1] - w[0]).max(0.0)).sum();
        let descent = (first - lowest).max(SWING_ABS * self.start);
        if descent > 0.0 {
            up / descent
        } else {
            0.0
        }
    }

    /// The loss swings instead of settling: at least [`MIN_SWINGS`]
    /// up-swings and an upward travel of at least [`UP_TRAVEL`].
    pub fn oscillates(&self) -> bool {
        self.swings() >= MIN_SWINGS && self.up_travel() >= UP_TRAVEL
    }

    /// The run learned (the loss fell at least [`RELAPSE_LEARNED`] below
    /// its start) and then lost at least [`RELAPSE_LOST`] of that progress.
    pub fn relapsed(&self) -> bool {
        let (start, best, now) = (self.start, self.best(), self.now());
        let learned = start - best;
        learned >= RELAPSE_LEARNED * start && now - best >= RELAPSE_LOST * learned
    }

    /// The model's output became a constant: its std over the training set
    /// is now below [`COLLAPSE`] of `init_std` (its std at initialization).
    pub fn collapsed(&self, init_std: f64) -> bool {
        let now = self.points.last().and_then(|p| p.out_std);
        now.is_some_and(|s| init_std > 0.0 && s < COLLAPSE * init_std)
    }

    /// Training is as good as it gets: accuracy ≥ 98 % or loss ≤ 5 % of the
    /// uniform prediction's.
    pub fn converged(&self) -> bool {
        self.acc_now().is_some_and(|a| a >= CONVERGED_ACC) || self.now() <= CONVERGED_LOSS * self.uniform
    }

    /// The run has learned nothing about the inputs: not converged, and the
    /// loss now is not [`STALLED`] below both its start and the best
    /// constant prediction's.
    pub fn stalled(&self) -> bool {
        let floor = if self.prior > 0.0 { self.start.min(self.prior) } else { self.start };
        !self.converged() && self.now() >= (1.0 - STALLED) * floor
    }

    /// How much of the starting loss is gone now: `1 − now / start`
    /// (negative when the loss grew).
    pub fn progress(&self) -> f64 {
        if self.start > 0.0 {
            1.0 - self.now() / self.start
        } else {
            0.0
        }
    }

    /// How much the loss fell over the probe: `1 − last / first` evaluation.
    pub fn probe_progress(&self) -> f64 {
        match (self.points.first(), self.points.last()) {
            (Some(a), Some(b)) if a.loss > 0.0 => 1.0 - b.loss / a.loss,
            _ => 0.0,
        }
    }

    /// Steps the evaluations span.
    pub fn probe_steps(&self) -> u64 {
        match (self.points.first(), self.points.last()) {
            (Some(a), Some(b)) => b.step - a.step,
            _ => 0,
        }
    }
}

/// Means of at most [`PAST_CHUNKS`] equal stretches of `points`, each with
/// its last step.
fn chunk_means(points: &[(u64, f64)]) -> Vec<(u64, f64)> {
    if points.is_empty() {
        return Vec::new();
    }
    let size = points.len().div_ceil(PAST_CHUNKS);
    points.chunks(size).map(|c| (c[c.len() - 1].0, c.iter().map(|p| p.1).sum::<f64>() / c.len() as f64)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traj(start: f64, losses: &[f64]) -> Trajectory {
        let mut t = Trajectory { start, uniform: start, prior: start, ..Trajectory::default() };
        for (i, &loss) in losses.iter().enumerate() {
            t.push(Point { step: 10 * i as u64, loss, acc: None, out_std: None, stuck: None });
        }
        t
    }

    #[test]
    fn shapes_of_a_loss_curve() {
        // Smooth descent: no rise, no swing, progress 80 %.
        let good = traj(1.0, &[1.0, 0.6, 0.4, 0.3, 0.2]);
        assert!(!good.rose() && !good.oscillates() && !good.worse_than_start());
        assert!((good.progress() - 0.8).abs() < 1e-12);
        // Up 0.3 → 0.5 and 0.2 → 0.45: two up-swings; up 0.45 against a
        // descent of 0.1 from the first evaluation.
        let swinging = traj(1.0, &[0.3, 0.5, 0.2, 0.45, 0.3]);
        assert_eq!(swinging.swings(), 2);
        assert!((swinging.up_travel() - 0.45 / 0.1).abs() < 1e-12);
        assert!(swinging.oscillates());
        // One bump on a long descent is not oscillation.
        let bump = traj(1.0, &[1.0, 0.6, 0.8, 0.3, 0.1]);
        assert_eq!(bump.swings(), 1);
        assert!(!bump.oscillates());
        // Tiny wiggles near 0 are not swings (below 5 % of the start).
        assert!(!traj(1.0, &[0.01, 0.02, 0.01, 0.03, 0.01]).oscillates());
        // Collapse: ends at 2× the start.
        let collapsed = traj(0.5, &[0.4, 0.9, 1.0, 1.0]);
        assert!(collapsed.rose() && collapsed.worse_than_start());
        assert_eq!(collapsed.best(), 0.4);
        // Converged by loss, and by accuracy.
        assert!(traj(1.0, &[0.04]).converged());
        let mut t = traj(1.0, &[0.5]);
        t.points[0].acc = Some(0.99);
        assert!(t.converged());
    }

    #[test]
    fn past_batch_losses_are_averaged_in_stretches() {
        let mut s = Series::new(4096);
        for step in 1..=100u64 {
            s.push(step, if step <= 50 { 1.0 } else { 3.0 });
        }
        let t = Trajectory::new(1.0, 1.0, 1.0, &s);
        assert_eq!(t.past.len(), PAST_CHUNKS);
        assert_eq!(t.past[0], (5, 1.0));
        assert_eq!(t.past[PAST_CHUNKS - 1], (100, 3.0));
        assert!(t.rose(), "stretch means of 3 against a start of 1");
    }
}
