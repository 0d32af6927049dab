//! The fingerprint of a model state: a 64-bit FNV-1a hash of the bits of
//! every parameter and every BN running statistic, shown as 16 hex digits.
//! Two people who see the same fingerprint hold the same state.

use crate::layers::Layer;
use crate::model::Model;
use crate::scalar::Real;
use std::fmt;
use std::hash::Hasher;

/// A 64-bit state hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Fingerprint of a model: parameters in layout order, then BN running
/// statistics layer by layer.
pub fn of_model<F: Real>(model: &Model<F>) -> Fingerprint {
    let mut h = fnv::FnvHasher::default();
    let mut feed = |values: &[F]| values.iter().for_each(|v| h.write_u64(v.bits()));
    feed(&model.params);
    for layer in &model.layers {
        if let Layer::BatchNorm(bn) = layer {
            feed(&bn.running_mean);
            feed(&bn.running_var);
        }
    }
    Fingerprint(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_sixteen_hex_digits() {
        assert_eq!(Fingerprint(0xab).to_string(), "00000000000000ab");
    }
}
