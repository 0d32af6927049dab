//! The rate measurement's two charts over a run (checklist 4.1), from the
//! live readout's history ([`Trace`]):
//! - **alpha per step** with its running median and the valley floor at 0:
//!   a median above 0 means the steps overshoot. Alpha has no upper bound
//!   (a diverging rate reads +30 and more), so values above [`ALPHA_CAP`]
//!   are drawn at the cap; the page's readings give the exact figures.
//!   Measurements are blocks of consecutive steps; the line breaks between
//!   blocks.
//! - **the top Hessian eigenvalue against `2/lr`**, log axis: above the
//!   dashed limit, a plain gradient step grows along the sharpest direction.
//!   The limit is left out when the link hides the learning rate (it would
//!   give the rate away).

use super::chart::{ChartSpec, Curve};
use crate::engine::instruments::cockpit::Trace;

/// Alphas above this are drawn at it.
pub const ALPHA_CAP: f64 = 3.0;
/// Each step's alpha: Okabe–Ito sky blue.
pub const ALPHA_COLOR: [u8; 3] = [86, 180, 233];
/// The running median: Okabe–Ito blue.
pub const MEDIAN_COLOR: [u8; 3] = [0, 114, 178];
/// The valley floor and the `2/lr` limit: dark grey.
pub const REFERENCE_COLOR: [u8; 3] = [90, 90, 90];
/// The top eigenvalue: Okabe–Ito vermillion.
pub const LAMBDA_COLOR: [u8; 3] = [213, 94, 0];

/// Texts of the charts in the page's language.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// The x axis (`step`).
    pub step: String,
    /// The alpha chart's y axis.
    pub alpha: String,
    /// Legend: each step's alpha.
    pub per_step: String,
    /// Legend: the running median.
    pub median: String,
    /// Legend: the valley floor.
    pub floor: String,
    /// The curvature chart's y axis.
    pub curvature: String,
    /// Legend: the top eigenvalue.
    pub lambda: String,
    /// Legend: the limit `2/lr`.
    pub limit: String,
}

/// `(step, value)` points as chart points, a gap (a NaN point) where the
/// steps jump by more than one.
fn blocks(points: &[(u64, f64)], cap: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() + 8);
    for (i, &(step, v)) in points.iter().enumerate() {
        if i > 0 && step > points[i - 1].0 + 1 {
            out.push((step as f64 - 0.5, f64::NAN));
        }
        out.push((step as f64, v.min(cap)));
    }
    out
}

/// Alpha per step, its running median and the floor at 0.
pub fn alpha_chart(trace: &Trace, l: &Labels) -> ChartSpec {
    let alphas = trace.alphas();
    let median = trace.running_median();
    let span = match (alphas.first(), alphas.last()) {
        (Some(a), Some(b)) => vec![(a.0 as f64, 0.0), (b.0 as f64, 0.0)],
        _ => Vec::new(),
    };
    let curves = vec![
        Curve { label: l.floor.clone(), points: span, color: REFERENCE_COLOR, dashed: true },
        Curve { label: l.per_step.clone(), points: blocks(&alphas, ALPHA_CAP), color: ALPHA_COLOR, dashed: false },
        Curve { label: l.median.clone(), points: blocks(&median, ALPHA_CAP), color: MEDIAN_COLOR, dashed: false },
    ];
    ChartSpec { x_label: l.step.clone(), y_label: l.alpha.clone(), curves, ..ChartSpec::default() }
}

/// The top eigenvalue per measurement against `2/lr` (with `show_lr`), log axis.
pub fn curvature_chart(trace: &Trace, l: &Labels, show_lr: bool) -> ChartSpec {
    let points = |v: Vec<(u64, f64)>| v.into_iter().map(|(s, y)| (s as f64, y)).collect();
    let mut curves =
        vec![Curve { label: l.lambda.clone(), points: points(trace.lambdas()), color: LAMBDA_COLOR, dashed: false }];
    if show_lr {
        curves.insert(
            0,
            Curve { label: l.limit.clone(), points: points(trace.limits()), color: REFERENCE_COLOR, dashed: true },
        );
    }
    ChartSpec { x_label: l.step.clone(), y_label: l.curvature.clone(), log_y: true, curves, ..ChartSpec::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::cockpit::with_alphas as report;

    fn trace() -> Trace {
        let mut t = Trace::default();
        t.push(&report(0, &[0.5, 40.0], 8.0, 0.5));
        t.push(&report(50, &[-0.5], 16.0, 0.25));
        t
    }

    #[test]
    fn alpha_breaks_between_blocks_caps_large_values_and_draws_the_floor() {
        let spec = alpha_chart(&trace(), &Labels::default());
        let per_step = &spec.curves[1].points;
        assert_eq!(per_step.len(), 4, "three alphas and one gap");
        assert_eq!((per_step[0], per_step[1]), ((0.0, 0.5), (1.0, ALPHA_CAP)));
        assert!(per_step[2].1.is_nan() && per_step[3] == (50.0, -0.5));
        // Running medians: [0.5] 0.5; [0.5 40] 40 → capped; [−0.5 0.5 40] 0.5.
        let median: Vec<f64> = spec.curves[2].points.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
        assert_eq!(median, vec![0.5, ALPHA_CAP, 0.5]);
        assert_eq!(spec.curves[0].points, vec![(0.0, 0.0), (50.0, 0.0)]);
    }

    #[test]
    fn the_limit_is_two_over_the_rate_and_hidden_with_the_rate() {
        let shown = curvature_chart(&trace(), &Labels::default(), true);
        assert!(shown.log_y);
        assert_eq!(shown.curves[0].points, vec![(0.0, 4.0), (50.0, 8.0)]);
        assert_eq!(shown.curves[1].points, vec![(0.0, 8.0), (50.0, 16.0)]);
        let hidden = curvature_chart(&trace(), &Labels::default(), false);
        assert_eq!(hidden.curves.len(), 1, "no 2/lr when the link hides the rate");
        assert_eq!(hidden.curves[0].color, LAMBDA_COLOR);
    }

    #[test]
    fn an_empty_trace_draws_empty_charts() {
        let spec = alpha_chart(&Trace::default(), &Labels::default());
        assert!(spec.curves.iter().all(|c| c.points.is_empty()));
    }
}
