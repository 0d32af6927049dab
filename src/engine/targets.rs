//! Targets: what kind of prediction the data asks for ([`Task`]), how
//! labels become the loss's targets and outputs become classes
//! ([`Encoding`]), and one side of the split in the training float type
//! ([`Split`]).

use crate::config::{LossKind, OutputAct};
use crate::data::{Labels, RawData};
use crate::error::EngineError;
use crate::scalar::Real;
use ndarray::Array2;

/// What kind of prediction the data asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Task {
    /// Two classes.
    Binary,
    /// `C ≥ 3` classes.
    Classes(usize),
    /// Real-valued targets.
    Regression,
}

/// How targets are encoded for the loss and how outputs become classes.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Encoding {
    /// The task.
    pub task: Task,
    /// Number of model outputs.
    pub n_out: usize,
    /// Target value of the true class (1).
    pub on: f64,
    /// Target value of the other classes (−1 for tanh/linear MSE, else 0).
    pub off: f64,
    /// With one output, class 1 is predicted when the output exceeds this.
    pub threshold: f64,
}

impl Encoding {
    /// The encoding a config implies for data with these labels.
    pub fn new(labels: &Labels, loss: LossKind, output_act: OutputAct) -> Result<Self, EngineError> {
        let task = match labels {
            Labels::Classes { n_classes: 2, .. } => Task::Binary,
            Labels::Classes { n_classes, .. } => Task::Classes(*n_classes),
            Labels::Values(_) => Task::Regression,
        };
        let mse = loss == LossKind::Mse;
        if task == Task::Regression && !mse {
            return Err(EngineError::InvalidConfig(
                "regression data needs the MSE loss (cross-entropy and focal losses need classes)".into(),
            ));
        }
        let n_out = match task {
            Task::Binary if loss == LossKind::SoftmaxCe => 2,
            Task::Binary | Task::Regression => 1,
            Task::Classes(c) => c,
        };
        let sigmoid_out = mse && output_act == OutputAct::Sigmoid;
        let off = if mse && !sigmoid_out { -1.0 } else { 0.0 };
        let threshold = if sigmoid_out { 0.5 } else { 0.0 };
        Ok(Self { task, n_out, on: 1.0, off, threshold })
    }

    /// Encodes targets as `[n, n_out]`.
    pub fn targets(&self, labels: &Labels) -> Array2<f64> {
        match labels {
            Labels::Values(v) => Array2::from_shape_fn((v.len(), 1), |(i, _)| v[i]),
            Labels::Classes { labels, .. } if self.n_out == 1 => {
                Array2::from_shape_fn((labels.len(), 1), |(i, _)| if labels[i] == 1 { self.on } else { self.off })
            }
            Labels::Classes { labels, .. } => {
                Array2::from_shape_fn(
                    (labels.len(), self.n_out),
                    |(i, j)| {
                        if labels[i] == j {
                            self.on
                        } else {
                            self.off
                        }
                    },
                )
            }
        }
    }

    /// The predicted class of one output row.
    pub fn predict_class<F: Real>(&self, out: &[F]) -> usize {
        if out.len() == 1 {
            usize::from(out[0].f64() > self.threshold)
        } else {
            let mut best = 0;
            for (j, v) in out.iter().enumerate() {
                if *v > out[best] {
                    best = j;
                }
            }
            best
        }
    }
}

/// One side of the split, featurized and encoded, in the training float type.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Split<F> {
    /// Inputs `[n, n_in]`.
    pub x: Array2<F>,
    /// Encoded targets `[n, n_out]`.
    pub targets: Array2<F>,
    /// Class labels (classification only).
    pub labels: Option<Vec<usize>>,
}

impl<F: Real> Split<F> {
    pub(crate) fn new(x: &Array2<f64>, raw: &RawData, encoding: &Encoding) -> Self {
        let labels = match &raw.labels {
            Labels::Classes { labels, .. } => Some(labels.clone()),
            Labels::Values(_) => None,
        };
        Self { x: x.mapv(F::of), targets: encoding.targets(&raw.labels).mapv(F::of), labels }
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
