//! Drawing a [`ChartSpec`] with plotters: background, caption, the mesh
//! with its ticks and axis descriptions, the y-bands, each curve as runs of
//! plottable points, and the legend in a strip under the plot. Also the chart's look: font, colours,
//! stroke widths.

use super::range::{log10_x_range, runs, x_range, y_range_with_bands};
use super::ticks::{format_tick, snap_zero};
use super::{ChartSpec, Curve};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Font family of every text (the canvas resolves it to the page's sans-serif).
const FONT: &str = "sans-serif";
/// Text colour.
const TEXT: RGBColor = RGBColor(60, 64, 67);
/// Fill of the y-bands (drawn at [`BAND_ALPHA`] opacity).
const BAND: RGBColor = RGBColor(0, 158, 115);
/// Opacity of the y-bands.
const BAND_ALPHA: f64 = 0.15;
/// Below this width or height (px) there is no room for axes: only the
/// background is painted.
const MIN_SIDE: u32 = 48;
/// Stroke width of the curves, px.
const CURVE_PX: u32 = 2;
/// Below this height (CSS px) a chart leaves out its title and x description.
const SHORT_PX: f64 = 170.0;
/// Height of the legend strip under the plot, px.
const LEGEND_PX: u32 = 22;
/// Dash length and gap of dashed curves, px.
const DASH: (u32, u32) = (6, 4);

/// Relative widening of a log y axis beyond its whole decades.
const LOG_NUDGE: f64 = 1e-9;

/// Device pixels per CSS pixel: every size of the chart's look (fonts,
/// margins, strokes, the legend) is written in CSS pixels and multiplied by
/// it, so a canvas drawn at its displayed size × devicePixelRatio is sharp
/// and looks the same on every screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale(pub f64);

impl Scale {
    /// `v` CSS pixels in device pixels.
    fn px(self, v: u32) -> u32 {
        (f64::from(v) * self.0).round().max(1.0) as u32
    }

    /// A signed length or coordinate in device pixels.
    fn i(self, v: i32) -> i32 {
        (f64::from(v) * self.0).round() as i32
    }

    /// A font size in device pixels.
    fn font(self, size: u32) -> f64 {
        f64::from(size) * self.0
    }
}

/// Turns any displayable error (plotters' drawing errors) into text.
fn err(e: impl std::fmt::Display) -> String {
    format!("chart: {e}")
}

/// Draws `spec` into `area`: white background, optional title, axes with
/// ticks and descriptions, the bands, the curves, and a legend of the
/// labelled curves. Bad data never fails (see the module docs); an error
/// only comes from the backend itself.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, spec: &ChartSpec) -> Result<(), String> {
    draw_scaled(area, spec, Scale(1.0))
}

/// [`draw`] with every size multiplied by `scale` (a canvas sized to its
/// displayed size × devicePixelRatio).
pub fn draw_scaled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    scale: Scale,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    if w < scale.px(MIN_SIDE) || h < scale.px(MIN_SIDE) {
        return Ok(());
    }
    // The legend goes in a strip under the plot, never over the curves.
    let labelled = spec.curves.iter().any(|c| !c.label.is_empty());
    let (plot, strip) = area.split_vertically(h - if labelled { scale.px(LEGEND_PX) } else { 0 });
    if labelled {
        draw_legend(&strip, &spec.curves, scale)?;
    }
    let area = &plot;
    // A short chart gives its room to the plot: no title, no x description
    // (the page names the chart beside it and in its text alternative).
    let short = f64::from(h) / scale.0 < SHORT_PX;
    let (title, x_label) = if short { ("", "") } else { (spec.title.as_str(), spec.x_label.as_str()) };
    // As many ticks as fit: about one per 30 CSS px of the plot's height
    // (what the title, x labels and legend leave), one per 70 of width.
    let fit = |side: f64, per: f64| ((side / per) as usize).clamp(2, 6);
    let used = (if title.is_empty() { 0 } else { 25 }) + (if x_label.is_empty() { 24 } else { 40 }) + LEGEND_PX;
    let ticks = (fit(f64::from(w) / scale.0, 70.0), fit(f64::from(h) / scale.0 - f64::from(used), 30.0));
    let (x0, x1) = match spec.x_fixed {
        Some((from, to)) if from < to => (from, to),
        _ if spec.x_log10 => log10_x_range(&spec.curves),
        _ => x_range(&spec.curves),
    };
    let (y0, y1) = y_range_with_bands(&spec.curves, &spec.bands, spec.log_y);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(scale.px(6))
        .margin_right(scale.px(14))
        .x_label_area_size(scale.px(if x_label.is_empty() { 24 } else { 40 }))
        .y_label_area_size(scale.px(if spec.y_label.is_empty() { 44 } else { 58 }));
    if !title.is_empty() {
        builder.caption(title, (FONT, scale.font(17)).into_font().color(&TEXT));
    }
    if spec.log_y {
        // Widened by a hair so that rounding in plotters' decade ticks
        // (ln 1e-4 / ln 10 = −3.9999…) keeps the end decades labelled.
        let y_axis = (y0 * (1.0 - LOG_NUDGE))..(y1 * (1.0 + LOG_NUDGE));
        let chart = builder.build_cartesian_2d(x0..x1, y_axis.log_scale()).map_err(err)?;
        draw_into(chart, spec, (x0, x1), (y0, y1), (scale, ticks, x_label))
    } else {
        let chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
        draw_into(chart, spec, (x0, x1), (y0, y1), (scale, ticks, x_label))
    }
}

/// The body of [`draw`] for either kind of y axis.
fn draw_into<'a, DB, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    spec: &ChartSpec,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    (scale, (x_ticks, y_ticks), x_label): (Scale, (usize, usize), &str),
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    // Ticks computed as lo + k·step can land a rounding error away from 0
    // (−5.55e-17): snap anything within 1e-9 of the span to 0.
    let x_fmt = |v: &f64| {
        let x = snap_zero(*v, x1 - x0);
        format_tick(if spec.x_log10 { crate::engine::math::pow(10.0, x) } else { x })
    };
    // (On a log axis every tick is a power of ten: nothing to snap.)
    let y_fmt = |v: &f64| format_tick(if spec.log_y { *v } else { snap_zero(*v, y1 - y0) });
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(x_ticks)
        .y_labels(y_ticks)
        .max_light_lines(1)
        .label_style((FONT, scale.font(14)).into_font().color(&TEXT))
        .axis_desc_style((FONT, scale.font(15)).into_font().color(&TEXT))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(RGBColor(244, 244, 244))
        .axis_style(RGBColor(150, 150, 150));
    if !x_label.is_empty() {
        mesh.x_desc(x_label);
    }
    if !spec.y_label.is_empty() {
        mesh.y_desc(spec.y_label.as_str());
    }
    mesh.draw().map_err(err)?;

    for &(a, b) in &spec.bands {
        let (lo, hi) = (a.min(b).max(y0), a.max(b).min(y1));
        if lo.is_finite() && hi.is_finite() && lo < hi {
            let band = Rectangle::new([(x0, lo), (x1, hi)], BAND.mix(BAND_ALPHA).filled());
            chart.draw_series(std::iter::once(band)).map_err(err)?;
        }
    }

    for curve in &spec.curves {
        draw_curve(&mut chart, curve, spec.log_y, scale)?;
    }

    Ok(())
}

/// The legend, left to right in `strip`: per labelled curve a short line
/// sample (dashed for a dashed curve) and its label.
fn draw_legend<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    curves: &[Curve],
    scale: Scale,
) -> Result<(), String> {
    let font = (FONT, scale.font(14)).into_font().color(&TEXT);
    let y = scale.i(LEGEND_PX as i32 / 2);
    let mut x = scale.i(52); // under the plot, past the y axis's labels
    for curve in curves.iter().filter(|c| !c.label.is_empty()) {
        let [r, g, b] = curve.color;
        let style = RGBColor(r, g, b).stroke_width(scale.px(CURVE_PX));
        let sample = vec![(x, y), (x + scale.i(18), y)];
        if curve.dashed {
            strip.draw(&DashedPathElement::new(sample, scale.px(5), scale.px(3), style)).map_err(err)?;
        } else {
            strip.draw(&PathElement::new(sample, style)).map_err(err)?;
        }
        x += scale.i(24);
        strip.draw(&Text::new(curve.label.as_str(), (x, y - scale.i(8)), font.clone())).map_err(err)?;
        let (w, _) = strip.estimate_text_size(&curve.label, &font).map_err(err)?;
        x += w as i32 + scale.i(16);
    }
    Ok(())
}

/// Draws one curve as runs of plottable points (a single-point run as a dot)
/// and gives its first run the legend entry.
fn draw_curve<'a, DB, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    curve: &Curve,
    log_y: bool,
    scale: Scale,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let [r, g, b] = curve.color;
    let color = RGBColor(r, g, b);
    let style = color.stroke_width(scale.px(CURVE_PX));
    let runs = runs(&curve.points, log_y);
    for run in &runs {
        match run.as_slice() {
            [single] => {
                chart.draw_series(std::iter::once(Circle::new(*single, scale.px(CURVE_PX + 1), color.filled())))
            }
            _ if curve.dashed => {
                chart.draw_series(DashedLineSeries::new(run.iter().copied(), scale.px(DASH.0), scale.px(DASH.1), style))
            }
            _ => chart.draw_series(LineSeries::new(run.iter().copied(), style)),
        }
        .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::chart::y_range;

    /// Renders `spec` as an SVG document of `w`×`h` px (also saved into
    /// `$GRADLAB_SVG_DIR` when set, to look at the charts).
    fn svg(spec: &ChartSpec, w: u32, h: u32) -> String {
        let mut out = String::new();
        {
            let area = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            draw(&area, spec).expect("chart draws");
            area.present().expect("svg is written");
        }
        if let Some(dir) = std::env::var_os("GRADLAB_SVG_DIR") {
            let name = format!("chart-{}-{w}x{h}-{}.svg", spec.title.replace(' ', "_"), out.len());
            std::fs::write(std::path::Path::new(&dir).join(name), &out).ok();
        }
        out
    }

    fn curve(label: &str, points: Vec<(f64, f64)>, color: [u8; 3], dashed: bool) -> Curve {
        Curve { label: label.to_string(), points, color, dashed }
    }

    fn loss_spec() -> ChartSpec {
        let train: Vec<(f64, f64)> = (0..50).map(|s| (s as f64 * 10.0, 0.7 * libm::exp(-0.05 * s as f64))).collect();
        let test: Vec<(f64, f64)> = (0..50).map(|s| (s as f64 * 10.0, 0.75 * libm::exp(-0.04 * s as f64))).collect();
        ChartSpec {
            title: "Loss over steps".to_string(),
            y_label: "loss".to_string(),
            x_label: "step".to_string(),
            curves: vec![curve("train", train, [8, 119, 189], false), curve("test", test, [245, 147, 34], true)],
            ..ChartSpec::default()
        }
    }

    fn is_valid_svg(s: &str) -> bool {
        s.trim_start().starts_with("<svg") && s.trim_end().ends_with("</svg>")
    }

    /// The contents of the SVG's `<text>` elements, trimmed.
    fn texts(s: &str) -> Vec<String> {
        s.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
            .collect()
    }

    /// Whether some `<text>` element of the SVG reads exactly `t`.
    fn has_text(s: &str, t: &str) -> bool {
        texts(s).iter().any(|x| x == t)
    }

    /// Number of occurrences of `needle`, ignoring ASCII case.
    fn count(hay: &str, needle: &str) -> usize {
        hay.to_ascii_lowercase().matches(&needle.to_ascii_lowercase()).count()
    }

    #[test]
    fn a_scaled_chart_draws_every_size_times_the_scale() {
        let spec = ChartSpec {
            curves: vec![curve("train", vec![(0.0, 1.0), (10.0, 0.1)], [0, 0, 0], false)],
            ..ChartSpec::default()
        };
        let font_of = |out: &str| -> f64 {
            let at = out.find(">\ntrain\n<").expect("the legend label");
            let tag = &out[out[..at].rfind("<text").expect("a text element")..at];
            tag.split("font-size=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .expect("a size")
        };
        let one = svg(&spec, 360, 180);
        let mut two = String::new();
        {
            let area = SVGBackend::with_string(&mut two, (720, 360)).into_drawing_area();
            draw_scaled(&area, &spec, Scale(2.0)).expect("chart draws");
            area.present().expect("svg is written");
        }
        let (a, b) = (font_of(&one), font_of(&two));
        assert!((b / a - 2.0).abs() < 1e-9, "label font {a} at scale 1, {b} at scale 2");
        assert!(two.contains("stroke-width=\"4\""), "curves are not drawn twice as thick");
    }

    #[test]
    fn the_legend_sits_under_the_plot_not_over_the_curves() {
        let spec = ChartSpec {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            curves: vec![
                curve("train", vec![(0.0, 1.0), (10.0, 0.1)], [0, 0, 0], false),
                curve("test", vec![(0.0, 1.1), (10.0, 0.2)], [230, 120, 0], true),
            ],
            ..ChartSpec::default()
        };
        let out = svg(&spec, 360, 180);
        for label in ["train", "test"] {
            let at = out.find(&format!(">\n{label}\n<")).expect("the label is drawn");
            let tag = &out[out[..at].rfind("<text").expect("a text element")..at];
            let y: f64 =
                tag.split("y=\"").nth(1).and_then(|v| v.split('"').next()).and_then(|v| v.parse().ok()).expect("a y");
            assert!(y >= f64::from(180 - LEGEND_PX), "{label} drawn at y = {y}, inside the plot");
        }
    }

    #[test]
    fn chart_svg_holds_both_curves_the_title_and_the_legend() {
        let s = svg(&loss_spec(), 480, 240);
        assert!(is_valid_svg(&s));
        assert!(has_text(&s, "Loss over steps"), "title in {:?}", texts(&s));
        assert!(has_text(&s, "step") && has_text(&s, "loss"), "axis descriptions");
        assert!(has_text(&s, "train") && has_text(&s, "test"), "legend entries");
        // The solid train curve is one polyline in its colour (+1 legend sample);
        // the dashed test curve is many short dashes in its colour.
        assert!(count(&s, "stroke=\"#0877BD\"") >= 2, "train curve path");
        assert!(count(&s, "stroke=\"#F59322\"") > 10, "dashed test curve");
    }

    #[test]
    fn log_scale_spans_decades() {
        let pts: Vec<(f64, f64)> = (0..=40).map(|s| (s as f64, libm::pow(10.0, -(s as f64) / 10.0))).collect();
        assert_eq!(pts.last().map(|p| p.1), Some(1e-4));
        let spec = ChartSpec {
            title: "Update ratio".to_string(),
            log_y: true,
            curves: vec![curve("layer 1", pts.clone(), [0, 158, 115], false)],
            bands: vec![(1e-3, 1e-2)],
            ..ChartSpec::default()
        };
        let (lo, hi) = y_range(&spec.curves, true);
        assert_eq!((lo, hi), (1e-4, 1.0));
        let s = svg(&spec, 480, 300);
        assert!(is_valid_svg(&s));
        // Decade ticks from 1e-4 to 1 are labelled.
        for label in ["1e-4", "0.001", "0.01", "0.1", "1"] {
            assert!(has_text(&s, label), "tick {label} missing from {:?}", texts(&s));
        }
        assert!(count(&s, "stroke=\"#009E73\"") >= 2, "the curve");
        assert!(s.contains("fill=\"#009E73\""), "the band");
    }

    /// A log axis over twelve decades (a diverging run next to a healthy
    /// one): its small ticks keep their values; none reads "0".
    #[test]
    fn a_log_axis_over_many_decades_never_labels_a_tick_zero() {
        let spec = ChartSpec {
            log_y: true,
            curves: vec![curve("", vec![(100.0, 0.1), (300.0, 1.2e11)], [0, 0, 0], false)],
            ..ChartSpec::default()
        };
        let s = svg(&spec, 420, 200);
        let labels = texts(&s);
        assert!(!has_text(&s, "0"), "{labels:?}");
        assert!(has_text(&s, "1") || has_text(&s, "0.1") || has_text(&s, "10"), "{labels:?}");
    }

    /// Learning rates over eight decades, as log10: the ticks read the
    /// rates (1e-6, 0.01, 1), never the exponents (−6, −2, 0).
    #[test]
    fn a_log10_x_axis_reads_the_values() {
        let pts: Vec<(f64, f64)> = (0..=80).map(|i| (-7.0 + f64::from(i) / 10.0, 1.0)).collect();
        let spec = ChartSpec { x_log10: true, curves: vec![curve("", pts, [0, 0, 0], false)], ..ChartSpec::default() };
        let s = svg(&spec, 480, 240);
        let labels = texts(&s);
        assert!(has_text(&s, "1e-6") && has_text(&s, "0.01"), "{labels:?}");
        assert!(!has_text(&s, "-6") && !has_text(&s, "-2"), "{labels:?}");
        assert!(!has_text(&s, "100"), "the axis ends at the data (1e1), not a step axis's least span: {labels:?}");
    }

    /// A fixed x axis from −1 to 1 is not widened to a step axis's 10.
    #[test]
    fn a_fixed_x_axis_keeps_its_ends() {
        let pts: Vec<(f64, f64)> = (0..=20).map(|i| (-1.0 + f64::from(i) / 10.0, 1.0 + f64::from(i))).collect();
        let spec = ChartSpec {
            x_fixed: Some((-1.0, 1.0)),
            curves: vec![curve("", pts, [0, 0, 0], false)],
            ..ChartSpec::default()
        };
        let s = svg(&spec, 480, 240);
        assert!(has_text(&s, "0") && !has_text(&s, "8") && !has_text(&s, "6"), "{:?}", texts(&s));
    }

    #[test]
    fn empty_nan_and_infinite_curves_still_make_a_chart() {
        let spec = ChartSpec {
            title: "Nothing yet".to_string(),
            curves: vec![
                curve("empty", vec![], [1, 2, 3], false),
                curve("nan", vec![(0.0, f64::NAN), (1.0, f64::INFINITY), (f64::NAN, 1.0)], [4, 5, 6], true),
            ],
            bands: vec![(f64::NEG_INFINITY, f64::NAN)],
            ..ChartSpec::default()
        };
        for log_y in [false, true] {
            let s = svg(&ChartSpec { log_y, ..spec.clone() }, 320, 200);
            assert!(is_valid_svg(&s));
            assert!(has_text(&s, "Nothing yet"));
            assert!(has_text(&s, "empty") && has_text(&s, "nan"), "legend kept for curves without data");
        }
        assert!(is_valid_svg(&svg(&ChartSpec::default(), 320, 200)));
    }

    #[test]
    fn non_finite_values_split_a_curve_into_runs() {
        let pts = vec![(0.0, 1.0), (1.0, 0.5), (2.0, f64::NAN), (3.0, 0.4), (4.0, 0.0), (5.0, 0.3), (6.0, 0.2)];
        assert_eq!(runs(&pts, false).len(), 2);
        let log_runs = runs(&pts, true);
        assert_eq!(log_runs, vec![vec![(0.0, 1.0), (1.0, 0.5)], vec![(3.0, 0.4)], vec![(5.0, 0.3), (6.0, 0.2)]]);
        // A diverged curve still charts: the single point (3, 0.4) is a dot.
        let spec = ChartSpec {
            log_y: true,
            curves: vec![curve("diverged", pts, [8, 119, 189], false)],
            ..ChartSpec::default()
        };
        let s = svg(&spec, 320, 200);
        assert!(is_valid_svg(&s));
        assert!(s.contains("<circle"), "single-point run drawn as a dot");
    }

    #[test]
    fn tiny_areas_paint_only_the_background() {
        let s = svg(&loss_spec(), 20, 10);
        assert!(is_valid_svg(&s));
        assert!(texts(&s).is_empty());
        assert!(is_valid_svg(&svg(&loss_spec(), 0, 0)));
    }
}
