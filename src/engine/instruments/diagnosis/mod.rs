//! From measurements to a diagnosis: the rules that turn every instrument's
//! numbers into ranked findings, each naming what was seen, its cause and a
//! fix that points the right way.
//!
//! The rules run in the order a problem should be fixed (see
//! [`Problem`]): bugs in the code, mistakes in the setup, the scale of the
//! initialization, regularization, the learning rate, and last the symptoms.
//! A cause that is found *explains* the symptoms it produces, which are then
//! folded into its finding instead of being reported as problems of their
//! own (an exploding initialization explains the huge initial loss and the
//! divergence that follow; a collapse from a too-high learning rate explains
//! the saturated output and the tiny updates after it). This is what keeps
//! advice from pointing the wrong way: tiny updates after a collapse never
//! read as "raise the learning rate".
//!
//! Two families of rules differ in what they need:
//! - *setup rules* fire on a measured property of the experiment whatever
//!   happens in training (a wrong loss, symmetric units, unnormalized inputs,
//!   dropout above 0.5, BatchNorm on fewer than 8 examples, an initialization
//!   that explodes, vanishes or saturates);
//! - *dynamics rules* need a symptom in the loss trajectory as well as a
//!   measured cause (AutoTrainer's gating): the learning rate is called too
//!   low only when the loss barely moved *and* the updates are far below
//!   1e-3 of the weights *and* nothing else explains the stall.
//!
//! Every threshold is a named constant here or in its instrument, with its
//! source: the literature where one exists, else the doctor benchmark
//! (`calibration`), which holds the rules to no false alarm on healthy
//! recipes and no missed problem on classic misconfigurations.
//!
//! Where things live:
//! - this file: the thresholds, the [`Evidence`] a diagnosis reads and
//!   [`diagnose`], which runs the rule families below in that order;
//! - `bugs.rs`: bugs in the code (gradient check, updates never applied,
//!   evaluation mode, BN statistics, labels, a failed overfit);
//! - `setup.rs`: mistakes in the setup (loss against task, symmetric
//!   initialization, unnormalized inputs, heavy dropout, BN on tiny batches);
//! - `initialization.rs`: the scale of the initialization (exploding,
//!   vanishing, saturated, dead units, the initial loss);
//! - `regularization.rs`: a penalty that dominates, BN variance shift;
//! - `learning_rate.rs`: divergence, collapse, oscillation, a rate too low;
//! - `symptoms.rs`: symptoms left without a cause found;
//! - `names.rs`: how the findings name things (initializers, learning rates).

mod bugs;
mod initialization;
mod learning_rate;
pub(crate) mod names;
mod regularization;
mod setup;
mod symptoms;

use super::eval_mode::EvalMode;
use super::finding::{rank, Finding, Problem};
use super::gradient_check::GradientCheck;
use super::init_scale::InitScale;
use super::initial_loss::InitialLoss;
use super::input_scale::InputScale;
use super::label_agreement::LabelAgreement;
use super::layer_stats::LayerStats;
use super::loss_breakdown::LossParts;
use super::overfit::Overfit;
use super::symmetry::BlockSymmetry;
use super::trajectory::Trajectory;
use super::update_check::UpdateCheck;
use super::variance_shift::VarianceShift;
use crate::engine::config::Config;
use crate::engine::trainer::{NonFinite, Task};
use std::collections::BTreeSet;

/// Activation std growing this much from the first to the last hidden
/// block is exploding (an order of magnitude; checklist: "grow by orders of
/// magnitude across layers").
pub const EXPLODE: f64 = 10.0;
/// …shrinking this much (1/10) is a vanishing forward signal.
pub const SHRINK: f64 = 0.1;
/// The error signal ∂L/∂z at the first hidden block at or below this share
/// of the last hidden block's is a vanishing gradient (an order of
/// magnitude lost on the way back). Measured at initialization over the
/// training set: the benchmark's healthy recipes keep 0.20–2.83 over seeds
/// 1–25 (He ReLU, Xavier tanh, BN, up to four layers); six N(0, 1) sigmoid
/// layers keep 0.016–0.035.
pub const VANISH: f64 = 0.1;
/// …and at or above this multiple it is an exploding gradient (six N(0, 1)
/// tanh layers of 32 units: 27–239).
pub const EXPLODE_GRAD: f64 = 10.0;
/// A hidden tanh/sigmoid block with at least this share of outputs in the
/// flat tails at initialization is saturated: it passes less than half of
/// the gradient. Measured: Xavier on standardized inputs stays below 5 %;
/// TF Playground's own defaults (raw inputs in [−6, 6]) reach 49 % in the
/// first layer and still train; N(0, 1) on 32-wide tanh layers puts
/// 58–62 % of every layer after the first in the tails.
pub const SATURATED: f64 = 0.5;
/// A tanh/sigmoid output stuck in a tail on the wrong side for this share of
/// the rows is saturated (measured: healthy recipes ≤ 18 % over seeds 1–25,
/// N(0, 2²) on 16 ReLU units 24–48 %).
pub const OUTPUT_STUCK: f64 = 0.2;
/// A hidden ReLU block with at least this share of units silent for every
/// example is dying (AutoTrainer flags 70 % of zero gradients over the
/// whole network; in nets this narrow half a block is already a measurable
/// loss of capacity, and healthy He recipes reach 37.5 % of an 8-unit
/// block over seeds 1–25).
pub const DEAD: f64 = 0.5;
/// Dropout above this drops more than it keeps (UMLAUT's "high dropout"
/// check; Srivastava et al. 2014 found 0.5 a good rate for hidden units
/// and higher rates worse).
pub const MAX_DROPOUT: f64 = 0.5;
/// The dropout "try the fix" sets when dropout is too high: the middle of
/// the 0.1–0.3 the finding recommends.
pub const FIXED_DROPOUT: f64 = 0.2;
/// BatchNorm on fewer examples than this per batch estimates its statistics
/// too noisily (Wu and He 2018, Group Normalization: BN's error rises
/// sharply below a batch of 8; Ioffe 2017, Batch Renormalization).
pub const MIN_BN_BATCH: usize = 8;
pub use super::trajectory::STALLED;
/// The learning rate is too low when a stalled run's updates are below
/// this share of the weights: the checklist's 1e-3, a factor of ~3 (half an
/// order of magnitude) below it.
pub const LOW_RATIO: f64 = 3e-4;
/// With heavy dropout, a dropout-free copy that takes at least this many
/// times more off the loss over the probe shows dropout is what holds the
/// run back.
pub const DROPOUT_HOLDS_BACK: f64 = 2.0;
/// A target share outside the output activation's range that makes the
/// pairing wrong.
pub const OUT_OF_RANGE: f64 = 0.1;

/// Everything measured about an experiment, borrowed from whoever measured
/// it; `None` (or empty) where the caller did not measure it (the live panel
/// measures less than the doctor).
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    /// The experiment.
    pub cfg: &'a Config,
    /// What the targets are.
    pub task: Option<Task>,
    /// The encoded training targets of a regression task (empty otherwise).
    pub regression_targets: &'a [f64],
    /// The initial-loss check.
    pub initial: Option<&'a InitialLoss>,
    /// L1 + L2 penalty at the initial weights.
    pub initial_penalty: Option<f64>,
    /// How much of its loss a dropout-free copy loses over the probe (only
    /// measured when dropout might be what holds the run back).
    pub dropout_free_progress: Option<f64>,
    /// Signals and gradients at the initial weights.
    pub init: Option<&'a InitScale>,
    /// Input statistics.
    pub inputs: Option<&'a InputScale>,
    /// Hidden blocks and how far their units differ, now.
    pub symmetry: &'a [BlockSymmetry],
    /// Live statistics of recent steps.
    pub stats: Option<&'a LayerStats>,
    /// Loss parts of the last step.
    pub loss: Option<LossParts>,
    /// The first non-finite value.
    pub non_finite: Option<&'a NonFinite>,
    /// The page's name of every model layer (`hidden 2` for its BatchNorm).
    pub places: &'a [String],
    /// The loss over the run and the probe.
    pub trajectory: &'a Trajectory,
    /// Gradient check.
    pub gradient_check: Option<&'a GradientCheck>,
    /// Tiny-batch overfit.
    pub overfit: Option<&'a Overfit>,
    /// The same without dropout (only when the first failed with dropout).
    pub overfit_without_dropout: Option<&'a Overfit>,
    /// Nearest-neighbour label agreement.
    pub labels: Option<LabelAgreement>,
    /// Evaluation determinism.
    pub eval_mode: Option<EvalMode>,
    /// BN variance shift and running statistics.
    pub shift: Option<&'a VarianceShift>,
    /// Applied gradient against the batch gradient.
    pub update: Option<UpdateCheck>,
}

impl<'a> Evidence<'a> {
    /// Evidence of `cfg` with only its trajectory measured; set the rest.
    pub fn new(cfg: &'a Config, trajectory: &'a Trajectory) -> Self {
        Self {
            cfg,
            task: None,
            regression_targets: &[],
            initial: None,
            initial_penalty: None,
            dropout_free_progress: None,
            init: None,
            inputs: None,
            symmetry: &[],
            stats: None,
            loss: None,
            non_finite: None,
            places: &[],
            trajectory,
            gradient_check: None,
            overfit: None,
            overfit_without_dropout: None,
            labels: None,
            eval_mode: None,
            shift: None,
            update: None,
        }
    }
}

/// Findings in the making, and the problems already explained by a cause.
struct Diagnosis<'a> {
    e: &'a Evidence<'a>,
    out: Vec<Finding>,
    explained: BTreeSet<Problem>,
}

impl Diagnosis<'_> {
    fn found(&self, p: Problem) -> bool {
        self.out.iter().any(|f| f.problem == p && f.is_alarm())
    }

    fn open(&self, p: Problem) -> bool {
        !self.explained.contains(&p) && !self.found(p)
    }

    fn explain(&mut self, problems: &[Problem]) {
        self.explained.extend(problems.iter().copied());
    }

    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// The ranked findings the evidence supports.
pub fn diagnose(e: &Evidence<'_>) -> Vec<Finding> {
    let mut d = Diagnosis { e, out: Vec::new(), explained: BTreeSet::new() };
    bugs::bugs(&mut d);
    setup::setup(&mut d);
    initialization::initialization(&mut d);
    regularization::regularization(&mut d);
    learning_rate::learning_rate(&mut d);
    symptoms::symptoms(&mut d);
    rank(&mut d.out);
    d.out
}

pub use super::sentinel::describe;

pub use names::{init_name, rate};
