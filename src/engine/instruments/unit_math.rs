//! "Show the math" (issue 11, item 5): the numbers behind one neuron or one
//! edge of the network diagram, for one example a learner can find.
//!
//! **The example** is a training point, the first one by default
//! ([`EXAMPLE`]): the page names it with its raw coordinates and class (or
//! its image's digit, or its regression target), so a learner can find it
//! on the output heatmap. Its forward and backward pass run in
//! **evaluation mode**, as the heatmaps are drawn: BatchNorm normalizes
//! with its running mean and variance (an affine map per unit: the formula
//! says so, with the numbers) and dropout is the identity. Training's own
//! step used batch statistics and dropout masks, so its numbers for this
//! point would differ; these are the numbers of the model as it stands.
//!
//! **A unit** (column `col` ≥ 1 of the diagram, unit `unit`): its incoming
//! activations `a_i` (the previous column's outputs for this example, or the
//! model's inputs after features and standardization), its weights `w_i`
//! and bias, the pre-activation `z = Σ w_i·a_i + b` (summed in the kernel's
//! order, so it is the model's own `z` bit for bit), what the block does
//! after the dense layer ([`Stage`]: BatchNorm, the activation, dropout)
//! up to the node's output `a`, the probability a logit output stands for,
//! the example's data loss `L` and `∂L/∂z` (the model's backward pass in
//! evaluation mode, through the trainer's loss).
//!
//! **An edge** (from unit `from` of column `col − 1` to unit `to` of
//! column `col`): the weight, and from the last step
//! ([`crate::engine::trainer::LastUpdate`]) the gradient the optimizer was
//! given (data loss and penalties, after clipping), the change it made
//! (`Δw = w after − w before`) and the optimizer's rule with the numbers
//! of its state ([`RuleMath`]: what the rule gives, to compare with what
//! happened); and for the example, `∂L/∂w = a_from · ∂L/∂z_to`.
//!
//! Cost: one forward pass of one row and a backward pass of one row down
//! to the unit's layer, at most two multiply-adds per weight (each weight
//! read once or twice): about 2 ms natively on the 16 × 256 digits network
//! (a million weights); nothing of the trainer is changed.

use crate::engine::config::{Act, LossKind};
use crate::engine::kernels;
use crate::engine::layers::{act_derivative, Layer};
use crate::engine::math;
use crate::engine::model::Model;
use crate::engine::optim::OptimizerKind;
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// The example the page shows: the first training point.
pub const EXAMPLE: usize = 0;

/// Which example, in words a learner can check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Example {
    /// Row of the training set (0-based).
    pub index: usize,
    /// Raw `(x1, x2)` of a planar point (before features and scaling).
    pub point: Option<[f64; 2]>,
    /// Its class (classification).
    pub class: Option<usize>,
    /// Its target (regression).
    pub target: Option<f64>,
    /// Whether it is an image (digits).
    pub image: bool,
}

/// What a block does to `z` after its dense layer, in evaluation mode.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Stage {
    /// `output = γ·(input − μ)/√(σ² + ε) + β` with the running mean μ and
    /// variance σ².
    BatchNorm {
        /// The value normalized.
        input: f32,
        /// Running mean μ.
        mean: f32,
        /// Running variance σ².
        var: f32,
        /// ε.
        eps: f64,
        /// Scale γ.
        gamma: f32,
        /// Shift β.
        beta: f32,
        /// The result.
        output: f32,
    },
    /// `output = f(input)`.
    Activation {
        /// f.
        act: Act,
        /// Leaky ReLU's slope.
        slope: f64,
        /// The argument.
        input: f32,
        /// The result.
        output: f32,
    },
    /// Dropout with rate `p`: the identity in evaluation mode.
    Dropout {
        /// Drop rate.
        p: f64,
    },
}

/// What a logit output stands for: the probability of its class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probability {
    /// Softmax over the outputs (several), else σ(z) (one output, class 1).
    pub softmax: bool,
    /// The class the probability is of.
    pub class: usize,
    /// The probability.
    pub p: f64,
}

/// One unit's numbers for one example.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitMath {
    /// Diagram column (1 = hidden 1, the last = output) and unit (0-based).
    pub col: usize,
    /// Unit.
    pub unit: usize,
    /// The example.
    pub example: Example,
    /// Incoming activations `a_i` for the example.
    pub inputs: Vec<f32>,
    /// Incoming weights `w_i`.
    pub weights: Vec<f32>,
    /// Bias.
    pub bias: f32,
    /// `z = Σ w_i·a_i + b`.
    pub z: f32,
    /// From `z` to the node's output, in order.
    pub stages: Vec<Stage>,
    /// The node's output.
    pub a: f32,
    /// For a logit output: its class's probability.
    pub probability: Option<Probability>,
    /// The example's data loss.
    pub loss: f64,
    /// `∂L/∂z` of the example's loss.
    pub dz: f32,
    /// Incoming sources ordered by |w|, strongest first (NaN first of all).
    pub strongest: Vec<usize>,
    /// The last step's change of each incoming weight (empty before the first step).
    pub deltas: Vec<f32>,
    /// The last step's change of the bias.
    pub bias_delta: Option<f32>,
    /// Steps trained.
    pub step: u64,
}

/// An optimizer's update rule with the numbers of its state for one weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Form {
    /// `Δw = −lr·g`.
    Sgd {
        /// Gradient.
        g: f64,
    },
    /// `v = μ·v′ + g; Δw = −lr·v`.
    Momentum {
        /// μ.
        mu: f64,
        /// Velocity after the step.
        v: f64,
    },
    /// `v = μ·v′ + g; Δw = −lr·(g + μ·v)`.
    Nesterov {
        /// μ.
        mu: f64,
        /// Gradient.
        g: f64,
        /// Velocity after the step.
        v: f64,
    },
    /// `s = ρ·s′ + (1 − ρ)·g²; Δw = −lr·g/(√s + ε)`.
    RmsProp {
        /// Gradient.
        g: f64,
        /// Squared-gradient average after the step.
        s: f64,
        /// ε.
        eps: f64,
    },
    /// `Δw = −lr·m̂/(√v̂ + ε)` (AdamW: after the decay).
    Adam {
        /// Bias-corrected first moment.
        m_hat: f64,
        /// Bias-corrected second moment.
        v_hat: f64,
        /// ε.
        eps: f64,
    },
    /// `Δw = −lr·sign(c)`, `c = β1·m′ + (1 − β1)·g` (after the decay).
    Lion {
        /// The interpolated momentum.
        c: f64,
    },
}

/// What the optimizer's rule gives for one weight at the last step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleMath {
    /// The rule's link name (`sgd`, `adam`, …).
    pub name: &'static str,
    /// The rule with its numbers.
    pub form: Form,
    /// Decoupled weight decay λ (AdamW, Lion): `−lr·λ·w` is part of Δw.
    pub decay: Option<f64>,
    /// The weight before the step.
    pub w_before: f64,
    /// The rule's Δw, in f64.
    pub predicted: f64,
}

/// The last step's numbers for one weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeUpdate {
    /// The step (1 for the first).
    pub step: u64,
    /// Gradient the optimizer was given (penalties in, after clipping).
    pub grad: f32,
    /// `w after − w before`.
    pub delta: f32,
    /// Learning rate of the step.
    pub lr: f64,
    /// Whether clipping changed the step's gradient.
    pub clipped: bool,
    /// The rule, when the optimizer's state is still that step's.
    pub rule: Option<RuleMath>,
}

/// One edge's numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeMath {
    /// Column of the edge's target (its source is in `col − 1`).
    pub col: usize,
    /// Source unit.
    pub from: usize,
    /// Target unit.
    pub to: usize,
    /// The weight.
    pub w: f32,
    /// The example: the source's activation.
    pub a_from: f32,
    /// The example: `∂L/∂z` of the target.
    pub dz_to: f32,
    /// The example's `∂L/∂w = a_from · ∂L/∂z_to`.
    pub example_grad: f32,
    /// The example.
    pub example: Example,
    /// The last step, if there was one.
    pub last: Option<EdgeUpdate>,
}

/// The dense layer of column `col` (1-based over dense layers) and the
/// last layer of its block.
fn column_layers(model: &Model<f32>, col: usize) -> Option<(usize, usize)> {
    let dense: Vec<usize> =
        model.layers.iter().enumerate().filter(|(_, l)| matches!(l, Layer::Dense(_))).map(|(i, _)| i).collect();
    let d = *dense.get(col.checked_sub(1)?)?;
    let end = dense.get(col).map_or(model.layers.len() - 1, |&next| next - 1);
    Some((d, end))
}

/// The example's description.
fn example_of(trainer: &Trainer, index: usize) -> Example {
    let raw = &trainer.raw_train;
    let point = (raw.planar && raw.x.ncols() >= 2 && index < raw.len()).then(|| [raw.x[[index, 0]], raw.x[[index, 1]]]);
    let class = trainer.train.labels.as_ref().and_then(|l| l.get(index).copied());
    let target = if class.is_none() { Some(f64::from(trainer.train.targets[[index, 0]])) } else { None };
    Example { index, point, class, target, image: !raw.planar }
}

/// Every layer's output for one input row, in evaluation mode.
fn forward_row(model: &Model<f32>, x: &[f32]) -> Vec<Vec<f32>> {
    let mut outs: Vec<Vec<f32>> = Vec::with_capacity(model.layers.len());
    for (i, layer) in model.layers.iter().enumerate() {
        let mut y = vec![0.0f32; layer.n_out()];
        let input = if i == 0 { x } else { &outs[i - 1] };
        layer.forward_eval(&model.params, input, &mut y);
        outs.push(y);
    }
    outs
}

/// `∂L/∂(output of layer stop)` for one row, from `d_out`, in evaluation
/// mode (the operations of `Layer::backward` with BatchNorm's running
/// statistics), layers `stop + 1 ..` in reverse.
fn backward_row(model: &Model<f32>, x: &[f32], outs: &[Vec<f32>], d_out: &[f32], stop: usize) -> Vec<f32> {
    let mut dy = d_out.to_vec();
    for i in (stop + 1..model.layers.len()).rev() {
        let input = if i == 0 { x } else { &outs[i - 1] };
        let mut dx = vec![0.0f32; input.len()];
        match &model.layers[i] {
            Layer::Dense(d) => {
                let w = &model.params[d.w..d.w + d.n_in * d.n_out];
                kernels::dense_backward_input(&dy, w, d.n_in, d.n_out, &mut dx, &mut Vec::new());
            }
            Layer::Activation(a) => {
                // As `layers::activation_backward` writes each case.
                for (((g, &dv), &xv), &yv) in dx.iter_mut().zip(&dy).zip(input).zip(&outs[i]) {
                    *g = match a.act {
                        Act::Relu => {
                            if xv > 0.0 {
                                dv
                            } else {
                                0.0
                            }
                        }
                        Act::Tanh => dv * (1.0 - yv * yv),
                        act => dv * act_derivative(act, a.slope as f32, xv, yv),
                    };
                }
            }
            Layer::BatchNorm(bn) => {
                for j in 0..bn.n {
                    let inv = 1.0 / (bn.running_var[j] + bn.eps as f32).sqrt();
                    dx[j] = model.params[bn.gamma + j] * inv * dy[j];
                }
            }
            Layer::Dropout(_) => dx.copy_from_slice(&dy),
        }
        dy = dx;
    }
    dy
}

/// The stage of layer `layer` for unit `j`, from its input and output.
fn stage(model: &Model<f32>, layer: usize, j: usize, input: f32, output: f32) -> Stage {
    match &model.layers[layer] {
        Layer::BatchNorm(bn) => Stage::BatchNorm {
            input,
            mean: bn.running_mean[j],
            var: bn.running_var[j],
            eps: bn.eps,
            gamma: model.params[bn.gamma + j],
            beta: model.params[bn.beta + j],
            output,
        },
        Layer::Activation(a) => Stage::Activation { act: a.act, slope: a.slope, input, output },
        Layer::Dropout(d) => Stage::Dropout { p: d.p },
        Layer::Dense(_) => unreachable!("a block has one dense layer"),
    }
}

/// Sources ordered by |w|, strongest first (NaN counts as the strongest).
pub fn strongest_first(weights: &[f32]) -> Vec<usize> {
    let strength = |i: &usize| if weights[*i].is_nan() { f32::INFINITY } else { weights[*i].abs() };
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| strength(b).total_cmp(&strength(a)).then(a.cmp(b)));
    order
}

/// The numbers of unit `unit` of column `col` for training example
/// `example`; `None` for a column or unit the model does not have (column
/// 0, the inputs, has no formula) or an example out of range.
pub fn unit(trainer: &Trainer, col: usize, unit: usize, example: usize) -> Option<UnitMath> {
    let model = &trainer.model;
    let (d, end) = column_layers(model, col)?;
    let Layer::Dense(dense) = &model.layers[d] else { return None };
    if unit >= dense.n_out || example >= trainer.train.len() {
        return None;
    }
    let x: Vec<f32> = trainer.train.x.row(example).to_vec();
    let t: Vec<f32> = trainer.train.targets.row(example).to_vec();
    let outs = forward_row(model, &x);
    let inputs = if d == 0 { x.clone() } else { outs[d - 1].clone() };
    let weights: Vec<f32> = (0..dense.n_in).map(|i| model.params[dense.w + i * dense.n_out + unit]).collect();
    let bias = model.params[dense.b + unit];
    let z = outs[d][unit];
    let stages = (d + 1..=end).map(|l| stage(model, l, unit, outs[l - 1][unit], outs[l][unit])).collect();
    let output = &outs[model.layers.len() - 1];
    let mut d_out = vec![0.0f32; output.len()];
    let loss = trainer.data_loss_of(output, &t, Some(&mut d_out));
    let dz = backward_row(model, &x, &outs, &d_out, d)[unit];
    let last = &trainer.last_update;
    let (deltas, bias_delta) = if last.is_empty() {
        (Vec::new(), None)
    } else {
        let deltas = (0..dense.n_in).map(|i| last.delta[dense.w + i * dense.n_out + unit]).collect();
        (deltas, Some(last.delta[dense.b + unit]))
    };
    let output_col = end == model.layers.len() - 1;
    let probability = (output_col && trainer.cfg.loss != LossKind::Mse).then(|| probability(output, unit));
    Some(UnitMath {
        col,
        unit,
        example: example_of(trainer, example),
        strongest: strongest_first(&weights),
        inputs,
        weights,
        bias,
        z,
        stages,
        a: outs[end][unit],
        probability,
        loss,
        dz,
        deltas,
        bias_delta,
        step: trainer.step_count(),
    })
}

/// The probability a logit output `unit` stands for.
fn probability(logits: &[f32], unit: usize) -> Probability {
    if logits.len() == 1 {
        let z = f64::from(logits[0]);
        return Probability { softmax: false, class: 1, p: 1.0 / (1.0 + math::exp(-z)) };
    }
    let top = logits.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(f64::from(v)));
    let sum: f64 = logits.iter().map(|&v| math::exp(f64::from(v) - top)).sum();
    Probability { softmax: true, class: unit, p: math::exp(f64::from(logits[unit]) - top) / sum }
}

/// The numbers of the edge from unit `from` of column `col − 1` to unit
/// `to` of column `col`, with training example `example`.
pub fn edge(trainer: &Trainer, col: usize, from: usize, to: usize, example: usize) -> Option<EdgeMath> {
    let u = unit(trainer, col, to, example)?;
    let w = *u.weights.get(from)?;
    let a_from = u.inputs[from];
    let (d, _) = column_layers(&trainer.model, col)?;
    let Layer::Dense(dense) = &trainer.model.layers[d] else { return None };
    let index = dense.w + from * dense.n_out + to;
    let last = (!trainer.last_update.is_empty()).then(|| edge_update(trainer, index, w));
    Some(EdgeMath { col, from, to, w, a_from, dz_to: u.dz, example_grad: a_from * u.dz, example: u.example, last })
}

/// The last step's numbers for parameter `index` (now `w`).
fn edge_update(trainer: &Trainer, index: usize, w: f32) -> EdgeUpdate {
    let last = &trainer.last_update;
    let (grad, delta, lr) = (last.grads[index], last.delta[index], trainer.last.lr);
    let w_before = f64::from(w) - f64::from(delta);
    let opt = &trainer.optimizer;
    // The state is that step's only if no update (and no new optimizer) came since.
    let rule = last
        .optimizer
        .filter(|(kind, t)| kind.same_rule(&opt.kind) && *t == opt.t)
        .and_then(|(kind, t)| rule_math(kind, t, f64::from(grad), opt.m.get(index), opt.v.get(index), lr, w_before));
    EdgeUpdate { step: last.step, grad, delta, lr, clipped: trainer.last.clipped, rule }
}

/// The rule of `kind` after its `t`-th update, for a weight with gradient
/// `g`, state `m` and `v` after the update, at rate `lr`.
fn rule_math(
    kind: OptimizerKind,
    t: u64,
    g: f64,
    m: Option<&f32>,
    v: Option<&f32>,
    lr: f64,
    w_before: f64,
) -> Option<RuleMath> {
    let h = kind.h;
    let (m, v) = (m.map(|&x| f64::from(x)), v.map(|&x| f64::from(x)));
    let name = kind.rule.name;
    let decay = matches!(name, "adamw" | "lion").then_some(h.weight_decay);
    let (form, step) = match name {
        "sgd" => (Form::Sgd { g }, g),
        "momentum" => (Form::Momentum { mu: h.mu, v: m? }, m?),
        "nesterov" => (Form::Nesterov { mu: h.mu, g, v: m? }, g + h.mu * m?),
        "rmsprop" => (Form::RmsProp { g, s: m?, eps: h.eps }, g / (math::sqrt(m?) + h.eps)),
        "adam" | "adamw" => {
            let t = t as f64;
            let m_hat = m? / (1.0 - math::pow(h.beta1, t));
            let v_hat = v? / (1.0 - math::pow(h.beta2, t));
            (Form::Adam { m_hat, v_hat, eps: h.eps }, m_hat / (math::sqrt(v_hat) + h.eps))
        }
        "lion" => {
            // m after = β2·m′ + (1 − β2)·g, so m′ = (m − (1 − β2)·g)/β2.
            let before = (m? - (1.0 - h.beta2) * g) / h.beta2;
            let c = h.beta1 * before + (1.0 - h.beta1) * g;
            (
                Form::Lion { c },
                if c > 0.0 {
                    1.0
                } else if c < 0.0 {
                    -1.0
                } else {
                    0.0
                },
            )
        }
        _ => return None,
    };
    let predicted = -lr * decay.map_or(0.0, |l| l * w_before) - lr * step;
    Some(RuleMath { name, form, decay, w_before, predicted })
}

#[cfg(test)]
mod tests;
