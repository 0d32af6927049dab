//! Small data-set previews for the data-set picker: a planar set's points on
//! white with y up (through [`points::paint_points`]), or a few digit images
//! tiled for the digits set.

use crate::engine::data::RawData;
use crate::viz::digits::{ink_grey, SIDE};
use crate::viz::points::{self, Point};

/// Background of a thumbnail.
pub const BACKGROUND: [u8; 3] = [255, 255, 255];
/// Half-width of the plane TF Playground's sets live in, [−6, 6]².
pub const DEFAULT_EXTENT: f64 = 6.0;
/// Digit tiles per side of a digits thumbnail.
const TILES: usize = 3;

/// Fills `rgba` with an opaque colour.
fn fill(rgba: &mut [u8], c: [u8; 3]) {
    for px in rgba.chunks_exact_mut(4) {
        px.copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// Marker radius for a `w`×`h` thumbnail: a fortieth of the shorter side,
/// within 1.5..=4 px.
pub fn point_radius(w: usize, h: usize) -> f32 {
    (w.min(h) as f32 / 40.0).clamp(1.5, 4.0)
}

/// The half-width of the square a planar set is shown in: [`DEFAULT_EXTENT`]
/// when every finite coordinate lies within it (TF Playground's sets), else
/// the largest |coordinate| rounded up to a whole number.
pub fn extent_of(raw: &RawData) -> f64 {
    let largest = raw.x.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
    if largest <= DEFAULT_EXTENT {
        DEFAULT_EXTENT
    } else {
        largest.ceil()
    }
}

/// Paints `points` on a white `w`×`h` image of `[−extent, extent]²` (y up)
/// with markers of `radius` px.
pub fn paint(points: &[Point], extent: f64, w: usize, h: usize, radius: f32, rgba: &mut [u8]) {
    fill(rgba, BACKGROUND);
    points::paint_points(points, extent, w, h, radius, rgba);
}

/// Paints a thumbnail of a whole data set into `rgba` (`w·h·4` bytes): a
/// planar set's points coloured by label (see [`points::label_color`]) over
/// [`extent_of`] the set; for the digits (non-planar, 64 pixels per row), a
/// 3×3 mosaic of images spread over the set; anything else is left white.
pub fn paint_raw(raw: &RawData, w: usize, h: usize, rgba: &mut [u8]) {
    if raw.planar {
        let pts = points::from_raw(raw, false);
        paint(&pts, extent_of(raw), w, h, point_radius(w, h), rgba);
    } else {
        fill(rgba, BACKGROUND);
        if raw.x.ncols() == SIDE * SIDE {
            paint_mosaic(raw, w, h, rgba);
        }
    }
}

/// The digits mosaic of [`paint_raw`]: tile t shows image `t·n / 9`, each
/// tile `min(w, h) / 3` px with a white margin of a tenth of the tile
/// around the image, sampled nearest-neighbour.
fn paint_mosaic(raw: &RawData, w: usize, h: usize, rgba: &mut [u8]) {
    let n = raw.len();
    let tile = w.min(h) / TILES;
    if n == 0 || tile == 0 {
        return;
    }
    let pad = tile / 10;
    let inner = tile - 2 * pad;
    for row in 0..(tile * TILES).min(h) {
        for col in 0..(tile * TILES).min(w) {
            let (tr, tc) = (row % tile, col % tile);
            if tr < pad || tc < pad || tr >= pad + inner || tc >= pad + inner {
                continue;
            }
            let t = (row / tile) * TILES + col / tile;
            let image = raw.x.row(t * n / (TILES * TILES));
            let (r, c) = ((tr - pad) * SIDE / inner, (tc - pad) * SIDE / inner);
            let g = image.get(r * SIDE + c).and_then(|&v| ink_grey(v as f32)).unwrap_or(0);
            let i = (row * w + col) * 4;
            if let Some(px) = rgba.get_mut(i..i + 4) {
                px.copy_from_slice(&[g, g, g, 255]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::Labels;
    use crate::viz::color::{NEGATIVE, POSITIVE};
    use ndarray::{array, Array2};

    fn pixel(rgba: &[u8], w: usize, col: usize, row: usize) -> [u8; 4] {
        let i = (row * w + col) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn planar_thumbnail_puts_points_where_they_are_with_y_up() {
        let raw = RawData {
            x: array![[5.0, 5.0], [-5.0, -5.0]],
            labels: Labels::Classes { labels: vec![1, 0], n_classes: 2 },
            planar: true,
        };
        let (w, h) = (60, 60);
        let mut rgba = vec![0u8; w * h * 4];
        paint_raw(&raw, w, h, &mut rgba);
        // (5, 5) is near the top-right, (−5, −5) near the bottom-left.
        let (tx, ty) = points::to_pixel(5.0, 5.0, 6.0, w, h);
        assert!(tx > 50.0 && ty < 10.0);
        assert_eq!(pixel(&rgba, w, tx as usize, ty as usize)[..3], POSITIVE);
        let (bx, by) = points::to_pixel(-5.0, -5.0, 6.0, w, h);
        assert_eq!(pixel(&rgba, w, bx as usize, by as usize)[..3], NEGATIVE);
        assert_eq!(pixel(&rgba, w, 30, 30), [255, 255, 255, 255]);
        assert_eq!(pixel(&rgba, w, 0, 0), [255, 255, 255, 255]);
    }

    #[test]
    fn extent_grows_only_for_sets_beyond_six() {
        let mut raw =
            RawData { x: array![[5.9, -6.0], [f64::NAN, 1.0]], labels: Labels::Values(vec![0.0, 1.0]), planar: true };
        assert_eq!(extent_of(&raw), 6.0);
        raw.x[[0, 0]] = -8.2;
        assert_eq!(extent_of(&raw), 9.0);
    }

    #[test]
    fn digits_thumbnail_tiles_images() {
        // Nine images: image k is all ink where k is odd, blank where even.
        let x = Array2::from_shape_fn((9, 64), |(k, _)| if k % 2 == 1 { 1.0 } else { 0.0 });
        let raw = RawData { x, labels: Labels::Classes { labels: (0..9).collect(), n_classes: 10 }, planar: false };
        let (w, h) = (24, 30);
        let mut rgba = vec![0u8; w * h * 4];
        paint_raw(&raw, w, h, &mut rgba);
        // Tiles are 8 px (no margin at that size): tile 1 (row 0, col 1) is
        // image 1 (ink), tile 4 (centre) blank.
        assert_eq!(pixel(&rgba, w, 12, 3), [0, 0, 0, 255]);
        assert_eq!(pixel(&rgba, w, 12, 12), [255, 255, 255, 255]);
        assert_eq!(pixel(&rgba, w, 3, 12), [0, 0, 0, 255]);
        // Below the mosaic: background.
        assert_eq!(pixel(&rgba, w, 5, 27), [255, 255, 255, 255]);
        // 30 px tiles have a 3 px margin: tile 1 spans cols 30..60, its image 33..57.
        let (w, h) = (90, 90);
        let mut rgba = vec![0u8; w * h * 4];
        paint_raw(&raw, w, h, &mut rgba);
        assert_eq!(pixel(&rgba, w, 32, 10), [255, 255, 255, 255]);
        assert_eq!(pixel(&rgba, w, 33, 10), [0, 0, 0, 255]);
        assert_eq!(pixel(&rgba, w, 56, 26), [0, 0, 0, 255]);
        assert_eq!(pixel(&rgba, w, 57, 26), [255, 255, 255, 255]);
    }

    #[test]
    fn degenerate_sets_leave_a_white_thumbnail() {
        let empty = RawData { x: Array2::zeros((0, 64)), labels: Labels::Values(vec![]), planar: false };
        let mut rgba = vec![0u8; 16 * 16 * 4];
        paint_raw(&empty, 16, 16, &mut rgba);
        assert!(rgba.chunks(4).all(|px| px == [255, 255, 255, 255]));
        let odd = RawData { x: Array2::zeros((3, 5)), labels: Labels::Values(vec![0.0; 3]), planar: false };
        paint_raw(&odd, 16, 16, &mut rgba);
        assert!(rgba.chunks(4).all(|px| px == [255, 255, 255, 255]));
        // Tiny image and short buffer do not panic.
        let mut short = vec![0u8; 7];
        paint_raw(&odd, 2, 2, &mut short);
    }
}
