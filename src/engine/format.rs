//! The one number formatter of GradLab: every number the page or a finding
//! shows as text goes through [`format`], in one of two precisions.
//!
//! - [`PROSE`] ([`num`]): a number inside a sentence or a table of evidence,
//!   about 3 significant digits (`0.693`, `2.50`, `123`, `2.5e-5`).
//! - [`FIGURE`] ([`figure`]): a figure shown on its own (the losses under the
//!   transport, the node info box, the runs table), 4 decimals (`0.6931`),
//!   in a form `Number()` parses back.
//!
//! Both switch to scientific notation outside `[1e-3, 1e4)` and print a
//! non-finite value as Rust does (`NaN`, `inf`, `-inf`). It lives in the
//! engine (not in `viz`) because the engine's findings write numbers into
//! their sentences; the viz and web layers use it from here.

/// How [`format`] writes a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Precision {
    /// Exact zero as `"0"` instead of zero with the fixed decimals.
    pub bare_zero: bool,
    /// Digits after the point in scientific notation.
    pub sci_digits: usize,
    /// Decimals in fixed notation for `|x| ≥ 100`, `|x| ≥ 1` and `|x| < 1`.
    pub fixed_digits: [usize; 3],
}

/// A number in a sentence: about 3 significant digits.
pub const PROSE: Precision = Precision { bare_zero: true, sci_digits: 1, fixed_digits: [0, 2, 3] };

/// A figure on its own: 4 decimals.
pub const FIGURE: Precision = Precision { bare_zero: false, sci_digits: 3, fixed_digits: [4, 4, 4] };

/// Smallest magnitude written in fixed notation.
const FIXED_FROM: f64 = 1e-3;
/// Magnitude from which scientific notation is used again.
const FIXED_UNTIL: f64 = 1e4;

/// `x` as text in precision `p`.
pub fn format(x: f64, p: Precision) -> String {
    let a = x.abs();
    if !x.is_finite() {
        format!("{x}")
    } else if x == 0.0 && p.bare_zero {
        "0".to_string()
    } else if x != 0.0 && !(FIXED_FROM..FIXED_UNTIL).contains(&a) {
        format!("{x:.*e}", p.sci_digits)
    } else {
        let digits = match a {
            _ if a >= 100.0 => p.fixed_digits[0],
            _ if a >= 1.0 => p.fixed_digits[1],
            _ => p.fixed_digits[2],
        };
        format!("{x:.digits$}")
    }
}

/// A number for a sentence ([`PROSE`]).
pub fn num(x: f64) -> String {
    format(x, PROSE)
}

/// A figure shown on its own ([`FIGURE`]).
pub fn figure(x: f64) -> String {
    format(x, FIGURE)
}

/// A share in `[0, 1]` as a percentage with `decimals` decimals (`"42.5 %"`).
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{:.decimals$} %", 100.0 * share)
}

/// An optional value, `–` when there is none.
pub fn or_dash(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "–".to_string(), f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_keeps_about_three_significant_digits() {
        let cases = [
            (0.0, "0"),
            (std::f64::consts::LN_2, "0.693"),
            (-0.5, "-0.500"),
            (2.5, "2.50"),
            (123.456, "123"),
            (9999.0, "9999"),
            (12_345.0, "1.2e4"),
            (2.5e-5, "2.5e-5"),
            (0.001, "0.001"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(num(x), want, "num({x})");
        }
    }

    #[test]
    fn figures_keep_four_decimals_and_parse_back() {
        let cases = [
            (0.0, "0.0000"),
            (std::f64::consts::LN_2, "0.6931"),
            (1.5, "1.5000"),
            (250.0, "250.0000"),
            (0.000_123_4, "1.234e-4"),
            (12_345.678, "1.235e4"),
            (-3.0e-7, "-3.000e-7"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (x, want) in cases {
            assert_eq!(figure(x), want, "figure({x})");
        }
        for x in [std::f64::consts::LN_2, 0.000_123_4, 12_345.678] {
            let back: f64 = figure(x).parse().unwrap();
            assert!((back - x).abs() <= 1e-3 * x.abs(), "{x} → {back}");
        }
    }

    #[test]
    fn an_f32_figure_is_the_text_of_the_f32_itself() {
        // The node info box formats f32 values through f64::from: the
        // widening is exact, so no digits of the f64 expansion appear.
        let cases = [(0.1f32, "0.1000"), (1.0e-5, "1.000e-5"), (3.333_333, "3.3333"), (65_504.0, "6.550e4")];
        for (v, want) in cases {
            assert_eq!(figure(f64::from(v)), want, "figure({v})");
        }
    }

    #[test]
    fn percentages_and_missing_values() {
        assert_eq!(percent(0.425, 1), "42.5 %");
        assert_eq!(percent(0.996, 0), "100 %");
        assert_eq!(percent(0.0, 0), "0 %");
        assert_eq!(or_dash(None, num), "–");
        assert_eq!(or_dash(Some(0.25), |v| percent(v, 0)), "25 %");
    }
}
