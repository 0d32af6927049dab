//! The doctor (checklist, all sections): measures everything about the
//! trainer's experiment on copies, then [`diagnosis`](super::diagnosis)
//! turns the measurements into ranked findings, each with its cause, its
//! fix and the numbers it rests on. The trainer itself is never changed.
//!
//! What it measures:
//! - at the initial weights: the initial loss, signals and gradients through
//!   the layers (`init_scale`), the inputs' scale;
//! - now: a gradient check of the next mini-batch, evaluation determinism,
//!   label agreement, a tiny-batch overfit (and the same without dropout
//!   when dropout might be what stops it);
//! - onwards: a probe that trains a copy [`DoctorOptions::probe_steps`]
//!   steps with every live instrument on, evaluating the training set
//!   [`DoctorOptions::probe_evals`] times: the loss trajectory the
//!   learning-rate verdicts rest on, per-layer statistics, the replayed
//!   update, BN statistics, and whether units stay symmetric.

use super::diagnosis::{diagnose, Evidence};
use super::finding::Finding;
use super::gradient_check::{self, GradientCheck};
use super::init_scale::{self, InitScale};
use super::initial_loss::{self, InitialLoss};
use super::input_scale::{self, InputScale};
use super::label_agreement::{self, LabelAgreement};
use super::layer_stats::{LayerSample, LayerStats};
use super::loss_breakdown::{LossBreakdown, LossParts};
use super::overfit::{self, Overfit};
use super::sentinel::Sentinel;
use super::summary::{self, Summary};
use super::symmetry::{self, BlockSymmetry};
use super::trajectory::{Point, Trajectory};
use super::update_check::{self, UpdateCheck};
use super::variance_shift::{self, VarianceShift};
use super::{attach, eval_mode};
use crate::engine::progress::Progress;
use crate::engine::trainer::{NonFinite, StepOutcome, Task, Trainer};
use serde::Serialize;

/// How much work the doctor does.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DoctorOptions {
    /// Points in the tiny-batch overfit check.
    pub overfit_k: usize,
    /// Steps the overfit check may take.
    pub overfit_steps: u64,
    /// Steps of the probed run behind the trajectory and the live statistics.
    pub probe_steps: u64,
    /// Evaluations of the training set over the probe.
    pub probe_evals: u64,
    /// Include the penalties in the gradient check.
    pub check_penalty: bool,
}

impl Default for DoctorOptions {
    fn default() -> Self {
        Self {
            overfit_k: 8,
            overfit_steps: overfit::DEFAULT_STEPS,
            probe_steps: 300,
            probe_evals: 20,
            check_penalty: false,
        }
    }
}

/// One block's statistics at the end of the probed run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockStats {
    /// `hidden 1`, …, `output`.
    pub label: String,
    /// The block's dense layer index.
    pub layer: usize,
    /// Its last sample.
    pub last: Option<LayerSample>,
    /// Its dead units.
    pub dead_units: Vec<usize>,
}

/// Everything the doctor measured, and its ranked findings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Steps the trainer had taken.
    pub step: u64,
    /// Findings, the one to fix first first.
    pub findings: Vec<Finding>,
    /// Layers, shapes and parameter counts.
    pub summary: Summary,
    /// Initial loss against chance.
    pub initial_loss: InitialLoss,
    /// Signals and gradients at the initial weights.
    pub init_scale: InitScale,
    /// Input statistics.
    pub input_scale: InputScale,
    /// Gradient check of the next mini-batch.
    pub gradient_check: GradientCheck,
    /// Tiny-batch overfit.
    pub overfit: Overfit,
    /// The same without dropout, when the first failed with dropout.
    pub overfit_without_dropout: Option<Overfit>,
    /// Nearest-neighbour label agreement (classification).
    pub label_agreement: Option<LabelAgreement>,
    /// Evaluation determinism.
    pub eval_mode: eval_mode::EvalMode,
    /// BN variance shift (after the probed run).
    pub variance_shift: VarianceShift,
    /// Applied gradient against the batch gradient.
    pub update_check: Option<UpdateCheck>,
    /// Per-block statistics of the probed run.
    pub layers: Vec<BlockStats>,
    /// Hidden blocks and how far their units differ.
    pub symmetry: Vec<BlockSymmetry>,
    /// Median update/weight ratio.
    pub update_ratio: f64,
    /// Loss parts of the last probed step.
    pub loss: LossParts,
    /// The first non-finite value, as text.
    pub non_finite: Option<String>,
    /// The loss from step 0 through the probe.
    pub trajectory: Trajectory,
    /// How much of its loss a dropout-free copy lost over the probe (only
    /// measured when the run stalled with dropout).
    pub dropout_free_progress: Option<f64>,
}

/// What the probed run measured.
struct ProbeRun {
    stats: LayerStats,
    loss: LossBreakdown,
    non_finite: Option<NonFinite>,
    update: Option<UpdateCheck>,
    shift: VarianceShift,
    symmetry: Vec<BlockSymmetry>,
}

/// Trains a copy of `trainer` for `opts.probe_steps` steps with every live
/// instrument on, evaluating the training set along the way into `traj`.
fn probe_run(trainer: &Trainer, opts: &DoctorOptions, traj: &mut Trajectory, progress: &mut Progress) -> ProbeRun {
    let mut t = trainer.clone();
    attach(&mut t);
    let mut stats = LayerStats::new(&t);
    let mut loss = LossBreakdown::default();
    let mut sentinel = Sentinel::default();
    sentinel.observe(&t);
    let every = (opts.probe_steps / opts.probe_evals.max(1)).max(1);
    if t.diverged().is_none() {
        traj.push(eval_point(&t));
    }
    for s in 1..=opts.probe_steps {
        progress.set(s as f64 / opts.probe_steps as f64);
        if sentinel.first.is_some() {
            break;
        }
        if let StepOutcome::Diverged(_) = t.step() {
            sentinel.observe(&t);
            break;
        }
        stats.observe(&t);
        loss.observe(&t);
        sentinel.observe(&t);
        if s % every == 0 && sentinel.first.is_none() {
            traj.push(eval_point(&t));
        }
    }
    traj.diverged = sentinel.first.is_some();
    ProbeRun {
        update: update_check::check(&t),
        shift: variance_shift::measure(&t),
        symmetry: symmetry::measure(&t.model),
        stats,
        loss,
        non_finite: sentinel.first,
    }
}

/// One evaluation of the trajectory, over (up to 1,000) training rows in
/// the mode the initial-loss check measures the start in (BN on batch
/// statistics, dropout off), so that every point compares with the start:
/// in evaluation mode a fresh BN net would use running statistics that
/// have not yet seen a batch. Also the std of the outputs (near 0 when the
/// model predicts one constant) and, for a tanh/sigmoid output under MSE,
/// the share stuck in a tail on the wrong side.
fn eval_point(t: &Trainer) -> Point {
    let rows = t.train.len().min(init_scale::MAX_ROWS);
    let (n_in, n_out) = (t.model.n_in, t.model.n_out);
    let x = t.train.x.as_slice().map_or_else(Vec::new, |s| s[..rows * n_in].to_vec());
    let targets: Vec<f32> = t.train.targets.as_slice().map_or_else(Vec::new, |s| s[..rows * n_out].to_vec());
    let mut model = t.model.clone();
    model.forward(
        &x,
        crate::engine::layers::Pass::CHECK,
        &mut crate::engine::rng::Rng::new(0, crate::engine::rng::Stream::Probe),
    );
    let out = model.output();
    let loss = t.data_loss_of(out, &targets, None);
    let acc = t.train.labels.as_ref().map(|labels| {
        let right = out.chunks_exact(n_out).zip(labels).filter(|(o, &l)| t.encoding.predict_class(o) == l).count();
        right as f64 / rows.max(1) as f64
    });
    let stuck = init_scale::output_stuck(t, out, &targets);
    Point { step: t.step_count(), loss, acc, out_std: Some(super::mean_std(out).1), stuck }
}

/// How much of its loss a copy of `trainer` without dropout loses over
/// `steps` steps: tells whether dropout is what stalls a run.
fn dropout_free_progress(trainer: &Trainer, steps: u64, progress: &mut Progress) -> f64 {
    let mut t = trainer.clone();
    t.probe = None;
    for layer in &mut t.model.layers {
        if let crate::engine::layers::Layer::Dropout(d) = layer {
            d.p = 0.0;
        }
    }
    let start = t.evaluate().train_loss;
    for s in 0..steps {
        progress.set(s as f64 / steps as f64);
        if let StepOutcome::Diverged(_) = t.step() {
            return 0.0;
        }
    }
    let end = t.evaluate().train_loss;
    if start > 0.0 {
        1.0 - end / start
    } else {
        0.0
    }
}

/// Examines the trainer's experiment in its current state.
pub fn examine(trainer: &Trainer, opts: &DoctorOptions) -> Report {
    examine_with(trainer, opts, &mut Progress::none())
}

/// [`examine`], reporting how far it got to `progress` (the probed run,
/// the overfit checks and the gradient check each take a share).
pub fn examine_with(trainer: &Trainer, opts: &DoctorOptions, progress: &mut Progress) -> Report {
    let mut fresh = trainer.clone();
    fresh.reset();
    fresh.probe = None;
    let initial = initial_loss::check_fresh(&fresh);
    let init = init_scale::measure(&fresh);
    let mut trajectory = Trajectory::new(initial.measured, initial.uniform, initial.prior, &trainer.history.batch_loss);
    progress.set(0.02);
    let run = probe_run(trainer, opts, &mut trajectory, &mut progress.part(0.02, 0.4));
    let overfit = overfit::check_with(trainer, opts.overfit_k, opts.overfit_steps, &mut progress.part(0.4, 0.65));
    let overfit_without_dropout = (!overfit.passed && overfit.with_dropout).then(|| {
        overfit::run_without_dropout(trainer, opts.overfit_k, opts.overfit_steps, &mut progress.part(0.65, 0.75))
    });
    let heavy_dropout = trainer.cfg.hidden.iter().any(|l| l.dropout >= super::diagnosis::MAX_DROPOUT);
    let has_dropout = trainer.cfg.hidden.iter().any(|l| l.dropout > 0.0);
    let suspect = heavy_dropout || (has_dropout && trajectory.stalled());
    let dropout_free_progress = (suspect && !trajectory.diverged)
        .then(|| dropout_free_progress(trainer, opts.probe_steps, &mut progress.part(0.75, 0.85)));
    let (l1, l2) = fresh.model.penalty(fresh.cfg.l1, fresh.cfg.l2);
    let inputs = input_scale::measure(trainer);
    let gradient_check = gradient_check::run_with(trainer, opts.check_penalty, &mut progress.part(0.85, 1.0));
    let label_agreement = label_agreement::measure(trainer);
    let eval_mode = eval_mode::check(trainer);
    let targets = regression_targets(trainer);
    let places = super::places(&trainer.model);
    let non_finite = run.non_finite.clone().or_else(|| trainer.diverged().cloned());
    let findings = diagnose(&Evidence {
        task: Some(trainer.encoding.task),
        regression_targets: &targets,
        initial: Some(&initial),
        initial_penalty: Some(l1 + l2),
        init: Some(&init),
        dropout_free_progress,
        inputs: Some(&inputs),
        symmetry: &run.symmetry,
        stats: Some(&run.stats),
        loss: (run.loss.observed > 0).then_some(run.loss.last),
        non_finite: non_finite.as_ref(),
        places: &places,
        gradient_check: Some(&gradient_check),
        overfit: Some(&overfit),
        overfit_without_dropout: overfit_without_dropout.as_ref(),
        labels: label_agreement,
        eval_mode: Some(eval_mode),
        shift: Some(&run.shift),
        update: run.update,
        ..Evidence::new(&trainer.cfg, &trajectory)
    });
    Report {
        step: trainer.step_count(),
        findings,
        summary: summary::summarize(&trainer.model),
        initial_loss: initial,
        init_scale: init,
        input_scale: inputs,
        gradient_check,
        overfit,
        overfit_without_dropout,
        label_agreement,
        eval_mode,
        variance_shift: run.shift,
        update_check: run.update,
        layers: run
            .stats
            .layers
            .iter()
            .enumerate()
            .map(|(k, l)| BlockStats {
                label: l.label.clone(),
                layer: l.block.dense,
                last: l.last().copied(),
                dead_units: run.stats.dead_units(k),
            })
            .collect(),
        symmetry: run.symmetry,
        update_ratio: run.stats.net_update_ratio(),
        loss: run.loss.last,
        non_finite: non_finite.as_ref().map(|d| super::diagnosis::describe(d, &places)),
        trajectory,
        dropout_free_progress,
    }
}

/// The encoded training targets of a regression task (empty otherwise).
pub fn regression_targets(trainer: &Trainer) -> Vec<f64> {
    if trainer.encoding.task != Task::Regression {
        return Vec::new();
    }
    trainer.train.targets.iter().map(|&v| f64::from(v)).collect()
}
