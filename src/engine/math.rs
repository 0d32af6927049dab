//! The one place where `f64` transcendental functions are computed.
//!
//! `std`'s `f64::exp` and friends call the platform's libm natively and a Rust
//! port in wasm; their last bits can differ. Everything in the engine calls
//! these wrappers (or [`crate::scalar::Real`]) instead, and
//! `clippy.toml` forbids the `std` methods.

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Base-10 logarithm.
#[inline]
pub fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// ln(1 + x), accurate near 0.
#[inline]
pub fn ln_1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// Hyperbolic tangent.
#[inline]
pub fn tanh(x: f64) -> f64 {
    libm::tanh(x)
}

/// Sine.
#[inline]
pub fn sin(x: f64) -> f64 {
    libm::sin(x)
}

/// Cosine.
#[inline]
pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

/// Square root (IEEE-exact everywhere, so the instruction gives libm's
/// bits; routed here for uniformity).
#[inline]
pub fn sqrt(x: f64) -> f64 {
    f64::sqrt(x)
}

/// x^y.
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// Error function.
#[inline]
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}

/// Arc tangent of y/x with the quadrant of (x, y).
#[inline]
pub fn atan2(y: f64, x: f64) -> f64 {
    libm::atan2(y, x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_match_known_values() {
        assert_eq!(exp(0.0), 1.0);
        assert!((ln(std::f64::consts::E) - 1.0).abs() < 1e-15);
        assert!((tanh(0.5) - 0.46211715726000974).abs() < 1e-16);
        assert!((sin(1.0) - 0.8414709848078965).abs() < 1e-16);
        assert_eq!(sqrt(16.0), 4.0);
    }
}
