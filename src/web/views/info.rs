//! The network diagram's info box ("show the math"): what is shown for a
//! hovered or focused neuron, a hovered edge, or an edge walked to with the
//! arrow keys from a focused neuron; its place; the mark on the edge.
//!
//! The words and numbers come from [`crate::viz::unit_math`] (the same
//! lines `gradlab unit-math` prints), set as text; the place from
//! [`network::place_box`]; the hovered edge from [`network::edge_at`].
//! The box also carries its exact numbers as `data-*` attributes (f32 in
//! the shortest form that reads back), which the end-to-end test compares
//! with the CLI's.
//!
//! Keyboard: with a neuron focused, ↓ and ↑ walk its incoming edges (an
//! input's outgoing ones), strongest first, wrapping around; Esc goes back
//! to the neuron. The neuron's own box lists its strongest incoming edges
//! with their weight and last update, so the numbers are there without a
//! key too.

use super::{diagram, input_names, show, NetworkView};
use crate::dom::{self, set_attr, set_text};
use crate::engine::instruments::unit_math::{strongest_first, EXAMPLE};
use crate::engine::trainer::Trainer;
use crate::viz::network::{self, Curve, Rect};
use crate::viz::{color, unit_math};

/// Half the side (px) of the square around the pointer that the box keeps clear of.
const POINTER_PX: f64 = 10.0;

/// What the box describes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shown {
    /// A neuron.
    Node(usize, usize),
    /// An edge `(col, from, to)`, hovered (`None`) or walked to (`Some((k, n))`).
    Edge(usize, usize, usize, Option<(usize, usize)>),
}

/// The edges walked from node `(col, unit)`, strongest first: the incoming
/// ones `(col, source, unit)`, or an input's outgoing ones `(1, unit, target)`.
pub(super) fn walk_list(trainer: &Trainer, col: usize, unit: usize) -> Vec<(usize, usize, usize)> {
    let weights = trainer.dense_weights();
    if col == 0 {
        if trainer.input_map.is_none() {
            return Vec::new(); // the pixels' node stands for 64 inputs
        }
        let Some(&(n_in, n_out, w)) = weights.first() else { return Vec::new() };
        if unit >= n_in {
            return Vec::new();
        }
        let row = &w[unit * n_out..(unit + 1) * n_out];
        return strongest_first(row).into_iter().map(|j| (1, unit, j)).collect();
    }
    let Some(&(n_in, n_out, w)) = weights.get(col - 1) else { return Vec::new() };
    if unit >= n_out {
        return Vec::new();
    }
    let column: Vec<f32> = (0..n_in).map(|i| w[i * n_out + unit]).collect();
    strongest_first(&column).into_iter().map(|i| (col, i, unit)).collect()
}

impl NetworkView {
    /// A node gained (`Some`) or lost (`None`) hover or focus.
    pub fn set_focus(&mut self, node: Option<(usize, usize)>) {
        self.focus = node;
        self.walk = None;
        if node.is_some() {
            self.hovered = None;
        }
    }

    /// The pointer moved to `at` (px in the diagram) over no node, or left
    /// the diagram (`None`). Returns whether the hovered edge changed.
    pub fn point_at(&mut self, at: Option<(f64, f64)>) -> bool {
        let hit = at.and_then(|p| network::edge_at(&self.curves, p, network::HIT_PX).map(|k| (self.curves[k], p)));
        let changed = hit.map(|(c, _)| c) != self.hovered.map(|(c, _)| c);
        self.hovered = hit;
        changed
    }

    /// An arrow key (`+1` down, `−1` up) or Esc (`0`) on a focused node.
    /// Returns whether what the box shows changed.
    pub fn walk(&mut self, step: i32, trainer: &Trainer) -> bool {
        let Some((col, unit)) = self.focus else { return false };
        let n = walk_list(trainer, col, unit).len();
        let next = match self.walk {
            _ if n == 0 || step == 0 => None,
            None => Some(if step > 0 { 0 } else { n - 1 }),
            Some(k) => Some(if step > 0 { (k + 1) % n } else { (k + n - 1) % n }),
        };
        let changed = next != self.walk || self.hovered.is_some();
        self.walk = next;
        self.hovered = None;
        changed
    }

    /// What the box describes now: a hovered edge, else an edge walked to,
    /// else the focused node.
    fn shown(&self, trainer: &Trainer) -> Option<Shown> {
        if let Some((c, _)) = self.hovered {
            return Some(Shown::Edge(c.col, c.from, c.to, None));
        }
        let (col, unit) = self.focus?;
        match self.walk {
            Some(k) => {
                let list = walk_list(trainer, col, unit);
                let &(c, from, to) = list.get(k)?;
                Some(Shown::Edge(c, from, to, Some((k, list.len()))))
            }
            None => Some(Shown::Node(col, unit)),
        }
    }

    /// Fills, places and shows the info box for what is hovered or
    /// focused, or hides it; marks the edge it describes.
    pub fn show_info(&mut self, trainer: &Trainer) {
        self.clear_mark();
        let Some(shown) = self.shown(trainer) else {
            self.hide_info();
            return;
        };
        let (lines, data) = match shown {
            Shown::Node(col, unit) => self.node_lines(trainer, col, unit),
            Shown::Edge(col, from, to, walked) => {
                let Some((mut lines, e)) = unit_math::edge_box(trainer, col, from, to, EXAMPLE) else {
                    self.hide_info();
                    return;
                };
                if let Some((k, n)) = walked {
                    lines.push(crate::tr!("viz.unit_math.walk_at", k = k + 1, n = n));
                }
                let mut data = vec![
                    ("target", format!("edge:{col},{from},{to}")),
                    ("w", e.w.to_string()),
                    ("example-grad", e.example_grad.to_string()),
                ];
                if let Some(last) = &e.last {
                    data.extend([("grad", last.grad.to_string()), ("dw", last.delta.to_string())]);
                }
                (lines, data)
            }
        };
        set_text(&self.info, &lines.join("\n"));
        for name in ["target", "z", "a", "dz", "loss", "w", "grad", "dw", "example-grad"] {
            let _ = self.info.remove_attribute(&format!("data-{name}"));
        }
        for (name, value) in &data {
            set_attr(&self.info, &format!("data-{name}"), value);
        }
        show(&self.info, true);
        let anchor = match (shown, self.hovered) {
            (Shown::Edge(_, _, _, None), Some((_, (x, y)))) => {
                Rect { x: x - POINTER_PX, y: y - POINTER_PX, w: 2.0 * POINTER_PX, h: 2.0 * POINTER_PX }
            }
            _ => {
                // The node shown, or the focused node whose edge is walked.
                let (col, unit) = match shown {
                    Shown::Node(c, u) => (c, u),
                    Shown::Edge(..) => self.focus.unwrap_or_default(),
                };
                let (x, y) = self.centres.get(col).and_then(|c| c.get(unit)).copied().unwrap_or_default();
                let half = self.node_px / 2.0;
                Rect { x: x - half, y: y - half, w: self.node_px, h: self.node_px }
            }
        };
        if let Shown::Edge(col, from, to, _) = shown {
            self.draw_mark(trainer, col, from, to);
        }
        self.place_info(anchor);
    }

    /// The lines and `data-*` numbers of node `(col, unit)`'s box.
    fn node_lines(&self, trainer: &Trainer, col: usize, unit: usize) -> (Vec<String>, Vec<(&'static str, String)>) {
        let mut data = vec![("target", format!("unit:{col},{unit}"))];
        let mut lines = Vec::new();
        if col == 0 {
            let name = input_names(trainer).get(unit).cloned().unwrap_or_else(|| crate::tr!("web.network.pixels_word"));
            lines.push(crate::tr!("web.network.input", name = name));
        } else if let Some((math, u)) = unit_math::unit_box(trainer, col, unit, EXAMPLE) {
            lines = math;
            data.extend([
                ("z", u.z.to_string()),
                ("a", u.a.to_string()),
                ("dz", u.dz.to_string()),
                ("loss", u.loss.to_string()),
            ]);
        }
        let range = |values: &[f32], stride: usize| diagram::unit_range(values, unit, stride);
        if self.planar {
            let (lo, hi) = if col == 0 {
                self.grid.as_ref().map_or((0.0, 0.0), |g| range(&g.features, self.widths[0]))
            } else {
                self.maps.blocks.get(col - 1).map_or((0.0, 0.0), |b| range(&b.values, b.width))
            };
            lines.push(crate::tr!("web.network.range", lo = super::fmt(lo), hi = super::fmt(hi)));
            if col == 0 {
                lines.push(crate::tr!("viz.unit_math.walk_out", n = walk_list(trainer, col, unit).len()));
            }
        }
        if let Some((_, mark)) = self.marks.iter().find(|(at, _)| *at == (col, unit)) {
            lines.push(mark.reason().to_string());
        }
        (lines, data)
    }

    /// Puts the shown box next to `anchor`, inside the diagram (which
    /// grows below when the box fits nowhere else).
    fn place_info(&self, anchor: Rect) {
        let width = f64::from(self.laid_out_width.max(0));
        let (w, h) = (f64::from(self.info.offset_width()), f64::from(self.info.offset_height()));
        let (r, height) = network::place_box(width, self.height, anchor, w, h);
        let style = self.info.style();
        let _ = style.set_property("left", &format!("{}px", r.x));
        let _ = style.set_property("top", &format!("{}px", r.y));
        let root = self.root.style();
        if height > self.height {
            let _ = root.set_property("min-height", &format!("{}px", height.ceil()));
        } else {
            let _ = root.remove_property("min-height");
        }
    }

    /// Hides the box (and gives back the height it needed).
    pub(super) fn hide_info(&self) {
        show(&self.info, false);
        let _ = self.root.style().remove_property("min-height");
    }

    /// Marks the edge `(col, from, to)` on the overlay, if both its nodes are drawn.
    fn draw_mark(&self, trainer: &Trainer, col: usize, from: usize, to: usize) {
        let (Some(&(x0, y0)), Some(&(x1, y1))) = (
            self.centres.get(col.wrapping_sub(1)).and_then(|c| c.get(from)),
            self.centres.get(col).and_then(|c| c.get(to)),
        ) else {
            return;
        };
        if col == 1 && !self.planar {
            return; // the pixels' edges are not drawn
        }
        let half = self.node_px / 2.0;
        let curve = Curve { col, from, to, a: (x0 + half, y0), b: (x1 - half, y1) };
        let w = trainer.dense_weights().get(col - 1).map_or(0.0, |&(_, n_out, w)| w[from * n_out + to]);
        let ctx = &self.mark_ctx;
        let mid = (curve.a.0 + curve.b.0) / 2.0;
        let stroke = |css: &str, width: f64| {
            ctx.set_stroke_style_str(css);
            ctx.set_line_width(width);
            ctx.begin_path();
            ctx.move_to(curve.a.0, curve.a.1);
            ctx.bezier_curve_to(mid, curve.a.1, mid, curve.b.1, curve.b.0, curve.b.1);
            ctx.stroke();
        };
        stroke("#1d1d1f", 5.0);
        stroke(&dom::css_rgb(color::value_color(w.signum())), 2.5);
    }

    fn clear_mark(&self) {
        let (w, h) = (f64::from(self.mark.width()), f64::from(self.mark.height()));
        self.mark_ctx.clear_rect(0.0, 0.0, w, h);
    }
}
