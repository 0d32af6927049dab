//! The floating-point type a model computes in.
//!
//! Training runs in `f32` (fast, and what the page uses); gradient checks and
//! `gradlab grads` run the same code in `f64`. [`Real`] is the small set of
//! operations the engine needs, with every transcendental routed through `libm`
//! so that native and wasm builds agree bit for bit.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point scalar: `f32` or `f64`.
pub trait Real:
    Copy
    + Default
    + Debug
    + Display
    + PartialOrd
    + PartialEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Send
    + Sync
    + 'static
{
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// Converts from `f64` (rounding to nearest for `f32`).
    fn of(x: f64) -> Self;
    /// Widens to `f64`.
    fn f64(self) -> f64;
    /// The IEEE bit pattern, widened to 64 bits (for fingerprints).
    fn bits(self) -> u64;
    /// e^x.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// ln(1 + x).
    fn ln_1p(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// The values themselves as `f32`s when `Self` is `f32` (for kernels
    /// that have an f32-only SIMD form), else `None`.
    fn as_f32s(values: &[Self]) -> Option<&[f32]>;
    /// [`Real::as_f32s`] for a mutable slice.
    fn as_f32s_mut(values: &mut [Self]) -> Option<&mut [f32]>;
    /// Square root.
    fn sqrt(self) -> Self;
    /// x^y.
    fn pow(self, y: Self) -> Self;
    /// Error function.
    fn erf(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Whether the value is neither NaN nor infinite.
    fn is_finite(self) -> bool;
    /// The larger of two values (NaN-propagating is not required).
    #[inline]
    fn max(self, other: Self) -> Self {
        if self >= other {
            self
        } else {
            other
        }
    }
    /// The smaller of two values.
    #[inline]
    fn min(self, other: Self) -> Self {
        if self <= other {
            self
        } else {
            other
        }
    }
    /// Logistic sigmoid 1 / (1 + e^-x), stable for large |x|.
    #[inline]
    fn sigmoid(self) -> Self {
        if self >= Self::ZERO {
            Self::ONE / (Self::ONE + (-self).exp())
        } else {
            let e = self.exp();
            e / (Self::ONE + e)
        }
    }
    /// softplus(x) = ln(1 + e^x), stable for large |x|.
    #[inline]
    fn softplus(self) -> Self {
        self.max(Self::ZERO) + (-self.abs()).exp().ln_1p()
    }
}

impl Real for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits() as u64
    }
    #[inline]
    fn exp(self) -> Self {
        libm::expf(self)
    }
    #[inline]
    fn ln(self) -> Self {
        libm::logf(self)
    }
    #[inline]
    fn ln_1p(self) -> Self {
        libm::log1pf(self)
    }
    #[inline]
    fn tanh(self) -> Self {
        libm::tanhf(self)
    }
    #[inline]
    fn as_f32s(values: &[Self]) -> Option<&[f32]> {
        Some(values)
    }
    #[inline]
    fn as_f32s_mut(values: &mut [Self]) -> Option<&mut [f32]> {
        Some(values)
    }
    #[inline]
    fn sqrt(self) -> Self {
        // Not libm: IEEE 754 rounds sqrt correctly, so the instruction gives
        // libm's bits, and it is one (vectorizable) instruction where stable
        // libm falls back to soft float in wasm (tests/wasm_determinism.rs).
        f32::sqrt(self)
    }
    #[inline]
    fn pow(self, y: Self) -> Self {
        libm::powf(self, y)
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erff(self)
    }
    #[inline]
    fn abs(self) -> Self {
        libm::fabsf(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline]
    fn of(x: f64) -> Self {
        x
    }
    #[inline]
    fn f64(self) -> f64 {
        self
    }
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits()
    }
    #[inline]
    fn exp(self) -> Self {
        libm::exp(self)
    }
    #[inline]
    fn ln(self) -> Self {
        libm::log(self)
    }
    #[inline]
    fn ln_1p(self) -> Self {
        libm::log1p(self)
    }
    #[inline]
    fn tanh(self) -> Self {
        libm::tanh(self)
    }
    #[inline]
    fn as_f32s(_: &[Self]) -> Option<&[f32]> {
        None
    }
    #[inline]
    fn as_f32s_mut(_: &mut [Self]) -> Option<&mut [f32]> {
        None
    }
    #[inline]
    fn sqrt(self) -> Self {
        // As for f32: correctly rounded everywhere.
        f64::sqrt(self)
    }
    #[inline]
    fn pow(self, y: Self) -> Self {
        libm::pow(self, y)
    }
    #[inline]
    fn erf(self) -> Self {
        libm::erf(self)
    }
    #[inline]
    fn abs(self) -> Self {
        libm::fabs(self)
    }
    #[inline]
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Real;

    #[test]
    fn sigmoid_and_softplus_are_stable_at_extremes() {
        assert_eq!(Real::sigmoid(1000.0f64), 1.0);
        assert_eq!(Real::sigmoid(-1000.0f64), 0.0);
        assert!((Real::softplus(1000.0f64) - 1000.0).abs() < 1e-12);
        assert!(Real::softplus(-1000.0f64) >= 0.0);
        assert!((Real::softplus(0.0f64) - std::f64::consts::LN_2).abs() < 1e-15);
        assert!((Real::sigmoid(0.3f32) - 0.574_442_5).abs() < 1e-6);
    }
}
