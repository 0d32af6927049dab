//! The trainer: one step = one mini-batch through forward, loss, backward,
//! penalties, clipping and the optimizer update.
//!
//! Each epoch visits the training set in an order reshuffled with the
//! experiment's [`Stream::Shuffle`] generator (the benchmark workloads turn
//! reshuffling off, as TF Playground does). Training stops cleanly at the
//! first non-finite value and says where it appeared ([`NonFinite`]).
//!
//! Submodules: `step` (one step, whole or a layer at a time, and its
//! figures), `evaluation` (losses over the data, whole or in slices),
//! `drawing` (what the page draws from a trainer: points, digit
//! samples, layer outputs), `hooks` (the seams where code from outside, the bug lab, changes a
//! step); the target encoding lives in [`crate::targets`].

use crate::config::{self, Change, Config, DataKind, Live};
use crate::data::{self, features, RawData};
use crate::error::EngineError;
use crate::fingerprint::{self, Fingerprint};
use crate::history::History;
use crate::model::{Model, ModelSpec, PredictScratch};
use crate::optim::Optimizer;
use crate::rng::{Rng, Stream, Uniform01};
use crate::schedule;
use ndarray::{Array2, Axis};

mod drawing;
mod evaluation;
pub mod hooks;
mod step;
pub use drawing::{DigitSample, PlanePoint};
pub use evaluation::Evaluation;
pub use hooks::{Grads, Hooks, NoHooks, StepHooks};
pub use step::{LastUpdate, NonFinite, PartialStep, StepOutcome, StepProbe, StepStats, TensorKind};

pub use crate::targets::{Encoding, Split, Task};

/// Mechanics of the epoch loop that the benchmark workloads pin down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrainOptions {
    /// Reshuffle the training order at the start of every epoch.
    pub reshuffle: bool,
    /// Skip the last partial batch of an epoch.
    pub drop_last: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { reshuffle: true, drop_last: false }
    }
}

/// A training run.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Trainer {
    /// The experiment with the live settings in force now, and no changes
    /// (those are in `changes`; [`Trainer::experiment`] has the whole).
    pub cfg: Config,
    /// The live settings at step 0.
    start: Live,
    /// The run's changes to the live settings, replayed at their steps.
    changes: Vec<Change>,
    /// The network (f32).
    pub model: Model<f32>,
    /// The optimizer and its state.
    pub optimizer: Optimizer<f32>,
    /// Training examples.
    pub train: Split<f32>,
    /// Test examples.
    pub test: Split<f32>,
    /// Target encoding.
    pub encoding: Encoding,
    /// Input mapping for planar data: features then standardization.
    pub input_map: Option<InputMap>,
    /// Epoch mechanics.
    pub opts: TrainOptions,
    /// Recorded losses.
    pub history: History,
    /// Steps whose gradient was clipped.
    pub clipped_steps: u64,
    /// Figures of the last step.
    pub last: StepStats,
    /// The last step's gradient and change of every parameter.
    #[serde(skip)]
    pub last_update: LastUpdate,
    /// The training set before feature mapping (for drawing and reset).
    pub raw_train: RawData,
    /// The test set before feature mapping.
    pub raw_test: RawData,
    /// Instruments' per-step capture; `None` (the default) captures nothing.
    #[serde(skip)]
    pub probe: Option<Box<StepProbe>>,
    /// Code from outside at the step's seams (default: none). A snapshot
    /// saves their state apart ([`crate::snapshot`]).
    #[serde(skip)]
    hooks: Hooks,
    order: Vec<usize>,
    cursor: usize,
    epoch: u64,
    step: u64,
    shuffle_rng: Rng,
    dropout_rng: Rng,
    #[serde(skip)] // a working buffer
    batch_x: Vec<f32>,
    #[serde(skip)] // a working buffer
    batch_t: Vec<f32>,
    #[serde(skip)] // a working buffer
    d_out: Vec<f32>,
    #[serde(skip)] // a working buffer
    scratch: PredictScratch<f32>,
    diverged: Option<NonFinite>,
}

/// Model inputs of the training and test sets, and the map that made them.
type ModelInputs = (Array2<f64>, Array2<f64>, Option<InputMap>);

/// The map from a raw planar point to model inputs (features, then scaling).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct InputMap {
    /// Enabled features, in order.
    pub features: Vec<crate::config::Feature>,
    /// Standardization fitted on the training set (identity when off).
    pub scaler: features::Standardizer,
}

impl InputMap {
    /// Model inputs for the raw point (x1, x2), written into `out`.
    pub fn map_point(&self, x1: f64, x2: f64, out: &mut [f64]) {
        features::feature_row(x1, x2, &self.features, out);
        self.scaler.apply_row(out);
    }
}

impl Trainer {
    /// Builds the whole experiment from a config: data (seeded), split,
    /// features, model (seeded) and optimizer.
    pub fn from_config(cfg: &Config) -> Result<Self, EngineError> {
        Self::from_config_with(cfg, Hooks::default())
    }

    /// [`Trainer::from_config`] with `hooks` at the step's seams.
    pub fn from_config_with(cfg: &Config, hooks: Hooks) -> Result<Self, EngineError> {
        let mut data_rng = Rng::new(cfg.seed, Stream::Data);
        let raw = data::generate(&cfg.data, &mut data_rng)?;
        let (train, test) = data::split(&raw, cfg.data.train_pct, &mut data_rng);
        Self::with_hooks(cfg, &train, &test, TrainOptions::default(), hooks)
    }

    /// Builds a trainer on given raw train and test sets (the benchmark uses
    /// this with the workloads' own data generator).
    pub fn new(cfg: &Config, train: &RawData, test: &RawData, opts: TrainOptions) -> Result<Self, EngineError> {
        Self::with_hooks(cfg, train, test, opts, Hooks::default())
    }

    /// [`Trainer::new`] with `hooks` at the step's seams.
    pub fn with_hooks(
        cfg: &Config,
        train: &RawData,
        test: &RawData,
        opts: TrainOptions,
        hooks: Hooks,
    ) -> Result<Self, EngineError> {
        if train.is_empty() {
            return Err(EngineError::InvalidConfig("the training set is empty".into()));
        }
        if cfg.hidden.iter().any(|l| l.units == 0) {
            return Err(EngineError::InvalidConfig("every hidden layer needs at least one unit".into()));
        }
        let encoding = Encoding::new(&train.labels, cfg.loss, cfg.output_act)?;
        let (train_x, test_x, input_map) = Self::inputs(cfg, train, test, hooks.0.as_ref())?;
        let mut train_split = Split::new(&train_x, train, &encoding);
        hooks.0.training_split(&mut train_split);
        let test_split = Split::new(&test_x, test, &encoding);
        let spec = ModelSpec::from_config(cfg, train_x.ncols(), encoding.n_out);
        let model = Model::build(&spec, &mut Rng::new(cfg.seed, Stream::Init));
        let optimizer = Optimizer::new(cfg.optimizer, model.n_params());
        let mut trainer = Self {
            cfg: Config { changes: Vec::new(), ..cfg.clone() },
            start: cfg.live(),
            changes: cfg.changes.clone(),
            optimizer,
            order: (0..train_split.len()).collect(),
            train: train_split,
            test: test_split,
            encoding,
            input_map,
            opts,
            history: History::default(),
            clipped_steps: 0,
            last: StepStats::default(),
            last_update: LastUpdate::default(),
            raw_train: train.clone(),
            raw_test: test.clone(),
            probe: None,
            hooks,
            model,
            cursor: 0,
            epoch: 0,
            step: 0,
            shuffle_rng: Rng::new(cfg.seed, Stream::Shuffle),
            dropout_rng: Rng::new(cfg.seed, Stream::Dropout),
            batch_x: Vec::new(),
            batch_t: Vec::new(),
            d_out: Vec::new(),
            scratch: PredictScratch::default(),
            diverged: None,
        };
        trainer.start_epoch();
        Ok(trainer)
    }

    fn inputs(
        cfg: &Config,
        train: &RawData,
        test: &RawData,
        hooks: &dyn StepHooks,
    ) -> Result<ModelInputs, EngineError> {
        let standardize = hooks.standardize(cfg.data.standardize);
        if !train.planar || cfg.data.kind == DataKind::Digits {
            let mut tr = train.x.clone();
            let mut te = test.x.clone();
            hooks.raw_inputs(&mut tr, &mut te);
            if standardize {
                let scaler = features::Standardizer::fit(tr.view());
                scaler.apply(&mut tr);
                scaler.apply(&mut te);
            }
            return Ok((tr, te, None));
        }
        if cfg.data.features.is_empty() {
            return Err(EngineError::InvalidConfig("select at least one input feature".into()));
        }
        let mut tr = features::featurize(train.x.view(), &cfg.data.features);
        let mut te = features::featurize(test.x.view(), &cfg.data.features);
        let scaler = if standardize {
            features::Standardizer::fit(tr.view())
        } else {
            features::Standardizer::identity(tr.ncols())
        };
        scaler.apply(&mut tr);
        scaler.apply(&mut te);
        Ok((tr, te, Some(InputMap { features: cfg.data.features.clone(), scaler })))
    }

    /// Updates applied so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Epochs completed.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The learning rate the next step will use.
    pub fn lr(&self) -> f64 {
        self.cfg.lr * schedule::multiplier(self.cfg.schedule, self.step)
    }

    /// Where training diverged, if it did.
    pub fn diverged(&self) -> Option<&NonFinite> {
        self.diverged.as_ref()
    }

    /// The state's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint::of_model(&self.model)
    }

    /// Mini-batch size actually used (the configured one, at most the training set).
    pub fn batch_size(&self) -> usize {
        self.cfg.batch_size.clamp(1, self.train.len())
    }

    /// Examples per epoch (the last partial batch is skipped with `drop_last`).
    pub fn samples_per_epoch(&self) -> usize {
        let (n, bs) = (self.train.len(), self.batch_size());
        if self.opts.drop_last {
            n / bs * bs
        } else {
            n
        }
    }

    fn start_epoch(&mut self) {
        self.cursor = 0;
        if self.opts.reshuffle {
            self.shuffle_rng.shuffle(&mut self.order);
        }
    }

    /// Indices of the next mini-batch (in training order), without consuming it.
    pub fn next_batch_indices(&self) -> &[usize] {
        let end = (self.cursor + self.batch_size()).min(self.order.len());
        &self.order[self.cursor..end]
    }

    /// The next mini-batch's inputs `[b, n_in]` and targets `[b, n_out]`.
    pub fn next_batch(&self) -> (Vec<f32>, Vec<f32>) {
        let (mut x, mut t) = (Vec::new(), Vec::new());
        gather(&self.train, self.next_batch_indices(), &mut x, &mut t);
        (x, t)
    }

    /// The hooks at the step's seams.
    pub fn hooks(&self) -> &dyn StepHooks {
        self.hooks.0.as_ref()
    }

    /// Puts `hooks` at the step's seams (a restored snapshot's).
    pub fn replace_hooks(&mut self, hooks: Hooks) {
        self.hooks = hooks;
    }

    /// The mean data loss of outputs `out: [n, n_out]` against targets `t`,
    /// exactly as training computes it (hooks included); writes
    /// `d loss / d out` into `grad` when given.
    pub fn data_loss_of(&self, out: &[f32], t: &[f32], grad: Option<&mut [f32]>) -> f64 {
        self.hooks.0.data_loss(self.cfg.loss, out, t, self.model.n_out, grad)
    }

    /// The backward pass of `model` from `d_out` as a training step runs
    /// it: the model's backward, then the hooks' [`StepHooks::after_backward`].
    pub fn backward_as_trained(&self, model: &mut Model<f32>, d_out: &[f32]) {
        model.backward(d_out);
        self.hooks.0.after_backward(&model.infos, Grads::F32(&mut model.grads));
    }

    /// A copy that trains on the training rows `idx` only, all of them in
    /// every step (batch = `idx.len()`, fixed order), from the current
    /// weights with a fresh optimizer, history and step count, and no probe
    /// (instruments issue: the tiny-batch overfit check). The hooks stay
    /// (told of the fresh run: [`StepHooks::restart`]).
    pub fn with_training_subset(&self, idx: &[usize]) -> Trainer {
        let mut t = self.clone();
        t.train = Split {
            x: self.train.x.select(Axis(0), idx),
            targets: self.train.targets.select(Axis(0), idx),
            labels: self.train.labels.as_ref().map(|l| idx.iter().map(|&i| l[i]).collect()),
        };
        t.order = (0..idx.len()).collect();
        t.cursor = 0;
        t.cfg.batch_size = idx.len().max(1);
        (t.start, t.changes) = (t.cfg.live(), Vec::new());
        t.opts = TrainOptions { reshuffle: false, drop_last: false };
        t.optimizer = Optimizer::new(self.cfg.optimizer, self.model.n_params());
        t.history = History::default();
        (t.clipped_steps, t.step, t.epoch, t.diverged, t.probe) = (0, 0, 0, None, None);
        t.last_update = LastUpdate::default();
        t.hooks.0.restart();
        t
    }
}

/// What a live settings change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LiveChange {
    /// Applied mid-run; weights and optimizer state kept.
    Applied,
    /// Applied; weights kept, the optimizer was replaced by a new kind (fresh state).
    NewOptimizer,
    /// The change is structural: build a new trainer from the config.
    Rebuild,
    /// The run already holds [`config::MAX_CHANGES`] changes, the most its
    /// link replays: the change is not applied; a new trainer from the
    /// config starts a new run (and the page says why).
    Full,
}

impl Trainer {
    /// A clean run of this experiment with the live settings in force now and
    /// no changes: same data, same initial weights, same batch order
    /// (nothing is re-drawn differently).
    pub fn reset(&mut self) {
        let hooks = Hooks(self.hooks.0.fresh());
        if let Ok(fresh) = Self::with_hooks(&self.cfg, &self.raw_train, &self.raw_test, self.opts, hooks) {
            *self = fresh;
        }
    }

    /// Applies a new config without losing state where possible: learning
    /// rate, schedule, batch size, penalties, clipping and the
    /// optimizer's hyperparameters apply mid-run; a different optimizer kind
    /// keeps the weights with fresh optimizer state; anything else (data,
    /// features, architecture, initialization, loss, seed) needs a rebuild.
    /// `cfg`'s own changes are ignored. Mid-run, the change is recorded at
    /// this step (replacing the changes planned for later,
    /// [`config::record_change`]); at step 0 it is the new start. A run
    /// holds at most [`config::MAX_CHANGES`] changes, the most its link
    /// replays: one more is refused ([`LiveChange::Full`]; a new run with
    /// the settings now is the way on).
    pub fn apply_live(&mut self, cfg: &Config) -> LiveChange {
        let mut same = cfg.clone();
        same.set_live(&self.cfg.live());
        same.step = self.cfg.step;
        same.changes = Vec::new();
        if same != self.cfg {
            return LiveChange::Rebuild;
        }
        let live = cfg.live();
        let mut after = self.changes.clone();
        config::record_change(&mut after, &self.start, self.step, live);
        if after.len() > config::MAX_CHANGES {
            return LiveChange::Full;
        }
        self.cfg.step = cfg.step;
        if self.step == 0 {
            self.start = live;
        }
        config::record_change(&mut self.changes, &self.start, self.step, live);
        self.set_live_settings(&live)
    }

    /// Puts `live` in force now; a different optimizer rule starts with
    /// fresh state.
    fn set_live_settings(&mut self, live: &Live) -> LiveChange {
        let kind_changed = !live.optimizer.same_rule(&self.cfg.optimizer);
        self.cfg.set_live(live);
        if kind_changed {
            self.optimizer = Optimizer::new(live.optimizer, self.model.n_params());
            LiveChange::NewOptimizer
        } else {
            self.optimizer.kind = live.optimizer;
            LiveChange::Applied
        }
    }

    /// After a step: the change planned once this many steps are trained,
    /// if any, in force (as the page applies a control changed now).
    fn apply_planned_change(&mut self) {
        let planned = self.changes.iter().find(|c| c.at == self.step).map(|c| c.live);
        if let Some(live) = planned.filter(|l| *l != self.cfg.live()) {
            self.set_live_settings(&live);
        }
    }

    /// A copy with the same state and no changes planned for later steps,
    /// for a run on the side that sets the live settings itself (the
    /// learning-rate finder).
    pub fn without_planned_changes(&self) -> Trainer {
        let mut t = self.clone();
        t.changes.retain(|c| c.at <= t.step);
        t
    }

    /// The whole experiment: the settings at step 0 and the changes since
    /// (and planned), as a link writes it.
    pub fn experiment(&self) -> Config {
        let mut cfg = Config { changes: self.changes.clone(), ..self.cfg.clone() };
        cfg.set_live(&self.start);
        cfg
    }
}

/// Copies the rows `idx` of a split into flat batch buffers.
fn gather(split: &Split<f32>, idx: &[usize], bx: &mut Vec<f32>, bt: &mut Vec<f32>) {
    bx.clear();
    bt.clear();
    for &i in idx {
        bx.extend(split.x.row(i).iter());
        bt.extend(split.targets.row(i).iter());
    }
}
