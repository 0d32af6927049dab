//! Lockstep runs: 2–4 variants of one experiment trained side by side, one
//! step each per tick, on the same data in the same batch order.
//!
//! Every variant is built from the same seed, and the seed's streams are
//! independent ([`crate::engine::rng::Stream`]): the data, the split and the
//! shuffles are identical across variants whatever else differs, and so are
//! the initial weights when the architecture and initializer agree (e.g. four
//! optimizers). Only batch-size variants necessarily cut batches differently.

use super::lockstep_parts::Building;
use crate::engine::config::Config;
use crate::engine::error::EngineError;
use crate::engine::link;
use crate::engine::trainer::{StepOutcome, Trainer};

/// Most variants at once.
pub const MAX_VARIANTS: usize = 4;

/// Variants trained together.
#[derive(Clone, Debug)]
pub struct Lockstep {
    /// The trainers, in the order given.
    pub trainers: Vec<Trainer>,
}

impl Lockstep {
    /// Builds 2–4 variants; they must share the seed (else the comparison is
    /// not on the same data).
    pub fn new(variants: &[Config]) -> Result<Self, EngineError> {
        let mut building = Building::start(variants, None)?;
        loop {
            if let Some(ls) = building.build_next()? {
                return Ok(ls);
            }
        }
    }

    /// One step of every variant that has not diverged; returns each outcome.
    pub fn step(&mut self) -> Vec<StepOutcome> {
        self.trainers.iter_mut().map(Trainer::step).collect()
    }
}

/// Named sets of variants the page offers: `(id, title)`.
pub const PRESETS: &[(&str, &str)] =
    &[("optimizers", "4 optimizers"), ("inits", "4 initializations"), ("lrs", "4 learning rates")];

/// The variants of `base` for a preset of [`PRESETS`], each with its label
/// (`key=value`); each variant goes through the codec, so it is exactly what
/// its link would give. An unknown preset gives none.
pub fn preset(base: &Config, id: &str) -> Vec<(String, Config)> {
    let (key, values): (&str, Vec<String>) = match id {
        "optimizers" => ("opt", ["sgd", "momentum", "adam", "rmsprop"].map(String::from).to_vec()),
        "inits" => ("init", ["xavier_u", "he_n", "lecun_n", "uniform"].map(String::from).to_vec()),
        "lrs" => {
            let lr = field_value(base, "lr").and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.03);
            let round = |v: f64| format!("{}", (v * 1e9).round() / 1e9);
            ("lr", [0.1, 0.3, 1.0, 3.0].iter().map(|m| round(lr * m)).collect())
        }
        _ => return Vec::new(),
    };
    let Some(setting) = link::setting(key) else {
        return Vec::new();
    };
    values
        .into_iter()
        .filter_map(|value| {
            let mut next = link::Link::of(base);
            setting.set(&mut next, &value).ok()?;
            let (mut cfg, _) = link::decode(&link::encode_link(&next));
            cfg.step = None;
            Some((format!("{key}={value}"), cfg))
        })
        .collect()
}

/// The labels a page shows for a preset's variants: `key=value`, unless a
/// class link hides the key; then the value stays unsaid ("×0.1 the
/// learning rate" for the learning rates, "variant 2" for the others).
pub fn shown_labels(id: &str, labels: Vec<String>, hides: impl Fn(&str) -> bool) -> Vec<String> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let key = label.split('=').next().unwrap_or_default();
            match (hides(key), id) {
                (false, _) => label,
                (true, "lrs") => {
                    crate::tr!("runs.lockstep.lr_factor", factor = ["0.1", "0.3", "1", "3"].get(i).unwrap_or(&"?"))
                }
                (true, _) => crate::tr!("runs.lockstep.variant", n = i + 1),
            }
        })
        .collect()
}

fn field_value(cfg: &Config, key: &str) -> Option<String> {
    link::setting(key).and_then(|s| s.text(&link::Link::of(cfg)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Named, OptimizerKind};

    #[test]
    fn four_optimizers_start_equal_and_see_the_same_batches() {
        let (base, _) = link::decode("data=spiral&net=8:relu,8:relu&seed=5");
        let kinds = [
            OptimizerKind::from_name("sgd").unwrap(),
            OptimizerKind::from_name("momentum").unwrap(),
            OptimizerKind::from_name("adam").unwrap(),
            OptimizerKind::from_name("rmsprop").unwrap(),
        ];
        let variants: Vec<Config> = kinds.iter().map(|&optimizer| Config { optimizer, ..base.clone() }).collect();
        let mut ls = Lockstep::new(&variants).expect("valid");
        let losses: Vec<f64> = ls.trainers.iter_mut().map(|t| t.evaluate().train_loss).collect();
        assert!(losses.iter().all(|&l| l == losses[0]), "step-0 losses {losses:?}");
        for _ in 0..60 {
            let batches: Vec<Vec<usize>> = ls.trainers.iter().map(|t| t.next_batch_indices().to_vec()).collect();
            assert!(batches.iter().all(|b| b == &batches[0]));
            assert!(ls.step().iter().all(|o| *o == StepOutcome::Ok));
        }
        let prints: Vec<_> = ls.trainers.iter().map(Trainer::fingerprint).collect();
        assert!(prints.windows(2).all(|w| w[0] != w[1]), "the optimizers diverge from each other");
    }

    #[test]
    fn a_hidden_setting_leaves_the_variants_unnamed() {
        let (base, _) = link::decode("lr=0.03");
        let labels = |id: &str| preset(&base, id).into_iter().map(|(l, _)| l).collect::<Vec<_>>();
        let lrs = shown_labels("lrs", labels("lrs"), |k| k == "lr");
        assert_eq!(
            lrs,
            ["×0.1 the learning rate", "×0.3 the learning rate", "×1 the learning rate", "×3 the learning rate"]
        );
        assert_eq!(shown_labels("optimizers", labels("optimizers"), |k| k == "opt")[2], "variant 3");
        assert_eq!(shown_labels("lrs", labels("lrs"), |k| k == "opt")[0], "lr=0.003");
    }

    #[test]
    fn presets_give_four_valid_variants_that_differ_in_one_setting() {
        let (base, _) = link::decode("data=xor&net=6:tanh&lr=0.1&seed=3");
        for (id, _) in PRESETS {
            let variants = preset(&base, id);
            assert_eq!(variants.len(), 4, "{id}");
            let configs: Vec<Config> = variants.iter().map(|(_, c)| c.clone()).collect();
            let mut ls = Lockstep::new(&configs).expect("valid variants");
            assert!(ls.step().iter().all(|o| *o == StepOutcome::Ok), "{id}");
            let links: Vec<String> = configs.iter().map(link::encode).collect();
            assert!(links.windows(2).all(|w| w[0] != w[1]), "{id}: {links:?}");
        }
        let lrs: Vec<String> = preset(&base, "lrs").into_iter().map(|(l, _)| l).collect();
        assert_eq!(lrs, ["lr=0.01", "lr=0.03", "lr=0.1", "lr=0.3"]);
        assert!(preset(&base, "nope").is_empty());
    }

    #[test]
    fn variant_count_and_seed_are_checked() {
        let c = Config::default();
        assert!(Lockstep::new(std::slice::from_ref(&c)).is_err());
        assert!(Lockstep::new(&vec![c.clone(); 5]).is_err());
        assert!(Lockstep::new(&[c.clone(), Config { seed: 2, ..c.clone() }]).is_err());
    }
}
