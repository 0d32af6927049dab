//! Geometry of the network diagram (TF Playground's picture of the model):
//! one column of square nodes per layer of units (input features, each hidden
//! block, the output), edges between neighbouring columns styled by weight.
//!
//! Coordinates are CSS pixels of the diagram, origin top-left, y down. The
//! web layer draws the node heatmaps into the rectangles and strokes the
//! edges; nothing here touches the DOM.

use crate::viz::color::{value_color, NAN_COLOR};

/// Gap between neighbouring nodes of a column, as a fraction of the node side.
pub const GAP: f64 = 0.4;
/// Thinnest edge (|w| = 0), px.
pub const MIN_EDGE_PX: f64 = 0.5;
/// Thickest edge (|w| = max_abs), px; also the width of a NaN weight's edge.
pub const MAX_EDGE_PX: f64 = 6.0;

/// Node rectangles of the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Per column (left to right), the top-left corner of each node's square,
    /// top to bottom.
    pub columns: Vec<Vec<(f64, f64)>>,
    /// Side of every node square, px (the requested size, or smaller where
    /// the tallest column or the number of columns would not fit).
    pub node: f64,
    /// Width of the diagram, px.
    pub width: f64,
    /// Height of the diagram, px.
    pub height: f64,
}

impl Layout {
    /// Top-left corner of node `i` of column `col`.
    pub fn corner(&self, col: usize, i: usize) -> Option<(f64, f64)> {
        self.columns.get(col)?.get(i).copied()
    }

    /// Centre of node `i` of column `col`.
    pub fn center(&self, col: usize, i: usize) -> Option<(f64, f64)> {
        let (x, y) = self.corner(col, i)?;
        Some((x + self.node / 2.0, y + self.node / 2.0))
    }

    /// The edge from node `i` of column `col` to node `j` of column `col + 1`:
    /// from the middle of the source's right side to the middle of the
    /// target's left side.
    pub fn edge(&self, col: usize, i: usize, j: usize) -> Option<((f64, f64), (f64, f64))> {
        let (x0, y0) = self.corner(col, i)?;
        let (x1, y1) = self.corner(col.checked_add(1)?, j)?;
        let half = self.node / 2.0;
        Some(((x0 + self.node, y0 + half), (x1, y1 + half)))
    }

    /// The node `(col, i)` whose square holds the point `(x, y)` (hovering).
    pub fn node_at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let inside = |&(nx, ny): &(f64, f64)| x >= nx && x < nx + self.node && y >= ny && y < ny + self.node;
        self.columns.iter().enumerate().find_map(|(col, nodes)| nodes.iter().position(inside).map(|i| (col, i)))
    }
}

/// A length as given, or 0 when it is negative or not finite.
fn length(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

/// Lays out columns of `widths[c]` nodes in a `width`×`height` px diagram.
///
/// Columns are spread evenly from the left edge to the right edge (a single
/// column is centred); in each column the nodes sit [`GAP`]·node apart and
/// the column is centred vertically. The node side is `node`, shrunk so that
/// the tallest column fits the height and the columns fit side by side in the
/// width: every square lies inside the diagram and no two overlap. Negative
/// or non-finite sizes count as 0.
pub fn layout(widths: &[usize], width: f64, height: f64, node: f64) -> Layout {
    let (width, height) = (length(width), length(height));
    let n_cols = widths.len();
    let tallest = widths.iter().copied().max().unwrap_or(0);
    let mut side = length(node);
    if tallest > 0 {
        side = side.min(height / (tallest as f64 + GAP * (tallest - 1) as f64));
    }
    if n_cols > 0 {
        side = side.min(width / n_cols as f64);
    }
    let pitch = side * (1.0 + GAP);
    let columns = widths
        .iter()
        .enumerate()
        .map(|(c, &k)| {
            let x = if n_cols > 1 { c as f64 * (width - side) / (n_cols - 1) as f64 } else { (width - side) / 2.0 };
            let column_height = if k > 0 { k as f64 * side + (k - 1) as f64 * GAP * side } else { 0.0 };
            let top = (height - column_height) / 2.0;
            (0..k).map(|i| (x, top + i as f64 * pitch)).collect()
        })
        .collect();
    Layout { columns, node: side, width, height }
}

/// Style of the edge carrying weight `w`: colour [`value_color`]`(w /
/// max_abs)` (orange negative, blue positive) and stroke width growing
/// linearly with |w| / max_abs from [`MIN_EDGE_PX`] (0) to [`MAX_EDGE_PX`]
/// (1 or more). `max_abs` is the largest |w| shown (a non-positive or NaN
/// one counts as 1). A NaN weight is drawn magenta at full width, so it
/// cannot hide.
pub fn edge_style(w: f32, max_abs: f32) -> ([u8; 3], f64) {
    if w.is_nan() {
        return (NAN_COLOR, MAX_EDGE_PX);
    }
    let max_abs = if max_abs > 0.0 { max_abs } else { 1.0 };
    let mut ratio = w / max_abs;
    if ratio.is_nan() {
        // ±∞ / ∞: as strong as it gets.
        ratio = w.signum();
    }
    let ratio = ratio.clamp(-1.0, 1.0);
    let width = MIN_EDGE_PX + (MAX_EDGE_PX - MIN_EDGE_PX) * f64::from(ratio.abs());
    (value_color(ratio), width)
}

/// Strength levels per sign the diagram draws edges in: edges of one level
/// share one stroke, so a large diagram is a few dozen strokes, not
/// thousands (each stroke costs the browser as much as its curve).
pub const EDGE_LEVELS: usize = 8;
/// Buckets of [`edge_bucket`]: the levels of each sign, and NaN.
pub const EDGE_BUCKETS: usize = 2 * EDGE_LEVELS + 1;

/// The bucket of weight `w` (as in [`edge_style`]): `0..EDGE_LEVELS` for
/// negative weights and `EDGE_LEVELS..2·EDGE_LEVELS` for the others, weakest
/// first within each sign, and the last bucket for NaN.
pub fn edge_bucket(w: f32, max_abs: f32) -> usize {
    if w.is_nan() {
        return EDGE_BUCKETS - 1;
    }
    let max_abs = if max_abs > 0.0 { max_abs } else { 1.0 };
    let ratio = (w / max_abs).clamp(-1.0, 1.0);
    let ratio = if ratio.is_nan() { w.signum() } else { ratio };
    let level = ((ratio.abs() * EDGE_LEVELS as f32) as usize).min(EDGE_LEVELS - 1);
    if ratio < 0.0 {
        level
    } else {
        EDGE_LEVELS + level
    }
}

/// Colour and width of every edge in `bucket`: the [`edge_style`] of the
/// middle of its level.
pub fn bucket_style(bucket: usize) -> ([u8; 3], f64) {
    if bucket >= EDGE_BUCKETS - 1 {
        return edge_style(f32::NAN, 1.0);
    }
    let (sign, level) = if bucket < EDGE_LEVELS { (-1.0, bucket) } else { (1.0, bucket - EDGE_LEVELS) };
    edge_style(sign * (level as f32 + 0.5) / EDGE_LEVELS as f32, 1.0)
}

/// The order buckets are stroked in: weakest first, so strong edges lie on top.
pub fn bucket_order() -> impl Iterator<Item = usize> {
    (0..EDGE_LEVELS).flat_map(|l| [l, EDGE_LEVELS + l]).chain([EDGE_BUCKETS - 1])
}

/// Most edges drawn between two neighbouring columns: every edge of layers
/// up to 8 units wide (all TF Playground can show), the strongest of wider
/// ones. Thousands of thick overlapping curves read as a solid band and cost
/// the browser tens of milliseconds to rasterize at every repaint.
pub const MAX_EDGES_PER_PAIR: usize = 64;

/// The edges drawn between a column of `shown_in` nodes and the next of
/// `shown_out`, from `weights` (row-major, `n_out` per row): `(i, j)` pairs,
/// all of them when they are at most [`MAX_EDGES_PER_PAIR`], else that many
/// of the largest |w| (a NaN weight counts as the largest, so it is always
/// drawn), in row order.
pub fn drawn_edges(weights: &[f32], n_out: usize, shown_in: usize, shown_out: usize) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = (0..shown_in).flat_map(|i| (0..shown_out).map(move |j| (i, j))).collect();
    if all.len() > MAX_EDGES_PER_PAIR {
        let strength = |&(i, j): &(usize, usize)| {
            let w = weights[i * n_out + j];
            if w.is_nan() {
                f32::INFINITY
            } else {
                w.abs()
            }
        };
        all.select_nth_unstable_by(MAX_EDGES_PER_PAIR - 1, |a, b| strength(b).total_cmp(&strength(a)));
        all.truncate(MAX_EDGES_PER_PAIR);
        all.sort_unstable();
    }
    all
}

/// One drawn edge of the page's diagram: from unit `from` of column
/// `col − 1` to unit `to` of column `col`, a cubic Bézier from `a` (the
/// source's right side) to `b` (the target's left side) with both control
/// points at mid-x, as the page strokes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    /// Column of the target.
    pub col: usize,
    /// Source unit.
    pub from: usize,
    /// Target unit.
    pub to: usize,
    /// Start (px).
    pub a: (f64, f64),
    /// End (px).
    pub b: (f64, f64),
}

impl Curve {
    /// The point at parameter `t` in [0, 1]. With the controls at mid-x,
    /// `x = a.x + (b.x − a.x)·(1.5t − 1.5t² + t³)` and
    /// `y = a.y + (b.y − a.y)·(3t² − 2t³)`.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let sx = 1.5 * t - 1.5 * t * t + t * t * t;
        let sy = 3.0 * t * t - 2.0 * t * t * t;
        (self.a.0 + (self.b.0 - self.a.0) * sx, self.a.1 + (self.b.1 - self.a.1) * sy)
    }

    /// Distance (px) from `p` to the curve, measured on [`CURVE_SEGMENTS`]
    /// straight pieces (within a tenth of a pixel on the diagram's curves).
    pub fn distance(&self, p: (f64, f64)) -> f64 {
        let mut best = f64::INFINITY;
        let mut prev = self.a;
        for k in 1..=CURVE_SEGMENTS {
            let next = self.at(k as f64 / CURVE_SEGMENTS as f64);
            best = best.min(segment_distance(p, prev, next));
            prev = next;
        }
        best
    }
}

/// Straight pieces a curve is measured on.
pub const CURVE_SEGMENTS: usize = 24;
/// How far (px) from a drawn edge the pointer may be to hover it.
pub const HIT_PX: f64 = 4.0;

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - x) * (p.0 - x) + (p.1 - y) * (p.1 - y)).sqrt()
}

/// The drawn edge nearest to the pointer at `p`, if one is within
/// `tolerance` px (its index in `curves`; the first of equals).
pub fn edge_at(curves: &[Curve], p: (f64, f64), tolerance: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (k, c) in curves.iter().enumerate() {
        // Cheap rejection: outside the curve's box grown by the tolerance.
        let (x0, x1) = (c.a.0.min(c.b.0) - tolerance, c.a.0.max(c.b.0) + tolerance);
        let (y0, y1) = (c.a.1.min(c.b.1) - tolerance, c.a.1.max(c.b.1) + tolerance);
        if p.0 < x0 || p.0 > x1 || p.1 < y0 || p.1 > y1 {
            continue;
        }
        let d = c.distance(p);
        if d <= tolerance && best.is_none_or(|(_, b)| d < b) {
            best = Some((k, d));
        }
    }
    best.map(|(k, _)| k)
}

/// A rectangle (px): left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the two overlap (touching does not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Gap (px) between the info box and what it describes.
pub const BOX_GAP: f64 = 6.0;

/// Where the info box of `w × h` px goes in a diagram `area_w × area_h`
/// px, next to `anchor` (the node, or the pointer on an edge) without
/// covering it: right of it, else left, below, above, each slid along the
/// other axis to stay inside. When none fits, below the anchor, the
/// diagram to grow to the returned height. Returns the box's rectangle and
/// the height the diagram needs (at least `area_h`).
pub fn place_box(area_w: f64, area_h: f64, anchor: Rect, w: f64, h: f64) -> (Rect, f64) {
    let clamp = |v: f64, size: f64, area: f64| v.min(area - size).max(0.0);
    let beside_y = clamp(anchor.y + anchor.h / 2.0 - h / 2.0, h, area_h);
    let stacked_x = clamp(anchor.x + anchor.w / 2.0 - w / 2.0, w, area_w);
    let candidates = [
        Rect { x: anchor.x + anchor.w + BOX_GAP, y: beside_y, w, h },
        Rect { x: anchor.x - BOX_GAP - w, y: beside_y, w, h },
        Rect { x: stacked_x, y: anchor.y + anchor.h + BOX_GAP, w, h },
        Rect { x: stacked_x, y: anchor.y - BOX_GAP - h, w, h },
    ];
    let inside = |r: &Rect| r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= area_w + 1e-9 && r.y + r.h <= area_h + 1e-9;
    if let Some(r) = candidates.iter().find(|r| inside(r) && !r.overlaps(&anchor)) {
        return (*r, area_h);
    }
    let below = candidates[2];
    (below, area_h.max(below.y + below.h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pointer_hits_the_nearest_drawn_curve() {
        let c = |col, from, to, a, b| Curve { col, from, to, a, b };
        let curves = [c(1, 0, 0, (20.0, 40.0), (120.0, 40.0)), c(1, 0, 1, (20.0, 40.0), (120.0, 140.0))];
        // The ends and the middle of the curve are on it.
        let bent = curves[1];
        assert_eq!(bent.at(0.0), bent.a);
        assert_eq!(bent.at(1.0), bent.b);
        assert_eq!(bent.at(0.5), (70.0, 90.0));
        // A point on the bent curve at t = 0.3, nudged 3 px down: that curve.
        let (x, y) = bent.at(0.3);
        assert_eq!(edge_at(&curves, (x, y + 3.0), HIT_PX), Some(1));
        assert!(bent.distance((x, y)) < 0.1, "sampled points lie on the curve");
        // On the straight one; between them (over 4 px from both): none.
        assert_eq!(edge_at(&curves, (100.0, 42.0), HIT_PX), Some(0));
        assert_eq!(edge_at(&curves, (100.0, 70.0), HIT_PX), None);
        assert_eq!(edge_at(&[], (0.0, 0.0), HIT_PX), None);
        // Near the shared start both are close: the nearer wins.
        assert_eq!(edge_at(&curves, (30.0, 39.0), HIT_PX), Some(0));
        assert_eq!(edge_at(&curves, (30.0, 42.0), HIT_PX), Some(1));
        // The curve's points against the Bézier formula itself.
        let t: f64 = 0.3;
        let mid = 70.0;
        let bx = (1.0 - t).powi(3) * 20.0
            + 3.0 * (1.0 - t).powi(2) * t * mid
            + 3.0 * (1.0 - t) * t * t * mid
            + t.powi(3) * 120.0;
        let by = (1.0 - t).powi(3) * 40.0
            + 3.0 * (1.0 - t).powi(2) * t * 40.0
            + 3.0 * (1.0 - t) * t * t * 140.0
            + t.powi(3) * 140.0;
        assert!((bent.at(t).0 - bx).abs() < 1e-9 && (bent.at(t).1 - by).abs() < 1e-9);
    }

    #[test]
    fn the_info_box_stays_inside_and_off_its_anchor() {
        let node = Rect { x: 100.0, y: 80.0, w: 30.0, h: 30.0 };
        // Room on the right: beside the node, centred on it.
        let (r, h) = place_box(400.0, 300.0, node, 150.0, 100.0);
        assert_eq!((r, h), (Rect { x: 136.0, y: 45.0, w: 150.0, h: 100.0 }, 300.0));
        // A node at the right edge: on its left.
        let right = Rect { x: 370.0, ..node };
        assert_eq!(place_box(400.0, 300.0, right, 150.0, 100.0).0.x, 214.0);
        // A tall box near the top: slid down to stay inside.
        let top = Rect { y: 0.0, ..node };
        let (r, _) = place_box(400.0, 300.0, top, 150.0, 250.0);
        assert_eq!(r.y, 0.0);
        // Every placement on a grid of anchors and sizes: inside, never over the anchor.
        for ax in (0..=370).step_by(37) {
            for ay in (0..=170).step_by(17) {
                for (w, h) in [(100.0, 60.0), (260.0, 150.0), (400.0, 190.0), (300.0, 400.0)] {
                    let a = Rect { x: f64::from(ax), y: f64::from(ay), w: 30.0, h: 30.0 };
                    let (r, height) = place_box(400.0, 200.0, a, w, h);
                    assert!(height >= 200.0 && r.x >= 0.0 && r.y >= 0.0, "{a:?} {w}×{h}: {r:?}");
                    assert!(
                        r.x + r.w <= 400.0 + 1e-9 && r.y + r.h <= height + 1e-9,
                        "{a:?} {w}×{h}: {r:?} in {height}"
                    );
                    assert!(!r.overlaps(&a), "{a:?} {w}×{h}: {r:?} covers the anchor");
                }
            }
        }
        // The diagram grows only when nothing fits.
        assert_eq!(place_box(400.0, 200.0, node, 100.0, 60.0).1, 200.0);
        let (r, h) = place_box(400.0, 200.0, node, 400.0, 190.0);
        assert_eq!((r.y, h), (116.0, 306.0));
    }

    #[test]
    fn small_layers_draw_every_edge_wide_ones_the_strongest() {
        // 8 × 8 = 64 edges: all of them.
        let w: Vec<f32> = (0..64).map(|k| k as f32 - 32.0).collect();
        assert_eq!(drawn_edges(&w, 8, 8, 8).len(), 64);
        // 16 × 16 shown of a 20-wide layer: the 64 largest |w|, a NaN among them.
        let n_out = 20;
        let mut w: Vec<f32> = (0..16 * n_out).map(|k| ((k * 37) % 101) as f32 / 100.0 - 0.5).collect();
        w[3 * n_out + 5] = f32::NAN;
        let drawn = drawn_edges(&w, n_out, 16, 16);
        assert_eq!(drawn.len(), MAX_EDGES_PER_PAIR);
        assert!(drawn.contains(&(3, 5)), "the NaN weight is drawn");
        assert!(drawn.windows(2).all(|p| p[0] < p[1]), "row order");
        assert!(drawn.iter().all(|&(i, j)| i < 16 && j < 16), "only shown nodes");
        let weakest_drawn =
            drawn.iter().filter(|&&e| e != (3, 5)).map(|&(i, j)| w[i * n_out + j].abs()).fold(f32::INFINITY, f32::min);
        let strongest_left = (0..16)
            .flat_map(|i| (0..16).map(move |j| (i, j)))
            .filter(|e| !drawn.contains(e))
            .map(|(i, j)| w[i * n_out + j].abs())
            .fold(0.0, f32::max);
        assert!(strongest_left <= weakest_drawn, "left out {strongest_left} > drawn {weakest_drawn}");
    }

    #[test]
    fn edge_buckets_keep_sign_and_strength() {
        assert_eq!(edge_bucket(-1.0, 1.0), EDGE_LEVELS - 1);
        assert_eq!(edge_bucket(-0.01, 1.0), 0);
        assert_eq!(edge_bucket(0.0, 1.0), EDGE_LEVELS);
        assert_eq!(edge_bucket(2.0, 1.0), 2 * EDGE_LEVELS - 1, "clamped");
        assert_eq!(edge_bucket(0.5, 0.0), EDGE_LEVELS + EDGE_LEVELS / 2, "max 0 counts as 1");
        assert_eq!(edge_bucket(f32::NAN, 1.0), EDGE_BUCKETS - 1);
        assert_eq!(edge_bucket(f32::INFINITY, f32::INFINITY), 2 * EDGE_LEVELS - 1);
        assert_eq!(bucket_style(EDGE_BUCKETS - 1), (NAN_COLOR, MAX_EDGE_PX));
        let (weak, strong) = (bucket_style(EDGE_LEVELS).1, bucket_style(2 * EDGE_LEVELS - 1).1);
        assert!(MIN_EDGE_PX < weak && weak < strong && strong < MAX_EDGE_PX);
        assert_eq!(bucket_style(0).0, edge_style(-0.5 / EDGE_LEVELS as f32, 1.0).0);
        let order: Vec<usize> = bucket_order().collect();
        assert_eq!(order.len(), EDGE_BUCKETS);
        assert_eq!((order[0], order[1], order[EDGE_BUCKETS - 1]), (0, EDGE_LEVELS, EDGE_BUCKETS - 1));
    }
    use crate::viz::color::{NEGATIVE, POSITIVE, ZERO};

    /// Whether two squares of side `s` overlap (touching does not count).
    fn overlap(a: (f64, f64), b: (f64, f64), s: f64) -> bool {
        a.0 < b.0 + s && b.0 < a.0 + s && a.1 < b.1 + s && b.1 < a.1 + s
    }

    fn check_invariants(l: &Layout, widths: &[usize]) {
        assert_eq!(l.columns.len(), widths.len());
        let all: Vec<(f64, f64)> = l.columns.iter().flatten().copied().collect();
        for (c, col) in l.columns.iter().enumerate() {
            assert_eq!(col.len(), widths[c]);
        }
        let eps = 1e-9;
        for &(x, y) in &all {
            assert!(x >= -eps && y >= -eps, "({x}, {y}) outside");
            assert!(x + l.node <= l.width + eps && y + l.node <= l.height + eps, "({x}, {y}) outside");
        }
        for (i, &a) in all.iter().enumerate() {
            for &b in &all[i + 1..] {
                assert!(!overlap(a, b, l.node), "{a:?} and {b:?} overlap (side {})", l.node);
            }
        }
    }

    #[test]
    fn one_column_per_layer_inside_the_diagram_without_overlap() {
        let widths = [2, 4, 4, 2, 1];
        let l = layout(&widths, 500.0, 300.0, 30.0);
        assert_eq!(l.node, 30.0);
        check_invariants(&l, &widths);
        // Columns spread from the left edge to the right edge.
        assert_eq!(l.columns[0][0].0, 0.0);
        assert_eq!(l.columns[4][0].0, 470.0);
        assert_eq!(l.columns[2][0].0, 235.0);
    }

    #[test]
    fn columns_are_centred_vertically() {
        let l = layout(&[1, 2, 3], 300.0, 200.0, 20.0);
        for col in &l.columns {
            let top = col.first().map_or(0.0, |p| p.1);
            let bottom = col.last().map_or(0.0, |p| p.1 + l.node);
            assert!(((top + bottom) / 2.0 - 100.0).abs() < 1e-9, "column {col:?} is off centre");
        }
        // A single node sits at mid-height; three nodes 28 px apart (20 + 0.4·20).
        assert_eq!(l.columns[0], vec![(0.0, 90.0)]);
        assert_eq!(l.columns[2], vec![(280.0, 62.0), (280.0, 90.0), (280.0, 118.0)]);
    }

    #[test]
    fn nodes_shrink_to_fit_tall_and_many_columns() {
        let widths = [7, 256, 256, 10];
        let l = layout(&widths, 400.0, 300.0, 30.0);
        assert!(l.node < 30.0 && l.node > 0.0);
        check_invariants(&l, &widths);
        let many = [1usize; 40];
        let l = layout(&many, 200.0, 100.0, 30.0);
        assert_eq!(l.node, 5.0);
        check_invariants(&l, &many);
    }

    #[test]
    fn degenerate_layouts_do_not_panic() {
        let l = layout(&[], 100.0, 100.0, 10.0);
        assert!(l.columns.is_empty());
        let l = layout(&[3], 100.0, 100.0, 10.0);
        assert_eq!(l.columns[0][0].0, 45.0, "a single column is centred");
        let l = layout(&[0, 2], 100.0, 100.0, 10.0);
        assert!(l.columns[0].is_empty());
        check_invariants(&l, &[0, 2]);
        let l = layout(&[2, 2], f64::NAN, -5.0, f64::INFINITY);
        assert_eq!((l.width, l.height, l.node), (0.0, 0.0, 0.0));
        assert!(l.columns.iter().flatten().all(|p| p.0.is_finite() && p.1.is_finite()));
    }

    #[test]
    fn helpers_find_centres_edges_and_hovered_nodes() {
        let l = layout(&[1, 2], 100.0, 100.0, 20.0);
        assert_eq!(l.center(0, 0), Some((10.0, 50.0)));
        assert_eq!(l.edge(0, 0, 1), Some(((20.0, 50.0), (80.0, 64.0))));
        assert_eq!(l.edge(1, 0, 0), None);
        assert_eq!(l.node_at(85.0, 60.0), Some((1, 1)));
        assert_eq!(l.node_at(50.0, 50.0), None);
        assert_eq!(l.center(5, 0), None);
    }

    #[test]
    fn edge_style_grows_with_the_weight_and_keeps_its_sign() {
        let (c, w) = edge_style(0.0, 2.0);
        assert_eq!((c, w), (ZERO, MIN_EDGE_PX));
        assert_eq!(edge_style(2.0, 2.0), (POSITIVE, MAX_EDGE_PX));
        assert_eq!(edge_style(-2.0, 2.0), (NEGATIVE, MAX_EDGE_PX));
        assert_eq!(edge_style(-9.0, 2.0), (NEGATIVE, MAX_EDGE_PX), "clamped");
        assert_eq!(edge_style(1.0, 2.0), (value_color(0.5), 3.25));
        let mut prev = 0.0;
        for i in 0..=40 {
            let w = i as f32 / 20.0;
            let (_, pos) = edge_style(w, 2.0);
            let (_, neg) = edge_style(-w, 2.0);
            assert_eq!(pos, neg, "width depends on |w| only");
            assert!(pos >= prev && (MIN_EDGE_PX..=MAX_EDGE_PX).contains(&pos));
            prev = pos;
        }
        assert_eq!(edge_style(f32::NAN, 1.0), (NAN_COLOR, MAX_EDGE_PX));
        assert_eq!(edge_style(0.5, 0.0), (value_color(0.5), 3.25), "bad max_abs counts as 1");
        assert_eq!(edge_style(f32::INFINITY, f32::INFINITY), (POSITIVE, MAX_EDGE_PX));
        assert_eq!(edge_style(1.0, f32::INFINITY), (ZERO, MIN_EDGE_PX));
    }
}
