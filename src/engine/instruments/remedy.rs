//! The fix a finding offers, as a change to the experiment that "try the
//! fix" can run (AutoTrainer's repairs: scale the learning rate, change the
//! initialization or the activation, standardize, fix the loss, lower
//! dropout, raise the batch, reorder BN and dropout, lower the penalty).
//!
//! Each [`Remedy`] is the change its finding's written fix names first,
//! with the same numbers (the rate a finding says to try is the rate the
//! remedy sets). [`Remedy::apply`] writes it into a [`Link`]: the settings
//! at step 0 and, for a live setting (rate, batch size, penalty), every
//! planned change as well, so the fix holds for the whole run. What changed
//! is read back from the two links ([`changed_pairs`]), in the link's own
//! `key=value` words.

use super::diagnosis::names::rounded;
use crate::engine::config::{Act, BlockOrder, Config, InitKind, LossKind, OutputAct};
use crate::engine::link::{self as codec, Link};
use serde::{Deserialize, Serialize};

/// A change to the experiment that fixes a finding.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Remedy {
    /// Train with this learning rate.
    LearningRate(f64),
    /// Initialize with this initializer, biases at 0.
    Initializer(InitKind),
    /// ReLU units with He initialization in place of tanh/sigmoid ones.
    ReluHe,
    /// Standardize every input with the training set's statistics.
    Standardize,
    /// Softmax cross-entropy for more than two classes.
    SoftmaxLoss,
    /// A linear output for regression.
    LinearOutput,
    /// No dropout above this probability.
    DropoutAtMost(f64),
    /// At least this many examples per batch.
    BatchAtLeast(usize),
    /// Dropout after the last BatchNorm only: order Dense → BN → act →
    /// Dropout, and no dropout in the blocks before the last BN block.
    DropoutAfterLastBn,
    /// The L1 and L2 weights times this factor.
    PenaltyTimes(f64),
    /// Start biases at 0 with He initialization (dead ReLUs).
    ZeroBiasesHe,
    /// The bug lab's planted bug removed (the code fixed).
    RemoveBug,
}

impl Remedy {
    /// The experiment of `link` with this fix, in force from step 0.
    pub fn apply(self, link: &Link) -> Link {
        let mut fixed = link.clone();
        let cfg = &mut fixed.config;
        match self {
            Remedy::LearningRate(lr) => live(cfg, |l| l.lr = lr),
            Remedy::Initializer(init) => {
                cfg.init = init;
                cfg.bias_init = 0.0;
            }
            Remedy::ReluHe => {
                for layer in cfg.hidden.iter_mut().filter(|l| matches!(l.act, Act::Tanh | Act::Sigmoid)) {
                    layer.act = Act::Relu;
                }
                cfg.init = InitKind::HeNormal;
                cfg.bias_init = 0.0;
            }
            Remedy::Standardize => cfg.data.standardize = true,
            Remedy::SoftmaxLoss => cfg.loss = LossKind::SoftmaxCe,
            Remedy::LinearOutput => cfg.output_act = OutputAct::Linear,
            Remedy::DropoutAtMost(p) => cfg.hidden.iter_mut().for_each(|l| l.dropout = l.dropout.min(p)),
            Remedy::BatchAtLeast(n) => live(cfg, |l| l.batch_size = l.batch_size.max(n)),
            Remedy::DropoutAfterLastBn => {
                cfg.order = BlockOrder::BnActDrop;
                if let Some(last_bn) = cfg.hidden.iter().rposition(|l| l.batch_norm) {
                    cfg.hidden[..last_bn].iter_mut().for_each(|l| l.dropout = 0.0);
                }
            }
            Remedy::PenaltyTimes(k) => live(cfg, |l| {
                l.l1 = rounded(l.l1 * k);
                l.l2 = rounded(l.l2 * k);
            }),
            Remedy::ZeroBiasesHe => {
                cfg.init = InitKind::HeNormal;
                cfg.bias_init = 0.0;
            }
            Remedy::RemoveBug => fixed.bug = None,
        }
        fixed
    }

    /// Whether it changes `link` at all (a fix already in place, or a bug
    /// the link hides, is not offered).
    pub fn applies_to(self, link: &Link) -> bool {
        if self == Remedy::RemoveBug && link.bug.is_some_and(|b| b.hidden) {
            return false;
        }
        codec::encode_link(&self.apply(link)) != codec::encode_link(link)
    }
}

/// The initializer suited to the experiment's units: He (normal) when any
/// hidden unit is ReLU-like, else Xavier (uniform), as the findings say.
pub fn suited_init(cfg: &Config) -> InitKind {
    let relu = cfg.hidden.iter().any(|l| matches!(l.act, Act::Relu | Act::LeakyRelu | Act::Elu | Act::Gelu));
    if relu {
        InitKind::HeNormal
    } else {
        InitKind::XavierUniform
    }
}

/// The penalty fix for a penalty `ratio` times the data loss: weights
/// lowered 10× or more, until the penalty is a tenth of the data loss.
pub fn penalty_fix(ratio: f64) -> Remedy {
    let k = if ratio.is_finite() && ratio > 0.0 { (0.1 / ratio).min(0.1) } else { 0.1 };
    Remedy::PenaltyTimes(rounded(k))
}

/// Sets a live setting at step 0 and in every planned change.
fn live(cfg: &mut Config, set: impl Fn(&mut crate::engine::config::Live)) {
    let mut start = cfg.live();
    set(&mut start);
    cfg.set_live(&start);
    for change in &mut cfg.changes {
        set(&mut change.live);
    }
}

/// The key of a link pair: `lr` of `lr=0.3`.
pub fn pair_key(pair: &str) -> &str {
    pair.split('=').next().unwrap_or_default()
}

/// Whether a fix that changed `changed` (link pairs) touches one of `keys`
/// (a class link's hidden or locked settings).
pub fn touches(changed: &[String], keys: &[String]) -> bool {
    changed.iter().any(|p| keys.iter().any(|k| pair_key(p) == k))
}

/// The link's `key=value` pairs of `after` that `before` lacks, in
/// `after`'s order, then `key=` for each key `after` dropped: what a fix
/// changed, in the link's words (`lr=0.3`, `init=he_n`, `ia=`).
pub fn changed_pairs(before: &Link, after: &Link) -> Vec<String> {
    let (a, b) = (codec::encode_link(before), codec::encode_link(after));
    let pairs = |s: &str| s.split('&').map(str::to_string).collect::<Vec<_>>();
    let (old, new) = (pairs(&a), pairs(&b));
    let mut changed: Vec<String> = new.iter().filter(|p| !old.contains(p)).cloned().collect();
    let new_keys: Vec<&str> = new.iter().map(|p| pair_key(p)).collect();
    changed.extend(old.iter().map(|p| pair_key(p)).filter(|k| !new_keys.contains(k)).map(|k| format!("{k}=")));
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::link::decode_link;

    fn link(s: &str) -> Link {
        let (l, rejected) = decode_link(s);
        assert!(rejected.is_empty(), "{s}: {rejected:?}");
        l
    }

    fn fixed(s: &str, r: Remedy) -> Vec<String> {
        let l = link(s);
        changed_pairs(&l, &r.apply(&l))
    }

    #[test]
    fn each_remedy_changes_what_it_names_and_nothing_else() {
        assert_eq!(fixed("lr=3", Remedy::LearningRate(0.3)), ["lr=0.3"]);
        assert_eq!(
            fixed("data=circle&std=1&init=normal&ia=2", Remedy::Initializer(InitKind::XavierUniform)),
            ["init=xavier_u", "ia="]
        );
        assert_eq!(
            fixed("net=8:sigmoid,8:sigmoid&init=normal&ia=1", Remedy::ReluHe),
            ["net=8:relu,8:relu", "init=he_n", "ia="]
        );
        assert_eq!(fixed("data=xor&feat=x1,x2,x1x2", Remedy::Standardize), ["std=1"]);
        assert_eq!(fixed("data=blobs&k=4", Remedy::SoftmaxLoss), ["loss=softmax"]);
        assert_eq!(fixed("data=plane&out=sigmoid", Remedy::LinearOutput), ["out=linear"]);
        assert_eq!(fixed("net=8:relu:d0.7,8:relu:d0.2", Remedy::DropoutAtMost(0.3)), ["net=8:relu:d0.3,8:relu:d0.2"]);
        assert_eq!(fixed("net=8:relu:bn&bs=2", Remedy::BatchAtLeast(8)), ["bs=8"]);
        assert_eq!(
            fixed("net=8:relu:bn:d0.3,8:relu:bn:d0.3&ord=act-do-bn", Remedy::DropoutAfterLastBn),
            ["net=8:relu:bn,8:relu:bn:d0.3", "ord=bn-act-do"]
        );
        assert_eq!(fixed("l2=5", Remedy::PenaltyTimes(0.01)), ["l2=0.05"]);
        assert_eq!(penalty_fix(50.0), Remedy::PenaltyTimes(0.002));
        assert_eq!(penalty_fix(0.5), Remedy::PenaltyTimes(0.1), "at least 10× lower");
        assert_eq!(fixed("net=8:relu&bias=-3", Remedy::ZeroBiasesHe), ["init=he_n", "bias=0"]);
        assert_eq!(fixed("bug=no-zero-grad", Remedy::RemoveBug), ["bug="]);
    }

    #[test]
    fn a_fix_touches_a_class_links_key_by_its_pairs() {
        let changed = fixed("net=8:relu&init=normal&ia=1", Remedy::ZeroBiasesHe);
        assert_eq!(pair_key("ia="), "ia");
        assert!(touches(&changed, &["ia".to_string()]), "{changed:?}");
        assert!(touches(&changed, &["init".to_string()]));
        assert!(!touches(&changed, &["lr".to_string(), "i".to_string()]));
    }

    #[test]
    fn a_live_fix_holds_through_the_planned_changes() {
        let l = link("lr=0.03,3@20,1@40");
        let f = Remedy::LearningRate(0.3).apply(&l);
        assert_eq!(f.config.lr, 0.3);
        assert!(f.config.changes.iter().all(|c| c.live.lr == 0.3), "{:?}", f.config.changes);
    }

    #[test]
    fn a_fix_already_in_place_or_a_hidden_bug_is_not_offered() {
        assert!(!Remedy::Standardize.applies_to(&link("std=1")));
        assert!(!Remedy::LearningRate(0.03).applies_to(&link("v=1")));
        assert!(Remedy::LearningRate(0.3).applies_to(&link("v=1")));
        assert!(!Remedy::RemoveBug.applies_to(&link("v=1")));
        use crate::engine::bug_lab::{Bug, PlantedBug};
        let hidden = format!("bug={}", PlantedBug { bug: Bug::ALL[0], hidden: true }.to_link_value());
        assert!(!Remedy::RemoveBug.applies_to(&link(&hidden)));
    }
}
