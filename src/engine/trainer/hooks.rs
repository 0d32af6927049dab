//! Points where code from outside the engine may change what a step does:
//! the seams the bug lab plants its bugs through.
//!
//! The trainer calls a [`StepHooks`] at each seam: when it prepares the
//! inputs and the training split, on the forward pass's mode, on the data
//! loss, after the backward pass, after the penalties, around the
//! optimizer's update and on evaluation. Every method has a default that
//! does what correct code does, so [`NoHooks`] (the default) is the plain
//! engine, and the engine itself knows nothing about what a hook plants.
//! The bug lab (`engine::bug_lab`) implements the trait.
//!
//! A trait object (not a type parameter of the trainer) keeps one
//! `Trainer` type for every caller: the instruments, the page and the
//! checks' worker handle a trainer with or without planted bugs alike. The
//! seams run a few times per step, so the dynamic call costs nothing
//! measurable.

use crate::config::LossKind;
use crate::layers::Pass;
use crate::loss;
use crate::model::{Model, ParamInfo};
use crate::targets::Split;
use ndarray::Array2;
use std::any::Any;
use std::fmt;

/// Parameter gradients in either float type (training runs in f32, the
/// gradient check in f64).
pub enum Grads<'a> {
    /// Training's gradients.
    F32(&'a mut [f32]),
    /// The gradient check's gradients.
    F64(&'a mut [f64]),
}

/// The seams of a training step. Defaults are the correct code.
pub trait StepHooks: fmt::Debug + Send {
    /// A copy, state included.
    fn clone_box(&self) -> Box<dyn StepHooks>;

    /// The same hooks in their state before the first step (for a reset or
    /// a fresh run from the current weights).
    fn fresh(&self) -> Box<dyn StepHooks>;

    /// A fresh run starts from the current weights with a new optimizer:
    /// forget what was accumulated over the steps before.
    fn restart(&mut self) {}

    /// The state as bytes, for a trainer snapshot (empty: stateless).
    fn save(&self) -> Vec<u8> {
        Vec::new()
    }

    /// For downcasting by the code that installed the hooks.
    fn as_any(&self) -> &dyn Any;

    /// Whether inputs are standardized, given what the experiment asks.
    fn standardize(&self, configured: bool) -> bool {
        configured
    }

    /// Non-planar raw inputs (digit pixels) of both sets, before scaling.
    fn raw_inputs(&self, _train: &mut Array2<f64>, _test: &mut Array2<f64>) {}

    /// The training split once encoded, before the first step.
    fn training_split(&self, _split: &mut Split<f32>) {}

    /// The forward pass's mode in a training step.
    fn pass(&self, pass: Pass) -> Pass {
        pass
    }

    /// The mean data loss of outputs `out` against targets `t`, with
    /// `d loss / d out` written into `grad` when given.
    fn data_loss(&self, kind: LossKind, out: &[f32], t: &[f32], n_out: usize, grad: Option<&mut [f32]>) -> f64 {
        loss::loss_and_grad(kind, out, t, n_out, grad)
    }

    /// The parameter gradients right after the backward pass (before the
    /// penalties are added).
    fn after_backward(&self, _infos: &[ParamInfo], _grads: Grads<'_>) {}

    /// The gradients once the penalties are added (before clipping).
    fn after_penalties(&mut self, _grads: &mut [f32]) {}

    /// Applies the optimizer's update (`apply`) to the model.
    fn update(&mut self, model: &mut Model<f32>, apply: &mut dyn FnMut(&mut Model<f32>)) {
        apply(model);
    }

    /// Evaluation-mode outputs of `x` into `out`, if the hook computes them
    /// itself (`true`); `false` leaves it to the model.
    fn predict(&mut self, _model: &Model<f32>, _x: &[f32], _out: &mut [f32]) -> bool {
        false
    }
}

/// The plain engine: every seam does what correct code does.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHooks;

impl StepHooks for NoHooks {
    fn clone_box(&self) -> Box<dyn StepHooks> {
        Box::new(NoHooks)
    }

    fn fresh(&self) -> Box<dyn StepHooks> {
        Box::new(NoHooks)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The trainer's hooks: a boxed [`StepHooks`] that clones, prints and
/// defaults (to [`NoHooks`]).
#[derive(Debug)]
pub struct Hooks(pub Box<dyn StepHooks>);

impl Default for Hooks {
    fn default() -> Self {
        Hooks(Box::new(NoHooks))
    }
}

impl Clone for Hooks {
    fn clone(&self) -> Self {
        Hooks(self.0.clone_box())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults are the plain engine: the loss is the loss module's,
    /// the pass is unchanged and nothing predicts in the model's place.
    #[test]
    fn no_hooks_is_the_plain_engine() {
        let hooks = Hooks::default();
        let (out, t) = ([0.3f32, -0.2], [1.0f32, -1.0]);
        let (mut g_hook, mut g_plain) = ([0.0f32; 2], [0.0f32; 2]);
        let l_hook = hooks.0.data_loss(LossKind::Mse, &out, &t, 1, Some(&mut g_hook));
        let l_plain = loss::loss_and_grad(LossKind::Mse, &out, &t, 1, Some(&mut g_plain));
        assert_eq!((l_hook, g_hook), (l_plain, g_plain));
        // ½((0.3 − 1)² + (−0.2 + 1)²) / 2 = ½(0.49 + 0.64) / 2 = 0.2825
        assert!((l_plain - 0.2825).abs() < 1e-6, "{l_plain}");
        assert_eq!(hooks.0.pass(Pass::TRAIN), Pass::TRAIN);
        assert!(hooks.0.standardize(true) && !hooks.0.standardize(false));
        assert!(hooks.clone().0.save().is_empty());
    }
}
