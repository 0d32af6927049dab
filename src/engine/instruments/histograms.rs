//! Histograms of activations, weights and gradients per dense block over
//! time (checklist 3.6b; TensorBoard's offset view). Each snapshot bins one
//! tensor into [`BINS`] equal bins between its own min and max; snapshots
//! are kept in bounded [`Series`] that halve their resolution as a run grows
//! (indexed by snapshot count, which is what the series' downsampling
//! expects; each histogram carries its training step).

use super::{block_label, blocks, Block};
use crate::engine::history::Series;
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Bins per histogram.
pub const BINS: usize = 32;
/// Snapshots kept per tensor.
pub const CAPACITY: usize = 64;
/// Default steps between snapshots.
pub const EVERY: u64 = 10;

/// One histogram: `counts[i]` values in `[lo + i·w, lo + (i+1)·w)`, `w = (hi − lo)/BINS`
/// (the last bin includes `hi`). Non-finite values are counted apart.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Histogram {
    /// Training step of the snapshot.
    pub step: u64,
    /// Smallest finite value.
    pub lo: f32,
    /// Largest finite value.
    pub hi: f32,
    /// Counts per bin.
    pub counts: [u32; BINS],
    /// NaN or infinite values.
    pub non_finite: u32,
}

impl Histogram {
    /// The histogram of `values`.
    pub fn of(values: &[f32]) -> Self {
        // Two passes (range and non-finite count, then the bins): a large
        // network's snapshot bins about a million values in one frame.
        let (mut lo, mut hi, mut non_finite) = (f32::INFINITY, f32::NEG_INFINITY, 0u32);
        for &v in values {
            if v.is_finite() {
                (lo, hi) = (lo.min(v), hi.max(v));
            } else {
                non_finite += 1;
            }
        }
        let mut h = Histogram { step: 0, lo: 0.0, hi: 0.0, counts: [0; BINS], non_finite };
        if lo > hi {
            return h;
        }
        (h.lo, h.hi) = (lo, hi);
        let scale = if hi > lo { BINS as f32 / (hi - lo) } else { 0.0 };
        for &v in values.iter().filter(|v| v.is_finite()) {
            h.counts[(((v - lo) * scale) as usize).min(BINS - 1)] += 1;
        }
        h
    }

    /// Total values binned.
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }
}

/// The three tensors of one block.
#[derive(Clone, Debug)]
pub struct BlockHistograms {
    /// The block.
    pub block: Block,
    /// `hidden 1`, …, `output`.
    pub label: String,
    /// The block's activation output `[batch, width]`.
    pub activations: Series<Histogram>,
    /// Its weights `W`.
    pub weights: Series<Histogram>,
    /// The gradient of `W` (before clipping when the probe is on).
    pub gradients: Series<Histogram>,
}

/// Histograms of every dense block.
#[derive(Clone, Debug)]
pub struct Histograms {
    /// Input to output.
    pub blocks: Vec<BlockHistograms>,
    /// Steps between snapshots.
    pub every: u64,
    /// Snapshots taken.
    pub taken: u64,
}

impl Histograms {
    /// Empty histories for the trainer's model.
    pub fn new(trainer: &Trainer) -> Self {
        let bs = blocks(&trainer.model);
        let n = bs.len();
        let blocks = bs
            .into_iter()
            .enumerate()
            .map(|(k, block)| BlockHistograms {
                block,
                label: block_label(k, n),
                activations: Series::new(CAPACITY),
                weights: Series::new(CAPACITY),
                gradients: Series::new(CAPACITY),
            })
            .collect();
        Self { blocks, every: EVERY, taken: 0 }
    }

    /// Takes a snapshot when the step count is a multiple of `every`.
    pub fn observe(&mut self, trainer: &Trainer) {
        let step = trainer.step_count();
        if step == 0 || !step.is_multiple_of(self.every.max(1)) || trainer.diverged().is_some() {
            return;
        }
        let model = &trainer.model;
        let grads = match trainer.probe.as_deref() {
            Some(p) if p.grads.len() == model.n_params() => &p.grads,
            _ => &model.grads,
        };
        let at = |values: &[f32]| Histogram { step, ..Histogram::of(values) };
        for b in &mut self.blocks {
            b.activations.push(self.taken, at(model.activation(b.block.observed())));
            b.weights.push(self.taken, at(&model.params[b.block.w.clone()]));
            b.gradients.push(self.taken, at(&grads[b.block.w.clone()]));
        }
        self.taken += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_the_range_and_count_everything() {
        let v: Vec<f32> = (0..=64).map(|i| i as f32 / 64.0).chain([f32::NAN]).collect();
        let h = Histogram::of(&v);
        assert_eq!((h.lo, h.hi, h.total(), h.non_finite), (0.0, 1.0, 65, 1));
        assert_eq!(h.counts[0], 2);
        assert_eq!(h.counts[BINS - 1], 3, "the last bin holds its upper edge");
        let flat = Histogram::of(&[2.0; 5]);
        assert_eq!((flat.counts[0], flat.lo, flat.hi), (5, 2.0, 2.0));
    }
}
