//! Histograms over time as TensorBoard's "offset" view: one ridge per
//! snapshot, the oldest at the back (top), the newest in front (bottom),
//! all on one shared value axis, so a learner sees a distribution widen,
//! drift, collapse onto 0 (dead units) or pile up at ±1 (saturation).
//!
//! Painted into an RGBA buffer from the engine's
//! [`Histogram`](crate::engine::instruments::histograms::Histogram)
//! snapshots. Each ridge is scaled to its own tallest bin (shape, not
//! count, is what the view compares), filled opaque so newer ridges hide
//! the parts of older ones behind them, and outlined. A faint vertical line
//! marks the value 0 when it is in range.

use crate::engine::instruments::histograms::{Histogram, BINS};

/// Background.
pub const BACKGROUND: [u8; 3] = [255, 255, 255];
/// Fill of the oldest ridge (a light orange) …
pub const OLD: [u8; 3] = [253, 214, 170];
/// … blending to the newest ridge's fill (a strong orange).
pub const NEW: [u8; 3] = [230, 120, 20];
/// Ridge outlines.
pub const OUTLINE: [u8; 3] = [120, 60, 10];
/// The zero line.
pub const ZERO: [u8; 3] = [200, 200, 200];
/// Share of the height one ridge may rise above its baseline.
pub const RIDGE: f64 = 0.35;
/// Most ridges drawn; longer histories are thinned evenly (the newest kept).
pub const MAX_RIDGES: usize = 24;

/// What the axes of a painted view span (for the labels the page writes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OffsetAxes {
    /// Smallest value over all snapshots (left edge).
    pub lo: f32,
    /// Largest value (right edge).
    pub hi: f32,
    /// Step of the oldest snapshot drawn.
    pub first_step: u64,
    /// Step of the newest.
    pub last_step: u64,
    /// Snapshots drawn.
    pub ridges: usize,
}

/// The shared value range of the snapshots that hold values.
pub fn value_range(hists: &[Histogram]) -> Option<(f32, f32)> {
    let (lo, hi) = hists
        .iter()
        .filter(|h| h.total() > 0)
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), h| (lo.min(h.lo), hi.max(h.hi)));
    if lo > hi {
        None
    } else if lo == hi {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.5 };
        Some((lo - d, hi + d))
    } else {
        Some((lo, hi))
    }
}

/// Heights in [0, 1] of snapshot `h` over `w` pixel columns spanning
/// `lo…hi`: the square root of each bin's count over the tallest bin's (so
/// a spike at 0 does not flatten the rest), spread over the
/// columns its value interval covers (at least one, so a histogram much
/// narrower than the axis still shows as a spike; where bins share a
/// column the tallest wins).
pub fn column_heights(h: &Histogram, lo: f32, hi: f32, w: usize) -> Vec<f64> {
    let mut out = vec![0.0; w];
    let peak = h.counts.iter().copied().max().unwrap_or(0);
    if peak == 0 || w == 0 || hi <= lo {
        return out;
    }
    let col = |v: f32| (((v - lo) / (hi - lo)) * w as f32).clamp(0.0, w as f32 - 1.0);
    let width = (h.hi - h.lo) / BINS as f32;
    for (b, &count) in h.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (a, z) = (h.lo + width * b as f32, h.lo + width * (b + 1) as f32);
        let (first, last) = (col(a) as usize, (col(z).ceil() as usize).saturating_sub(1));
        let d = crate::engine::math::sqrt(f64::from(count) / f64::from(peak));
        for h in &mut out[first.min(w - 1)..=last.max(first).min(w - 1)] {
            *h = h.max(d);
        }
    }
    out
}

fn put(rgba: &mut [u8], w: usize, x: usize, y: usize, c: [u8; 3]) {
    let i = (y * w + x) * 4;
    if let Some(px) = rgba.get_mut(i..i + 4) {
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

fn mix(a: [u8; 3], b: [u8; 3], t: f64) -> [u8; 3] {
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

/// At most `max` of `n` indices, evenly spread, always including the last.
pub fn thin(n: usize, max: usize) -> Vec<usize> {
    if n <= max || max < 2 {
        return (n.saturating_sub(max.max(1))..n).collect();
    }
    (0..max).map(|i| (n - 1) - (max - 1 - i) * (n - 1) / (max - 1)).collect()
}

/// Paints the offset view of `hists` (oldest first; at most [`MAX_RIDGES`]
/// of them, see [`thin`]) into `rgba` (`w·h·4` bytes, row 0 at the top).
/// Returns the axes, or `None` (background only) when no snapshot holds a
/// finite value.
pub fn paint_offset(hists: &[Histogram], w: usize, h: usize, rgba: &mut [u8]) -> Option<OffsetAxes> {
    let picked: Vec<Histogram> = thin(hists.len(), MAX_RIDGES).into_iter().map(|i| hists[i]).collect();
    let hists = &picked[..];
    for px in rgba.chunks_exact_mut(4).take(w * h) {
        px.copy_from_slice(&[BACKGROUND[0], BACKGROUND[1], BACKGROUND[2], 255]);
    }
    let (lo, hi) = value_range(hists)?;
    if w < 2 || h < 4 {
        return None;
    }
    if lo < 0.0 && hi > 0.0 {
        let x0 = ((0.0 - lo) / (hi - lo) * w as f32) as usize;
        for y in 0..h {
            put(rgba, w, x0.min(w - 1), y, ZERO);
        }
    }
    let n = hists.len();
    let ridge = (h as f64 * RIDGE).max(2.0);
    let span = h as f64 - 1.0 - ridge;
    for (k, snap) in hists.iter().enumerate() {
        let t = if n > 1 { k as f64 / (n - 1) as f64 } else { 1.0 };
        let base = ridge + span * t;
        let fill = mix(OLD, NEW, t);
        for (x, d) in column_heights(snap, lo, hi, w).into_iter().enumerate() {
            if d <= 0.0 {
                continue;
            }
            let top = (base - d * ridge).round().max(0.0) as usize;
            let bottom = base.round() as usize;
            for y in top..=bottom.min(h - 1) {
                put(rgba, w, x, y, if y == top { OUTLINE } else { fill });
            }
        }
    }
    Some(OffsetAxes {
        lo,
        hi,
        first_step: hists.first().map_or(0, |h| h.step),
        last_step: hists.last().map_or(0, |h| h.step),
        ridges: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(step: u64, values: &[f32]) -> Histogram {
        Histogram { step, ..Histogram::of(values) }
    }

    fn pixel(rgba: &[u8], w: usize, x: usize, y: usize) -> [u8; 3] {
        let i = (y * w + x) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2]]
    }

    #[test]
    fn ridges_share_one_axis_and_the_newest_is_in_front() {
        // Old snapshot: values around −1; new one: around +1.
        let old: Vec<f32> = (0..100).map(|i| -1.0 + i as f32 * 1e-3).collect();
        let new: Vec<f32> = (0..100).map(|i| 1.0 + i as f32 * 1e-3).collect();
        let hists = [snap(10, &old), snap(20, &new)];
        let (w, h) = (100, 60);
        let mut rgba = vec![0u8; w * h * 4];
        let axes = paint_offset(&hists, w, h, &mut rgba).expect("values");
        assert_eq!((axes.first_step, axes.last_step, axes.ridges), (10, 20, 2));
        assert!((axes.lo + 1.0).abs() < 1e-6 && (axes.hi - 1.099).abs() < 1e-3);
        // The old ridge is on the left, near the top; the new one on the right, at the bottom.
        let painted = |x: usize| (0..h).filter(|&y| pixel(&rgba, w, x, y) != BACKGROUND).collect::<Vec<_>>();
        let left = painted(1);
        let right = painted(w - 2);
        assert!(!left.is_empty() && !right.is_empty());
        assert!(left.iter().max() < right.iter().min(), "left {left:?} right {right:?}");
        assert_eq!(pixel(&rgba, w, w - 2, *right.last().unwrap()), NEW);
        // Zero is in range: its line is drawn where no ridge is.
        let x0 = (1.0 / 2.099 * w as f32) as usize;
        assert_eq!(pixel(&rgba, w, x0, 2), ZERO);
    }

    #[test]
    fn long_histories_are_thinned_evenly_keeping_the_newest() {
        assert_eq!(thin(3, 24), vec![0, 1, 2]);
        let t = thin(64, 24);
        assert_eq!((t.len(), t[0], t[23]), (24, 0, 63));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        let hists: Vec<Histogram> = (0..40).map(|i| snap(i, &[i as f32, 1.0 + i as f32])).collect();
        let mut rgba = vec![0u8; 50 * 50 * 4];
        let axes = paint_offset(&hists, 50, 50, &mut rgba).expect("values");
        assert_eq!((axes.ridges, axes.first_step, axes.last_step), (MAX_RIDGES, 0, 39));
    }

    #[test]
    fn empty_and_flat_snapshots() {
        let mut rgba = vec![0u8; 16 * 16 * 4];
        assert_eq!(paint_offset(&[], 16, 16, &mut rgba), None);
        assert_eq!(paint_offset(&[snap(1, &[f32::NAN])], 16, 16, &mut rgba), None);
        let flat = [snap(1, &[0.0; 8])];
        let axes = paint_offset(&flat, 16, 16, &mut rgba).expect("a spike at 0");
        assert_eq!((axes.lo, axes.hi), (-1.0, 1.0));
        let heights = column_heights(&flat[0], -1.0, 1.0, 16);
        assert_eq!(heights.iter().filter(|&&d| d > 0.0).count(), 1, "{heights:?}");
        assert_eq!(heights[8], 1.0);
        // Short buffers never panic.
        paint_offset(&flat, 16, 16, &mut [0u8; 5]);
    }
}
