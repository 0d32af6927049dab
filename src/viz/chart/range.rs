//! The axis ranges of a chart, and which points it plots: a point is
//! plottable when finite (and positive on a log axis); a curve splits into
//! runs of plottable points; the x range spans the finite steps, the y range
//! pads linear data and widens log data to whole decades.

use super::Curve;

/// Largest decade exponent a log range may reach (beyond, f64 turns
/// subnormal and `10^e` loses its meaning).
const MAX_DECADE: f64 = 300.0;

/// Whether a point can be plotted: finite, and positive on a log axis.
fn plottable(&(x, y): &(f64, f64), log_y: bool) -> bool {
    x.is_finite() && y.is_finite() && (!log_y || y > 0.0)
}

/// The maximal runs of consecutive plottable points (see [`plottable`]).
pub(super) fn runs(points: &[(f64, f64)], log_y: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for p in points {
        if !plottable(p, log_y) {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(run) if open => run.push(*p),
            _ => out.push(vec![*p]),
        }
        open = true;
    }
    out
}

/// Least width of the x axis, in steps.
const MIN_X_SPAN: f64 = 10.0;

/// x-range of the curves: min..max of the x values of finite points; `(0, 10)` when
/// there is none, `x .. x + max(10, 10 % of |x|)` for a single x (so step 0
/// reads 0, 2, …, 10, not fractions of a step); likewise a span shorter
/// than that is widened to it.
pub fn x_range(curves: &[Curve]) -> (f64, f64) {
    let xs = curves.iter().flat_map(|c| c.points.iter()).filter(|p| plottable(p, false)).map(|p| p.0);
    match min_max(xs) {
        None => (0.0, 10.0),
        // x is a step count: at least 10 steps wide, so the ticks are whole
        // steps; a single x (step 0) extends to the right, since steps only grow.
        Some((lo, hi)) => (lo, hi.max(lo + (lo.abs() * 0.1).max(MIN_X_SPAN))),
    }
}

/// x-range of curves whose x values are base-10 logarithms: min..max,
/// widened to a decade about its middle when narrower; `(0, 1)` when
/// there is no point.
pub fn log10_x_range(curves: &[Curve]) -> (f64, f64) {
    let xs = curves.iter().flat_map(|c| c.points.iter()).filter(|p| plottable(p, false)).map(|p| p.0);
    match min_max(xs) {
        None => (0.0, 1.0),
        Some((lo, hi)) if hi - lo < 1.0 => {
            let mid = 0.5 * (lo + hi);
            (mid - 0.5, mid + 0.5)
        }
        Some(range) => range,
    }
}

/// y-range of the curves, always finite with lo < hi. Only plottable
/// points count: a point with a NaN or ±∞ coordinate is skipped.
///
/// Linear: min..max padded by 5 % of the span on each side, but not below 0
/// when every value is ≥ 0 (a loss axis starts at 0 rather than −0.01); a
/// single value v gets v ± 10 % (± 1 for 0); no data gives `(0, 1)`.
/// Log: non-positive values are skipped too; the range is widened outward to
/// whole decades (`10^⌊log₁₀ min⌋ .. 10^⌈log₁₀ max⌉`), one decade on each
/// side more when that leaves a single value (an exact power of ten); no data
/// gives `(0.01, 1)`.
pub fn y_range(curves: &[Curve], log_y: bool) -> (f64, f64) {
    y_range_with_bands(curves, &[], log_y)
}

/// [`y_range`] over the curves' values and the finite band edges.
pub(super) fn y_range_with_bands(curves: &[Curve], bands: &[(f64, f64)], log_y: bool) -> (f64, f64) {
    let ys = curves
        .iter()
        .flat_map(|c| c.points.iter().filter(|p| plottable(p, log_y)).map(|p| p.1))
        .chain(bands.iter().flat_map(|&(a, b)| [a, b]).filter(|y| y.is_finite() && (!log_y || *y > 0.0)));
    let range = min_max(ys);
    if log_y {
        log_range(range)
    } else {
        linear_range(range)
    }
}

/// Smallest and largest of an iterator of finite values.
fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The linear case of [`y_range`].
fn linear_range(range: Option<(f64, f64)>) -> (f64, f64) {
    match range {
        None => (0.0, 1.0),
        Some((lo, hi)) if lo < hi => {
            let pad = 0.05 * (hi - lo);
            let bottom = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
            let (bottom, top) = (bottom, hi + pad);
            if bottom.is_finite() && top.is_finite() {
                (bottom, top)
            } else {
                // A span near f64::MAX overflows the padding: show it unpadded.
                (lo, hi)
            }
        }
        Some((v, _)) => {
            let pad = if v == 0.0 { 1.0 } else { v.abs() * 0.1 };
            (v - pad, v + pad)
        }
    }
}

/// The log case of [`y_range`]: positive values widened to whole decades.
fn log_range(range: Option<(f64, f64)>) -> (f64, f64) {
    let Some((lo, hi)) = range else {
        return (0.01, 1.0);
    };
    let mut e_lo = decade_floor(lo);
    let mut e_hi = decade_ceil(hi);
    if e_lo >= e_hi {
        e_lo -= 1.0;
        e_hi += 1.0;
    }
    (pow10(e_lo.max(-MAX_DECADE)), pow10(e_hi.min(MAX_DECADE)))
}

/// `10^e` for an integral `e`.
fn pow10(e: f64) -> f64 {
    10f64.powi(e as i32)
}

/// The largest integer e with `10^e ≤ v` (v > 0), exact at powers of ten
/// despite `log10` rounding.
fn decade_floor(v: f64) -> f64 {
    let mut e = libm::log10(v).floor().clamp(-MAX_DECADE, MAX_DECADE);
    if pow10(e) > v {
        e -= 1.0;
    } else if pow10(e + 1.0) <= v {
        e += 1.0;
    }
    e
}

/// The smallest integer e with `10^e ≥ v` (v > 0), exact at powers of ten.
fn decade_ceil(v: f64) -> f64 {
    let mut e = libm::log10(v).ceil().clamp(-MAX_DECADE, MAX_DECADE);
    if pow10(e) < v {
        e += 1.0;
    } else if pow10(e - 1.0) >= v {
        e -= 1.0;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(label: &str, points: Vec<(f64, f64)>, color: [u8; 3], dashed: bool) -> Curve {
        Curve { label: label.to_string(), points, color, dashed }
    }

    #[test]
    fn y_range_linear_cases() {
        assert_eq!(y_range(&[], false), (0.0, 1.0));
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(y_range(&c(vec![]), false), (0.0, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 2.0)]), false), (1.8, 2.2));
        assert_eq!(y_range(&c(vec![(0.0, 0.0)]), false), (-1.0, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, -5.0)]), false), (-5.5, -4.5));
        // Loss-like data: padded above, clamped at 0 below.
        assert_eq!(y_range(&c(vec![(0.0, 0.1), (1.0, 2.1)]), false), (0.0, 2.2));
        assert_eq!(y_range(&c(vec![(0.0, 10.0), (1.0, 20.0)]), false), (9.5, 20.5));
        assert_eq!(y_range(&c(vec![(0.0, -1.0), (1.0, 1.0)]), false), (-1.1, 1.1));
        // NaN and ±∞ are skipped, across curves.
        let mixed = vec![
            curve("", vec![(0.0, f64::NAN), (1.0, 4.0)], [0, 0, 0], false),
            curve("", vec![(0.0, f64::INFINITY), (1.0, 2.0), (2.0, f64::NEG_INFINITY)], [0, 0, 0], false),
        ];
        assert_eq!(y_range(&mixed, false), (1.9, 4.1));
        assert_eq!(y_range(&c(vec![(f64::NAN, 5.0)]), false), (0.0, 1.0), "a point without x is not plotted");
        let (lo, hi) = y_range(&c(vec![(0.0, f64::MAX), (1.0, -f64::MAX)]), false);
        assert!(lo.is_finite() && hi.is_finite() && lo < hi);
    }

    #[test]
    fn y_range_log_cases() {
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(y_range(&[], true), (0.01, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 0.0), (1.0, -3.0)]), true), (0.01, 1.0));
        // Whole decades around the data, non-positive values skipped.
        assert_eq!(y_range(&c(vec![(0.0, 0.03), (1.0, 0.0), (2.0, 0.7)]), true), (0.01, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 2e-5), (1.0, 300.0)]), true), (1e-5, 1000.0));
        // Exact powers of ten stay the bounds.
        assert_eq!(y_range(&c(vec![(0.0, 1e-3), (1.0, 1000.0)]), true), (1e-3, 1000.0));
        // A single value (a power of ten or not) still spans at least a decade.
        assert_eq!(y_range(&c(vec![(0.0, 1.0)]), true), (0.1, 10.0));
        assert_eq!(y_range(&c(vec![(0.0, 0.5)]), true), (0.1, 1.0));
        // Extremes stay finite and positive.
        let (lo, hi) = y_range(&c(vec![(0.0, f64::MIN_POSITIVE / 1e10), (1.0, f64::MAX)]), true);
        assert!(lo > 0.0 && hi.is_finite() && lo < hi, "({lo}, {hi})");
    }

    #[test]
    fn bands_widen_the_y_range() {
        let curves = vec![curve("", vec![(0.0, 0.5), (1.0, 0.6)], [0, 0, 0], false)];
        assert_eq!(y_range_with_bands(&curves, &[(1e-3, 1e-2)], true), (1e-3, 1.0));
        assert_eq!(y_range_with_bands(&curves, &[(f64::NAN, 0.0)], true), (0.1, 1.0));
    }

    #[test]
    fn x_range_cases() {
        assert_eq!(x_range(&[]), (0.0, 10.0));
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(x_range(&c(vec![(0.0, 1.0)])), (0.0, 10.0));
        assert_eq!(x_range(&c(vec![(100.0, 1.0)])), (100.0, 110.0));
        assert_eq!(x_range(&c(vec![(1000.0, 1.0)])), (1000.0, 1100.0));
        assert_eq!(x_range(&c(vec![(3.0, 1.0), (f64::NAN, 1.0), (19.0, 2.0), (40.0, f64::NAN)])), (3.0, 19.0));
        assert_eq!(x_range(&c(vec![(0.0, 1.0), (2.0, 0.5)])), (0.0, 10.0), "two steps: whole-step ticks");
    }
}
