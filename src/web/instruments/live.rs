//! The live part of the instruments panel: the per-layer table with its
//! sparklines, the live findings, the loss breakdown with the clipping
//! counter and the mode note, the sentinel, the variance shift and the
//! histograms over time. Texts come from [`readouts`] and [`layer_table`].

use web_sys::HtmlElement;

use super::checks::fill_findings_into;
use super::{show_value, Instruments, HIST_H, HIST_W};
use crate::dom::{self, append, create, create_text, set_attr, set_text, show};
use crate::engine::config::Named;
use crate::engine::i18n;
use crate::engine::instruments::histograms::Histogram;
use crate::engine::instruments::{loss_breakdown, readouts, variance_shift, Block};
use crate::engine::trainer::Trainer;
use crate::viz::layer_table::{self, METRICS};
use crate::viz::{histogram, sparkline};

/// Sparkline canvas size (px).
const SPARK_W: usize = 72;
const SPARK_H: usize = 20;

/// One metric cell of the live table: sparkline plus value text.
struct Cell {
    td: HtmlElement,
    text: HtmlElement,
    /// The sparkline, an image ([`dom::ImagePainter`]).
    spark: HtmlElement,
}

/// One row of the live table: a cell per metric.
pub(super) struct Row {
    cells: Vec<Cell>,
}

impl Instruments {
    pub(super) fn build_rows(&mut self, blocks: &[Block]) {
        dom::clear(&self.els.layer_body);
        self.rows.clear();
        let n = blocks.len();
        for (k, b) in blocks.iter().enumerate() {
            let act = b.act;
            let tr: HtmlElement = create("tr", "");
            let name = crate::engine::instruments::block_label(k, n);
            let act_name = crate::controls::act_label(act.map_or("linear", |(_, a)| a.name()));
            let th = create_text("th", "", &format!("{name} · {act_name}"));
            set_attr(&th, "scope", "row");
            append(&tr, &th);
            let mut cells = Vec::new();
            for metric in METRICS {
                let td: HtmlElement = create("td", "metric");
                td.set_id(&format!("ls-{k}-{metric}"));
                set_attr(&td, "data-label", &layer_table::metric_label(metric));
                let spark: HtmlElement = create("img", "spark");
                set_attr(&spark, "alt", "");
                set_attr(&spark, "width", &SPARK_W.to_string());
                set_attr(&spark, "height", &SPARK_H.to_string());
                append(&td, &spark);
                let text = create_text("span", "v", "–");
                append(&td, &text);
                append(&tr, &td);
                cells.push(Cell { td, text, spark });
            }
            append(&self.els.layer_body, &tr);
            self.rows.push(Row { cells });
        }
    }

    /// Writes every cell's value and repaints up to `budget` sparklines,
    /// going on from where the last call stopped (`usize::MAX`: all of them).
    /// Each sparkline is a PNG the browser encodes and decodes again (about
    /// 0.45 ms on a 2-core laptop): the 80 of a 16-layer network would make
    /// one frame long, so while training they take turns.
    /// Returns how many sparklines it repainted.
    pub(super) fn paint_table(&mut self, budget: usize) -> usize {
        let Some(live) = &self.live else {
            for row in &self.rows {
                for c in &row.cells {
                    set_text(&c.text, "–");
                }
            }
            return 0;
        };
        // Painted at the sparkline's CSS size × devicePixelRatio (whole), so it stays sharp.
        let scale = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).round().clamp(1.0, 3.0) as usize;
        let (w, h) = (SPARK_W * scale, SPARK_H * scale);
        self.rgba.resize(w * h * 4, 0);
        let cells: Vec<(&Cell, layer_table::Cell)> = live
            .layers
            .layers
            .iter()
            .zip(&self.rows)
            .flat_map(|(track, row)| {
                METRICS.iter().zip(&row.cells).map(move |(metric, cell)| (cell, layer_table::cell(metric, track)))
            })
            .collect();
        let painted = crate::viz::frame_plan::turn(cells.len(), self.spark_next, budget);
        self.spark_next = painted.end % cells.len().max(1);
        for (k, (cell, shown)) in cells.iter().enumerate() {
            let paint = painted.contains(&k) || painted.contains(&(k + cells.len()));
            match shown {
                layer_table::Cell::NotApplicable => {
                    set_text(&cell.text, &crate::tr!("web.instruments.not_applicable"));
                    set_attr(&cell.td, "data-value", "");
                    if paint {
                        self.rgba.fill(255);
                        self.images.paint(&cell.spark, &self.rgba, w as u32, h as u32);
                    }
                }
                layer_table::Cell::Shown(m) => {
                    if let Some(band) = m.band {
                        set_attr(&cell.td, "data-band", band);
                    }
                    if paint {
                        sparkline::paint(&m.spark(), w, h, &mut self.rgba);
                        self.images.paint(&cell.spark, &self.rgba, w as u32, h as u32);
                    }
                    set_text(&cell.text, &m.text);
                    set_attr(&cell.td, "data-value", &m.value.to_string());
                }
            }
        }
        painted.len()
    }

    /// Sparklines in the live table (none while the statistics are off).
    pub(super) fn spark_count(&self) -> usize {
        match &self.live {
            Some(live) => live.layers.layers.len().min(self.rows.len()) * METRICS.len(),
            None => 0,
        }
    }

    pub(super) fn paint_findings(&mut self, trainer: &Trainer) {
        let findings = match &self.live {
            Some(live) if trainer.step_count() > 0 || live.sentinel.first.is_some() => live.findings(trainer),
            _ => Vec::new(),
        };
        let sig: String = findings.iter().map(|f| f.sentence.as_str()).collect::<Vec<_>>().join("\n");
        if sig == self.findings_shown {
            return;
        }
        self.findings_shown = sig;
        fill_findings_into(&self.els.live_findings, &findings, "live");
    }

    pub(super) fn paint_loss(&mut self, trainer: &Trainer) {
        let els = &self.els;
        set_text(&els.clip_count, &readouts::clipping(trainer.cfg.clip, trainer.clipped_steps, trainer.step_count()));
        set_attr(&els.clip_count, "data-value", &trainer.clipped_steps.to_string());
        let note = readouts::mode_note(&trainer.cfg);
        set_text(&els.mode_note, note);
        show(&els.mode_note, !note.is_empty());
        if trainer.step_count() == 0 {
            for el in [&els.loss_data, &els.loss_penalty, &els.loss_ratio] {
                set_text(el, "–");
            }
            show(&els.loss_warning, false);
            return;
        }
        let observed = self.live.as_ref().filter(|l| l.loss.observed > 0).map(|l| l.loss.last);
        let parts = observed.unwrap_or_else(|| loss_breakdown::parts(trainer));
        let [data, penalty, ratio] = readouts::loss_figures(&parts);
        show_value(&els.loss_data, data);
        show_value(&els.loss_penalty, penalty);
        show_value(&els.loss_ratio, ratio);
        let uniform = self.live.as_ref().map_or(f64::INFINITY, |l| l.initial.uniform);
        let warning = parts.findings(uniform).into_iter().next().map(|f| f.text());
        set_text(&els.loss_warning, warning.as_deref().unwrap_or(""));
        show(&els.loss_warning, warning.is_some());
    }

    pub(super) fn paint_sentinel(&mut self, trainer: &Trainer) {
        let first = self.live.as_ref().and_then(|l| l.sentinel.first.clone()).or_else(|| trainer.diverged().cloned());
        let el = &self.els.sentinel;
        match first {
            Some(d) => {
                let places = crate::engine::instruments::places(&trainer.model);
                let place = crate::engine::instruments::diagnosis::describe(&d, &places);
                set_text(el, &readouts::sentinel(Some(&place)));
                set_attr(el, "data-step", &d.step.to_string());
                set_attr(el, "data-tensor", d.tensor.name());
                dom::toggle_class(el, "bad", true);
            }
            None => {
                set_text(el, &readouts::sentinel(None));
                set_attr(el, "data-step", "");
                set_attr(el, "data-tensor", "");
                dom::toggle_class(el, "bad", false);
            }
        }
    }

    pub(super) fn paint_shift(&mut self, trainer: &Trainer) {
        if !readouts::has_bn_and_dropout(&trainer.cfg) {
            return;
        }
        let shift = variance_shift::measure(trainer);
        dom::clear(&self.els.vs_body);
        for cells in readouts::shift_rows(&shift) {
            let tr: HtmlElement = create("tr", "");
            for c in cells {
                append(&tr, &create_text("td", "", &c));
            }
            append(&self.els.vs_body, &tr);
        }
        match readouts::worst_shift(&shift) {
            Some(worst) => show_value(&self.els.vs_ratio, worst),
            None => {
                set_text(&self.els.vs_ratio, "–");
                set_attr(&self.els.vs_ratio, "data-value", "");
            }
        }
    }

    pub(super) fn paint_histogram(&mut self) {
        let Some(live) = &self.live else {
            set_text(&self.els.hist_range, &crate::tr!("web.instruments.histograms_off"));
            return;
        };
        let k: usize = self.els.hist_layer.value().parse().unwrap_or(0);
        let Some(block) = live.histograms.blocks.get(k) else { return };
        let kind = self.els.hist_kind.value();
        let series = match kind.as_str() {
            "weights" => &block.weights,
            "gradients" => &block.gradients,
            _ => &block.activations,
        };
        let hists: Vec<Histogram> = series.points().iter().map(|(_, h)| *h).collect();
        // Drawn at its displayed size × devicePixelRatio, like the charts.
        let (w, h) = match self.els.hist_ctx.canvas() {
            Some(canvas) => {
                dom::fit_to_display(&canvas);
                (canvas.width() as usize, canvas.height() as usize)
            }
            None => (HIST_W, HIST_H),
        };
        self.rgba.resize(w * h * 4, 0);
        let axes = histogram::paint_offset(&hists, w, h, &mut self.rgba);
        dom::blit(&self.els.hist_ctx, &self.rgba, w as u32, h as u32);
        let text = match axes {
            Some(a) => readouts::histogram_caption(
                tensor_word(&kind),
                // Named now, in the page's language (not when the block was attached).
                &crate::engine::instruments::block_label(k, live.histograms.blocks.len()),
                f64::from(a.lo),
                f64::from(a.hi),
                a.ridges,
                (a.first_step, a.last_step),
            ),
            None => crate::tr!("web.instruments.no_snapshot"),
        };
        set_text(&self.els.hist_range, &text);
    }
}

/// The chosen tensor as the histogram's caption names it: the picker's
/// own word for it, in the page's language.
fn tensor_word(kind: &str) -> &'static str {
    match kind {
        "weights" => i18n::text("page.inst.hist.weights"),
        "gradients" => i18n::text("page.inst.hist.gradients"),
        _ => i18n::text("page.inst.hist.activations"),
    }
}
