//! What an instrument reports to the doctor: a [`Finding`] is one plain
//! sentence about one problem, with a severity and the checklist item
//! (shared/CHECKLIST.md) it illustrates.

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong yet.
    Info,
    /// Likely to hurt training.
    Warning,
    /// Training is broken or badly hampered.
    Error,
}

/// The problems the instruments can name, most fundamental first: the
/// doctor ranks findings by severity, then by this order. Evidence of a
/// bug in the code comes first, then causes before their symptoms
/// (exploding activations before the NaN they lead to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    /// Activations or gradients grow by orders of magnitude across layers
    /// (ranked above its usual symptom, a non-finite value).
    Exploding,
    /// A value became NaN or infinite.
    NonFinite,
    /// Gradients shrink by orders of magnitude toward the input.
    Vanishing,
    /// tanh/sigmoid units sit in their flat tails.
    Saturated,
    /// The initial loss is far from what a healthy initialization gives.
    InitialLoss,
    /// Inputs are far from mean 0, std 1.
    UnnormalizedInputs,
    /// ReLU units that output 0 for every input.
    DeadUnits,
    /// Updates far below 1e-3 of the weights.
    LearningRateTooLow,
    /// Updates far above 1e-3 of the weights.
    LearningRateTooHigh,
    /// The penalty dominates the data loss.
    PenaltyDominates,
    /// BN sees a different input variance in training and evaluation.
    VarianceShift,
    /// The loss stalls although every point is classified right.
    LossStalls,
    /// The model cannot overfit a handful of points.
    CannotOverfit,
    /// A gradient-check error that ReLU kinks can explain.
    KinkNoise,
}

impl Problem {
    /// Stable kebab-case id, e.g. `dead-units`.
    pub fn id(self) -> &'static str {
        match self {
            Problem::NonFinite => "non-finite",
            Problem::WrongGradient => "wrong-gradient",
            Problem::UpdateNotApplied => "update-not-applied",
            Problem::StaleGradient => "stale-gradient",
            Problem::RandomEvaluation => "random-evaluation",
            Problem::StaleBnStatistics => "stale-bn-statistics",
            Problem::LabelsUnrelated => "labels-unrelated",
            Problem::Exploding => "exploding",
            Problem::Vanishing => "vanishing",
            Problem::Saturated => "saturated",
            Problem::InitialLoss => "initial-loss",
            Problem::UnnormalizedInputs => "unnormalized-inputs",
            Problem::DeadUnits => "dead-units",
            Problem::LearningRateTooLow => "learning-rate-too-low",
            Problem::LearningRateTooHigh => "learning-rate-too-high",
            Problem::PenaltyDominates => "penalty-dominates",
            Problem::VarianceShift => "variance-shift",
            Problem::LossStalls => "loss-stalls",
            Problem::CannotOverfit => "cannot-overfit",
            Problem::KinkNoise => "kink-noise",
        }
    }
}

/// An item of shared/CHECKLIST.md: `section.row` and its idea in a few words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// `section.row`, e.g. `3.4`.
    pub id: &'static str,
    /// The idea, e.g. `Dead ReLUs`.
    pub title: &'static str,
}

/// The checklist items the instruments illustrate.
pub mod checklist {
    use super::ChecklistItem;

    /// 1.1 Start with a small model.
    pub const SMALL_MODEL: ChecklistItem = ChecklistItem { id: "1.1", title: "Start with a small model" };
    /// 1.2 Overfit a tiny batch.
    pub const OVERFIT: ChecklistItem = ChecklistItem { id: "1.2", title: "Overfit one or two data points" };
    /// 2.1 The loss suits the task.
    pub const LOSS_FITS_TASK: ChecklistItem = ChecklistItem { id: "2.1", title: "The loss must suit the task" };
    /// 2.2 Losses on comparable scales.
    pub const LOSS_SCALES: ChecklistItem = ChecklistItem { id: "2.2", title: "Losses on comparable scales" };
    /// 2.3 The initial loss matches chance.
    pub const INITIAL_LOSS: ChecklistItem = ChecklistItem { id: "2.3", title: "The initial loss must match chance" };
    /// 3.1 Gradient bugs, updates never applied, vanishing or exploding gradients.
    pub const GRADIENT_FLOW: ChecklistItem = ChecklistItem {
        id: "3.1",
        title: "Bugs in gradients, updates never applied, vanishing or exploding gradients",
    };
    /// 3.3 Update/weight ratio near 1e-3.
    pub const UPDATE_RATIO: ChecklistItem =
        ChecklistItem { id: "3.3", title: "Magnitudes of activations, weights and updates" };
    /// 3.4 Dead ReLUs.
    pub const DEAD_RELU: ChecklistItem = ChecklistItem { id: "3.4", title: "Dead ReLUs" };
    /// 3.5 Gradient checking.
    pub const GRADIENT_CHECK: ChecklistItem = ChecklistItem { id: "3.5", title: "Gradient checking" };
    /// 3.6 Visualise.
    pub const VISUALISE: ChecklistItem = ChecklistItem { id: "3.6", title: "Visualise activations and gradients" };
    /// 4.2 Learning rate.
    pub const LEARNING_RATE: ChecklistItem = ChecklistItem { id: "4.2", title: "Learning rate" };
    /// 4.3 Gradient clipping.
    pub const CLIPPING: ChecklistItem = ChecklistItem { id: "4.3", title: "Gradient clipping" };
    /// 4.4 Batch normalization.
    pub const BATCH_NORM: ChecklistItem = ChecklistItem { id: "4.4", title: "Batch normalization" };
    /// 4.6 Regularization.
    pub const REGULARIZATION: ChecklistItem = ChecklistItem { id: "4.6", title: "Regularization" };
    /// 4.7 Dropout at training only.
    pub const DROPOUT: ChecklistItem = ChecklistItem { id: "4.7", title: "Dropout during training only" };
    /// 4.8 Order of dropout and BN.
    pub const DROPOUT_BN_ORDER: ChecklistItem =
        ChecklistItem { id: "4.8", title: "The order of dropout and batch norm" };
}

/// One plain-sentence result of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// How bad.
    pub severity: Severity,
    /// What problem it names.
    pub problem: Problem,
    /// The checklist item it illustrates.
    pub checklist: ChecklistItem,
    /// Which instrument found it (its module name).
    pub instrument: &'static str,
    /// One plain sentence.
    pub sentence: String,
    /// The model layer it concerns, if one.
    pub layer: Option<usize>,
}

impl Finding {
    /// A finding.
    pub fn new(
        severity: Severity,
        problem: Problem,
        checklist: ChecklistItem,
        instrument: &'static str,
        sentence: String,
    ) -> Self {
        Self { severity, problem, checklist, instrument, sentence, layer: None }
    }

    /// The same finding about layer `layer`.
    pub fn at(mut self, layer: usize) -> Self {
        self.layer = Some(layer);
        self
    }
}

/// Sorts findings: most severe first, then by [`Problem`] order (stable).
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.problem.cmp(&b.problem)));
}

/// A number for a sentence: 3 significant digits, scientific when tiny or huge.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 {
        "0".to_string()
    } else if !x.is_finite() {
        format!("{x}")
    } else if !(1e-3..1e4).contains(&a) {
        format!("{x:.1e}")
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

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
            f(Severity::Info, Problem::NonFinite),
        ];
        rank(&mut v);
        let order: Vec<Problem> = v.iter().map(|f| f.problem).collect();
        assert_eq!(order, [Problem::Exploding, Problem::Saturated, Problem::DeadUnits, Problem::NonFinite]);
        assert!(Problem::WrongGradient < Problem::Exploding && Problem::Exploding < Problem::NonFinite);
        assert_eq!(num(0.000_012_3), "1.2e-5");
        assert_eq!(num(2.5), "2.50");
        assert_eq!(num(0.123_4), "0.123");
    }
}
