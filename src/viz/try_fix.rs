//! "Try the fix"'s chart: the training loss of the experiment as it is
//! (grey, dashed) and with the fix (blue) against the step, on a log axis
//! when the two span more than a decade (a diverging side next to a
//! converging one). Non-finite points are left out; the page's legend
//! names the two curves, so the curves carry no labels.

use super::chart::{ChartSpec, Curve};
use crate::engine::instruments::try_fix::TryFix;

/// The experiment as it is: dark grey, dashed.
pub const CURRENT_COLOR: [u8; 3] = [90, 90, 90];
/// With the fix: Okabe–Ito blue.
pub const FIXED_COLOR: [u8; 3] = [0, 114, 178];

/// The chart of a comparison; `title` and the axis names in the page's language.
pub fn chart(r: &TryFix, title: String, x_label: String, y_label: String) -> ChartSpec {
    let curve = |points: &[(u64, f64)], color, dashed| Curve {
        label: String::new(),
        points: points.iter().filter(|p| p.1.is_finite()).map(|&(s, l)| (s as f64, l)).collect(),
        color,
        dashed,
    };
    let curves = vec![curve(&r.current.curve, CURRENT_COLOR, true), curve(&r.fixed.curve, FIXED_COLOR, false)];
    let ys = curves.iter().flat_map(|c| c.points.iter().map(|p| p.1)).filter(|y| *y > 0.0);
    let (lo, hi) = ys.fold((f64::INFINITY, 0.0_f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    ChartSpec { title, x_label, y_label, log_y: hi > 10.0 * lo, curves, ..ChartSpec::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::finding::Problem;
    use crate::engine::instruments::remedy::Remedy;
    use crate::engine::instruments::try_fix::{Side, Verdict};

    fn side(curve: Vec<(u64, f64)>) -> Side {
        Side {
            link: String::new(),
            steps: 300,
            diverged: false,
            train_loss: 0.0,
            test_loss: 0.0,
            train_acc: None,
            test_acc: None,
            curve,
            alarms: Vec::new(),
            symptom: None,
            record: Default::default(),
        }
    }

    fn report(current: Vec<(u64, f64)>, fixed: Vec<(u64, f64)>) -> TryFix {
        TryFix {
            problem: Problem::LearningRateTooHigh,
            remedy: Remedy::LearningRate(0.3),
            changed: vec!["lr=0.3".into()],
            steps: 300,
            symptom_label: String::new(),
            current: side(current),
            fixed: side(fixed),
            verdict: Verdict::Helped,
            yardstick: crate::engine::instruments::try_fix::Yardstick::Loss,
        }
    }

    #[test]
    fn both_curves_without_non_finite_points_and_log_only_over_a_decade() {
        let r = report(vec![(15, 0.5), (30, f64::NAN), (45, 0.6)], vec![(15, 0.5), (30, 0.3), (45, 0.2)]);
        let spec = chart(&r, "t".into(), "x".into(), "y".into());
        assert_eq!(spec.curves[0].points, vec![(15.0, 0.5), (45.0, 0.6)]);
        assert_eq!((spec.curves[0].dashed, spec.curves[1].dashed), (true, false));
        assert_eq!(spec.curves[1].color, FIXED_COLOR);
        assert!(!spec.log_y, "0.2 to 0.6 is under a decade");
        let wide = chart(&report(vec![(15, 40.0)], vec![(15, 0.2)]), "t".into(), "x".into(), "y".into());
        assert!(wide.log_y);
    }
}
