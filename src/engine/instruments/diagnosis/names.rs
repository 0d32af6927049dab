//! How the findings name things, as the page does: an initializer
//! (`N(0, 1²)`, `He (normal)`), a learning rate without float noise, the
//! optimizer with its rate.

use crate::engine::config::{Config, InitKind};
use crate::engine::i18n;
use crate::engine::instruments::finding::num;

/// An initializer as the page names it: `N(0, 1²)`, `He (normal)`, `all-zero`.
pub fn init_name(init: InitKind) -> String {
    match init {
        InitKind::Zeros => crate::tr!("inst.init.zeros"),
        InitKind::Constant(a) => crate::tr!("inst.init.constant", a = rate(a)),
        InitKind::Uniform(a) => format!("U(−{0}, {0})", rate(a)),
        InitKind::Normal(s) => format!("N(0, {}²)", rate(s)),
        InitKind::XavierUniform => crate::tr!("inst.init.xavier_uniform"),
        InitKind::XavierNormal => crate::tr!("inst.init.xavier_normal"),
        InitKind::HeUniform => crate::tr!("inst.init.he_uniform"),
        InitKind::HeNormal => crate::tr!("inst.init.he_normal"),
        InitKind::LecunNormal => crate::tr!("inst.init.lecun_normal"),
    }
}

/// The optimizer and its learning rate: `Adam at learning rate 0.01`.
pub(super) fn lr_text(cfg: &Config) -> String {
    crate::tr!("finding.lr.optimizer", optimizer = optimizer_title(cfg), rate = rate(cfg.lr))
}

/// The optimizer's title in the current language (`optimizer.<name>`;
/// the rule's own English title when a catalog lacks it).
pub fn optimizer_title(cfg: &Config) -> &'static str {
    let rule = cfg.optimizer.rule;
    i18n::lookup(i18n::current(), &format!("optimizer.{}", rule.name)).unwrap_or(rule.title)
}

/// A learning rate as a person writes it: two significant digits, no
/// float noise (`0.003`, not `0.0030000000000000005`).
pub fn rate(lr: f64) -> String {
    format!("{:.1e}", lr).parse::<f64>().map_or_else(|_| num(lr), |v| format!("{v}"))
}

/// A learning rate (or any weight) rounded as [`rate`] writes it, so the
/// value a fix sets is the value its sentence names.
pub fn rounded(lr: f64) -> f64 {
    format!("{:.1e}", lr).parse::<f64>().unwrap_or(lr)
}
