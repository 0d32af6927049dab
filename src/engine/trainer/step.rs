//! One training step: forward, loss, backward, penalties, clipping and
//! the update on one mini-batch, whole ([`Trainer::step`]) or cut into
//! parts of one layer each ([`Trainer::step_part`]).
//!
//! On a large network one step takes tens of milliseconds, longer than a
//! browser frame may hold the page; the page therefore advances a step a
//! few layers per frame. The parts run exactly the operations of a whole
//! step in the same order, so the bits are the same however a step is cut
//! (tested, and `tests/fixtures` fingerprints go through this path).

use super::{gather, Grads, Trainer};
use crate::clip;
use crate::layers::Pass;
use crate::rng::Rng;
use std::fmt;

/// Which tensor first became non-finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TensorKind {
    /// A model parameter.
    Parameter,
    /// An optimizer state buffer.
    OptimizerState,
    /// A layer's output.
    Activation,
    /// The loss value.
    Loss,
    /// A parameter gradient.
    Gradient,
}

impl TensorKind {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            TensorKind::Parameter => "parameter",
            TensorKind::OptimizerState => "optimizer state",
            TensorKind::Activation => "activation",
            TensorKind::Loss => "loss",
            TensorKind::Gradient => "gradient",
        }
    }
}

/// Where training first produced NaN or infinity.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NonFinite {
    /// The step being computed (0-based: the first step is step 0).
    pub step: u64,
    /// Index of the layer, if the tensor belongs to one.
    pub layer: Option<usize>,
    /// The layer's name, e.g. `Dense 8→8`.
    pub layer_name: String,
    /// Which tensor.
    pub tensor: TensorKind,
    /// Which part of it, e.g. `W` or `b`.
    pub detail: String,
}

impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: non-finite {}", self.step, self.tensor.name())?;
        if !self.detail.is_empty() {
            write!(f, " {}", self.detail)?;
        }
        match self.layer {
            Some(l) => write!(f, " in layer {l} ({})", self.layer_name),
            None => Ok(()),
        }
    }
}

/// The result of one step.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum StepOutcome {
    /// The update was applied.
    Ok,
    /// Training stopped; nothing was applied.
    Diverged(NonFinite),
}

/// Figures of the last applied step, for the page and the instruments.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepStats {
    /// Mini-batch data loss.
    pub data_loss: f64,
    /// L1 penalty λ1 Σ|w|.
    pub l1_penalty: f64,
    /// L2 penalty ½ λ2 Σw².
    pub l2_penalty: f64,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
    /// Learning rate used.
    pub lr: f64,
    /// Whether clipping changed the gradient.
    pub clipped: bool,
}

/// What the last applied step did to every parameter, for the page's
/// "show the math" box (`gradlab::engine::instruments::unit_math`): the
/// gradient the optimizer was given (data loss and penalties, after
/// clipping) and the change it made, `params after − params before`.
///
/// Kept for every step (two copies of the parameter vector, small beside
/// the step's own work), so that any weight hovered after a pause has its
/// last update; a restored snapshot has none until its next step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastUpdate {
    /// The step's number as the page counts steps (1 for the first).
    pub step: u64,
    /// The optimizer (rule and hyperparameters) that made the update, and
    /// its count of updates after it (Adam's t).
    pub optimizer: Option<(crate::optim::OptimizerKind, u64)>,
    /// Gradient handed to the optimizer (layout of `Model::params`).
    pub grads: Vec<f32>,
    /// `params after − params before` (f32).
    pub delta: Vec<f32>,
}

impl LastUpdate {
    /// Whether a step has been recorded.
    pub fn is_empty(&self) -> bool {
        self.delta.is_empty()
    }
}

/// What the instruments see of one training step (instruments issue).
///
/// Filled only while [`Trainer::probe`] is `Some`; training never reads it,
/// so a probe cannot change a result, and with `None` it costs one branch
/// per step.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct StepProbe {
    /// Index (0-based) of the step captured last; `None` before the first.
    pub step: Option<u64>,
    /// Parameters before that step's update (layout of `Model::params`).
    pub params_before: Vec<f32>,
    /// Gradient of data loss + penalty as the step computed it, before clipping.
    pub grads: Vec<f32>,
    /// The step's mini-batch inputs `[b, n_in]`.
    pub batch_x: Vec<f32>,
    /// The step's encoded targets `[b, n_out]`.
    pub batch_t: Vec<f32>,
    /// The dropout generator as it was before the step's forward pass (replays its masks).
    pub dropout_rng: Option<Rng>,
}

impl StepProbe {
    fn capture_start(&mut self, step: u64, params: &[f32], x: &[f32], t: &[f32], dropout_rng: &Rng) {
        self.step = Some(step);
        copy_into(&mut self.params_before, params);
        copy_into(&mut self.batch_x, x);
        copy_into(&mut self.batch_t, t);
        self.dropout_rng = Some(dropout_rng.clone());
    }
}

/// Overwrites `dst` with `src`, reusing its buffer.
fn copy_into(dst: &mut Vec<f32>, src: &[f32]) {
    dst.clear();
    dst.extend_from_slice(src);
}

/// A step under way: the next part to run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PartialStep {
    phase: Phase,
    /// Where the mini-batch ends in the epoch's order.
    end: usize,
    /// The batch's data loss, once the forward pass is done.
    data_loss: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Forward through layer `i` next.
    Forward(usize),
    /// Backward through the layer before `i` next (`0`: the update).
    Backward(usize),
}

impl Trainer {
    /// Applies one mini-batch update.
    pub fn step(&mut self) -> StepOutcome {
        let mut partial = None;
        loop {
            if let Some(outcome) = self.step_part(&mut partial, &mut || true) {
                return outcome;
            }
        }
    }

    /// Advances the step in `partial` (starting one when it is `None`) one
    /// layer at a time while `more()` says so, at least one layer per call.
    /// Returns the outcome when the step is complete (`partial` is then
    /// `None`); `None` when it stopped part-way (`partial` says where).
    /// Nothing else may use the trainer while a step is part-way.
    pub fn step_part(
        &mut self,
        partial: &mut Option<PartialStep>,
        more: &mut dyn FnMut() -> bool,
    ) -> Option<StepOutcome> {
        let mut p = match partial.take() {
            Some(p) => p,
            None => match self.begin_step() {
                Ok(p) => p,
                Err(outcome) => return Some(outcome),
            },
        };
        let n = self.model.layers.len();
        loop {
            match p.phase {
                Phase::Forward(i) if i < n => {
                    self.model.forward_layer(i, self.pass(), &mut self.dropout_rng);
                    p.phase = Phase::Forward(i + 1);
                }
                Phase::Forward(_) => match self.loss_and_gradient() {
                    Ok(loss) => (p.data_loss, p.phase) = (loss, Phase::Backward(n)),
                    Err(d) => return Some(self.fail(d)),
                },
                Phase::Backward(i) if i > 0 => {
                    self.model.backward_layer(i - 1, false, None);
                    p.phase = Phase::Backward(i - 1);
                }
                Phase::Backward(_) => {
                    self.hooks.0.after_backward(&self.model.infos, Grads::F32(&mut self.model.grads));
                    return Some(self.end_step(&p));
                }
            }
            if !more() {
                *partial = Some(p);
                return None;
            }
        }
    }

    /// The mini-batch gathered, captured for the instruments, and fed in.
    fn begin_step(&mut self) -> Result<PartialStep, StepOutcome> {
        if let Some(d) = &self.diverged {
            return Err(StepOutcome::Diverged(d.clone()));
        }
        let bs = self.batch_size();
        if self.opts.drop_last && self.cursor + bs > self.order.len() {
            self.finish_epoch();
        }
        let end = (self.cursor + bs).min(self.order.len());
        gather(&self.train, &self.order[self.cursor..end], &mut self.batch_x, &mut self.batch_t);
        if let Some(probe) = self.probe.as_deref_mut() {
            probe.capture_start(self.step, &self.model.params, &self.batch_x, &self.batch_t, &self.dropout_rng);
        }
        self.model.forward_start(&self.batch_x);
        Ok(PartialStep { phase: Phase::Forward(0), end, data_loss: 0.0 })
    }

    /// The forward pass's mode (training's, unless a hook changes it).
    fn pass(&self) -> Pass {
        self.hooks.0.pass(Pass::TRAIN)
    }

    /// The data loss of the forward pass, and its gradient fed to the backward pass.
    fn loss_and_gradient(&mut self) -> Result<f64, NonFinite> {
        let model = &self.model;
        self.d_out.resize(self.batch_t.len(), 0.0);
        let loss =
            self.hooks.0.data_loss(self.cfg.loss, model.output(), &self.batch_t, model.n_out, Some(&mut self.d_out));
        if !loss.is_finite() {
            return Err(self.locate_forward());
        }
        self.model.backward_start(&self.d_out);
        Ok(loss)
    }

    /// Penalties, clipping, the update and the step's bookkeeping.
    fn end_step(&mut self, p: &PartialStep) -> StepOutcome {
        if let Err(d) = self.update(p.data_loss) {
            return self.fail(d);
        }
        self.step += 1;
        self.apply_planned_change();
        self.cursor = p.end;
        self.history.batch_loss.push(self.step, self.last.data_loss);
        if self.cursor >= self.order.len() {
            self.finish_epoch();
        }
        StepOutcome::Ok
    }

    fn fail(&mut self, d: NonFinite) -> StepOutcome {
        self.diverged = Some(d.clone());
        StepOutcome::Diverged(d)
    }

    pub(super) fn finish_epoch(&mut self) {
        self.epoch += 1;
        self.start_epoch();
    }

    /// Penalties, clipping and the update, after the backward pass.
    fn update(&mut self, data_loss: f64) -> Result<(), NonFinite> {
        let lr = self.lr();
        let model = &mut self.model;
        let (l1, l2) = (self.cfg.l1, self.cfg.l2);
        model.add_penalty_grads(l1, l2);
        self.hooks.0.after_penalties(&mut model.grads);
        let (l1_penalty, l2_penalty) = model.penalty(l1, l2);
        let grad_norm = clip::global_norm(&model.grads);
        if !grad_norm.is_finite() {
            return Err(self.locate_gradient());
        }
        if let Some(probe) = self.probe.as_deref_mut() {
            copy_into(&mut probe.grads, &self.model.grads);
        }
        let model = &mut self.model;
        let clipped = clip::clip(self.cfg.clip, &mut model.grads);
        self.clipped_steps += u64::from(clipped);
        let optimizer = &mut self.optimizer;
        let last = &mut self.last_update;
        copy_into(&mut last.grads, &model.grads);
        copy_into(&mut last.delta, &model.params);
        self.hooks.0.update(model, &mut |m| optimizer.step(&mut m.params, &m.grads, &m.infos, lr));
        for (d, &p) in last.delta.iter_mut().zip(&model.params) {
            *d = p - *d;
        }
        last.step = self.step + 1;
        last.optimizer = Some((optimizer.kind, optimizer.t));
        self.last = StepStats { data_loss, l1_penalty, l2_penalty, grad_norm, lr, clipped };
        Ok(())
    }

    fn non_finite(&self, layer: Option<usize>, tensor: TensorKind, detail: &str) -> NonFinite {
        let layer_name = layer.map(|l| self.model.layers[l].name()).unwrap_or_default();
        NonFinite { step: self.step, layer, layer_name, tensor, detail: detail.to_string() }
    }

    /// The forward pass produced a non-finite loss: blame the first
    /// non-finite parameter, optimizer state, then layer output.
    fn locate_forward(&self) -> NonFinite {
        let m = &self.model;
        for info in &m.infos {
            if m.params[info.range()].iter().any(|v| !v.is_finite()) {
                return self.non_finite(Some(info.layer), TensorKind::Parameter, info.kind.name());
            }
            for buf in self.optimizer.state() {
                if !buf.is_empty() && buf[info.range()].iter().any(|v| !v.is_finite()) {
                    return self.non_finite(Some(info.layer), TensorKind::OptimizerState, info.kind.name());
                }
            }
        }
        for i in 0..m.layers.len() {
            if m.activation(i).iter().any(|v| !v.is_finite()) {
                return self.non_finite(Some(i), TensorKind::Activation, "output");
            }
        }
        self.non_finite(None, TensorKind::Loss, "")
    }

    fn locate_gradient(&self) -> NonFinite {
        let m = &self.model;
        let bad = m.infos.iter().rev().find(|i| m.grads[i.range()].iter().any(|v| !v.is_finite()));
        match bad {
            Some(info) => self.non_finite(Some(info.layer), TensorKind::Gradient, info.kind.name()),
            None => self.non_finite(None, TensorKind::Gradient, ""),
        }
    }
}
