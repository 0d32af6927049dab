//! Weight initializers: one documented enum ([`InitKind`]), one function.
//!
//! `fan_in` and `fan_out` are the input and output widths of a dense layer.
//! Weights are drawn in row-major order of `W: [n_in, n_out]` from the
//! [`Stream::Init`](crate::rng::Stream) generator.

use crate::math;
use crate::named::Named;
use crate::rng::Uniform01;

/// Weight initializers.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum InitKind {
    /// All zeros.
    Zeros,
    /// Every weight = value.
    Constant(f64),
    /// U(−a, a).
    Uniform(f64),
    /// N(0, σ²).
    Normal(f64),
    /// U(±sqrt(6 / (fan_in + fan_out))).
    XavierUniform,
    /// N(0, 2 / (fan_in + fan_out)).
    XavierNormal,
    /// U(±sqrt(6 / fan_in)).
    HeUniform,
    /// N(0, 2 / fan_in).
    HeNormal,
    /// N(0, 1 / fan_in).
    LecunNormal,
}

impl Named for InitKind {
    const VARIANTS: &'static [Self] = &[
        InitKind::Zeros,
        InitKind::Constant(0.1),
        InitKind::Uniform(0.05),
        InitKind::Normal(0.05),
        InitKind::XavierUniform,
        InitKind::XavierNormal,
        InitKind::HeUniform,
        InitKind::HeNormal,
        InitKind::LecunNormal,
    ];

    fn name(self) -> &'static str {
        match self {
            InitKind::Zeros => "zeros",
            InitKind::Constant(_) => "const",
            InitKind::Uniform(_) => "uniform",
            InitKind::Normal(_) => "normal",
            InitKind::XavierUniform => "xavier_u",
            InitKind::XavierNormal => "xavier_n",
            InitKind::HeUniform => "he_u",
            InitKind::HeNormal => "he_n",
            InitKind::LecunNormal => "lecun_n",
        }
    }
}

/// Draws `fan_in * fan_out` weights for a dense layer.
pub fn draw_weights<R: Uniform01>(kind: InitKind, fan_in: usize, fan_out: usize, rng: &mut R) -> Vec<f64> {
    let n = fan_in * fan_out;
    let (fi, fo) = (fan_in as f64, fan_out as f64);
    let uniform = |a: f64, rng: &mut R| rng.uniform(-a, a);
    let normal = |sigma: f64, rng: &mut R| sigma * rng.normal();
    (0..n)
        .map(|_| match kind {
            InitKind::Zeros => 0.0,
            InitKind::Constant(c) => c,
            InitKind::Uniform(a) => uniform(a, rng),
            InitKind::Normal(sigma) => normal(sigma, rng),
            InitKind::XavierUniform => uniform(math::sqrt(6.0 / (fi + fo)), rng),
            InitKind::XavierNormal => normal(math::sqrt(2.0 / (fi + fo)), rng),
            InitKind::HeUniform => uniform(math::sqrt(6.0 / fi), rng),
            InitKind::HeNormal => normal(math::sqrt(2.0 / fi), rng),
            InitKind::LecunNormal => normal(math::sqrt(1.0 / fi), rng),
        })
        .collect()
}

/// The standard deviation the initializer is designed to give.
pub fn expected_std(kind: InitKind, fan_in: usize, fan_out: usize) -> f64 {
    let (fi, fo) = (fan_in as f64, fan_out as f64);
    match kind {
        InitKind::Zeros | InitKind::Constant(_) => 0.0,
        InitKind::Uniform(a) => a / math::sqrt(3.0),
        InitKind::Normal(sigma) => sigma,
        InitKind::XavierUniform | InitKind::XavierNormal => math::sqrt(2.0 / (fi + fo)),
        InitKind::HeUniform | InitKind::HeNormal => math::sqrt(2.0 / fi),
        InitKind::LecunNormal => math::sqrt(1.0 / fi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    fn stats(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        (mean, math::sqrt(var))
    }

    #[test]
    fn every_initializer_matches_its_formula() {
        let kinds = [
            InitKind::Uniform(0.5),
            InitKind::Normal(0.01),
            InitKind::Normal(1.0),
            InitKind::XavierUniform,
            InitKind::XavierNormal,
            InitKind::HeUniform,
            InitKind::HeNormal,
            InitKind::LecunNormal,
        ];
        for kind in kinds {
            let mut rng = Rng::new(9, Stream::Init);
            let w = draw_weights(kind, 300, 200, &mut rng);
            let (mean, std) = stats(&w);
            let want = expected_std(kind, 300, 200);
            assert!(mean.abs() < 0.02 * want.max(1e-3) * 3.0, "{kind:?} mean {mean}");
            assert!((std / want - 1.0).abs() < 0.02, "{kind:?} std {std} vs {want}");
        }
    }

    #[test]
    fn he_uniform_bound_is_respected() {
        let mut rng = Rng::new(1, Stream::Init);
        let a = math::sqrt(6.0 / 50.0);
        let w = draw_weights(InitKind::HeUniform, 50, 40, &mut rng);
        assert!(w.iter().all(|x| x.abs() <= a));
        assert!(w.iter().any(|x| x.abs() > 0.95 * a));
    }

    #[test]
    fn constant_and_zeros() {
        let mut rng = Rng::new(1, Stream::Init);
        assert!(draw_weights(InitKind::Zeros, 3, 4, &mut rng).iter().all(|&x| x == 0.0));
        assert!(draw_weights(InitKind::Constant(0.25), 3, 4, &mut rng).iter().all(|&x| x == 0.25));
    }
}
