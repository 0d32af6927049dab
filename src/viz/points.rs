//! Data points over the plane: filled discs for training points, hollow rings
//! for test points, anti-aliased and alpha-composited onto an RGBA image (an
//! opaque heatmap or a transparent overlay alike).
//!
//! Geometry: the image of `w`×`h` px shows `[−extent, extent]²` with x2 **up**.
//! Pixel (col, row) has its centre at `(col + 0.5, row + 0.5)`, and ±extent
//! map to the centres of the first and last pixels: the same sampling as the
//! engine's grid (whose first and last points lie on ±extent), so a point
//! drawn on a `size`×`size` image sits on the heatmap pixel of its grid point.

use crate::engine::data::{Labels, RawData};
use crate::viz::color::{class_color, value_color};

/// One data point to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// First coordinate (to the right).
    pub x1: f64,
    /// Second coordinate (up).
    pub x2: f64,
    /// Fill colour (see [`label_color`]).
    pub color: [u8; 3],
    /// A test point: drawn as a hollow ring instead of a filled disc.
    pub test: bool,
}

/// Outline of a training disc (TF Playground strokes its points white).
pub const TRAIN_OUTLINE: [u8; 3] = [255, 255, 255];
/// Outline of a test ring.
pub const TEST_OUTLINE: [u8; 3] = [0, 0, 0];
/// Width of the outlines, px (a quarter of the radius on markers smaller
/// than 4 px).
const OUTLINE_PX: f32 = 1.0;

/// The pixel position (continuous, pixel centres at `i + 0.5`) of the point
/// `(x1, x2)` on a `w`×`h` image of `[−extent, extent]²`, y up: `(extent,
/// extent)` lands at the centre of the top-right pixel, `(−extent, −extent)`
/// at the centre of the bottom-left one. Returns NaNs for a non-finite
/// coordinate or a non-positive / non-finite `extent`.
pub fn to_pixel(x1: f64, x2: f64, extent: f64, w: usize, h: usize) -> (f32, f32) {
    if !(extent > 0.0 && extent.is_finite() && x1.is_finite() && x2.is_finite()) {
        return (f32::NAN, f32::NAN);
    }
    let u = (x1 + extent) / (2.0 * extent);
    let v = (extent - x2) / (2.0 * extent);
    let px = 0.5 + u * w.saturating_sub(1) as f64;
    let py = 0.5 + v * h.saturating_sub(1) as f64;
    (px as f32, py as f32)
}

/// The inverse of [`to_pixel`]: the plane point `(x1, x2)` under the pixel
/// position `(px, py)` (e.g. the mouse); NaNs where the image has fewer than
/// two pixels along an axis or `extent` is not positive.
pub fn from_pixel(px: f64, py: f64, extent: f64, w: usize, h: usize) -> (f64, f64) {
    if !(extent > 0.0 && extent.is_finite()) || w < 2 || h < 2 {
        return (f64::NAN, f64::NAN);
    }
    let u = (px - 0.5) / (w - 1) as f64;
    let v = (py - 0.5) / (h - 1) as f64;
    (-extent + 2.0 * extent * u, extent - 2.0 * extent * v)
}

/// Coverage of pixel-centre distance `d` by a disc of radius `r`: 1 well
/// inside, 0 well outside, a linear ramp one pixel wide across the edge.
fn coverage(r: f32, d: f32) -> f32 {
    (r + 0.5 - d).clamp(0.0, 1.0)
}

/// Composites colour `c` with opacity `a` over the RGBA pixel `px`
/// (straight alpha, "source over").
fn blend(px: &mut [u8], c: [f32; 3], a: f32) {
    if a <= 0.0 {
        return;
    }
    if px[3] == 0 {
        // Over nothing (the points overlay's usual case): the colour itself.
        for k in 0..3 {
            px[k] = (c[k] + 0.5) as u8;
        }
        px[3] = (a * 255.0 + 0.5) as u8;
        return;
    }
    let dst_a = f32::from(px[3]) / 255.0;
    let out_a = a + dst_a * (1.0 - a);
    for k in 0..3 {
        let mixed = (c[k] * a + f32::from(px[k]) * dst_a * (1.0 - a)) / out_a;
        px[k] = (mixed + 0.5) as u8;
    }
    px[3] = (out_a * 255.0 + 0.5) as u8;
}

/// The concentric layers of a marker of radius `r`, outside in: `(radius,
/// colour)`, `None` being a hole that leaves the image as it was.
fn layers(p: &Point, r: f32) -> [(f32, Option<[u8; 3]>); 3] {
    // Thinner outlines on tiny markers, so that the fill still shows.
    let inner = r - OUTLINE_PX.min(0.25 * r);
    if p.test {
        // A ring about a third of the radius wide (at least a pixel), black-edged.
        let ring = (0.35 * r).max(1.0);
        let hole = (inner - ring).max(0.0);
        [(r, Some(TEST_OUTLINE)), (inner, Some(p.color)), (hole, None)]
    } else {
        [(r, Some(TRAIN_OUTLINE)), (inner, Some(p.color)), (0.0, Some(p.color))]
    }
}

/// Draws one marker centred at pixel position `(cx, cy)`.
fn paint_marker(p: &Point, cx: f32, cy: f32, w: usize, h: usize, r: f32, rgba: &mut [u8]) {
    let layers = layers(p, r);
    let reach = r + 1.0;
    let col0 = (cx - reach).floor().max(0.0) as usize;
    let row0 = (cy - reach).floor().max(0.0) as usize;
    let col1 = ((cx + reach).ceil().max(0.0) as usize).min(w);
    let row1 = ((cy + reach).ceil().max(0.0) as usize).min(h);
    for row in row0..row1 {
        for col in col0..col1 {
            let (dx, dy) = (col as f32 + 0.5 - cx, row as f32 + 0.5 - cy);
            let d2 = dx * dx + dy * dy;
            if d2 >= (r + 0.5) * (r + 0.5) {
                continue; // outside the outer layer: every coverage is 0
            }
            let d = d2.sqrt();
            let cover = layers.map(|(radius, _)| coverage(radius, d));
            // Weight of layer i = its coverage minus the next (inner) layer's.
            let mut sum = [0.0f32; 3];
            let mut alpha = 0.0;
            for (i, &(_, color)) in layers.iter().enumerate() {
                let next = cover.get(i + 1).copied().unwrap_or(0.0);
                let weight = (cover[i] - next).max(0.0);
                if let (Some(c), true) = (color, weight > 0.0) {
                    for k in 0..3 {
                        sum[k] += weight * f32::from(c[k]);
                    }
                    alpha += weight;
                }
            }
            if alpha <= 0.0 {
                continue;
            }
            let i = (row * w + col) * 4;
            if let Some(px) = rgba.get_mut(i..i + 4) {
                blend(px, [sum[0] / alpha, sum[1] / alpha, sum[2] / alpha], alpha.min(1.0));
            }
        }
    }
}

/// Draws data points onto an RGBA image of `w`×`h` px covering
/// `[−extent, extent]²` with y up (x2 = +extent in row 0): training points as
/// filled discs of radius `radius` px with a white outline, test points as
/// hollow rings with a black outline (the picture underneath shows through
/// the hole). Training points are drawn first, test points on top. Points off
/// the image, with non-finite coordinates, or a non-positive radius draw
/// nothing; a short `rgba` is painted as far as it goes.
pub fn paint_points(points: &[Point], extent: f64, w: usize, h: usize, radius: f32, rgba: &mut [u8]) {
    if !(radius > 0.0 && radius.is_finite()) {
        return;
    }
    for test_pass in [false, true] {
        for p in points.iter().filter(|p| p.test == test_pass) {
            let (cx, cy) = to_pixel(p.x1, p.x2, extent, w, h);
            if cx.is_finite() && cy.is_finite() {
                paint_marker(p, cx, cy, w, h, radius, rgba);
            }
        }
    }
}

/// The colour of target `i`: binary classes as TF Playground (class 1 = +1
/// blue, class 0 = −1 orange), K ≥ 3 classes by [`class_color`], regression
/// values by [`value_color`] (TF Playground's targets lie in [−1, 1]). An
/// index out of range gives the NaN colour.
pub fn label_color(labels: &Labels, i: usize) -> [u8; 3] {
    match labels {
        Labels::Classes { labels, n_classes } => match labels.get(i) {
            Some(&c) if *n_classes <= 2 => value_color(if c == 1 { 1.0 } else { -1.0 }),
            Some(&c) => class_color(c),
            None => value_color(f32::NAN),
        },
        Labels::Values(v) => value_color(v.get(i).map_or(f32::NAN, |&v| v as f32)),
    }
}

/// The points of a planar data set, coloured by [`label_color`], all marked
/// `test`; empty for non-planar data (digits) or rows with fewer than two
/// columns.
pub fn from_raw(raw: &RawData, test: bool) -> Vec<Point> {
    if !raw.planar || raw.x.ncols() < 2 {
        return Vec::new();
    }
    raw.x
        .rows()
        .into_iter()
        .enumerate()
        .map(|(i, row)| Point { x1: row[0], x2: row[1], color: label_color(&raw.labels, i), test })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::color::{NEGATIVE, POSITIVE};
    use ndarray::array;

    const BLUE: [u8; 3] = POSITIVE;

    fn pixel(rgba: &[u8], w: usize, col: usize, row: usize) -> [u8; 4] {
        let i = (row * w + col) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    fn grey_image(w: usize, h: usize) -> Vec<u8> {
        [200, 200, 200, 255].repeat(w * h)
    }

    #[test]
    fn to_pixel_puts_the_corners_on_the_corner_pixels_with_y_up() {
        let (w, h) = (100, 50);
        assert_eq!(to_pixel(6.0, 6.0, 6.0, w, h), (99.5, 0.5));
        assert_eq!(to_pixel(-6.0, -6.0, 6.0, w, h), (0.5, 49.5));
        assert_eq!(to_pixel(-6.0, 6.0, 6.0, w, h), (0.5, 0.5));
        assert_eq!(to_pixel(0.0, 0.0, 6.0, w, h), (50.0, 25.0));
        // Larger x2 is higher up: a smaller row.
        assert!(to_pixel(0.0, 1.0, 6.0, w, h).1 < to_pixel(0.0, -1.0, 6.0, w, h).1);
        let (px, py) = to_pixel(f64::NAN, 0.0, 6.0, w, h);
        assert!(px.is_nan() && py.is_nan());
        assert!(to_pixel(1.0, 1.0, 0.0, w, h).0.is_nan());
    }

    #[test]
    fn from_pixel_inverts_to_pixel() {
        for &(x1, x2) in &[(6.0, 6.0), (-6.0, 2.5), (1.25, -3.0)] {
            let (px, py) = to_pixel(x1, x2, 6.0, 300, 200);
            let (y1, y2) = from_pixel(f64::from(px), f64::from(py), 6.0, 300, 200);
            assert!((y1 - x1).abs() < 1e-4 && (y2 - x2).abs() < 1e-4, "({x1}, {x2}) -> ({y1}, {y2})");
        }
        assert!(from_pixel(1.0, 1.0, 6.0, 1, 10).0.is_nan());
    }

    #[test]
    fn a_point_at_extent_extent_lands_on_the_top_right_pixel() {
        let (w, h) = (20, 20);
        let mut rgba = vec![0u8; w * h * 4];
        let p = Point { x1: 6.0, x2: 6.0, color: BLUE, test: false };
        paint_points(&[p], 6.0, w, h, 3.0, &mut rgba);
        assert_eq!(pixel(&rgba, w, w - 1, 0), [8, 119, 189, 255]);
        // The opposite corners stay untouched.
        assert_eq!(pixel(&rgba, w, 0, h - 1), [0, 0, 0, 0]);
        assert_eq!(pixel(&rgba, w, 0, 0), [0, 0, 0, 0]);
        assert_eq!(pixel(&rgba, w, w - 1, h - 1), [0, 0, 0, 0]);
        // Bottom-left point: bottom-left pixel.
        let mut rgba = vec![0u8; w * h * 4];
        let q = Point { x1: -6.0, x2: -6.0, color: NEGATIVE, test: false };
        paint_points(&[q], 6.0, w, h, 3.0, &mut rgba);
        assert_eq!(pixel(&rgba, w, 0, h - 1), [245, 147, 34, 255]);
        assert_eq!(pixel(&rgba, w, w - 1, 0), [0, 0, 0, 0]);
    }

    #[test]
    fn a_training_point_is_a_filled_disc_with_a_white_outline() {
        let (w, h) = (21, 21);
        let mut rgba = grey_image(w, h);
        let p = Point { x1: 0.0, x2: 0.0, color: BLUE, test: false };
        paint_points(&[p], 6.0, w, h, 6.0, &mut rgba);
        // Centre (10.5, 10.5): pixel (10, 10) and its neighbours are the fill.
        assert_eq!(pixel(&rgba, w, 10, 10), [8, 119, 189, 255]);
        assert_eq!(pixel(&rgba, w, 12, 10), [8, 119, 189, 255]);
        // 6 px right of the centre: on the white outline (distance 6 − 0 from the centre of pixel 16).
        let edge = pixel(&rgba, w, 16, 10);
        assert!(edge[0] > 200 && edge[1] > 200 && edge[2] > 200, "outline {edge:?}");
        // Far away: untouched.
        assert_eq!(pixel(&rgba, w, 0, 0), [200, 200, 200, 255]);
    }

    #[test]
    fn a_test_point_is_a_hollow_ring() {
        let (w, h) = (21, 21);
        let mut rgba = grey_image(w, h);
        let p = Point { x1: 0.0, x2: 0.0, color: BLUE, test: true };
        paint_points(&[p], 6.0, w, h, 6.0, &mut rgba);
        // The hole shows the picture underneath.
        assert_eq!(pixel(&rgba, w, 10, 10), [200, 200, 200, 255]);
        // Radius 6: outline 5.5..6.5, ring 2.9..5, hole < 2.9. Pixel 14 is 4 px out: the ring.
        assert_eq!(pixel(&rgba, w, 14, 10), [8, 119, 189, 255]);
        assert_eq!(pixel(&rgba, w, 10, 6), [8, 119, 189, 255]);
        // Pixel 16 is 6 px out: half covered by the black outline, darkening the grey to 100.
        assert_eq!(pixel(&rgba, w, 16, 10), [100, 100, 100, 255]);
    }

    #[test]
    fn markers_composite_onto_a_transparent_overlay() {
        let (w, h) = (21, 21);
        let mut rgba = vec![0u8; w * h * 4];
        let p = Point { x1: 0.0, x2: 0.0, color: BLUE, test: true };
        paint_points(&[p], 6.0, w, h, 6.0, &mut rgba);
        assert_eq!(pixel(&rgba, w, 10, 10), [0, 0, 0, 0], "the hole stays transparent");
        assert_eq!(pixel(&rgba, w, 14, 10), [8, 119, 189, 255]);
        // A partly covered edge pixel keeps its colour and gets partial alpha.
        let (cx, _) = to_pixel(0.0, 0.0, 6.0, w, h);
        assert_eq!(cx, 10.5);
        let rim = pixel(&rgba, w, 10, 3); // 7 px above the centre: coverage 6.5 − 7 < 0.
        assert_eq!(rim, [0, 0, 0, 0]);
    }

    #[test]
    fn test_points_are_drawn_over_training_points() {
        let (w, h) = (21, 21);
        let mut rgba = grey_image(w, h);
        let test = Point { x1: 0.0, x2: 0.0, color: NEGATIVE, test: true };
        let train = Point { x1: 0.0, x2: 0.0, color: BLUE, test: false };
        paint_points(&[test, train], 6.0, w, h, 6.0, &mut rgba);
        assert_eq!(pixel(&rgba, w, 14, 10)[..3], NEGATIVE, "the ring is on top");
        assert_eq!(pixel(&rgba, w, 10, 10)[..3], BLUE, "the disc shows through the hole");
    }

    #[test]
    fn bad_points_and_buffers_draw_nothing_and_do_not_panic() {
        let (w, h) = (8, 8);
        let mut rgba = vec![0u8; w * h * 4];
        let bad = [
            Point { x1: f64::NAN, x2: 0.0, color: BLUE, test: false },
            Point { x1: f64::INFINITY, x2: 0.0, color: BLUE, test: false },
            Point { x1: 1e9, x2: -1e9, color: BLUE, test: true },
        ];
        paint_points(&bad, 6.0, w, h, 3.0, &mut rgba);
        assert!(rgba.iter().all(|&b| b == 0));
        let ok = [Point { x1: 0.0, x2: 0.0, color: BLUE, test: false }];
        paint_points(&ok, 6.0, w, h, f32::NAN, &mut rgba);
        paint_points(&ok, 6.0, w, h, -1.0, &mut rgba);
        paint_points(&ok, 0.0, w, h, 3.0, &mut rgba);
        assert!(rgba.iter().all(|&b| b == 0));
        // A buffer shorter than w·h·4 is painted as far as it goes.
        let mut short = vec![0u8; 10];
        paint_points(&ok, 6.0, w, h, 30.0, &mut short);
        assert_eq!(short, [8, 119, 189, 255, 8, 119, 189, 255, 0, 0]);
    }

    #[test]
    fn label_colours_follow_the_task() {
        let binary = Labels::Classes { labels: vec![0, 1], n_classes: 2 };
        assert_eq!(label_color(&binary, 0), NEGATIVE);
        assert_eq!(label_color(&binary, 1), POSITIVE);
        assert_eq!(label_color(&binary, 2), [255, 0, 255]);
        let k = Labels::Classes { labels: vec![0, 4], n_classes: 5 };
        assert_eq!(label_color(&k, 1), class_color(4));
        let reg = Labels::Values(vec![-1.0, 0.0, 0.5]);
        assert_eq!(label_color(&reg, 0), NEGATIVE);
        assert_eq!(label_color(&reg, 2), value_color(0.5));
    }

    #[test]
    fn from_raw_keeps_coordinates_and_colours() {
        let raw = RawData {
            x: array![[1.0, 2.0], [-3.0, 4.0]],
            labels: Labels::Classes { labels: vec![1, 0], n_classes: 2 },
            planar: true,
        };
        let pts = from_raw(&raw, true);
        assert_eq!(pts.len(), 2);
        assert_eq!(pts[1], Point { x1: -3.0, x2: 4.0, color: NEGATIVE, test: true });
        let digits = RawData { planar: false, ..raw };
        assert!(from_raw(&digits, false).is_empty());
    }
}
