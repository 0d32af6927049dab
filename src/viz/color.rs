//! Colours: TF Playground's diverging value map (orange ← grey → blue), class
//! colours for K-class sets, and the heatmap painters that turn a grid of
//! model outputs into RGBA pixels.
//!
//! Heatmap layout: grid point `p = row·size + col`, row 0 at the **top** (the
//! engine's grid already lists points top to bottom, x2 pointing up), so
//! pixel `p` of the image is grid point `p`: no flip happens here.

/// Colour of v = −1: TF Playground's orange `#f59322`.
pub const NEGATIVE: [u8; 3] = [245, 147, 34];
/// Colour of v = 0: TF Playground's light grey `#e8eaeb`.
pub const ZERO: [u8; 3] = [232, 234, 235];
/// Colour of v = +1: TF Playground's blue `#0877bd`.
pub const POSITIVE: [u8; 3] = [8, 119, 189];
/// Colour of a NaN (or a missing value): loud magenta, so bugs show.
pub const NAN_COLOR: [u8; 3] = [255, 0, 255];
/// White, the background class maps fade into.
pub const WHITE: [u8; 3] = [255, 255, 255];

/// Class colours: Okabe & Ito's colour-blind-safe palette (orange, blue,
/// bluish green, reddish purple, yellow, sky blue, vermillion), completed to
/// ten with three of Paul Tol's muted colours (wine, olive, grey). The first
/// five (the K = 3–5 sets) are the most distinct.
pub const CLASS_COLORS: [[u8; 3]; 10] = [
    [230, 159, 0],
    [0, 114, 178],
    [0, 158, 115],
    [204, 121, 167],
    [240, 228, 66],
    [86, 180, 233],
    [213, 94, 0],
    [136, 34, 85],
    [153, 153, 51],
    [119, 119, 119],
];

/// Strength of a class colour over white where the model is least confident
/// (softmax probability 1/K) …
const CLASS_MIN_STRENGTH: f32 = 0.15;
/// … and where it is certain (probability 1). Below 1 so that data points,
/// drawn at full strength, stand out from the map.
const CLASS_MAX_STRENGTH: f32 = 0.8;

/// Linear interpolation between two colours, `t` in [0, 1]: `a + (b − a)·t`,
/// rounded to the nearest integer (so t = 0 gives `a` and t = 1 gives `b`
/// exactly).
pub fn lerp(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let mix = |a: u8, b: u8| {
        let (a, b) = (f32::from(a), f32::from(b));
        // Non-negative, so +0.5 then truncation rounds to nearest.
        (a + (b - a) * t + 0.5) as u8
    };
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2])]
}

/// TF Playground-like diverging colour: v = −1 → orange [`NEGATIVE`], 0 →
/// light grey [`ZERO`], +1 → blue [`POSITIVE`], linear in between; clamped
/// to [−1, 1] (so ±∞ give the end colours); NaN → [`NAN_COLOR`].
pub fn value_color(v: f32) -> [u8; 3] {
    if v.is_nan() {
        return NAN_COLOR;
    }
    let v = v.clamp(-1.0, 1.0);
    if v < 0.0 {
        lerp(ZERO, NEGATIVE, -v)
    } else {
        lerp(ZERO, POSITIVE, v)
    }
}

/// Writes an opaque colour into one RGBA pixel.
fn put(px: &mut [u8], c: [u8; 3]) {
    px.copy_from_slice(&[c[0], c[1], c[2], 255]);
}

/// Paints a `size`×`size` heatmap into `rgba` (`size·size·4` bytes, row-major,
/// row 0 = top of the image).
///
/// `values[p·stride + offset]` is the value of grid point `p = row·size + col`
/// (already top to bottom: y points up in the picture); with the engine's
/// `[size², width]` block outputs, `stride = width` and `offset = unit`.
/// Each value is divided by `scale` (1 for tanh-like outputs, the largest
/// |v| for unbounded units; a non-positive or non-finite scale counts as 1),
/// then coloured by [`value_color`]. `discretize` keeps the sign only
/// (v > 0 → +1, else −1), as TF Playground's "discretize output"; NaN stays
/// NaN. A point whose index falls outside `values` is painted
/// [`NAN_COLOR`]; pixels beyond `rgba` are skipped. Pixels are opaque; see
/// [`set_alpha`] for TF Playground's lighter background under data points.
pub fn paint_heatmap(
    values: &[f32],
    size: usize,
    stride: usize,
    offset: usize,
    scale: f32,
    discretize: bool,
    rgba: &mut [u8],
) {
    let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
    let n = size.saturating_mul(size);
    for (p, px) in rgba.chunks_exact_mut(4).take(n).enumerate() {
        let v = p
            .checked_mul(stride)
            .and_then(|i| i.checked_add(offset))
            .and_then(|i| values.get(i))
            .copied()
            .unwrap_or(f32::NAN);
        let v = if v.is_nan() {
            v
        } else if discretize {
            if v > 0.0 {
                1.0
            } else {
                -1.0
            }
        } else {
            v / scale
        };
        put(px, value_color(v));
    }
}

/// Opacity TF Playground gives its output heatmap (160 of 255): over the
/// page's white it lightens the map, so data points drawn on top at full
/// strength stand out. Apply it with [`set_alpha`] before painting points.
pub const HEATMAP_ALPHA: u8 = 160;

/// Sets the alpha byte of every RGBA pixel (e.g. to [`HEATMAP_ALPHA`]),
/// keeping the colours.
pub fn set_alpha(rgba: &mut [u8], alpha: u8) {
    for px in rgba.chunks_exact_mut(4) {
        px[3] = alpha;
    }
}

/// The largest finite |v| over `n_points` strided values
/// `values[p·stride + offset]` (0 when there is none): the `scale` to pass to
/// [`paint_heatmap`] for an unbounded unit.
pub fn max_abs_strided(values: &[f32], n_points: usize, stride: usize, offset: usize) -> f32 {
    (0..n_points)
        .filter_map(|p| p.checked_mul(stride).and_then(|i| i.checked_add(offset)).and_then(|i| values.get(i)))
        .filter(|v| v.is_finite())
        .fold(0.0, |m, v| m.max(v.abs()))
}

/// Colour of class `k` (0-based) of a K-class set: ten distinct,
/// colour-blind-friendly colours ([`CLASS_COLORS`]), repeating after ten.
pub fn class_color(k: usize) -> [u8; 3] {
    CLASS_COLORS[k % CLASS_COLORS.len()]
}

/// The argmax class of one row of logits and its softmax probability
/// `1 / Σ_j exp(z_j − z_max)`; `None` if the row is empty or holds a
/// non-finite value (a diverged model).
pub fn argmax_confidence(logits: &[f32]) -> Option<(usize, f32)> {
    if logits.is_empty() || logits.iter().any(|z| !z.is_finite()) {
        return None;
    }
    let mut best = 0;
    for (j, z) in logits.iter().enumerate() {
        if *z > logits[best] {
            best = j;
        }
    }
    let z_max = logits[best];
    let sum: f32 = logits.iter().map(|z| libm::expf(z - z_max)).sum();
    Some((best, 1.0 / sum))
}

/// The colour of class `k` at softmax probability `p` among `n_classes`: the
/// class colour over white, stronger as `p` goes from 1/K (a tie) to 1.
pub fn class_shade(k: usize, p: f32, n_classes: usize) -> [u8; 3] {
    let chance = 1.0 / n_classes.max(2) as f32;
    let certainty = ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0);
    let strength = CLASS_MIN_STRENGTH + (CLASS_MAX_STRENGTH - CLASS_MIN_STRENGTH) * certainty;
    lerp(WHITE, class_color(k), strength)
}

/// Paints the argmax-class map of a K-class output over a `size`×`size` grid
/// into `rgba` (layout as [`paint_heatmap`]).
///
/// `values: [size², n_classes]` are the model's raw outputs (logits), row
/// `p` for grid point `p`. Each pixel takes the argmax class's colour,
/// lightened toward white as the softmax confidence falls ([`class_shade`]).
/// A row with a non-finite value, or missing from `values`, is painted
/// [`NAN_COLOR`]; `n_classes == 1` falls back to [`paint_heatmap`] of the
/// single output, `n_classes == 0` paints everything [`NAN_COLOR`].
pub fn paint_class_map(values: &[f32], size: usize, n_classes: usize, rgba: &mut [u8]) {
    if n_classes == 1 {
        paint_heatmap(values, size, 1, 0, 1.0, false, rgba);
        return;
    }
    let n = size.saturating_mul(size);
    for (p, px) in rgba.chunks_exact_mut(4).take(n).enumerate() {
        let row = p
            .checked_mul(n_classes)
            .and_then(|start| values.get(start..start.checked_add(n_classes)?))
            .and_then(argmax_confidence);
        let c = match row {
            Some((k, prob)) => class_shade(k, prob, n_classes),
            None => NAN_COLOR,
        };
        put(px, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(rgba: &[u8], size: usize, row: usize, col: usize) -> [u8; 4] {
        let i = (row * size + col) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn value_color_endpoints_and_midpoint_are_exact() {
        assert_eq!(value_color(-1.0), [245, 147, 34]);
        assert_eq!(value_color(0.0), [232, 234, 235]);
        assert_eq!(value_color(-0.0), [232, 234, 235]);
        assert_eq!(value_color(1.0), [8, 119, 189]);
        // Halfway: (232 + 8) / 2 = 120, (234 + 119) / 2 = 176.5 → 177, (235 + 189) / 2 = 212.
        assert_eq!(value_color(0.5), [120, 177, 212]);
        // (232 + 245) / 2 = 238.5 → 239, (234 + 147) / 2 = 190.5 → 191, (235 + 34) / 2 = 134.5 → 135.
        assert_eq!(value_color(-0.5), [239, 191, 135]);
    }

    #[test]
    fn value_color_clamps_and_flags_nan() {
        assert_eq!(value_color(7.0), value_color(1.0));
        assert_eq!(value_color(-3.5), value_color(-1.0));
        assert_eq!(value_color(f32::INFINITY), POSITIVE);
        assert_eq!(value_color(f32::NEG_INFINITY), NEGATIVE);
        assert_eq!(value_color(f32::NAN), [255, 0, 255]);
    }

    #[test]
    fn value_color_moves_monotonically_toward_each_end() {
        let mut prev = value_color(0.0);
        for i in 1..=100 {
            let c = value_color(i as f32 / 100.0);
            assert!(c[0] <= prev[0] && c[2] <= prev[2], "blue side: {c:?} after {prev:?}");
            prev = c;
        }
        let mut prev = value_color(0.0);
        for i in 1..=100 {
            let c = value_color(-(i as f32) / 100.0);
            assert!(c[1] <= prev[1] && c[2] <= prev[2], "orange side: {c:?} after {prev:?}");
            prev = c;
        }
    }

    #[test]
    fn heatmap_row_zero_is_the_top_of_the_picture() {
        // 4×4 grid, values +1 in the top half (rows 0, 1), −1 in the bottom half.
        let size = 4;
        let values: Vec<f32> = (0..16).map(|p| if p / size < 2 { 1.0 } else { -1.0 }).collect();
        let mut rgba = vec![0u8; size * size * 4];
        paint_heatmap(&values, size, 1, 0, 1.0, false, &mut rgba);
        for col in 0..size {
            assert_eq!(pixel(&rgba, size, 0, col), [8, 119, 189, 255]);
            assert_eq!(pixel(&rgba, size, 1, col), [8, 119, 189, 255]);
            assert_eq!(pixel(&rgba, size, 2, col), [245, 147, 34, 255]);
            assert_eq!(pixel(&rgba, size, 3, col), [245, 147, 34, 255]);
        }
    }

    #[test]
    fn heatmap_selects_one_unit_by_stride_and_offset() {
        // Three units interleaved, [4, 3]: unit 0 = −1, unit 1 = p − 1.5 scaled, unit 2 = NaN.
        let size = 2;
        let mut values = Vec::new();
        for p in 0..4 {
            values.extend([-1.0, p as f32 - 1.5, f32::NAN]);
        }
        let mut rgba = vec![0u8; 16];
        paint_heatmap(&values, size, 3, 0, 1.0, false, &mut rgba);
        assert!(rgba.chunks(4).all(|px| px == [245, 147, 34, 255]));
        // Unit 1 divided by scale 1.5: −1, −1/3, +1/3, +1.
        paint_heatmap(&values, size, 3, 1, 1.5, false, &mut rgba);
        assert_eq!(pixel(&rgba, size, 0, 0)[..3], NEGATIVE);
        assert_eq!(pixel(&rgba, size, 0, 1)[..3], value_color(-1.0 / 3.0));
        assert_eq!(pixel(&rgba, size, 1, 0)[..3], value_color(1.0 / 3.0));
        assert_eq!(pixel(&rgba, size, 1, 1)[..3], POSITIVE);
        paint_heatmap(&values, size, 3, 2, 1.0, false, &mut rgba);
        assert!(rgba.chunks(4).all(|px| px == [255, 0, 255, 255]));
    }

    #[test]
    fn heatmap_survives_short_buffers_and_bad_scales() {
        let values = [0.5f32, -0.5];
        let mut rgba = vec![0u8; 4 * 4];
        // Points 2 and 3 are missing from `values`: NaN colour.
        paint_heatmap(&values, 2, 1, 0, 0.0, false, &mut rgba);
        assert_eq!(pixel(&rgba, 2, 0, 0)[..3], value_color(0.5));
        assert_eq!(pixel(&rgba, 2, 0, 1)[..3], value_color(-0.5));
        assert_eq!(pixel(&rgba, 2, 1, 0)[..3], NAN_COLOR);
        // An rgba buffer shorter than the grid is painted as far as it goes.
        let mut short = vec![0u8; 6];
        paint_heatmap(&values, 2, 1, 0, f32::NAN, false, &mut short);
        assert_eq!(short, [120, 177, 212, 255, 0, 0]);
        // Huge strides do not overflow.
        paint_heatmap(&values, 2, usize::MAX, 1, 1.0, false, &mut rgba);
        assert_eq!(pixel(&rgba, 2, 1, 1)[..3], NAN_COLOR);
    }

    #[test]
    fn discretize_keeps_the_sign_only() {
        let values = [0.01f32, -0.01, 0.0, 3.0];
        let mut rgba = vec![0u8; 16];
        paint_heatmap(&values, 2, 1, 0, 100.0, true, &mut rgba);
        let colors: Vec<&[u8]> = rgba.chunks(4).map(|px| &px[..3]).collect();
        assert_eq!(colors, [&POSITIVE[..], &NEGATIVE[..], &NEGATIVE[..], &POSITIVE[..]]);
    }

    #[test]
    fn set_alpha_keeps_colours() {
        let mut rgba = vec![10, 20, 30, 255, 40, 50, 60, 0, 7];
        set_alpha(&mut rgba, HEATMAP_ALPHA);
        assert_eq!(rgba, [10, 20, 30, 160, 40, 50, 60, 160, 7]);
    }

    #[test]
    fn max_abs_strided_skips_other_units_and_non_finite_values() {
        let values = [1.0f32, -9.0, -3.0, f32::INFINITY, 2.0, f32::NAN];
        assert_eq!(max_abs_strided(&values, 3, 2, 0), 3.0);
        assert_eq!(max_abs_strided(&values, 3, 2, 1), 9.0);
        assert_eq!(max_abs_strided(&values, 0, 2, 1), 0.0);
        assert_eq!(max_abs_strided(&[], 5, 2, 1), 0.0);
    }

    #[test]
    fn class_colors_are_distinct_and_cycle() {
        for a in 0..10 {
            for b in a + 1..10 {
                let (ca, cb) = (class_color(a), class_color(b));
                let d2: i32 = (0..3).map(|i| (i32::from(ca[i]) - i32::from(cb[i])).pow(2)).sum();
                assert!(d2 > 40 * 40, "classes {a} and {b} are too close: {ca:?} {cb:?}");
            }
        }
        assert_eq!(class_color(10), class_color(0));
        assert_eq!(class_color(13), class_color(3));
    }

    #[test]
    fn argmax_confidence_is_the_softmax_probability() {
        let (k, p) = argmax_confidence(&[0.0, 2.0, 1.0]).expect("finite row");
        let expect = 1.0 / (1.0 + libm::expf(-2.0) + libm::expf(-1.0));
        assert_eq!(k, 1);
        assert!((p - expect).abs() < 1e-6, "{p} vs {expect}");
        let (_, tie) = argmax_confidence(&[3.0, 3.0, 3.0, 3.0]).expect("finite row");
        assert!((tie - 0.25).abs() < 1e-6);
        assert_eq!(argmax_confidence(&[1.0, f32::NAN]), None);
        assert_eq!(argmax_confidence(&[f32::INFINITY, 0.0]), None);
        assert_eq!(argmax_confidence(&[]), None);
    }

    #[test]
    fn class_map_colours_each_pixel_by_its_argmax_class() {
        // 2×2 grid, 3 classes: confident 0, confident 2, a tie, a NaN row.
        let values = [30.0f32, 0.0, 0.0, 0.0, 0.0, 30.0, 1.0, 1.0, 1.0, 0.0, f32::NAN, 0.0];
        let mut rgba = vec![0u8; 16];
        paint_class_map(&values, 2, 3, &mut rgba);
        let confident0 = pixel(&rgba, 2, 0, 0);
        let confident2 = pixel(&rgba, 2, 0, 1);
        let tie = pixel(&rgba, 2, 1, 0);
        // Almost certain: close to the strongest shade.
        assert_eq!(confident0[..3], class_shade(0, 1.0, 3));
        assert_eq!(confident2[..3], class_shade(2, 1.0, 3));
        assert_eq!(confident0[..3], lerp(WHITE, class_color(0), CLASS_MAX_STRENGTH));
        // A tie goes to the first class, at the lightest shade.
        assert_eq!(tie[..3], lerp(WHITE, class_color(0), CLASS_MIN_STRENGTH));
        let lightness = |c: [u8; 4]| u32::from(c[0]) + u32::from(c[1]) + u32::from(c[2]);
        assert!(lightness(tie) > lightness(confident0));
        assert_eq!(pixel(&rgba, 2, 1, 1), [255, 0, 255, 255]);
        assert!(rgba.chunks(4).all(|px| px[3] == 255));
    }

    #[test]
    fn class_map_handles_degenerate_class_counts() {
        let mut rgba = vec![0u8; 16];
        paint_class_map(&[1.0, -1.0, 0.0, 0.5], 2, 1, &mut rgba);
        assert_eq!(pixel(&rgba, 2, 0, 0)[..3], POSITIVE);
        assert_eq!(pixel(&rgba, 2, 0, 1)[..3], NEGATIVE);
        paint_class_map(&[1.0; 4], 2, 0, &mut rgba);
        assert!(rgba.chunks(4).all(|px| px[..3] == NAN_COLOR));
        // Too few values: the missing rows are NaN-coloured.
        paint_class_map(&[1.0, 0.0], 2, 2, &mut rgba);
        let (k, p) = argmax_confidence(&[1.0, 0.0]).expect("finite row");
        assert_eq!(pixel(&rgba, 2, 0, 0)[..3], class_shade(k, p, 2));
        assert_ne!(pixel(&rgba, 2, 0, 0)[..3], class_shade(0, 1.0, 2));
        assert_eq!(pixel(&rgba, 2, 0, 1)[..3], NAN_COLOR);
    }
}
