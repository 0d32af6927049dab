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

#[cfg(test)]
mod tests {
    use super::*;

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
