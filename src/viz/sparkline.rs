//! Sparklines: tiny line charts of one quantity over time, for the live
//! per-layer table of the instruments panel (activation std, dead and
//! saturated shares, weight and gradient norms, update/weight ratios).
//!
//! Painted straight into an RGBA buffer (no plotters: dozens of them are
//! redrawn several times a second). The y axis is linear or logarithmic; an
//! optional shaded band (e.g. the update ratio's healthy 1e-4…1e-2) and a
//! reference line (1e-3) are drawn behind the curve, and the y range always
//! includes them, so a value far from the band *looks* far from it.
//! Non-finite values (and non-positive ones on a log axis) are gaps, marked
//! by a red tick on the bottom row; the last point gets a dot.

use crate::engine::math;

/// Background.
pub const BACKGROUND: [u8; 3] = [255, 255, 255];
/// The curve.
pub const LINE: [u8; 3] = [26, 115, 232];
/// The shaded band (a light tint of the charts' band green).
pub const BAND: [u8; 3] = [214, 239, 230];
/// The reference line.
pub const REFERENCE: [u8; 3] = [0, 128, 96];
/// Ticks marking non-finite values.
pub const GAP: [u8; 3] = [217, 48, 37];

/// What one sparkline shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spark<'a> {
    /// The values, oldest first.
    pub values: &'a [f64],
    /// Logarithmic y axis.
    pub log: bool,
    /// A shaded y band `(lo, hi)`.
    pub band: Option<(f64, f64)>,
    /// A horizontal reference line at this y.
    pub reference: Option<f64>,
    /// A fixed y range (e.g. 0…1 for shares); otherwise fitted to the data.
    pub range: Option<(f64, f64)>,
}

fn log10(x: f64) -> f64 {
    math::ln(x) / std::f64::consts::LN_10
}

fn pow10(x: f64) -> f64 {
    math::pow(10.0, x)
}

/// Whether `v` can be plotted on the axis.
fn plottable(v: f64, log: bool) -> bool {
    v.is_finite() && (!log || v > 0.0)
}

/// The y range of `spark`: the fixed range if given, else the plottable
/// values together with the band and the reference, padded a little
/// (a decade-fraction on a log axis); a flat or empty series gets a
/// sensible span around its value.
pub fn y_range(spark: &Spark) -> (f64, f64) {
    if let Some(r) = spark.range {
        return r;
    }
    let log = spark.log;
    let extra = spark.band.into_iter().flat_map(|(a, b)| [a, b]).chain(spark.reference);
    let (lo, hi) = spark
        .values
        .iter()
        .copied()
        .chain(extra)
        .filter(|&v| plottable(v, log))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return if log { (0.1, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        let (l, h) = (log10(lo), log10(hi));
        let pad = ((h - l) * 0.08).max(0.25);
        (pow10(l - pad), pow10(h + pad))
    } else if hi - lo < 1e-12 * lo.abs().max(1e-300) || hi == lo {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.5 };
        (lo - d, hi + d)
    } else {
        let pad = (hi - lo) * 0.08;
        (lo - pad, hi + pad)
    }
}

/// The pixel row (0 = top) of `v` in a chart of height `h` over `range`,
/// or `None` when `v` is not plottable. Values outside the range clamp to
/// the edge rows.
pub fn row_of(v: f64, range: (f64, f64), log: bool, h: usize) -> Option<usize> {
    if !plottable(v, log) || h == 0 {
        return None;
    }
    let t = |x: f64| if log { log10(x.max(f64::MIN_POSITIVE)) } else { x };
    let (lo, hi) = (t(range.0), t(range.1));
    let f = if hi > lo { ((t(v) - lo) / (hi - lo)).clamp(0.0, 1.0) } else { 0.5 };
    Some(((1.0 - f) * (h - 1) as f64).round() as usize)
}

fn put(rgba: &mut [u8], w: usize, x: usize, y: usize, c: [u8; 3]) {
    let i = (y * w + x) * 4;
    if let Some(px) = rgba.get_mut(i..i + 4) {
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// Paints `spark` into `rgba` (`w·h·4` bytes, row 0 at the top): the band,
/// the reference line (dotted), the curve, gap ticks and a dot on the last
/// point. A short buffer is painted as far as it goes.
pub fn paint(spark: &Spark, w: usize, h: usize, rgba: &mut [u8]) {
    for px in rgba.chunks_exact_mut(4).take(w * h) {
        px.copy_from_slice(&[BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 255]);
    }
    if w < 2 || h < 2 {
        return;
    }
    let range = y_range(spark);
    let log = spark.log;
    if let Some((a, b)) = spark.band {
        if let (Some(ya), Some(yb)) = (row_of(a, range, log, h), row_of(b, range, log, h)) {
            for y in ya.min(yb)..=ya.max(yb) {
                for x in 0..w {
                    put(rgba, w, x, y, BAND);
                }
            }
        }
    }
    if let Some(y) = spark.reference.and_then(|r| row_of(r, range, log, h)) {
        for x in (0..w).step_by(2) {
            put(rgba, w, x, y, REFERENCE);
        }
    }
    let n = spark.values.len();
    if n == 0 {
        return;
    }
    let x_of = |i: usize| if n == 1 { w - 1 } else { (i * (w - 1) + (n - 1) / 2) / (n - 1) };
    let mut prev: Option<(usize, usize)> = None;
    for (i, &v) in spark.values.iter().enumerate() {
        let x = x_of(i);
        match row_of(v, range, log, h) {
            Some(y) => {
                let (x0, y0) = prev.unwrap_or((x, y));
                let y_at = |cx: usize| y0 as f64 + (y as f64 - y0 as f64) * (cx - x0) as f64 / (x - x0).max(1) as f64;
                // Connect to the previous point: a vertical span per column.
                for cx in x0..=x {
                    let (a, b) =
                        if x == x0 { (y0 as f64, y as f64) } else { (y_at(cx.saturating_sub(1).max(x0)), y_at(cx)) };
                    let (a, b) = (a.min(b).round() as usize, a.max(b).round() as usize);
                    for cy in a..=b.min(h - 1) {
                        put(rgba, w, cx, cy, LINE);
                    }
                }
                prev = Some((x, y));
            }
            None => {
                put(rgba, w, x, h - 1, GAP);
                put(rgba, w, x, h - 2, GAP);
                prev = None;
            }
        }
    }
    if let Some(y) = spark.values.last().and_then(|&v| row_of(v, range, log, h)) {
        // A dot on the last point.
        for (x, y) in [(w - 1, y), (w - 2, y), (w - 1, y.saturating_sub(1)), (w - 1, (y + 1).min(h - 1))] {
            put(rgba, w, x, y, LINE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(rgba: &[u8], w: usize, x: usize, y: usize) -> [u8; 3] {
        let i = (y * w + x) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2]]
    }

    fn column_rows(rgba: &[u8], w: usize, h: usize, x: usize, c: [u8; 3]) -> Vec<usize> {
        (0..h).filter(|&y| pixel(rgba, w, x, y) == c).collect()
    }

    #[test]
    fn ranges_include_band_and_reference_and_survive_bad_data() {
        let v = [1e-7, 2e-7];
        let s = Spark { values: &v, log: true, band: Some((1e-4, 1e-2)), reference: Some(1e-3), range: None };
        let (lo, hi) = y_range(&s);
        assert!(lo < 1e-7 && hi > 1e-2, "{lo} {hi}");
        let flat = Spark { values: &[5.0, 5.0], ..Spark::default() };
        let (lo, hi) = y_range(&flat);
        assert!(lo < 5.0 && hi > 5.0);
        let bad = Spark { values: &[f64::NAN, f64::INFINITY, -1.0], log: true, ..Spark::default() };
        assert_eq!(y_range(&bad), (0.1, 10.0));
        assert_eq!(y_range(&Spark { range: Some((0.0, 1.0)), ..Spark::default() }), (0.0, 1.0));
        assert_eq!(row_of(0.0, (0.0, 1.0), false, 11), Some(10));
        assert_eq!(row_of(1.0, (0.0, 1.0), false, 11), Some(0));
        assert_eq!(row_of(1e-3, (1e-5, 1e-1), true, 5), Some(2));
        assert_eq!(row_of(-1.0, (1e-5, 1e-1), true, 5), None);
        assert_eq!(row_of(7.0, (0.0, 1.0), false, 11), Some(0), "clamped");
    }

    #[test]
    fn a_tiny_ratio_sits_far_below_the_band() {
        let (w, h) = (40, 20);
        let v = vec![1e-8; 10];
        let s = Spark { values: &v, log: true, band: Some((1e-4, 1e-2)), reference: Some(1e-3), range: None };
        let mut rgba = vec![0u8; w * h * 4];
        paint(&s, w, h, &mut rgba);
        let band = column_rows(&rgba, w, h, 5, BAND);
        let line = column_rows(&rgba, w, h, 5, LINE);
        assert!(!band.is_empty() && !line.is_empty());
        assert!(line.iter().all(|&y| y > *band.iter().max().unwrap() + 5), "line {line:?} band {band:?}");
        // The reference line is inside the band.
        let reference = column_rows(&rgba, w, h, 4, REFERENCE);
        assert_eq!(reference.len(), 1);
        assert!(band.contains(&(reference[0] + 1)) || band.contains(&(reference[0] - 1)));
    }

    #[test]
    fn a_rising_curve_is_connected_and_gaps_are_marked() {
        let (w, h) = (30, 12);
        let v: Vec<f64> = (0..30).map(f64::from).collect();
        let mut rgba = vec![0u8; w * h * 4];
        paint(&Spark { values: &v, range: Some((0.0, 29.0)), ..Spark::default() }, w, h, &mut rgba);
        assert_eq!(column_rows(&rgba, w, h, 0, LINE), vec![h - 1]);
        assert!(column_rows(&rgba, w, h, w - 1, LINE).contains(&0));
        for x in 0..w {
            assert!(!column_rows(&rgba, w, h, x, LINE).is_empty(), "column {x} empty");
        }
        let v = [1.0, f64::NAN, 1.0];
        let mut rgba = vec![0u8; w * h * 4];
        paint(&Spark { values: &v, ..Spark::default() }, w, h, &mut rgba);
        assert_eq!(pixel(&rgba, w, 15, h - 1), GAP);
        // Short buffers and tiny sizes never panic.
        paint(&Spark { values: &v, ..Spark::default() }, w, h, &mut [0u8; 7]);
        paint(&Spark { values: &v, ..Spark::default() }, 1, 1, &mut [0u8; 4]);
        paint(&Spark { values: &[3.0], ..Spark::default() }, 5, 5, &mut [0u8; 100]);
    }
}
