//! A model: a stack of [`Layer`]s over one flat parameter vector.
//!
//! All trainable parameters live in `params` (and their gradients in `grads`,
//! same layout), described by [`ParamInfo`]. The optimizer, the clipping, the
//! fingerprint and the gradient check all work on these flat vectors. Layer
//! outputs of the last forward pass are kept (`acts`) for backward and for the
//! instruments; their buffers are sized once per batch size and reused.

use crate::config::{Act, BlockOrder, Config, InitKind, LayerSpec, LossKind, OutputAct};
use crate::init::draw_weights;
use crate::layers::{Activation, BatchNorm, Dense, Dropout, Layer, Pass};
use crate::loss;
pub use crate::params::{ParamInfo, ParamKind};
use crate::rng::Rng;
use crate::scalar::Real;

/// The architecture, independent of the float type: what [`Model::build`] reads.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelSpec {
    /// Input width.
    pub n_in: usize,
    /// Hidden blocks.
    pub hidden: Vec<LayerSpec>,
    /// Order inside each block.
    pub order: BlockOrder,
    /// Output width.
    pub n_out: usize,
    /// Activation after the output dense.
    pub output_act: Act,
    /// Leaky ReLU slope.
    pub leaky_slope: f64,
    /// BN momentum and ε.
    pub bn_momentum: f64,
    /// BN ε.
    pub bn_eps: f64,
    /// Weight initializer.
    pub init: InitKind,
    /// Initial bias value.
    pub bias_init: f64,
}

impl ModelSpec {
    /// The spec of a config for `n_in` inputs and `n_out` outputs.
    pub fn from_config(cfg: &Config, n_in: usize, n_out: usize) -> Self {
        let output_act = match cfg.loss {
            LossKind::Mse => match cfg.output_act {
                OutputAct::Tanh => Act::Tanh,
                OutputAct::Linear => Act::Linear,
                OutputAct::Sigmoid => Act::Sigmoid,
            },
            _ => Act::Linear,
        };
        Self {
            n_in,
            hidden: cfg.hidden.clone(),
            order: cfg.order,
            n_out,
            output_act,
            leaky_slope: cfg.leaky_slope,
            bn_momentum: cfg.bn_momentum,
            bn_eps: cfg.bn_eps,
            init: cfg.init,
            bias_init: cfg.bias_init,
        }
    }
}

/// A trainable network in float type `F`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Model<F> {
    /// The layers, input to output.
    pub layers: Vec<Layer<F>>,
    /// All trainable parameters, flat.
    pub params: Vec<F>,
    /// Gradients of the last backward pass, same layout as `params`.
    #[serde(skip)] // working state: see `restore_buffers`
    pub grads: Vec<F>,
    /// The parameter tensors.
    pub infos: Vec<ParamInfo>,
    /// Input width.
    pub n_in: usize,
    /// Output width.
    pub n_out: usize,
    /// Output of every layer for the last forward (`acts[i]`: layer i), `[batch, width]`.
    #[serde(skip)]
    acts: Vec<Vec<F>>,
    /// Input of the last forward, `[batch, n_in]`.
    #[serde(skip)]
    input: Vec<F>,
    /// Rows in the last forward.
    #[serde(skip)]
    batch: usize,
    /// Two scratch buffers for backpropagated deltas.
    #[serde(skip)]
    delta: [Vec<F>; 2],
    /// Scratch for a dense layer's transposed weights in backward
    /// (see [`crate::kernels::dense_backward_input`]).
    #[serde(skip)]
    w_t: Vec<F>,
}

struct Builder<'a, F> {
    layers: Vec<Layer<F>>,
    params: Vec<F>,
    infos: Vec<ParamInfo>,
    rng: &'a mut Rng,
    spec: &'a ModelSpec,
}

impl<F: Real> Builder<'_, F> {
    fn tensor(&mut self, kind: ParamKind, shape: (usize, usize), values: Vec<f64>) -> usize {
        let offset = self.params.len();
        self.params.extend(values.into_iter().map(F::of));
        self.infos.push(ParamInfo { layer: self.layers.len(), kind, offset, shape });
        offset
    }

    fn dense(&mut self, n_in: usize, n_out: usize) {
        let w_init = draw_weights(self.spec.init, n_in, n_out, self.rng);
        let w = self.tensor(ParamKind::Weight, (n_in, n_out), w_init);
        let b = self.tensor(ParamKind::Bias, (1, n_out), vec![self.spec.bias_init; n_out]);
        self.layers.push(Layer::Dense(Dense { n_in, n_out, w, b }));
    }

    fn act(&mut self, act: Act, n: usize) {
        if act != Act::Linear {
            self.layers.push(Layer::Activation(Activation { act, slope: self.spec.leaky_slope, n }));
        }
    }

    fn batch_norm(&mut self, n: usize) {
        let gamma = self.tensor(ParamKind::Gamma, (1, n), vec![1.0; n]);
        let beta = self.tensor(ParamKind::Beta, (1, n), vec![0.0; n]);
        let bn = BatchNorm::new(n, gamma, beta, self.spec.bn_momentum, self.spec.bn_eps);
        self.layers.push(Layer::BatchNorm(bn));
    }

    fn dropout(&mut self, n: usize, p: f64) {
        if p > 0.0 {
            self.layers.push(Layer::Dropout(Dropout::new(n, p)));
        }
    }
}

impl<F: Real> Model<F> {
    /// Builds and initializes a model; weights are drawn layer by layer,
    /// row-major, from `rng`.
    pub fn build(spec: &ModelSpec, rng: &mut Rng) -> Self {
        let mut b = Builder { layers: Vec::new(), params: Vec::new(), infos: Vec::new(), rng, spec };
        let mut width = spec.n_in;
        for block in &spec.hidden {
            b.dense(width, block.units);
            width = block.units;
            match spec.order {
                BlockOrder::BnActDrop => {
                    if block.batch_norm {
                        b.batch_norm(width);
                    }
                    b.act(block.act, width);
                    b.dropout(width, block.dropout);
                }
                BlockOrder::ActDropBn => {
                    b.act(block.act, width);
                    b.dropout(width, block.dropout);
                    if block.batch_norm {
                        b.batch_norm(width);
                    }
                }
            }
        }
        b.dense(width, spec.n_out);
        b.act(spec.output_act, spec.n_out);
        let n_params = b.params.len();
        let n_layers = b.layers.len();
        Self {
            layers: b.layers,
            params: b.params,
            grads: vec![F::ZERO; n_params],
            infos: b.infos,
            n_in: spec.n_in,
            n_out: spec.n_out,
            acts: vec![Vec::new(); n_layers],
            input: Vec::new(),
            batch: 0,
            delta: [Vec::new(), Vec::new()],
            w_t: Vec::new(),
        }
    }

    /// The same model in another float type (parameters and BN running
    /// statistics converted; caches empty).
    pub fn cast<G: Real>(&self) -> Model<G> {
        let layers = self
            .layers
            .iter()
            .map(|l| match l {
                Layer::Dense(d) => Layer::Dense(d.clone()),
                Layer::Activation(a) => Layer::Activation(a.clone()),
                Layer::BatchNorm(bn) => Layer::BatchNorm(bn.cast()),
                Layer::Dropout(d) => Layer::Dropout(Dropout::new(d.n, d.p)),
            })
            .collect::<Vec<_>>();
        let n_layers = layers.len();
        Model {
            layers,
            params: self.params.iter().map(|v| G::of(v.f64())).collect(),
            grads: vec![G::ZERO; self.params.len()],
            infos: self.infos.clone(),
            n_in: self.n_in,
            n_out: self.n_out,
            acts: vec![Vec::new(); n_layers],
            input: Vec::new(),
            batch: 0,
            delta: [Vec::new(), Vec::new()],
            w_t: Vec::new(),
        }
    }

    /// After deserializing (which leaves the working buffers out): empty
    /// buffers of the right shapes, as before a first forward pass.
    pub fn restore_buffers(&mut self) {
        self.grads = vec![F::ZERO; self.params.len()];
        self.acts = vec![Vec::new(); self.layers.len()];
        self.batch = 0;
    }

    /// Number of trainable scalars.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// Multiply-adds of one input row's forward pass through the dense
    /// layers (the rest is linear in the widths and small beside them).
    pub fn forward_macs_per_row(&self) -> usize {
        self.infos.iter().filter(|i| i.kind == ParamKind::Weight).map(ParamInfo::len).sum()
    }

    /// Rows in the last forward pass.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The input of the last forward pass, `[batch, n_in]`.
    pub fn input(&self) -> &[F] {
        &self.input[..self.batch * self.n_in]
    }

    /// Output of layer `i` in the last forward pass, `[batch, width_i]`.
    pub fn activation(&self, i: usize) -> &[F] {
        &self.acts[i][..self.batch * self.layers[i].n_out()]
    }

    /// The model output of the last forward pass, `[batch, n_out]`.
    pub fn output(&self) -> &[F] {
        self.activation(self.layers.len() - 1)
    }

    /// Forward pass over `x: [batch, n_in]`, keeping every layer's output.
    pub fn forward(&mut self, x: &[F], pass: Pass, rng: &mut Rng) {
        self.forward_start(x);
        for i in 0..self.layers.len() {
            self.forward_layer(i, pass, rng);
        }
    }

    /// Starts a forward pass of `x: [batch, n_in]`; [`Model::forward_layer`]
    /// then runs the layers one at a time (so that a long pass can be cut
    /// into slices with the same bits).
    pub fn forward_start(&mut self, x: &[F]) {
        self.batch = x.len() / self.n_in;
        self.input.clear();
        self.input.extend_from_slice(x);
    }

    /// Layer `i` of the forward pass started by [`Model::forward_start`]
    /// (layers in order).
    pub fn forward_layer(&mut self, i: usize, pass: Pass, rng: &mut Rng) {
        let batch = self.batch;
        let n_out = self.layers[i].n_out();
        let mut out = std::mem::take(&mut self.acts[i]);
        out.resize(batch * n_out, F::ZERO);
        let input: &[F] = if i == 0 { &self.input } else { &self.acts[i - 1] };
        let input = &input[..batch * self.layer_n_in(i)];
        self.layers[i].forward(&self.params, input, &mut out[..batch * n_out], batch, pass, rng);
        self.acts[i] = out;
    }

    fn layer_n_in(&self, i: usize) -> usize {
        if i == 0 {
            self.n_in
        } else {
            self.layers[i - 1].n_out()
        }
    }

    /// Backward pass from `d_out = dL/d output: [batch, n_out]` of the last
    /// forward; overwrites `grads`.
    pub fn backward(&mut self, d_out: &[F]) {
        self.backward_to(d_out, false, None);
    }

    /// Like [`Model::backward`], and also returns, per layer, the RMS of
    /// `dL/d(output of layer i)` over the batch and its units: the error
    /// signal as it travels back (instruments: vanishing gradients).
    pub fn backward_with_signal(&mut self, d_out: &[F]) -> Vec<f64> {
        let mut rms = vec![0.0; self.layers.len()];
        self.backward_to(d_out, false, Some(&mut rms));
        rms
    }

    /// Like [`Model::backward`], and also returns `dL/d input: [batch, n_in]`
    /// (saliency maps and input-gradient fields; instruments issue).
    pub fn backward_with_input_grad(&mut self, d_out: &[F]) -> &[F] {
        self.backward_to(d_out, true, None);
        &self.delta[0][..self.batch * self.n_in]
    }

    /// The backward pass; with `input_grad`, layer 0 also writes its `dx`,
    /// which ends in `delta[0]`; with `signal`, records the RMS of each
    /// layer's output gradient there.
    fn backward_to(&mut self, d_out: &[F], input_grad: bool, mut signal: Option<&mut Vec<f64>>) {
        self.backward_start(d_out);
        for i in (0..self.layers.len()).rev() {
            self.backward_layer(i, input_grad, signal.as_deref_mut());
        }
    }

    /// Starts the backward pass of the last forward from `d_out`;
    /// [`Model::backward_layer`] then runs the layers one at a time, last first.
    pub fn backward_start(&mut self, d_out: &[F]) {
        let dy = &mut self.delta[0];
        dy.clear();
        dy.extend_from_slice(d_out);
    }

    /// Layer `i` of the backward pass (layers from the last): writes its
    /// parameter gradients, and `dL/d input` of the layer unless it is the
    /// first and `input_grad` is off; with `signal`, records the RMS of the
    /// layer's output gradient.
    pub fn backward_layer(&mut self, i: usize, input_grad: bool, signal: Option<&mut Vec<f64>>) {
        let batch = self.batch;
        let n_in = self.layer_n_in(i);
        let n_out = self.layers[i].n_out();
        let [dy, dx] = &mut self.delta;
        let x: &[F] = if i == 0 { &self.input } else { &self.acts[i - 1] };
        let x = &x[..batch * n_in];
        let y = &self.acts[i][..batch * n_out];
        if let Some(rms) = signal {
            let d = &dy[..batch * n_out];
            let sum: f64 = d.iter().map(|v| v.f64() * v.f64()).sum();
            rms[i] = crate::math::sqrt(sum / d.len().max(1) as f64);
        }
        let need_dx = i > 0 || input_grad;
        dx.resize(batch * n_in, F::ZERO);
        let dx_slice = if need_dx { Some(&mut dx[..batch * n_in]) } else { None };
        let scratch = &mut self.w_t;
        self.layers[i].backward(&self.params, &mut self.grads, x, y, &dy[..batch * n_out], dx_slice, batch, scratch);
        self.delta.swap(0, 1);
    }

    /// Adds the L1/L2 penalty gradients of every weight tensor to `grads`.
    pub fn add_penalty_grads(&mut self, l1: f64, l2: f64) {
        for info in self.infos.iter().filter(|i| i.decays()) {
            let r = info.range();
            loss::add_penalty_grad(&self.params[r.clone()], &mut self.grads[r], l1, l2);
        }
    }

    /// The L1 and L2 penalties over every weight tensor.
    pub fn penalty(&self, l1: f64, l2: f64) -> (f64, f64) {
        self.infos.iter().filter(|i| i.decays()).fold((0.0, 0.0), |(a, b), info| {
            let (p1, p2) = loss::penalty(&self.params[info.range()], l1, l2);
            (a + p1, b + p2)
        })
    }

    /// Inference in evaluation mode over `x: [n, n_in]`, in chunks, writing
    /// `out: [n, n_out]`. Uses `scratch` (grown as needed) and leaves the
    /// training caches untouched. This is what the heatmaps and the grid use.
    pub fn predict_into(&self, x: &[F], out: &mut [F], scratch: &mut PredictScratch<F>) {
        const CHUNK: usize = 256;
        let widest = self.layers.iter().map(|l| l.n_out()).max().unwrap_or(0).max(self.n_in);
        for buf in &mut scratch.ping_pong {
            buf.resize(CHUNK * widest, F::ZERO);
        }
        for (x_chunk, out_chunk) in x.chunks(CHUNK * self.n_in).zip(out.chunks_mut(CHUNK * self.n_out)) {
            let rows = x_chunk.len() / self.n_in;
            let [a, b] = &mut scratch.ping_pong;
            a[..x_chunk.len()].copy_from_slice(x_chunk);
            let (mut cur, mut next) = (a, b);
            let mut width = self.n_in;
            for layer in &self.layers {
                let n_out = layer.n_out();
                layer.forward_eval(&self.params, &cur[..rows * width], &mut next[..rows * n_out]);
                std::mem::swap(&mut cur, &mut next);
                width = n_out;
            }
            out_chunk.copy_from_slice(&cur[..rows * self.n_out]);
        }
    }
}

impl<F: Real> Model<F> {
    /// Indices of the layers whose outputs are the "neurons" of the network
    /// diagram: the last layer of every hidden block, then the model output.
    pub fn block_ends(&self) -> Vec<usize> {
        let dense: Vec<usize> =
            self.layers.iter().enumerate().filter(|(_, l)| matches!(l, Layer::Dense(_))).map(|(i, _)| i).collect();
        let mut ends: Vec<usize> = dense.iter().skip(1).map(|&d| d - 1).collect();
        ends.push(self.layers.len() - 1);
        ends
    }

    /// Like [`Model::predict_into`], but keeps the outputs of the layers in
    /// `keep` (ascending layer indices): `outs[i]: [n, width of keep[i]]`.
    pub fn predict_layers_into(&self, x: &[F], keep: &[usize], outs: &mut [Vec<F>], scratch: &mut PredictScratch<F>) {
        const CHUNK: usize = 256;
        let n = x.len() / self.n_in;
        for (&k, out) in keep.iter().zip(outs.iter_mut()) {
            out.resize(n * self.layers[k].n_out(), F::ZERO);
        }
        let widest = self.layers.iter().map(|l| l.n_out()).max().unwrap_or(0).max(self.n_in);
        for buf in &mut scratch.ping_pong {
            buf.resize(CHUNK * widest, F::ZERO);
        }
        for (c, x_chunk) in x.chunks(CHUNK * self.n_in).enumerate() {
            let rows = x_chunk.len() / self.n_in;
            let [a, b] = &mut scratch.ping_pong;
            a[..x_chunk.len()].copy_from_slice(x_chunk);
            let (mut cur, mut next) = (a, b);
            let mut width = self.n_in;
            for (i, layer) in self.layers.iter().enumerate() {
                let n_out = layer.n_out();
                layer.forward_eval(&self.params, &cur[..rows * width], &mut next[..rows * n_out]);
                std::mem::swap(&mut cur, &mut next);
                width = n_out;
                if let Some(slot) = keep.iter().position(|&k| k == i) {
                    let start = c * CHUNK * width;
                    outs[slot][start..start + rows * width].copy_from_slice(&cur[..rows * width]);
                }
            }
        }
    }

    /// Every dense layer's `(n_in, n_out, W: [n_in, n_out])`, input to output.
    pub fn dense_weights(&self) -> Vec<(usize, usize, &[F])> {
        self.layers
            .iter()
            .filter_map(|l| match l {
                Layer::Dense(d) => Some((d.n_in, d.n_out, &self.params[d.w..d.w + d.n_in * d.n_out])),
                _ => None,
            })
            .collect()
    }
}

/// Reusable buffers for [`Model::predict_into`].
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct PredictScratch<F> {
    ping_pong: [Vec<F>; 2],
}
