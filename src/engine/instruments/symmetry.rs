//! Symmetric units (checklist 3.1, initialization): units of a hidden layer
//! whose incoming weights and bias are identical compute the same output,
//! receive the same gradient and stay identical forever: the layer acts as
//! one unit however wide it is. Zero or constant initialization does this;
//! random initialization exists to break the symmetry.
//!
//! Measured directly on the weights: per hidden block, the largest distance
//! of a unit's incoming weights and bias from the first unit's, relative to
//! the first unit's size. A spread of (almost) 0 means every unit is a copy.

use super::{block_label, blocks, distance, norm};
use crate::engine::model::Model;
use serde::Serialize;

/// A relative spread at or below this counts as identical.
pub const IDENTICAL: f64 = 1e-6;

/// One hidden block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockSymmetry {
    /// `hidden 1`, …
    pub label: String,
    /// The block's dense layer index.
    pub layer: usize,
    /// Units in the block.
    pub width: usize,
    /// Largest ‖(w_u, b_u) − (w_0, b_0)‖ / max(‖(w_0, b_0)‖, 1e-12).
    pub spread: f64,
}

impl BlockSymmetry {
    /// Whether every unit is a copy of the first.
    pub fn symmetric(&self) -> bool {
        self.width >= 2 && self.spread <= IDENTICAL
    }
}

/// Measures every hidden block of `model`.
pub fn measure(model: &Model<f32>) -> Vec<BlockSymmetry> {
    let bs = blocks(model);
    let n = bs.len();
    bs.iter()
        .enumerate()
        .take(n.saturating_sub(1))
        .map(|(k, b)| {
            let w = &model.params[b.w.clone()];
            let bias = &model.params[b.b.clone()];
            let unit = |u: usize| -> Vec<f32> {
                let mut v: Vec<f32> = w.iter().skip(u).step_by(b.width).copied().collect();
                v.push(bias[u]);
                v
            };
            let first = unit(0);
            let size = norm(&first).max(1e-12);
            let spread = (1..b.width).map(|u| distance(&unit(u), &first) / size).fold(0.0, f64::max);
            BlockSymmetry { label: block_label(k, n), layer: b.dense, width: b.width, spread }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::link as codec;
    use crate::engine::trainer::Trainer;

    #[test]
    fn constant_init_makes_copies_and_random_init_does_not() {
        let t = Trainer::from_config(&codec::decode("init=const&ia=0.3&net=4:tanh,3:tanh").0).expect("valid");
        let s = measure(&t.model);
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(BlockSymmetry::symmetric), "{s:?}");
        let t = Trainer::from_config(&codec::decode("net=4:tanh,3:tanh").0).expect("valid");
        assert!(measure(&t.model).iter().all(|b| !b.symmetric() && b.spread > 0.1));
    }
}
