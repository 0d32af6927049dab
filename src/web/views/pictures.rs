//! The page's pictures other than the network diagram: the big output
//! heatmap with its data points, the digits sample grid, and the
//! loss/accuracy charts (plotters on canvas).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, HtmlCanvasElement, HtmlElement};

use super::OUTPUT_GRID;
use crate::dom::{self, append, create, create_text, set_attr, set_text, show};
use crate::engine::config::DataKind;
use crate::engine::grid::{Grid, EXTENT};
use crate::engine::trainer::Trainer;
use crate::engine::view::View;
use crate::viz::chart::{self, ChartSpec, Curve};
use crate::viz::{color, diagram, digits, points};

/// Pixels per side of the points overlay on the output heatmap.
const POINTS_PX: usize = 320;
/// The performance mark set when the output heatmap is first painted.
pub const FIRST_HEATMAP_MARK: &str = "gradlab-first-heatmap";
/// Digit samples shown for the digits data set.
const DIGIT_SAMPLES: usize = 24;

/// The big output heatmap and its points.
pub struct OutputView {
    panel: HtmlElement,
    heat_ctx: CanvasRenderingContext2d,
    points_ctx: CanvasRenderingContext2d,
    grid: Option<Grid>,
    out: Vec<f32>,
    rgba: Vec<u8>,
    /// The points are to be drawn again with the next heatmap (a new run).
    points_due: bool,
    /// The heatmap has been painted since the page loaded.
    painted: bool,
}

impl OutputView {
    /// Binds to `#heatmap` and `#heatmap-points`.
    pub fn new(document: &Document) -> Result<OutputView, String> {
        let heat: HtmlCanvasElement = dom::typed(document, "heatmap")?;
        heat.set_width(OUTPUT_GRID as u32);
        heat.set_height(OUTPUT_GRID as u32);
        let pts: HtmlCanvasElement = dom::typed(document, "heatmap-points")?;
        pts.set_width(POINTS_PX as u32);
        pts.set_height(POINTS_PX as u32);
        Ok(OutputView {
            panel: dom::by_id(document, "output-panel")?,
            heat_ctx: dom::context(&heat),
            points_ctx: dom::context(&pts),
            grid: None,
            out: Vec::new(),
            rgba: Vec::new(),
            points_due: false,
            painted: false,
        })
    }

    /// New trainer: a new grid; its points are drawn with the next heatmap.
    pub fn rebuild(&mut self, trainer: &Trainer) {
        self.grid = Grid::new(trainer, OUTPUT_GRID);
        show(&self.panel, self.grid.is_some());
        self.points_due = true;
    }

    /// Draws the training points, and the test points if the view asks.
    pub fn paint_points(&mut self, trainer: &Trainer, view: &View) {
        self.points_due = false;
        let mut pts = points::from_raw(&trainer.raw_train, false);
        // Your own points are all drawn: a point just placed may be a test point.
        if view.show_test || trainer.cfg.data.kind == DataKind::Custom {
            pts.extend(points::from_raw(&trainer.raw_test, true));
        }
        let mut rgba = vec![0u8; POINTS_PX * POINTS_PX * 4];
        points::paint_points(&pts, EXTENT, POINTS_PX, POINTS_PX, 3.5, &mut rgba);
        dom::blit(&self.points_ctx, &rgba, POINTS_PX as u32, POINTS_PX as u32);
    }

    /// Draws custom points not yet trained on (a draft), all as training points.
    pub fn paint_custom(&mut self, custom: &[crate::engine::config::CustomPoint]) {
        self.points_due = false;
        let n_classes = crate::engine::data::custom::n_classes(custom);
        let labels = crate::engine::data::Labels::Classes {
            labels: custom.iter().map(|p| p.class as usize).collect(),
            n_classes,
        };
        let pts: Vec<points::Point> = custom
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x1, x2) = p.coords();
                points::Point { x1, x2, color: points::label_color(&labels, i), test: false }
            })
            .collect();
        let mut rgba = vec![0u8; POINTS_PX * POINTS_PX * 4];
        points::paint_points(&pts, EXTENT, POINTS_PX, POINTS_PX, 3.5, &mut rgba);
        dom::blit(&self.points_ctx, &rgba, POINTS_PX as u32, POINTS_PX as u32);
    }

    /// Repaints the heatmap of the model's output.
    pub fn paint(&mut self, trainer: &mut Trainer, view: &View) {
        if self.points_due {
            self.paint_points(trainer, view);
        }
        let Some(grid) = &self.grid else {
            return;
        };
        let n = grid.size * grid.size;
        let k = trainer.model.n_out;
        self.out.resize(n * k, 0.0);
        trainer.predict(&grid.inputs, &mut self.out);
        self.rgba.resize(n * 4, 0);
        let disc = view.discretize && !trainer.cfg.data.kind.is_regression();
        if k == 1 {
            let to_unit = diagram::output_unit(&trainer.cfg);
            for v in &mut self.out {
                *v = to_unit(*v);
            }
            color::paint_heatmap(&self.out, grid.size, 1, 0, 1.0, disc, &mut self.rgba);
        } else if disc {
            for (p, px) in self.rgba.chunks_exact_mut(4).enumerate() {
                let c = color::argmax_confidence(&self.out[p * k..(p + 1) * k])
                    .map_or(color::NAN_COLOR, |(best, _)| class_or_binary(k, best));
                px.copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        } else if k == 2 {
            // Binary data with a softmax head: the same orange/blue scale as one output.
            let v: Vec<f32> = self.out.chunks_exact(2).map(|o| libm::tanhf((o[1] - o[0]) / 2.0)).collect();
            color::paint_heatmap(&v, grid.size, 1, 0, 1.0, false, &mut self.rgba);
        } else {
            color::paint_class_map(&self.out, grid.size, k, &mut self.rgba);
        }
        dom::blit(&self.heat_ctx, &self.rgba, grid.size as u32, grid.size as u32);
        if !std::mem::replace(&mut self.painted, true) {
            // For the first-heatmap benchmark (bench/first-heatmap.mjs).
            if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                let _ = p.mark(FIRST_HEATMAP_MARK);
            }
        }
    }
}

fn class_or_binary(k: usize, class: usize) -> [u8; 3] {
    if k == 2 {
        color::value_color(if class == 1 { 1.0 } else { -1.0 })
    } else {
        color::class_color(class)
    }
}

/// The digits sample grid.
pub struct DigitsView {
    panel: HtmlElement,
    grid: HtmlElement,
    cells: Vec<(CanvasRenderingContext2d, HtmlElement, HtmlElement)>,
}

impl DigitsView {
    /// Binds to `#digits-panel` and `#digits`.
    pub fn new(document: &Document) -> Result<DigitsView, String> {
        Ok(DigitsView {
            panel: dom::by_id(document, "digits-panel")?,
            grid: dom::by_id(document, "digits")?,
            cells: Vec::new(),
        })
    }

    /// Shows the panel only for digits data.
    pub fn rebuild(&mut self, trainer: &Trainer) {
        let digits = trainer.cfg.data.kind == DataKind::Digits;
        show(&self.panel, digits);
        if digits && self.cells.is_empty() {
            for _ in 0..DIGIT_SAMPLES {
                let fig: HtmlElement = create("figure", "digit");
                let canvas = dom::canvas("", 32, 32);
                append(&fig, &canvas);
                let caption = create_text("figcaption", "", "");
                append(&fig, &caption);
                append(&self.grid, &fig);
                self.cells.push((dom::context(&canvas), caption, fig));
            }
        }
    }

    /// Repaints the samples with their predicted and true labels.
    pub fn paint(&mut self, trainer: &mut Trainer) {
        if trainer.cfg.data.kind != DataKind::Digits {
            return;
        }
        let samples = trainer.digit_samples(DIGIT_SAMPLES);
        let mut rgba = vec![0u8; 32 * 32 * 4];
        for ((ctx, caption, fig), s) in self.cells.iter().zip(&samples) {
            digits::paint_digit(&s.pixels, 4, &mut rgba);
            dom::blit(ctx, &rgba, 32, 32);
            let ok = s.predicted == s.label;
            set_text(caption, &format!("{} / {}", s.predicted, s.label));
            set_attr(fig, "title", &crate::tr!("web.pictures.digit", predicted = s.predicted, label = s.label));
            dom::toggle_class(fig, "wrong", !ok);
        }
    }
}

/// Loss and accuracy charts (plotters on canvas).
pub struct Charts {
    loss: HtmlCanvasElement,
    acc: HtmlCanvasElement,
}

impl Charts {
    /// Binds to `#chart-loss` and `#chart-acc`.
    pub fn new(document: &Document) -> Result<Charts, String> {
        Ok(Charts { loss: dom::typed(document, "chart-loss")?, acc: dom::typed(document, "chart-acc")? })
    }

    /// Redraws both charts from the trainer's history.
    pub fn paint(&self, trainer: &Trainer, view: &View) {
        let evals = trainer.history.evals.points();
        let line = |f: &dyn Fn(&crate::engine::history::Metrics) -> Option<f64>| -> Vec<(f64, f64)> {
            evals.iter().filter_map(|(s, m)| f(m).map(|v| (*s as f64, v))).collect()
        };
        let train_c = [40, 40, 40];
        let test_c = [230, 120, 20];
        let (train, test) = (crate::tr!("web.charts.train"), crate::tr!("web.charts.test"));
        let loss = ChartSpec {
            title: crate::tr!("web.charts.loss_title"),
            y_label: crate::tr!("web.charts.data_loss"),
            x_label: crate::tr!("web.charts.step"),
            log_y: view.log_scale,
            curves: vec![
                Curve { label: train.clone(), points: line(&|m| Some(m.train_loss)), color: train_c, dashed: false },
                Curve { label: test.clone(), points: line(&|m| Some(m.test_loss)), color: test_c, dashed: true },
            ],
            ..ChartSpec::default()
        };
        draw_on(&self.loss, &loss);
        let classes = !trainer.cfg.data.kind.is_regression();
        show(self.acc.unchecked_ref(), classes);
        if classes {
            let acc = ChartSpec {
                title: crate::tr!("web.charts.accuracy_title"),
                y_label: crate::tr!("web.charts.accuracy"),
                x_label: crate::tr!("web.charts.step"),
                curves: vec![
                    Curve { label: train, points: line(&|m| m.train_acc), color: train_c, dashed: false },
                    Curve { label: test, points: line(&|m| m.test_acc), color: test_c, dashed: true },
                ],
                ..ChartSpec::default()
            };
            draw_on(&self.acc, &acc);
        }
    }
}

/// Draws a chart spec on a canvas (a failure is logged, never fatal). A
/// displayed canvas is first sized to its CSS width × devicePixelRatio (the
/// height from the aspect its markup gave it), and the chart's sizes scaled
/// to match: sharp text and lines at any size and on any screen.
pub fn draw_on(canvas: &HtmlCanvasElement, spec: &ChartSpec) {
    use plotters::prelude::IntoDrawingArea;
    let scale = crate::dom::fit_to_display(canvas);
    if let Some(backend) = super::measured_canvas::MeasuredCanvas::new(canvas) {
        let area = backend.into_drawing_area();
        if let Err(e) = chart::draw_scaled(&area, spec, chart::Scale(scale)) {
            web_sys::console::warn_1(&format!("chart: {e}").into());
        }
    }
}
