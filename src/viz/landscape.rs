//! The loss landscape's pictures: the map of a `n × n` grid of losses as
//! an RGBA image (log loss, bilinear between grid points, low blue to high
//! orange, ten contour bands outlined in dark grey, the current weights
//! marked at the centre; a non-finite loss [`NAN_COLOR`]), and the curve
//! along one direction as a chart.

use super::chart::{ChartSpec, Curve};
use super::color::{lerp, NAN_COLOR, NEGATIVE, POSITIVE, ZERO};
use crate::engine::math;

/// Contour bands over the map's range of log loss.
pub const LEVELS: f64 = 10.0;
/// Contour lines' colour.
pub const CONTOUR: [u8; 3] = [70, 70, 70];
/// The centre mark's colour.
pub const CENTRE: [u8; 3] = [0, 0, 0];

/// The colour of `t` in [0, 1]: blue (low loss) through grey to orange.
pub fn loss_color(t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0) as f32;
    if t < 0.5 {
        lerp(POSITIVE, ZERO, t * 2.0)
    } else {
        lerp(ZERO, NEGATIVE, (t - 0.5) * 2.0)
    }
}

/// Paints `grid` (`n × n`, row 0 at the top) into `rgba` (`w × h × 4`).
pub fn paint_map(grid: &[f64], n: usize, w: usize, h: usize, rgba: &mut [u8]) {
    if n < 2 || grid.len() < n * n || w < 2 || h < 2 {
        return;
    }
    let logs: Vec<f64> = grid.iter().map(|&v| if v > 0.0 && v.is_finite() { math::ln(v) } else { f64::NAN }).collect();
    let finite = || logs.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = (finite().fold(f64::INFINITY, f64::min), finite().fold(f64::NEG_INFINITY, f64::max));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let share = |px: usize, py: usize| -> f64 {
        let (gx, gy) = (px as f64 * (n - 1) as f64 / (w - 1) as f64, py as f64 * (n - 1) as f64 / (h - 1) as f64);
        let (x0, y0) = ((gx as usize).min(n - 2), (gy as usize).min(n - 2));
        let (fx, fy) = (gx - x0 as f64, gy - y0 as f64);
        let at = |x: usize, y: usize| logs[y * n + x];
        let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
        let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
        ((top * (1.0 - fy) + bottom * fy) - lo) / span
    };
    let shares: Vec<f64> = (0..h).flat_map(|py| (0..w).map(move |px| (px, py))).map(|(px, py)| share(px, py)).collect();
    let band = |s: f64| (s * LEVELS).floor().min(LEVELS - 1.0);
    for py in 0..h {
        for px in 0..w {
            let s = shares[py * w + px];
            let edge = (px + 1 < w && band(shares[py * w + px + 1]) != band(s))
                || (py + 1 < h && band(shares[(py + 1) * w + px]) != band(s));
            let c = if !s.is_finite() {
                NAN_COLOR
            } else if edge {
                CONTOUR
            } else {
                loss_color(s)
            };
            put(rgba, w, px, py, c);
        }
    }
    mark_centre(rgba, w, h);
}

/// A small cross at the centre: the current weights.
fn mark_centre(rgba: &mut [u8], w: usize, h: usize) {
    let (cx, cy) = (w / 2, h / 2);
    let arm = (w.min(h) / 30).max(2);
    for d in 0..=arm {
        for (x, y) in [(cx + d, cy), (cx.saturating_sub(d), cy), (cx, cy + d), (cx, cy.saturating_sub(d))] {
            if x < w && y < h {
                put(rgba, w, x, y, CENTRE);
            }
        }
    }
}

fn put(rgba: &mut [u8], w: usize, x: usize, y: usize, c: [u8; 3]) {
    let i = (y * w + x) * 4;
    if let Some(px) = rgba.get_mut(i..i + 4) {
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// The curve along one direction: `(α, loss)` at `n` points from −1 to 1.
pub fn curve_chart(line: &[f64]) -> ChartSpec {
    let n = line.len().max(2);
    let points = line.iter().enumerate().map(|(k, &l)| (-1.0 + 2.0 * k as f64 / (n - 1) as f64, l)).collect();
    ChartSpec {
        title: crate::tr!("viz.landscape.title"),
        y_label: crate::tr!("viz.landscape.loss"),
        x_label: crate::tr!("viz.landscape.alpha"),
        curves: vec![Curve { label: String::new(), points, color: POSITIVE, dashed: false }],
        x_fixed: Some((-1.0, 1.0)),
        ..ChartSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(rgba: &[u8], w: usize, x: usize, y: usize) -> [u8; 3] {
        let i = (y * w + x) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2]]
    }

    /// A bowl 1 + α² + β² on 21 × 21: blue at the floor (under the centre
    /// mark's arms), orange in the corners, contour pixels between, the
    /// centre marked; a non-finite cell is magenta.
    #[test]
    fn a_bowl_is_blue_inside_orange_outside_with_contours() {
        let n = 21;
        let c = |k: usize| -1.0 + 2.0 * k as f64 / 20.0;
        let grid: Vec<f64> = (0..n * n).map(|i| 1.0 + c(i % n).powi(2) + c(i / n).powi(2)).collect();
        let (w, h) = (120, 120);
        let mut rgba = vec![0; w * h * 4];
        paint_map(&grid, n, w, h, &mut rgba);
        assert_eq!(pixel(&rgba, w, 60, 60), CENTRE);
        let near_floor = pixel(&rgba, w, 63, 63);
        assert!(near_floor[2] > near_floor[0], "floor {near_floor:?} not blue");
        let corner = pixel(&rgba, w, 0, 0);
        assert!(corner[0] > corner[2], "corner {corner:?} not orange");
        let contours = (0..w).filter(|&x| pixel(&rgba, w, x, 30) == CONTOUR).count();
        assert!(contours >= 2, "{contours} contour crossings on a row");
        let mut broken = grid.clone();
        broken[0] = f64::NAN;
        paint_map(&broken, n, w, h, &mut rgba);
        assert_eq!(pixel(&rgba, w, 0, 0), NAN_COLOR);
    }

    #[test]
    fn the_curve_spans_minus_one_to_one() {
        let spec = curve_chart(&[3.0, 1.0, 2.0]);
        assert_eq!(spec.curves[0].points, vec![(-1.0, 3.0), (0.0, 1.0), (1.0, 2.0)]);
        assert_eq!(spec.x_fixed, Some((-1.0, 1.0)), "the axis is the slice's, not a step axis's least span");
    }
}
