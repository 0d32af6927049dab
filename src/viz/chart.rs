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

use plotters::chart::SeriesAnno;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

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
    /// The curves, drawn in order (later ones on top).
    pub curves: Vec<Curve>,
    /// Description of the x axis, e.g. `step` (none if empty).
    pub x_label: String,
    /// Shaded horizontal y-bands `(lo, hi)`, e.g. an update-ratio target band
    /// 1e-4..1e-2; may be empty. The y range grows to include them.
    pub bands: Vec<(f64, f64)>,
}

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
/// Dash length and gap of dashed curves, px.
const DASH: (i32, i32) = (6, 4);
/// Largest decade exponent a log range may reach (beyond, f64 turns
/// subnormal and `10^e` loses its meaning).
const MAX_DECADE: f64 = 300.0;

/// Relative widening of a log y axis beyond its whole decades.
const LOG_NUDGE: f64 = 1e-9;

/// Turns any displayable error (plotters' drawing errors) into text.
fn err(e: impl std::fmt::Display) -> String {
    format!("chart: {e}")
}

/// Draws `spec` into `area`: white background, optional title, axes with
/// ticks and descriptions, the bands, the curves, and a legend of the
/// labelled curves. Bad data never fails (see the module docs); an error
/// only comes from the backend itself.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, spec: &ChartSpec) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    if w < MIN_SIDE || h < MIN_SIDE {
        return Ok(());
    }
    let (x0, x1) = x_range(&spec.curves);
    let (y0, y1) = y_range_with_bands(&spec.curves, &spec.bands, spec.log_y);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(6)
        .margin_right(14)
        .x_label_area_size(if spec.x_label.is_empty() { 24 } else { 40 })
        .y_label_area_size(if spec.y_label.is_empty() { 44 } else { 58 });
    if !spec.title.is_empty() {
        builder.caption(&spec.title, (FONT, 17).into_font().color(&TEXT));
    }
    if spec.log_y {
        // Widened by a hair so that rounding in plotters' decade ticks
        // (ln 1e-4 / ln 10 = −3.9999…) keeps the end decades labelled.
        let y_axis = (y0 * (1.0 - LOG_NUDGE))..(y1 * (1.0 + LOG_NUDGE));
        let chart = builder.build_cartesian_2d(x0..x1, y_axis.log_scale()).map_err(err)?;
        draw_into(chart, spec, (x0, x1), (y0, y1))
    } else {
        let chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
        draw_into(chart, spec, (x0, x1), (y0, y1))
    }
}

/// The body of [`draw`] for either kind of y axis.
fn draw_into<'a, DB, Y>(
    mut chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    spec: &ChartSpec,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    // Ticks computed as lo + k·step can land a rounding error away from 0
    // (−5.55e-17): snap anything within 1e-9 of the span to 0.
    let x_fmt = |v: &f64| format_tick(snap_zero(*v, x1 - x0));
    let y_fmt = |v: &f64| format_tick(snap_zero(*v, y1 - y0));
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(6)
        .y_labels(6)
        .max_light_lines(1)
        .label_style((FONT, 14).into_font().color(&TEXT))
        .axis_desc_style((FONT, 15).into_font().color(&TEXT))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(RGBColor(244, 244, 244))
        .axis_style(RGBColor(150, 150, 150));
    if !spec.x_label.is_empty() {
        mesh.x_desc(spec.x_label.as_str());
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
        draw_curve(&mut chart, curve, spec.log_y)?;
    }

    if spec.curves.iter().any(|c| !c.label.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .label_font((FONT, 14).into_font().color(&TEXT))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

/// Draws one curve as runs of plottable points (a single-point run as a dot)
/// and gives its first run the legend entry.
fn draw_curve<'a, DB, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    curve: &Curve,
    log_y: bool,
) -> Result<(), String>
where
    DB: DrawingBackend + 'a,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let [r, g, b] = curve.color;
    let color = RGBColor(r, g, b);
    let style = color.stroke_width(CURVE_PX);
    let runs = runs(&curve.points, log_y);
    for (i, run) in runs.iter().enumerate() {
        let anno = match run.as_slice() {
            [single] => chart.draw_series(std::iter::once(Circle::new(*single, CURVE_PX + 1, color.filled()))),
            _ if curve.dashed => chart.draw_series(DashedLineSeries::new(run.iter().copied(), DASH.0, DASH.1, style)),
            _ => chart.draw_series(LineSeries::new(run.iter().copied(), style)),
        }
        .map_err(err)?;
        if i == 0 {
            add_legend(anno, curve, style);
        }
    }
    if runs.is_empty() {
        // A curve with nothing to plot still gets its legend entry.
        let anno = chart.draw_series(LineSeries::new(std::iter::empty(), style)).map_err(err)?;
        add_legend(anno, curve, style);
    }
    Ok(())
}

/// Gives a drawn series the curve's legend entry (none for an empty label):
/// a short solid or dashed line sample.
fn add_legend<DB: DrawingBackend>(anno: &mut SeriesAnno<'_, DB>, curve: &Curve, style: ShapeStyle) {
    if curve.label.is_empty() {
        return;
    }
    anno.label(curve.label.as_str());
    if curve.dashed {
        anno.legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 18, y)], 5, 3, style));
    } else {
        anno.legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
}

/// Whether a point can be plotted: finite, and positive on a log axis.
fn plottable(&(x, y): &(f64, f64), log_y: bool) -> bool {
    x.is_finite() && y.is_finite() && (!log_y || y > 0.0)
}

/// The maximal runs of consecutive plottable points (see [`plottable`]).
fn runs(points: &[(f64, f64)], log_y: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for p in points {
        if !plottable(p, log_y) {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(run) if open => run.push(*p),
            _ => out.push(vec![*p]),
        }
        open = true;
    }
    out
}

/// x-range of the curves: min..max of the x values of finite points; `(0, 1)` when
/// there is none, `x .. x + max(1, 10 % of |x|)` for a single x.
pub fn x_range(curves: &[Curve]) -> (f64, f64) {
    let xs = curves.iter().flat_map(|c| c.points.iter()).filter(|p| plottable(p, false)).map(|p| p.0);
    match min_max(xs) {
        None => (0.0, 1.0),
        Some((lo, hi)) if lo < hi => (lo, hi),
        // One x (e.g. step 0 only): extend to the right, since steps and
        // epochs only grow.
        Some((x, _)) => (x, x + (x.abs() * 0.1).max(1.0)),
    }
}

/// y-range of the curves, always finite with lo < hi. Only plottable
/// points count: a point with a NaN or ±∞ coordinate is skipped.
///
/// Linear: min..max padded by 5 % of the span on each side, but not below 0
/// when every value is ≥ 0 (a loss axis starts at 0 rather than −0.01); a
/// single value v gets v ± 10 % (± 1 for 0); no data gives `(0, 1)`.
/// Log: non-positive values are skipped too; the range is widened outward to
/// whole decades (`10^⌊log₁₀ min⌋ .. 10^⌈log₁₀ max⌉`), one decade on each
/// side more when that leaves a single value (an exact power of ten); no data
/// gives `(0.01, 1)`.
pub fn y_range(curves: &[Curve], log_y: bool) -> (f64, f64) {
    y_range_with_bands(curves, &[], log_y)
}

/// [`y_range`] over the curves' values and the finite band edges.
fn y_range_with_bands(curves: &[Curve], bands: &[(f64, f64)], log_y: bool) -> (f64, f64) {
    let ys = curves
        .iter()
        .flat_map(|c| c.points.iter().filter(|p| plottable(p, log_y)).map(|p| p.1))
        .chain(bands.iter().flat_map(|&(a, b)| [a, b]).filter(|y| y.is_finite() && (!log_y || *y > 0.0)));
    let range = min_max(ys);
    if log_y {
        log_range(range)
    } else {
        linear_range(range)
    }
}

/// Smallest and largest of an iterator of finite values.
fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The linear case of [`y_range`].
fn linear_range(range: Option<(f64, f64)>) -> (f64, f64) {
    match range {
        None => (0.0, 1.0),
        Some((lo, hi)) if lo < hi => {
            let pad = 0.05 * (hi - lo);
            let bottom = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
            let (bottom, top) = (bottom, hi + pad);
            if bottom.is_finite() && top.is_finite() {
                (bottom, top)
            } else {
                // A span near f64::MAX overflows the padding: show it unpadded.
                (lo, hi)
            }
        }
        Some((v, _)) => {
            let pad = if v == 0.0 { 1.0 } else { v.abs() * 0.1 };
            (v - pad, v + pad)
        }
    }
}

/// The log case of [`y_range`]: positive values widened to whole decades.
fn log_range(range: Option<(f64, f64)>) -> (f64, f64) {
    let Some((lo, hi)) = range else {
        return (0.01, 1.0);
    };
    let mut e_lo = decade_floor(lo);
    let mut e_hi = decade_ceil(hi);
    if e_lo >= e_hi {
        e_lo -= 1.0;
        e_hi += 1.0;
    }
    (pow10(e_lo.max(-MAX_DECADE)), pow10(e_hi.min(MAX_DECADE)))
}

/// `10^e` for an integral `e`.
fn pow10(e: f64) -> f64 {
    10f64.powi(e as i32)
}

/// The largest integer e with `10^e ≤ v` (v > 0), exact at powers of ten
/// despite `log10` rounding.
fn decade_floor(v: f64) -> f64 {
    let mut e = libm::log10(v).floor().clamp(-MAX_DECADE, MAX_DECADE);
    if pow10(e) > v {
        e -= 1.0;
    } else if pow10(e + 1.0) <= v {
        e += 1.0;
    }
    e
}

/// The smallest integer e with `10^e ≥ v` (v > 0), exact at powers of ten.
fn decade_ceil(v: f64) -> f64 {
    let mut e = libm::log10(v).ceil().clamp(-MAX_DECADE, MAX_DECADE);
    if pow10(e) < v {
        e += 1.0;
    } else if pow10(e - 1.0) >= v {
        e -= 1.0;
    }
    e
}

/// `v`, or 0 when it is within 1e-9·span of 0 (a rounding artefact).
fn snap_zero(v: f64, span: f64) -> f64 {
    if v.abs() <= span.abs() * 1e-9 {
        0.0
    } else {
        v
    }
}

/// A short tick label: `0`; `25k`, `1.5M` for large values, `5.5e11` from 1e9; `1e-4`,
/// `2.5e-5` below 0.001; otherwise up to four significant digits without
/// trailing zeros (`0.25`, `12.5`, `1234`).
pub fn format_tick(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a >= 1e9 {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_decimal(mantissa.to_string())),
            None => s,
        }
    } else if a >= 1e6 {
        format!("{}M", trim_decimal(format!("{:.2}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim_decimal(format!("{:.1}", v / 1e3)))
    } else if a < 1e-3 {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_decimal(mantissa.to_string())),
            None => s,
        }
    } else {
        let decimals = (3.0 - libm::log10(a).floor()).clamp(0.0, 6.0) as usize;
        trim_decimal(format!("{v:.decimals$}"))
    }
}

/// Drops trailing zeros after a decimal point, and the point itself.
fn trim_decimal(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn y_range_linear_cases() {
        assert_eq!(y_range(&[], false), (0.0, 1.0));
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(y_range(&c(vec![]), false), (0.0, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 2.0)]), false), (1.8, 2.2));
        assert_eq!(y_range(&c(vec![(0.0, 0.0)]), false), (-1.0, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, -5.0)]), false), (-5.5, -4.5));
        // Loss-like data: padded above, clamped at 0 below.
        assert_eq!(y_range(&c(vec![(0.0, 0.1), (1.0, 2.1)]), false), (0.0, 2.2));
        assert_eq!(y_range(&c(vec![(0.0, 10.0), (1.0, 20.0)]), false), (9.5, 20.5));
        assert_eq!(y_range(&c(vec![(0.0, -1.0), (1.0, 1.0)]), false), (-1.1, 1.1));
        // NaN and ±∞ are skipped, across curves.
        let mixed = vec![
            curve("", vec![(0.0, f64::NAN), (1.0, 4.0)], [0, 0, 0], false),
            curve("", vec![(0.0, f64::INFINITY), (1.0, 2.0), (2.0, f64::NEG_INFINITY)], [0, 0, 0], false),
        ];
        assert_eq!(y_range(&mixed, false), (1.9, 4.1));
        assert_eq!(y_range(&c(vec![(f64::NAN, 5.0)]), false), (0.0, 1.0), "a point without x is not plotted");
        let (lo, hi) = y_range(&c(vec![(0.0, f64::MAX), (1.0, -f64::MAX)]), false);
        assert!(lo.is_finite() && hi.is_finite() && lo < hi);
    }

    #[test]
    fn y_range_log_cases() {
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(y_range(&[], true), (0.01, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 0.0), (1.0, -3.0)]), true), (0.01, 1.0));
        // Whole decades around the data, non-positive values skipped.
        assert_eq!(y_range(&c(vec![(0.0, 0.03), (1.0, 0.0), (2.0, 0.7)]), true), (0.01, 1.0));
        assert_eq!(y_range(&c(vec![(0.0, 2e-5), (1.0, 300.0)]), true), (1e-5, 1000.0));
        // Exact powers of ten stay the bounds.
        assert_eq!(y_range(&c(vec![(0.0, 1e-3), (1.0, 1000.0)]), true), (1e-3, 1000.0));
        // A single value (a power of ten or not) still spans at least a decade.
        assert_eq!(y_range(&c(vec![(0.0, 1.0)]), true), (0.1, 10.0));
        assert_eq!(y_range(&c(vec![(0.0, 0.5)]), true), (0.1, 1.0));
        // Extremes stay finite and positive.
        let (lo, hi) = y_range(&c(vec![(0.0, f64::MIN_POSITIVE / 1e10), (1.0, f64::MAX)]), true);
        assert!(lo > 0.0 && hi.is_finite() && lo < hi, "({lo}, {hi})");
    }

    #[test]
    fn bands_widen_the_y_range() {
        let curves = vec![curve("", vec![(0.0, 0.5), (1.0, 0.6)], [0, 0, 0], false)];
        assert_eq!(y_range_with_bands(&curves, &[(1e-3, 1e-2)], true), (1e-3, 1.0));
        assert_eq!(y_range_with_bands(&curves, &[(f64::NAN, 0.0)], true), (0.1, 1.0));
    }

    #[test]
    fn x_range_cases() {
        assert_eq!(x_range(&[]), (0.0, 1.0));
        let c = |pts: Vec<(f64, f64)>| vec![curve("", pts, [0, 0, 0], false)];
        assert_eq!(x_range(&c(vec![(0.0, 1.0)])), (0.0, 1.0));
        assert_eq!(x_range(&c(vec![(100.0, 1.0)])), (100.0, 110.0));
        assert_eq!(x_range(&c(vec![(3.0, 1.0), (f64::NAN, 1.0), (9.0, 2.0), (20.0, f64::NAN)])), (3.0, 9.0));
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(1.0), "1");
        assert_eq!(format_tick(0.25), "0.25");
        assert_eq!(format_tick(0.1), "0.1");
        assert_eq!(format_tick(12.5), "12.5");
        assert_eq!(format_tick(1234.0), "1234");
        assert_eq!(format_tick(25_000.0), "25k");
        assert_eq!(format_tick(1_500_000.0), "1.5M");
        assert_eq!(format_tick(5.5e11), "5.5e11");
        assert_eq!(snap_zero(-5.55e-17, 0.8), 0.0);
        assert_eq!(snap_zero(1e-13, 1e-12), 1e-13);
        assert_eq!(format_tick(1e-4), "1e-4");
        assert_eq!(format_tick(2.5e-5), "2.5e-5");
        assert_eq!(format_tick(-0.5), "-0.5");
        assert_eq!(format_tick(0.30000000000000004), "0.3");
    }
}
