//! The 8×8 handwritten digits as pictures: a digit's 64 pixel values (ink in
//! [0, 1], row-major, row 0 at the top, as the shipped data set stores them)
//! scaled up by whole pixels, and signed 8×8 maps (e.g. one first-layer
//! unit's 64 input weights) in the diverging value colours.

use crate::viz::color::{value_color, NAN_COLOR};

/// Side of a digit image, in data pixels.
pub const SIDE: usize = 8;

/// Grey level of ink amount `v` in [0, 1]: 0 → white (255), 1 → black (0);
/// clamped; NaN → `None`.
pub fn ink_grey(v: f32) -> Option<u8> {
    if v.is_nan() {
        return None;
    }
    Some((255.0 * (1.0 - v.clamp(0.0, 1.0)) + 0.5) as u8)
}

/// Paints `SIDE`×`SIDE` data pixels, each a `scale`×`scale` block, into
/// `rgba` (`(8·scale)²·4` bytes, row 0 at the top), colouring data pixel `p`
/// with `color(pixels[p])` (`None` when `p` is missing from `pixels`).
fn paint_blocks(pixels: &[f32], scale: usize, rgba: &mut [u8], color: impl Fn(Option<f32>) -> [u8; 3]) {
    let side_px = SIDE.saturating_mul(scale);
    for (i, px) in rgba.chunks_exact_mut(4).take(side_px.saturating_mul(side_px)).enumerate() {
        let (row, col) = (i / side_px / scale, i % side_px / scale);
        let c = color(pixels.get(row * SIDE + col).copied());
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// Paints an 8×8 grey image (pixel values in [0, 1], 1 = ink, row-major,
/// row 0 at the top) scaled by `scale` px per pixel into `rgba` (length
/// `(8·scale)²·4`): dark ink on white. Values are clamped to [0, 1]; a NaN
/// or missing pixel is painted magenta; a short `rgba` is painted as far as
/// it goes; `scale == 0` paints nothing.
pub fn paint_digit(pixels: &[f32], scale: usize, rgba: &mut [u8]) {
    paint_blocks(pixels, scale, rgba, |v| match v.and_then(ink_grey) {
        Some(g) => [g, g, g],
        None => NAN_COLOR,
    });
}

/// Paints 64 signed values (e.g. the input weights of one first-layer unit)
/// as an 8×8 map like [`paint_digit`], coloured by
/// [`value_color`]`(v / max_abs)` (a non-positive or NaN `max_abs` counts
/// as 1): which pixels push the unit up (blue) or down (orange).
pub fn paint_signed(values: &[f32], max_abs: f32, scale: usize, rgba: &mut [u8]) {
    let max_abs = if max_abs > 0.0 { max_abs } else { 1.0 };
    paint_blocks(values, scale, rgba, |v| value_color(v.map_or(f32::NAN, |v| v / max_abs)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::color::{NEGATIVE, POSITIVE};

    fn pixel(rgba: &[u8], side_px: usize, col: usize, row: usize) -> [u8; 4] {
        let i = (row * side_px + col) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn paint_digit_scales_and_inks() {
        // Ink only in data pixel (row 1, col 6), half ink in (7, 0).
        let mut pixels = vec![0.0f32; 64];
        pixels[SIDE + 6] = 1.0;
        pixels[7 * SIDE] = 0.5;
        let scale = 3;
        let side_px = SIDE * scale;
        let mut rgba = vec![0u8; side_px * side_px * 4];
        paint_digit(&pixels, scale, &mut rgba);
        assert_eq!(rgba.len(), 24 * 24 * 4);
        // The inked data pixel is a 3×3 black block at cols 18..21, rows 3..6.
        for row in 0..side_px {
            for col in 0..side_px {
                let px = pixel(&rgba, side_px, col, row);
                let expect = if (3..6).contains(&row) && (18..21).contains(&col) {
                    [0, 0, 0, 255]
                } else if (21..24).contains(&row) && (0..3).contains(&col) {
                    [128, 128, 128, 255]
                } else {
                    [255, 255, 255, 255]
                };
                assert_eq!(px, expect, "pixel ({col}, {row})");
            }
        }
    }

    #[test]
    fn paint_digit_clamps_and_flags_bad_input() {
        let mut pixels = vec![2.0f32; 64];
        pixels[1] = -1.0;
        pixels[2] = f32::NAN;
        let mut rgba = vec![0u8; 64 * 4];
        paint_digit(&pixels[..63], 1, &mut rgba);
        assert_eq!(pixel(&rgba, 8, 0, 0), [0, 0, 0, 255]);
        assert_eq!(pixel(&rgba, 8, 1, 0), [255, 255, 255, 255]);
        assert_eq!(pixel(&rgba, 8, 2, 0), [255, 0, 255, 255]);
        assert_eq!(pixel(&rgba, 8, 7, 7), [255, 0, 255, 255], "missing pixel 63");
        // Short buffers and scale 0 do not panic.
        let mut short = vec![7u8; 10];
        paint_digit(&pixels, 2, &mut short);
        assert_eq!(short, [0, 0, 0, 255, 0, 0, 0, 255, 7, 7]);
        let mut untouched = vec![7u8; 8];
        paint_digit(&pixels, 0, &mut untouched);
        assert_eq!(untouched, [7; 8]);
    }

    #[test]
    fn paint_signed_uses_the_diverging_colours() {
        let mut w = vec![0.0f32; 64];
        w[0] = 0.5;
        w[63] = -2.0;
        let mut rgba = vec![0u8; 64 * 4];
        paint_signed(&w, 0.5, 1, &mut rgba);
        assert_eq!(pixel(&rgba, 8, 0, 0)[..3], POSITIVE);
        assert_eq!(pixel(&rgba, 8, 7, 7)[..3], NEGATIVE);
        assert_eq!(pixel(&rgba, 8, 3, 3)[..3], value_color(0.0));
    }
}
