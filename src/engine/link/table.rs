//! THE settings table: one [`Setting`] row per link key, in link order.
//!
//! Every range is written here once: the codec parses with it and the page's
//! number inputs take their bounds from it. A variant key (`init`, `loss`,
//! `opt`, `sched`, `clip`) comes before the keys of its parameters, which
//! only adjust the variant already chosen. The rows of the bug lab, the view
//! and the classroom come last, each group together.

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
use super::{MAX_STEP, VERSION_KEY};

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
                    _ => return Err("is not in the Learn panel".to_string()),
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

fn any_bn(c: &Config) -> bool {
    c.hidden.iter().any(|l| l.batch_norm)
}

/// Every link key, in the order they are written and applied.
pub const SETTINGS: &[Setting] = &[
    // Format.
    row(VERSION_KEY, "Format version", "format version", Kind::Version).group(Group::Format),
    row(
        "seed",
        "Seed",
        "Drives data, initial weights, shuffles and dropout",
        Kind::Int { range: ints(0, u64::MAX), step: 1, get: |c| Some(c.config.seed), put: |c, x| c.config.seed = x },
    )
    .on(Panel::Training, 200),
    row(
        "step",
        "Step",
        "the step a shared link fast-forwards to (Share writes it)",
        Kind::Int { range: ints(0, MAX_STEP), step: 1, get: |c| c.config.step, put: |c, x| c.config.step = Some(x) },
    )
    .group(Group::Format)
    .belongs(Belongs::WhenSet),
    // Data.
    row("data", "Data set", "Which data to learn", Kind::DataPicker(choice!(DataKind, config.data.kind)))
        .on(Panel::Data, 10),
    row("n", "Points", "Number of points generated", int!(10, 5000, 10, usize, config.data.n_points))
        .on(Panel::Data, 60)
        .relevant(|c| c.data.kind.is_planar(), "Only for the 2-D data sets: digits is a fixed set of 8×8 images"),
    row("noise", "Noise", "Label noise of the generator, 0–50 %", int!(0, 50, 5, u32, config.data.noise_pct))
        .on(Panel::Data, 20)
        .unit("%")
        .relevant(|c| c.data.kind.is_planar(), "Only for the 2-D data sets: digits is a fixed set of 8×8 images"),
    row(
        "train",
        "Training share",
        "Share of the points used for training",
        int!(10, 90, 10, u32, config.data.train_pct),
    )
    .on(Panel::Data, 30)
    .unit("%"),
    row(
        "minor",
        "Class 1 share",
        "Share of class 1 (imbalance); 50 = balanced",
        int!(5, 50, 5, u32, config.data.minority_pct),
    )
    .on(Panel::Data, 40)
    .unit("%")
    .relevant(|c| c.data.kind.is_binary(), "Only for the two-class data sets"),
    row("k", "Classes", "Number of classes of the K-class sets", int!(3, 5, 1, usize, config.data.classes))
        .on(Panel::Data, 50)
        .relevant(
            |c| matches!(c.data.kind, DataKind::Blobs | DataKind::SpiralK),
            "Only for blobs and spiralk, the K-class data sets",
        ),
    row("feat", "Features", "Inputs computed from (x1, x2)", Kind::Features)
        .on(Panel::Data, 70)
        .relevant(|c| c.data.kind.is_planar(), "Only for the 2-D data sets: digits is a fixed set of 8×8 images"),
    row("std", "Standardize inputs", "Zero mean, unit variance (training statistics)", check!(config.data.standardize))
        .on(Panel::Data, 80),
    // Network.
    row("net", "Hidden layers", "units:activation[:bn][:dRATE], comma-separated", Kind::Network).on(Panel::Layers, 10),
    row(
        "ord",
        "Block order",
        "Dense→BN→act→Dropout, or Dense→act→Dropout→BN",
        Kind::Choice(choice!(BlockOrder, config.order)),
    )
    .on(Panel::Model, 20)
    .relevant(
        |c| any_bn(c) && c.hidden.iter().any(|l| l.dropout > 0.0),
        "Matters only with BatchNorm and dropout in the network",
    ),
    row(
        "bnm",
        "BN momentum",
        "Running statistics: m·running + (1−m)·batch",
        real!(UNIT_OPEN, 0.01, config.bn_momentum),
    )
    .on(Panel::Model, 30)
    .relevant(any_bn, "Only with a BatchNorm layer: tick BN on a hidden layer"),
    row("bne", "BN ε", "Added to the variance", real!(POS_UNIT, 0.0, config.bn_eps))
        .on(Panel::Model, 40)
        .relevant(any_bn, "Only with a BatchNorm layer: tick BN on a hidden layer"),
    row("slope", "Leaky ReLU slope", "Slope for x < 0", real!(UNIT_OPEN, 0.01, config.leaky_slope))
        .on(Panel::Model, 50)
        .relevant(|c| c.hidden.iter().any(|l| l.act == Act::LeakyRelu), "Only with a leaky ReLU (lrelu) layer"),
    row("init", "Initialization", "How the weights are drawn", Kind::Choice(choice!(InitKind, config.init)))
        .on(Panel::Model, 60),
    row(
        "ia",
        "Init parameter",
        "Constant value, uniform bound or normal σ",
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
    row("bias", "Initial bias", "Every bias starts here", real!(SYMMETRIC_10, 0.1, config.bias_init))
        .on(Panel::Model, 80),
    // Loss and penalties.
    row("loss", "Loss", "Training loss", Kind::Choice(choice!(LossKind, config.loss))).on(Panel::Training, 130),
    row(
        "fg",
        "Focal γ",
        "Focusing parameter",
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
        "Focal α",
        "Weight of class 1",
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
    row("out", "Output activation", "With the MSE loss", Kind::Choice(choice!(OutputAct, config.output_act)))
        .on(Panel::Model, 90)
        .relevant(
            |c| c.loss == LossKind::Mse,
            "Only with the MSE loss: softmax, BCE and focal apply their own output function",
        ),
    row("l1", "L1", "L1 penalty strength; applies mid-run", real!(UP_TO_10, 0.0, config.l1))
        .on(Panel::Training, 160)
        .live(),
    row("l2", "L2", "L2 penalty strength; applies mid-run", real!(UP_TO_10, 0.0, config.l2))
        .on(Panel::Training, 170)
        .live(),
    // Optimization.
    row("lr", "Learning rate", "Applies mid-run", real!(LEARNING_RATE, 0.0, config.lr)).on(Panel::Training, 10).live(),
    row("opt", "Optimizer", "Update rule", Kind::Choice(choice!(OptimizerKind, config.optimizer)))
        .on(Panel::Training, 30)
        .live(),
    row("mom", "Momentum μ", "Momentum and Nesterov", hyper(UNIT_OPEN, 0.01, Hyper::Mu))
        .on(Panel::Training, 40)
        .belongs(Belongs::Optimizer)
        .live(),
    row("rho", "RMSProp ρ", "Decay of the squared-gradient average", hyper(UNIT_OPEN, 0.01, Hyper::Rho))
        .on(Panel::Training, 50)
        .belongs(Belongs::Optimizer)
        .live(),
    row("b1", "β1", "First-moment decay (Adam, AdamW; Lion's interpolation)", hyper(UNIT_OPEN, 0.01, Hyper::Beta1))
        .on(Panel::Training, 60)
        .belongs(Belongs::Optimizer)
        .live(),
    row("b2", "β2", "Second-moment decay (Adam, AdamW; Lion's momentum)", hyper(UNIT_OPEN, 0.001, Hyper::Beta2))
        .on(Panel::Training, 70)
        .belongs(Belongs::Optimizer)
        .live(),
    row("eps", "Optimizer ε", "Added to the root", hyper(POS_UNIT, 0.0, Hyper::Eps))
        .on(Panel::Training, 80)
        .belongs(Belongs::Optimizer)
        .live(),
    row(
        "wd",
        "Weight decay",
        "Decoupled decay of the weights (AdamW, Lion)",
        hyper(UP_TO_10, 0.001, Hyper::WeightDecay),
    )
    .on(Panel::Training, 90)
    .belongs(Belongs::Optimizer)
    .live(),
    row(
        "sched",
        "LR schedule",
        "Multiplier of the learning rate over steps; applies mid-run",
        Kind::Choice(choice!(ScheduleKind, config.schedule)),
    )
    .on(Panel::Training, 100)
    .live(),
    row(
        "se",
        "Schedule",
        "Decay interval, cosine period or warm-up length",
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
    .unit("steps")
    .belongs(of("sched", &["step", "exp", "cos", "warmup"]))
    .live(),
    row(
        "sg",
        "Schedule factor",
        "γ per interval, or the final cosine multiplier",
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
    row(
        "clip",
        "Gradient clipping",
        "By value or by global norm; applies mid-run",
        Kind::Choice(choice!(ClipKind, config.clip)),
    )
    .on(Panel::Training, 180)
    .live(),
    row(
        "cv",
        "Clip threshold",
        "Largest gradient value or norm",
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
    row("bs", "Batch size", "1 … the training set; applies mid-run", int!(1, 100_000, 1, usize, config.batch_size))
        .on(Panel::Training, 20)
        .live(),
    // Bug lab: written only when a bug is planted.
    row(
        "bug",
        "Planted bug",
        "planted bug for the bug lab, set by the link's author (the instruments panel owns its UI)",
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
    row("test", "Show test data", "Draw the test points on the output", check!(view.show_test))
        .on(Panel::Heatmap, 10)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live()
        .relevant(|c| c.data.kind.is_planar(), "Only for the 2-D data sets: digits is a fixed set of 8×8 images"),
    row("disc", "Discretize output", "Show the predicted class only", check!(view.discretize))
        .on(Panel::Heatmap, 20)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live()
        .relevant(|c| !c.data.kind.is_regression() && c.data.kind.is_planar(), "Only for the 2-D classification sets"),
    row("log", "Log scale", "Logarithmic loss axis", check!(view.log_scale))
        .on(Panel::Charts, 10)
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live(),
    row(
        "speed",
        "Speed",
        "Per frame while playing: one mini-batch, one epoch, ten epochs, or as much as the frame allows",
        Kind::Choice(choice!(Speed, view.speed)),
    )
    .on(Panel::Transport, 10)
    .group(Group::View)
    .belongs(Belongs::WhenSet)
    .live(),
    row("learn", "Checklist item", "the Learn panel's open item, e.g. 3.4", learn_text!(view.learn, learn::is_item))
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live(),
    row(
        "lang",
        "Language",
        "The page's language: English or Simplified Chinese",
        Kind::Choice(choice!(Lang, view.lang)),
    )
    .on(Panel::Transport, 20)
    .group(Group::View)
    .belongs(Belongs::WhenSet)
    .live(),
    row("lesson", "Lesson", "the guided lesson open in the Learn panel", learn_text!(view.lesson, learn::is_lesson))
        .group(Group::View)
        .belongs(Belongs::WhenSet)
        .live(),
    // Classroom: set by a link's author, written only when set.
    row("embed", "Embed", "classroom flag set by the link's author", check!(classroom.embed))
        .group(Group::Classroom)
        .belongs(Belongs::WhenSet)
        .live(),
    row(
        "hide",
        "Hidden controls",
        "classroom flag set by the link's author",
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
        "Locked controls",
        "classroom flag set by the link's author",
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
        "Note",
        "classroom flag set by the link's author: a note shown to students",
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
