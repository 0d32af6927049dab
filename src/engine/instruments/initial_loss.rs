//! Initial-loss check (checklist 2.3): the data loss at step 0 against what
//! a healthy initialization gives.
//!
//! Two reference lines, both computed by the loss itself on the training
//! targets, so every loss kind is covered by the same code:
//! - **uniform**: the loss when every output is what a zero pre-activation
//!   gives (logits 0: a uniform prediction; MSE: `act(0)`, e.g. 0 for tanh).
//!   ln C for a C-way softmax, ln 2 = 0.693 for one logit — also on a
//!   20 %/80 % binary set, as the checklist computes.
//! - **prior**: the loss of a constant prediction at the label prior (logits
//!   `ln π_c`, or the target mean for MSE): what a model that learned only
//!   the class frequencies reaches, and where an output bias set to the
//!   prior starts (the entropy of the prior, 0.500 for 20 %/80 %; for MSE
//!   ½ the target variance).
//!
//! The measured loss is the model's at its initial weights, on the whole
//! training set, in the mode the first step trains in (BN batch statistics,
//! dropout off). Verdict: ok up to 1.5× the uniform reference, suspicious
//! up to 3×, wrong above (also suspicious when clearly below the prior).

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::input_scale;
use super::mean_std;
use crate::engine::config::LossKind;
use crate::engine::layers::{act_value, Pass};
use crate::engine::model::ModelSpec;
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::{Task, Trainer};
use serde::Serialize;

/// Measured above this multiple of the uniform reference (plus 0.02) is suspicious.
pub const OK_FACTOR: f64 = 1.5;
/// Measured above this multiple of the uniform reference is wrong.
pub const WRONG_FACTOR: f64 = 3.0;
/// Initial logits with a larger std than this point at a too-large initialization.
pub const MAX_LOGIT_STD: f64 = 2.0;

/// The verdict of the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Near the uniform reference.
    Ok,
    /// Somewhat off.
    Suspicious,
    /// Far off: something is wrong.
    Wrong,
}

/// What the check found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InitialLoss {
    /// The loss at step 0 on the training set.
    pub measured: f64,
    /// The uniform-prediction reference (ln C, ln 2, …).
    pub uniform: f64,
    /// The label-prior reference (entropy of the prior; ½ target variance for MSE).
    pub prior: f64,
    /// Standard deviation of the initial outputs (logits for logit losses).
    pub output_std: f64,
    /// The verdict.
    pub verdict: Verdict,
    /// Likely causes, in plain words (empty when ok).
    pub causes: Vec<String>,
}

/// Runs the check on the trainer's experiment at its initial weights.
pub fn check(trainer: &Trainer) -> InitialLoss {
    let mut fresh = trainer.clone();
    fresh.reset();
    fresh.probe = None;
    let n_out = fresh.model.n_out;
    let x = fresh.train.x.as_slice().unwrap_or(&[]).to_vec();
    let t: Vec<f32> = fresh.train.targets.as_slice().unwrap_or(&[]).to_vec();
    let mut model = fresh.model.clone();
    model.forward(&x, Pass::CHECK, &mut Rng::new(0, Stream::Probe));
    let out = model.output().to_vec();
    let measured = fresh.data_loss_of(&out, &t, None);
    let (_, output_std) = mean_std(&out);
    let t64: Vec<f64> = t.iter().map(|&v| f64::from(v)).collect();
    let spec = ModelSpec::from_config(&fresh.cfg, fresh.model.n_in, n_out);
    let uniform = reference(fresh.cfg.loss, &t64, n_out, |_| uniform_output(&spec));
    let prior = prior_reference(fresh.cfg.loss, &t64, n_out);
    let verdict = verdict(measured, uniform, prior);
    let causes = if verdict == Verdict::Ok { Vec::new() } else { causes(&fresh, measured, uniform, output_std) };
    InitialLoss { measured, uniform, prior, output_std, verdict, causes }
}

/// Output of a unit whose pre-activation is 0.
fn uniform_output(spec: &ModelSpec) -> f64 {
    act_value(spec.output_act, spec.leaky_slope, 0.0)
}

/// The loss of the constant output row `row(j)` on every target row.
fn reference(loss: LossKind, t: &[f64], n_out: usize, row: impl Fn(usize) -> f64) -> f64 {
    let one: Vec<f64> = (0..n_out).map(row).collect();
    let out: Vec<f64> = one.iter().copied().cycle().take(t.len()).collect();
    crate::engine::loss::loss_and_grad(loss, &out, t, n_out, None)
}

/// The loss of the constant prediction at the label prior.
fn prior_reference(loss: LossKind, t: &[f64], n_out: usize) -> f64 {
    let n = (t.len() / n_out.max(1)).max(1) as f64;
    let mean: Vec<f64> = (0..n_out).map(|j| t.iter().skip(j).step_by(n_out).sum::<f64>() / n).collect();
    let clamp = |p: f64| p.clamp(1e-6, 1.0 - 1e-6);
    let ln = crate::engine::math::ln;
    match loss {
        LossKind::Mse => reference(loss, t, n_out, |j| mean[j]),
        _ if n_out == 1 => reference(loss, t, 1, |_| ln(clamp(mean[0]) / (1.0 - clamp(mean[0])))),
        _ => reference(loss, t, n_out, |j| ln(clamp(mean[j]))),
    }
}

/// Ok / suspicious / wrong.
pub fn verdict(measured: f64, uniform: f64, prior: f64) -> Verdict {
    if !measured.is_finite() || measured > WRONG_FACTOR * uniform {
        Verdict::Wrong
    } else if measured > OK_FACTOR * uniform + 0.02 || measured < 0.8 * prior.min(uniform) - 0.02 {
        Verdict::Suspicious
    } else {
        Verdict::Ok
    }
}

/// Plain-word causes for an initial loss far from the references.
fn causes(trainer: &Trainer, measured: f64, uniform: f64, output_std: f64) -> Vec<String> {
    let mut out = Vec::new();
    if measured < uniform {
        out.push("a loss this low before training suggests the targets leak into the inputs".to_string());
        return out;
    }
    let logit_loss = trainer.cfg.loss != LossKind::Mse;
    if logit_loss && output_std > MAX_LOGIT_STD {
        out.push(format!(
            "the initial logits have std {} (a healthy start is well below 1): the weights are initialized too large",
            num(output_std)
        ));
    }
    let scale = input_scale::measure(trainer);
    if let Some(w) = scale.worst() {
        out.push(format!(
            "input {} has mean {} and std {}: the inputs are not normalized",
            w.name,
            num(w.mean),
            num(w.std)
        ));
    }
    if trainer.cfg.bias_init.abs() > 1.0 {
        out.push(format!("every bias starts at {}", num(trainer.cfg.bias_init)));
    }
    if matches!(trainer.problem.task, Task::Classes(_)) && trainer.cfg.loss == LossKind::Mse {
        out.push("MSE on a multi-class task: softmax cross-entropy is the loss that suits it".to_string());
    }
    if !logit_loss && output_std > 0.5 {
        out.push(format!("the initial outputs have std {}: the weights are initialized too large", num(output_std)));
    }
    if out.is_empty() {
        out.push("the initialization scale or the loss does not suit the data".to_string());
    }
    out
}

impl InitialLoss {
    /// A finding unless the verdict is ok.
    pub fn findings(&self) -> Vec<Finding> {
        let severity = match self.verdict {
            Verdict::Ok => return Vec::new(),
            Verdict::Suspicious => Severity::Warning,
            Verdict::Wrong => Severity::Error,
        };
        let sentence = format!(
            "The initial loss is {}, against {} for a uniform prediction (and {} for the label prior): {}.",
            num(self.measured),
            num(self.uniform),
            num(self.prior),
            self.causes.join("; ")
        );
        vec![Finding::new(severity, Problem::InitialLoss, checklist::INITIAL_LOSS, "initial_loss", sentence)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_bands() {
        let ln10 = crate::engine::math::ln(10.0);
        assert_eq!(verdict(2.31, ln10, ln10), Verdict::Ok);
        assert_eq!(verdict(4.0, ln10, ln10), Verdict::Suspicious);
        assert_eq!(verdict(30.0, ln10, ln10), Verdict::Wrong);
        assert_eq!(verdict(f64::NAN, ln10, ln10), Verdict::Wrong);
        assert_eq!(verdict(0.2, 0.693, 0.5), Verdict::Suspicious);
    }
}
