//! The scale of the initialization (checklist 3.1, 3.3, 3.4): how signals
//! and gradients travel through the network *at its initial weights*, on
//! the whole training set (up to [`MAX_ROWS`] rows; fewer on a network of
//! hundreds of thousands of weights, see [`super::affordable_rows`]) in one
//! forward and one backward pass (BN on batch statistics, dropout off).
//!
//! Measured at the initial weights because these are properties of the
//! initialization, not of how far a run has got: the same link always gives
//! the same numbers, and one pass over many rows is free of mini-batch noise.
//! Per dense block: the std of its output, the share of tanh/sigmoid outputs
//! in their flat tails, the share of ReLU units silent for every row, and the
//! root-mean-square of its weight gradient. Across the network (Glorot and
//! Bengio 2010, He et al. 2015): the growth of the activation std from the
//! first to the last hidden block, and the ratio of the error signal ∂L/∂z
//! at the first hidden block to that at the last.

use super::layer_stats::{saturated_share, SATURATION};
use super::{block_label, blocks, norm, Block};
use crate::engine::config::{Act, LossKind, OutputAct};
use crate::engine::layers::Pass;
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::{Grads, Trainer};
use serde::Serialize;

/// Training rows fed through the model at most.
pub const MAX_ROWS: usize = 1000;

/// One dense block at the initial weights.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockScale {
    /// `hidden 1`, …, `output`.
    pub label: String,
    /// The block's dense layer index.
    pub layer: usize,
    /// Its activation (`None`: linear).
    pub act: Option<String>,
    /// Std of the block's output over rows and units.
    pub act_std: f64,
    /// RMS of ∂L/∂z over rows and units, z the dense layer's output (the
    /// error signal reaching the block).
    pub signal_rms: f64,
    /// Share of tanh/sigmoid outputs in the flat tails (`None` for other activations).
    pub saturated: Option<f64>,
    /// Share of ReLU units that output 0 for every row (`None` for other activations).
    pub dead: Option<f64>,
    /// ‖∂L/∂W‖ / √(number of weights).
    pub grad_rms: f64,
}

/// The whole network at its initial weights.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InitScale {
    /// Per dense block, input to output.
    pub blocks: Vec<BlockScale>,
    /// Last hidden block's activation std over the first's (needs two hidden blocks).
    pub act_growth: Option<f64>,
    /// The error signal's RMS at the first hidden block over the last
    /// hidden block's (needs two hidden blocks): how much of it survives
    /// the way back through the hidden layers.
    pub signal_ratio: Option<f64>,
    /// For a tanh or sigmoid output under MSE: the share of rows whose
    /// output sits in a flat tail on the wrong side of its target (stuck).
    pub output_stuck: Option<f64>,
    /// Rows measured.
    pub rows: usize,
}

/// Measures `fresh`, a trainer at its initial weights.
pub fn measure(fresh: &Trainer) -> InitScale {
    let mut model = fresh.model.clone();
    let rows = super::affordable_rows(&model, fresh.train.len(), MAX_ROWS);
    let n_in = model.n_in;
    let n_out = model.n_out;
    let x = fresh.train.x.as_slice().map_or_else(Vec::new, |s| s[..rows * n_in].to_vec());
    let t = fresh.train.targets.as_slice().map_or_else(Vec::new, |s| s[..rows * n_out].to_vec());
    model.forward(&x, Pass::CHECK, &mut Rng::new(0, Stream::Probe));
    let mut d_out = vec![0.0; t.len()];
    fresh.data_loss_of(model.output(), &t, Some(&mut d_out));
    let output_stuck = output_stuck(fresh, model.output(), &t);
    let signal = model.backward_with_signal(&d_out);
    fresh.hooks().after_backward(&model.infos, Grads::F32(&mut model.grads));
    let bs = blocks(&model);
    let n = bs.len();
    let blocks: Vec<BlockScale> =
        bs.iter().enumerate().map(|(k, b)| block_scale(&model, b, block_label(k, n), signal[b.dense])).collect();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    let (act_growth, signal_ratio) = if n >= 3 {
        let first = &blocks[0];
        (Some(ratio(blocks[n - 2].act_std, first.act_std)), Some(ratio(first.signal_rms, blocks[n - 2].signal_rms)))
    } else {
        (None, None)
    };
    InitScale { blocks, act_growth, signal_ratio, output_stuck, rows }
}

fn block_scale(model: &crate::engine::model::Model<f32>, b: &Block, label: String, signal_rms: f64) -> BlockScale {
    let a = model.activation(b.observed());
    let (_, act_std) = super::mean_std(a);
    let act = b.act.map(|(_, act)| act);
    let dead = (act == Some(Act::Relu)).then(|| {
        let silent = (0..b.width).filter(|&u| a.iter().skip(u).step_by(b.width).all(|&v| v <= 0.0)).count();
        silent as f64 / b.width as f64
    });
    let grads = &model.grads[b.w.clone()];
    BlockScale {
        label,
        layer: b.dense,
        act: act.map(|a| crate::engine::config::Named::name(a).to_string()),
        act_std,
        signal_rms,
        saturated: saturated_share(act, a),
        dead,
        grad_rms: norm(grads) / crate::engine::math::sqrt(grads.len().max(1) as f64),
    }
}

/// The share of rows whose tanh/sigmoid output (MSE) is in a tail on the
/// wrong side of its target: there the output's slope is ~0, so the error
/// barely reaches the weights.
pub fn output_stuck(trainer: &Trainer, out: &[f32], t: &[f32]) -> Option<f64> {
    if trainer.cfg.loss != LossKind::Mse {
        return None;
    }
    let hi = SATURATION as f32;
    let stuck = |o: f32, target: f32| match trainer.cfg.output_act {
        OutputAct::Tanh => o.abs() > hi && (o - target).abs() > 1.0,
        OutputAct::Sigmoid => (o > hi || o < 1.0 - hi) && (o - target).abs() > 0.5,
        OutputAct::Linear => false,
    };
    if trainer.cfg.output_act == OutputAct::Linear {
        return None;
    }
    let n = out.len().max(1) as f64;
    Some(out.iter().zip(t).filter(|(&o, &target)| stuck(o, target)).count() as f64 / n)
}

impl InitScale {
    /// The hidden block with the largest saturated share, with the share.
    pub fn most_saturated(&self) -> Option<(&BlockScale, f64)> {
        let hidden = &self.blocks[..self.blocks.len().saturating_sub(1)];
        hidden.iter().filter_map(|b| b.saturated.map(|s| (b, s))).max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The hidden block with the largest dead share, with the share.
    pub fn most_dead(&self) -> Option<(&BlockScale, f64)> {
        self.blocks.iter().filter_map(|b| b.dead.map(|s| (b, s))).max_by(|a, b| a.1.total_cmp(&b.1))
    }
}
