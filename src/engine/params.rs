//! The layout of the flat parameter vector: which tensor sits where.
//!
//! A model keeps every trainable parameter in one vector (and the gradients
//! in another of the same layout); a [`ParamInfo`] names one tensor in it.
//! The optimizers, the clipping, the fingerprint and the gradient check read
//! this layout without needing the model itself.

/// What one parameter tensor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ParamKind {
    /// Dense weights `W: [n_in, n_out]`.
    Weight,
    /// Dense bias `b: [n_out]`.
    Bias,
    /// BN scale γ.
    Gamma,
    /// BN shift β.
    Beta,
}

impl ParamKind {
    /// Short name: `W`, `b`, `gamma`, `beta`.
    pub fn name(self) -> &'static str {
        match self {
            ParamKind::Weight => "W",
            ParamKind::Bias => "b",
            ParamKind::Gamma => "gamma",
            ParamKind::Beta => "beta",
        }
    }
}

/// Where one parameter tensor lives in the flat vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ParamInfo {
    /// Index of the owning layer.
    pub layer: usize,
    /// What it is.
    pub kind: ParamKind,
    /// Offset in `params` / `grads`.
    pub offset: usize,
    /// Shape (rows, cols); a vector is (1, n).
    pub shape: (usize, usize),
}

impl ParamInfo {
    /// Number of scalars.
    pub fn len(&self) -> usize {
        self.shape.0 * self.shape.1
    }
    /// Whether the tensor is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The index range in the flat vector.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
    /// Weights are penalized and decayed; biases and BN parameters are not.
    pub fn decays(&self) -> bool {
        self.kind == ParamKind::Weight
    }
}
