//! tanh over a slice of f32, several values at a time, bit-identical to
//! `libm::tanhf`.
//!
//! libm's `tanhf` (FreeBSD's, through `expm1f`) branches on the bits of |x|;
//! evaluated one value at a time it dominates a small tanh network's step.
//! Here every lane computes the operations of *each* branch it could take and
//! then selects by the same bit conditions, so the loop has no branches and
//! the compiler runs it in SIMD lanes (SIMD128 in wasm, SSE natively). Each
//! selected value comes from libm's own operation sequence (same constants,
//! same order; neither Rust nor wasm contracts into fused multiply-adds), so
//! its bits are libm's. Branches no value between −20 and 20 can reach in
//! `expm1f` (|y| ≥ 27·ln 2 with y < 0, exponents above 56) are left out: the
//! lanes that compute garbage there are ones whose tanh is taken from another
//! branch. The tests compare with libm on every f32 (`tanh_exhaustive`, run
//! on request) and on a few million chosen ones (always).

// libm's constants, by their bits (as its comments give them).
/// ln 2, upper bits (`k·LN2_HI` is exact for the k used here).
const LN2_HI: f32 = f32::from_bits(0x3f31_7180);
/// ln 2 − `LN2_HI`.
const LN2_LO: f32 = f32::from_bits(0x3717_f7d1);
/// 1 / ln 2.
const INV_LN2: f32 = f32::from_bits(0x3fb8_aa3b);
/// expm1f's rational approximation on [−ln2/2, ln2/2].
const Q1: f32 = f32::from_bits(0xbd08_8868);
const Q2: f32 = f32::from_bits(0x3acf_3010);

const SIGN: u32 = 0x8000_0000;
/// |x| > 10 (and ±∞, NaN): tanh is ±1.
const TANH_SATURATED: u32 = 0x4120_0000;
/// |x| > ln(3)/2: tanh = 1 − 2 / (expm1(2|x|) + 2).
const TANH_HIGH: u32 = 0x3f0c_9f54;
/// |x| > ln(5/3)/2: tanh = t / (t + 2) with t = expm1(2|x|); below it
/// t = expm1(−2|x|) and tanh = −t / (t + 2).
const TANH_MID: u32 = 0x3e82_c578;
/// The smallest normal: below it tanh(x) = x.
const MIN_NORMAL: u32 = 0x0080_0000;
/// expm1f: |y| > ln2/2 needs argument reduction (k ≠ 0) …
const EXPM1_REDUCE: u32 = 0x3eb1_7218;
/// … with k = ±1 while |y| < 3·ln2/2.
const EXPM1_K_ONE: u32 = 0x3f85_1592;
/// expm1f: |y| < 2⁻²⁵ returns y.
const EXPM1_TINY: u32 = 0x3300_0000;

use crate::scalar::Real;

/// `y[i] = x[i].tanh()` over `min(len)` values: for f32 in SIMD lanes
/// ([`tanh_f32`]), for f64 with `libm::tanh` one value at a time.
pub fn tanh_slice<F: Real>(x: &[F], y: &mut [F]) {
    if let (Some(x), Some(y)) = (F::as_f32s(x), F::as_f32s_mut(y)) {
        return tanh_f32(x, y);
    }
    for (o, &i) in y.iter_mut().zip(x) {
        *o = i.tanh();
    }
}

/// `y[i] = tanh(x[i])`, bit for bit `libm::tanhf` (over `min(len)` values).
pub fn tanh_f32(x: &[f32], y: &mut [f32]) {
    for (o, &i) in y.iter_mut().zip(x) {
        *o = tanh_lane(i);
    }
}

/// `if c { a } else { b }`, both already computed (a lane select).
#[inline(always)]
fn pick(c: bool, a: f32, b: f32) -> f32 {
    if c {
        a
    } else {
        b
    }
}

/// libm's `tanhf(x)`, every branch computed, the right one selected.
#[inline(always)]
fn tanh_lane(x: f32) -> f32 {
    let bits = x.to_bits();
    let w = bits & !SIGN;
    let a = f32::from_bits(w);
    let below_mid = w <= TANH_MID;
    let t = expm1_lane(pick(below_mid, -2.0 * a, 2.0 * a));
    let high = w > TANH_HIGH;
    // 1 − 2/(t+2), t/(t+2) or −t/(t+2): one quotient (negating the
    // numerator negates the correctly rounded quotient exactly).
    let q = pick(high, 2.0, t) / (t + 2.0);
    let normal = pick(high, 1.0 - q, pick(below_mid, -q, q));
    // libm's 1 + 0/|x| is 1 for |x| > 10 and ∞, and 1 + 0/NaN = NaN + 1.
    let saturated = pick(w > 0x7f80_0000, a + 1.0, 1.0);
    let tt = pick(w > TANH_SATURATED, saturated, pick(w < MIN_NORMAL, a, normal));
    f32::from_bits(tt.to_bits() ^ (bits & SIGN))
}

/// libm's `expm1f(y)` for |y| ≤ 20 (finite, y > −27·ln2), every branch
/// computed, the right one selected.
#[inline(always)]
fn expm1_lane(y: f32) -> f32 {
    let negative = y.to_bits() & SIGN != 0;
    let hy = y.to_bits() & !SIGN;
    // Argument reduction y = k·ln2 + (r − c). One formula for every k:
    // k = 0 gives r = y, c = 0, and k = ±1 libm's shortcut y ∓ LN2_HI,
    // ±LN2_LO (the products by ±1 and 0 are exact).
    let k_nearest = (INV_LN2 * y + pick(negative, -0.5, 0.5)) as i32;
    let k_one = if negative { -1 } else { 1 };
    let k = if hy <= EXPM1_REDUCE {
        0
    } else if hy < EXPM1_K_ONE {
        k_one
    } else {
        k_nearest
    };
    let kf = k as f32;
    let hi = y - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let c = (hi - r) - lo;
    // exp(r) − 1 on the primary range.
    let hfx = 0.5 * r;
    let hxs = r * hfx;
    let r1 = 1.0 + hxs * (Q1 + hxs * Q2);
    let t = 3.0 - r1 * hfx;
    let e0 = hxs * ((r1 - t) / (6.0 - r * t));
    let k_zero = r - (r * e0 - hxs);
    // exp(y) − 1 = 2^k (r − e + 1) − 1, in the form libm picks by k.
    let e = r * (e0 - c) - c - hxs;
    let k_minus_one = 0.5 * (r - e) - 0.5;
    let k_plus_one = pick(r < -0.25, -2.0 * (e - (r + 0.5)), 1.0 + 2.0 * (r - e));
    let two_k = f32::from_bits((0x7f_i32.wrapping_add(k) << 23) as u32);
    let two_minus_k = f32::from_bits((0x7f_i32.wrapping_sub(k) << 23) as u32);
    let k_small = (r - e + (1.0 - two_minus_k)) * two_k;
    let k_large = (r - (e + two_minus_k) + 1.0) * two_k;
    let k_other = pick(k < 23, k_small, k_large);
    let reduced = pick(k == 0, k_zero, pick(k == -1, k_minus_one, pick(k == 1, k_plus_one, k_other)));
    pick(hy < EXPM1_TINY, y, reduced)
}

#[cfg(test)]
mod tests;
