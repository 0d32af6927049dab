//! The input plane as a grid of points, and what every neuron outputs over it:
//! the pictures of the output heatmap and of the per-neuron thumbnails.
//!
//! Orientation: row 0 is the **top** of the picture, so the point at (row r,
//! col c) is `x1 = −E + 2E·c/(size−1)`, `x2 = E − 2E·r/(size−1)` with
//! `E =` [`EXTENT`]: y points up in every picture, as in the data.

use crate::trainer::Trainer;

/// Half-width of the plane shown, as TF Playground's [−6, 6]².
pub const EXTENT: f64 = 6.0;

/// The coordinates (x1, x2) of grid point (row, col) of a `size`×`size` grid.
pub fn coords(size: usize, row: usize, col: usize) -> (f64, f64) {
    let step = 2.0 * EXTENT / (size.max(2) - 1) as f64;
    (-EXTENT + step * col as f64, EXTENT - step * row as f64)
}

/// A `size`×`size` grid of the plane, mapped to model inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Points per side.
    pub size: usize,
    /// Model inputs, `[size², n_in]`, point p = row·size + col.
    pub inputs: Vec<f32>,
    /// Raw features before standardization, `[size², n_in]` (what the input
    /// column of the network diagram shows).
    pub features: Vec<f32>,
}

impl Grid {
    /// The grid for a trainer's input map; `None` for non-planar data (digits).
    pub fn new(trainer: &Trainer, size: usize) -> Option<Self> {
        let map = trainer.input_map.as_ref()?;
        let d = map.features.len();
        let (mut inputs, mut features) = (Vec::with_capacity(size * size * d), Vec::with_capacity(size * size * d));
        let mut row = vec![0.0; d];
        for r in 0..size {
            for c in 0..size {
                let (x1, x2) = coords(size, r, c);
                crate::data::features::feature_row(x1, x2, &map.features, &mut row);
                features.extend(row.iter().map(|&v| v as f32));
                map.scaler.apply_row(&mut row);
                inputs.extend(row.iter().map(|&v| v as f32));
            }
        }
        Some(Self { size, inputs, features })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.size * self.size
    }

    /// Whether the grid has no points.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }
}

/// What one block of neurons outputs over the grid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockMap {
    /// Units in the block.
    pub width: usize,
    /// Outputs `[size², width]`: `values[p·width + unit]`.
    pub values: Vec<f32>,
    /// Label for the diagram, e.g. `hidden 1` or `output`.
    pub label: String,
}

impl BlockMap {
    /// The largest |value| of one unit (for colour scaling of unbounded units).
    pub fn max_abs(&self, unit: usize) -> f32 {
        self.values.iter().skip(unit).step_by(self.width.max(1)).fold(0.0, |m, v| m.max(v.abs()))
    }
}

/// Every neuron's output over a grid: one [`BlockMap`] per hidden block, then
/// the output block. Buffers are reused from call to call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NeuronMaps {
    /// Points per side of the grid the maps were computed on.
    pub size: usize,
    /// Hidden blocks, then the output.
    pub blocks: Vec<BlockMap>,
}

impl Trainer {
    /// Fills `maps` with every block's output over `grid` (evaluation mode).
    pub fn neuron_maps(&mut self, grid: &Grid, maps: &mut NeuronMaps) {
        let ends = self.model.block_ends();
        maps.size = grid.size;
        maps.blocks.resize_with(ends.len(), BlockMap::default);
        for (i, (block, &end)) in maps.blocks.iter_mut().zip(&ends).enumerate() {
            block.width = self.model.layers[end].n_out();
            block.label = if i + 1 == ends.len() { "output".to_string() } else { format!("hidden {}", i + 1) };
        }
        let mut outs: Vec<Vec<f32>> = maps.blocks.iter_mut().map(|b| std::mem::take(&mut b.values)).collect();
        self.predict_layers(&grid.inputs, &ends, &mut outs);
        for (block, out) in maps.blocks.iter_mut().zip(outs) {
            block.values = out;
        }
    }
}
