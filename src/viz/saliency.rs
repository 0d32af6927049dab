//! Saliency pictures: the engine's input gradients
//! ([`crate::engine::instruments::saliency`]) as images.
//!
//! - Digits: `|∂score/∂pixel|` as an 8×8 map from white (no influence) to
//!   dark red (the pixels the score depends on most), scaled up like the
//!   digit images ([`paint_magnitude`]).
//! - 2-D data: the input-gradient field over the plane, either as arrows on
//!   a coarse grid ([`arrows`], pixel segments the page strokes on a canvas
//!   over the output heatmap; y up like every picture of the plane) or as
//!   the gradient's length as a translucent heatmap ([`paint_field_magnitude`]).

use crate::engine::instruments::saliency::GradientField;
use crate::viz::color::NAN_COLOR;
use crate::viz::digits::SIDE;

/// Colour of the strongest influence.
pub const HOT: [u8; 3] = [165, 15, 21];
/// Colour of no influence.
pub const COLD: [u8; 3] = [255, 255, 255];

/// The colour of `v / max` on the white → dark-red ramp (clamped; NaN →
/// magenta). A non-positive `max` counts as 1.
pub fn magnitude_color(v: f32, max: f32) -> [u8; 3] {
    if v.is_nan() {
        return NAN_COLOR;
    }
    let max = if max > 0.0 && max.is_finite() { max } else { 1.0 };
    let t = (v.abs() / max).clamp(0.0, 1.0).sqrt();
    let m = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
    [m(COLD[0], HOT[0]), m(COLD[1], HOT[1]), m(COLD[2], HOT[2])]
}

/// Paints an 8×8 saliency map (64 values ≥ 0, row-major, row 0 at the
/// top), each pixel a `scale`×`scale` block, into `rgba` (`(8·scale)²·4`).
pub fn paint_magnitude(map: &[f32], max: f32, scale: usize, rgba: &mut [u8]) {
    let side = SIDE * scale;
    for (i, px) in rgba.chunks_exact_mut(4).take(side * side).enumerate() {
        let (row, col) = (i / side / scale.max(1), i % side / scale.max(1));
        let c = magnitude_color(map.get(row * SIDE + col).copied().unwrap_or(f32::NAN), max);
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// Paints the length of each gradient of `field` (`size`×`size`, row 0 at
/// the top) on the white → red ramp with opacity `alpha`, transparent
/// where the gradient is 0.
pub fn paint_field_magnitude(field: &GradientField, alpha: u8, rgba: &mut [u8]) {
    for (g, px) in field.grad.chunks_exact(2).zip(rgba.chunks_exact_mut(4)) {
        let len = (g[0] * g[0] + g[1] * g[1]).sqrt();
        let c = magnitude_color(len, field.max_norm);
        let a = if field.max_norm > 0.0 {
            (f32::from(alpha) * (len / field.max_norm).clamp(0.0, 1.0).sqrt()) as u8
        } else {
            0
        };
        px.copy_from_slice(&[c[0], c[1], c[2], a]);
    }
}

/// A line segment in pixels, `(x0, y0) → (x1, y1)`, y down.
pub type Segment = [f32; 4];

/// Arrows for the field on a `px`×`px` picture: one per `every`-th grid
/// point in each direction, from the point along its gradient, scaled so
/// the longest arrow spans 0.9 of the spacing, each with a two-stroke head.
/// The plane's x2 points up, so a gradient `(g1, g2)` is drawn as
/// `(g1, −g2)` in pixels. Points with a zero gradient get no arrow.
pub fn arrows(field: &GradientField, every: usize, px: f32) -> Vec<Segment> {
    let (size, every) = (field.size, every.max(1));
    if size == 0 || field.max_norm <= 0.0 || !field.max_norm.is_finite() {
        return Vec::new();
    }
    let cell = px / size as f32;
    let spacing = cell * every as f32;
    let mut out = Vec::new();
    let offset = every / 2;
    for row in (offset..size).step_by(every) {
        for col in (offset..size).step_by(every) {
            let p = row * size + col;
            let (g1, g2) = (field.grad[2 * p], field.grad[2 * p + 1]);
            let len = (g1 * g1 + g2 * g2).sqrt();
            if len.is_nan() || len <= 0.0 || !len.is_finite() {
                continue;
            }
            let scale = 0.9 * spacing / field.max_norm;
            let (dx, dy) = (g1 * scale, -g2 * scale);
            let (x0, y0) = ((col as f32 + 0.5) * cell - dx / 2.0, (row as f32 + 0.5) * cell - dy / 2.0);
            let (x1, y1) = (x0 + dx, y0 + dy);
            out.push([x0, y0, x1, y1]);
            let l = (dx * dx + dy * dy).sqrt();
            if l >= 3.0 {
                let head = (l * 0.35).min(spacing * 0.3);
                let (ux, uy) = (dx / l, dy / l);
                for (cs, sn) in [(0.866f32, 0.5f32), (0.866, -0.5)] {
                    let (hx, hy) = (-(ux * cs - uy * sn), -(ux * sn + uy * cs));
                    out.push([x1, y1, x1 + hx * head, y1 + hy * head]);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitude_ramp_and_digit_map() {
        assert_eq!(magnitude_color(0.0, 1.0), COLD);
        assert_eq!(magnitude_color(2.0, 1.0), HOT);
        assert_eq!(magnitude_color(f32::NAN, 1.0), NAN_COLOR);
        assert_eq!(magnitude_color(1.0, 0.0), HOT, "max 0 counts as 1");
        let mut map = vec![0.0f32; 64];
        map[SIDE + 2] = 4.0; // row 1, col 2
        let mut rgba = vec![0u8; 16 * 16 * 4];
        paint_magnitude(&map, 4.0, 2, &mut rgba);
        let at = |x: usize, y: usize| rgba[(y * 16 + x) * 4..(y * 16 + x) * 4 + 3].to_vec();
        assert_eq!(at(4, 2), HOT.to_vec());
        assert_eq!(at(5, 3), HOT.to_vec());
        assert_eq!(at(0, 0), COLD.to_vec());
        paint_magnitude(&map, 4.0, 2, &mut [0u8; 9]);
    }

    fn field(size: usize, g: (f32, f32)) -> GradientField {
        let grad: Vec<f32> = (0..size * size).flat_map(|_| [g.0, g.1]).collect();
        let max_norm = (g.0 * g.0 + g.1 * g.1).sqrt();
        GradientField { size, output: 0, grad, max_norm }
    }

    #[test]
    fn arrows_point_up_the_page_when_the_output_grows_with_x2() {
        let f = field(8, (0.0, 2.0));
        let segs = arrows(&f, 2, 80.0);
        // 4×4 arrows, each a shaft and a two-stroke head.
        assert_eq!(segs.len(), 16 * 3);
        let shaft = segs[0];
        assert!((shaft[0] - shaft[2]).abs() < 1e-4, "vertical: {shaft:?}");
        assert!(shaft[3] < shaft[1], "pointing up (y decreasing): {shaft:?}");
        assert!(((shaft[1] - shaft[3]) - 0.9 * 20.0).abs() < 1e-3, "0.9 of the spacing: {shaft:?}");
        // Heads start at the tip and go back down.
        assert_eq!([segs[1][0], segs[1][1]], [shaft[2], shaft[3]]);
        assert!(segs[1][3] > shaft[3] && segs[2][3] > shaft[3]);
        let right = arrows(&field(4, (1.0, 0.0)), 1, 40.0);
        assert!(right[0][2] > right[0][0] && (right[0][1] - right[0][3]).abs() < 1e-4);
        assert!(arrows(&field(4, (0.0, 0.0)), 1, 40.0).is_empty());
    }

    #[test]
    fn field_magnitude_is_transparent_where_flat() {
        let mut f = field(2, (3.0, 4.0));
        f.grad[0] = 0.0;
        f.grad[1] = 0.0;
        let mut rgba = vec![0u8; 16];
        paint_field_magnitude(&f, 200, &mut rgba);
        assert_eq!(rgba[3], 0);
        assert_eq!(&rgba[4..8], &[HOT[0], HOT[1], HOT[2], 200]);
    }
}
