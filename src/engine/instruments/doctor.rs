//! The doctor (checklist, all sections): runs every check on a copy of the
//! trainer and ranks what they found, one plain sentence each, linked to
//! its checklist item.
//!
//! Checks: non-finite values; gradient check; update check, layer
//! statistics (dead units, saturation, vanishing/exploding, update ratio,
//! frozen layers), loss breakdown and variance shift over a short probed
//! run of [`DoctorOptions::probe_steps`] steps; initial loss; input scale;
//! label agreement; evaluation mode; tiny-batch overfit. The trainer
//! itself is never changed.

use super::finding::{rank, Finding};
use super::gradient_check::{self, GradientCheck};
use super::initial_loss::{self, InitialLoss};
use super::input_scale::{self, InputScale};
use super::label_agreement::{self, LabelAgreement};
use super::layer_stats::{Flow, LayerSample, LayerStats};
use super::loss_breakdown::{LossBreakdown, LossParts};
use super::overfit::{self, Overfit};
use super::sentinel::{self, Sentinel};
use super::summary::{self, Summary};
use super::update_check::{self, UpdateCheck};
use super::variance_shift::{self, VarianceShift};
use super::{attach, eval_mode};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// How much work the doctor does.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DoctorOptions {
    /// Points in the tiny-batch overfit check.
    pub overfit_k: usize,
    /// Steps the overfit check may take.
    pub overfit_steps: u64,
    /// Steps of the probed run behind the live statistics.
    pub probe_steps: u64,
    /// Include the penalties in the gradient check.
    pub check_penalty: bool,
}

impl Default for DoctorOptions {
    fn default() -> Self {
        Self { overfit_k: 8, overfit_steps: overfit::DEFAULT_STEPS, probe_steps: 20, check_penalty: false }
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
    /// Findings, most important first.
    pub findings: Vec<Finding>,
    /// Layers, shapes and parameter counts.
    pub summary: Summary,
    /// Initial loss against chance.
    pub initial_loss: InitialLoss,
    /// Input statistics.
    pub input_scale: InputScale,
    /// Gradient check of the next mini-batch.
    pub gradient_check: GradientCheck,
    /// Tiny-batch overfit.
    pub overfit: Overfit,
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
    /// Growth across the network.
    pub flow: Option<Flow>,
    /// Median update/weight ratio.
    pub update_ratio: f64,
    /// Loss parts of the last probed step.
    pub loss: LossParts,
    /// The first non-finite value, as text.
    pub non_finite: Option<String>,
}

/// What the probed run measured.
struct ProbeRun {
    stats: LayerStats,
    loss: LossBreakdown,
    sentinel: Sentinel,
    update: Option<UpdateCheck>,
    shift: VarianceShift,
}

/// Trains a copy of `trainer` for `steps` steps with every live instrument on.
fn probe_run(trainer: &Trainer, steps: u64) -> ProbeRun {
    let mut t = trainer.clone();
    attach(&mut t);
    let mut stats = LayerStats::new(&t);
    let mut loss = LossBreakdown::default();
    let mut sentinel = Sentinel::default();
    sentinel.observe(&t);
    for _ in 0..steps {
        if sentinel.first.is_some() {
            break;
        }
        t.step();
        stats.observe(&t);
        loss.observe(&t);
        sentinel.observe(&t);
    }
    let update = update_check::check(&t);
    let shift = variance_shift::measure(&t);
    ProbeRun { stats, loss, sentinel, update, shift }
}

/// Examines the trainer's experiment in its current state.
pub fn examine(trainer: &Trainer, opts: &DoctorOptions) -> Report {
    let run = probe_run(trainer, opts.probe_steps);
    let report = Report {
        step: trainer.step_count(),
        findings: Vec::new(),
        summary: summary::summarize(&trainer.model),
        initial_loss: initial_loss::check(trainer),
        input_scale: input_scale::measure(trainer),
        gradient_check: gradient_check::run(trainer, opts.check_penalty),
        overfit: overfit::run(trainer, opts.overfit_k, opts.overfit_steps),
        label_agreement: label_agreement::measure(trainer),
        eval_mode: eval_mode::check(trainer),
        variance_shift: run.shift.clone(),
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
        flow: run.stats.flow(),
        update_ratio: run.stats.net_update_ratio(),
        loss: run.loss.last,
        non_finite: run.sentinel.first.as_ref().map(|d| d.to_string()),
    };
    let mut findings = Vec::new();
    findings.extend(run.sentinel.findings());
    findings.extend(report.gradient_check.findings());
    findings.extend(run.update.iter().flat_map(|u| u.findings()));
    findings.extend(run.stats.findings());
    findings.extend(report.eval_mode.findings());
    findings.extend(report.variance_shift.findings());
    findings.extend(report.label_agreement.iter().flat_map(|l| l.findings()));
    findings.extend(report.initial_loss.findings());
    findings.extend(report.input_scale.findings());
    if !run.loss.history.is_empty() {
        findings.extend(run.loss.last.findings());
    }
    findings.extend(report.overfit.findings());
    if let Some(d) = trainer.diverged() {
        if run.sentinel.first.is_none() {
            findings.push(sentinel::finding(d));
        }
    }
    rank(&mut findings);
    Report { findings, ..report }
}
