//! The bug lab: switches that plant the classic silent bugs of neural-network
//! code, so that a learner can watch an instrument catch each one.
//!
//! A bug travels in the link beside the experiment
//! ([`crate::engine::link::Link::bug`], link key `bug`), so a link
//! reproduces it; it is not part of the experiment's [`Config`]. `bug=<name>` names it; `bug=mystery:<token>` plants it
//! without saying which ("find the bug"): the token is an opaque hash of the
//! name, and [`PlantedBug::hidden`] tells the page to keep it secret until
//! the learner presses "reveal".
//!
//! The engine knows nothing of them: [`BugHooks`] plants a bug through the
//! trainer's seams ([`StepHooks`]), and [`trainer`] builds an experiment's
//! trainer with its planted bug. This module names the bugs, describes them,
//! plants them and says which instrument catches each:
//!
//! | bug | what the code does wrong | caught by |
//! |---|---|---|
//! | `frozen-layer` | the update is never applied to the first dense layer | [`layer_stats`](crate::engine::instruments::layer_stats): update/weight ratio 0 with a live gradient |
//! | `wrong-sign` | the first dense layer's backward returns −∂L/∂W, −∂L/∂b | [`gradient_check`](crate::engine::instruments::gradient_check): relative error ≈ 1 |
//! | `no-zero-grad` | gradients are never zeroed, so they accumulate over steps | [`update_check`](crate::engine::instruments::update_check): applied gradient ≠ the batch's gradient |
//! | `softmax-twice` | the loss receives softmax(z) (σ(z) for one logit) instead of the logits z | [`overfit`](crate::engine::instruments::overfit): the loss stalls although every point is right |
//! | `shuffled-labels` | the training labels are permuted apart from their inputs | [`label_agreement`](crate::engine::instruments::label_agreement): neighbours agree only at chance |
//! | `raw-inputs` | standardization is skipped (digits: pixels left at 0–16) | [`input_scale`](crate::engine::instruments::input_scale) and [`initial_loss`](crate::engine::instruments::initial_loss) |
//! | `eval-dropout` | dropout stays on at evaluation | [`eval_mode`](crate::engine::instruments::eval_mode): evaluation is random |
//! | `stale-bn` | BN running statistics are never updated | [`variance_shift`](crate::engine::instruments::variance_shift): running statistics still at (0, 1) |
//!
//! Some bugs need a feature of the experiment to show (`softmax-twice` a
//! logit loss, `raw-inputs` standardization or digits, `eval-dropout` a
//! dropout layer, `stale-bn` a BatchNorm layer): see [`Bug::applies_to`].

use crate::engine::config::{Config, DataKind, LossKind, Named};
use crate::engine::error::EngineError;
use crate::engine::i18n;
use crate::engine::layers::Pass;
use crate::engine::loss;
use crate::engine::model::{Model, ParamInfo};
use crate::engine::rng::{Rng, Stream, Uniform01};
use crate::engine::scalar::Real;
use crate::engine::targets::Split;
use crate::engine::trainer::{Grads, Hooks, StepHooks, Trainer};
use ndarray::{Array2, Axis};
use std::any::Any;
use std::hash::Hasher;
use std::ops::Range;

/// A classic bug the lab can plant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Bug {
    /// The optimizer never updates the first dense layer.
    FrozenLayer,
    /// The first dense layer's parameter gradient has the wrong sign.
    WrongSign,
    /// Gradients are never zeroed between steps: they accumulate.
    NoZeroGrad,
    /// The loss applies softmax (σ for one logit) to outputs that already
    /// went through it: it receives probabilities, not logits.
    SoftmaxTwice,
    /// Training labels are shuffled apart from their inputs.
    ShuffledLabels,
    /// Inputs are fed without standardization (digits: at 0–16).
    RawInputs,
    /// Dropout is still applied at evaluation.
    EvalDropout,
    /// BatchNorm running statistics are never updated.
    StaleBn,
}

impl Bug {
    /// Every bug, in the lab's order.
    pub const ALL: [Bug; 8] = [
        Bug::FrozenLayer,
        Bug::WrongSign,
        Bug::NoZeroGrad,
        Bug::SoftmaxTwice,
        Bug::ShuffledLabels,
        Bug::RawInputs,
        Bug::EvalDropout,
        Bug::StaleBn,
    ];

    /// One sentence saying what the planted code does wrong (for "reveal").
    pub fn description(self) -> &'static str {
        match self {
            Bug::FrozenLayer => i18n::text("bug.frozen_layer.description"),
            Bug::WrongSign => i18n::text("bug.wrong_sign.description"),
            Bug::NoZeroGrad => i18n::text("bug.no_zero_grad.description"),
            Bug::SoftmaxTwice => i18n::text("bug.softmax_twice.description"),
            Bug::ShuffledLabels => i18n::text("bug.shuffled_labels.description"),
            Bug::RawInputs => i18n::text("bug.raw_inputs.description"),
            Bug::EvalDropout => i18n::text("bug.eval_dropout.description"),
            Bug::StaleBn => i18n::text("bug.stale_bn.description"),
        }
    }

    /// Which instrument catches it, in a few words.
    pub fn caught_by(self) -> &'static str {
        match self {
            Bug::FrozenLayer => i18n::text("bug.frozen_layer.caught_by"),
            Bug::WrongSign => i18n::text("bug.wrong_sign.caught_by"),
            Bug::NoZeroGrad => i18n::text("bug.no_zero_grad.caught_by"),
            Bug::SoftmaxTwice => i18n::text("bug.softmax_twice.caught_by"),
            Bug::ShuffledLabels => i18n::text("bug.shuffled_labels.caught_by"),
            Bug::RawInputs => i18n::text("bug.raw_inputs.caught_by"),
            Bug::EvalDropout => i18n::text("bug.eval_dropout.caught_by"),
            Bug::StaleBn => i18n::text("bug.stale_bn.caught_by"),
        }
    }

    /// Its label (the bug picker, the lab's status line): in English its
    /// name (the link value), in another language what it does.
    pub fn option(self) -> String {
        match self {
            Bug::FrozenLayer => crate::tr!("bug.frozen_layer.option"),
            Bug::WrongSign => crate::tr!("bug.wrong_sign.option"),
            Bug::NoZeroGrad => crate::tr!("bug.no_zero_grad.option"),
            Bug::SoftmaxTwice => crate::tr!("bug.softmax_twice.option"),
            Bug::ShuffledLabels => crate::tr!("bug.shuffled_labels.option"),
            Bug::RawInputs => crate::tr!("bug.raw_inputs.option"),
            Bug::EvalDropout => crate::tr!("bug.eval_dropout.option"),
            Bug::StaleBn => crate::tr!("bug.stale_bn.option"),
        }
    }

    /// Whether the bug changes anything in this experiment.
    pub fn applies_to(self, cfg: &Config) -> bool {
        match self {
            Bug::FrozenLayer | Bug::WrongSign | Bug::NoZeroGrad | Bug::ShuffledLabels => true,
            Bug::SoftmaxTwice => cfg.loss != LossKind::Mse,
            Bug::RawInputs => cfg.data.standardize || cfg.data.kind == DataKind::Digits,
            Bug::EvalDropout => cfg.hidden.iter().any(|l| l.dropout > 0.0),
            Bug::StaleBn => cfg.hidden.iter().any(|l| l.batch_norm),
        }
    }

    /// The opaque token of a hidden bug: 8 hex digits of an FNV-1a hash of
    /// its name (stable across versions, distinct for every bug).
    pub fn token(self) -> String {
        let mut h = fnv::FnvHasher::default();
        h.write(b"gradlab/bug-lab/");
        h.write(self.name().as_bytes());
        format!("{:08x}", h.finish() as u32)
    }

    /// The bug whose [`Bug::token`] is `token`.
    pub fn from_token(token: &str) -> Option<Bug> {
        Bug::ALL.into_iter().find(|b| b.token() == token)
    }
}

impl Named for Bug {
    const VARIANTS: &'static [Self] = &Bug::ALL;

    fn name(self) -> &'static str {
        match self {
            Bug::FrozenLayer => "frozen-layer",
            Bug::WrongSign => "wrong-sign",
            Bug::NoZeroGrad => "no-zero-grad",
            Bug::SoftmaxTwice => "softmax-twice",
            Bug::ShuffledLabels => "shuffled-labels",
            Bug::RawInputs => "raw-inputs",
            Bug::EvalDropout => "eval-dropout",
            Bug::StaleBn => "stale-bn",
        }
    }
}

/// A bug planted in an experiment, and whether the link hides its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlantedBug {
    /// Which bug.
    pub bug: Bug,
    /// "Find the bug": the link and the page do not name it until revealed.
    pub hidden: bool,
}

/// Prefix of a hidden bug's link value.
pub const MYSTERY_PREFIX: &str = "mystery:";

impl PlantedBug {
    /// The link value: the bug's name, or `mystery:<token>` when hidden.
    pub fn to_link_value(self) -> String {
        if self.hidden {
            format!("{MYSTERY_PREFIX}{}", self.bug.token())
        } else {
            self.bug.name().to_string()
        }
    }

    /// Parses a link value written by [`PlantedBug::to_link_value`].
    pub fn from_link_value(s: &str) -> Result<Self, String> {
        if let Some(token) = s.strip_prefix(MYSTERY_PREFIX) {
            return Bug::from_token(token)
                .map(|bug| PlantedBug { bug, hidden: true })
                .ok_or_else(|| crate::tr!("bug.lab.unknown_mystery"));
        }
        Bug::from_name(s).map(|bug| PlantedBug { bug, hidden: false }).ok_or_else(|| {
            let names: Vec<&str> = Bug::ALL.iter().map(|b| b.name()).collect();
            crate::tr!("bug.lab.one_of", names = names.join(", "), mystery = format!("{MYSTERY_PREFIX}<token>"))
        })
    }

    /// What the page may show before "reveal": the name, or "a hidden bug".
    pub fn label(self) -> &'static str {
        if self.hidden {
            i18n::text("bug.lab.hidden")
        } else {
            self.bug.name()
        }
    }
}

// ---- Planting: the trainer's seams, as the buggy code would run them. ----

/// The trainer of `cfg` with `bug` planted (a plain trainer without one).
pub fn trainer(cfg: &Config, bug: Option<PlantedBug>) -> Result<Trainer, EngineError> {
    Trainer::from_config_with(cfg, hooks(cfg, bug))
}

/// The hooks that plant `bug` in the experiment `cfg` (none without one).
pub fn hooks(cfg: &Config, bug: Option<PlantedBug>) -> Hooks {
    match bug {
        Some(p) => Hooks(Box::new(BugHooks::new(p, cfg))),
        None => Hooks::default(),
    }
}

/// The bug planted in `trainer`, if any.
pub fn planted(trainer: &Trainer) -> Option<Bug> {
    planted_bug(trainer).map(|p| p.bug)
}

/// The bug planted in `trainer` and whether its link hides it.
pub fn planted_bug(trainer: &Trainer) -> Option<PlantedBug> {
    trainer.hooks().as_any().downcast_ref::<BugHooks>().map(|h| PlantedBug { bug: h.bug, hidden: h.hidden })
}

/// Hooks from the bytes [`StepHooks::save`] wrote (no bytes: no hooks), for
/// a trainer snapshot.
pub fn restore_hooks(bytes: &[u8]) -> Result<Hooks, EngineError> {
    if bytes.is_empty() {
        return Ok(Hooks::default());
    }
    let hooks: BugHooks = postcard::from_bytes(bytes)
        .map_err(|e| EngineError::InvalidConfig(format!("damaged bug-lab state in a snapshot: {e}")))?;
    Ok(Hooks(Box::new(hooks)))
}

/// One planted bug at the trainer's seams, and the state it keeps.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BugHooks {
    bug: Bug,
    /// The link hides which bug it is ("find the bug").
    hidden: bool,
    seed: u64,
    /// The experiment trains on digits (`raw-inputs` rescales their pixels).
    digits: bool,
    /// `no-zero-grad`: the never-reset gradient sum.
    grad_acc: Vec<f32>,
    /// `frozen-layer`: the frozen layer's parameters, restored after each update.
    frozen_copy: Vec<f32>,
    /// `eval-dropout`: dropout masks drawn at evaluation (apart from training's).
    eval_rng: Rng,
}

impl BugHooks {
    /// `planted` in the experiment `cfg`.
    pub fn new(planted: PlantedBug, cfg: &Config) -> Self {
        Self {
            bug: planted.bug,
            hidden: planted.hidden,
            seed: cfg.seed,
            digits: cfg.data.kind == DataKind::Digits,
            grad_acc: Vec::new(),
            frozen_copy: Vec::new(),
            eval_rng: Rng::new(cfg.seed ^ EVAL_SEED_SALT, Stream::Probe),
        }
    }
}

impl StepHooks for BugHooks {
    fn clone_box(&self) -> Box<dyn StepHooks> {
        Box::new(self.clone())
    }

    fn fresh(&self) -> Box<dyn StepHooks> {
        let eval_rng = Rng::new(self.seed ^ EVAL_SEED_SALT, Stream::Probe);
        Box::new(Self { grad_acc: Vec::new(), frozen_copy: Vec::new(), eval_rng, ..self.clone() })
    }

    fn restart(&mut self) {
        self.grad_acc.iter_mut().for_each(|g| *g = 0.0);
    }

    fn save(&self) -> Vec<u8> {
        // Serializing plain data into a Vec cannot fail.
        postcard::to_stdvec(self).unwrap_or_default()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn standardize(&self, configured: bool) -> bool {
        configured && self.bug != Bug::RawInputs
    }

    fn raw_inputs(&self, train: &mut Array2<f64>, test: &mut Array2<f64>) {
        if self.bug == Bug::RawInputs && self.digits {
            train.mapv_inplace(|v| v * RAW_PIXEL_SCALE);
            test.mapv_inplace(|v| v * RAW_PIXEL_SCALE);
        }
    }

    fn training_split(&self, split: &mut Split<f32>) {
        if self.bug == Bug::ShuffledLabels {
            shuffle_labels(&mut split.targets, &mut split.labels, self.seed);
        }
    }

    fn pass(&self, pass: Pass) -> Pass {
        if self.bug == Bug::StaleBn {
            Pass { update_running: false, ..pass }
        } else {
            pass
        }
    }

    fn data_loss(&self, kind: LossKind, out: &[f32], t: &[f32], n_out: usize, grad: Option<&mut [f32]>) -> f64 {
        if self.bug == Bug::SoftmaxTwice {
            squashed_loss_and_grad(kind, out, t, n_out, grad)
        } else {
            loss::loss_and_grad(kind, out, t, n_out, grad)
        }
    }

    /// `wrong-sign`: the first dense layer's parameter gradients negated.
    fn after_backward(&self, infos: &[ParamInfo], mut grads: Grads<'_>) {
        if self.bug != Bug::WrongSign {
            return;
        }
        for info in infos.iter().filter(|info| info.layer == 0) {
            match &mut grads {
                Grads::F32(g) => g[info.range()].iter_mut().for_each(|v| *v = -*v),
                Grads::F64(g) => g[info.range()].iter_mut().for_each(|v| *v = -*v),
            }
        }
    }

    fn after_penalties(&mut self, grads: &mut [f32]) {
        if self.bug == Bug::NoZeroGrad {
            self.grad_acc.resize(grads.len(), 0.0);
            accumulate(&mut self.grad_acc, grads);
        }
    }

    fn update(&mut self, model: &mut Model<f32>, apply: &mut dyn FnMut(&mut Model<f32>)) {
        if self.bug != Bug::FrozenLayer {
            apply(model);
            return;
        }
        let frozen = frozen_range(model);
        self.frozen_copy.clear();
        self.frozen_copy.extend_from_slice(&model.params[frozen.clone()]);
        apply(model);
        model.params[frozen].copy_from_slice(&self.frozen_copy);
    }

    fn predict(&mut self, model: &Model<f32>, x: &[f32], out: &mut [f32]) -> bool {
        if self.bug == Bug::EvalDropout {
            predict_with_dropout(model, x, out, &mut self.eval_rng);
        }
        self.bug == Bug::EvalDropout
    }
}

/// `raw-inputs` on digits: pixels back at their original 0–16 scale.
pub const RAW_PIXEL_SCALE: f64 = 16.0;

/// Mixed into the seed of the `eval-dropout` generator (stream
/// [`Stream::Probe`]), so that its masks are apart from every other draw.
pub const EVAL_SEED_SALT: u64 = 0xB06_1AB;

/// `shuffled-labels`: permutes the rows of the training targets `[n, n_out]`
/// (and the class labels with them) by a seeded shuffle, apart from the inputs.
pub fn shuffle_labels<F: Copy>(targets: &mut Array2<F>, labels: &mut Option<Vec<usize>>, seed: u64) {
    let n = targets.nrows();
    let mut perm: Vec<usize> = (0..n).collect();
    Rng::new(seed ^ EVAL_SEED_SALT.rotate_left(17), Stream::Probe).shuffle(&mut perm);
    *targets = targets.select(Axis(0), &perm);
    if let Some(l) = labels.as_mut() {
        *l = perm.iter().map(|&i| l[i]).collect();
    }
}

/// `no-zero-grad`: the gradient buffer is never reset, so the step applies
/// `acc += grads`; both end up holding the running sum.
pub fn accumulate(acc: &mut [f32], grads: &mut [f32]) {
    for (a, g) in acc.iter_mut().zip(grads.iter_mut()) {
        *a += *g;
        *g = *a;
    }
}

/// `frozen-layer`: the parameter range of the first dense layer (layer 0,
/// always a dense layer: `W` then `b`, contiguous).
pub fn frozen_range<F>(model: &Model<F>) -> Range<usize> {
    let layer0 = model.infos.iter().filter(|i| i.layer == 0);
    let start = layer0.clone().map(|i| i.offset).min().unwrap_or(0);
    let end = layer0.map(|i| i.offset + i.len()).max().unwrap_or(start);
    start..end
}

/// `eval-dropout`: evaluation-mode outputs `out: [n, n_out]` of `x: [n, n_in]`
/// with dropout still drawing masks (from `rng`). Works on a copy, so the
/// training caches stay intact.
pub fn predict_with_dropout(model: &Model<f32>, x: &[f32], out: &mut [f32], rng: &mut Rng) {
    let mut m = model.clone();
    m.forward(x, Pass { bn_train: false, dropout: true, update_running: false }, rng);
    out.copy_from_slice(&m.output()[..out.len()]);
}

/// `softmax-twice`: the loss of `squash(out)` where `squash` is a row-wise
/// softmax (σ for one output), with the gradient chained back through it:
/// for softmax `dL/dz_j = p_j (g_j − Σ_k g_k p_k)`, for σ `dL/dz = g·p(1 − p)`.
pub fn squashed_loss_and_grad(
    kind: LossKind,
    out: &[f32],
    target: &[f32],
    n_out: usize,
    grad: Option<&mut [f32]>,
) -> f64 {
    let mut p = out.to_vec();
    for row in p.chunks_exact_mut(n_out.max(1)) {
        squash_row(row);
    }
    let Some(grad) = grad else {
        return loss::loss_and_grad(kind, &p, target, n_out, None);
    };
    let mut g = vec![0.0f32; p.len()];
    let l = loss::loss_and_grad(kind, &p, target, n_out, Some(&mut g));
    for ((d, p_row), g_row) in grad.chunks_exact_mut(n_out).zip(p.chunks_exact(n_out)).zip(g.chunks_exact(n_out)) {
        if n_out == 1 {
            d[0] = g_row[0] * p_row[0] * (1.0 - p_row[0]);
            continue;
        }
        let dot: f32 = g_row.iter().zip(p_row).map(|(&a, &b)| a * b).sum();
        for ((d_j, &p_j), &g_j) in d.iter_mut().zip(p_row).zip(g_row) {
            *d_j = p_j * (g_j - dot);
        }
    }
    l
}

/// Softmax of one row in place (σ when the row has one entry).
fn squash_row(row: &mut [f32]) {
    if row.len() == 1 {
        row[0] = row[0].sigmoid();
        return;
    }
    let m = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = Real::exp(*v - m);
        sum += *v;
    }
    row.iter_mut().for_each(|v| *v /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_distinct_opaque_and_round_trip() {
        let tokens: HashSet<String> = Bug::ALL.iter().map(|b| b.token()).collect();
        assert_eq!(tokens.len(), Bug::ALL.len());
        for bug in Bug::ALL {
            let hidden = PlantedBug { bug, hidden: true };
            let text = hidden.to_link_value();
            assert!(!text.contains(bug.name()) && text.len() == MYSTERY_PREFIX.len() + 8, "{text}");
            assert_eq!(PlantedBug::from_link_value(&text), Ok(hidden));
            let named = PlantedBug { bug, hidden: false };
            assert_eq!(PlantedBug::from_link_value(&named.to_link_value()), Ok(named));
            assert_eq!(hidden.label(), "a hidden bug");
        }
        assert!(PlantedBug::from_link_value("mystery:00000000").is_err());
        assert!(PlantedBug::from_link_value("nope").is_err());
    }

    #[test]
    fn squashed_loss_gradient_matches_central_differences() {
        for (n_out, kind) in [(3, LossKind::SoftmaxCe), (1, LossKind::Bce)] {
            let out: Vec<f32> = vec![0.3, -1.2, 2.0, 0.7, 0.1, -0.4][..2 * n_out].to_vec();
            let t: Vec<f32> = if n_out == 3 { vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0] } else { vec![1.0, 0.0] };
            let mut g = vec![0.0; out.len()];
            squashed_loss_and_grad(kind, &out, &t, n_out, Some(&mut g));
            for i in 0..out.len() {
                let h = 1e-2;
                let (mut a, mut b) = (out.clone(), out.clone());
                a[i] += h;
                b[i] -= h;
                let num = (squashed_loss_and_grad(kind, &a, &t, n_out, None)
                    - squashed_loss_and_grad(kind, &b, &t, n_out, None))
                    / (2.0 * h as f64);
                assert!((num - g[i] as f64).abs() < 1e-3, "{kind:?} {i}: {num} vs {}", g[i]);
            }
        }
        // Uniform logits over 3 classes: softmax again is uniform, so still ln 3.
        let l = squashed_loss_and_grad(LossKind::SoftmaxCe, &[0.0f32; 3], &[1.0, 0.0, 0.0], 3, None);
        assert!((l - crate::engine::math::ln(3.0)).abs() < 1e-6);
    }

    /// Every bug's state survives a snapshot: a restored trainer trains and
    /// evaluates on bit for bit (the accumulated gradient of `no-zero-grad`,
    /// the evaluation masks of `eval-dropout`, ...).
    #[test]
    fn a_snapshot_keeps_the_planted_bug_and_its_state() {
        use crate::engine::config::{Act, LayerSpec};
        use crate::engine::snapshot;
        let cfg = Config {
            data: crate::engine::config::DataConfig { kind: DataKind::Digits, ..Default::default() },
            loss: LossKind::SoftmaxCe,
            hidden: vec![
                LayerSpec { units: 12, act: Act::Relu, batch_norm: true, dropout: 0.2 },
                LayerSpec { units: 6, act: Act::Tanh, batch_norm: false, dropout: 0.0 },
            ],
            batch_size: 16,
            ..Config::default()
        };
        for bug in Bug::ALL {
            let link = bug.name();
            let mut original = trainer(&cfg, Some(PlantedBug { bug, hidden: false })).unwrap();
            (0..5).for_each(|_| assert_eq!(original.step(), crate::engine::trainer::StepOutcome::Ok));
            original.evaluate();
            let mut copy = snapshot::decode(&snapshot::encode(&original), restore_hooks).unwrap();
            assert_eq!(planted_bug(&copy), Some(PlantedBug { bug, hidden: false }));
            for _ in 0..6 {
                original.step();
                copy.step();
            }
            assert_eq!(copy.fingerprint(), original.fingerprint(), "{link}");
            let (a, b) = (original.evaluate(), copy.evaluate());
            assert_eq!(
                (a.train_loss.to_bits(), a.test_loss.to_bits()),
                (b.train_loss.to_bits(), b.test_loss.to_bits())
            );
        }
        let plain = trainer(&Config::default(), None).unwrap();
        assert_eq!(planted(&plain), None);
        assert!(snapshot::decode(&snapshot::encode(&plain), restore_hooks).is_ok());
    }

    #[test]
    fn accumulate_keeps_the_running_sum() {
        let (mut acc, mut g) = (vec![0.0f32; 2], vec![1.0f32, -2.0]);
        accumulate(&mut acc, &mut g);
        let mut g2 = vec![0.5f32, 0.5];
        accumulate(&mut acc, &mut g2);
        assert_eq!((acc, g2), (vec![1.5, -1.5], vec![1.5, -1.5]));
    }
}
