//! A slice of the loss landscape around the current weights (Li et al.,
//! NeurIPS 2018): the training loss at `w + α·δ` along one random
//! direction (a curve, α in [−1, 1]) and at `w + α·δ + β·η` over a plane
//! (a map, α and β in [−1, 1]).
//!
//! The directions are Gaussian, drawn from the run's seed (so a link gives
//! the same slice), then **filter-normalized**: each unit's incoming
//! weights in `δ` are scaled to the norm of that unit's weights in `w`, so
//! that a step of 1 moves every unit as far as its own weights are long and
//! layers of different scales compare; biases and BatchNorm parameters stay
//! put (the paper's choice). The loss is the data loss in evaluation mode
//! on at most [`MAX_ROWS`] training points, fewer on a large network so
//! that the whole slice stays within [`MAC_BUDGET`] multiply-adds (the page
//! says how many). It runs on a copy in the checks' worker.

use crate::engine::model::{Model, ParamKind, PredictScratch};
use crate::engine::progress::Progress;
use crate::engine::rng::{Rng, Stream, Uniform01};
use crate::engine::trainer::Trainer;
use serde::{Deserialize, Serialize};

/// Points of the curve (α from −1 to 1).
pub const LINE: usize = 41;
/// Points per side of the map.
pub const GRID: usize = 21;
/// Most training points a loss is measured on.
pub const MAX_ROWS: usize = 500;
/// Fewest, however large the network.
pub const MIN_ROWS: usize = 16;
/// Multiply-adds the whole slice may spend.
pub const MAC_BUDGET: f64 = 5e9;
/// Salt of the directions' seed, apart from the run's other draws.
const SALT: u64 = 0x4c41_4e44;

/// The slice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Landscape {
    /// The run's step it was taken at.
    pub from_step: u64,
    /// Training points each loss was measured on.
    pub rows: usize,
    /// The loss along δ, at α = −1 + 2k/(LINE − 1).
    pub line: Vec<f64>,
    /// The loss over the plane, `GRID × GRID`, row `r` at β = 1 − 2r/(GRID − 1)
    /// (the top row is β = +1), column `c` at α = −1 + 2c/(GRID − 1).
    pub grid: Vec<f64>,
}

impl Landscape {
    /// The loss at the current weights.
    pub fn center(&self) -> f64 {
        self.line[LINE / 2]
    }

    /// The lowest loss of the map and its `(α, β)`.
    pub fn lowest(&self) -> Option<(f64, f64, f64)> {
        let (i, &v) = self.grid.iter().enumerate().filter(|(_, v)| v.is_finite()).min_by(|a, b| a.1.total_cmp(b.1))?;
        Some((v, coordinate(i % GRID, GRID), -coordinate(i / GRID, GRID)))
    }

    /// One sentence of what the slice shows.
    pub fn summary(&self) -> String {
        let ends = (self.line[0], self.line[LINE - 1]);
        let Some((low, a, b)) = self.lowest() else {
            return crate::tr!("inst.landscape.non_finite");
        };
        crate::tr!(
            "inst.landscape.summary",
            step = self.from_step,
            rows = self.rows,
            center = crate::engine::format::num(self.center()),
            left = crate::engine::format::num(ends.0),
            right = crate::engine::format::num(ends.1),
            low = crate::engine::format::num(low),
            alpha = crate::engine::format::num(a),
            beta = crate::engine::format::num(b)
        )
    }
}

/// Coordinate `k` of `n` evenly spaced points from −1 to 1.
pub fn coordinate(k: usize, n: usize) -> f64 {
    -1.0 + 2.0 * k as f64 / (n - 1) as f64
}

/// Two filter-normalized directions for `model`, drawn from `seed`.
pub fn directions(model: &Model<f32>, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed ^ SALT, Stream::Probe);
    let mut draw = || direction(model, &mut rng);
    let first = draw();
    (first, draw())
}

/// One Gaussian direction, each unit's incoming weights scaled to that
/// unit's weight norm; zero on biases and BatchNorm parameters.
fn direction(model: &Model<f32>, rng: &mut Rng) -> Vec<f64> {
    let mut d = vec![0.0; model.params.len()];
    for info in model.infos.iter().filter(|i| i.kind == ParamKind::Weight) {
        let (n_in, n_out) = info.shape;
        let base = info.offset;
        let raw: Vec<f64> = (0..n_in * n_out).map(|_| rng.normal()).collect();
        for j in 0..n_out {
            let unit = |v: &dyn Fn(usize) -> f64| crate::engine::math::sqrt((0..n_in).map(|i| v(i).powi(2)).sum());
            let w_norm = unit(&|i| f64::from(model.params[base + i * n_out + j]));
            let d_norm = unit(&|i| raw[i * n_out + j]);
            let scale = if d_norm > 0.0 { w_norm / d_norm } else { 0.0 };
            for i in 0..n_in {
                d[base + i * n_out + j] = raw[i * n_out + j] * scale;
            }
        }
    }
    d
}

/// Measures the slice on a copy of `trainer`.
pub fn run(trainer: &Trainer) -> Landscape {
    run_with(trainer, &mut Progress::none())
}

/// [`run`], reporting the share of the evaluations done to `progress`.
pub fn run_with(trainer: &Trainer, progress: &mut Progress) -> Landscape {
    let (delta, eta) = directions(&trainer.model, trainer.cfg.seed);
    let rows = rows_for(trainer);
    let n_in = trainer.model.n_in;
    let x: Vec<f32> = trainer.train.x.rows().into_iter().take(rows).flat_map(|r| r.to_vec()).collect();
    let t: Vec<f32> = trainer.train.targets.rows().into_iter().take(rows).flat_map(|r| r.to_vec()).collect();
    let mut probe = Probe { trainer, model: trainer.model.clone(), scratch: PredictScratch::default(), x, t };
    debug_assert_eq!(probe.x.len(), rows * n_in);
    let total = (LINE + GRID * GRID) as f64;
    let mut line = Vec::with_capacity(LINE);
    for k in 0..LINE {
        progress.set(k as f64 / total);
        line.push(probe.loss(&delta, coordinate(k, LINE), &eta, 0.0));
    }
    let mut grid = Vec::with_capacity(GRID * GRID);
    for r in 0..GRID {
        for c in 0..GRID {
            progress.set((LINE + r * GRID + c) as f64 / total);
            grid.push(probe.loss(&delta, coordinate(c, GRID), &eta, -coordinate(r, GRID)));
        }
    }
    Landscape { from_step: trainer.step_count(), rows, line, grid }
}

/// Training points per loss: all up to [`MAX_ROWS`], fewer when the
/// network is large, never below [`MIN_ROWS`] (or the set's size).
pub fn rows_for(trainer: &Trainer) -> usize {
    let evaluations = (LINE + GRID * GRID) as f64;
    let per_row = trainer.model.forward_macs_per_row().max(1) as f64;
    let affordable = (MAC_BUDGET / (evaluations * per_row)) as usize;
    affordable.clamp(MIN_ROWS, MAX_ROWS).min(trainer.train.len())
}

/// The losses of one slice: a model copy moved about the trainer's weights.
struct Probe<'a> {
    trainer: &'a Trainer,
    model: Model<f32>,
    scratch: PredictScratch<f32>,
    x: Vec<f32>,
    t: Vec<f32>,
}

impl Probe<'_> {
    /// The data loss at `w + a·δ + b·η`.
    fn loss(&mut self, delta: &[f64], a: f64, eta: &[f64], b: f64) -> f64 {
        let w = &self.trainer.model.params;
        for (k, p) in self.model.params.iter_mut().enumerate() {
            *p = (f64::from(w[k]) + a * delta[k] + b * eta[k]) as f32;
        }
        let mut out = vec![0.0; self.t.len()];
        self.model.predict_into(&self.x, &mut out, &mut self.scratch);
        self.trainer.data_loss_of(&out, &self.t, None)
    }
}

#[cfg(test)]
mod tests;
