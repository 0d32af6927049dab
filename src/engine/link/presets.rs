//! A working start per data set: choosing a data set on the page also
//! sets what that data needs (the digits want a softmax over 10 classes, a
//! wider ReLU network and standardized pixels; a regression wants a linear
//! output), and says what it changed. A link that names its data set keeps
//! its own settings: presets apply to the data picker only.
//!
//! Each preset is table text, set through the settings table, so it is
//! validated like any control's value.

use crate::engine::config::Named;

use super::settings::{setting, Kind};
use super::{with_field, Link};

/// The settings each data set starts with, as `(key, value)` link text.
/// Sets not listed keep the rest of the experiment as it is.
pub const PRESETS: &[(&str, &[(&str, &str)])] = &[
    ("circle", &[("loss", "mse"), ("out", "tanh")]),
    ("xor", &[("loss", "mse"), ("out", "tanh")]),
    ("gauss", &[("loss", "mse"), ("out", "tanh")]),
    ("spiral", &[("loss", "mse"), ("out", "tanh")]),
    ("moons", &[("loss", "mse"), ("out", "tanh")]),
    ("blobs", &[("loss", "softmax")]),
    ("spiralk", &[("loss", "softmax")]),
    ("plane", &[("loss", "mse"), ("out", "linear")]),
    ("mgauss", &[("loss", "mse"), ("out", "linear")]),
    ("digits", &[("loss", "softmax"), ("net", "64:relu,32:relu"), ("std", "1")]),
    ("custom", &[("loss", "softmax")]),
];

/// `link` with the data set `kind` chosen and its preset applied; a notice
/// naming each setting the preset changed (`None` when none did); and
/// messages about refused values.
pub fn choose_data(link: &Link, kind: &str) -> (Link, Option<String>, Vec<String>) {
    let (mut next, mut msgs) = with_field(link, "data", kind);
    let preset = PRESETS.iter().find(|(name, _)| *name == next.config.data.kind.name()).map_or(&[][..], |p| p.1);
    let mut changed = Vec::new();
    for &(key, value) in preset {
        let Some(row) = setting(key) else { continue };
        let before = row.text(&next);
        let (after, refused) = with_field(&next, key, value);
        msgs.extend(refused);
        let now = row.text(&after);
        if now != before {
            let shown = |t: Option<String>| match (row.kind, t.as_deref()) {
                (Kind::Check { .. }, Some("1")) => crate::tr!("link.preset.on"),
                (Kind::Check { .. }, _) => crate::tr!("link.preset.off"),
                (_, t) => t.unwrap_or("").to_string(),
            };
            let label = row.label().to_lowercase();
            changed.push(crate::tr!("link.preset.change", label = label, now = shown(now), was = shown(before)));
        }
        next = after;
    }
    // What the data set change itself made fall back is said by the preset now.
    msgs.retain(|m| !m.starts_with("loss:"));
    let notice = (!changed.is_empty()).then(|| {
        let changes = changed.join(crate::engine::i18n::text("link.preset.separator"));
        // The data set's name as its picker button reads it (its link name in English).
        let key = format!("web.data.{}", next.config.data.kind.name());
        let data = crate::engine::i18n::text(&key).to_string();
        crate::tr!("link.preset.notice", data = data, changes = changes)
    });
    (next, notice, msgs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Act, DataKind, LossKind, OutputAct};
    use crate::engine::trainer::Trainer;

    #[test]
    fn every_data_set_has_a_preset_that_the_table_accepts() {
        for kind in DataKind::VARIANTS {
            let (next, _, msgs) = choose_data(&Link::default(), kind.name());
            assert_eq!(next.config.data.kind, *kind);
            assert!(msgs.is_empty(), "{}: {msgs:?}", kind.name());
            assert!(PRESETS.iter().any(|(n, _)| *n == kind.name()), "{} has no preset", kind.name());
        }
    }

    #[test]
    fn digits_get_softmax_a_wider_relu_net_and_standardized_inputs_and_say_so() {
        let (next, notice, _) = choose_data(&Link::default(), "digits");
        let c = &next.config;
        assert_eq!(c.loss, LossKind::SoftmaxCe);
        assert_eq!(c.hidden.iter().map(|l| (l.units, l.act)).collect::<Vec<_>>(), [(64, Act::Relu), (32, Act::Relu)]);
        assert!(c.data.standardize);
        assert_eq!(
            notice.as_deref(),
            Some("A working start for digits: loss softmax (was mse), hidden layers 64:relu,32:relu (was 4:tanh,2:tanh), \
              standardize inputs on (was off).")
        );
        // Back to a planar set: MSE with tanh output again, the network kept.
        let (back, notice, _) = choose_data(&next, "circle");
        assert_eq!((back.config.loss, back.config.output_act), (LossKind::Mse, OutputAct::Tanh));
        assert_eq!(back.config.hidden, c.hidden);
        assert_eq!(notice.as_deref(), Some("A working start for circle: loss mse (was softmax)."));
        // Nothing to change: no notice.
        assert_eq!(choose_data(&back, "xor").1, None);
    }

    #[test]
    fn a_regression_gets_a_linear_output() {
        let (next, notice, _) = choose_data(&Link::default(), "plane");
        assert_eq!((next.config.loss, next.config.output_act), (LossKind::Mse, OutputAct::Linear));
        assert_eq!(notice.as_deref(), Some("A working start for plane: output activation linear (was tanh)."));
    }

    /// The digits preset is a claim to a student: it must train. From the
    /// page's defaults otherwise (SGD, lr 0.03, batch 10), 600 steps reach
    /// over 85 % test accuracy, and the initial loss is near ln 10.
    #[test]
    fn the_digits_preset_trains() {
        let (next, _, _) = choose_data(&Link::default(), "digits");
        let mut t = Trainer::from_config(&next.config).expect("valid");
        let initial = t.evaluate().train_loss;
        assert!((initial - crate::engine::math::ln(10.0)).abs() < 0.3, "initial loss {initial}");
        for _ in 0..600 {
            t.step();
        }
        let m = t.evaluate();
        assert!(m.test_acc.expect("accuracy") > 0.85, "{m:?}");
    }
}
