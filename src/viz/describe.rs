//! Text alternatives of the page's pictures: what a screen reader announces
//! instead of a canvas, with the values the picture shows now (not a fixed
//! caption). The page sets them as `aria-label`s whenever the figures change.

use crate::engine::format::{figure, or_dash, percent};
use crate::engine::history::Metrics;

/// The loss chart: what it plots and where the curves end now.
pub fn loss_chart(m: &Metrics) -> String {
    crate::tr!("viz.describe.loss_chart", steps = m.step, train = figure(m.train_loss), test = figure(m.test_loss))
}

/// The accuracy chart: what it plots and where the curves end now.
pub fn accuracy_chart(m: &Metrics) -> String {
    let pct = |a: Option<f64>| or_dash(a, |a| percent(a, 1));
    crate::tr!("viz.describe.accuracy_chart", steps = m.step, train = pct(m.train_acc), test = pct(m.test_acc))
}

/// The output heatmap: the model's output over the input plane, with how
/// well it separates the points now.
pub fn heatmap(m: &Metrics) -> String {
    let pct = |a: Option<f64>| or_dash(a, |a| percent(a, 1));
    crate::tr!(
        "viz.describe.heatmap",
        step = m.step,
        train_acc = pct(m.train_acc),
        test_acc = pct(m.test_acc),
        train_loss = figure(m.train_loss)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics { step: 120, train_loss: 0.49361, test_loss: 0.50652, train_acc: Some(0.532), test_acc: None }
    }

    #[test]
    fn each_description_carries_the_values_on_screen() {
        let m = metrics();
        let loss = loss_chart(&m);
        assert!(
            loss.contains("120 steps") && loss.contains(&figure(0.49361)) && loss.contains(&figure(0.50652)),
            "{loss}"
        );
        let acc = accuracy_chart(&m);
        assert!(acc.contains("53.2 %") && acc.contains("test –"), "{acc}");
        let map = heatmap(&m);
        assert!(map.contains("step 120") && map.contains("53.2 %") && map.contains("x2 up"), "{map}");
    }
}
