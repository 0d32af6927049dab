//! THE settings table: one [`Setting`] row per link key, in link order.
//!
//! Every range is written here once: the codec parses with it and the page's
//! number inputs take their bounds from it. A variant key (`init`, `loss`,
//! `opt`, `sched`, `clip`) comes before the keys of its parameters, which
//! only adjust the variant already chosen. The rows of the bug lab, the view
//! and the classroom come last, each group together.
//!
//! A row's words (label, help, unit, why it is off) are catalog entries
//! keyed by its link key (`content/i18n/<lang>/settings.toml`): a row with
//! `.with_unit()` has a `setting.<key>.unit`, a row with `.relevant(…)` a
//! `setting.<key>.off` (the tests check every row's keys in every language).

use crate::engine::bug_lab::PlantedBug;
use crate::engine::config::{
    Act, BlockOrder, ClipKind, Config, DataKind, InitKind, LossKind, Named, OptimizerKind, OutputAct, ScheduleKind,
};
use crate::engine::i18n::Lang;
use crate::engine::learn;
use crate::engine::optim::Hyper;
use crate::engine::view::Speed;

use super::parse::{self, ints, Interval, CLIP, LEARNING_RATE, POS_UNIT, SYMMETRIC_10, UNIT, UNIT_OPEN, UP_TO_10};
use super::settings::{row, Belongs, Choice, Group, Kind, Panel, Place, Setting};
use super::{points, Link, MAX_STEP, VERSION_KEY};

/// A `<select>` of the names of `$t`, stored in the config field `$field`.
macro_rules! choice {
    ($t:ty, $($field:ident).+) => {
        Choice {
            names: parse::names::<$t>,
            get: |c| c$(.$field)+.name(),
            set: |c, s| {
                c$(.$field)+ = parse::pick::<$t>(s)?;
                Ok(())
            },
        }
    };
}

/// An integer in `$lo..=$hi` (input step `$step`) stored in the field `$field` of type `$t`.
macro_rules! int {
    ($lo:expr, $hi:expr, $step:expr, $t:ty, $($field:ident).+) => {
        Kind::Int {
            range: ints($lo, $hi),
            step: $step,
            get: |c| Some(c$(.$field)+ as u64),
            put: |c, x| c$(.$field)+ = x as $t,
        }
    };
}

/// A real in `$range` (input step `$step`, `0`: any) stored in the field `$field`.
macro_rules! real {
    ($range:expr, $step:expr, $($field:ident).+) => {
        Kind::Real {
            range: $range,
            narrower: &[],
            step: $step,
            place: Place::Field(|c| Some(c$(.$field)+), |c, x| c$(.$field)+ = x),
        }
    };
}

/// A real in `range` (input step `step`): the chosen optimizer's hyperparameter `h`.
const fn hyper(range: Interval, step: f64, h: Hyper) -> Kind {
    Kind::Real { range, narrower: &[], step, place: Place::Optimizer(h) }
}

/// A checkbox stored in the field `$field`.
macro_rules! check {
    ($($field:ident).+) => {
        Kind::Check { get: |c| c$(.$field)+, put: |c, on| c$(.$field)+ = on }
    };
}

/// A view key naming a Learn panel entry, stored in the `Option<String>`
/// field `$field`; `$known` says which names exist (an empty value clears it).
macro_rules! learn_text {
    ($($field:ident).+, $known:path) => {
        Kind::Text {
            get: |c| Some(c$(.$field)+.clone().unwrap_or_default()),
            set: |c, s| {
                c$(.$field)+ = match s {
                    "" => None,
                    s if $known(s) => Some(s.to_string()),
                    _ => return Err(crate::tr!("link.not_in_learn")),
                };
                Ok(())
            },
        }
    };
}

/// The parameter of the variants `names` of the setting `of`.
const fn of(of: &'static str, names: &'static [&'static str]) -> Belongs {
    Belongs::Variants { of, names }
}

/// A generated 2-D set (the number of points and the noise apply).
fn generated_planar(c: &Config) -> bool {
    c.data.kind.is_planar() && c.data.kind != DataKind::Custom
}

/// The custom points as link text, when they fit in a link ([`points`]).
fn points_text(link: &Link) -> Option<String> {
    let data = &link.config.data;
    if data.kind != DataKind::Custom || data.points.is_empty() {
        return None;
    }
    Some(points::encode(&data.points)).filter(|t| t.len() <= points::MAX_LINK_CHARS)
}

/// The custom points' hash, when they are too many for a link (or were
/// already missing from the link read).
fn points_hash_text(link: &Link) -> Option<String> {
    let data = &link.config.data;
    if data.kind != DataKind::Custom {
        return None;
    }
    if data.points.is_empty() {
        return data.points_hash.map(points::hash_text);
    }
    points_text(link).is_none().then(|| points::hash_text(points::hash(&data.points)))
}

fn set_points(link: &mut Link, text: &str) -> Result<(), String> {
    link.config.data.points = points::decode(text, points::MAX_LINK_CHARS)?;
    Ok(())
}

/// A hash beside the points themselves must be theirs.
fn set_points_hash(link: &mut Link, text: &str) -> Result<(), String> {
    let h = points::parse_hash(text)?;
    let data = &mut link.config.data;
    if data.points.is_empty() {
        data.points_hash = Some(h);
    } else if points::hash(&data.points) != h {
        return Err(crate::tr!("link.points.hash_mismatch"));
    }
    Ok(())
}

fn any_bn(c: &Config) -> bool {
    c.hidden.iter().any(|l| l.batch_norm)
}

/// Every link key, in the order they are written and applied.
pub const SETTINGS: &[Setting] = &[
    // Format.
    row(VERSION_KEY, Kind::Version).group(Group::Format),
    row(
        "seed",
        Kind::Int { range: ints(0, u64::MAX), step: 1, get: |c| Some(c.config.seed), put: |c, x| c.config.seed = x },
    )
    .on(Panel::Training, 200),
    row(
        "step",
        Kind::Int { range: ints(0, MAX_STEP), step: 1, get: |c| c.config.step, put: |c, x| c.config.step = Some(x) },
    )
    .group(Group::Format)
    .belongs(Belongs::WhenSet),
    // Data.
    row("data", Kind::DataPicker(choice!(DataKind, config.data.kind))).on(Panel::Data, 10),
    row("n", int!(10, 5000, 10, usize, config.data.n_points)).on(Panel::Data, 60).relevant(generated_planar),
    row("noise", int!(0, 50, 5, u32, config.data.noise_pct)).on(Panel::Data, 20).with_unit().relevant(generated_planar),
    row("train", int!(10, 90, 10, u32, config.data.train_pct)).on(Panel::Data, 30).with_unit(),
    row("minor", int!(5, 50, 5, u32, config.data.minority_pct))
        .on(Panel::Data, 40)
        .with_unit()
        .relevant(|c| c.data.kind.is_binary()),
    row("k", int!(3, 5, 1, usize, config.data.classes))
        .on(Panel::Data, 50)
        .relevant(|c| matches!(c.data.kind, DataKind::Blobs | DataKind::SpiralK)),
    row("feat", Kind::Features).on(Panel::Data, 70).relevant(|c| c.data.kind.is_planar()),
    row("std", check!(config.data.standardize)).on(Panel::Data, 80),
    row("pts", Kind::Text { get: points_text, set: set_points }).belongs(Belongs::WhenSet),
    row("pts_hash", Kind::Text { get: points_hash_text, set: set_points_hash }).belongs(Belongs::WhenSet),
    // Network.
    row("net", Kind::Network).on(Panel::Layers, 10),
    row("ord", Kind::Choice(choice!(BlockOrder, config.order)))
        .on(Panel::Model, 20)
        .relevant(|c| any_bn(c) && c.hidden.iter().any(|l| l.dropout > 0.0)),
    row("bnm", real!(UNIT_OPEN, 0.01, config.bn_momentum)).on(Panel::Model, 30).relevant(any_bn),
    row("bne", real!(POS_UNIT, 0.0, config.bn_eps)).on(Panel::Model, 40).relevant(any_bn),
    row("slope", real!(UNIT_OPEN, 0.01, config.leaky_slope))
        .on(Panel::Model, 50)
        .relevant(|c| c.hidden.iter().any(|l| l.act == Act::LeakyRelu)),
    row("init", Kind::Choice(choice!(InitKind, config.init))).on(Panel::Model, 60),
    row(
        "ia",
        Kind::Real {
            range: SYMMETRIC_10,
            narrower: &[("uniform", UP_TO_10), ("normal", UP_TO_10)],
            step: 0.01,
            place: Place::Field(
                |c| match c.config.init {
                    InitKind::Constant(a) | InitKind::Uniform(a) | InitKind::Normal(a) => Some(a),
                    _ => None,
                },
                |c, x| {
                    if let InitKind::Constant(a) | InitKind::Uniform(a) | InitKind::Normal(a) = &mut c.config.init {
                        *a = x;
                    }
                },
            ),
        },
    )
    .on(Panel::Model, 70)
    .belongs(of("init", &["const", "uniform", "normal"])),
    row("bias", real!(SYMMETRIC_10, 0.1, config.bias_init)).on(Panel::Model, 80),
    // Loss and penalties.
    row("loss", Kind::Choice(choice!(LossKind, config.loss))).on(Panel::Training, 130),
    row(
        "fg",
        Kind::Real {
            range: UP_TO_10,
            narrower: &[],
            step: 0.5,
            place: Place::Field(
                |c| match c.config.loss {
                    LossKind::Focal { gamma, .. } => Some(gamma),
                    _ => None,
                },
                |c, x| {
                    if let LossKind::Focal { gamma, .. } = &mut c.config.loss {
                        *gamma = x;
                    }
                },
            ),
        },
    )
    .on(Panel::Training, 140)
    .belongs(of("loss", &["focal"])),
    row(
        "fa",
        Kind::Real {
            range: UNIT,
            narrower: &[],
            step: 0.05,
            place: Place::Field(
                |c| match c.config.loss {
                    LossKind::Focal { alpha, .. } => Some(alpha),
                    _ => None,
                },
                |c, x| {
                    if let LossKind::Focal { alpha, .. } = &mut c.config.loss {
                        *alpha = x;
                    }
                },
            ),
        },
    )
    .on(Panel::Training, 150)
    .belongs(of("loss", &["focal"])),
    row("out", Kind::Choice(choice!(OutputAct, config.output_act)))
        .on(Panel::Model, 90)
        .relevant(|c| c.loss == LossKind::Mse),
    row("l1", real!(UP_TO_10, 0.0, config.l1)).on(Panel::Training, 160).live(),
    row("l2", real!(UP_TO_10, 0.0, config.l2)).on(Panel::Training, 170).live(),
    // Optimization.
    row("lr", real!(LEARNING_RATE, 0.0, config.lr)).on(Panel::Training, 10).live(),
    row("opt", Kind::Choice(choice!(OptimizerKind, config.optimizer))).on(Panel::Training, 30).live(),
    row("mom", hyper(UNIT_OPEN, 0.01, Hyper::Mu)).on(Panel::Training, 40).belongs(Belongs::Optimizer).live(),
    row("rho", hyper(UNIT_OPEN, 0.01, Hyper::Rho)).on(Panel::Training, 50).belongs(Belongs::Optimizer).live(),
    row("b1", hyper(UNIT_OPEN, 0.01, Hyper::Beta1)).on(Panel::Training, 60).belongs(Belongs::Optimizer).live(),
    row("b2", hyper(UNIT_OPEN, 0.001, Hyper::Beta2)).on(Panel::Training, 70).belongs(Belongs::Optimizer).live(),
    row("eps", hyper(POS_UNIT, 0.0, Hyper::Eps)).on(Panel::Training, 80).belongs(Belongs::Optimizer).live(),
    row("wd", hyper(UP_TO_10, 0.001, Hyper::WeightDecay)).on(Panel::Training, 90).belongs(Belongs::Optimizer).live(),
    row("sched", Kind::Choice(choice!(ScheduleKind, config.schedule))).on(Panel::Training, 100).live(),
    row(
        "se",
        Kind::Int {
            range: ints(1, MAX_STEP),
            step: 1,
            get: |c| match c.config.schedule {
                ScheduleKind::Step { every: n, .. }
                | ScheduleKind::Exponential { every: n, .. }
                | ScheduleKind::Cosine { period: n, .. }
                | ScheduleKind::Warmup { steps: n } => Some(n),
                ScheduleKind::Constant => None,
            },
            put: |c, x| {
                if let ScheduleKind::Step { every: n, .. }
                | ScheduleKind::Exponential { every: n, .. }
                | ScheduleKind::Cosine { period: n, .. }
                | ScheduleKind::Warmup { steps: n } = &mut c.config.schedule
                {
                    *n = x;
                }
            },
        },
    )
    .on(Panel::Training, 110)
    .with_unit()
    .belongs(of("sched", &["step", "exp", "cos", "warmup"]))
    .live(),
    row(
        "sg",
        Kind::Real {
            range: UNIT,
            narrower: &[("step", POS_UNIT), ("exp", POS_UNIT)],
            step: 0.05,
            place: Place::Field(
                |c| match c.config.schedule {
                    ScheduleKind::Step { gamma: g, .. }
                    | ScheduleKind::Exponential { gamma: g, .. }
                    | ScheduleKind::Cosine { min_factor: g, .. } => Some(g),
                    _ => None,
                },
                |c, x| {
                    if let ScheduleKind::Step { gamma: g, .. }
                    | ScheduleKind::Exponential { gamma: g, .. }
                    | ScheduleKind::Cosine { min_factor: g, .. } = &mut c.config.schedule
                    {
                        *g = x;
                    }
                },
            ),
        },
    )
    .on(Panel::Training, 120)
    .belongs(of("sched", &["step", "exp", "cos"]))
    .live(),
    row("clip", Kind::Choice(choice!(ClipKind, config.clip))).on(Panel::Training, 180).live(),
    row(
        "cv",
        Kind::Real {
            range: CLIP,
            narrower: &[],
            step: 0.0,
            place: Place::Field(
                |c| match c.config.clip {
                    ClipKind::Value(t) | ClipKind::Norm(t) => Some(t),
                    ClipKind::None => None,
                },
                |c, x| {
                    if let ClipKind::Value(t) | ClipKind::Norm(t) = &mut c.config.clip {
                        *t = x;
                    }
                },
            ),
        },
    )
    .on(Panel::Training, 190)
    .belongs(of("clip", &["value", "norm"]))
    .live(),
    row("bs", int!(1, 100_000, 1, usize, config.batch_size)).on(Panel::Training, 20).live(),
    // Bug lab: written only when a bug is planted.
    row(
        "bug",
        Kind::Text {
            get: |c| c.bug.map(PlantedBug::to_link_value),
            set: |c, s| {
                c.bug = Some(PlantedBug::from_link_value(s)?);
                Ok(())
            },
        },
    )
    .group(Group::BugLab)
    .belongs(Belongs::WhenSet),
    // View toggles: written only when set.
    row("test", check!(view.show_test))
        .on(Panel::Heatmap, 10)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live()
        .relevant(|c| c.data.kind.is_planar()),
    row("disc", check!(view.discretize))
        .on(Panel::Heatmap, 20)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live()
        .relevant(|c| !c.data.kind.is_regression() && c.data.kind.is_planar()),
    row("log", check!(view.log_scale)).on(Panel::Charts, 10).group(Group::View).belongs(Belongs::WhenSet).live(),
    row("speed", Kind::Choice(choice!(Speed, view.speed)))
        .on(Panel::Transport, 10)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live(),
    row("learn", learn_text!(view.learn, learn::is_item)).group(Group::View).belongs(Belongs::WhenSet).live(),
    row("lang", Kind::Choice(choice!(Lang, view.lang)))
        .on(Panel::Masthead, 10)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live(),
    row("lesson", learn_text!(view.lesson, learn::is_lesson)).group(Group::View).belongs(Belongs::WhenSet).live(),
    // Classroom: set by a link's author, written only when set.
    row("embed", check!(classroom.embed)).group(Group::Classroom).belongs(Belongs::WhenSet).live(),
    row(
        "hide",
        Kind::Text {
            get: |c| Some(c.classroom.hide.join(",")),
            set: |c, s| {
                c.classroom.hide = parse::controls(s, super::settings::is_key)?;
                Ok(())
            },
        },
    )
    .group(Group::Classroom)
    .belongs(Belongs::WhenSet)
    .live(),
    row(
        "lock",
        Kind::Text {
            get: |c| Some(c.classroom.lock.join(",")),
            set: |c, s| {
                c.classroom.lock = parse::controls(s, super::settings::is_key)?;
                Ok(())
            },
        },
    )
    .group(Group::Classroom)
    .belongs(Belongs::WhenSet)
    .live(),
    row(
        "note",
        Kind::Text {
            get: |c| Some(c.classroom.note.clone().unwrap_or_default()),
            set: |c, s| {
                c.classroom.note = crate::engine::view::parse_note(s)?;
                Ok(())
            },
        },
    )
    .group(Group::Classroom)
    .belongs(Belongs::WhenSet)
    .live(),
];

/// The rows with a control on the page, in page order (by panel, then by
/// position in the panel).
pub fn page_order() -> Vec<&'static Setting> {
    let mut rows: Vec<&Setting> = SETTINGS.iter().filter(|s| s.panel.is_some()).collect();
    rows.sort_by_key(|s| s.panel);
    rows
}
