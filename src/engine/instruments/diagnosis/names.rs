//! How the findings name things, as the page does: an initializer
//! (`N(0, 1²)`, `He (normal)`), a learning rate without float noise, the
//! optimizer with its rate, a plural.

use crate::engine::config::{Config, InitKind};
use crate::engine::instruments::finding::num;

/// An initializer as the page names it: `N(0, 1²)`, `He (normal)`, `all-zero`.
pub fn init_name(init: InitKind) -> String {
    match init {
        InitKind::Zeros => "all-zero".to_string(),
        InitKind::Constant(a) => format!("constant ({})", rate(a)),
        InitKind::Uniform(a) => format!("U(−{0}, {0})", rate(a)),
        InitKind::Normal(s) => format!("N(0, {}²)", rate(s)),
        InitKind::XavierUniform => "Xavier (uniform)".to_string(),
        InitKind::XavierNormal => "Xavier (normal)".to_string(),
        InitKind::HeUniform => "He (uniform)".to_string(),
        InitKind::HeNormal => "He (normal)".to_string(),
        InitKind::LecunNormal => "LeCun (normal)".to_string(),
    }
}

/// The optimizer and its learning rate: `Adam at learning rate 0.01`.
pub(super) fn lr_text(cfg: &Config) -> String {
    let optimizer = cfg.optimizer.rule.title;
    format!("{optimizer} at learning rate {}", rate(cfg.lr))
}

/// A learning rate as a person writes it: two significant digits, no
/// float noise (`0.003`, not `0.0030000000000000005`).
pub fn rate(lr: f64) -> String {
    format!("{:.1e}", lr).parse::<f64>().map_or_else(|_| num(lr), |v| format!("{v}"))
}

/// `word`, with an `s` unless `n` is 1.
pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
