//! `tanh_f32` against `libm::tanhf`, bit for bit: a few million chosen
//! values always, every f32 on request (`tanh_exhaustive`, see the README).

use super::*;

/// The bit patterns (|x|) where libm's `tanhf` or, at y = ±2|x|, its
/// `expm1f` change branch, plus the points where expm1f's k changes.
fn thresholds() -> Vec<u32> {
    let half = |y_bits: u32| y_bits - 0x0080_0000; // |x| = |y| / 2
    let mut t = vec![0, 1, MIN_NORMAL, TANH_MID, TANH_HIGH, TANH_SATURATED, 0x7f80_0000, 0x7fc0_0000];
    t.extend([EXPM1_REDUCE, EXPM1_K_ONE, EXPM1_TINY, 0x4195_b844, 0x42b1_7217].map(half));
    // k = round(y / ln2) steps at y = (n + ½)·ln2; r < −¼ at y = (n − ¼)·ln2.
    for n in 0..=30 {
        for y in [(n as f64 + 0.5) * std::f64::consts::LN_2, (n as f64 - 0.25) * std::f64::consts::LN_2] {
            t.push(((y / 2.0) as f32).to_bits());
        }
    }
    t
}

/// A value where ours and libm's differ: (input bits, ours, libm's).
type Mismatch = (u32, u32, u32);

/// Compares one slice (run through `tanh_f32`, so in SIMD lanes) with libm;
/// returns the mismatches.
fn mismatches(bits: &[u32]) -> Vec<Mismatch> {
    let x: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
    let mut y = vec![0.0; x.len()];
    tanh_f32(&x, &mut y);
    x.iter()
        .zip(&y)
        .map(|(&i, &o)| (i.to_bits(), o.to_bits(), libm::tanhf(i).to_bits()))
        .filter(|(_, ours, theirs)| ours != theirs)
        .collect()
}

/// Every branch of tanhf and expm1f, each threshold with 4096 neighbours on
/// each side (both signs, NaNs with payloads, subnormals, ±0, ±∞), and every
/// 1021st bit pattern: 5.4 million values, in slices of odd lengths so the
/// SIMD loop's scalar remainder runs too.
#[test]
fn tanh_matches_libm_on_thresholds_specials_and_a_sweep() {
    let near = thresholds().into_iter().flat_map(|t| t.saturating_sub(4096)..=t.saturating_add(4096));
    let specials = [0x7f80_0001, 0x7fbf_ffff, 0x7fc0_0001, 0x7fff_ffff, 0x0000_0001, 0x007f_ffff, 0x7f7f_ffff];
    let sweep = (0..=u32::MAX).step_by(1021);
    let magnitudes: Vec<u32> = near.chain(specials).collect();
    let all: Vec<u32> = magnitudes.iter().flat_map(|&m| [m, m | SIGN]).chain(sweep).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (i, chunk) in all.chunks(4099).enumerate() {
        let bad = mismatches(&chunk[..chunk.len() - i % 7]);
        assert!(bad.is_empty(), "tanh differs from libm::tanhf (x, ours, libm): {:#x?}", &bad[..bad.len().min(8)]);
    }
    // The sample reaches every branch (so the comparison covers them all).
    for &b in &all {
        let w = b & !SIGN;
        seen.insert(match w {
            _ if w > 0x7f80_0000 => "NaN",
            _ if w > TANH_SATURATED => "saturated",
            _ if w > TANH_HIGH => "high",
            _ if w > TANH_MID => "mid",
            _ if w >= MIN_NORMAL => "low",
            _ => "subnormal",
        });
    }
    assert_eq!(seen.len(), 6, "branches reached: {seen:?}");
}

/// The comparison can fail: t/(t + 2), equal to 1 − 2/(t + 2) in exact
/// arithmetic, rounds differently from libm's form above ln(3)/2 (so an
/// operation out of libm's order shows in the bits).
#[test]
fn an_equal_formula_in_another_order_differs_from_libm() {
    let high = (TANH_HIGH + 1..TANH_SATURATED).step_by(997).map(f32::from_bits);
    let differing = high
        .filter(|&x| {
            let t = libm::expm1f(2.0 * x);
            (t / (t + 2.0)).to_bits() != libm::tanhf(x).to_bits()
        })
        .count();
    assert!(differing > 100, "only {differing} values differ");
}

/// Every f32 bit pattern, 2³² of them, through the SIMD path, against libm.
/// Slow (minutes): `cargo test --release -p gradlab-core --lib tanh_exhaustive -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn tanh_exhaustive() {
    let start = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let span = (1u64 << 32) / threads;
    let found: Vec<(u64, Vec<Mismatch>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let end = if t + 1 == threads { 1u64 << 32 } else { (t + 1) * span };
                    let (mut checked, mut bad) = (0u64, Vec::new());
                    let mut bits = Vec::with_capacity(1 << 16);
                    let mut from = t * span;
                    while from < end {
                        let to = end.min(from + (1 << 16));
                        bits.clear();
                        bits.extend((from..to).map(|b| b as u32));
                        bad.extend(mismatches(&bits).into_iter().take(16 - bad.len().min(16)));
                        checked += to - from;
                        from = to;
                    }
                    (checked, bad)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    let checked: u64 = found.iter().map(|(n, _)| n).sum();
    let bad: Vec<_> = found.into_iter().flat_map(|(_, b)| b).collect();
    println!("tanh_exhaustive: {checked} f32 values compared in {:.1} s", start.elapsed().as_secs_f64());
    assert_eq!(checked, 1 << 32);
    assert!(bad.is_empty(), "tanh differs from libm::tanhf (x, ours, libm): {bad:#x?}");
}

/// The generic entry the layers call: f32 through the lanes, f64 through
/// `libm::tanh` (the gradient checks' precision), each bit for bit.
#[test]
fn tanh_slice_gives_libm_bits_in_f32_and_f64() {
    let x64: Vec<f64> = (-400..400).map(|i| i as f64 / 37.0).collect();
    let mut y64 = vec![0.0; x64.len()];
    tanh_slice(&x64, &mut y64);
    for (&i, &o) in x64.iter().zip(&y64) {
        assert_eq!(o.to_bits(), libm::tanh(i).to_bits(), "f64 tanh({i})");
    }
    let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
    let mut y32 = vec![0.0; x32.len()];
    tanh_slice(&x32, &mut y32);
    for (&i, &o) in x32.iter().zip(&y32) {
        assert_eq!(o.to_bits(), libm::tanhf(i).to_bits(), "f32 tanh({i})");
    }
}
