//! What an instrument reports to the doctor: a [`Finding`] is one plain
//! sentence about one problem, with a severity and the checklist item
//! (docs/CHECKLIST.md) it illustrates.

use super::remedy::Remedy;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong yet.
    Info,
    /// Likely to hurt training.
    Warning,
    /// Training is broken or badly hampered.
    Error,
}

/// The problems the instruments can name, in the order to fix them: the
/// doctor ranks findings by this order (then by severity), so the first
/// finding is the one to fix first. Evidence of a bug in the code comes
/// first, then mistakes in the setup, then the scale of the initialization,
/// then the strength of the penalty, then the optimizer's step size, then
/// the order of dropout and BatchNorm, and last the symptoms those causes
/// produce (a non-finite value, a model that cannot
/// fit). A symptom whose cause the doctor found is folded into that cause's
/// finding instead of being reported twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// Backprop disagrees with the numerical gradient.
    WrongGradient,
    /// A layer's update is never applied.
    UpdateNotApplied,
    /// The gradient the optimizer applies is not the batch's gradient.
    StaleGradient,
    /// Evaluation is random (dropout or BN in training mode at test time).
    RandomEvaluation,
    /// BN running statistics never move.
    StaleBnStatistics,
    /// Labels do not follow the inputs.
    LabelsUnrelated,
    /// Every prediction is right yet the loss stalls: outputs squashed before the loss.
    LossStalls,
    /// The loss or the output activation does not suit the task.
    LossMismatch,
    /// Units of a layer start identical and stay identical (zero or constant init).
    SymmetricInit,
    /// Inputs are far from mean 0, std 1.
    UnnormalizedInputs,
    /// Dropout drops so much that the model cannot fit.
    DropoutTooHigh,
    /// BatchNorm estimates its statistics from too few examples.
    BnSmallBatch,
    /// Activations or gradients grow by orders of magnitude across layers.
    Exploding,
    /// Signals or gradients shrink by orders of magnitude across layers.
    Vanishing,
    /// tanh/sigmoid units sit in their flat tails.
    Saturated,
    /// ReLU units that output 0 for every input.
    DeadUnits,
    /// The initial loss is far from what a healthy initialization gives.
    InitialLoss,
    /// The penalty dominates the data loss.
    PenaltyDominates,
    /// Steps too large: the loss rises, diverges or collapses.
    LearningRateTooHigh,
    /// The loss jumps up and down instead of settling.
    Oscillating,
    /// Steps too small: the loss barely moves.
    LearningRateTooLow,
    /// BN sees a different input variance in training and evaluation.
    VarianceShift,
    /// A value became NaN or infinite.
    NonFinite,
    /// The model cannot fit a handful of points.
    CannotOverfit,
    /// The gradient check could not decide (gradients vanish or sit on kinks).
    GradientCheckInconclusive,
}

impl Problem {
    /// Every problem, in ranking order.
    pub const ALL: [Problem; 25] = [
        Problem::WrongGradient,
        Problem::UpdateNotApplied,
        Problem::StaleGradient,
        Problem::RandomEvaluation,
        Problem::StaleBnStatistics,
        Problem::LabelsUnrelated,
        Problem::LossStalls,
        Problem::LossMismatch,
        Problem::SymmetricInit,
        Problem::UnnormalizedInputs,
        Problem::DropoutTooHigh,
        Problem::BnSmallBatch,
        Problem::Exploding,
        Problem::Vanishing,
        Problem::Saturated,
        Problem::DeadUnits,
        Problem::InitialLoss,
        Problem::PenaltyDominates,
        Problem::LearningRateTooHigh,
        Problem::Oscillating,
        Problem::LearningRateTooLow,
        Problem::VarianceShift,
        Problem::NonFinite,
        Problem::CannotOverfit,
        Problem::GradientCheckInconclusive,
    ];

    /// Stable kebab-case id, e.g. `dead-units`.
    pub fn id(self) -> &'static str {
        match self {
            Problem::WrongGradient => "wrong-gradient",
            Problem::UpdateNotApplied => "update-not-applied",
            Problem::StaleGradient => "stale-gradient",
            Problem::RandomEvaluation => "random-evaluation",
            Problem::StaleBnStatistics => "stale-bn-statistics",
            Problem::LabelsUnrelated => "labels-unrelated",
            Problem::LossStalls => "loss-stalls",
            Problem::LossMismatch => "loss-mismatch",
            Problem::SymmetricInit => "symmetric-init",
            Problem::UnnormalizedInputs => "unnormalized-inputs",
            Problem::DropoutTooHigh => "dropout-too-high",
            Problem::BnSmallBatch => "bn-small-batch",
            Problem::Exploding => "exploding",
            Problem::Vanishing => "vanishing",
            Problem::Saturated => "saturated",
            Problem::DeadUnits => "dead-units",
            Problem::InitialLoss => "initial-loss",
            Problem::LearningRateTooHigh => "learning-rate-too-high",
            Problem::Oscillating => "oscillating",
            Problem::LearningRateTooLow => "learning-rate-too-low",
            Problem::PenaltyDominates => "penalty-dominates",
            Problem::VarianceShift => "variance-shift",
            Problem::NonFinite => "non-finite",
            Problem::CannotOverfit => "cannot-overfit",
            Problem::GradientCheckInconclusive => "gradient-check-inconclusive",
        }
    }

    /// The problem's name in the current language (`problem.<id>`, with
    /// underscores for dashes), e.g. "learning rate too high".
    pub fn name(self) -> &'static str {
        let key = format!("problem.{}", self.id().replace('-', "_"));
        crate::engine::i18n::lookup(crate::engine::i18n::current(), &key).unwrap_or(self.id())
    }

    /// Whether the problem is evidence of a bug in the code (never raised
    /// on correct code: the doctor benchmark holds it to that).
    pub fn is_bug(self) -> bool {
        self <= Problem::LossStalls
    }
}

/// An item of docs/CHECKLIST.md: `section.row`; its idea in a few words
/// is [`ChecklistItem::title`], in the page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChecklistItem {
    /// `section.row`, e.g. `3.4`.
    pub id: &'static str,
}

impl ChecklistItem {
    /// The idea, e.g. `Dead ReLUs`, in the current language.
    pub fn title(self) -> &'static str {
        use crate::engine::i18n;
        match self.id {
            "1.1" => i18n::text("finding.checklist.small_model"),
            "1.2" => i18n::text("finding.checklist.overfit"),
            "2.1" => i18n::text("finding.checklist.loss_fits_task"),
            "2.2" => i18n::text("finding.checklist.loss_scales"),
            "2.3" => i18n::text("finding.checklist.initial_loss"),
            "3.1" => i18n::text("finding.checklist.gradient_flow"),
            "3.3" => i18n::text("finding.checklist.update_ratio"),
            "3.4" => i18n::text("finding.checklist.dead_relu"),
            "3.5" => i18n::text("finding.checklist.gradient_check"),
            "3.6" => i18n::text("finding.checklist.visualise"),
            "4.2" => i18n::text("finding.checklist.learning_rate"),
            "4.3" => i18n::text("finding.checklist.clipping"),
            "4.4" => i18n::text("finding.checklist.batch_norm"),
            "4.6" => i18n::text("finding.checklist.regularization"),
            "4.7" => i18n::text("finding.checklist.dropout"),
            "4.8" => i18n::text("finding.checklist.dropout_bn_order"),
            _ => "",
        }
    }
}

/// An item travels as its id and its title.
impl Serialize for ChecklistItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ChecklistItem", 2)?;
        s.serialize_field("id", self.id)?;
        s.serialize_field("title", self.title())?;
        s.end()
    }
}

/// An item comes back as the item of the same id (an unknown id is an
/// error: items are compiled in, never made up).
impl<'de> Deserialize<'de> for ChecklistItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Both fields, as written (postcard reads fields by position); the
        // title is the item's own, not the one read.
        #[derive(Deserialize)]
        struct Fields {
            id: String,
            #[serde(default)]
            #[allow(dead_code)]
            title: String,
        }
        let fields = Fields::deserialize(deserializer)?;
        checklist::ALL
            .into_iter()
            .find(|item| item.id == fields.id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown checklist item {}", fields.id)))
    }
}

/// The checklist items the instruments illustrate.
pub mod checklist {
    use super::ChecklistItem;

    /// Every item below, in checklist order.
    pub const ALL: [ChecklistItem; 16] = [
        SMALL_MODEL,
        OVERFIT,
        LOSS_FITS_TASK,
        LOSS_SCALES,
        INITIAL_LOSS,
        GRADIENT_FLOW,
        UPDATE_RATIO,
        DEAD_RELU,
        GRADIENT_CHECK,
        VISUALISE,
        LEARNING_RATE,
        CLIPPING,
        BATCH_NORM,
        REGULARIZATION,
        DROPOUT,
        DROPOUT_BN_ORDER,
    ];

    /// 1.1 Start with a small model.
    pub const SMALL_MODEL: ChecklistItem = ChecklistItem { id: "1.1" };
    /// 1.2 Overfit a tiny batch.
    pub const OVERFIT: ChecklistItem = ChecklistItem { id: "1.2" };
    /// 2.1 The loss suits the task.
    pub const LOSS_FITS_TASK: ChecklistItem = ChecklistItem { id: "2.1" };
    /// 2.2 Losses on comparable scales.
    pub const LOSS_SCALES: ChecklistItem = ChecklistItem { id: "2.2" };
    /// 2.3 The initial loss matches chance.
    pub const INITIAL_LOSS: ChecklistItem = ChecklistItem { id: "2.3" };
    /// 3.1 Gradient bugs, updates never applied, vanishing or exploding gradients.
    pub const GRADIENT_FLOW: ChecklistItem = ChecklistItem { id: "3.1" };
    /// 3.3 Update/weight ratio near 1e-3.
    pub const UPDATE_RATIO: ChecklistItem = ChecklistItem { id: "3.3" };
    /// 3.4 Dead ReLUs.
    pub const DEAD_RELU: ChecklistItem = ChecklistItem { id: "3.4" };
    /// 3.5 Gradient checking.
    pub const GRADIENT_CHECK: ChecklistItem = ChecklistItem { id: "3.5" };
    /// 3.6 Visualise.
    pub const VISUALISE: ChecklistItem = ChecklistItem { id: "3.6" };
    /// 4.2 Learning rate.
    pub const LEARNING_RATE: ChecklistItem = ChecklistItem { id: "4.2" };
    /// 4.3 Gradient clipping.
    pub const CLIPPING: ChecklistItem = ChecklistItem { id: "4.3" };
    /// 4.4 Batch normalization.
    pub const BATCH_NORM: ChecklistItem = ChecklistItem { id: "4.4" };
    /// 4.6 Regularization.
    pub const REGULARIZATION: ChecklistItem = ChecklistItem { id: "4.6" };
    /// 4.7 Dropout at training only.
    pub const DROPOUT: ChecklistItem = ChecklistItem { id: "4.7" };
    /// 4.8 Order of dropout and BN.
    pub const DROPOUT_BN_ORDER: ChecklistItem = ChecklistItem { id: "4.8" };
}

/// One measured number a finding rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What was measured, e.g. `first/output weight-gradient ratio`.
    pub label: String,
    /// Its value.
    pub value: f64,
}

/// One result of a check: what was seen (with its numbers), its likely
/// cause, and the fix, pointing the right way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How bad.
    pub severity: Severity,
    /// What problem it names.
    pub problem: Problem,
    /// The checklist item it illustrates.
    pub checklist: ChecklistItem,
    /// Which instrument found it (its module name).
    pub instrument: String,
    /// What was observed, in one plain sentence with its numbers.
    pub sentence: String,
    /// Why it happens (empty when the observation says it all).
    pub cause: String,
    /// What to change.
    pub fix: String,
    /// The numbers the finding rests on.
    pub evidence: Vec<Evidence>,
    /// The model layer it concerns, if one (for marking the network view).
    pub layer: Option<usize>,
    /// The page's name for that place: `hidden 2`, `output`.
    pub place: Option<String>,
    /// The fix as a change to the experiment, when it is one ("try the fix").
    /// Always written (`null` when none): the worker's messages are postcard,
    /// which cannot skip a field; read as absent from older JSON.
    #[serde(default)]
    pub remedy: Option<Remedy>,
}

impl Finding {
    /// A finding with an observation; add the cause, fix and evidence with
    /// the builder methods.
    pub fn new(
        severity: Severity,
        problem: Problem,
        checklist: ChecklistItem,
        instrument: &'static str,
        sentence: String,
    ) -> Self {
        Self {
            severity,
            problem,
            checklist,
            instrument: instrument.to_string(),
            sentence,
            cause: String::new(),
            fix: String::new(),
            evidence: Vec::new(),
            layer: None,
            place: None,
            remedy: None,
        }
    }

    /// The same finding about model layer `layer`.
    pub fn at(mut self, layer: usize) -> Self {
        self.layer = Some(layer);
        self
    }

    /// The same finding about the page's `place` (`hidden 1`, `output`).
    pub fn place(mut self, place: impl Into<String>) -> Self {
        self.place = Some(place.into());
        self
    }

    /// With its likely cause.
    pub fn cause(mut self, cause: impl Into<String>) -> Self {
        self.cause = cause.into();
        self
    }

    /// With its fix as a change to the experiment.
    pub fn remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// With its fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    /// With one more measured number.
    pub fn evidence(mut self, label: impl Into<String>, value: f64) -> Self {
        self.evidence.push(Evidence { label: label.into(), value });
        self
    }

    /// With another severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The whole text: observation, cause and fix.
    pub fn text(&self) -> String {
        let (sentence, cause, fix) = (&self.sentence, &self.cause, &self.fix);
        match (cause.is_empty(), fix.is_empty()) {
            (false, false) => crate::tr!("finding.text.cause_fix", sentence = sentence, cause = cause, fix = fix),
            (false, true) => crate::tr!("finding.text.cause", sentence = sentence, cause = cause),
            (true, false) => crate::tr!("finding.text.fix", sentence = sentence, fix = fix),
            (true, true) => sentence.clone(),
        }
    }

    /// Whether the finding is a warning or an error (not a note).
    pub fn is_alarm(&self) -> bool {
        self.severity >= Severity::Warning
    }
}

/// Sorts findings into the order to fix them: warnings and errors before
/// notes, then by [`Problem`] order (causes before their symptoms), then
/// most severe first (stable).
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.is_alarm().cmp(&a.is_alarm()).then(a.problem.cmp(&b.problem)).then(b.severity.cmp(&a.severity))
    });
}

/// A number for a sentence (the one formatter's prose precision, kept here
/// under the name every instrument imports).
pub use crate::engine::format::num;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_puts_errors_and_fundamental_problems_first() {
        let f = |s, p| Finding::new(s, p, checklist::DEAD_RELU, "test", String::new());
        let mut v = vec![
            f(Severity::Warning, Problem::DeadUnits),
            f(Severity::Error, Problem::Saturated),
            f(Severity::Error, Problem::Exploding),
            f(Severity::Warning, Problem::NonFinite),
            f(Severity::Info, Problem::GradientCheckInconclusive),
        ];
        rank(&mut v);
        let order: Vec<Problem> = v.iter().map(|f| f.problem).collect();
        // Causes before symptoms whatever their severity; notes last.
        assert_eq!(
            order,
            [
                Problem::Exploding,
                Problem::Saturated,
                Problem::DeadUnits,
                Problem::NonFinite,
                Problem::GradientCheckInconclusive
            ]
        );
        assert!(Problem::WrongGradient < Problem::Exploding && Problem::Exploding < Problem::NonFinite);
        assert!(Problem::ALL.windows(2).all(|w| w[0] < w[1]), "ALL is in ranking order");
        assert!(Problem::LossStalls.is_bug() && !Problem::LossMismatch.is_bug());
        assert_eq!(num(0.000_012_3), "1.2e-5");
        assert_eq!(num(2.5), "2.50");
        assert_eq!(num(0.123_4), "0.123");
    }
}
