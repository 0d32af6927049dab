//! Value parsers of the link format: integer ranges ([`Ints`]), real
//! intervals ([`Interval`]), names of a [`Named`] choice, the feature list,
//! the network text and the classroom control lists, each with its writer
//! where the text is not just `Display`.
//!
//! Every parser returns the parsed value or a plain-words reason (`must be an
//! integer between 10 and 90`) that never contains the link's own text, so a
//! [`super::Rejected`] can show it as is.

use std::fmt::Display;

use crate::engine::config::{Feature, LayerSpec, Named, FORMAT_VERSION};

use super::{MAX_HIDDEN_LAYERS, TRANSPORT_CONTROLS};

/// An inclusive range of integers `lo..=hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ints {
    /// Smallest value.
    pub lo: u64,
    /// Largest value.
    pub hi: u64,
}

/// `lo..=hi`.
pub const fn ints(lo: u64, hi: u64) -> Ints {
    Ints { lo, hi }
}

impl Ints {
    /// Whether `x` is in the range.
    pub fn contains(self, x: u64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// The integer written as `s`, when it is in the range.
    pub fn parse(self, s: &str) -> Result<u64, String> {
        match s.parse::<u64>() {
            Ok(x) if self.contains(x) => Ok(x),
            _ => Err(crate::tr!("link.parse.int_between", lo = self.lo, hi = self.hi)),
        }
    }
}

/// An interval of finite reals, each end open or closed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Whether `lo` itself is excluded.
    pub lo_open: bool,
    /// Upper end.
    pub hi: f64,
    /// Whether `hi` itself is excluded.
    pub hi_open: bool,
}

/// The interval from `lo` to `hi`, each end open when its flag says so.
pub const fn interval(lo: f64, lo_open: bool, hi: f64, hi_open: bool) -> Interval {
    Interval { lo, lo_open, hi, hi_open }
}

/// [0, 1]
pub const UNIT: Interval = interval(0.0, false, 1.0, false);
/// [0, 1)
pub const UNIT_OPEN: Interval = interval(0.0, false, 1.0, true);
/// (0, 1]
pub const POS_UNIT: Interval = interval(0.0, true, 1.0, false);
/// [0, 10]
pub const UP_TO_10: Interval = interval(0.0, false, 10.0, false);
/// [−10, 10]
pub const SYMMETRIC_10: Interval = interval(-10.0, false, 10.0, false);
/// (0, 100]
pub const LEARNING_RATE: Interval = interval(0.0, true, 100.0, false);
/// (0, 1e6]
pub const CLIP: Interval = interval(0.0, true, 1e6, false);
/// Width of a hidden block: `1..=256`.
pub const LAYER_UNITS: Ints = ints(1, 256);
/// Dropout rate of a hidden block: [0, 1).
pub const DROPOUT: Interval = UNIT_OPEN;

impl Interval {
    /// Whether `x` is finite and inside.
    pub fn contains(self, x: f64) -> bool {
        let above = if self.lo_open { x > self.lo } else { x >= self.lo };
        let below = if self.hi_open { x < self.hi } else { x <= self.hi };
        x.is_finite() && above && below
    }

    /// The number written as `s`, when it is inside.
    pub fn parse(self, s: &str) -> Result<f64, String> {
        match s.parse::<f64>() {
            Ok(x) if self.contains(x) => Ok(x),
            _ => Err(self.describe()),
        }
    }

    /// `must be a number between 0 and 10`, `must be a number > 0 and ≤ 100`.
    pub fn describe(self) -> String {
        let (lo, hi) = (real(self.lo), real(self.hi));
        if !self.lo_open && !self.hi_open {
            return crate::tr!("link.parse.real_between", lo = lo, hi = hi);
        }
        let lo_op = if self.lo_open { ">" } else { "≥" };
        let hi_op = if self.hi_open { "<" } else { "≤" };
        crate::tr!("link.parse.real_bounds", lo_op = lo_op, lo = lo, hi_op = hi_op, hi = hi)
    }

    /// The inclusive `(min, max)` a number input with arrows of `step` (`0`:
    /// any) offers: an open end moves one step inside, or stays at the end
    /// with any step (the parser then refuses it).
    pub fn input_bounds(self, step: f64) -> (f64, f64) {
        let min = if self.lo_open { self.lo + step } else { self.lo };
        let max = if self.hi_open { self.hi - step } else { self.hi };
        (min, max)
    }

    /// The smallest interval holding both.
    pub fn hull(self, other: Interval) -> Interval {
        let (lo, lo_open) = match self.lo.total_cmp(&other.lo) {
            std::cmp::Ordering::Less => (self.lo, self.lo_open),
            std::cmp::Ordering::Greater => (other.lo, other.lo_open),
            std::cmp::Ordering::Equal => (self.lo, self.lo_open && other.lo_open),
        };
        let (hi, hi_open) = match self.hi.total_cmp(&other.hi) {
            std::cmp::Ordering::Greater => (self.hi, self.hi_open),
            std::cmp::Ordering::Less => (other.hi, other.hi_open),
            std::cmp::Ordering::Equal => (self.hi, self.hi_open && other.hi_open),
        };
        interval(lo, lo_open, hi, hi_open)
    }
}

/// `Some` of the value as text.
pub fn some(x: impl Display) -> Option<String> {
    Some(x.to_string())
}

/// Shortest text that parses back to exactly `x` (`1`, `0.03`, `1e-8`).
pub fn real(x: f64) -> String {
    let text = format!("{x:?}");
    match text.strip_suffix(".0") {
        Some(short) => short.to_owned(),
        None => text,
    }
}

/// The choice named `s`.
pub fn pick<T: Named>(s: &str) -> Result<T, String> {
    T::from_name(s).ok_or_else(|| crate::tr!("link.parse.one_of", names = names::<T>().join(", ")))
}

/// The names of every choice of `T`, in display order.
pub fn names<T: Named>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| v.name()).collect()
}

/// Version check: only [`FORMAT_VERSION`] is read exactly.
pub fn check_version(s: &str) -> Result<(), String> {
    match s.parse::<u64>() {
        Ok(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Ok(v) => Err(crate::tr!("link.parse.version_unsupported", v = v, version = FORMAT_VERSION)),
        Err(_) => Err(crate::tr!("link.parse.version_expected", version = FORMAT_VERSION)),
    }
}

/// `0` or `1`.
pub fn switch(s: &str) -> Result<bool, String> {
    Ok(ints(0, 1).parse(s)? == 1)
}

/// A comma list of control names: link keys (`is_key`) or transport
/// controls, no repeats.
pub fn controls(s: &str, is_key: impl Fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for name in s.split(',').filter(|n| !n.is_empty()) {
        if !is_key(name) && !TRANSPORT_CONTROLS.contains(&name) {
            let names = TRANSPORT_CONTROLS.join(", ");
            return Err(crate::tr!("link.parse.controls", example = "lr,bs,data", names = names));
        }
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// `feat`: a comma list of distinct feature names; empty means none.
pub fn features(s: &str) -> Result<Vec<Feature>, String> {
    let mut out = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    for name in s.split(',') {
        let f = Feature::from_name(name)
            .ok_or_else(|| crate::tr!("link.parse.feature_list", names = names::<Feature>().join(", ")))?;
        if out.contains(&f) {
            return Err(crate::tr!("link.parse.twice", name = f.name()));
        }
        out.push(f);
    }
    Ok(out)
}

/// `feat` text of the features, in input order.
pub fn features_to_text(features: &[Feature]) -> String {
    features.iter().map(|f| f.name()).collect::<Vec<_>>().join(",")
}

/// `net` text of the hidden blocks: `8:relu:bn:d0.2,4:tanh`.
pub fn net_to_text(hidden: &[LayerSpec]) -> String {
    let blocks: Vec<String> = hidden
        .iter()
        .map(|l| {
            let mut s = format!("{}:{}", l.units, l.act.name());
            if l.batch_norm {
                s.push_str(":bn");
            }
            if l.dropout != 0.0 {
                s.push_str(":d");
                s.push_str(&real(l.dropout));
            }
            s
        })
        .collect();
    blocks.join(",")
}

/// Parses `net`: comma list of `units:act[:bn][:dRATE]`; empty means no hidden layer.
pub fn net(s: &str) -> Result<Vec<LayerSpec>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    if s.split(',').nth(MAX_HIDDEN_LAYERS).is_some() {
        return Err(crate::tr!("link.parse.max_layers", max = MAX_HIDDEN_LAYERS));
    }
    s.split(',')
        .enumerate()
        .map(|(i, block)| layer(block).map_err(|e| crate::tr!("link.parse.layer", n = i + 1, reason = e)))
        .collect()
}

/// One `units:act[:bn][:dRATE]` block.
fn layer(block: &str) -> Result<LayerSpec, String> {
    let mut parts = block.split(':');
    let units =
        LAYER_UNITS.parse(parts.next().unwrap_or("")).map_err(|e| crate::tr!("link.parse.units", reason = e))?;
    let act = pick(parts.next().unwrap_or("")).map_err(|e| crate::tr!("link.parse.activation", reason = e))?;
    let mut spec = LayerSpec { units: units as usize, act, batch_norm: false, dropout: 0.0 };
    let (mut seen_bn, mut seen_dropout) = (false, false);
    for option in parts {
        if option == "bn" && !seen_bn {
            seen_bn = true;
            spec.batch_norm = true;
        } else if let (Some(rate), false) = (option.strip_prefix('d'), seen_dropout) {
            seen_dropout = true;
            spec.dropout = DROPOUT.parse(rate).map_err(|e| crate::tr!("link.parse.dropout", reason = e))?;
        } else {
            return Err(crate::tr!("link.parse.layer_options"));
        }
    }
    Ok(spec)
}
