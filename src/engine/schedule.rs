//! Learning-rate schedules: the learning rate at a step is the base rate
//! times a multiplier that depends only on the step, so the base rate can be
//! changed mid-run.

use crate::math;
use crate::named::Named;

/// Learning-rate schedules (multipliers of the base learning rate).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ScheduleKind {
    /// lr.
    Constant,
    /// lr · γ^floor(step / every).
    Step {
        /// Steps between decays.
        every: u64,
        /// Factor per decay.
        gamma: f64,
    },
    /// lr · γ^(step / every).
    Exponential {
        /// Steps per factor γ.
        every: u64,
        /// Decay factor.
        gamma: f64,
    },
    /// Cosine from lr down to lr·min_factor over `period` steps, then flat.
    Cosine {
        /// Length of the cosine in steps.
        period: u64,
        /// Final multiplier.
        min_factor: f64,
    },
    /// Linear warm-up from 0 to lr over `steps`, then constant.
    Warmup {
        /// Warm-up length in steps.
        steps: u64,
    },
}

impl Named for ScheduleKind {
    const VARIANTS: &'static [Self] = &[
        ScheduleKind::Constant,
        ScheduleKind::Step { every: 1000, gamma: 0.5 },
        ScheduleKind::Exponential { every: 1000, gamma: 0.5 },
        ScheduleKind::Cosine { period: 5000, min_factor: 0.0 },
        ScheduleKind::Warmup { steps: 100 },
    ];

    fn name(self) -> &'static str {
        match self {
            ScheduleKind::Constant => "const",
            ScheduleKind::Step { .. } => "step",
            ScheduleKind::Exponential { .. } => "exp",
            ScheduleKind::Cosine { .. } => "cos",
            ScheduleKind::Warmup { .. } => "warmup",
        }
    }
}

/// The multiplier of the base learning rate at `step` (0-based).
pub fn multiplier(kind: ScheduleKind, step: u64) -> f64 {
    let s = step as f64;
    match kind {
        ScheduleKind::Constant => 1.0,
        ScheduleKind::Step { every, gamma } => math::pow(gamma, (step / every.max(1)) as f64),
        ScheduleKind::Exponential { every, gamma } => math::pow(gamma, s / every.max(1) as f64),
        ScheduleKind::Cosine { period, min_factor } => {
            let t = (s / period.max(1) as f64).min(1.0);
            min_factor + (1.0 - min_factor) * 0.5 * (1.0 + math::cos(std::f64::consts::PI * t))
        }
        ScheduleKind::Warmup { steps } => ((s + 1.0) / steps.max(1) as f64).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_values() {
        assert_eq!(multiplier(ScheduleKind::Constant, 99), 1.0);
        let step = ScheduleKind::Step { every: 10, gamma: 0.5 };
        assert_eq!(multiplier(step, 9), 1.0);
        assert_eq!(multiplier(step, 10), 0.5);
        assert_eq!(multiplier(step, 25), 0.25);
        let exp = ScheduleKind::Exponential { every: 10, gamma: 0.5 };
        assert!((multiplier(exp, 5) - 0.5f64.sqrt()).abs() < 1e-15);
        let cos = ScheduleKind::Cosine { period: 100, min_factor: 0.1 };
        assert_eq!(multiplier(cos, 0), 1.0);
        assert!((multiplier(cos, 50) - 0.55).abs() < 1e-12);
        assert!((multiplier(cos, 100) - 0.1).abs() < 1e-12);
        assert!((multiplier(cos, 1000) - 0.1).abs() < 1e-12);
        let warm = ScheduleKind::Warmup { steps: 4 };
        assert_eq!(multiplier(warm, 0), 0.25);
        assert_eq!(multiplier(warm, 3), 1.0);
        assert_eq!(multiplier(warm, 40), 1.0);
    }
}
