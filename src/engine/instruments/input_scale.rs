//! Input scale (checklist 2.3's "unnormalized data"): the mean and standard
//! deviation of every model input over the training set. Inputs far from
//! mean 0, std 1 make the first layer's pre-activations large, which
//! saturates units and inflates the initial loss.

use super::finding::{checklist, num, Finding, Problem, Severity};
use super::mean_std;
use crate::engine::config::Named;
use crate::engine::trainer::Trainer;
use serde::Serialize;

/// Without standardization, an input column is flagged when its std
/// exceeds this…
pub const MAX_STD: f64 = 4.0;
/// …or its |mean| exceeds this.
pub const MAX_ABS_MEAN: f64 = 3.0;
/// With standardization on, the training inputs must have mean 0 and std 1
/// (or 0 for a constant column) within this.
pub const STANDARDIZED_TOLERANCE: f64 = 0.05;

/// One model input's statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputColumn {
    /// `x1`, `x1sq`, … for planar data, `pixel 12` for digits.
    pub name: String,
    /// Mean over the training set.
    pub mean: f64,
    /// Population standard deviation over the training set.
    pub std: f64,
}

/// Every input's statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputScale {
    /// Per model input.
    pub columns: Vec<InputColumn>,
    /// Whether the config asks for standardized inputs.
    pub standardize: bool,
}

/// Measures the trainer's training inputs `[n, n_in]`.
pub fn measure(trainer: &Trainer) -> InputScale {
    let x = &trainer.train.x;
    let names: Vec<String> = match &trainer.input_map {
        Some(map) => map.features.iter().map(|f| f.name().to_string()).collect(),
        None => (0..x.ncols()).map(|j| crate::tr!("inst.place.pixel", j = j)).collect(),
    };
    let columns = x
        .columns()
        .into_iter()
        .zip(names)
        .map(|(col, name)| {
            let col: Vec<f32> = col.to_vec();
            let (mean, std) = mean_std(&col);
            InputColumn { name, mean, std }
        })
        .collect();
    InputScale { columns, standardize: trainer.cfg.data.standardize }
}

impl InputScale {
    /// The flagged column farthest from mean 0, std 1 (by |mean| + |std − 1|);
    /// `None` when every column is fine.
    pub fn worst(&self) -> Option<&InputColumn> {
        let distance = |c: &InputColumn| c.mean.abs() + (c.std - 1.0).abs();
        self.columns.iter().filter(|c| self.off(c)).max_by(|a, b| distance(a).total_cmp(&distance(b)))
    }

    /// Whether some input is far from mean 0, std 1: loosely without
    /// standardization, strictly with it (the trainer's standardization
    /// gives exactly mean 0, std 1 on the training set).
    pub fn unnormalized(&self) -> bool {
        self.columns.iter().any(|c| self.off(c))
    }

    fn off(&self, c: &InputColumn) -> bool {
        if self.standardize {
            let std_ok = (c.std - 1.0).abs() <= STANDARDIZED_TOLERANCE || c.std <= STANDARDIZED_TOLERANCE;
            c.mean.abs() > STANDARDIZED_TOLERANCE || !std_ok
        } else {
            c.std > MAX_STD || c.mean.abs() > MAX_ABS_MEAN
        }
    }

    /// A finding when some input is far from mean 0, std 1; an error when
    /// standardization is on (the pipeline does not do what it says).
    pub fn findings(&self) -> Vec<Finding> {
        let Some(w) = self.worst() else { return Vec::new() };
        let sentence =
            crate::tr!("finding.unnormalized.sentence", name = &w.name, mean = num(w.mean), std = num(w.std));
        let f = Finding::new(
            Severity::Warning,
            Problem::UnnormalizedInputs,
            checklist::INITIAL_LOSS,
            "input_scale",
            sentence,
        )
        .evidence(crate::tr!("finding.evidence.input_mean"), w.mean)
        .evidence(crate::tr!("finding.evidence.input_std"), w.std);
        let f = if self.standardize {
            f.severity(Severity::Error)
                .cause(crate::tr!("finding.unnormalized.standardized_cause"))
                .fix(crate::tr!("finding.unnormalized.standardized_fix"))
                .remedy(super::remedy::Remedy::RemoveBug)
        } else {
            f.cause(crate::tr!("finding.unnormalized.cause"))
                .fix(crate::tr!("finding.unnormalized.fix"))
                .remedy(super::remedy::Remedy::Standardize)
        };
        vec![f]
    }
}
