//! What the live part of the instruments panel says, as data: the note on
//! how often steps are observed, the clipping counter, the train/eval mode
//! note, the non-finite sentinel, the loss breakdown's figures, the variance
//! shift table, the histogram's caption, and which units of the network view
//! are marked dead or saturated (with the per-unit saturation average behind
//! the marks). The page (`web::instruments`) only puts these into elements.
//!
//! Next to [`super::verdicts`] (what the checks say), for the same reason:
//! these are the panel's words about live measurements, kept together and
//! tested natively, while the measurements stay in their instruments.

use super::layer_stats::{self, LayerStats, RatioBand};
use super::loss_breakdown::LossParts;
use super::variance_shift::{UnitShift, VarianceShift};
use crate::engine::config::{ClipKind, Config, Named};
use crate::engine::format::num;
use crate::engine::i18n;
use crate::engine::math;
use crate::engine::trainer::Trainer;

/// A unit counts as saturated when more than this share of its recent outputs sit in the tails.
pub const UNIT_SATURATED: f64 = 0.5;
/// Weight of the newest observation in the per-unit saturation average.
pub const SATURATION_WEIGHT: f64 = 0.3;

/// Whether the net has both BatchNorm and dropout (the variance shift applies).
pub fn has_bn_and_dropout(cfg: &Config) -> bool {
    cfg.hidden.iter().any(|l| l.batch_norm) && cfg.hidden.iter().any(|l| l.dropout > 0.0)
}

/// How often the live statistics look at a step (None: they are off).
pub fn observe_note(stride: Option<u64>) -> String {
    match stride {
        None => crate::tr!("inst.live.off"),
        Some(1) => crate::tr!("inst.live.every_step"),
        Some(s) => crate::tr!("inst.live.every_nth", stride = s),
    }
}

/// Checklist 4.3: how many of `steps` steps the gradient clipping changed.
pub fn clipping(clip: ClipKind, clipped: u64, steps: u64) -> String {
    match clip {
        ClipKind::None => crate::tr!("inst.live.clipping_off"),
        ClipKind::Value(c) => crate::tr!("inst.live.clipped_value", clipped = clipped, steps = steps, c = c),
        ClipKind::Norm(c) => crate::tr!("inst.live.clipped_norm", clipped = clipped, steps = steps, c = c),
    }
}

/// Checklist 4.4 and 4.7: which mode BN and dropout run in ("" when the net has neither).
pub fn mode_note(cfg: &Config) -> &'static str {
    let bn = cfg.hidden.iter().any(|l| l.batch_norm);
    let dropout = cfg.hidden.iter().any(|l| l.dropout > 0.0);
    match (bn, dropout) {
        (false, false) => "",
        (true, false) => i18n::text("inst.live.mode_bn"),
        (false, true) => i18n::text("inst.live.mode_dropout"),
        (true, true) => i18n::text("inst.live.mode_both"),
    }
}

/// The sentinel's line for the first non-finite value, described as `where`.
pub fn sentinel(first: Option<&str>) -> String {
    match first {
        Some(place) => crate::tr!("inst.live.non_finite", place = place),
        None => crate::tr!("inst.live.all_finite"),
    }
}

/// The loss breakdown's figures, each `(exact value, text)`: data loss,
/// penalty, penalty/data ratio.
pub fn loss_figures(parts: &LossParts) -> [(f64, String); 3] {
    let penalty = parts.l1 + parts.l2;
    let ratio = if penalty > 0.0 { num(parts.ratio) } else { crate::tr!("inst.live.no_penalty") };
    [(parts.data, num(parts.data)), (penalty, num(penalty)), (parts.ratio, ratio)]
}

/// The variance-shift table's rows: layer, dropout before it, mean train
/// and eval variance, their ratio, and how well the running statistics fit.
pub fn shift_rows(shift: &VarianceShift) -> Vec<[String; 6]> {
    shift
        .layers
        .iter()
        .map(|l| {
            let mean = |f: &dyn Fn(&UnitShift) -> f64| l.units.iter().map(f).sum::<f64>() / l.units.len().max(1) as f64;
            [
                crate::tr!("inst.place.layer", l = l.layer),
                l.dropout_before.map_or_else(|| crate::tr!("inst.live.no_dropout"), |p| format!("p = {p}")),
                num(mean(&|u| u.train_var)),
                num(mean(&|u| u.eval_var)),
                num(l.mean_ratio),
                if l.running_at_init { crate::tr!("inst.live.never_updated") } else { num(l.running_fit) },
            ]
        })
        .collect()
}

/// The worst train/eval variance ratio (furthest from 1 on a log scale) and
/// its text with the ratio dropout predicts; None when no ratio is finite.
pub fn worst_shift(shift: &VarianceShift) -> Option<(f64, String)> {
    let mut worst: Option<f64> = None;
    for l in &shift.layers {
        if l.mean_ratio.is_finite() && worst.is_none_or(|w| math::ln(l.mean_ratio).abs() > math::ln(w).abs()) {
            worst = Some(l.mean_ratio);
        }
    }
    let r = worst?;
    let p = shift.layers.iter().find_map(|l| l.dropout_before);
    let expect = p.map_or(String::new(), |p| format!(" (1/(1 − p) = {})", num(1.0 / (1.0 - p))));
    Some((r, format!("{}×{expect}", num(r))))
}

/// The histogram's caption: what is shown, its range and its snapshots.
pub fn histogram_caption(kind: &str, block: &str, lo: f64, hi: f64, ridges: usize, steps: (u64, u64)) -> String {
    crate::tr!(
        "inst.live.histogram",
        kind = kind,
        block = block,
        lo = num(lo),
        hi = num(hi),
        ridges = ridges,
        from = steps.0,
        to = steps.1
    )
}

/// An update/weight ratio's band name (`data-band`; "" when not finite).
pub fn ratio_band(ratio: f64) -> &'static str {
    if !ratio.is_finite() {
        return "";
    }
    match RatioBand::of(ratio) {
        RatioBand::FarBelow => "far-below",
        RatioBand::Below => "below",
        RatioBand::InBand => "in-band",
        RatioBand::Above => "above",
        RatioBand::FarAbove => "far-above",
    }
}

/// Why a unit is marked in the network view (the text says why, on hover/focus).
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// A ReLU that outputs 0 for every example.
    Dead(String),
    /// A tanh/sigmoid unit stuck in its flat tails.
    Saturated(String),
}

impl Mark {
    /// The reason, as text.
    pub fn reason(&self) -> &str {
        match self {
            Mark::Dead(r) | Mark::Saturated(r) => r,
        }
    }
}

/// Per block, per unit: the recent share of outputs in the activation's
/// flat tails, as an exponential average over observed steps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitSaturation {
    /// `shares[k][u]`: block `k`, unit `u`.
    pub shares: Vec<Vec<f64>>,
}

impl UnitSaturation {
    /// Zeros for blocks of these widths.
    pub fn new(widths: impl IntoIterator<Item = usize>) -> Self {
        UnitSaturation { shares: widths.into_iter().map(|w| vec![0.0; w]).collect() }
    }

    /// Blends in block `k`'s shares of this step.
    pub fn blend(&mut self, k: usize, step: &[f64]) {
        if let Some(avg) = self.shares.get_mut(k) {
            for (e, s) in avg.iter_mut().zip(step) {
                *e = (1.0 - SATURATION_WEIGHT) * *e + SATURATION_WEIGHT * s;
            }
        }
    }

    /// Blends in every block's shares at the trainer's last step.
    pub fn observe(&mut self, layers: &LayerStats, trainer: &Trainer) {
        for (k, track) in layers.layers.iter().enumerate() {
            let b = &track.block;
            let a = trainer.model.activation(b.observed());
            if let Some(shares) = layer_stats::unit_saturation(b.act.map(|(_, a)| a), a, b.width) {
                self.blend(k, &shares);
            }
        }
    }
}

/// Dead and saturated units for the network view: `(column, unit)` → mark
/// (column 0 is the inputs). The output layer is never marked saturated:
/// its squashing is the loss's business.
pub fn marks(layers: &LayerStats, saturation: &UnitSaturation) -> Vec<((usize, usize), Mark)> {
    let mut out = Vec::new();
    let n = layers.layers.len();
    let window = layers.window.min(layers.steps_seen);
    for (k, track) in layers.layers.iter().enumerate() {
        let col = k + 1;
        for u in layers.dead_units(k) {
            let reason = crate::tr!("inst.live.dead", window = window);
            out.push(((col, u), Mark::Dead(reason)));
        }
        if k + 1 == n {
            continue;
        }
        let act = track.block.act.map_or("", |(_, a)| a.name());
        for (u, &s) in saturation.shares.get(k).into_iter().flatten().enumerate() {
            if s > UNIT_SATURATED {
                let reason = crate::tr!("inst.live.saturated", share = format!("{:.0}", 100.0 * s), act = act);
                out.push(((col, u), Mark::Saturated(reason)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::LayerSpec;
    use crate::engine::instruments::variance_shift::BnShift;
    use crate::engine::link as codec;

    #[test]
    fn notes_on_observation_clipping_and_mode() {
        assert_eq!(observe_note(None), "off: training does no extra work");
        assert_eq!(observe_note(Some(1)), "observing every step");
        assert_eq!(observe_note(Some(8)), "observing every 8th step (training at full speed)");
        assert_eq!(clipping(ClipKind::None, 0, 10), "Clipping is off (choose it under Training).");
        assert_eq!(clipping(ClipKind::Norm(1.0), 3, 10), "3 of 10 steps clipped (global norm above 1).");
        assert_eq!(clipping(ClipKind::Value(0.5), 0, 2), "0 of 2 steps clipped (components beyond ±0.5).");
        let mut cfg = Config::default();
        cfg.hidden = vec![LayerSpec { batch_norm: true, ..cfg.hidden[0].clone() }];
        assert!(mode_note(&cfg).starts_with("Training steps run BatchNorm"));
        assert!(!has_bn_and_dropout(&cfg));
        cfg.hidden.push(LayerSpec { dropout: 0.5, ..cfg.hidden[0].clone() });
        assert!(has_bn_and_dropout(&cfg));
        assert!(mode_note(&cfg).starts_with("Training steps use train mode"));
        assert_eq!(mode_note(&Config { hidden: Vec::new(), ..Config::default() }), "");
    }

    #[test]
    fn sentinel_loss_and_histogram_texts() {
        assert_eq!(sentinel(None), "No NaN or infinity so far.");
        assert!(sentinel(Some("the loss at step 3")).starts_with("First non-finite value: the loss at step 3. Lower"));
        let parts = LossParts { data: 0.5, l1: 0.0, l2: 0.25, ratio: 0.5, data_grad_norm: 0.0, penalty_grad_norm: 0.0 };
        let [data, penalty, ratio] = loss_figures(&parts);
        assert_eq!((data.1.as_str(), penalty.1.as_str(), ratio.1.as_str()), ("0.500", "0.250", "0.500"));
        assert_eq!(penalty.0, 0.25);
        let none = LossParts { l2: 0.0, ratio: 0.0, ..parts };
        assert_eq!(loss_figures(&none)[2].1, "no penalty");
        assert_eq!(
            histogram_caption("weights", "hidden 1", -0.5, 2.0, 12, (0, 40)),
            "weights of hidden 1: values -0.500 … 2.00, 12 snapshots, steps 0 → 40"
        );
        assert_eq!((ratio_band(1e-3), ratio_band(1e-6), ratio_band(f64::NAN)), ("in-band", "far-below", ""));
    }

    fn bn(layer: usize, ratio: f64, p: Option<f64>) -> BnShift {
        let unit = UnitShift { train_var: 2.0, eval_var: 1.0, ratio: 2.0, running_var: 1.0 };
        BnShift {
            layer,
            place: String::new(),
            dropout_before: p,
            units: vec![unit; 2],
            mean_ratio: ratio,
            running_at_init: false,
            running_fit: 0.9,
        }
    }

    #[test]
    fn the_worst_variance_shift_is_furthest_from_one() {
        let shift =
            VarianceShift { layers: vec![bn(1, 1.5, None), bn(4, 0.5, Some(0.5)), bn(7, f64::NAN, None)], step: 0 };
        let rows = shift_rows(&shift);
        assert_eq!(rows[1], ["layer 4", "p = 0.5", "2.00", "1.00", "0.500", "0.900"].map(String::from));
        // |ln 0.5| > |ln 1.5|; dropout p = 0.5 predicts 1/(1 − p) = 2.
        assert_eq!(worst_shift(&shift), Some((0.5, "0.500× (1/(1 − p) = 2.00)".to_string())));
        assert_eq!(worst_shift(&VarianceShift { layers: vec![bn(1, f64::NAN, None)], step: 0 }), None);
    }

    #[test]
    fn saturation_is_an_average_and_marks_skip_the_output() {
        let mut sat = UnitSaturation::new([2, 1]);
        sat.blend(0, &[1.0, 0.0]);
        assert_eq!(sat.shares[0], vec![0.3, 0.0]);
        sat.blend(0, &[1.0, 0.0]);
        sat.blend(0, &[1.0, 0.0]);
        // 1 − 0.7³ = 0.657 > 0.5.
        assert!((sat.shares[0][0] - 0.657).abs() < 1e-12);
        sat.blend(5, &[1.0]);
        assert_eq!(sat.shares.len(), 2, "an unknown block is ignored");

        let trainer = |link: &str| Trainer::from_config(&codec::decode(link).0).unwrap();
        let tanh = trainer("net=2:tanh");
        let stats = LayerStats::new(&tanh);
        let sat = UnitSaturation { shares: vec![vec![0.4, 0.9], vec![0.9]] };
        let marks = marks(&stats, &sat);
        assert_eq!(marks.len(), 1, "{marks:?}");
        assert_eq!(marks[0].0, (1, 1));
        assert_eq!(
            marks[0].1.reason(),
            "saturated: 90 % of recent outputs sit in the flat tails of tanh, where almost no gradient passes"
        );

        let relu = trainer("net=2:relu");
        let mut stats = LayerStats::new(&relu);
        stats.steps_seen = 5; // no unit has been active yet
        let dead = super::marks(&stats, &UnitSaturation::new([2, 1]));
        assert_eq!(dead.iter().map(|(at, _)| *at).collect::<Vec<_>>(), [(1, 0), (1, 1)]);
        assert!(matches!(&dead[0].1, Mark::Dead(r) if r.contains("the last 5 observed steps")));
    }
}
