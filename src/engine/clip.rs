//! Gradient clipping by value and by global L2 norm.

use crate::named::Named;
use crate::scalar::Real;

/// Gradient clipping.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ClipKind {
    /// No clipping.
    None,
    /// Clamp every gradient component to [−c, c].
    Value(f64),
    /// Rescale the whole gradient when its global L2 norm exceeds c.
    Norm(f64),
}

impl Named for ClipKind {
    const VARIANTS: &'static [Self] = &[ClipKind::None, ClipKind::Value(1.0), ClipKind::Norm(1.0)];

    fn name(self) -> &'static str {
        match self {
            ClipKind::None => "none",
            ClipKind::Value(_) => "value",
            ClipKind::Norm(_) => "norm",
        }
    }
}

/// Clips `grads` in place; returns whether anything was clipped.
pub fn clip<F: Real>(kind: ClipKind, grads: &mut [F]) -> bool {
    match kind {
        ClipKind::None => false,
        ClipKind::Value(c) => {
            let c = F::of(c);
            let mut clipped = false;
            for g in grads.iter_mut() {
                if *g > c {
                    *g = c;
                    clipped = true;
                } else if *g < -c {
                    *g = -c;
                    clipped = true;
                }
            }
            clipped
        }
        ClipKind::Norm(c) => {
            let norm = global_norm(grads);
            if norm > c {
                let s = F::of(c / norm);
                grads.iter_mut().for_each(|g| *g *= s);
                true
            } else {
                false
            }
        }
    }
}

/// ‖g‖₂ over every component, accumulated in f64.
pub fn global_norm<F: Real>(grads: &[F]) -> f64 {
    crate::math::sqrt(grads.iter().map(|&g| g.f64() * g.f64()).sum::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_value() {
        let mut g = [0.5, -3.0, 2.0];
        assert!(clip(ClipKind::Value(1.0), &mut g));
        assert_eq!(g, [0.5, -1.0, 1.0]);
        assert!(!clip(ClipKind::Value(1.0), &mut g));
    }

    #[test]
    fn by_norm() {
        let mut g = [3.0, 4.0];
        assert!(clip(ClipKind::Norm(1.0), &mut g));
        assert!((g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15);
        let mut h = [0.3, 0.4];
        assert!(!clip(ClipKind::Norm(1.0), &mut h));
        assert_eq!(h, [0.3, 0.4]);
    }
}
