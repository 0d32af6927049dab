//! Line charts of training curves (loss, accuracy, gradient norms, update
//! ratios) over steps, drawn with plotters against any `DrawingBackend`: the
//! page passes plotters-canvas's `CanvasBackend`, the native tests plotters'
//! `SVGBackend` (text then becomes `<text>` elements, so no font crate is
//! needed on either side).
//!
//! Robustness: curves come straight from training history, so they may be
//! empty, hold a single point, or hold NaN / ±∞ after a divergence. Such
//! points are never plotted: they split a curve into separate runs (a gap
//! where the value was not finite), and the axis ranges ignore them. On a log
//! axis, non-positive values are treated the same way. A chart always draws,
//! even with no data at all.
//!
//! Where things live:
//! - this file: what a chart shows ([`ChartSpec`], [`Curve`]);
//! - `draw.rs`: drawing a chart with plotters ([`draw`]);
//! - `range.rs`: the axis ranges ([`x_range`], [`y_range`]) and the runs
//!   of plottable points a curve splits into;
//! - `ticks.rs`: short tick labels ([`format_tick`]).

mod draw;
mod range;
mod ticks;

pub use draw::{draw, draw_scaled, Scale};
pub use range::{x_range, y_range};
pub use ticks::format_tick;

/// One curve: `(step, value)` points in step order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    /// Legend text (an empty label gets no legend entry).
    pub label: String,
    /// `(x, y)` points, usually `(step, value)`.
    pub points: Vec<(f64, f64)>,
    /// Line colour.
    pub color: [u8; 3],
    /// Dashed line (e.g. the test curve next to a solid train curve).
    pub dashed: bool,
}

/// Everything one chart shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSpec {
    /// Caption above the plot (none if empty).
    pub title: String,
    /// Description of the y axis (none if empty).
    pub y_label: String,
    /// Logarithmic y axis (loss over several decades, update ratios).
    pub log_y: bool,
    /// The x values are base-10 logarithms (a learning rate over eight
    /// decades): the axis is even in them and its ticks read `10^x`.
    pub x_log10: bool,
    /// A fixed x axis `(from, to)` (a slice from −1 to 1), instead of one
    /// fitted to the curves.
    pub x_fixed: Option<(f64, f64)>,
    /// The curves, drawn in order (later ones on top).
    pub curves: Vec<Curve>,
    /// Description of the x axis, e.g. `step` (none if empty).
    pub x_label: String,
    /// Shaded horizontal y-bands `(lo, hi)`, e.g. an update-ratio target band
    /// 1e-4..1e-2; may be empty. The y range grows to include them.
    pub bands: Vec<(f64, f64)>,
}
