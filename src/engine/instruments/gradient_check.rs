//! Gradient-check report (checklist 3.5): backprop against central
//! differences in f64 on the trainer's next mini-batch, per layer and
//! tensor (weights and biases, BN γ and β), with verdict bands.
//!
//! Reuses [`crate::engine::gradcheck`] (dropout off, BN in training mode
//! with its running statistics untouched). By default only the data loss
//! is checked — a large penalty could hide a broken data-loss gradient.
//! Bands on the relative error (CS231n's gradient-checking notes): below
//! 1e-7 excellent, up to 1e-5 ok, up to 1e-3 suspicious, above it almost
//! surely a bug. Only entries that can be judged count: an entry whose ±h
//! nudge moves a ReLU input across 0 straddles a kink (both sides are right,
//! the difference is not), and an entry whose gradient is below
//! [`gradcheck::TINY`] on both sides cannot tell a right backward pass from
//! a wrong one (an all-zero gradient agrees with anything). When no entry
//! can be judged the verdict is *inconclusive*, with the reason, never a
//! pass.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::place_of;
use crate::engine::gradcheck::{self, GradCheck, Objective, Sampling};
use crate::engine::i18n;
use crate::engine::model::Model;
use crate::engine::progress::Progress;
use crate::engine::trainer::Trainer;
use serde::{Deserialize, Serialize};

/// Below: excellent.
pub const EXCELLENT: f64 = 1e-7;
/// Up to: acceptable.
pub const ACCEPTABLE: f64 = 1e-5;
/// Above: almost surely a bug.
pub const BUG: f64 = 1e-3;
/// Entries checked per tensor at most (evenly spaced).
pub const MAX_PER_TENSOR: usize = 256;
/// Multiply-adds the central differences of one check may cost at most
/// (two forward passes per entry, f64): with it the check of the largest
/// network the page allows (16 × 256 on digits) takes about a second in
/// Chromium on a 2-core machine (f64 forward passes run at about 4e9
/// multiply-adds a second there). Small networks never reach it and are
/// checked in full.
pub const BUDGET_MACS: f64 = 5.0e9;
/// When the budget binds, rows of the batch are dropped first down to this...
pub const PREFERRED_ROWS: usize = 8;
/// ...then entries per tensor down to this...
pub const MIN_PER_TENSOR: usize = 4;
/// ...then rows down to this.
pub const MIN_ROWS: usize = 2;

/// How much of the batch and of each tensor a check compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Entries per tensor at most.
    pub per_tensor: usize,
    /// Rows of the mini-batch used.
    pub rows: usize,
    /// Rows the mini-batch has.
    pub batch_rows: usize,
}

impl Plan {
    /// The largest check within [`BUDGET_MACS`] for `model` on a batch of
    /// `batch_rows` rows: every row and up to [`MAX_PER_TENSOR`] entries if
    /// that fits; else fewer rows, then fewer entries, then fewer rows.
    pub fn for_model<F: crate::engine::scalar::Real>(model: &Model<F>, batch_rows: usize) -> Self {
        let lens: Vec<usize> = model.infos.iter().map(|i| i.len()).collect();
        let per_row = model.forward_macs_per_row() as f64;
        let cost = |per_tensor: usize, rows: usize| {
            let entries: usize = lens.iter().map(|&l| l.min(per_tensor)).sum();
            2.0 * entries as f64 * rows as f64 * per_row
        };
        let mut plan = Plan { per_tensor: MAX_PER_TENSOR, rows: batch_rows, batch_rows };
        let fits = |p: &Plan| cost(p.per_tensor, p.rows) <= BUDGET_MACS;
        while !fits(&plan) && plan.rows > PREFERRED_ROWS {
            plan.rows = (plan.rows / 2).max(PREFERRED_ROWS);
        }
        while !fits(&plan) && plan.per_tensor > MIN_PER_TENSOR {
            plan.per_tensor = (plan.per_tensor / 2).max(MIN_PER_TENSOR);
        }
        while !fits(&plan) && plan.rows > MIN_ROWS {
            plan.rows = (plan.rows / 2).max(MIN_ROWS);
        }
        plan
    }

    /// Whether the budget thinned the check.
    pub fn bounded(&self) -> bool {
        self.per_tensor < MAX_PER_TENSOR || self.rows < self.batch_rows
    }

    /// The entries the plan picks in each tensor.
    pub fn sampling(&self) -> Sampling {
        Sampling { per_tensor: self.per_tensor, spread: self.per_tensor < MAX_PER_TENSOR }
    }
}

/// Where a relative error falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// < 1e-7.
    Excellent,
    /// ≤ 1e-5.
    Ok,
    /// ≤ 1e-3.
    Suspicious,
    /// > 1e-3.
    Fail,
    /// No entry could be judged (all on kinks or all vanishing).
    Inconclusive,
}

impl Band {
    /// The band of a relative error.
    pub fn of(rel: f64) -> Self {
        match rel {
            r if r < EXCELLENT => Band::Excellent,
            r if r <= ACCEPTABLE => Band::Ok,
            r if r <= BUG => Band::Suspicious,
            _ => Band::Fail,
        }
    }
}

/// One checked tensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TensorRow {
    /// Model layer index.
    pub layer: usize,
    /// `hidden 1`, …, `output` (the dense block the tensor belongs to).
    pub block: String,
    /// `W`, `b`, `gamma` or `beta`.
    pub param: String,
    /// Largest relative error.
    pub max_rel: f64,
    /// Median relative error.
    pub median_rel: f64,
    /// Entries compared.
    pub checked: usize,
    /// Entries left out: their nudge crosses a ReLU kink.
    pub kinked: usize,
    /// Entries left out: both gradients below 1e-8.
    pub tiny: usize,
    /// Band of the largest error (inconclusive when nothing was judged).
    pub band: Band,
    /// A dense bias whose layer feeds a BatchNorm directly: BN subtracts
    /// the batch mean, so the bias cannot change the loss and its gradient
    /// is 0 by construction (nothing to judge, nothing hidden).
    pub zero_by_design: bool,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientCheck {
    /// Per tensor, input to output.
    pub tensors: Vec<TensorRow>,
    /// Largest relative error over the judged entries.
    pub max_rel: f64,
    /// Band of the largest error, or inconclusive.
    pub band: Band,
    /// Entries compared in all.
    pub checked: usize,
    /// Entries left out because they sit on a kink.
    pub kinked: usize,
    /// Entries left out because both gradients are below 1e-8.
    pub tiny: usize,
    /// Whether the penalties were included.
    pub with_penalty: bool,
    /// How much was compared.
    pub plan: Plan,
}

/// Checks the trainer's next mini-batch (data loss alone unless `with_penalty`).
pub fn run(trainer: &Trainer, with_penalty: bool) -> GradientCheck {
    run_with(trainer, with_penalty, &mut Progress::none())
}

/// [`run`], reporting the share of entries done to `progress`.
pub fn run_with(trainer: &Trainer, with_penalty: bool, progress: &mut Progress) -> GradientCheck {
    let model = trainer.model.cast::<f64>();
    let (x, t) = trainer.next_batch();
    let batch_rows = x.len() / model.n_in.max(1);
    let plan = Plan::for_model(&model, batch_rows);
    let x: Vec<f64> = x[..plan.rows * model.n_in].iter().map(|&v| f64::from(v)).collect();
    let t: Vec<f64> = t[..plan.rows * model.n_out].iter().map(|&v| f64::from(v)).collect();
    let (l1, l2) = if with_penalty { (trainer.cfg.l1, trainer.cfg.l2) } else { (0.0, 0.0) };
    let objective = Objective { loss: trainer.cfg.loss, l1, l2 };
    let report = gradcheck::check_sampled(&model, &x, &t, objective, plan.sampling(), trainer.hooks(), progress);
    from_report(&report, trainer, with_penalty, plan)
}

fn from_report(report: &GradCheck, trainer: &Trainer, with_penalty: bool, plan: Plan) -> GradientCheck {
    let layers = &trainer.model.layers;
    let before_bn = |layer: usize, param: &str| {
        param == "b" && matches!(layers.get(layer + 1), Some(crate::engine::layers::Layer::BatchNorm(_)))
    };
    let tensors: Vec<TensorRow> = report
        .tensors
        .iter()
        .map(|t| TensorRow {
            zero_by_design: before_bn(t.layer, &t.param),
            layer: t.layer,
            block: place_of(&trainer.model, t.layer),
            param: t.param.clone(),
            max_rel: t.max_rel,
            median_rel: t.median_rel,
            checked: t.checked,
            kinked: t.kinked,
            tiny: t.tiny,
            band: if t.judged() == 0 || before_bn(t.layer, &t.param) {
                Band::Inconclusive
            } else {
                Band::of(t.max_rel)
            },
        })
        .collect();
    // A pass needs every tensor judged somewhere: a tensor whose entries all
    // sit on kinks or vanished could hide a wrong backward pass. A failing
    // entry is a failure whatever the rest.
    // Biases a BatchNorm cancels have an exact gradient of 0; whatever
    // rounding leaves in them is no evidence either way.
    let max_rel = tensors.iter().filter(|t| !t.zero_by_design).map(|t| t.max_rel).fold(0.0, f64::max);
    let band = match Band::of(max_rel) {
        Band::Fail => Band::Fail,
        _ if tensors.iter().any(|t| t.band == Band::Inconclusive && !t.zero_by_design) => Band::Inconclusive,
        b => b,
    };
    GradientCheck {
        tensors,
        max_rel,
        band,
        checked: report.checked(),
        kinked: report.kinked(),
        tiny: report.tiny(),
        with_penalty,
        plan,
    }
}

impl GradientCheck {
    /// What the budget left out, in one sentence (`None` when the check was complete).
    pub fn sampling_note(&self) -> Option<String> {
        let p = self.plan;
        p.bounded().then(|| {
            crate::tr!(
                "inst.gradient_check.sampled",
                per_tensor = p.per_tensor,
                rows = p.rows,
                batch_rows = p.batch_rows,
                entries = self.checked
            )
        })
    }

    /// Why the check could not decide, or what it left out, in one sentence
    /// (`None` when every entry was judged).
    pub fn note(&self) -> Option<String> {
        if self.band == Band::Inconclusive {
            return Some(self.inconclusive_reason());
        }
        let left_out = self.kinked + self.tiny;
        let by_design: Vec<String> = self
            .tensors
            .iter()
            .filter(|t| t.zero_by_design)
            .map(|t| crate::tr!("inst.place.tensor", param = "b", place = &t.block))
            .collect();
        let design = if by_design.is_empty() {
            String::new()
        } else {
            crate::tr!(
                "inst.gradient_check.by_design",
                tensors = by_design.join(crate::engine::i18n::text("inst.place.separator"))
            )
        };
        (left_out > 0).then(|| {
            crate::tr!(
                "inst.gradient_check.left_out",
                left_out = left_out,
                checked = self.checked,
                kinked = self.kinked,
                tiny = self.tiny,
                rest = self.checked - left_out,
                design = design
            )
        })
    }

    fn inconclusive_reason(&self) -> String {
        let unjudged: Vec<String> = self
            .tensors
            .iter()
            .filter(|t| t.band == Band::Inconclusive && !t.zero_by_design)
            .map(|t| crate::tr!("inst.place.tensor", param = &t.param, place = &t.block))
            .collect();
        let (checked, kinked, tiny) = (self.checked, self.kinked, self.tiny);
        let judged = checked - kinked - tiny;
        if judged > 0 {
            let tensors = unjudged.join(i18n::text("inst.place.separator"));
            // English says "entry" or "entries"; each is one whole template.
            let template = if judged == 1 {
                i18n::text("finding.gradient_check.partly")
            } else {
                i18n::text("finding.gradient_check.partly_many")
            };
            let args = [("tensors", tensors), ("kinked", kinked.to_string()), ("checked", checked.to_string())];
            let more = [("tiny", tiny.to_string()), ("judged", judged.to_string())];
            return i18n::fill(template, &[args.as_slice(), more.as_slice()].concat());
        }
        if tiny >= kinked {
            crate::tr!("finding.gradient_check.vanished", tiny = tiny, checked = checked, kinked = kinked)
        } else {
            crate::tr!("finding.gradient_check.kinked", kinked = kinked, checked = checked)
        }
    }

    /// A wrong-gradient error when some judged entry fails, an
    /// inconclusive note when nothing could be judged.
    pub fn findings(&self) -> Vec<Finding> {
        if self.band == Band::Inconclusive {
            let f = Finding::new(
                Severity::Info,
                Problem::GradientCheckInconclusive,
                checklist::GRADIENT_CHECK,
                "gradient_check",
                self.inconclusive_reason(),
            )
            .evidence(crate::tr!("finding.evidence.entries_checked"), self.checked as f64)
            .evidence(crate::tr!("finding.evidence.entries_kinked"), self.kinked as f64)
            .evidence(crate::tr!("finding.evidence.entries_tiny"), self.tiny as f64);
            return vec![f];
        }
        let Some(worst) =
            self.tensors.iter().filter(|t| t.band == Band::Fail).max_by(|a, b| a.median_rel.total_cmp(&b.median_rel))
        else {
            return Vec::new();
        };
        let sentence = crate::tr!(
            "finding.wrong_gradient.sentence",
            param = &worst.param,
            place = &worst.block,
            max = num(worst.max_rel),
            median = num(worst.median_rel)
        );
        let f = Finding::new(
            Severity::Error,
            Problem::WrongGradient,
            checklist::GRADIENT_CHECK,
            "gradient_check",
            sentence,
        )
        .cause(crate::tr!("finding.wrong_gradient.cause", place = &worst.block))
        .fix(crate::tr!("finding.wrong_gradient.fix"))
        .remedy(super::remedy::Remedy::RemoveBug)
        .evidence(crate::tr!("finding.evidence.max_rel"), worst.max_rel)
        .evidence(crate::tr!("finding.evidence.median_rel"), worst.median_rel)
        .at(worst.layer)
        .place(worst.block.clone());
        vec![f]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::engine::link as codec;

    fn trainer(link: &str) -> Trainer {
        Trainer::from_config(&codec::decode(link).0).unwrap()
    }

    /// The budget, worked by hand: a 2-8-8-2 net (16 + 64 + 16 = 96
    /// weights per row) with 10 rows costs 2 · 122 entries · 10 · 96 ≈ 2.3e5
    /// multiply-adds: checked in full. Sixteen 256-unit layers on digits
    /// (64·256 + 15·256² + 256·10 = 1,001,984 per row; 17 weight tensors,
    /// 16 biases of 256 and one of 10) first drop to 8 rows, then halve the
    /// entries per tensor from 256 until they fit: 16 each would be
    /// 2 · 538 · 8 · 1,001,984 = 8.6e9 > 5e9; 8 each is 2 · 272 · 8 ·
    /// 1,001,984 = 4.4e9.
    #[test]
    fn the_budget_thins_only_large_checks() {
        let small = trainer("data=xor&net=8:tanh,8:tanh&bs=10");
        let plan = Plan::for_model(&small.model, 10);
        assert_eq!(plan, Plan { per_tensor: MAX_PER_TENSOR, rows: 10, batch_rows: 10 });
        assert!(!plan.bounded());
        let net = ["256:relu"; 16].join(",");
        let big = trainer(&format!("data=digits&loss=softmax&bs=64&net={net}"));
        assert_eq!(big.model.forward_macs_per_row(), 1_001_984);
        let plan = Plan::for_model(&big.model, 64);
        assert_eq!(plan, Plan { per_tensor: 8, rows: 8, batch_rows: 64 });
        assert!(plan.bounded());
    }

    /// A thinned sample spans the units of a weight matrix instead of one column.
    #[test]
    fn a_thinned_sample_spans_columns() {
        let sampling = Plan { per_tensor: 8, rows: 2, batch_rows: 64 }.sampling();
        let picked = sampling.indices(256 * 256);
        assert_eq!(picked.len(), 8);
        let columns: std::collections::BTreeSet<usize> = picked.iter().map(|i| i % 256).collect();
        assert_eq!(columns.len(), 8, "{picked:?}");
        assert!(picked.iter().all(|&i| i < 256 * 256));
        // Unthinned sampling is the plain even stride, as before.
        assert_eq!(gradcheck::Sampling::even(4).indices(10), vec![0, 3, 6, 9]);
    }

    /// A bounded check says so, with its numbers; a full one says nothing.
    #[test]
    fn a_bounded_check_says_what_it_left_out() {
        let net = ["64:relu"; 6].join(",");
        let t = trainer(&format!("data=digits&loss=softmax&bs=500&net={net}"));
        let r = run(&t, false);
        assert!(r.plan.bounded(), "{:?}", r.plan);
        let note = r.sampling_note().expect("a note");
        assert!(note.contains(&format!("{} of the mini-batch's {} rows", r.plan.rows, r.plan.batch_rows)), "{note}");
        assert!(run(&trainer("data=xor&net=4:tanh&bs=10"), false).sampling_note().is_none());
    }

    #[test]
    fn bands() {
        assert_eq!(Band::of(1e-9), Band::Excellent);
        assert_eq!(Band::of(1e-6), Band::Ok);
        assert_eq!(Band::of(1e-4), Band::Suspicious);
        assert_eq!(Band::of(2.0), Band::Fail);
    }
}
