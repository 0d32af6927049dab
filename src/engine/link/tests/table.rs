//! The settings table itself: one row per key, every range used alike by the
//! parser and the number inputs, variant membership as the codec writes it,
//! `live` as the trainer applies it, defaults, page order and units.

use std::collections::BTreeSet;

use crate::engine::config::{CustomPoint, DataKind, OptimizerKind};
use crate::engine::link::describe::describe;
use crate::engine::link::*;
use crate::engine::trainer::{LiveChange, Trainer};

/// Every key of the link format, as documented in the module docs.
const KEYS: &[&str] = &[
    "v", "seed", "step", "data", "n", "noise", "train", "minor", "k", "feat", "std", "pts", "pts_hash", "net", "ord",
    "bnm", "bne", "slope", "init", "ia", "bias", "loss", "fg", "fa", "out", "l1", "l2", "lr", "opt", "mom", "rho",
    "b1", "b2", "eps", "wd", "sched", "se", "sg", "clip", "cv", "bs", "bug", "test", "disc", "log", "speed", "learn",
    "lang", "lesson", "embed", "hide", "lock", "note",
];

#[test]
fn every_key_has_exactly_one_row() {
    let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
    assert_eq!(keys, KEYS, "keys in link order");
    assert_eq!(keys.iter().collect::<BTreeSet<_>>().len(), keys.len());
    for key in KEYS {
        assert_eq!(setting(key).map(|s| s.key), Some(*key));
    }
    assert!(setting("zz").is_none());
}

/// The links worth checking a row in: the default, and for a parameter
/// every variant of its owner chosen (with that variant's defaults).
fn configs_for(s: &Setting) -> Vec<(String, Link)> {
    let owner = match s.belongs {
        Belongs::Variants { of, .. } => of,
        Belongs::Optimizer => "opt",
        Belongs::Always | Belongs::WhenSet if s.key == "pts" => return vec![("custom".into(), custom_link())],
        Belongs::Always | Belongs::WhenSet => return vec![("default".into(), Link::default())],
    };
    variants(owner)
}

/// The default link on two custom points.
fn custom_link() -> Link {
    let mut link = Link::default();
    link.config.data.kind = DataKind::Custom;
    link.config.data.points = vec![CustomPoint { x1: 0, x2: 0, class: 0 }, CustomPoint { x1: 100, x2: 0, class: 1 }];
    link
}

/// The default link with each variant of the choice `owner`.
fn variants(owner: &str) -> Vec<(String, Link)> {
    let row = setting(owner).expect("owner row");
    let (Kind::Choice(c) | Kind::DataPicker(c)) = row.kind else { panic!("{owner} is not a choice") };
    (c.names)()
        .into_iter()
        .map(|name| {
            let mut cfg = Link::default();
            row.set(&mut cfg, name).expect("valid name");
            (name.to_string(), cfg)
        })
        .collect()
}

/// Sets `text` on a copy of `cfg` through the row; `Ok` with the text it
/// then reads back (when it belongs to the config's variant).
fn try_set(s: &Setting, cfg: &Link, text: &str) -> Result<Option<String>, String> {
    let mut c = cfg.clone();
    s.set(&mut c, text)?;
    Ok(s.text(&c))
}

#[test]
fn every_numeric_range_is_what_parser_and_control_use() {
    let mut checked = 0;
    for s in SETTINGS {
        for (variant, cfg) in configs_for(s) {
            let at = format!("{} ({variant})", s.key);
            match s.kind {
                Kind::Int { range, step, .. } => {
                    let n = s.number(&cfg).expect("a number");
                    assert_eq!((n.min, n.max, n.step), (range.lo as f64, range.hi as f64, step as f64), "{at}");
                    for end in [range.lo, range.hi] {
                        let read = try_set(s, &cfg, &end.to_string());
                        assert!(read.is_ok(), "{at}: {end} refused");
                        if s.is_member(&cfg) {
                            assert_eq!(read, Ok(Some(end.to_string())), "{at}");
                        }
                    }
                    if range.lo > 0 {
                        assert!(try_set(s, &cfg, &(range.lo - 1).to_string()).is_err(), "{at}: below");
                    }
                    if range.hi < u64::MAX {
                        assert!(try_set(s, &cfg, &(range.hi + 1).to_string()).is_err(), "{at}: above");
                    }
                    checked += 1;
                }
                Kind::Real { step, .. } => {
                    let i = s.interval(&cfg).expect("an interval");
                    let n = s.number(&cfg).expect("a number");
                    let inside = |end: f64, open: bool, toward: f64| if open { end + toward * step } else { end };
                    assert_eq!(
                        (n.min, n.max, n.step),
                        (inside(i.lo, i.lo_open, 1.0), inside(i.hi, i.hi_open, -1.0), step)
                    );
                    let (below, above) = (i.lo - 1e-9 * i.lo.abs().max(1.0), i.hi + 1e-9 * i.hi.abs().max(1.0));
                    let (just_in_lo, just_in_hi) =
                        (i.lo + 1e-9 * i.lo.abs().max(1.0), i.hi - 1e-9 * i.hi.abs().max(1.0));
                    assert_eq!(try_set(s, &cfg, &parse::real(i.lo)).is_ok(), !i.lo_open, "{at}: at lo");
                    assert_eq!(try_set(s, &cfg, &parse::real(i.hi)).is_ok(), !i.hi_open, "{at}: at hi");
                    assert!(try_set(s, &cfg, &parse::real(below)).is_err(), "{at}: below");
                    assert!(try_set(s, &cfg, &parse::real(above)).is_err(), "{at}: above");
                    assert!(try_set(s, &cfg, &parse::real(just_in_lo)).is_ok(), "{at}: just inside lo");
                    assert!(try_set(s, &cfg, &parse::real(just_in_hi)).is_ok(), "{at}: just inside hi");
                    // The control's own bounds are accepted, except an open end with any step.
                    let accepted = |x: f64| try_set(s, &cfg, &parse::real(x)).is_ok();
                    assert_eq!(accepted(n.min), n.step > 0.0 || !i.lo_open, "{at}: control min");
                    assert_eq!(accepted(n.max), n.step > 0.0 || !i.hi_open, "{at}: control max");
                    checked += 1;
                }
                _ => assert!(s.number(&cfg).is_none(), "{at}"),
            }
        }
    }
    assert!(checked > 40, "{checked} row/variant pairs checked");
}

#[test]
fn number_bounds_by_hand() {
    let bounds = |key: &str, cfg: &Link| {
        let n = setting(key).and_then(|s| s.number(cfg)).expect("a number");
        (n.min, n.max, n.step)
    };
    let d = Link::default();
    assert_eq!(bounds("lr", &d), (0.0, 100.0, 0.0), "(0, 100] with any step stays at the ends");
    assert_eq!(bounds("n", &d), (10.0, 5000.0, 10.0));
    assert_eq!(bounds("seed", &d).1, u64::MAX as f64);
    assert_eq!(bounds("mom", &d), (0.0, 0.99, 0.01), "[0, 1) moves one step inside");
    assert_eq!(bounds("bne", &d), (0.0, 1.0, 0.0));
    let with = |text: &str| decode_link(text).0;
    assert_eq!(bounds("ia", &with("init=const")), (-10.0, 10.0, 0.01));
    assert_eq!(bounds("ia", &with("init=uniform")), (0.0, 10.0, 0.01), "the uniform bound is narrower");
    assert_eq!(bounds("sg", &with("sched=step")), (0.05, 1.0, 0.05), "(0, 1] for a decay factor");
    assert_eq!(bounds("sg", &with("sched=cos")), (0.0, 1.0, 0.05), "[0, 1] for the final cosine multiplier");
    assert_eq!(parse::DROPOUT.input_bounds(0.05), (0.0, 0.95));
}

#[test]
fn parameter_keys_are_written_iff_their_variant_is_chosen() {
    let mut members: Vec<(&str, Vec<String>)> = Vec::new();
    for s in SETTINGS.iter().filter(|s| s.is_param()) {
        let mut chosen = Vec::new();
        for (variant, cfg) in configs_for(s) {
            let written = encode_link(&cfg).split('&').any(|p| p.split('=').next() == Some(s.key));
            assert_eq!(written, s.is_member(&cfg), "{} with {variant}", s.key);
            assert_eq!(s.text(&cfg).is_some(), written, "{} with {variant}", s.key);
            if written {
                chosen.push(variant);
            }
        }
        members.push((s.key, chosen));
    }
    let expected: &[(&str, &[&str])] = &[
        ("ia", &["const", "uniform", "normal"]),
        ("fg", &["focal"]),
        ("fa", &["focal"]),
        // An optimizer's keys: the rules that read the row's hyperparameter
        // (the classic six by hand; a rule added later reads what it says).
        ("mom", &["momentum", "nesterov"]),
        ("rho", &["rmsprop"]),
        ("b1", &["adam", "adamw"]),
        ("b2", &["adam", "adamw"]),
        ("eps", &["rmsprop", "adam", "adamw"]),
        ("wd", &["adamw"]),
        ("se", &["step", "exp", "cos", "warmup"]),
        ("sg", &["step", "exp", "cos"]),
        ("cv", &["value", "norm"]),
    ];
    let classic = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"];
    let later: Vec<OptimizerKind> =
        OptimizerKind::VARIANTS.iter().copied().filter(|o| !classic.contains(&o.name())).collect();
    let expected: Vec<(&str, Vec<String>)> = expected
        .iter()
        .map(|(k, v)| {
            let mut names: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            if let Some(Kind::Real { place: crate::engine::link::settings::Place::Optimizer(h), .. }) =
                setting(k).map(|s| s.kind)
            {
                names.extend(later.iter().filter(|o| o.rule.reads.contains(&h)).map(|o| o.name().to_string()));
            }
            (*k, names)
        })
        .collect();
    assert_eq!(members, expected);
    // Every other key of the default config is written unless it waits to be set.
    let text = encode_link(&Link::default());
    for s in SETTINGS.iter().filter(|s| !s.is_param()) {
        let written = text.split('&').any(|p| p.split('=').next() == Some(s.key));
        assert_eq!(written, s.belongs == Belongs::Always, "{}", s.key);
    }
}

#[test]
fn owners_come_before_their_parameters_and_name_real_variants() {
    for (i, s) in SETTINGS.iter().enumerate() {
        if let Belongs::Variants { of, names } = s.belongs {
            let owner = SETTINGS.iter().position(|o| o.key == of).expect("owner row");
            assert!(owner < i, "{} comes before {of}", s.key);
            let all: Vec<String> = variants(of).into_iter().map(|(n, _)| n).collect();
            assert!(names.iter().all(|n| all.iter().any(|a| a == n)), "{}: {names:?} not all in {all:?}", s.key);
        }
        if let Kind::Real { narrower, .. } = s.kind {
            assert!(narrower.is_empty() || s.is_param(), "{}", s.key);
        }
    }
    let opt = SETTINGS.iter().position(|o| o.key == "opt").expect("opt row");
    for (i, s) in SETTINGS.iter().enumerate().filter(|(_, s)| s.belongs == Belongs::Optimizer) {
        assert!(opt < i, "{}", s.key);
    }
    // Every optimizer hyperparameter has a row that belongs to the optimizer.
    use crate::engine::config::Named;
    for &o in OptimizerKind::VARIANTS {
        for &h in o.rule.reads {
            let rows: Vec<&str> = SETTINGS
                .iter()
                .filter(|s| matches!(s.kind, Kind::Real { place: crate::engine::link::settings::Place::Optimizer(p), .. } if p == h))
                .map(|s| s.key)
                .collect();
            assert_eq!(rows.len(), 1, "{} reads {h:?}: rows {rows:?}", o.name());
            assert_eq!(setting(rows[0]).map(|s| s.belongs), Some(Belongs::Optimizer), "{}", rows[0]);
        }
    }
}

/// A valid text for `s` in `cfg` other than its current one.
fn other_value(s: &Setting, cfg: &Link) -> Option<String> {
    let now = s.text(cfg);
    let differs = |t: String| (Some(&t) != now.as_ref()).then_some(t);
    match s.kind {
        Kind::Choice(c) | Kind::DataPicker(c) => (c.names)().into_iter().map(String::from).find_map(differs),
        Kind::Int { range, .. } => differs(range.lo.to_string()).or_else(|| differs(range.hi.to_string())),
        Kind::Real { .. } => {
            let i = s.interval(cfg)?;
            differs(parse::real((i.lo + i.hi) / 2.0)).or_else(|| differs(parse::real(i.hi)))
        }
        Kind::Check { .. } => differs("1".into()).or_else(|| differs("0".into())),
        Kind::Features => differs("x1".into()),
        Kind::Network => differs("3:relu".into()),
        Kind::Text { .. } if s.key == "pts" => {
            differs(crate::engine::link::points::encode(&[CustomPoint { x1: 5, x2: 5, class: 1 }; 3]))
        }
        Kind::Text { .. } => differs(
            match s.key {
                "bug" => "stale-bn",
                "learn" => "3.4",
                "lesson" => "vanishing",
                "note" => "Read the loss chart",
                _ => "lr",
            }
            .into(),
        ),
        Kind::Version => None,
    }
}

#[test]
fn live_rows_are_what_the_trainer_applies_mid_run() {
    // (A planted bug is not part of the experiment: planting one is a new run.)
    // (A points hash alone carries no data to train.)
    for s in SETTINGS.iter().filter(|s| !matches!(s.group, Group::Format | Group::BugLab) && s.key != "pts_hash") {
        let (variant, base) = configs_for(s).into_iter().find(|(_, c)| s.is_member(c)).expect("a member");
        let value = other_value(s, &base).expect("another value");
        let (next, msgs) = with_field(&base, s.key, &value);
        assert!(msgs.is_empty(), "{}={value}: {msgs:?}", s.key);
        assert_ne!(next, base, "{}={value} changes nothing", s.key);
        let mut trainer = Trainer::from_config(&base.config).expect("valid base");
        let change = trainer.apply_live(&next.config);
        assert_eq!(
            matches!(change, LiveChange::Applied | LiveChange::NewOptimizer),
            s.live,
            "{}={value} with {variant}: {change:?}",
            s.key
        );
    }
}

#[test]
fn defaults_by_hand() {
    let default = |key: &str| setting(key).and_then(Setting::default_text);
    let expected = [
        ("v", "1"),
        ("lr", "0.03"),
        ("bs", "10"),
        ("noise", "0"),
        ("net", "4:tanh,2:tanh"),
        ("ia", "0.1"),
        ("fg", "2"),
        ("fa", "0.25"),
        ("mom", "0.9"),
        ("rho", "0.9"),
        ("b2", "0.999"),
        ("eps", "1e-8"),
        ("wd", "0.01"),
        ("se", "1000"),
        ("sg", "0.5"),
        ("cv", "1"),
        ("test", "0"),
        ("speed", "epoch"),
        ("hide", ""),
    ];
    for (key, text) in expected {
        assert_eq!(default(key).as_deref(), Some(text), "{key}");
    }
    assert_eq!(default("step"), None);
    assert_eq!(default("bug"), None);
}

#[test]
fn page_order_units_and_description() {
    let order: Vec<&str> = page_order().iter().map(|s| s.key).collect();
    // The page's order before the table existed, panel by panel.
    let expected = [
        "data", "noise", "train", "minor", "k", "n", "feat", "std", // Data
        "net", "ord", "bnm", "bne", "slope", "init", "ia", "bias", "out", // Model
        "lr", "bs", "opt", "mom", "rho", "b1", "b2", "eps", "wd", "sched", "se", "sg", "loss", "fg", "fa", "l1", "l2",
        "clip", "cv", "seed", // Training
        "test", "disc", "log", "speed", "lang", // Heatmap, charts, transport
    ];
    assert_eq!(order, expected);
    let places: BTreeSet<_> = SETTINGS.iter().filter_map(|s| s.panel).collect();
    assert_eq!(places.len(), order.len(), "one position per control");
    let title = |key: &str| setting(key).map(Setting::title);
    assert_eq!(title("noise").as_deref(), Some("Noise %"));
    assert_eq!(title("se").as_deref(), Some("Schedule steps"));
    assert_eq!(title("lr").as_deref(), Some("Learning rate"));

    let table = describe();
    assert_eq!(table.controls.iter().map(|c| c.key).collect::<Vec<_>>(), expected);
    assert_eq!(table.codec_keys, KEYS);
    assert_eq!(
        table.link_only,
        ["v", "step", "pts", "pts_hash", "bug", "learn", "lesson", "embed", "hide", "lock", "note"]
    );
    let lr = table.controls.iter().find(|c| c.key == "lr").expect("lr");
    assert_eq!(
        (lr.kind, lr.min, lr.max, lr.default.as_deref(), lr.live),
        ("number", Some(0.0), Some(100.0), Some("0.03"), true)
    );
    let opt = table.controls.iter().find(|c| c.key == "opt").expect("opt");
    let names: Vec<&str> = OptimizerKind::VARIANTS.iter().map(|o| o.name()).collect();
    assert_eq!(opt.options.as_deref(), Some(&names[..]));
    assert_eq!(names[..6], ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]);
}
