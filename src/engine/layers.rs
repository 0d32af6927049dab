//! The layer kinds a model is built from, each with its forward and backward
//! pass on flat row-major buffers `[batch, width]`.
//!
//! Trainable parameters live in the model's flat parameter vector; a layer
//! holds only offsets into it ([`Dense`], [`BatchNorm`]) and its own
//! non-trainable state (BN running statistics, the dropout mask).

use crate::kernels;
use crate::named::Named;
use crate::rng::Rng;
use crate::scalar::Real;

/// Activation functions.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Act {
    /// max(0, x)
    Relu,
    /// x if x > 0 else slope·x
    LeakyRelu,
    /// tanh x
    Tanh,
    /// 1 / (1 + e^-x)
    Sigmoid,
    /// x
    Linear,
    /// x if x > 0 else e^x − 1
    Elu,
    /// x·Φ(x) (exact, erf-based)
    Gelu,
}

impl Named for Act {
    const VARIANTS: &'static [Self] =
        &[Act::Relu, Act::LeakyRelu, Act::Tanh, Act::Sigmoid, Act::Linear, Act::Elu, Act::Gelu];

    fn name(self) -> &'static str {
        match self {
            Act::Relu => "relu",
            Act::LeakyRelu => "lrelu",
            Act::Tanh => "tanh",
            Act::Sigmoid => "sigmoid",
            Act::Linear => "linear",
            Act::Elu => "elu",
            Act::Gelu => "gelu",
        }
    }
}

/// How a forward pass treats BN and dropout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pass {
    /// BatchNorm uses (and updates) batch statistics; otherwise running ones.
    pub bn_train: bool,
    /// Dropout masks are drawn and applied; otherwise dropout is the identity.
    pub dropout: bool,
    /// BN running statistics are updated (off for gradient checks and probes).
    pub update_running: bool,
}

impl Pass {
    /// A training step: batch statistics, dropout on, running stats updated.
    pub const TRAIN: Pass = Pass { bn_train: true, dropout: true, update_running: true };
    /// Evaluation: running statistics, no dropout.
    pub const EVAL: Pass = Pass { bn_train: false, dropout: false, update_running: false };
    /// Gradient checking: BN in training mode, dropout off, nothing updated.
    pub const CHECK: Pass = Pass { bn_train: true, dropout: false, update_running: false };
}

/// A dense (fully connected) layer: `y = x · W + b`, `W: [n_in, n_out]`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Dense {
    /// Input width (fan_in).
    pub n_in: usize,
    /// Output width (fan_out).
    pub n_out: usize,
    /// Offset of `W` in the flat parameter vector.
    pub w: usize,
    /// Offset of `b` in the flat parameter vector.
    pub b: usize,
}

/// An element-wise activation.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Activation {
    /// Which function.
    pub act: Act,
    /// Slope of leaky ReLU for x < 0.
    pub slope: f64,
    /// Width.
    pub n: usize,
}

/// Batch normalization over the batch dimension, per feature.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BatchNorm<F> {
    /// Width.
    pub n: usize,
    /// Offset of γ (scale) in the flat parameter vector.
    pub gamma: usize,
    /// Offset of β (shift) in the flat parameter vector.
    pub beta: usize,
    /// Running mean, used in evaluation.
    pub running_mean: Vec<F>,
    /// Running (unbiased) variance, used in evaluation.
    pub running_var: Vec<F>,
    /// running = momentum · running + (1 − momentum) · batch.
    pub momentum: f64,
    /// ε added to the variance.
    pub eps: f64,
    /// Cache of the last training forward: normalized inputs `x̂: [batch, n]`.
    x_hat: Vec<F>,
    /// Cache: 1 / sqrt(σ² + ε) per feature.
    inv_std: Vec<F>,
    /// Whether the last forward used batch statistics.
    used_batch_stats: bool,
}

/// Inverted dropout: keeps each unit with probability 1 − p, scaled by 1/(1 − p).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Dropout<F> {
    /// Drop probability p in [0, 1).
    pub p: f64,
    /// Width.
    pub n: usize,
    /// Mask of the last forward: 0 or 1/(1 − p) per element, or empty if off.
    mask: Vec<F>,
}

/// One layer of a model.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Layer<F> {
    /// Dense.
    Dense(Dense),
    /// Activation.
    Activation(Activation),
    /// BatchNorm.
    BatchNorm(BatchNorm<F>),
    /// Dropout.
    Dropout(Dropout<F>),
}

impl<F: Real> Layer<F> {
    /// Output width of this layer.
    pub fn n_out(&self) -> usize {
        match self {
            Layer::Dense(d) => d.n_out,
            Layer::Activation(a) => a.n,
            Layer::BatchNorm(bn) => bn.n,
            Layer::Dropout(d) => d.n,
        }
    }

    /// A short human name, e.g. `Dense 2→4`, `tanh`, `BatchNorm`, `Dropout 0.2`.
    pub fn name(&self) -> String {
        match self {
            Layer::Dense(d) => format!("Dense {}→{}", d.n_in, d.n_out),
            Layer::Activation(a) => a.act.name().to_string(),
            Layer::BatchNorm(_) => "BatchNorm".to_string(),
            Layer::Dropout(d) => format!("Dropout {}", d.p),
        }
    }

    /// Forward pass `x: [batch, n_in] -> y: [batch, n_out]`.
    pub fn forward(&mut self, params: &[F], x: &[F], y: &mut [F], batch: usize, pass: Pass, rng: &mut Rng) {
        match self {
            Layer::BatchNorm(bn) => bn.forward(params, x, y, batch, pass),
            Layer::Dropout(d) => d.forward(x, y, pass, rng),
            // Dense and activations hold no per-pass state.
            _ => self.forward_eval(params, x, y),
        }
    }

    /// Evaluation-mode forward (running BN statistics, no dropout) that
    /// leaves every cache untouched; used for inference over many points.
    pub fn forward_eval(&self, params: &[F], x: &[F], y: &mut [F]) {
        match self {
            Layer::Dense(d) => {
                let w = &params[d.w..d.w + d.n_in * d.n_out];
                let b = &params[d.b..d.b + d.n_out];
                kernels::dense_forward(x, w, b, d.n_in, d.n_out, y);
            }
            Layer::Activation(a) => activate(a.act, F::of(a.slope), x, y),
            Layer::BatchNorm(bn) => bn.forward_eval(params, x, y),
            Layer::Dropout(_) => y.copy_from_slice(x),
        }
    }

    /// Backward pass: given `dy`, the layer's input `x` and output `y`, writes
    /// `dx` (if asked) and this layer's parameter gradients into `grads`;
    /// `scratch` is a reusable buffer (a dense layer's transposed weights).
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        params: &[F],
        grads: &mut [F],
        x: &[F],
        y: &[F],
        dy: &[F],
        dx: Option<&mut [F]>,
        batch: usize,
        scratch: &mut Vec<F>,
    ) {
        match self {
            Layer::Dense(d) => {
                let (gw, gb) = grad_pair(grads, d.w, d.n_in * d.n_out, d.b, d.n_out);
                kernels::dense_backward_params(x, dy, d.n_in, d.n_out, gw, gb);
                if let Some(dx) = dx {
                    let w = &params[d.w..d.w + d.n_in * d.n_out];
                    kernels::dense_backward_input(dy, w, d.n_in, d.n_out, dx, scratch);
                }
            }
            Layer::Activation(a) => {
                if let Some(dx) = dx {
                    activation_backward(a.act, F::of(a.slope), x, y, dy, dx);
                }
            }
            Layer::BatchNorm(bn) => bn.backward(params, grads, x, dy, dx, batch),
            Layer::Dropout(d) => {
                if let Some(dx) = dx {
                    if d.mask.is_empty() {
                        dx.copy_from_slice(dy);
                    } else {
                        for ((g, &d_), &m) in dx.iter_mut().zip(dy).zip(&d.mask) {
                            *g = d_ * m;
                        }
                    }
                }
            }
        }
    }
}

/// Two disjoint mutable parameter-gradient slices (W then b, or γ then β).
fn grad_pair<F>(grads: &mut [F], a: usize, a_len: usize, b: usize, b_len: usize) -> (&mut [F], &mut [F]) {
    debug_assert!(a + a_len <= b);
    let (lo, hi) = grads.split_at_mut(b);
    (&mut lo[a..a + a_len], &mut hi[..b_len])
}

/// f(x) for one value.
#[inline]
pub fn act_value<F: Real>(act: Act, slope: F, x: F) -> F {
    match act {
        Act::Relu => x.max(F::ZERO),
        Act::LeakyRelu => {
            if x > F::ZERO {
                x
            } else {
                slope * x
            }
        }
        Act::Tanh => x.tanh(),
        Act::Sigmoid => x.sigmoid(),
        Act::Linear => x,
        Act::Elu => {
            if x > F::ZERO {
                x
            } else {
                x.exp() - F::ONE
            }
        }
        Act::Gelu => F::of(0.5) * x * (F::ONE + (x * F::of(std::f64::consts::FRAC_1_SQRT_2)).erf()),
    }
}

/// f'(x), given x and y = f(x).
#[inline]
pub fn act_derivative<F: Real>(act: Act, slope: F, x: F, y: F) -> F {
    match act {
        Act::Relu => {
            if x > F::ZERO {
                F::ONE
            } else {
                F::ZERO
            }
        }
        Act::LeakyRelu => {
            if x > F::ZERO {
                F::ONE
            } else {
                slope
            }
        }
        Act::Tanh => F::ONE - y * y,
        Act::Sigmoid => y * (F::ONE - y),
        Act::Linear => F::ONE,
        Act::Elu => {
            if x > F::ZERO {
                F::ONE
            } else {
                y + F::ONE
            }
        }
        Act::Gelu => {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x)
            let cdf = F::of(0.5) * (F::ONE + (x * F::of(std::f64::consts::FRAC_1_SQRT_2)).erf());
            let pdf = (F::of(-0.5) * x * x).exp() * F::of(0.398_942_280_401_432_7);
            cdf + x * pdf
        }
    }
}

fn activate<F: Real>(act: Act, slope: F, x: &[F], y: &mut [F]) {
    match act {
        // The hot paths get branch-free loops the compiler vectorizes.
        Act::Relu => {
            for (o, &i) in y.iter_mut().zip(x) {
                *o = if i > F::ZERO { i } else { F::ZERO };
            }
        }
        Act::Linear => y.copy_from_slice(x),
        Act::Tanh => kernels::tanh::tanh_slice(x, y),
        _ => {
            for (o, &i) in y.iter_mut().zip(x) {
                *o = act_value(act, slope, i);
            }
        }
    }
}

fn activation_backward<F: Real>(act: Act, slope: F, x: &[F], y: &[F], dy: &[F], dx: &mut [F]) {
    match act {
        Act::Relu => {
            for ((g, &d), &i) in dx.iter_mut().zip(dy).zip(x) {
                *g = if i > F::ZERO { d } else { F::ZERO };
            }
        }
        Act::Tanh => {
            for ((g, &d), &o) in dx.iter_mut().zip(dy).zip(y) {
                *g = d * (F::ONE - o * o);
            }
        }
        _ => {
            for (((g, &d), &i), &o) in dx.iter_mut().zip(dy).zip(x).zip(y) {
                *g = d * act_derivative(act, slope, i, o);
            }
        }
    }
}

impl<F: Real> BatchNorm<F> {
    /// A BN layer of width `n` with running mean 0 and running variance 1.
    pub fn new(n: usize, gamma: usize, beta: usize, momentum: f64, eps: f64) -> Self {
        Self {
            n,
            gamma,
            beta,
            running_mean: vec![F::ZERO; n],
            running_var: vec![F::ONE; n],
            momentum,
            eps,
            x_hat: Vec::new(),
            inv_std: vec![F::ZERO; n],
            used_batch_stats: false,
        }
    }

    /// Converts to another float type (running statistics included).
    pub fn cast<G: Real>(&self) -> BatchNorm<G> {
        let mut bn = BatchNorm::new(self.n, self.gamma, self.beta, self.momentum, self.eps);
        bn.running_mean = self.running_mean.iter().map(|v| G::of(v.f64())).collect();
        bn.running_var = self.running_var.iter().map(|v| G::of(v.f64())).collect();
        bn
    }

    fn forward(&mut self, params: &[F], x: &[F], y: &mut [F], batch: usize, pass: Pass) {
        let n = self.n;
        let gamma = &params[self.gamma..self.gamma + n];
        let beta = &params[self.beta..self.beta + n];
        let eps = F::of(self.eps);
        self.used_batch_stats = pass.bn_train;
        if !pass.bn_train {
            self.forward_eval(params, x, y);
            return;
        }
        self.x_hat.resize(batch * n, F::ZERO);
        let inv_b = F::ONE / F::of(batch as f64);
        let m = F::of(self.momentum);
        for j in 0..n {
            let mean = x.iter().skip(j).step_by(n).copied().sum::<F>() * inv_b;
            let var = x.iter().skip(j).step_by(n).map(|&v| (v - mean) * (v - mean)).sum::<F>() * inv_b;
            let inv_std = F::ONE / (var + eps).sqrt();
            self.inv_std[j] = inv_std;
            if pass.update_running {
                let unbiased = if batch > 1 { var * F::of(batch as f64 / (batch as f64 - 1.0)) } else { var };
                self.running_mean[j] = m * self.running_mean[j] + (F::ONE - m) * mean;
                self.running_var[j] = m * self.running_var[j] + (F::ONE - m) * unbiased;
            }
            for r in 0..batch {
                let xh = (x[r * n + j] - mean) * inv_std;
                self.x_hat[r * n + j] = xh;
                y[r * n + j] = gamma[j] * xh + beta[j];
            }
        }
    }

    /// y = γ·(x − running_mean)/sqrt(running_var + ε) + β.
    fn forward_eval(&self, params: &[F], x: &[F], y: &mut [F]) {
        let n = self.n;
        let gamma = &params[self.gamma..self.gamma + n];
        let beta = &params[self.beta..self.beta + n];
        let eps = F::of(self.eps);
        for (x_row, y_row) in x.chunks_exact(n).zip(y.chunks_exact_mut(n)) {
            for j in 0..n {
                let inv = F::ONE / (self.running_var[j] + eps).sqrt();
                y_row[j] = gamma[j] * (x_row[j] - self.running_mean[j]) * inv + beta[j];
            }
        }
    }

    /// Training mode: dγ = Σ dy·x̂, dβ = Σ dy,
    /// dx = γ·inv_std/b · (b·dy − Σdy − x̂·Σ(dy·x̂)).
    /// Evaluation mode is an affine map per feature: dx = γ·inv_std·dy.
    fn backward(&self, params: &[F], grads: &mut [F], x: &[F], dy: &[F], mut dx: Option<&mut [F]>, batch: usize) {
        let n = self.n;
        let (g_gamma, g_beta) = grad_pair(grads, self.gamma, n, self.beta, n);
        let gamma = &params[self.gamma..self.gamma + n];
        let b = F::of(batch as f64);
        let eps = F::of(self.eps);
        for j in 0..n {
            let (mean, inv_std) = if self.used_batch_stats {
                (F::ZERO, self.inv_std[j])
            } else {
                (self.running_mean[j], F::ONE / (self.running_var[j] + eps).sqrt())
            };
            let x_hat = |r: usize| {
                if self.used_batch_stats {
                    self.x_hat[r * n + j]
                } else {
                    (x[r * n + j] - mean) * inv_std
                }
            };
            let (mut s_dy, mut s_dyx) = (F::ZERO, F::ZERO);
            for r in 0..batch {
                let d = dy[r * n + j];
                s_dy += d;
                s_dyx += d * x_hat(r);
            }
            g_beta[j] = s_dy;
            g_gamma[j] = s_dyx;
            if let Some(dx) = dx.as_deref_mut() {
                if self.used_batch_stats {
                    let k = gamma[j] * inv_std / b;
                    for r in 0..batch {
                        let i = r * n + j;
                        dx[i] = k * (b * dy[i] - s_dy - self.x_hat[i] * s_dyx);
                    }
                } else {
                    for r in 0..batch {
                        dx[r * n + j] = gamma[j] * inv_std * dy[r * n + j];
                    }
                }
            }
        }
    }
}

impl<F: Real> Dropout<F> {
    /// A dropout layer of width `n` with drop probability `p`.
    pub fn new(n: usize, p: f64) -> Self {
        Self { p, n, mask: Vec::new() }
    }

    fn forward(&mut self, x: &[F], y: &mut [F], pass: Pass, rng: &mut Rng) {
        if !pass.dropout || self.p <= 0.0 {
            self.mask.clear();
            y.copy_from_slice(x);
            return;
        }
        let keep = 1.0 - self.p;
        let scale = F::of(1.0 / keep);
        self.mask.resize(x.len(), F::ZERO);
        for ((o, &i), m) in y.iter_mut().zip(x).zip(self.mask.iter_mut()) {
            *m = if (rng.next_f32() as f64) < keep { scale } else { F::ZERO };
            *o = i * *m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Stream, Uniform01};

    fn bn_layer(n: usize) -> (BatchNorm<f64>, Vec<f64>) {
        // params: gamma = [2, 0.5], beta = [1, -1]
        (BatchNorm::new(n, 0, n, 0.9, 1e-5), vec![2.0, 0.5, 1.0, -1.0])
    }

    #[test]
    fn batch_norm_train_normalizes_and_updates_running_stats() {
        let (mut bn, params) = bn_layer(2);
        // Column 0: [1, 3] (mean 2, var 1); column 1: [10, 10] (var 0).
        let x = [1.0, 10.0, 3.0, 10.0];
        let mut y = [0.0; 4];
        bn.forward(&params, &x, &mut y, 2, Pass::TRAIN);
        let s = 1.0 / (1.0f64 + 1e-5).sqrt();
        assert!((y[0] - (1.0 - 2.0 * s)).abs() < 1e-12);
        assert!((y[2] - (1.0 + 2.0 * s)).abs() < 1e-12);
        assert!((y[1] + 1.0).abs() < 1e-12 && (y[3] + 1.0).abs() < 1e-12);
        // running_mean = 0.9·0 + 0.1·mean; running_var = 0.9·1 + 0.1·unbiased var (2 for col 0).
        assert!((bn.running_mean[0] - 0.2).abs() < 1e-12 && (bn.running_mean[1] - 1.0).abs() < 1e-12);
        assert!((bn.running_var[0] - 1.1).abs() < 1e-12 && (bn.running_var[1] - 0.9).abs() < 1e-12);
    }

    #[test]
    fn batch_norm_eval_uses_running_stats_and_differs_from_train() {
        let (mut bn, params) = bn_layer(2);
        bn.running_mean = vec![1.0, 2.0];
        bn.running_var = vec![4.0, 0.25];
        let x = [3.0, 2.5, 5.0, 1.0];
        let mut eval = [0.0; 4];
        bn.forward(&params, &x, &mut eval, 2, Pass::EVAL);
        let want0 = 2.0 * (3.0 - 1.0) / (4.0f64 + 1e-5).sqrt() + 1.0;
        let want1 = 0.5 * (2.5 - 2.0) / (0.25f64 + 1e-5).sqrt() - 1.0;
        assert!((eval[0] - want0).abs() < 1e-12 && (eval[1] - want1).abs() < 1e-12);
        assert_eq!(bn.running_mean, vec![1.0, 2.0], "evaluation leaves running stats alone");
        let mut train = [0.0; 4];
        bn.forward(&params, &x, &mut train, 2, Pass::TRAIN);
        assert!((train[0] - eval[0]).abs() > 0.1);
    }

    #[test]
    fn dropout_keeps_the_expected_share_with_inverted_scaling() {
        let mut d = Dropout::<f32>::new(1000, 0.3);
        let mut rng = Rng::new(5, Stream::Dropout);
        let x = vec![1.0f32; 100_000];
        let mut y = vec![0.0f32; 100_000];
        d.mask.clear();
        d.n = 1000;
        d.forward(&x, &mut y, Pass::TRAIN, &mut rng);
        let kept = y.iter().filter(|&&v| v != 0.0).count() as f64 / y.len() as f64;
        assert!((kept - 0.7).abs() < 0.01, "kept {kept}");
        assert!(y.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.7).abs() < 1e-6));
        let mean = y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64;
        assert!((mean - 1.0).abs() < 0.02, "inverted dropout keeps the mean: {mean}");
        d.forward(&x, &mut y, Pass::EVAL, &mut rng);
        assert_eq!(x, y, "identity in evaluation");
    }

    #[test]
    fn activation_derivatives_match_central_differences() {
        let mut rng = Rng::new(1, Stream::Probe);
        let acts = [Act::Relu, Act::LeakyRelu, Act::Tanh, Act::Sigmoid, Act::Linear, Act::Elu, Act::Gelu];
        for act in acts {
            for _ in 0..200 {
                let x = rng.uniform(-4.0, 4.0);
                if x.abs() < 1e-3 {
                    continue;
                }
                let h = 1e-6;
                let num = (act_value(act, 0.1, x + h) - act_value(act, 0.1, x - h)) / (2.0 * h);
                let ana = act_derivative(act, 0.1, x, act_value(act, 0.1, x));
                assert!((num - ana).abs() < 1e-7 * ana.abs().max(1.0), "{act:?} at {x}: {num} vs {ana}");
            }
        }
    }
}
