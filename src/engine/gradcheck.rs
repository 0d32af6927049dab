//! Gradient checking in double precision.
//!
//! The model is cast to `f64`; BN runs in training mode (batch statistics,
//! running statistics untouched) and dropout is off, so the loss is a
//! deterministic function of the parameters. Each parameter is nudged by ±h
//! and the central difference `(L(θ+h) − L(θ−h)) / 2h` is compared with
//! backprop. The data loss and the penalty are separable: a check can run on
//! the data loss alone, as the checklist advises.

use crate::config::{Act, LossKind};
use crate::layers::{Layer, Pass};
use crate::loss;
use crate::model::Model;
use crate::progress::Progress;
use crate::rng::{Rng, Stream};
use crate::trainer::{Grads, NoHooks, StepHooks, Trainer};
use serde::Serialize;

/// Step of the central difference.
pub const H: f64 = 1e-5;

/// What the checked loss contains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// The data loss.
    pub loss: LossKind,
    /// L1 strength (0 to leave the penalty out).
    pub l1: f64,
    /// L2 strength (0 to leave the penalty out).
    pub l2: f64,
}

/// Data loss and penalty of `model` on one batch (forward in check mode).
pub fn objective(model: &mut Model<f64>, x: &[f64], t: &[f64], obj: Objective) -> (f64, f64) {
    let mut rng = Rng::new(0, Stream::Dropout);
    model.forward(x, Pass::CHECK, &mut rng);
    let data = loss::loss_and_grad(obj.loss, model.output(), t, model.n_out, None);
    let (p1, p2) = model.penalty(obj.l1, obj.l2);
    (data, p1 + p2)
}

/// Backprop gradient of data loss + penalty; returns (data loss, penalty).
pub fn backprop(model: &mut Model<f64>, x: &[f64], t: &[f64], obj: Objective) -> (f64, f64) {
    backprop_hooked(model, x, t, obj, &NoHooks)
}

/// [`backprop`] with the backward pass as a trainer with `hooks` runs it.
fn backprop_hooked(model: &mut Model<f64>, x: &[f64], t: &[f64], obj: Objective, hooks: &dyn StepHooks) -> (f64, f64) {
    let mut rng = Rng::new(0, Stream::Dropout);
    model.forward(x, Pass::CHECK, &mut rng);
    let mut d_out = vec![0.0; t.len()];
    let data = loss::loss_and_grad(obj.loss, model.output(), t, model.n_out, Some(&mut d_out));
    model.backward(&d_out);
    hooks.after_backward(&model.infos, Grads::F64(&mut model.grads));
    model.add_penalty_grads(obj.l1, obj.l2);
    let (p1, p2) = model.penalty(obj.l1, obj.l2);
    (data, p1 + p2)
}

/// Below this magnitude a gradient entry is compared absolutely: the central
/// difference itself carries rounding noise of about ε·|L|/h ≈ 1e-11·|L|, so
/// a plain ratio on a 1e-7 entry would measure that noise, not backprop.
pub const ABS_FLOOR: f64 = 1e-5;

/// Relative error |a − n| / max(|a|, |n|, [`ABS_FLOOR`]).
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    relative_error_above(analytic, numeric, ABS_FLOOR)
}

/// Relative error |a − n| / max(|a|, |n|, floor).
pub fn relative_error_above(analytic: f64, numeric: f64, floor: f64) -> f64 {
    (analytic - numeric).abs() / analytic.abs().max(numeric.abs()).max(floor)
}

/// The floor grows with the loss: the central difference's rounding noise is
/// about ε·|L|/h (2e-11·|L| at h = 1e-5, 2e-10·|L| at h/10), so below
/// `LOSS_FLOOR·|L|` an entry is compared absolutely, against that noise. A
/// net whose loss is 700 (an exploding initialization) would otherwise see
/// 1e-3 "errors" on correct entries of size 1e-5.
pub const LOSS_FLOOR: f64 = 1e-6;

/// Below this magnitude (both backprop and the central difference) an entry
/// carries no information: with h = 1e-5 the difference cannot resolve it
/// from rounding noise, and an all-zero gradient would agree with any
/// backward pass. Such entries are counted, not judged.
pub const TINY: f64 = 1e-8;

/// An entry whose error exceeds this at `H` is measured again at `H / 10`
/// and `10·H`: the truncation error of a smooth function shrinks 100-fold
/// with h/10, rounding noise tenfold with 10h, a wrong backward pass with
/// neither (the smallest error is kept).
pub const RECHECK_ABOVE: f64 = 1e-6;

/// Central differences at h and h/10 that differ by more than this share
/// are rounding noise, not a derivative: the entry cannot be judged.
pub const UNSTABLE: f64 = 0.5;

/// The check of one parameter tensor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorCheck {
    /// Owning layer index.
    pub layer: usize,
    /// Owning layer name.
    pub layer_name: String,
    /// `W`, `b`, `gamma` or `beta`.
    pub param: String,
    /// Largest relative error over the judged entries (0 when none).
    pub max_rel: f64,
    /// Median relative error over the judged entries.
    pub median_rel: f64,
    /// Entries compared.
    pub checked: usize,
    /// Entries whose ±h nudge flips a ReLU input across 0 (a kink): the
    /// central difference straddles a corner there, so they are not judged.
    pub kinked: usize,
    /// Entries where both gradients are below [`TINY`], or where the
    /// central difference is rounding noise (it changes tenfold between h
    /// and h/10): not judged.
    pub tiny: usize,
}

impl TensorCheck {
    /// Entries judged: neither on a kink nor tiny.
    pub fn judged(&self) -> usize {
        self.checked - self.kinked - self.tiny
    }
}

/// A whole gradient check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradCheck {
    /// Per tensor.
    pub tensors: Vec<TensorCheck>,
    /// Largest relative error over every judged entry.
    pub max_rel: f64,
    /// Whether some entry was left out because it sits on a kink.
    pub near_kink: bool,
}

impl GradCheck {
    /// Entries compared in all.
    pub fn checked(&self) -> usize {
        self.tensors.iter().map(|t| t.checked).sum()
    }

    /// Entries left out because they sit on a kink.
    pub fn kinked(&self) -> usize {
        self.tensors.iter().map(|t| t.kinked).sum()
    }

    /// Entries left out because both gradients are tiny.
    pub fn tiny(&self) -> usize {
        self.tensors.iter().map(|t| t.tiny).sum()
    }

    /// Entries judged.
    pub fn judged(&self) -> usize {
        self.tensors.iter().map(TensorCheck::judged).sum()
    }
}

/// Which ReLU-like inputs are positive: the pattern a nudge must keep for
/// the loss to be smooth between θ − h and θ + h.
fn kink_pattern(model: &Model<f64>) -> Vec<bool> {
    let mut out = Vec::new();
    for (i, layer) in model.layers.iter().enumerate() {
        if matches!(layer, Layer::Activation(a) if matches!(a.act, Act::Relu | Act::LeakyRelu)) {
            let input = if i == 0 { model.input() } else { model.activation(i - 1) };
            out.extend(input.iter().map(|&v| v > 0.0));
        }
    }
    out
}

/// One entry's comparison.
enum Entry {
    /// The relative error of a smooth, informative entry.
    Judged(f64),
    /// The nudge crosses a kink.
    Kinked,
    /// Both gradients are below [`TINY`].
    Tiny,
}

/// The central difference of parameter `i` with step `h`, and whether the
/// nudge kept every ReLU input on its side of 0.
fn central(m: &mut Model<f64>, i: usize, h: f64, x: &[f64], t: &[f64], obj: Objective, base: &[bool]) -> (f64, bool) {
    let original = m.params[i];
    m.params[i] = original + h;
    let (dp, pp) = objective(m, x, t, obj);
    let smooth_plus = kink_pattern(m) == base;
    m.params[i] = original - h;
    let (dm, pm) = objective(m, x, t, obj);
    let smooth_minus = kink_pattern(m) == base;
    m.params[i] = original;
    (((dp + pp) - (dm + pm)) / (2.0 * h), smooth_plus && smooth_minus)
}

/// Which entries of each tensor a check compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sampling {
    /// At most this many entries per tensor, evenly spaced.
    pub per_tensor: usize,
    /// Shift the k-th sampled entry k places along, so that a thinned
    /// sample of a weight matrix spans its units instead of landing in one
    /// column (a stride that is a multiple of the row length would).
    pub spread: bool,
}

impl Sampling {
    /// Every `len / per_tensor`-th entry from the first (no spread).
    pub fn even(per_tensor: usize) -> Self {
        Self { per_tensor, spread: false }
    }

    /// The indices sampled from a tensor of `len` entries.
    pub fn indices(self, len: usize) -> Vec<usize> {
        let stride = len.div_ceil(self.per_tensor.max(1)).max(1);
        (0..len)
            .step_by(stride)
            .enumerate()
            .map(|(k, i)| if self.spread { (i + k % stride).min(len - 1) } else { i })
            .collect()
    }
}

/// Compares backprop with central differences for every parameter (at most
/// `max_per_tensor` evenly spaced entries per tensor). Entries on a kink
/// and entries too small to resolve are counted apart and not judged.
pub fn check(model: &Model<f64>, x: &[f64], t: &[f64], obj: Objective, max_per_tensor: usize) -> GradCheck {
    check_sampled(model, x, t, obj, Sampling::even(max_per_tensor), &NoHooks, &mut Progress::none())
}

/// [`check`] on the entries `sampling` picks, with the backward pass as a
/// trainer with `hooks` runs it, reporting the share of entries done to
/// `progress`.
pub fn check_sampled(
    model: &Model<f64>,
    x: &[f64],
    t: &[f64],
    obj: Objective,
    sampling: Sampling,
    hooks: &dyn StepHooks,
    progress: &mut Progress,
) -> GradCheck {
    let total: usize = model.infos.iter().map(|info| sampling.indices(info.len()).len()).sum();
    let mut done = 0usize;
    let mut m = model.clone();
    let (data, penalty) = backprop_hooked(&mut m, x, t, obj, hooks);
    let floor = ABS_FLOOR.max(LOSS_FLOOR * (data + penalty).abs());
    let analytic = m.grads.clone();
    let base = kink_pattern(&m);
    let mut tensors = Vec::new();
    for info in model.infos.clone() {
        let entries: Vec<Entry> = sampling
            .indices(info.len())
            .into_iter()
            .map(|k| {
                done += 1;
                progress.set(done as f64 / total.max(1) as f64);
                let i = info.offset + k;
                let (numeric, smooth) = central(&mut m, i, H, x, t, obj, &base);
                if !smooth {
                    return Entry::Kinked;
                }
                if analytic[i].abs().max(numeric.abs()) < TINY {
                    return Entry::Tiny;
                }
                let err = relative_error_above(analytic[i], numeric, floor);
                if err <= RECHECK_ABOVE {
                    return Entry::Judged(err);
                }
                let (finer, smooth) = central(&mut m, i, H / 10.0, x, t, obj, &base);
                if !smooth {
                    return Entry::Kinked;
                }
                // A true derivative barely changes between h and h/10; rounding
                // noise in the loss (e.g. a BatchNorm normalizing inputs that
                // are equal up to rounding) grows tenfold. Noise is no evidence.
                if (numeric - finer).abs() > UNSTABLE * numeric.abs().max(finer.abs()) {
                    return Entry::Tiny;
                }
                // The smallest error over h/10, h and 10h: truncation error
                // shrinks with h, rounding error (amplified by a BatchNorm over
                // nearly equal inputs) with 1/h; a wrong backward pass does not
                // shrink with either.
                let (coarser, smooth) = central(&mut m, i, H * 10.0, x, t, obj, &base);
                let best = err.min(relative_error_above(analytic[i], finer, floor));
                let best = if smooth { best.min(relative_error_above(analytic[i], coarser, floor)) } else { best };
                Entry::Judged(best)
            })
            .collect();
        let mut errs: Vec<f64> =
            entries.iter().filter_map(|e| if let Entry::Judged(r) = e { Some(*r) } else { None }).collect();
        errs.sort_by(f64::total_cmp);
        tensors.push(TensorCheck {
            layer: info.layer,
            layer_name: model.layers[info.layer].name(),
            param: info.kind.name().to_string(),
            max_rel: errs.last().copied().unwrap_or(0.0),
            median_rel: errs.get(errs.len() / 2).copied().unwrap_or(0.0),
            checked: entries.len(),
            kinked: entries.iter().filter(|e| matches!(e, Entry::Kinked)).count(),
            tiny: entries.iter().filter(|e| matches!(e, Entry::Tiny)).count(),
        });
    }
    let max_rel = tensors.iter().map(|t| t.max_rel).fold(0.0, f64::max);
    let near_kink = tensors.iter().any(|t| t.kinked > 0);
    GradCheck { tensors, max_rel, near_kink }
}

/// One parameter tensor with its values and gradient, for `gradlab grads`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorDump {
    /// Owning layer index.
    pub layer: usize,
    /// `W`, `b`, `gamma` or `beta`.
    pub param: String,
    /// (rows, cols); a vector is (1, n).
    pub shape: (usize, usize),
    /// Values, row-major.
    pub value: Vec<f64>,
    /// d(data loss + penalty)/d value, row-major.
    pub grad: Vec<f64>,
}

/// Everything an external tool needs to recompute the first gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientDump {
    /// Layer names, input to output.
    pub layers: Vec<String>,
    /// Parameters and their gradients.
    pub params: Vec<TensorDump>,
    /// The mini-batch inputs `[b, n_in]`.
    pub inputs: Vec<Vec<f64>>,
    /// The encoded targets `[b, n_out]`.
    pub targets: Vec<Vec<f64>>,
    /// Data loss (mean over the batch).
    pub data_loss: f64,
    /// L1 + L2 penalty.
    pub penalty: f64,
}

impl GradientDump {
    /// Dumps the trainer's next mini-batch gradient, computed in f64.
    pub fn of_next_batch(trainer: &Trainer) -> Self {
        let mut m = trainer.model.cast::<f64>();
        let (x, t) = trainer.next_batch();
        let x: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let t: Vec<f64> = t.iter().map(|&v| v as f64).collect();
        let obj = Objective { loss: trainer.cfg.loss, l1: trainer.cfg.l1, l2: trainer.cfg.l2 };
        let (data_loss, penalty) = backprop(&mut m, &x, &t, obj);
        let params = m
            .infos
            .iter()
            .map(|i| TensorDump {
                layer: i.layer,
                param: i.kind.name().to_string(),
                shape: i.shape,
                value: m.params[i.range()].to_vec(),
                grad: m.grads[i.range()].to_vec(),
            })
            .collect();
        Self {
            layers: m.layers.iter().map(|l| l.name()).collect(),
            params,
            inputs: x.chunks(m.n_in).map(<[f64]>::to_vec).collect(),
            targets: t.chunks(m.n_out).map(<[f64]>::to_vec).collect(),
            data_loss,
            penalty,
        }
    }
}
