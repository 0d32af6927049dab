//! The network diagram's layout and words: how many nodes a column shows,
//! where each node sits for a container width, the column captions (long to
//! short, the page draws the first that fits), and how the single output
//! maps to the colour scale. The page (`web::views`) places canvases and
//! draws; these decisions are here, tested natively, next to
//! [`super::network`] (the edges' styles).

use crate::engine::config::{Config, Feature, LossKind, OutputAct};

/// Most nodes drawn per column.
pub const MAX_NODES: usize = 16;
/// Height of the caption strip above the nodes (px).
const CAPTION_PX: f64 = 16.0;

/// Nodes drawn in column `col` of `width` units: one for image inputs
/// (non-planar data), at most [`MAX_NODES`] otherwise.
pub fn shown(col: usize, width: usize, planar: bool) -> usize {
    if col == 0 && !planar {
        1
    } else {
        width.min(MAX_NODES)
    }
}

/// Widths and labels of the columns: inputs, each hidden layer, output.
pub fn columns(n_in: usize, hidden: &[usize], n_out: usize) -> (Vec<usize>, Vec<String>) {
    let mut widths = vec![n_in];
    let mut labels = vec![crate::tr!("viz.diagram.input")];
    for (i, &units) in hidden.iter().enumerate() {
        widths.push(units);
        labels.push(crate::tr!("viz.diagram.hidden", n = i + 1));
    }
    widths.push(n_out);
    labels.push(crate::tr!("viz.diagram.output"));
    (widths, labels)
}

/// Where the nodes sit.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Node size (px).
    pub node: f64,
    /// Height of the diagram (px).
    pub height: f64,
    /// Centres (px) of the drawn nodes, per column.
    pub centres: Vec<Vec<(f64, f64)>>,
}

/// The layout for a container `w` px wide (at least 160).
pub fn layout(w: i32, widths: &[usize], planar: bool) -> Layout {
    let w = f64::from(w.max(160));
    let cols = widths.len().max(2);
    let node = ((w / cols as f64) * 0.55).clamp(18.0, 40.0);
    let gap = (node * 0.3).max(6.0);
    let rows = widths.iter().enumerate().map(|(c, &n)| shown(c, n, planar)).max().unwrap_or(1);
    let height = rows as f64 * (node + gap) + gap + CAPTION_PX;
    let pad = node / 2.0 + 4.0;
    let xs: Vec<f64> = (0..cols).map(|c| pad + c as f64 * (w - 2.0 * pad) / (cols - 1) as f64).collect();
    let centres = widths
        .iter()
        .enumerate()
        .map(|(c, &n)| {
            let count = shown(c, n, planar);
            let col_h = count as f64 * (node + gap) - gap;
            let top = CAPTION_PX + (height - CAPTION_PX - col_h) / 2.0;
            (0..count).map(|i| (xs[c], top + node / 2.0 + i as f64 * (node + gap))).collect()
        })
        .collect();
    Layout { node, height, centres }
}

/// The short caption of column `col` of `n_cols`: `in`, `h3` (the third
/// hidden layer), `out`.
pub fn short_label(col: usize, n_cols: usize) -> String {
    if col == 0 {
        crate::tr!("viz.diagram.input_short")
    } else if col + 1 >= n_cols {
        crate::tr!("viz.diagram.output_short")
    } else {
        crate::tr!("viz.diagram.hidden_short", n = col)
    }
}

/// Captions of column `col` of `n_cols` (its long `label`, from
/// [`columns`]), longest first ("hidden 3 (16 of 32)" → "h3 16/32" →
/// "h3"); the page draws the first that fits between columns.
pub fn captions(col: usize, n_cols: usize, label: &str, width: usize, planar: bool) -> Vec<String> {
    if col == 0 && !planar {
        return vec![crate::tr!("viz.diagram.pixels", width = width)];
    }
    let short = short_label(col, n_cols);
    let mut v = Vec::new();
    if width > MAX_NODES {
        v.push(crate::tr!("viz.diagram.some_of", label = label, shown = MAX_NODES, width = width));
        v.push(format!("{short} {MAX_NODES}/{width}"));
    } else {
        v.push(label.to_string());
    }
    v.push(short);
    v
}

/// The finite range of unit `unit`'s values in a row-major `stride`-wide table.
pub fn unit_range(values: &[f32], unit: usize, stride: usize) -> (f32, f32) {
    let it = values.iter().skip(unit).step_by(stride.max(1)).filter(|v| v.is_finite());
    it.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)))
}

/// An input feature's name on its node, in the current language (English:
/// its link name).
pub fn feature_name(f: Feature) -> String {
    match f {
        Feature::X1 => crate::tr!("web.network.feature.x1"),
        Feature::X2 => crate::tr!("web.network.feature.x2"),
        Feature::X1Sq => crate::tr!("web.network.feature.x1sq"),
        Feature::X2Sq => crate::tr!("web.network.feature.x2sq"),
        Feature::X1X2 => crate::tr!("web.network.feature.x1x2"),
        Feature::SinX1 => crate::tr!("web.network.feature.sinx1"),
        Feature::SinX2 => crate::tr!("web.network.feature.sinx2"),
    }
}

/// How the single output maps to the colour scale's [−1, 1].
pub fn output_unit(cfg: &Config) -> fn(f32) -> f32 {
    match (cfg.loss, cfg.output_act) {
        (LossKind::Mse, OutputAct::Sigmoid) => |v| 2.0 * v - 1.0,
        (LossKind::Mse, _) => |v| v,
        // Logit losses: tanh(z/2) = 2σ(z) − 1.
        _ => |v| libm::tanhf(v / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_how_many_nodes_they_show() {
        let (widths, labels) = columns(2, &[4, 32], 1);
        assert_eq!(widths, [2, 4, 32, 1]);
        assert_eq!(labels, ["input", "hidden 1", "hidden 2", "output"]);
        assert_eq!((shown(2, 32, true), shown(0, 64, false), shown(0, 2, true)), (16, 1, 2));
    }

    #[test]
    fn layout_centres_columns_and_stacks_nodes() {
        // 400 px, 3 columns: node = 400/3·0.55 = 73.3 → 40; gap 12; 2 rows:
        // height 2·52 + 12 + 16 = 132. Column 0 is 2·52 − 12 = 92 tall, its
        // top at 16 + (116 − 92)/2 = 28, centres 48 and 100; column 1's single
        // node tops at 16 + (116 − 40)/2 = 54, centre 74. x: pad 24, 200, 376.
        let l = layout(400, &[2, 1, 1], true);
        assert_eq!(l.node, 40.0);
        assert_eq!(l.height, 132.0);
        assert_eq!(l.centres[0], vec![(24.0, 48.0), (24.0, 100.0)]);
        assert_eq!(l.centres[1], vec![(200.0, 74.0)]);
        assert_eq!(l.centres[2][0].0, 376.0);
        // Narrow containers count as 160 px; node size never below 18.
        assert_eq!(layout(10, &[2; 9], true).node, 18.0);
    }

    #[test]
    fn captions_shorten_and_units_have_ranges() {
        assert_eq!(captions(2, 4, "hidden 2", 32, true), ["hidden 2 (16 of 32)", "h2 16/32", "h2"]);
        assert_eq!(captions(3, 4, "output", 1, true), ["output", "out"]);
        assert_eq!(captions(0, 4, "input", 64, false), ["64 px"]);
        assert_eq!((short_label(0, 4), short_label(1, 4), short_label(3, 4)), ("in".into(), "h1".into(), "out".into()));
        assert_eq!(unit_range(&[1.0, -5.0, f32::NAN, 7.0, 3.0, 0.5], 1, 2), (-5.0, 7.0));
    }

    #[test]
    fn the_output_maps_to_the_colour_scale() {
        let mut cfg = Config { loss: LossKind::Mse, output_act: OutputAct::Sigmoid, ..Config::default() };
        assert_eq!(output_unit(&cfg)(0.75), 0.5);
        cfg.loss = LossKind::Bce;
        assert_eq!(output_unit(&cfg)(0.0), 0.0);
        assert!((output_unit(&cfg)(2.0) - libm::tanhf(1.0)).abs() < 1e-7);
    }
}
