//! Optimizers, each owning its state, over the flat parameter vector.
//!
//! One call of [`Optimizer::step`] applies one update with learning rate `lr`
//! (from the schedule). Changing the learning rate between calls keeps the
//! state (momentum buffers, Adam moments and step count).
//!
//! Every update rule lives in its own file and is described by one
//! [`Rule`]: its link name, its title, the hyperparameters it reads with
//! their defaults, its state buffers, whether it steps each weight by about
//! the learning rate whatever the gradient's size, and its update. The
//! table [`OPTIMIZERS`] lists them in the page's order: adding an optimizer
//! is one file and one row there (the link codec, the settings, the
//! instruments and the findings read the rule). Conventions follow PyTorch.

pub mod adam;
pub mod lion;
pub mod rmsprop;
pub mod sgd;

use crate::named::Named;
use crate::params::ParamInfo;
use crate::scalar::Real;

/// Every optimizer with its default hyperparameters, in the page's order:
/// one row per update rule.
pub const OPTIMIZERS: &[OptimizerKind] = &[
    OptimizerKind::of(&sgd::SGD),
    OptimizerKind::of(&sgd::MOMENTUM),
    OptimizerKind::of(&sgd::NESTEROV),
    OptimizerKind::of(&rmsprop::RMSPROP),
    OptimizerKind::of(&adam::ADAM),
    OptimizerKind::of(&adam::ADAMW),
    OptimizerKind::of(&lion::LION),
];

/// A hyperparameter an update rule may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hyper {
    /// Momentum μ.
    Mu,
    /// Decay ρ of a squared-gradient average.
    Rho,
    /// First-moment decay β1.
    Beta1,
    /// Second-moment decay β2.
    Beta2,
    /// ε added to a root.
    Eps,
    /// Decoupled weight decay λ.
    WeightDecay,
}

/// Values of every hyperparameter (those a rule does not read stay 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hyperparams {
    /// Momentum μ.
    pub mu: f64,
    /// Decay ρ.
    pub rho: f64,
    /// β1.
    pub beta1: f64,
    /// β2.
    pub beta2: f64,
    /// ε.
    pub eps: f64,
    /// Decoupled weight decay λ.
    pub weight_decay: f64,
}

impl Hyperparams {
    /// No hyperparameter set (every one 0).
    pub const NONE: Hyperparams =
        Hyperparams { mu: 0.0, rho: 0.0, beta1: 0.0, beta2: 0.0, eps: 0.0, weight_decay: 0.0 };

    fn slot(&mut self, h: Hyper) -> &mut f64 {
        match h {
            Hyper::Mu => &mut self.mu,
            Hyper::Rho => &mut self.rho,
            Hyper::Beta1 => &mut self.beta1,
            Hyper::Beta2 => &mut self.beta2,
            Hyper::Eps => &mut self.eps,
            Hyper::WeightDecay => &mut self.weight_decay,
        }
    }
}

/// One update `fn(state, params, grads, infos, lr)` in one float type.
pub type StepFn<F> = fn(&mut Optimizer<F>, &mut [F], &[F], &[ParamInfo], f64);

/// An update rule: everything the rest of GradLab needs to know of it.
pub struct Rule {
    /// The short name written in links, e.g. `"adam"`.
    pub name: &'static str,
    /// How findings name it, e.g. `"SGD with momentum"`.
    pub title: &'static str,
    /// The hyperparameters it reads.
    pub reads: &'static [Hyper],
    /// Their defaults.
    pub defaults: Hyperparams,
    /// State buffers of one value per parameter (0, 1 or 2).
    pub buffers: usize,
    /// `Some(ε)` when every weight steps by about the learning rate while
    /// its gradient is far above ε, whatever the gradient's size (RMSProp,
    /// Adam, sign-based rules); `None` when the step scales with the gradient.
    pub per_weight_eps: Option<fn(&Hyperparams) -> f64>,
    /// The update in training's float type.
    pub step_f32: StepFn<f32>,
    /// The update in the gradient check's float type (tests work by hand in f64).
    pub step_f64: StepFn<f64>,
}

/// An optimizer's choice: its update rule and hyperparameters.
#[derive(Clone, Copy)]
pub struct OptimizerKind {
    /// The update rule.
    pub rule: &'static Rule,
    /// Its hyperparameters.
    pub h: Hyperparams,
}

impl OptimizerKind {
    /// `rule` with its default hyperparameters.
    pub const fn of(rule: &'static Rule) -> Self {
        Self { rule, h: rule.defaults }
    }

    /// The value of `h` if the rule reads it.
    pub fn get(&self, h: Hyper) -> Option<f64> {
        self.rule.reads.contains(&h).then(|| *self.h.clone().slot(h))
    }

    /// Sets `h` if the rule reads it (otherwise nothing changes).
    pub fn set(&mut self, h: Hyper, value: f64) {
        if self.rule.reads.contains(&h) {
            *self.h.slot(h) = value;
        }
    }

    /// The same rule with `h` set to `value`.
    pub fn with(mut self, h: Hyper, value: f64) -> Self {
        self.set(h, value);
        self
    }

    /// Whether `other` uses the same update rule (hyperparameters aside).
    pub fn same_rule(&self, other: &OptimizerKind) -> bool {
        self.rule.name == other.rule.name
    }

    /// `Some(ε)` for rules that step every weight by about the learning
    /// rate (see [`Rule::per_weight_eps`]).
    pub fn per_weight_eps(&self) -> Option<f64> {
        self.rule.per_weight_eps.map(|eps| eps(&self.h))
    }
}

impl std::fmt::Debug for Rule {
    /// The name: a rule's functions have no stable address to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({})", self.name)
    }
}

impl std::fmt::Debug for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptimizerKind").field("rule", &self.rule.name).field("h", &self.h).finish()
    }
}

impl PartialEq for OptimizerKind {
    fn eq(&self, other: &Self) -> bool {
        self.same_rule(other) && self.h == other.h
    }
}

impl Named for OptimizerKind {
    const VARIANTS: &'static [Self] = OPTIMIZERS;

    fn name(self) -> &'static str {
        self.rule.name
    }
}

/// How an optimizer choice is stored in a snapshot: its rule's name and
/// the hyperparameters.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    rule: String,
    h: Hyperparams,
}

impl serde::Serialize for OptimizerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Stored { rule: self.rule.name.to_string(), h: self.h }.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for OptimizerKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(d)?;
        let kind = OptimizerKind::from_name(&stored.rule)
            .ok_or_else(|| serde::de::Error::custom(format!("no optimizer {:?}", stored.rule)))?;
        Ok(OptimizerKind { h: stored.h, ..kind })
    }
}

/// The float types optimizers run in, each picking its rule's update.
pub trait OptimFloat: Real {
    /// `rule`'s update in this type.
    fn update_of(rule: &Rule) -> StepFn<Self>;
}

impl OptimFloat for f32 {
    fn update_of(rule: &Rule) -> StepFn<f32> {
        rule.step_f32
    }
}

impl OptimFloat for f64 {
    fn update_of(rule: &Rule) -> StepFn<f64> {
        rule.step_f64
    }
}

/// An optimizer and its state.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Optimizer<F> {
    /// Kind and hyperparameters.
    pub kind: OptimizerKind,
    /// First state buffer: velocity, squared-gradient average or first moment.
    pub m: Vec<F>,
    /// Second state buffer: Adam's v (empty otherwise).
    pub v: Vec<F>,
    /// Updates applied so far (Adam's t).
    pub t: u64,
}

impl<F: OptimFloat> Optimizer<F> {
    /// A fresh optimizer for `n` parameters.
    pub fn new(kind: OptimizerKind, n: usize) -> Self {
        let buffer = |k: usize| vec![F::ZERO; if kind.rule.buffers > k { n } else { 0 }];
        Self { kind, m: buffer(0), v: buffer(1), t: 0 }
    }

    /// Applies one update to `params` from `grads`.
    pub fn step(&mut self, params: &mut [F], grads: &[F], infos: &[ParamInfo], lr: f64) {
        self.t += 1;
        F::update_of(self.kind.rule)(self, params, grads, infos, lr);
    }

    /// The state buffers, for the non-finite sentinel.
    pub fn state(&self) -> [&[F]; 2] {
        [&self.m, &self.v]
    }
}

/// Multiplies the weights (not the biases) by `1 − lr·λ`: decoupled weight decay.
fn decay_weights<F: Real>(params: &mut [F], infos: &[ParamInfo], lr: f64, weight_decay: f64) {
    let decay = F::ONE - F::of(lr * weight_decay);
    for info in infos.iter().filter(|i| i.decays()) {
        params[info.range()].iter_mut().for_each(|p| *p *= decay);
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Two hand-worked steps on one weight and one bias.
    use super::*;
    use crate::params::ParamKind;

    // One weight p = 1.0 and one bias q = -0.5; gradients g1 = (0.2, -0.4),
    // g2 = (0.1, 0.3); lr = 0.1. Expected values worked by hand in each test.
    pub const P0: [f64; 2] = [1.0, -0.5];
    pub const G1: [f64; 2] = [0.2, -0.4];
    pub const G2: [f64; 2] = [0.1, 0.3];

    pub fn infos() -> Vec<ParamInfo> {
        vec![
            ParamInfo { layer: 0, kind: ParamKind::Weight, offset: 0, shape: (1, 1) },
            ParamInfo { layer: 0, kind: ParamKind::Bias, offset: 1, shape: (1, 1) },
        ]
    }

    /// The parameters after each of two steps, and the optimizer after them.
    pub fn two_steps(kind: OptimizerKind) -> ([f64; 2], [f64; 2], Optimizer<f64>) {
        let mut opt = Optimizer::<f64>::new(kind, 2);
        let mut p = P0;
        opt.step(&mut p, &G1, &infos(), 0.1);
        let after1 = p;
        opt.step(&mut p, &G2, &infos(), 0.1);
        (after1, p, opt)
    }

    pub fn close(a: [f64; 2], b: [f64; 2]) {
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn changing_lr_keeps_state() {
        let mut opt = Optimizer::<f64>::new(OptimizerKind::of(&sgd::MOMENTUM), 2);
        let mut p = P0;
        opt.step(&mut p, &G1, &infos(), 0.1);
        opt.step(&mut p, &G2, &infos(), 0.01);
        // v2 = (0.28, -0.06); p2 = p1 − 0.01·v2
        close(p, [0.98 - 0.0028, -0.46 + 0.0006]);
    }

    /// Names are unique, defaults read back, and a hyperparameter a rule
    /// does not read can neither be read nor set.
    #[test]
    fn the_table_is_consistent() {
        let mut names: Vec<&str> = OPTIMIZERS.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPTIMIZERS.len());
        let adam = OptimizerKind::from_name("adam").unwrap();
        assert_eq!((adam.get(Hyper::Beta2), adam.get(Hyper::Mu)), (Some(0.999), None));
        assert_eq!(adam.with(Hyper::Mu, 0.5), adam);
        assert_eq!(adam.with(Hyper::Beta1, 0.8).get(Hyper::Beta1), Some(0.8));
        let text = serde_json::to_string(&adam.with(Hyper::Eps, 1e-6)).unwrap();
        assert_eq!(serde_json::from_str::<OptimizerKind>(&text).unwrap(), adam.with(Hyper::Eps, 1e-6));
        assert!(serde_json::from_str::<OptimizerKind>(&text.replace("adam", "nope")).is_err());
    }
}
