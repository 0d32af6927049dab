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

use super::block_label;
use super::eval_mode::EvalMode;
use super::finding::{checklist, num, rank, Finding, Problem, Severity};
use super::gradient_check::GradientCheck;
use super::init_scale::InitScale;
use super::initial_loss::{InitialLoss, Verdict};
use super::input_scale::InputScale;
use super::label_agreement::LabelAgreement;
use super::layer_stats::LayerStats;
use super::loss_breakdown::LossParts;
use super::overfit::Overfit;
use super::symmetry::BlockSymmetry;
use super::trajectory::Trajectory;
use super::update_check::UpdateCheck;
use super::variance_shift::VarianceShift;
use crate::engine::config::{Act, Config, InitKind, LossKind, OutputAct};
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
    bugs(&mut d);
    setup(&mut d);
    initialization(&mut d);
    regularization(&mut d);
    learning_rate(&mut d);
    symptoms(&mut d);
    rank(&mut d.out);
    d.out
}

pub use super::sentinel::describe;

// ---- bugs in the code ----

fn bugs(d: &mut Diagnosis) {
    let e = d.e;
    let mut found: Vec<Finding> = Vec::new();
    found.extend(e.gradient_check.iter().flat_map(|g| g.findings()));
    found.extend(e.update.iter().flat_map(UpdateCheck::findings));
    if let Some(stats) = &e.stats {
        found.extend(stats.frozen().into_iter().map(|t| {
            let sentence = format!(
                "The weights of {} did not change in the last {} steps although their gradient norm is {}.",
                t.label,
                t.recent.len(),
                num(t.recent_median(|s| s.grad_norm)),
            );
            Finding::new(Severity::Error, Problem::UpdateNotApplied, checklist::GRADIENT_FLOW, "layer_stats", sentence)
                .cause("the optimizer's update is never applied to this layer (or is undone after each step): a bug in the code")
                .fix("apply the update to every parameter tensor; check that none is copied back or left out of the optimizer")
                .evidence("gradient norm", t.recent_median(|s| s.grad_norm))
                .at(t.block.dense)
                .place(t.label.clone())
        }));
    }
    found.extend(e.eval_mode.iter().flat_map(EvalMode::findings));
    found.extend(e.shift.iter().flat_map(|s| s.findings()).filter(|f| f.problem == Problem::StaleBnStatistics));
    found.extend(e.labels.iter().flat_map(LabelAgreement::findings));
    let fit = e.overfit_without_dropout.or(e.overfit);
    found.extend(fit.iter().flat_map(|o| o.findings()).filter(|f| f.problem == Problem::LossStalls));
    for f in found {
        if f.problem == Problem::GradientCheckInconclusive {
            d.push(f);
        } else if !d.found(f.problem) {
            // A bug explains whatever training then does.
            d.explain(&[
                Problem::LearningRateTooHigh,
                Problem::Oscillating,
                Problem::LearningRateTooLow,
                Problem::NonFinite,
                Problem::CannotOverfit,
            ]);
            d.push(f);
        }
    }
}

// ---- mistakes in the setup ----

fn setup(d: &mut Diagnosis) {
    loss_mismatch(d);
    symmetric_init(d);
    unnormalized_inputs(d);
    dropout_too_high(d);
    bn_small_batch(d);
}

fn loss_mismatch(d: &mut Diagnosis) {
    let e = d.e;
    let cfg = e.cfg;
    let f = match (e.task, cfg.loss) {
        (Some(Task::Classes(c)), LossKind::Mse) => Finding::new(
            Severity::Warning,
            Problem::LossMismatch,
            checklist::LOSS_FITS_TASK,
            "setup",
            format!("The loss is MSE on a {c}-class task, with {} outputs.", c),
        )
        .cause("MSE pushes each class's output toward its target on its own: the outputs are no probabilities, a confidently wrong class barely moves under a squashing output, and the loss does not start at ln C")
        .fix("use softmax cross-entropy (loss = softmax) for more than two classes")
        .evidence("classes", c as f64),
        (Some(Task::Regression), LossKind::Mse) if cfg.output_act != OutputAct::Linear => {
            let t = e.regression_targets;
            let (a, b) = if cfg.output_act == OutputAct::Sigmoid { (0.0, 1.0) } else { (-1.0, 1.0) };
            let share = t.iter().filter(|&&v| v <= a || v >= b).count() as f64 / t.len().max(1) as f64;
            let lo = t.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if share < OUT_OF_RANGE {
                return;
            }
            Finding::new(
                Severity::Warning,
                Problem::LossMismatch,
                checklist::LOSS_FITS_TASK,
                "setup",
                format!(
                    "The targets span {} to {}, but a {} output can only produce values in ({a}, {b}): {}% of the targets lie outside.",
                    num(lo),
                    num(hi),
                    crate::engine::config::Named::name(cfg.output_act),
                    (share * 100.0).round()
                ),
            )
            .cause("the output activation does not suit the targets: the model cannot reach them and pushes its output into the flat tail trying")
            .fix("use a linear output for regression (out = linear)")
            .evidence("targets outside the output range", share)
        }
        _ => return,
    };
    d.explain(&[Problem::InitialLoss, Problem::CannotOverfit, Problem::Saturated]);
    d.push(f);
}

fn symmetric_init(d: &mut Diagnosis) {
    let Some(s) = d.e.symmetry.iter().find(|s| s.symmetric()) else { return };
    let steps = d.e.trajectory.points.last().map_or(0, |p| p.step);
    let f = Finding::new(
        Severity::Error,
        Problem::SymmetricInit,
        checklist::GRADIENT_FLOW,
        "symmetry",
        format!(
            "All {} units of {} have identical weights and bias at step {}: the layer computes one value {} times.",
            s.width, s.label, steps, s.width
        ),
    )
    .cause(format!(
        "the {} initialization gives every unit the same weights, so every unit gets the same gradient and they stay copies forever",
        init_name(d.e.cfg.init)
    ))
    .fix("initialize the weights randomly: Xavier for tanh/sigmoid, He for ReLU")
    .evidence("relative spread between units", s.spread)
    .at(s.layer)
    .place(s.label.clone());
    d.explain(&[
        Problem::DeadUnits,
        Problem::Vanishing,
        Problem::Saturated,
        Problem::InitialLoss,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
    ]);
    d.push(f);
}

fn unnormalized_inputs(d: &mut Diagnosis) {
    let Some(f) = d.e.inputs.iter().flat_map(|i| i.findings()).next() else { return };
    d.explain(&[Problem::InitialLoss, Problem::Saturated]);
    d.push(f);
}

fn dropout_too_high(d: &mut Diagnosis) {
    let e = d.e;
    let bs = e.cfg.hidden.iter().enumerate().filter(|(_, l)| l.dropout > 0.0);
    let Some((k, worst)) = bs.max_by(|a, b| a.1.dropout.total_cmp(&b.1.dropout)) else { return };
    let p = worst.dropout;
    let place = format!("hidden {}", k + 1);
    let blocked = match (e.overfit, e.overfit_without_dropout) {
        (Some(with), Some(without)) => !with.passed && without.passed,
        _ => false,
    };
    let t = e.trajectory;
    let with = t.probe_progress();
    let stalls = e.dropout_free_progress.filter(|&free| {
        free >= STALLED && free >= DROPOUT_HOLDS_BACK * with.max(0.0) && (p >= MAX_DROPOUT || t.stalled())
    });
    if p <= MAX_DROPOUT && !blocked && stalls.is_none() {
        return;
    }
    if p < MAX_DROPOUT && !blocked && !t.stalled() {
        return;
    }
    let sentence = if blocked {
        let with = e.overfit.map_or(f64::NAN, |o| o.loss);
        format!(
            "With dropout (up to p = {p} in {place}) the model cannot memorize a handful of points (loss {}); without it, it can.",
            num(with)
        )
    } else if let Some(free) = stalls {
        format!(
            "With dropout (up to p = {p} in {place}) the loss fell {}% over {} steps; the same steps without dropout take {}% off.",
            (t.probe_progress() * 100.0).round(),
            t.probe_steps(),
            (free * 100.0).round()
        )
    } else {
        format!("Dropout drops {}% of the units of {place} in every training step.", (p * 100.0).round())
    };
    let f = Finding::new(Severity::Warning, Problem::DropoutTooHigh, checklist::DROPOUT, "setup", sentence)
        .cause("so much dropout leaves too few units per step to fit the data: the network underfits, and training is noisy")
        .fix("lower dropout to 0.1–0.3 (and put it after the last BatchNorm), or widen the layer")
        .evidence("largest dropout p", p)
        .place(place);
    d.explain(&[
        Problem::CannotOverfit,
        Problem::LearningRateTooLow,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
    ]);
    d.push(f);
}

fn bn_small_batch(d: &mut Diagnosis) {
    let cfg = d.e.cfg;
    let Some(k) = cfg.hidden.iter().position(|l| l.batch_norm) else { return };
    let bs = cfg.batch_size;
    if bs >= MIN_BN_BATCH {
        return;
    }
    let f = Finding::new(
        Severity::Warning,
        Problem::BnSmallBatch,
        checklist::BATCH_NORM,
        "setup",
        format!("BatchNorm (first in hidden {}) normalizes over mini-batches of {bs} {}.", k + 1, plural(bs, "example")),
    )
    .cause(format!(
        "with {bs} {} the batch mean and variance are too noisy to stand for the data (with 1 example every output is β, with 2 every output is ±γ): training sees a different network than evaluation",
        plural(bs, "example")
    ))
    .fix(format!("raise the batch size to {MIN_BN_BATCH} or more, or remove BatchNorm for tiny batches"))
    .evidence("batch size", bs as f64);
    d.explain(&[
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
        Problem::LearningRateTooHigh,
    ]);
    d.push(f);
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

// ---- the scale of the initialization ----

fn initialization(d: &mut Diagnosis) {
    exploding(d);
    vanishing(d);
    saturated(d);
    dead_units(d);
    initial_loss(d);
}

/// An initializer as the page names it: `N(0, 1²)`, `He (normal)`, `all-zero`.
pub fn init_name(init: InitKind) -> String {
    match init {
        InitKind::Zeros => "all-zero".to_string(),
        InitKind::Constant(a) => format!("constant ({})", rate(a)),
        InitKind::Uniform(a) => format!("U(−{0}, {0})", rate(a)),
        InitKind::Normal(s) => format!("N(0, {}²)", rate(s)),
        InitKind::XavierUniform => "Xavier (uniform)".to_string(),
        InitKind::XavierNormal => "Xavier (normal)".to_string(),
        InitKind::HeUniform => "He (uniform)".to_string(),
        InitKind::HeNormal => "He (normal)".to_string(),
        InitKind::LecunNormal => "LeCun (normal)".to_string(),
    }
}

fn init_fix(cfg: &Config) -> &'static str {
    let relu = cfg.hidden.iter().any(|l| matches!(l.act, Act::Relu | Act::LeakyRelu | Act::Elu | Act::Gelu));
    if relu {
        "use He initialization for ReLU-like units (Xavier for tanh/sigmoid), or add BatchNorm"
    } else {
        "use Xavier initialization for tanh/sigmoid units (He for ReLU), or add BatchNorm"
    }
}

fn exploding(d: &mut Diagnosis) {
    let Some(init) = d.e.init else { return };
    let forward = init.act_growth.filter(|g| *g >= EXPLODE);
    let backward = init.signal_ratio.filter(|g| *g >= EXPLODE_GRAD);
    if forward.is_none() && backward.is_none() {
        return;
    }
    let n = init.blocks.len();
    let (first, last) = (&init.blocks[0], &init.blocks[n - 2]);
    let sentence = match forward {
        Some(growth) => format!(
            "At initialization the activations grow {}× from {} to {} (std {} → {}), and the gradients with them.",
            num(growth),
            first.label,
            last.label,
            num(first.act_std),
            num(last.act_std)
        ),
        None => format!(
            "At initialization the error signal grows {}× on its way back from {} to {} (RMS of ∂L/∂z: {} → {}).",
            num(backward.unwrap_or(f64::NAN)),
            last.label,
            first.label,
            num(last.signal_rms),
            num(first.signal_rms)
        ),
    };
    let (label, growth) = match (forward, backward) {
        (Some(g), _) => ("activation growth", g),
        (None, g) => ("error-signal growth, backward", g.unwrap_or(f64::NAN)),
    };
    let f = Finding::new(Severity::Error, Problem::Exploding, checklist::GRADIENT_FLOW, "init_scale", sentence)
    .cause(format!(
        "the {} initialization is too large for this depth: every layer multiplies the signal (and the gradient on its way back) by more than 1",
        init_name(d.e.cfg.init)
    ))
    .fix(init_fix(d.e.cfg))
    .evidence(label, growth)
    .place(last.label.clone());
    d.explain(&[
        Problem::InitialLoss,
        Problem::NonFinite,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
        Problem::DeadUnits,
        Problem::LearningRateTooLow,
        Problem::CannotOverfit,
    ]);
    d.push(f);
}

fn vanishing(d: &mut Diagnosis) {
    if !d.open(Problem::Vanishing) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let n = init.blocks.len();
    let shrink = init.act_growth.filter(|g| *g <= SHRINK);
    let grad = init.signal_ratio.filter(|g| *g <= VANISH);
    let f = if let Some(growth) = shrink {
        let (first, last) = (&init.blocks[0], &init.blocks[n - 2]);
        Finding::new(
            Severity::Warning,
            Problem::Vanishing,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the signal fades {}× from {} to {} (std {} → {}), and the gradients with it.",
                num(1.0 / growth),
                first.label,
                last.label,
                num(first.act_std),
                num(last.act_std)
            ),
        )
        .cause(format!(
            "the {} initialization is too small for this depth: every layer multiplies the signal by less than 1, so the output barely depends on the input and training sits on a plateau",
            init_name(d.e.cfg.init)
        ))
        .fix(init_fix(d.e.cfg))
        .evidence("activation growth", growth)
        .place(last.label.clone())
    } else if let Some(ratio) = grad {
        let squashing = d.e.cfg.hidden.iter().any(|l| matches!(l.act, Act::Sigmoid | Act::Tanh));
        let cause = if squashing {
            "every sigmoid/tanh layer multiplies the gradient by its slope (at most 0.25 for sigmoid, less in the tails), so the first layers barely learn"
        } else {
            "every layer shrinks the gradient on its way back, so the first layers barely learn"
        };
        Finding::new(
            Severity::Warning,
            Problem::Vanishing,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the error signal reaching {} is {}× the one reaching {} (RMS of ∂L/∂z: {} against {}).",
                init.blocks[0].label,
                num(ratio),
                init.blocks[n - 2].label,
                num(init.blocks[0].signal_rms),
                num(init.blocks[n - 2].signal_rms)
            ),
        )
        .cause(cause)
        .fix("use ReLU units with He initialization, or add BatchNorm; a higher learning rate does not fix this")
        .evidence("first/last hidden signal ratio", ratio)
        .place(init.blocks[0].label.clone())
    } else {
        return;
    };
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit, Problem::InitialLoss, Problem::Saturated]);
    d.push(f);
}

fn saturated(d: &mut Diagnosis) {
    if !d.open(Problem::Saturated) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let hidden = init.most_saturated().filter(|(_, s)| *s >= SATURATED);
    let stuck = init.output_stuck.filter(|s| *s >= OUTPUT_STUCK);
    let f = if let Some((b, share)) = hidden {
        Finding::new(
            Severity::Warning,
            Problem::Saturated,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization {}% of the outputs of {} sit in the flat tails of {} (|a| > 0.99), where almost no gradient passes.",
                (share * 100.0).round(),
                b.label,
                b.act.clone().unwrap_or_default()
            ),
        )
        .evidence("saturated share", share)
        .at(b.layer)
        .place(b.label.clone())
    } else if let Some(share) = stuck {
        Finding::new(
            Severity::Warning,
            Problem::Saturated,
            checklist::GRADIENT_FLOW,
            "init_scale",
            format!(
                "At initialization the output unit sits in a flat tail on the wrong side of its target for {}% of the examples.",
                (share * 100.0).round()
            ),
        )
        .evidence("stuck output share", share)
        .place("output")
    } else {
        return;
    };
    let f = f
        .cause(format!(
            "the pre-activations are too large: the {} initialization is too wide for the layer's fan-in",
            init_name(d.e.cfg.init)
        ))
        .fix(init_fix(d.e.cfg));
    d.explain(&[Problem::InitialLoss, Problem::LearningRateTooLow, Problem::Oscillating, Problem::CannotOverfit]);
    d.push(f);
}

fn dead_units(d: &mut Diagnosis) {
    if !d.open(Problem::DeadUnits) {
        return;
    }
    let Some(init) = d.e.init else { return };
    let Some((b, share)) = init.most_dead().filter(|(_, s)| *s >= DEAD) else { return };
    let severity = if share >= 1.0 { Severity::Error } else { Severity::Warning };
    let bias = d.e.cfg.bias_init;
    let cause = if bias < 0.0 {
        format!("every bias starts at {}: a ReLU whose input w·x + b is negative for every example outputs 0 and gets no gradient, so it never recovers", num(bias))
    } else {
        "their weights point away from every example: a ReLU whose input is negative for every example outputs 0 and gets no gradient, so it never recovers".to_string()
    };
    let f = Finding::new(
        Severity::Warning,
        Problem::DeadUnits,
        checklist::DEAD_RELU,
        "init_scale",
        format!(
            "At initialization {}% of the ReLU units of {} output 0 for every training example (dead).",
            (share * 100.0).round(),
            b.label
        ),
    )
    .severity(severity)
    .cause(cause)
    .fix("start biases at 0 (or a small positive value) with He initialization; leaky ReLU never dies completely")
    .evidence("dead share", share)
    .at(b.layer)
    .place(b.label.clone());
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit, Problem::InitialLoss]);
    d.push(f);
}

fn initial_loss(d: &mut Diagnosis) {
    if !d.open(Problem::InitialLoss) {
        return;
    }
    let Some(initial) = d.e.initial else { return };
    if initial.verdict == Verdict::Ok {
        return;
    }
    d.out.extend(initial.findings());
    // Too-large initial weights also make every update small next to them.
    d.explain(&[Problem::CannotOverfit, Problem::LearningRateTooLow]);
}

// ---- the learning rate ----

fn learning_rate(d: &mut Diagnosis) {
    diverged(d);
    collapsed(d);
    oscillating(d);
    too_low(d);
}

fn lr_text(cfg: &Config) -> String {
    let optimizer = cfg.optimizer.rule.title;
    format!("{optimizer} at learning rate {}", rate(cfg.lr))
}

/// A learning rate as a person writes it: two significant digits, no
/// float noise (`0.003`, not `0.0030000000000000005`).
pub fn rate(lr: f64) -> String {
    format!("{:.1e}", lr).parse::<f64>().map_or_else(|_| num(lr), |v| format!("{v}"))
}

fn diverged(d: &mut Diagnosis) {
    let Some(nf) = &d.e.non_finite else { return };
    if !d.open(Problem::LearningRateTooHigh) {
        return;
    }
    let f = Finding::new(
        Severity::Error,
        Problem::LearningRateTooHigh,
        checklist::LEARNING_RATE,
        "trajectory",
        format!("Training diverged: {}.", describe(nf, d.e.places)),
    )
    .cause(format!("the steps of {} overshoot further every time until a value overflows", lr_text(d.e.cfg)))
    .fix(format!("lower the learning rate (try {}), or clip the gradient norm", rate(d.e.cfg.lr / 10.0)))
    .evidence("step", nf.step as f64);
    d.explain(&[Problem::NonFinite, Problem::Oscillating, Problem::LearningRateTooLow, Problem::CannotOverfit]);
    d.push(f);
}

fn collapsed(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    let init_std = d.e.init.and_then(|i| i.blocks.last()).map_or(0.0, |b| b.act_std);
    let constant = t.collapsed(init_std) && (t.relapsed() || t.stalled());
    let init = d.e.init;
    let stuck_then = init.and_then(|i| i.output_stuck).unwrap_or(0.0);
    let stuck_now = t.points.last().and_then(|p| p.stuck).filter(|&s| s >= OUTPUT_STUCK && stuck_then < OUTPUT_STUCK);
    let dead_then = init.and_then(InitScale::most_dead).map_or(0.0, |(_, s)| s);
    let died = d.e.stats.and_then(LayerStats::most_dead).filter(|&(_, s)| s >= DEAD && dead_then < DEAD);
    let pushed = (stuck_now.is_some() || died.is_some()) && !t.converged();
    if !(t.rose() || t.worse_than_start() || constant || pushed) || !d.open(Problem::LearningRateTooHigh) {
        return;
    }
    let mut sentence = if let (Some(share), false) = (stuck_now, t.rose() || t.worse_than_start()) {
        format!(
            "Training pushed the output unit into a flat tail on the wrong side for {}% of the examples (at the start: {}%); the loss is stuck at {} (it was {} at step 0).",
            (share * 100.0).round(),
            (stuck_then * 100.0).round(),
            num(t.now()),
            num(t.start)
        )
    } else if t.rose() || t.worse_than_start() {
        format!(
            "The loss rose from {} at step 0 to a peak of {} and is now {}: training made the model worse than it was untrained.",
            num(t.start),
            num(t.peak()),
            num(t.now())
        )
    } else {
        format!(
            "The model's output collapsed to a constant (its std over the training set fell from {} to {}): the loss came down to {} and went back up to {}.",
            num(init_std),
            num(t.points.last().and_then(|p| p.out_std).unwrap_or(0.0)),
            num(t.best()),
            num(t.now())
        )
    };
    if let (Some((k, share)), Some(stats)) = (died, d.e.stats) {
        sentence.push_str(&format!(
            " {}% of the ReLU units of {} have died on the way (at the start: {}%).",
            (share * 100.0).round(),
            block_label(k, stats.layers.len()),
            (dead_then * 100.0).round()
        ));
    }
    let f = Finding::new(Severity::Error, Problem::LearningRateTooHigh, checklist::LEARNING_RATE, "trajectory", sentence)
        .cause(format!(
            "the steps of {} are too large: they overshoot the valley, push units into their flat tails or kill them, and the updates then shrink to nothing (tiny updates here do not mean the rate is too low)",
            lr_text(d.e.cfg)
        ))
        .fix(format!("lower the learning rate (try {}) and start again from step 0", rate(d.e.cfg.lr / 10.0)))
        .evidence("start loss", t.start)
        .evidence("peak loss", t.peak())
        .evidence("loss now", t.now());
    d.explain(&[
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::DeadUnits,
        Problem::Saturated,
        Problem::CannotOverfit,
        Problem::NonFinite,
    ]);
    d.push(f);
}

fn oscillating(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    if !t.oscillates() || !d.open(Problem::Oscillating) {
        return;
    }
    let intervals = t.points.len().saturating_sub(1);
    let lows_highs: Vec<f64> = t.points.iter().map(|p| p.loss).collect();
    let lo = lows_highs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = lows_highs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let f = Finding::new(
        Severity::Warning,
        Problem::Oscillating,
        checklist::LEARNING_RATE,
        "trajectory",
        format!(
            "The training loss jumps back up in {} of {} intervals over {} steps, between {} and {}, instead of settling.",
            t.swings(),
            intervals,
            t.probe_steps(),
            num(lo),
            num(hi)
        ),
    )
    .cause(format!("the steps of {} are too large for this valley: they jump across it instead of descending", lr_text(d.e.cfg)))
    .fix(format!(
        "lower the learning rate (try {}), raise the batch size, or decay the rate with a schedule",
        rate(d.e.cfg.lr / 3.0)
    ))
    .evidence("up-swings", t.swings() as f64)
    .evidence("intervals", intervals as f64);
    d.explain(&[Problem::LearningRateTooLow, Problem::CannotOverfit]);
    d.push(f);
}

fn too_low(d: &mut Diagnosis) {
    let t = d.e.trajectory;
    let Some(stats) = d.e.stats else { return };
    let ratio = stats.net_update_ratio();
    if !t.stalled() || !ratio.is_finite() || ratio >= LOW_RATIO || !d.open(Problem::LearningRateTooLow) {
        return;
    }
    let adaptive = d.e.cfg.optimizer.per_weight_eps().is_some();
    let factor = (1e-3 / ratio).clamp(3.0, 1000.0);
    let suggestion = d.e.cfg.lr * if adaptive { factor.min(100.0) } else { factor };
    let f = Finding::new(
        Severity::Warning,
        Problem::LearningRateTooLow,
        checklist::LEARNING_RATE,
        "trajectory",
        format!(
            "By step {} the loss is {} against {} at the start ({}% lower), and each step changes the weights by {} of their size, below the healthy ~1e-3.",
            t.points.last().map_or(0, |p| p.step),
            num(t.now()),
            num(t.start),
            (t.progress() * 100.0).round(),
            num(ratio)
        ),
    )
    .cause(format!("the steps of {} are too small to make progress", lr_text(d.e.cfg)))
    .fix(format!("raise the learning rate (try {})", rate(suggestion)))
    .evidence("update/weight ratio", ratio)
    .evidence("progress", t.progress());
    d.explain(&[Problem::CannotOverfit]);
    d.push(f);
}

// ---- regularization ----

fn regularization(d: &mut Diagnosis) {
    penalty_dominates(d);
    if let Some(shift) = d.e.shift {
        for f in shift.findings().into_iter().filter(|f| f.problem == Problem::VarianceShift) {
            d.push(f);
        }
    }
}

/// The penalty dominates when it outweighs the data loss *and* is a sizable
/// share of the starting loss (a small penalty always outweighs the data
/// loss of a model that has converged), or when it outweighed it at the
/// start and the run stalls (a strong penalty shrinks the weights to 0 and
/// then barely shows: the model just stops learning).
fn penalty_dominates(d: &mut Diagnosis) {
    let e = d.e;
    let t = e.trajectory;
    let uniform = t.uniform;
    let now = e.loss.filter(|p| p.dominates(uniform));
    let start = e.initial_penalty.filter(|&p| {
        let data = e.initial.map_or(f64::INFINITY, |i| i.measured);
        p > data && t.stalled()
    });
    let f = if let Some(parts) = now {
        match parts.findings(uniform).into_iter().next() {
            Some(f) => f,
            None => return,
        }
    } else if let Some(p) = start {
        let data = e.initial.map_or(f64::NAN, |i| i.measured);
        Finding::new(
            Severity::Warning,
            Problem::PenaltyDominates,
            checklist::LOSS_SCALES,
            "loss_breakdown",
            format!(
                "At the start the penalty ({}) is {}× the data loss ({}), and the loss has since fallen only {}%.",
                num(p),
                num(p / data),
                num(data),
                (t.progress() * 100.0).round()
            ),
        )
        .cause("the regularization strength λ is too large: training shrinks every weight toward 0 instead of fitting the data")
        .fix("lower λ (by 10× or more) until the penalty is a fraction of the data loss; check the data loss with the penalty off")
        .evidence("initial penalty / data loss", p / data)
        .evidence("progress", t.progress())
    } else {
        return;
    };
    d.explain(&[
        Problem::LearningRateTooLow,
        Problem::LearningRateTooHigh,
        Problem::CannotOverfit,
        Problem::Oscillating,
    ]);
    d.push(f);
}

// ---- symptoms without a cause found ----

fn symptoms(d: &mut Diagnosis) {
    if let Some(nf) = d.e.non_finite {
        if d.open(Problem::NonFinite) {
            d.push(super::sentinel::finding(nf, d.e.places));
        }
    }
    if d.open(Problem::CannotOverfit) {
        let found: Vec<Finding> =
            d.e.overfit.iter().flat_map(|o| o.findings()).filter(|f| f.problem == Problem::CannotOverfit).collect();
        d.out.extend(found);
    }
}
