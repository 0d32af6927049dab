//! The live readout's history: every measurement of a run, kept so that
//! the page can draw alpha step by step with its running median, and the
//! top Hessian eigenvalue against the plain-gradient limit `2/lr`, over
//! the run (checklist 4.1). A measurement at an earlier step than the last
//! one kept (the run was reset) starts the history again; it holds at most
//! [`MAX_READINGS`] measurements, dropping the oldest.

use super::Report;
use crate::engine::instruments::median;

/// Measurements kept: 200 live ones cover 10,000 steps.
pub const MAX_READINGS: usize = 200;
/// Alphas the running median is taken over: a measurement's 20 steps.
pub const MEDIAN_WINDOW: usize = 20;

/// One measurement, as the charts need it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The run's step it started from.
    pub step: u64,
    /// `(step, alpha)` of each measured step that had one.
    pub alphas: Vec<(u64, f64)>,
    /// The top Hessian eigenvalue.
    pub lambda_max: f64,
    /// The learning rate then.
    pub lr: f64,
}

/// A run's measurements, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    readings: Vec<Reading>,
}

impl Trace {
    /// Adds a measurement (see the module docs for what it replaces).
    pub fn push(&mut self, r: &Report) {
        self.readings.retain(|old| old.step < r.from_step);
        let alphas = r.alpha_steps.iter().copied().zip(r.alphas.iter().copied()).collect();
        self.readings.push(Reading { step: r.from_step, alphas, lambda_max: r.lambda_max, lr: r.lr });
        let excess = self.readings.len().saturating_sub(MAX_READINGS);
        self.readings.drain(..excess);
    }

    /// Forgets every measurement (a new run).
    pub fn clear(&mut self) {
        self.readings.clear();
    }

    /// The measurements, oldest first.
    pub fn readings(&self) -> &[Reading] {
        &self.readings
    }

    /// Every `(step, alpha)`, in step order.
    pub fn alphas(&self) -> Vec<(u64, f64)> {
        self.readings.iter().flat_map(|r| r.alphas.iter().copied()).collect()
    }

    /// The running median of alpha at each alpha's step: the median of it
    /// and the [`MEDIAN_WINDOW`] − 1 alphas before it (fewer at the start).
    pub fn running_median(&self) -> Vec<(u64, f64)> {
        let all = self.alphas();
        (0..all.len())
            .map(|i| {
                let from = (i + 1).saturating_sub(MEDIAN_WINDOW);
                let mut window: Vec<f64> = all[from..=i].iter().map(|p| p.1).collect();
                (all[i].0, median(&mut window))
            })
            .collect()
    }

    /// `(step, λmax)` of each measurement.
    pub fn lambdas(&self) -> Vec<(u64, f64)> {
        self.readings.iter().map(|r| (r.step, r.lambda_max)).collect()
    }

    /// `(step, 2/lr)` of each measurement: the largest curvature a plain
    /// gradient step at that rate is stable on.
    pub fn limits(&self) -> Vec<(u64, f64)> {
        self.readings.iter().map(|r| (r.step, 2.0 / r.lr)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::cockpit::with_alphas as report;

    #[test]
    fn alphas_keep_their_steps_and_the_running_median_looks_back_one_window() {
        let mut t = Trace::default();
        t.push(&report(0, &[0.0, 4.0, 1.0], 10.0, 0.1));
        t.push(&report(50, &[2.0, 3.0], 20.0, 0.05));
        assert_eq!(t.alphas(), vec![(0, 0.0), (1, 4.0), (2, 1.0), (50, 2.0), (51, 3.0)]);
        // Medians (upper for even counts, as `median`): [0] 0; [0 4] 4;
        // [0 1 4] 1; [0 1 2 4] 2; [0 1 2 3 4] 2.
        let medians: Vec<f64> = t.running_median().iter().map(|p| p.1).collect();
        assert_eq!(medians, vec![0.0, 4.0, 1.0, 2.0, 2.0]);
        assert_eq!(t.lambdas(), vec![(0, 10.0), (50, 20.0)]);
        assert_eq!(t.limits(), vec![(0, 20.0), (50, 40.0)]);
    }

    #[test]
    fn the_median_window_drops_the_oldest_alphas() {
        let mut t = Trace::default();
        let ones = vec![1.0; MEDIAN_WINDOW];
        t.push(&report(0, &[100.0], 1.0, 1.0));
        t.push(&report(50, &ones, 1.0, 1.0));
        let last = *t.running_median().last().unwrap();
        assert_eq!(last, (50 + MEDIAN_WINDOW as u64 - 1, 1.0), "the 100 is out of the window");
    }

    #[test]
    fn a_reset_run_starts_again_and_the_history_is_bounded() {
        let mut t = Trace::default();
        for k in 0..(MAX_READINGS as u64 + 5) {
            t.push(&report(k * 50, &[0.5], 1.0, 0.1));
        }
        assert_eq!(t.readings().len(), MAX_READINGS);
        assert_eq!(t.readings()[0].step, 250, "the 5 oldest dropped");
        t.push(&report(100, &[0.1], 1.0, 0.1));
        assert_eq!(t.lambdas(), vec![(100, 1.0)], "a measurement back at step 100 replaces the later ones");
        t.clear();
        assert!(t.alphas().is_empty());
    }
}
