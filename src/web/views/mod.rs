//! The pictures of the page: the network diagram with a live heatmap
//! thumbnail per neuron, the big output heatmap with its data points, the
//! digits sample grid, and the loss/accuracy charts.
//!
//! Files: this one (the network diagram), `info` (its info box: a neuron's
//! or an edge's math) and `pictures` (output heatmap, digits, charts). Layout and captions of the diagram are
//! [`crate::viz::diagram`].
//!
//! Pixels come from pure code (`viz`, and the engine's grid maps); this module
//! only places canvases and blits buffers (one `put_image_data` per canvas).
//! Every picture of the plane uses the engine grid's orientation: row 0 is
//! x2 = +6, so thumbnails, the output heatmap and the points agree, y up.

use web_sys::{CanvasRenderingContext2d, Document, HtmlCanvasElement, HtmlElement};

use crate::engine::format;
use crate::engine::grid::{Grid, NeuronMaps};
use crate::engine::trainer::Trainer;
use crate::viz::{color, diagram, digits, network};

mod info;
mod measured_canvas;
mod pictures;

use super::dom::{self, append, set_attr, set_text, show};
pub use pictures::{draw_on, Charts, DigitsView, OutputView};

/// Points per side of the grid behind the neuron thumbnails.
pub const THUMB_GRID: usize = 24;
/// Points per side of the big output heatmap.
pub const OUTPUT_GRID: usize = 80;

/// Why a neuron is marked in the diagram (decided by the instruments).
pub use crate::engine::instruments::readouts::Mark;

/// One node of the diagram.
struct Node {
    canvas: HtmlCanvasElement,
    /// Its 2-D context, made when the node is first drawn: a canvas with a
    /// context is a compositor layer that the browser updates every frame
    /// (about 0.3 ms each on a 2-core machine without a GPU), and most
    /// nodes of an image network never show a picture.
    ctx: std::cell::OnceCell<CanvasRenderingContext2d>,
    /// Its accessible name without a mark.
    label: String,
    /// Column (0 = inputs) and unit.
    col: usize,
    unit: usize,
}

impl Node {
    fn context(&self) -> &CanvasRenderingContext2d {
        self.ctx.get_or_init(|| dom::context(&self.canvas))
    }
}

/// The network diagram.
pub struct NetworkView {
    root: HtmlElement,
    edges: HtmlCanvasElement,
    edges_ctx: CanvasRenderingContext2d,
    info: HtmlElement,
    /// Says when some edges are left out ([`network::MAX_EDGES_PER_PAIR`]).
    edges_note: HtmlElement,
    nodes: Vec<Node>,
    /// Widths of every column (inputs, hidden blocks, output), and labels.
    widths: Vec<usize>,
    labels: Vec<String>,
    /// Whether nodes show heatmaps (planar data).
    planar: bool,
    /// Node size and positions (px, centres), per column, of the drawn nodes.
    node_px: f64,
    centres: Vec<Vec<(f64, f64)>>,
    grid: Option<Grid>,
    maps: NeuronMaps,
    rgba: Vec<u8>,
    /// The node whose values are shown in the info box.
    focus: Option<(usize, usize)>,
    /// Width the layout was computed for.
    laid_out_width: i32,
    /// Dead and saturated units, by (column, unit).
    marks: Vec<((usize, usize), Mark)>,
    /// The edges drawn last, for hovering.
    curves: Vec<network::Curve>,
    /// The drawn edge under the pointer, and where the pointer is.
    hovered: Option<(network::Curve, (f64, f64))>,
    /// With a node focused: the edge walked to with the arrow keys
    /// (an index into [`info::walk_list`]).
    walk: Option<usize>,
    /// Overlay canvas that marks the edge the info box describes.
    mark: HtmlCanvasElement,
    mark_ctx: CanvasRenderingContext2d,
    /// Diagram height (px) as laid out.
    height: f64,
}

impl NetworkView {
    /// Binds to `#network`, `#network-edges`, `#network-mark` and `#node-info`.
    pub fn new(document: &Document) -> Result<NetworkView, String> {
        let edges: HtmlCanvasElement = dom::typed(document, "network-edges")?;
        let mark: HtmlCanvasElement = dom::typed(document, "network-mark")?;
        Ok(NetworkView {
            mark_ctx: dom::context(&mark),
            mark,
            curves: Vec::new(),
            hovered: None,
            walk: None,
            height: 0.0,
            root: dom::by_id(document, "network")?,
            edges_ctx: dom::context(&edges),
            edges,
            info: dom::by_id(document, "node-info")?,
            edges_note: dom::by_id(document, "network-edges-note")?,
            nodes: Vec::new(),
            widths: Vec::new(),
            labels: Vec::new(),
            planar: true,
            node_px: 36.0,
            centres: Vec::new(),
            grid: None,
            maps: NeuronMaps::default(),
            rgba: Vec::new(),
            focus: None,
            laid_out_width: -1,
            marks: Vec::new(),
        })
    }

    /// The node canvases (for event listeners: they carry `data-col`/`data-unit`).
    pub fn node_elements(&self) -> Vec<HtmlCanvasElement> {
        self.nodes.iter().map(|n| n.canvas.clone()).collect()
    }

    /// Rebuilds the nodes for a new trainer.
    pub fn rebuild(&mut self, trainer: &Trainer) {
        let n_in = trainer.model.n_in;
        let hidden: Vec<usize> = trainer.cfg.hidden.iter().map(|l| l.units).collect();
        (self.widths, self.labels) = diagram::columns(n_in, &hidden, trainer.model.n_out);
        self.grid = Grid::new(trainer, THUMB_GRID);
        self.planar = self.grid.is_some();
        self.focus = None;
        (self.hovered, self.walk) = (None, None);
        self.curves.clear();
        self.marks.clear();
        self.hide_info();
        for node in self.nodes.drain(..) {
            node.canvas.remove();
        }
        let names = input_names(trainer);
        for (col, &width) in self.widths.iter().enumerate() {
            for unit in 0..diagram::shown(col, width, self.planar) {
                let size = if self.planar { THUMB_GRID as u32 } else { 8 };
                let canvas = dom::canvas("node", size, size);
                set_attr(&canvas, "tabindex", "0");
                set_attr(&canvas, "data-col", &col.to_string());
                set_attr(&canvas, "data-unit", &unit.to_string());
                let label = node_label(&self.labels, &names, n_in, col, unit);
                set_attr(&canvas, "aria-label", &label);
                canvas.set_title(&label);
                if col == 0 {
                    dom::toggle_class(&canvas, "input-node", true);
                }
                dom::toggle_class(&canvas, "pixels", !self.planar);
                append(&self.root, &canvas);
                self.nodes.push(Node { canvas, ctx: std::cell::OnceCell::new(), label, col, unit });
            }
        }
        self.laid_out_width = -1;
        self.layout();
    }

    /// Places the nodes for the container's current width.
    pub fn layout(&mut self) {
        let w = self.root.client_width().max(160);
        if w == self.laid_out_width {
            return;
        }
        self.laid_out_width = w;
        let diagram::Layout { node, height, centres } = diagram::layout(w, &self.widths, self.planar);
        self.centres = centres;
        self.node_px = node;
        self.height = height;
        let _ = self.root.style().set_property("height", &format!("{height}px"));
        for n in &self.nodes {
            let (x, y) = self.centres[n.col][n.unit];
            let style = n.canvas.style();
            let _ = style.set_property("left", &format!("{}px", x - node / 2.0));
            let _ = style.set_property("top", &format!("{}px", y - node / 2.0));
            let _ = style.set_property("width", &format!("{node}px"));
            let _ = style.set_property("height", &format!("{node}px"));
        }
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
        self.edges.set_width((f64::from(w) * dpr) as u32);
        self.edges.set_height((height * dpr) as u32);
        let _ = self.edges.style().set_property("width", &format!("{w}px"));
        let _ = self.edges.style().set_property("height", &format!("{height}px"));
        let _ = self.edges_ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        self.mark.set_width(self.edges.width());
        self.mark.set_height(self.edges.height());
        let _ = self.mark.style().set_property("width", &format!("{w}px"));
        let _ = self.mark.style().set_property("height", &format!("{height}px"));
        let _ = self.mark_ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    }

    /// Repaints every thumbnail (planar data) from the trainer's current state.
    /// Returns how many canvases it repainted (each costs the browser a
    /// copy when it composites the frame).
    pub fn paint_nodes(&mut self, trainer: &mut Trainer) -> usize {
        let Some(grid) = &self.grid else {
            return self.paint_pixel_weights(trainer);
        };
        trainer.neuron_maps(grid, &mut self.maps);
        let n = grid.size * grid.size;
        self.rgba.resize(n * 4, 0);
        let unit_of_output = diagram::output_unit(&trainer.cfg);
        let n_features = self.widths[0];
        for node in &self.nodes {
            if node.col == 0 {
                let scale = color::max_abs_strided(&grid.features, n, n_features, node.unit);
                color::paint_heatmap(&grid.features, grid.size, n_features, node.unit, scale, false, &mut self.rgba);
            } else if let Some(block) = self.maps.blocks.get(node.col - 1) {
                let last = node.col == self.widths.len() - 1;
                if last && block.width == 1 {
                    let v: Vec<f32> = block.values.iter().map(|&v| unit_of_output(v)).collect();
                    color::paint_heatmap(&v, grid.size, 1, 0, 1.0, false, &mut self.rgba);
                } else {
                    let scale = block.max_abs(node.unit).max(1.0);
                    color::paint_heatmap(
                        &block.values,
                        grid.size,
                        block.width,
                        node.unit,
                        scale,
                        false,
                        &mut self.rgba,
                    );
                }
            }
            dom::blit(node.context(), &self.rgba, grid.size as u32, grid.size as u32);
        }
        self.nodes.len()
    }

    /// Image data (digits): each first-layer unit shows its 64 input weights
    /// as an 8×8 picture (blue pixels push it up, orange down); the other
    /// nodes have no picture of the plane to show.
    fn paint_pixel_weights(&mut self, trainer: &Trainer) -> usize {
        let weights = trainer.dense_weights();
        let Some(&(n_in, n_out, w)) = weights.first() else {
            return 0;
        };
        if n_in != 64 {
            return 0;
        }
        let max_abs = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let mut column = vec![0.0f32; 64];
        self.rgba.resize(64 * 4, 0);
        let mut painted = 0;
        for node in self.nodes.iter().filter(|n| n.col == 1 && self.widths.len() > 2) {
            for (i, c) in column.iter_mut().enumerate() {
                *c = w[i * n_out + node.unit];
            }
            digits::paint_signed(&column, max_abs, 1, &mut self.rgba);
            dom::blit(node.context(), &self.rgba, 8, 8);
            painted += 1;
        }
        painted
    }

    /// Redraws the edges, coloured and sized by weight; returns how many
    /// it drew (the browser rasterizes each when it composites the frame).
    pub fn paint_edges(&mut self, trainer: &Trainer) -> usize {
        self.layout();
        let mut edges = 0;
        let mut capped = false;
        let ctx = &self.edges_ctx;
        let (w, h) = (f64::from(self.edges.width()), f64::from(self.edges.height()));
        ctx.clear_rect(0.0, 0.0, w, h);
        let half = self.node_px / 2.0;
        self.curves.clear();
        // Curves by strength bucket, each bucket one stroke.
        let mut buckets: Vec<Vec<[f64; 4]>> = vec![Vec::new(); network::EDGE_BUCKETS];
        for (layer, (n_in, n_out, weights)) in trainer.model_dense_weights().into_iter().enumerate() {
            let (Some(from), Some(to)) = (self.centres.get(layer), self.centres.get(layer + 1)) else {
                continue;
            };
            if layer == 0 && !self.planar {
                continue;
            }
            let max_abs = weights.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let (shown_in, shown_out) = (from.len().min(n_in), to.len().min(n_out));
            capped |= shown_in * shown_out > network::MAX_EDGES_PER_PAIR;
            for (i, j) in network::drawn_edges(weights, n_out, shown_in, shown_out) {
                let ((x0, y0), (x1, y1)) = (from[i], to[j]);
                let bucket = network::edge_bucket(weights[i * n_out + j], max_abs);
                buckets[bucket].push([x0 + half, y0, x1 - half, y1]);
                self.curves.push(network::Curve {
                    col: layer + 1,
                    from: i,
                    to: j,
                    a: (x0 + half, y0),
                    b: (x1 - half, y1),
                });
                edges += 1;
            }
        }
        for bucket in network::bucket_order() {
            if buckets[bucket].is_empty() {
                continue;
            }
            let (c, width) = network::bucket_style(bucket);
            ctx.set_stroke_style_str(&dom::css_rgb(c));
            ctx.set_line_width(width);
            ctx.begin_path();
            for &[ax, y0, bx, y1] in &buckets[bucket] {
                let mid = (ax + bx) / 2.0;
                ctx.move_to(ax, y0);
                ctx.bezier_curve_to(mid, y0, mid, y1, bx, y1);
            }
            ctx.stroke();
        }
        ctx.set_fill_style_str("#5f6368");
        ctx.set_font("11px system-ui, sans-serif");
        ctx.set_text_align("center");
        // Column captions must fit between column centres: shorten them
        // ("hidden 3 (16 of 32)" → "h3 16/32" → "h3") on narrow diagrams.
        let xs: Vec<f64> = self.centres.iter().filter_map(|col| col.first().map(|&(x, _)| x)).collect();
        let spacing = xs.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
        let fits = |text: &str| ctx.measure_text(text).map_or(true, |m| m.width() <= spacing - 6.0);
        for (c, (label, &x)) in self.labels.iter().zip(&xs).enumerate() {
            let candidates = diagram::captions(c, self.widths.len(), label, self.widths[c], self.planar);
            let text = candidates.iter().find(|t| fits(t)).unwrap_or(&candidates[candidates.len() - 1]);
            let _ = ctx.fill_text(text, x, 11.0);
        }
        self.note_capped(capped);
        edges
    }

    /// Shows or hides the note that only the strongest edges are drawn
    /// (written again in the current language; touched only on a change).
    fn note_capped(&self, capped: bool) {
        let text = if capped {
            crate::tr!("web.network.edges_capped", n = network::MAX_EDGES_PER_PAIR)
        } else {
            String::new()
        };
        if self.edges_note.text_content().unwrap_or_default() != text {
            set_text(&self.edges_note, &text);
            show(&self.edges_note, capped);
        }
    }

    /// The column captions and the nodes' names again in the current
    /// language (the pictures stay; the captions are drawn with the edges).
    pub fn relabel(&mut self, trainer: &Trainer) {
        let hidden: Vec<usize> = trainer.cfg.hidden.iter().map(|l| l.units).collect();
        let (widths, labels) = diagram::columns(trainer.model.n_in, &hidden, trainer.model.n_out);
        if widths != self.widths {
            return; // another network: its rebuild names everything
        }
        self.labels = labels;
        let names = input_names(trainer);
        for node in &mut self.nodes {
            node.label = node_label(&self.labels, &names, trainer.model.n_in, node.col, node.unit);
        }
        self.show_marks(&self.marks);
    }

    /// Marks dead and saturated units (a red dashed or amber outline; the
    /// reason in the node's title, accessible name and info box).
    pub fn set_marks(&mut self, marks: Vec<((usize, usize), Mark)>) {
        if marks == self.marks {
            return;
        }
        self.show_marks(&marks);
        self.marks = marks;
    }

    /// Puts `marks` on the nodes: classes, names and titles.
    fn show_marks(&self, marks: &[((usize, usize), Mark)]) {
        for node in &self.nodes {
            let mark = marks.iter().find(|(at, _)| *at == (node.col, node.unit)).map(|(_, m)| m);
            dom::toggle_class(&node.canvas, "dead", matches!(mark, Some(Mark::Dead(_))));
            dom::toggle_class(&node.canvas, "saturated", matches!(mark, Some(Mark::Saturated(_))));
            let label = match mark {
                Some(m) => crate::tr!("web.network.marked", label = node.label, reason = m.reason()),
                None => node.label.clone(),
            };
            set_attr(&node.canvas, "aria-label", &label);
            set_attr(&node.canvas, "title", &label);
            match mark {
                Some(m) => set_attr(&node.canvas, "data-mark", m.reason()),
                None => {
                    let _ = node.canvas.remove_attribute("data-mark");
                }
            }
        }
    }
}

/// The accessible name of node `unit` of column `col`: its input's name, or
/// its column and unit.
fn node_label(labels: &[String], names: &[String], n_in: usize, col: usize, unit: usize) -> String {
    if col == 0 {
        names.get(unit).cloned().unwrap_or_else(|| crate::tr!("web.network.pixels", n = n_in))
    } else {
        crate::tr!("web.network.unit", column = labels[col], unit = unit + 1)
    }
}

/// Input names of the diagram's first column.
fn input_names(trainer: &Trainer) -> Vec<String> {
    match &trainer.input_map {
        Some(map) => map.features.iter().map(|f| diagram::feature_name(*f)).collect(),
        None => vec![crate::tr!("web.network.pixels", n = trainer.model.n_in)],
    }
}

/// An f32 as a figure (the one formatter, [`format::figure`]).
fn fmt(v: f32) -> String {
    format::figure(f64::from(v))
}

/// Accessors the diagram needs, over the trainer's public model.
trait ModelView {
    fn model_dense_weights(&self) -> Vec<(usize, usize, &[f32])>;
}

impl ModelView for Trainer {
    fn model_dense_weights(&self) -> Vec<(usize, usize, &[f32])> {
        self.dense_weights()
    }
}
