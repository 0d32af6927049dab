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
//! training set (its first rows on a network of hundreds of thousands of
//! weights, see [`super::affordable_rows`]), in the mode the first step
//! trains in (BN batch statistics, dropout off).
//!
//! Verdict, against the uniform reference `u`:
//! - logit losses (cross-entropy, focal): ok up to [`OK_FACTOR`]·u + 0.02,
//!   suspicious up to [`WRONG_FACTOR`]·u, wrong above. Random logits of
//!   std σ raise the loss above ln C as σ grows. He initialization gives a
//!   single output logit σ ≈ 1.4 on average, but with 8–16 inputs its
//!   draws spread widely: over 200 seeds, He-initialized ReLU nets on the
//!   plane reach 2.4–3.0·ln 2 at the 99th percentile (3.7 at worst, for
//!   four layers), digits with softmax stay within 1.2–1.5·ln 10; N(0, 4²)
//!   on 16 units starts at 6·ln 2 or more, N(0, 1) on digits at 13·ln 10;
//! - MSE: a random output of variance σ² adds ½σ² to the reference (the
//!   loss of output 0), whatever the targets' scale: ok while that excess
//!   stays within ½·[`MSE_OK_STD`]², suspicious up to ½·[`MSE_WRONG_STD`]²,
//!   wrong above. (A ratio to u would not do: regression targets near 0
//!   make u tiny, and any healthy output spread a large multiple of it.)
//!
//! A start *below* the references is not flagged: a random network often
//! fits a little of the data by chance, and nothing in this playground can
//! leak the targets into the inputs.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::input_scale;
use super::mean_std;
use crate::engine::config::LossKind;
use crate::engine::layers::{act_value, Pass};
use crate::engine::model::ModelSpec;
use crate::engine::rng::{Rng, Stream};
use crate::engine::trainer::{Task, Trainer};
use serde::Serialize;

/// Logit losses: measured above this multiple of the uniform reference (plus 0.02) is suspicious.
pub const OK_FACTOR: f64 = 3.0;
/// MSE: an initial output std up to this is healthy. Xavier and He keep the
/// output std near 1 on average, but a linear output fed by a handful of
/// units varies from draw to draw: measured up to ~1.8 (regression plane,
/// 4 tanh units, Xavier, seeds 1–15).
pub const MSE_OK_STD: f64 = 2.0;
/// MSE: an initial output std above this is wrong.
pub const MSE_WRONG_STD: f64 = 3.0;
/// Measured above this multiple of the uniform reference is wrong.
pub const WRONG_FACTOR: f64 = 5.0;
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
    /// The loss the same initial outputs would have against labels drawn
    /// at random from the label prior: the measured loss without the part
    /// a random network fits by chance, so it depends only on how large and
    /// how biased the initial outputs are. The verdict rests on it.
    pub label_free: f64,
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
    check_fresh(&fresh)
}

/// Runs the check on `fresh`, a trainer at its initial weights.
pub fn check_fresh(fresh: &Trainer) -> InitialLoss {
    let (n_in, n_out) = (fresh.model.n_in, fresh.model.n_out);
    let rows = super::affordable_rows(&fresh.model, fresh.train.len(), usize::MAX);
    let x = fresh.train.x.as_slice().map_or_else(Vec::new, |s| s[..rows * n_in].to_vec());
    let t: Vec<f32> = fresh.train.targets.as_slice().map_or_else(Vec::new, |s| s[..rows * n_out].to_vec());
    let mut model = fresh.model.clone();
    model.forward(&x, Pass::CHECK, &mut Rng::new(0, Stream::Probe));
    let out = model.output().to_vec();
    let measured = fresh.data_loss_of(&out, &t, None);
    let (_, output_std) = mean_std(&out);
    let t64: Vec<f64> = t.iter().map(|&v| f64::from(v)).collect();
    let out64: Vec<f64> = out.iter().map(|&v| f64::from(v)).collect();
    let spec = ModelSpec::from_config(&fresh.cfg, fresh.model.n_in, n_out);
    let uniform = reference(scale_loss(fresh.cfg.loss, n_out), &t64, n_out, |_| uniform_output(&spec));
    let prior = prior_reference(fresh.cfg.loss, &t64, n_out);
    let label_free = label_free(scale_loss(fresh.cfg.loss, n_out), &out64, &t64, n_out);
    let mse = fresh.cfg.loss == LossKind::Mse;
    let verdict = verdict(label_free, uniform, mse);
    let causes = if verdict == Verdict::Ok { Vec::new() } else { causes(fresh, output_std) };
    InitialLoss { measured, label_free, uniform, prior, output_std, verdict, causes }
}

/// The loss the verdict measures the outputs' scale with: the loss itself,
/// except that focal loss is read as the cross-entropy of the same logits.
/// Focal loss shrinks the loss of easy examples by (1 − p)^γ, so its uniform
/// value is tiny and any spread of the logits multiplies it; the question
/// "are the initial logits near 0?" is the cross-entropy's.
fn scale_loss(loss: LossKind, n_out: usize) -> LossKind {
    match loss {
        LossKind::Focal { .. } if n_out == 1 => LossKind::Bce,
        LossKind::Focal { .. } => LossKind::SoftmaxCe,
        other => other,
    }
}

/// Target rows with this many distinct values or fewer are classes.
const MAX_CLASS_ROWS: usize = 16;

/// The loss of outputs `out: [n, n_out]` against targets drawn from the
/// targets' own distribution independently of the inputs: for classes,
/// `Σ_c π_c · mean_i loss(out_i, class c)`; for real targets under MSE,
/// `mean_i ½‖out_i − t̄‖² + ½ Σ_j Var(t_j)`.
pub fn label_free(loss: LossKind, out: &[f64], t: &[f64], n_out: usize) -> f64 {
    let rows: Vec<&[f64]> = t.chunks_exact(n_out.max(1)).collect();
    let n = rows.len().max(1) as f64;
    let mut distinct: Vec<(&[f64], usize)> = Vec::new();
    for r in &rows {
        if let Some(i) = distinct.iter().position(|(d, _)| d == r) {
            distinct[i].1 += 1;
        } else if distinct.len() <= MAX_CLASS_ROWS {
            distinct.push((r, 1));
        } else {
            break;
        }
    }
    if distinct.len() <= MAX_CLASS_ROWS {
        return distinct
            .iter()
            .map(|(row, count)| {
                let targets: Vec<f64> = row.iter().copied().cycle().take(out.len()).collect();
                (*count as f64 / n) * crate::engine::loss::loss_and_grad(loss, out, &targets, n_out, None)
            })
            .sum();
    }
    let mean: Vec<f64> = (0..n_out).map(|j| t.iter().skip(j).step_by(n_out).sum::<f64>() / n).collect();
    let centred: Vec<f64> = mean.iter().copied().cycle().take(out.len()).collect();
    let spread = crate::engine::loss::loss_and_grad(loss, out, &centred, n_out, None);
    spread + prior_reference(loss, t, n_out)
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

/// Ok / suspicious / wrong (see the module docs for the bands).
pub fn verdict(measured: f64, uniform: f64, mse: bool) -> Verdict {
    let (ok, wrong) = if mse {
        (uniform + 0.5 * MSE_OK_STD * MSE_OK_STD, uniform + 0.5 * MSE_WRONG_STD * MSE_WRONG_STD)
    } else {
        (OK_FACTOR * uniform + 0.02, WRONG_FACTOR * uniform)
    };
    if !measured.is_finite() || measured > wrong {
        Verdict::Wrong
    } else if measured > ok {
        Verdict::Suspicious
    } else {
        Verdict::Ok
    }
}

/// Plain-word causes for an initial loss far above the references.
fn causes(trainer: &Trainer, output_std: f64) -> Vec<String> {
    let mut out = Vec::new();
    let logit_loss = trainer.cfg.loss != LossKind::Mse;
    if logit_loss && output_std > MAX_LOGIT_STD {
        out.push(crate::tr!("finding.initial_loss.large_logits", std = num(output_std)));
    }
    let scale = input_scale::measure(trainer);
    if let Some(w) = scale.worst() {
        out.push(crate::tr!("finding.initial_loss.unnormalized", name = &w.name, mean = num(w.mean), std = num(w.std)));
    }
    if trainer.cfg.bias_init.abs() > 1.0 {
        out.push(crate::tr!("finding.initial_loss.bias", bias = num(trainer.cfg.bias_init)));
    }
    if matches!(trainer.encoding.task, Task::Classes(_)) && trainer.cfg.loss == LossKind::Mse {
        out.push(crate::tr!("finding.initial_loss.mse_classes"));
    }
    if !logit_loss && output_std > 1.0 {
        out.push(crate::tr!("finding.initial_loss.large_outputs", std = num(output_std)));
    }
    if out.is_empty() {
        out.push(crate::tr!("finding.initial_loss.unknown"));
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
        let sentence = crate::tr!(
            "finding.initial_loss.sentence",
            loss = num(self.label_free),
            times = num(self.label_free / self.uniform),
            uniform = num(self.uniform),
            measured = num(self.measured)
        );
        let f = Finding::new(severity, Problem::InitialLoss, checklist::INITIAL_LOSS, "initial_loss", sentence)
            .cause(self.causes.join(crate::engine::i18n::text("finding.initial_loss.separator")))
            .fix(crate::tr!("finding.initial_loss.fix"))
            .evidence(crate::tr!("finding.evidence.label_free_loss"), self.label_free)
            .evidence(crate::tr!("finding.evidence.initial_loss"), self.measured)
            .evidence(crate::tr!("finding.evidence.uniform_reference"), self.uniform)
            .evidence(crate::tr!("finding.evidence.initial_output_std"), self.output_std);
        vec![f]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_bands() {
        let ln10 = crate::engine::math::ln(10.0);
        assert_eq!(verdict(2.31, ln10, false), Verdict::Ok);
        assert_eq!(verdict(8.0, ln10, false), Verdict::Suspicious);
        assert_eq!(verdict(30.0, ln10, false), Verdict::Wrong);
        assert_eq!(verdict(f64::NAN, ln10, false), Verdict::Wrong);
        // Below the references is never flagged.
        assert_eq!(verdict(0.2, 0.693, false), Verdict::Ok);
        // MSE: output std 1 adds ½ to the reference, std 2 adds 2, std 4 adds 8.
        assert_eq!(verdict(0.5 + 0.5, 0.5, true), Verdict::Ok);
        assert_eq!(verdict(0.1 + 0.5, 0.1, true), Verdict::Ok);
        assert_eq!(verdict(0.5 + 2.5, 0.5, true), Verdict::Suspicious);
        assert_eq!(verdict(0.5 + 8.0, 0.5, true), Verdict::Wrong);
    }
}
