//! Determinism across targets: every link in `tests/fixtures/fingerprints.txt`,
//! trained in wasm (headless Chromium) for its number of steps, must give the
//! fingerprint recorded there by the native build.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target
//! wasm32-unknown-unknown --no-default-features --test wasm_determinism`
//! (`.cargo/config.toml` makes wasm-bindgen-test-runner the runner).
//! File format, one case per line: `<hash link>\t<steps>\t<16 hex digits>`;
//! blank lines and lines starting with `#` are skipped.
#![cfg(target_arch = "wasm32")]

use gradlab::engine::link as codec;
use gradlab::engine::trainer::{StepOutcome, Trainer};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURES: &str = include_str!("fixtures/fingerprints.txt");

/// One fixture line.
struct Case<'a> {
    line_no: usize,
    link: &'a str,
    steps: u64,
    fingerprint: &'a str,
}

fn cases() -> Vec<Case<'static>> {
    FIXTURES
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "fingerprints.txt line {}: expected 3 tab-separated fields", i + 1);
            Case {
                line_no: i + 1,
                link: fields[0],
                steps: fields[1].trim().parse().unwrap_or_else(|e| panic!("line {}: steps: {e}", i + 1)),
                fingerprint: fields[2].trim(),
            }
        })
        .collect()
}

/// Trains `link` from scratch for `steps` steps (stopping if it diverges,
/// as the native test does) and returns the fingerprint as hex.
fn fingerprint_after(link: &str, steps: u64) -> String {
    // The page's module does not carry the digits set: installed from the
    // shipped file, as the page does once it has fetched it.
    gradlab::engine::data::digits::install_file(include_bytes!("../data/digits.csv.gz")).expect("the shipped digits");
    let (config, _rejected) = codec::decode(link.trim_start_matches('#'));
    let mut trainer = Trainer::from_config(&config).unwrap_or_else(|e| panic!("{link:?}: {e}"));
    for _ in 0..steps {
        if let StepOutcome::Diverged(_) = trainer.step() {
            break;
        }
    }
    trainer.fingerprint().to_string()
}

#[wasm_bindgen_test]
fn every_fixture_link_reproduces_its_native_fingerprint() {
    let cases = cases();
    assert!(!cases.is_empty(), "tests/fixtures/fingerprints.txt holds no cases");
    let mismatches: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = fingerprint_after(c.link, c.steps);
            (got != c.fingerprint).then(|| {
                format!(
                    "line {}: {:?} after {} steps: wasm {got}, native {}",
                    c.line_no, c.link, c.steps, c.fingerprint
                )
            })
        })
        .collect();
    assert!(mismatches.is_empty(), "wasm and native disagree:\n{}", mismatches.join("\n"));
}

#[wasm_bindgen_test]
fn same_link_twice_gives_same_fingerprint() {
    let link = cases().first().map(|c| c.link).unwrap_or("");
    assert_eq!(fingerprint_after(link, 25), fingerprint_after(link, 25));
}

/// `Real::sqrt` is the sqrt instruction, libm in wasm (stable) a soft-float
/// routine: both round correctly, so they agree bit for bit, here on every
/// non-negative f32 whose bits are a multiple of 97 (normals, subnormals,
/// zero) and on infinity and the extreme subnormals. (Only here: natively
/// libm calls the same instruction, so a native comparison could not fail.)
#[wasm_bindgen_test]
fn sqrt_instruction_matches_libm_soft_float() {
    use gradlab::engine::scalar::Real;
    for bits in (0..0x7f80_0000u32).step_by(97).chain([0x7f80_0000, 1, 0x007f_ffff]) {
        let x = f32::from_bits(bits);
        assert_eq!(Real::sqrt(x).to_bits(), libm::sqrtf(x).to_bits(), "sqrt of f32 bits {bits:#x}");
    }
    // 500 000 f64s spread evenly up to infinity, low bits varied.
    let spread = (0..500_000u64).map(|i| i * (0x7ff0_0000_0000_0000 / 500_000) + i % 7);
    for bits in spread.chain([0x7ff0_0000_0000_0000, 1]) {
        let x = f64::from_bits(bits);
        assert_eq!(Real::sqrt(x).to_bits(), libm::sqrt(x).to_bits(), "sqrt of f64 bits {bits:#x}");
    }
}

/// `kernels::tanh::tanh_slice` (f32: libm's `tanhf` computed in SIMD128 lanes) gives
/// libm's bits in wasm too: every 1021st bit pattern (both signs, NaNs,
/// subnormals, ±∞) and 4096 neighbours on each side of every threshold of
/// `tanhf` and, at 2|x|, of `expm1f` (the native tests also check all 2³²).
#[wasm_bindgen_test]
fn tanh_slice_matches_libm_tanhf() {
    // tanhf: normal, ln(5/3)/2, ln(3)/2, 10, ∞; expm1f at y = 2|x|: ln2/2,
    // 3·ln2/2, 2⁻²⁵, 27·ln2 (their halves are 0x0080_0000 lower).
    let thresholds = [0x0080_0000u32, 0x3e82_c578, 0x3f0c_9f54, 0x4120_0000, 0x7f80_0000]
        .into_iter()
        .chain([0x3eb1_7218u32, 0x3f85_1592, 0x3300_0000, 0x4195_b844].map(|y| y - 0x0080_0000));
    let near = thresholds.flat_map(|t| (t - 4096..=t + 4096).flat_map(|m| [m, m | 0x8000_0000]));
    let bits: Vec<u32> = near.chain((0..=u32::MAX).step_by(1021)).collect();
    let x: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
    let mut y = vec![0.0f32; x.len()];
    gradlab::engine::kernels::tanh::tanh_slice(&x, &mut y);
    for (&i, &o) in x.iter().zip(&y) {
        assert_eq!(o.to_bits(), libm::tanhf(i).to_bits(), "tanh of f32 bits {:#x}", i.to_bits());
    }
}
