//! Label agreement (checklist 1.2's "validation stays at chance"): how often
//! a training point's nearest neighbour (in model-input space) has the same
//! label. Real data sets agree far above chance; labels shuffled apart from
//! their inputs agree only at chance, `Σ_c π_c²` — a model can memorize
//! such labels but can never generalize from them.

use super::finding::{checklist, num, Finding, Problem, Severity};
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Training points compared at most (the first ones, in training order).
pub const MAX_POINTS: usize = 500;
/// Agreement within this margin above chance is flagged.
pub const MARGIN: f64 = 0.1;

/// What the measure found.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LabelAgreement {
    /// Share of points whose nearest neighbour has the same label.
    pub agreement: f64,
    /// The share two random points would agree on: `Σ_c π_c²`.
    pub chance: f64,
    /// Points compared.
    pub points: usize,
}

/// Measures the training set; `None` for regression or fewer than 2 points.
pub fn measure(trainer: &Trainer) -> Option<LabelAgreement> {
    let labels = trainer.train.labels.as_ref()?;
    let n = labels.len().min(MAX_POINTS);
    if n < 2 {
        return None;
    }
    let x = &trainer.train.x;
    let rows: Vec<&[f32]> = (0..n).map(|i| x.row(i).to_slice().unwrap_or(&[])).collect();
    let agree = (0..n)
        .filter(|&i| {
            let nearest = (0..n)
                .filter(|&j| j != i)
                .map(|j| (j, squared_distance(rows[i], rows[j])))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(i, |(j, _)| j);
            labels[nearest] == labels[i]
        })
        .count();
    let n_classes = labels[..n].iter().max().map_or(1, |m| m + 1);
    let mut counts = vec![0usize; n_classes];
    labels[..n].iter().for_each(|&c| counts[c] += 1);
    let chance = counts.iter().map(|&c| (c as f64 / n as f64) * (c as f64 / n as f64)).sum();
    Some(LabelAgreement { agreement: agree as f64 / n as f64, chance, points: n })
}

fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum()
}

impl LabelAgreement {
    /// An error when neighbours agree no better than chance.
    pub fn findings(&self) -> Vec<Finding> {
        if self.agreement > self.chance + MARGIN {
            return Vec::new();
        }
        let sentence = crate::tr!(
            "finding.labels_unrelated.sentence",
            agreement = num(self.agreement * 100.0),
            chance = num(self.chance * 100.0)
        );
        let f =
            Finding::new(Severity::Error, Problem::LabelsUnrelated, checklist::OVERFIT, "label_agreement", sentence)
                .cause(crate::tr!("finding.labels_unrelated.cause"))
                .fix(crate::tr!("finding.labels_unrelated.fix"))
                .remedy(super::remedy::Remedy::RemoveBug)
                .evidence(crate::tr!("finding.evidence.neighbour_agreement"), self.agreement)
                .evidence(crate::tr!("finding.evidence.chance_agreement"), self.chance);
        vec![f]
    }
}
