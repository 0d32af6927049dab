//! Model summary (checklist 1.1 and 3.6a): every layer's kind, input and
//! output width, and parameter count, with the total — the structure a
//! learner checks before growing a model.

use crate::engine::layers::Layer;
use crate::engine::model::Model;
use crate::engine::scalar::Real;
use serde::Serialize;

/// One row of the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerRow {
    /// Index in `Model::layers`.
    pub index: usize,
    /// Short name, e.g. `Dense 2→4`, `tanh`, `BatchNorm`, `Dropout 0.2`.
    pub name: String,
    /// Kind: `dense`, `activation`, `batchnorm`, `dropout`.
    pub kind: &'static str,
    /// Input shape per example (`[n_in]`; the batch dimension is implied).
    pub n_in: usize,
    /// Output shape per example.
    pub n_out: usize,
    /// Trainable scalars (W and b, or γ and β).
    pub params: usize,
    /// Non-trainable state (BN running mean and variance).
    pub buffers: usize,
}

/// The whole summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Every layer, input to output.
    pub layers: Vec<LayerRow>,
    /// Trainable scalars in total.
    pub total_params: usize,
    /// Input width.
    pub n_in: usize,
    /// Output width.
    pub n_out: usize,
}

/// The summary of `model`.
pub fn summarize<F: Real>(model: &Model<F>) -> Summary {
    let mut n_in = model.n_in;
    let layers = model
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let params = model.infos.iter().filter(|i| i.layer == index).map(|i| i.len()).sum();
            let (kind, buffers) = match layer {
                Layer::Dense(_) => ("dense", 0),
                Layer::Activation(_) => ("activation", 0),
                Layer::BatchNorm(bn) => ("batchnorm", 2 * bn.n),
                Layer::Dropout(_) => ("dropout", 0),
            };
            let row = LayerRow { index, name: layer.name(), kind, n_in, n_out: layer.n_out(), params, buffers };
            n_in = layer.n_out();
            row
        })
        .collect();
    Summary { layers, total_params: model.n_params(), n_in: model.n_in, n_out: model.n_out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::link as codec;
    use crate::engine::trainer::Trainer;

    #[test]
    fn shapes_and_counts_of_a_bn_dropout_net() {
        let (cfg, _) = codec::decode("net=4:relu:bn:d0.5,3:tanh&feat=x1,x2,x1x2");
        let t = Trainer::from_config(&cfg).expect("valid");
        let s = summarize(&t.model);
        let names: Vec<&str> = s.layers.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Dense 3→4", "BatchNorm", "relu", "Dropout 0.5", "Dense 4→3", "tanh", "Dense 3→1", "tanh"]);
        let params: Vec<usize> = s.layers.iter().map(|r| r.params).collect();
        assert_eq!(params, [16, 8, 0, 0, 15, 0, 4, 0]);
        assert_eq!(s.total_params, 43);
        assert_eq!(s.layers[1].buffers, 8);
        assert_eq!((s.layers[4].n_in, s.layers[4].n_out), (4, 3));
    }
}
