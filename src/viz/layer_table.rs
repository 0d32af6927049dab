//! The live per-layer table of the instruments panel as data: its metric
//! columns, and for each cell the series its sparkline draws, the
//! sparkline's scale (a 0…1 share, a log scale, the update/weight band), the
//! value's text and exact value. The page blits the sparkline and sets the
//! texts; the choices live here, next to [`super::sparkline`] that paints them.

use super::sparkline::Spark;
use crate::engine::format::{num, or_dash, percent};
use crate::engine::instruments::layer_stats::{LayerSample, LayerTrack};
use crate::engine::instruments::readouts::ratio_band;

/// The metrics of the live table, in column order.
pub const METRICS: [&str; 6] = ["act", "dead", "sat", "wnorm", "gnorm", "ratio"];

/// The short label of a metric of [`METRICS`] (shown above each cell on
/// narrow screens), in the current language.
pub fn metric_label(metric: &str) -> String {
    match metric {
        "act" => crate::tr!("viz.layer_table.act"),
        "dead" => crate::tr!("viz.layer_table.dead"),
        "sat" => crate::tr!("viz.layer_table.sat"),
        "wnorm" => "‖W‖".to_string(),
        "gnorm" => "‖∇W‖".to_string(),
        _ => crate::tr!("viz.layer_table.ratio"),
    }
}
/// The update/weight band the ratio's sparkline shades, and its reference line.
pub const RATIO_BAND: (f64, f64) = (1e-4, 1e-2);
/// The update/weight ratio rule of thumb.
pub const RATIO_REFERENCE: f64 = 1e-3;

/// One cell of the live table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// The metric does not apply to the block (dead share of a tanh layer).
    NotApplicable,
    /// A sparkline and a value.
    Shown(MetricCell),
}

/// A cell's sparkline and value.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricCell {
    /// The series, oldest first.
    pub values: Vec<f64>,
    /// The sparkline's scale (its `values` are empty: see [`MetricCell::spark`]).
    pub scale: Spark<'static>,
    /// The value's text (`–` before any sample).
    pub text: String,
    /// The exact value (`data-value`).
    pub value: f64,
    /// The update/weight ratio's band (`data-band`; None for other metrics).
    pub band: Option<&'static str>,
}

impl MetricCell {
    /// The sparkline to paint.
    pub fn spark(&self) -> Spark<'_> {
        Spark { values: &self.values, ..self.scale }
    }
}

/// The cell of `metric` (one of [`METRICS`]) for a block's track.
pub fn cell(metric: &str, track: &LayerTrack) -> Cell {
    let points = track.history.points();
    let series = |f: &dyn Fn(&LayerSample) -> f64| -> Vec<f64> { points.iter().map(|(_, s)| f(s)).collect() };
    let last = track.last();
    let shown = |values, scale, text, value| Cell::Shown(MetricCell { values, scale, text, value, band: None });
    match metric {
        "act" => shown(
            series(&|s| s.act_std),
            Spark::default(),
            last.map_or("–".into(), |s| format!("{} ± {}", num(s.act_mean), num(s.act_std))),
            last.map_or(f64::NAN, |s| s.act_std),
        ),
        "dead" | "sat" => {
            let pick = |s: &LayerSample| if metric == "dead" { s.dead } else { s.saturated };
            if last.is_some_and(|s| pick(s).is_none()) {
                return Cell::NotApplicable;
            }
            let share = last.and_then(pick);
            shown(
                series(&|s| pick(s).unwrap_or(f64::NAN)),
                Spark { range: Some((0.0, 1.0)), ..Spark::default() },
                or_dash(share, |x| percent(x, 0)),
                share.unwrap_or(f64::NAN),
            )
        }
        "wnorm" => shown(
            series(&|s| s.weight_norm),
            Spark::default(),
            last.map_or("–".into(), |s| num(s.weight_norm)),
            last.map_or(f64::NAN, |s| s.weight_norm),
        ),
        "gnorm" => shown(
            series(&|s| s.grad_norm),
            Spark { log: true, ..Spark::default() },
            last.map_or("–".into(), |s| num(s.grad_norm)),
            last.map_or(f64::NAN, |s| s.grad_norm),
        ),
        _ => {
            let r = track.recent_median(|s| s.update_ratio);
            let scale =
                Spark { log: true, band: Some(RATIO_BAND), reference: Some(RATIO_REFERENCE), ..Spark::default() };
            let text = if r.is_finite() { num(r) } else { "–".into() };
            Cell::Shown(MetricCell {
                values: series(&|s| s.update_ratio),
                scale,
                text,
                value: r,
                band: Some(ratio_band(r)),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::layer_stats::LayerStats;
    use crate::engine::link as codec;
    use crate::engine::trainer::Trainer;

    /// Live statistics of `link` after `steps` observed steps.
    fn stats(link: &str, steps: usize) -> LayerStats {
        let mut trainer = Trainer::from_config(&codec::decode(link).0).unwrap();
        let mut live = crate::engine::instruments::Live::attach(&mut trainer);
        for _ in 0..steps {
            trainer.step();
            live.layers.observe(&trainer);
        }
        live.layers
    }

    fn shown(c: Cell) -> MetricCell {
        match c {
            Cell::Shown(m) => m,
            Cell::NotApplicable => panic!("not applicable"),
        }
    }

    #[test]
    fn before_any_step_every_cell_shows_a_dash() {
        let s = stats("net=4:relu", 0);
        for metric in METRICS {
            let c = shown(cell(metric, &s.layers[0]));
            assert_eq!(c.text, "–", "{metric}");
            assert!(c.value.is_nan() && c.values.is_empty(), "{metric}");
        }
        assert_eq!(shown(cell("ratio", &s.layers[0])).band, Some(""));
    }

    #[test]
    fn cells_show_the_last_sample_with_their_scales() {
        let s = stats("net=4:relu", 3);
        let track = &s.layers[0];
        let last = *track.last().unwrap();
        let act = shown(cell("act", track));
        assert_eq!(act.text, format!("{} ± {}", num(last.act_mean), num(last.act_std)));
        assert_eq!(act.value, last.act_std);
        assert_eq!(act.values.len(), 3);
        let dead = shown(cell("dead", track));
        assert_eq!(dead.text, percent(last.dead.unwrap(), 0));
        assert_eq!(dead.spark().range, Some((0.0, 1.0)));
        let g = shown(cell("gnorm", track));
        assert!(g.spark().log && g.value == last.grad_norm);
        let ratio = shown(cell("ratio", track));
        assert_eq!(ratio.value, track.recent_median(|s| s.update_ratio));
        assert_eq!(ratio.spark().reference, Some(1e-3));
        assert_eq!(ratio.band, Some(ratio_band(ratio.value)));
        assert_eq!(ratio.spark().values.len(), 3);
    }

    #[test]
    fn metric_labels_are_short_words() {
        let labels: Vec<String> = METRICS.iter().map(|m| metric_label(m)).collect();
        assert_eq!(labels, ["act. mean ± std", "dead", "saturated", "‖W‖", "‖∇W‖", "update/‖W‖"]);
    }

    #[test]
    fn dead_share_does_not_apply_to_tanh() {
        let s = stats("net=4:tanh", 2);
        assert_eq!(cell("dead", &s.layers[0]), Cell::NotApplicable);
        assert!(matches!(cell("sat", &s.layers[0]), Cell::Shown(_)));
    }
}
