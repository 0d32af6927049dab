//! Saliency in the instruments panel: for digits, sample images with their
//! |∂score/∂pixel| maps; for the plane, the input-gradient field as arrows
//! over the output heatmap or as a magnitude picture.

use super::Instruments;
use crate::dom::{self, append, create, create_text, set_attr, set_text, show};
use crate::engine::instruments::saliency;
use crate::engine::trainer::Trainer;
use crate::viz::{digits, saliency as sal_viz};
use web_sys::HtmlElement;

/// Digits shown with their saliency maps.
const SALIENCY_DIGITS: usize = 6;
/// Grid of the input-gradient field over the plane (arrows / magnitude).
const FIELD_ARROWS: usize = 20;
const FIELD_MAGNITUDE: usize = 48;
/// Pixels per side of the saliency overlay in arrow mode.
const OVERLAY_PX: usize = 320;

impl Instruments {
    pub(super) fn build_saliency_cells(&mut self, trainer: &Trainer) {
        let digits = trainer.input_map.is_none();
        show(&self.els.sal_digits, digits);
        show(&self.els.sal_plane_note, !digits);
        if !digits || !self.sal_cells.is_empty() {
            return;
        }
        for _ in 0..SALIENCY_DIGITS {
            let fig: HtmlElement = create("figure", "saliency");
            let img = dom::canvas("", 32, 32);
            let map = dom::canvas("", 32, 32);
            append(&fig, &img);
            append(&fig, &map);
            let caption = create_text("figcaption", "", "");
            append(&fig, &caption);
            append(&self.els.sal_digits, &fig);
            self.sal_cells.push((dom::context(&img), dom::context(&map), caption));
        }
    }

    pub(super) fn paint_saliency(&mut self, trainer: &mut Trainer) {
        if trainer.input_map.is_none() {
            let rows: Vec<usize> = (0..SALIENCY_DIGITS).collect();
            let maps = saliency::digits(trainer, &rows, None);
            let samples = trainer.digit_samples(SALIENCY_DIGITS);
            let mut rgba = vec![0u8; 32 * 32 * 4];
            for ((img, map_ctx, caption), (m, s)) in self.sal_cells.iter().zip(maps.iter().zip(&samples)) {
                digits::paint_digit(&s.pixels, 4, &mut rgba);
                dom::blit(img, &rgba, 32, 32);
                sal_viz::paint_magnitude(&m.map, m.max, 4, &mut rgba);
                dom::blit(map_ctx, &rgba, 32, 32);
                set_text(caption, &format!("{} / {}", m.predicted, m.label));
            }
            return;
        }
        let mode = self.els.sal_mode.value();
        let canvas = &self.els.sal_canvas;
        let ctx = &self.els.sal_ctx;
        let output = trainer.model.n_out.saturating_sub(1);
        match mode.as_str() {
            "arrows" => {
                if canvas.width() != OVERLAY_PX as u32 {
                    canvas.set_width(OVERLAY_PX as u32);
                    canvas.set_height(OVERLAY_PX as u32);
                }
                ctx.clear_rect(0.0, 0.0, OVERLAY_PX as f64, OVERLAY_PX as f64);
                let Some(field) = saliency::plane_field(trainer, FIELD_ARROWS, output) else { return };
                ctx.set_stroke_style_str("rgba(20,20,20,0.85)");
                ctx.set_line_width(1.5);
                ctx.begin_path();
                for s in sal_viz::arrows(&field, 2, OVERLAY_PX as f32) {
                    ctx.move_to(f64::from(s[0]), f64::from(s[1]));
                    ctx.line_to(f64::from(s[2]), f64::from(s[3]));
                }
                ctx.stroke();
                set_attr(canvas, "data-max", &field.max_norm.to_string());
            }
            "magnitude" => {
                let Some(field) = saliency::plane_field(trainer, FIELD_MAGNITUDE, output) else { return };
                if canvas.width() != FIELD_MAGNITUDE as u32 {
                    canvas.set_width(FIELD_MAGNITUDE as u32);
                    canvas.set_height(FIELD_MAGNITUDE as u32);
                }
                let mut rgba = vec![0u8; FIELD_MAGNITUDE * FIELD_MAGNITUDE * 4];
                sal_viz::paint_field_magnitude(&field, 210, &mut rgba);
                dom::blit(ctx, &rgba, FIELD_MAGNITUDE as u32, FIELD_MAGNITUDE as u32);
                set_attr(canvas, "data-max", &field.max_norm.to_string());
            }
            _ => {
                ctx.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
                set_attr(canvas, "data-max", "");
            }
        }
    }
}
