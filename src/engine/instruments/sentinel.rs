//! Non-finite sentinel (checklist 4.2–4.3): the first step, layer and tensor
//! — parameter, optimizer state, activation, gradient or loss — that became
//! NaN or infinite.
//!
//! The trainer already stops at a non-finite loss or gradient and names it
//! ([`NonFinite`]); the sentinel extends the watch to what the trainer does
//! not check every step: parameters and optimizer state after the update
//! (an Adam second moment can overflow while the weights stay finite) and
//! every layer's activations.

use super::finding::{checklist, Finding, Problem, Severity};
use crate::engine::trainer::{NonFinite, TensorKind, Trainer};

/// Watches a run for the first non-finite value.
#[derive(Clone, Debug, Default)]
pub struct Sentinel {
    /// The first one seen.
    pub first: Option<NonFinite>,
}

impl Sentinel {
    /// Looks at the trainer after a step; keeps the first finding.
    pub fn observe(&mut self, trainer: &Trainer) {
        if self.first.is_none() {
            self.first = trainer.diverged().cloned().or_else(|| scan(trainer));
        }
    }

    /// The finding, if something went non-finite; `places` names the
    /// model's layers as the page does (empty: by index).
    pub fn findings(&self, places: &[String]) -> Vec<Finding> {
        self.first.iter().map(|d| finding(d, places)).collect()
    }
}

/// A non-finite value in the page's words: `step 3: non-finite activation
/// output in hidden 2 (Dense 16→16)`.
pub fn describe(nf: &NonFinite, places: &[String]) -> String {
    let (step, tensor) = (nf.step, tensor_name(nf.tensor));
    // The activation's detail is a word; the others are parameter names (`W`, `b`).
    let detail = if nf.detail == "output" { crate::tr!("inst.sentinel.output") } else { nf.detail.clone() };
    let place = nf.layer.map(|l| places.get(l).cloned().unwrap_or_else(|| crate::tr!("inst.place.layer", l = l)));
    let layer = &nf.layer_name;
    match (place, detail.is_empty()) {
        (None, true) => crate::tr!("inst.sentinel.what", step = step, tensor = tensor),
        (None, false) => crate::tr!("inst.sentinel.what_detail", step = step, tensor = tensor, detail = detail),
        (Some(place), true) => {
            crate::tr!("inst.sentinel.where", step = step, tensor = tensor, place = place, layer = layer)
        }
        (Some(place), false) => crate::tr!(
            "inst.sentinel.where_detail",
            step = step,
            tensor = tensor,
            detail = detail,
            place = place,
            layer = layer
        ),
    }
}

/// What kind of tensor went non-finite, in the page's words.
fn tensor_name(kind: TensorKind) -> &'static str {
    use crate::engine::i18n;
    match kind {
        TensorKind::Parameter => i18n::text("inst.sentinel.parameter"),
        TensorKind::OptimizerState => i18n::text("inst.sentinel.optimizer_state"),
        TensorKind::Activation => i18n::text("inst.sentinel.activation"),
        TensorKind::Loss => i18n::text("inst.sentinel.loss"),
        TensorKind::Gradient => i18n::text("inst.sentinel.gradient"),
    }
}

/// The finding for a non-finite value, with the page's `places`.
pub fn finding(d: &NonFinite, places: &[String]) -> Finding {
    let sentence = crate::tr!("finding.non_finite.sentence", what = describe(d, places));
    let f = Finding::new(Severity::Error, Problem::NonFinite, checklist::CLIPPING, "sentinel", sentence)
        .cause(crate::tr!("finding.non_finite.cause"))
        .fix(crate::tr!("finding.non_finite.fix"))
        .evidence(crate::tr!("finding.evidence.step"), d.step as f64);
    match d.layer {
        Some(l) => {
            let f = f.at(l);
            match places.get(l) {
                Some(place) => f.place(place.clone()),
                None => f,
            }
        }
        None => f,
    }
}

/// The first non-finite tensor of the trainer's current state, in the
/// order parameters, optimizer state, activations, gradients (the step is
/// the last one applied).
pub fn scan(trainer: &Trainer) -> Option<NonFinite> {
    let m = &trainer.model;
    let step = trainer.step_count().saturating_sub(1);
    let at = |layer: Option<usize>, tensor: TensorKind, detail: &str| NonFinite {
        step,
        layer,
        layer_name: layer.map(|l| m.layers[l].name()).unwrap_or_default(),
        tensor,
        detail: detail.to_string(),
    };
    for info in &m.infos {
        if m.params[info.range()].iter().any(|v| !v.is_finite()) {
            return Some(at(Some(info.layer), TensorKind::Parameter, info.kind.name()));
        }
    }
    for info in &m.infos {
        for (name, buf) in ["m", "v"].iter().zip(trainer.optimizer.state()) {
            if buf.len() == m.n_params() && buf[info.range()].iter().any(|v| !v.is_finite()) {
                return Some(at(
                    Some(info.layer),
                    TensorKind::OptimizerState,
                    &format!("{} ({name})", info.kind.name()),
                ));
            }
        }
    }
    if m.batch() > 0 {
        for i in 0..m.layers.len() {
            if m.activation(i).iter().any(|v| !v.is_finite()) {
                return Some(at(Some(i), TensorKind::Activation, "output"));
            }
        }
    }
    let grads = trainer.probe.as_deref().map_or(&m.grads, |p| if p.grads.is_empty() { &m.grads } else { &p.grads });
    for info in &m.infos {
        if grads.get(info.range()).is_some_and(|g| g.iter().any(|v| !v.is_finite())) {
            return Some(at(Some(info.layer), TensorKind::Gradient, info.kind.name()));
        }
    }
    None
}
