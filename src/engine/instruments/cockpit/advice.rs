//! What the rate and batch-size measurement advises, beyond what it reads:
//! only where the doctor benchmark's healthy recipes leave a wide margin,
//! so that a healthy run is never told to change (`tests/doctor_bench.rs`
//! holds the rules to that on every healthy recipe, seeds 1–3, before and
//! after 200 more steps).
//!
//! - **Steps overshoot** when the median alpha is above [`OVERSHOOT`]: the
//!   typical step lands past the floor of its valley. Healthy recipes read
//!   −0.26 at most (most below −0.56); learning rates too high read up to
//!   +29. Cockpit's best rates sat a little above 0, so this is advice to
//!   lower the rate, not an alarm.
//! - **Too sharp** when plain SGD's rate × the top Hessian eigenvalue is
//!   above [`SHARP`] = 2: a gradient step then grows along that direction
//!   instead of shrinking (the classical stability limit). Healthy recipes
//!   read 0.47 at most. Momentum and adaptive optimizers have other limits,
//!   so no advice is given for them.
//!
//! Alpha near −1 (tiny steps) is *not* advice to raise the rate: healthy
//! Adam runs read −0.99 too.

use super::Report;
use crate::engine::format::num;

/// Median alpha above which steps overshoot.
pub const OVERSHOOT: f64 = 0.0;
/// lr × λmax above which a plain SGD step diverges along λ's direction.
pub const SHARP: f64 = 2.0;

/// One piece of advice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Advice {
    /// Steps land past the valley floor: the median alpha.
    Overshoot(f64),
    /// Plain SGD above the stability limit: lr × λ, and 2/λ.
    TooSharp(f64, f64),
}

impl Advice {
    /// Its id on the page (`data-advice`).
    pub fn id(self) -> &'static str {
        match self {
            Advice::Overshoot(_) => "overshoot",
            Advice::TooSharp(..) => "too-sharp",
        }
    }

    /// The advice in one sentence; `show_lr`: whether it may name the run's rate.
    pub fn sentence(self, show_lr: bool) -> String {
        match self {
            Advice::Overshoot(a) => crate::tr!("inst.cockpit.advice_overshoot", median = num(a)),
            Advice::TooSharp(product, limit) if show_lr => {
                crate::tr!("inst.cockpit.advice_sharp", product = num(product), limit = num(limit))
            }
            Advice::TooSharp(_, limit) => crate::tr!("inst.cockpit.advice_sharp_hidden", limit = num(limit)),
        }
    }
}

impl Report {
    /// The advice the measurement supports (none on a healthy run).
    pub fn advice(&self) -> Vec<Advice> {
        let mut out = Vec::new();
        if let Some(a) = self.alpha_median().filter(|a| *a > OVERSHOOT) {
            out.push(Advice::Overshoot(a));
        }
        let product = self.lr * self.lambda_max;
        if self.plain_sgd && self.lambda_max > 0.0 && product > SHARP {
            out.push(Advice::TooSharp(product, 2.0 / self.lambda_max));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(alphas: Vec<f64>, lr: f64, lambda_max: f64, plain_sgd: bool) -> Report {
        Report {
            from_step: 0,
            lr,
            steps: alphas.len(),
            alpha_steps: (0..alphas.len() as u64).collect(),
            alphas,
            tests: None,
            lambda_max,
            distances: Vec::new(),
            plain_sgd,
        }
    }

    #[test]
    fn the_live_readout_measures_once_per_block_of_steps() {
        use super::super::live_due;
        assert!(live_due(0, None) && live_due(100, None));
        assert!(!live_due(120, Some(100)) && !live_due(149, Some(100)));
        assert!(live_due(150, Some(100)) && live_due(163, Some(149)));
        assert!(!live_due(0, Some(40)) && live_due(10, Some(120)), "a reset back to step 10 is a new block");
    }

    #[test]
    fn advice_follows_its_thresholds() {
        assert_eq!(report(vec![-0.9, -0.5, 0.3], 0.1, 1.0, true).advice(), vec![]);
        assert_eq!(report(vec![0.1, 0.5, 0.9], 0.1, 1.0, true).advice(), vec![Advice::Overshoot(0.5)]);
        assert_eq!(report(vec![-0.9], 3.0, 1.0, true).advice(), vec![Advice::TooSharp(3.0, 2.0)]);
        assert_eq!(report(vec![-0.9], 3.0, 1.0, false).advice(), vec![], "not for momentum or Adam");
        assert_eq!(report(vec![], 3.0, -1.0, true).advice(), vec![], "no upward curvature, no alpha");
    }
}
