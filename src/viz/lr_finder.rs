//! The learning-rate finder's chart: the smoothed loss against the learning
//! rate on a log axis (x = log10 of the rate), without the last 5 points
//! when the loss blew up there (as fastai plots it: the blow-up would
//! flatten the rest), a vertical line at each
//! suggested rate in its rule's colour, and one at the run's own rate when
//! the page shows it. The legend is the page's list of suggestions, so the
//! curves carry no labels and nothing covers them.

use super::chart::{ChartSpec, Curve};
use crate::engine::instruments::lr_finder::{RangeTest, Rule};
use crate::engine::math;

/// The smoothed loss's colour.
pub const LOSS_COLOR: [u8; 3] = [8, 119, 189];
/// The run's own rate: dark grey, dashed.
pub const CURRENT_COLOR: [u8; 3] = [60, 60, 60];

/// A rule's colour (Okabe–Ito, told apart by colour-blind readers too);
/// the page's list uses the same ones.
pub fn rule_color(rule: Rule) -> [u8; 3] {
    match rule {
        Rule::Valley => [0, 158, 115],
        Rule::Steep => [213, 94, 0],
        Rule::MinimumTenth => [204, 121, 167],
    }
}

/// The chart of a range test; `current` is the run's rate (`None`: hidden).
pub fn chart(test: &RangeTest, current: Option<f64>) -> ChartSpec {
    let shown = test.shown();
    let points: Vec<(f64, f64)> =
        test.lrs[shown.clone()].iter().zip(&test.smoothed[shown]).map(|(&lr, &l)| (math::log10(lr), l)).collect();
    let finite = || points.iter().map(|p| p.1).filter(|l| l.is_finite());
    let (lo, hi) = (finite().fold(f64::INFINITY, f64::min), finite().fold(f64::NEG_INFINITY, f64::max));
    let vertical = |lr: f64, color: [u8; 3], dashed: bool| Curve {
        label: String::new(),
        points: if lo <= hi { vec![(math::log10(lr), lo), (math::log10(lr), hi)] } else { Vec::new() },
        color,
        dashed,
    };
    let mut curves = vec![Curve { label: String::new(), points, color: LOSS_COLOR, dashed: false }];
    curves.extend(test.suggestions.iter().map(|s| vertical(s.lr, rule_color(s.rule), false)));
    if let Some(lr) = current.filter(|lr| *lr > 0.0) {
        curves.push(vertical(lr, CURRENT_COLOR, true));
    }
    ChartSpec {
        title: crate::tr!("viz.lr_finder.title"),
        y_label: crate::tr!("viz.lr_finder.loss"),
        x_label: crate::tr!("viz.lr_finder.lr"),
        x_log10: true,
        curves,
        ..ChartSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::lr_finder::{lr_at, smooth, suggest, Stop, STEPS};

    /// A parabola's test: the loss curve in log10 of the rates, a line per
    /// suggestion at its rate spanning the loss's range, the run's rate
    /// dashed, and none when it is hidden.
    #[test]
    fn the_chart_marks_each_suggestion_at_its_rate() {
        let lrs: Vec<f64> = (0..STEPS).map(lr_at).collect();
        let losses: Vec<f64> = (0..STEPS).map(|i| (i as f64 - 60.0).powi(2) / 100.0 + 1.0).collect();
        let smoothed = smooth(&losses);
        let suggestions = suggest(&lrs, &smoothed);
        let test = RangeTest { from_step: 0, lrs, losses, smoothed, stop: Stop::LossBlewUp, suggestions };
        let spec = chart(&test, Some(0.03));
        assert!(spec.x_log10);
        assert_eq!(spec.curves.len(), 1 + 3 + 1);
        assert!((spec.curves[0].points[50].0 - -3.0).abs() < 1e-12, "lr 1e-3 at x = −3");
        assert_eq!(spec.curves[0].points.len(), STEPS - 5, "the last 5 points are not drawn");
        let valley = &spec.curves[1];
        assert_eq!(valley.color, rule_color(Rule::Valley));
        let x = math::log10(test.suggestion(Rule::Valley).unwrap().lr);
        assert!(valley.points.iter().all(|p| p.0 == x));
        let span = valley.points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min)
            ..=valley.points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        assert!(test.smoothed.iter().all(|l| span.contains(l)), "the line spans the curve");
        let current = spec.curves.last().unwrap();
        assert!(current.dashed && (current.points[0].0 - math::log10(0.03)).abs() < 1e-12);
        assert_eq!(chart(&test, None).curves.len(), 1 + 3, "a hidden rate draws no line");
    }
}
