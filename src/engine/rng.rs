//! Explicit, seeded, portable random streams.
//!
//! [`Rng`] wraps ChaCha8 (from `rand_chacha`), whose output is defined bit for
//! bit on every platform. One experiment seed is split into independent
//! [`Stream`]s, so that changing, say, the batch size does not change the
//! initial weights. [`Mulberry32`] is the generator the benchmark workloads
//! (docs/WORKLOADS.md) are defined with. Both implement [`Uniform01`],
//! which is all the data generators ask for.

use crate::math;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A source of uniform draws in [0, 1).
pub trait Uniform01 {
    /// The next draw in [0, 1).
    fn next_f64(&mut self) -> f64;

    /// A draw in [a, b) (TF Playground's `randUniform`).
    #[inline]
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        self.next_f64() * (b - a) + a
    }

    /// An integer in 0..n (`floor(rand() * n)`, as TF Playground draws it).
    #[inline]
    fn below(&mut self, n: usize) -> usize {
        ((self.next_f64() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// A standard normal draw by Box–Muller (two uniforms, `libm` functions).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64(); // (0, 1]
        let u2 = self.next_f64();
        math::sqrt(-2.0 * math::ln(u1)) * math::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// TF Playground's Fisher–Yates shuffle:
    /// `for c = n down to 1: i = floor(rand() * c); swap(a[c-1], a[i])`.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for c in (1..=items.len()).rev() {
            let i = self.below(c);
            items.swap(c - 1, i);
        }
    }
}

/// The independent purposes one experiment seed is split into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Stream {
    /// Data generation and the split shuffle.
    Data = 0,
    /// Weight initialization.
    Init = 1,
    /// Per-epoch reshuffling of the training set.
    Shuffle = 2,
    /// Dropout masks.
    Dropout = 3,
    /// Instruments that sample (tiny-batch checks and the like).
    Probe = 4,
}

/// ChaCha8 stream for one [`Stream`] of an experiment seed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rng {
    inner: ChaCha8Rng,
}

impl Rng {
    /// The generator for `stream` of experiment `seed`.
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut inner = ChaCha8Rng::seed_from_u64(seed);
        inner.set_stream(stream as u64);
        Self { inner }
    }

    /// 32 random bits.
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// A uniform `f32` in [0, 1) from 24 random bits.
    #[inline]
    pub fn next_f32(&mut self) -> f32 {
        (self.inner.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
    }
}

impl Uniform01 for Rng {
    /// 53 random bits scaled to [0, 1).
    #[inline]
    fn next_f64(&mut self) -> f64 {
        (self.inner.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// mulberry32: the 32-bit generator of the benchmark workloads.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Mulberry32 {
    state: u32,
}

impl Mulberry32 {
    /// A generator starting from `seed`.
    pub fn new(seed: u32) -> Self {
        Self { state: seed }
    }
}

impl Uniform01 for Mulberry32 {
    #[inline]
    fn next_f64(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x6D2B_79F5);
        let mut t = self.state;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        (t ^ (t >> 14)) as f64 / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mulberry32_matches_the_workload_spec() {
        let mut r = Mulberry32::new(1);
        assert_eq!(r.next_f64(), 0.6270739405881613);
        assert_eq!(r.next_f64(), 0.002735721180215478);
        assert_eq!(r.next_f64(), 0.5274470399599522);
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let a: Vec<u32> = (0..4).map(|_| Rng::new(7, Stream::Init).next_u32()).collect();
        assert!(a.iter().all(|&v| v == a[0]));
        let mut init = Rng::new(7, Stream::Init);
        let mut data = Rng::new(7, Stream::Data);
        assert_ne!(init.next_u32(), data.next_u32());
    }

    #[test]
    fn uniform_draws_are_in_range_with_the_right_mean() {
        let mut r = Rng::new(3, Stream::Data);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.next_f64();
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut r = Rng::new(11, Stream::Init);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.01, "var {var}");
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Mulberry32::new(5);
        let mut v: Vec<usize> = (0..50).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort_unstable();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
        assert_ne!(v, (0..50).collect::<Vec<_>>());
    }
}
