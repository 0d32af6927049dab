//! URL-hash codec: [`Config`] ⇄ `v=1&seed=1&data=circle&...&bs=10`.
//!
//! The hash is `key=value` pairs joined by `&`. Every field is one row of the
//! declarative table [`FIELDS`] (after TF Playground's `State.PROPS`): a short
//! key, a getter writing the value as text and a setter parsing and validating
//! text into the [`Config`]. [`encode`] and [`decode`] both walk that table, so
//! a new field is one new row.
//!
//! # Keys
//!
//! | key | field | values |
//! |---|---|---|
//! | `v` | format version | [`FORMAT_VERSION`] |
//! | `seed` | seed | integer `0..=2⁶⁴−1` |
//! | `step` | step to fast-forward to (written only when set) | integer `0..=10_000_000` |
//! | `data` | data set | `circle xor gauss spiral moons blobs spiralk plane mgauss digits` |
//! | `n` | number of points | `10..=5000` |
//! | `noise` | noise % | `0..=50` |
//! | `train` | training share % | `10..=90` |
//! | `minor` | share of class 1 % (binary sets) | `5..=50` |
//! | `k` | classes (K-class sets) | `3..=5` |
//! | `feat` | input features, in input order | comma list of `x1 x2 x1sq x2sq x1x2 sinx1 sinx2`, may be empty |
//! | `std` | standardize inputs | `0` or `1` |
//! | `net` | hidden blocks | comma list of `units:act[:bn][:dRATE]`, e.g. `8:relu:bn:d0.2,4:tanh`; units `1..=256`, at most 16 blocks, empty = no hidden layer; act `relu lrelu tanh sigmoid linear elu gelu`; dropout `0 ≤ RATE < 1` |
//! | `ord` | order inside a block | `bn-act-do` or `act-do-bn` |
//! | `bnm` | BatchNorm momentum | `0 ≤ x < 1` |
//! | `bne` | BatchNorm ε | `0 < x ≤ 1` |
//! | `slope` | leaky-ReLU slope | `0 ≤ x < 1` |
//! | `init` | weight initializer | `zeros const uniform normal xavier_u xavier_n he_u he_n lecun_n` |
//! | `ia` | its parameter (const value, uniform bound, normal σ) | const `−10..=10`, uniform / normal `0..=10` |
//! | `bias` | initial bias | `−10..=10` |
//! | `loss` | loss | `mse bce softmax focal` |
//! | `fg`, `fa` | focal γ, α | `0..=10`, `0..=1` |
//! | `out` | output activation (with MSE) | `tanh linear sigmoid` |
//! | `l1`, `l2` | penalties | `0..=10` |
//! | `lr` | learning rate | `0 < x ≤ 100` |
//! | `opt` | optimizer | a name in [`crate::engine::optim::OPTIMIZERS`] (`sgd momentum nesterov rmsprop adam adamw lion`) |
//! | `mom` | momentum μ | `0 ≤ x < 1` |
//! | `rho` | squared-gradient decay ρ | `0 ≤ x < 1` |
//! | `b1`, `b2` | moment decays β1, β2 | `0 ≤ x < 1` |
//! | `eps` | ε added to a root | `0 < x ≤ 1` |
//! | `wd` | decoupled weight decay λ | `0..=10` |
//!
//! An optimizer's hyperparameter keys are written only when its rule reads
//! them ([`crate::engine::optim::Rule::reads`]).
//! | `sched` | schedule | `const step exp cos warmup` |
//! | `se` | steps: decay interval (step, exp), period (cos), length (warmup) | `1..=10_000_000` |
//! | `sg` | factor: γ (step, exp: `0 < x ≤ 1`), final multiplier (cos: `0..=1`) | |
//! | `clip` | gradient clipping | `none value norm` |
//! | `cv` | clipping threshold | `0 < x ≤ 1_000_000` |
//! | `bs` | batch size | `1..=100_000` |
//! | `bug` | bug lab: a planted bug (written only when set) | `frozen-layer wrong-sign no-zero-grad softmax-twice shuffled-labels raw-inputs eval-dropout stale-bn`, or `mystery:<token>` to plant one without naming it |
//! | `speed` | view: how fast Play trains, per animation frame (written only when not `epoch`) | `batch` (one mini-batch), `epoch` (one epoch), `fast` (ten epochs), `max` (the frame's whole time budget) |
//! | `test`, `disc`, `log`, `embed` | view: test points, discretized heatmap, log-scale charts, embed mode (written only when on) | `0 1` |
//! | `hide`, `lock` | classroom: controls hidden or locked (written only when set) | comma list of link keys or `play step-once step-epoch reset new-seed share` |
//!
//! # Rules
//!
//! - [`encode`] is deterministic: keys in table order, every plain field always
//!   (so a link does not depend on today's defaults), parameter keys (`ia`,
//!   `fg`, `fa`, `mom`, `rho`, `b1`, `b2`, `eps`, `wd`, `se`, `sg`, `cv`) only
//!   for the chosen variant. Reals use Rust's shortest round-trip form, so
//!   `decode(&encode(&c)).0 == c` exactly for every valid `c`.
//! - [`decode`] never panics and never fails. It accepts a whole link
//!   (`https://host/path#v=1&...`), a hash (`#v=1&...`) or the bare pairs; a
//!   link with `://` and no `#` has no fields. Keys and values are
//!   percent-decoded. The order of the pairs does not matter: the table is
//!   applied in its own order, so `mom=0.5&opt=momentum` works.
//! - A missing key keeps its default silently. Each unknown key, pair without
//!   `=`, invalid value, or repeated key (the **first** occurrence wins) is
//!   listed as a [`Rejected`] and its field keeps its default while the other
//!   fields still apply. A parameter key that does not apply to the chosen
//!   variant (e.g. `mom` with `opt=adam`) is validated, then ignored silently.
//!   A variant named without its parameter keys gets the defaults listed in
//!   [`Named::VARIANTS`]. A different format version is rejected, and the other
//!   fields are read best effort.
//! - Only the first [`MAX_INPUT_BYTES`] of the hash and its first
//!   [`MAX_FIELDS`] pairs are read; a [`Rejected`] with key [`LINK_KEY`] says
//!   what was dropped. Keys and values echoed in [`Rejected`] are cut to
//!   [`MAX_ECHO_CHARS`] characters with control characters replaced; reasons
//!   never contain link text. All of it is plain text, never markup.
//! - Cross-field checks run after the table, each falling back to the default
//!   of the later field with a [`Rejected`] entry:
//!   - `feat` empty on 2-D data (all but `digits`) → `x1,x2`;
//!   - `loss` other than `mse` on regression data (`plane`, `mgauss`), or
//!     `bce` / `focal` on data with more than two classes (`blobs`, `spiralk`,
//!     `digits`) → `mse`.
//!
//!   Other consistency (e.g. a batch larger than the training set) is left to
//!   the trainer, which knows the final sizes.
//!
//! ```
//! use gradlab::engine::config::{codec, Config};
//!
//! let (cfg, rejected) = codec::decode("#v=1&lr=0.1&bs=5&net=8:relu,8:relu&zz=1");
//! assert_eq!((cfg.lr, cfg.batch_size, cfg.hidden.len()), (0.1, 5, 2));
//! assert_eq!(rejected[0].key, "zz");
//! assert_eq!(codec::decode(&codec::encode(&cfg)), (cfg, vec![]));
//! ```

use std::borrow::Cow;
use std::fmt::Display;
use std::str::FromStr;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::engine::instruments::bug_lab::PlantedBug;
use crate::engine::optim::Hyper;

use super::{
    ClipKind, Config, DataConfig, Feature, InitKind, LayerSpec, LossKind, Named, ScheduleKind, Speed, FORMAT_VERSION,
};

/// Bytes of the hash that [`decode`] reads; the rest is dropped (and reported).
pub const MAX_INPUT_BYTES: usize = 8 * 1024;
/// `key=value` pairs that [`decode`] reads; the rest are dropped (and reported).
pub const MAX_FIELDS: usize = 64;
/// Characters of a key or value echoed in a [`Rejected`] entry.
pub const MAX_ECHO_CHARS: usize = 80;
/// Most hidden blocks a link may describe.
pub const MAX_HIDDEN_LAYERS: usize = 16;
/// Largest `step` (fast-forward target) a link may ask for.
pub const MAX_STEP: u64 = 10_000_000;
/// Key of the format version.
const VERSION_KEY: &str = "v";
/// Key of the [`Rejected`] entries about the link as a whole (too long, too many fields).
pub const LINK_KEY: &str = "(link)";

/// Characters percent-encoded in keys and values: everything but letters,
/// digits and `- . _ ~ : ,` (all legal unencoded in a URL fragment).
const ESCAPED: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b':').remove(b',');

/// A field of the link that was rejected: its key, the raw value, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// The key as written (percent-decoded, truncated), or [`LINK_KEY`].
    pub key: String,
    /// The value as written (percent-decoded, truncated).
    pub value: String,
    /// Why it was rejected and what was used instead, in plain words.
    pub reason: String,
}

impl Rejected {
    fn new(key: &str, value: &str, reason: impl Into<String>) -> Self {
        Self { key: echo(key), value: echo(value), reason: reason.into() }
    }
}

/// One row of the codec table.
pub struct Field {
    /// The key in the link.
    pub key: &'static str,
    /// The value as text, or `None` when the field is not written
    /// (a parameter of another variant, an unset `step`).
    pub get: fn(&Config) -> Option<String>,
    /// Parses and validates the text into the config; on error the config is
    /// unchanged and the reason is returned.
    pub set: fn(&mut Config, &str) -> Result<(), String>,
}

/// Sets `$place` to `$parsed` (an expression using `?`) and returns `Ok(())`.
macro_rules! put {
    ($place:expr, $parsed:expr) => {{
        $place = $parsed;
        Ok(())
    }};
}

/// Every field of a link, in the order they are written and applied. A
/// variant key (`init`, `loss`, `opt`, `sched`, `clip`) comes before the keys
/// of its parameters, which only adjust the variant already chosen.
pub const FIELDS: &[Field] = &[
    Field { key: VERSION_KEY, get: |_| some(FORMAT_VERSION), set: |_, s| check_version(s) },
    Field { key: "seed", get: |c| some(c.seed), set: |c, s| put!(c.seed, int(s, 0, u64::MAX)?) },
    Field { key: "step", get: |c| c.step.map(|x| x.to_string()), set: |c, s| put!(c.step, Some(int(s, 0, MAX_STEP)?)) },
    // Data.
    Field { key: "data", get: |c| some(c.data.kind.name()), set: |c, s| put!(c.data.kind, pick(s)?) },
    Field { key: "n", get: |c| some(c.data.n_points), set: |c, s| put!(c.data.n_points, int(s, 10, 5000)?) },
    Field { key: "noise", get: |c| some(c.data.noise_pct), set: |c, s| put!(c.data.noise_pct, int(s, 0, 50)?) },
    Field { key: "train", get: |c| some(c.data.train_pct), set: |c, s| put!(c.data.train_pct, int(s, 10, 90)?) },
    Field { key: "minor", get: |c| some(c.data.minority_pct), set: |c, s| put!(c.data.minority_pct, int(s, 5, 50)?) },
    Field { key: "k", get: |c| some(c.data.classes), set: |c, s| put!(c.data.classes, int(s, 3, 5)?) },
    Field {
        key: "feat",
        get: |c| some(c.data.features.iter().map(|f| f.name()).collect::<Vec<_>>().join(",")),
        set: |c, s| put!(c.data.features, features(s)?),
    },
    Field {
        key: "std",
        get: |c| some(u8::from(c.data.standardize)),
        set: |c, s| put!(c.data.standardize, int::<u8>(s, 0, 1)? == 1),
    },
    // Network.
    Field { key: "net", get: |c| some(net_to_text(&c.hidden)), set: |c, s| put!(c.hidden, net(s)?) },
    Field { key: "ord", get: |c| some(c.order.name()), set: |c, s| put!(c.order, pick(s)?) },
    Field { key: "bnm", get: |c| some(real(c.bn_momentum)), set: |c, s| put!(c.bn_momentum, UNIT_OPEN.parse(s)?) },
    Field { key: "bne", get: |c| some(real(c.bn_eps)), set: |c, s| put!(c.bn_eps, POS_UNIT.parse(s)?) },
    Field { key: "slope", get: |c| some(real(c.leaky_slope)), set: |c, s| put!(c.leaky_slope, UNIT_OPEN.parse(s)?) },
    Field { key: "init", get: |c| some(c.init.name()), set: |c, s| put!(c.init, pick(s)?) },
    Field {
        key: "ia",
        get: |c| match c.init {
            InitKind::Constant(a) | InitKind::Uniform(a) | InitKind::Normal(a) => some(real(a)),
            _ => None,
        },
        set: |c, s| {
            match &mut c.init {
                InitKind::Constant(a) => *a = SYMMETRIC_10.parse(s)?,
                InitKind::Uniform(a) | InitKind::Normal(a) => *a = UP_TO_10.parse(s)?,
                _ => {
                    SYMMETRIC_10.parse(s)?;
                }
            }
            Ok(())
        },
    },
    Field { key: "bias", get: |c| some(real(c.bias_init)), set: |c, s| put!(c.bias_init, SYMMETRIC_10.parse(s)?) },
    // Loss and penalties.
    Field { key: "loss", get: |c| some(c.loss.name()), set: |c, s| put!(c.loss, pick(s)?) },
    Field {
        key: "fg",
        get: |c| match c.loss {
            LossKind::Focal { gamma, .. } => some(real(gamma)),
            _ => None,
        },
        set: |c, s| {
            let x = UP_TO_10.parse(s)?;
            if let LossKind::Focal { gamma, .. } = &mut c.loss {
                *gamma = x;
            }
            Ok(())
        },
    },
    Field {
        key: "fa",
        get: |c| match c.loss {
            LossKind::Focal { alpha, .. } => some(real(alpha)),
            _ => None,
        },
        set: |c, s| {
            let x = UNIT.parse(s)?;
            if let LossKind::Focal { alpha, .. } = &mut c.loss {
                *alpha = x;
            }
            Ok(())
        },
    },
    Field { key: "out", get: |c| some(c.output_act.name()), set: |c, s| put!(c.output_act, pick(s)?) },
    Field { key: "l1", get: |c| some(real(c.l1)), set: |c, s| put!(c.l1, UP_TO_10.parse(s)?) },
    Field { key: "l2", get: |c| some(real(c.l2)), set: |c, s| put!(c.l2, UP_TO_10.parse(s)?) },
    // Optimization.
    Field { key: "lr", get: |c| some(real(c.lr)), set: |c, s| put!(c.lr, LEARNING_RATE.parse(s)?) },
    Field { key: "opt", get: |c| some(c.optimizer.name()), set: |c, s| put!(c.optimizer, pick(s)?) },
    // An optimizer's hyperparameters: written when its rule reads them.
    Field { key: "mom", get: |c| hyper(c, Hyper::Mu), set: |c, s| set_hyper(c, Hyper::Mu, UNIT_OPEN.parse(s)?) },
    Field { key: "rho", get: |c| hyper(c, Hyper::Rho), set: |c, s| set_hyper(c, Hyper::Rho, UNIT_OPEN.parse(s)?) },
    Field { key: "b1", get: |c| hyper(c, Hyper::Beta1), set: |c, s| set_hyper(c, Hyper::Beta1, UNIT_OPEN.parse(s)?) },
    Field { key: "b2", get: |c| hyper(c, Hyper::Beta2), set: |c, s| set_hyper(c, Hyper::Beta2, UNIT_OPEN.parse(s)?) },
    Field { key: "eps", get: |c| hyper(c, Hyper::Eps), set: |c, s| set_hyper(c, Hyper::Eps, POS_UNIT.parse(s)?) },
    Field {
        key: "wd",
        get: |c| hyper(c, Hyper::WeightDecay),
        set: |c, s| set_hyper(c, Hyper::WeightDecay, UP_TO_10.parse(s)?),
    },
    Field { key: "sched", get: |c| some(c.schedule.name()), set: |c, s| put!(c.schedule, pick(s)?) },
    Field {
        key: "se",
        get: |c| match c.schedule {
            ScheduleKind::Step { every: n, .. }
            | ScheduleKind::Exponential { every: n, .. }
            | ScheduleKind::Cosine { period: n, .. }
            | ScheduleKind::Warmup { steps: n } => some(n),
            ScheduleKind::Constant => None,
        },
        set: |c, s| {
            let x = int(s, 1, MAX_STEP)?;
            if let ScheduleKind::Step { every: n, .. }
            | ScheduleKind::Exponential { every: n, .. }
            | ScheduleKind::Cosine { period: n, .. }
            | ScheduleKind::Warmup { steps: n } = &mut c.schedule
            {
                *n = x;
            }
            Ok(())
        },
    },
    Field {
        key: "sg",
        get: |c| match c.schedule {
            ScheduleKind::Step { gamma: g, .. }
            | ScheduleKind::Exponential { gamma: g, .. }
            | ScheduleKind::Cosine { min_factor: g, .. } => some(real(g)),
            _ => None,
        },
        set: |c, s| {
            match &mut c.schedule {
                ScheduleKind::Step { gamma, .. } | ScheduleKind::Exponential { gamma, .. } => {
                    *gamma = POS_UNIT.parse(s)?;
                }
                ScheduleKind::Cosine { min_factor, .. } => *min_factor = UNIT.parse(s)?,
                _ => {
                    UNIT.parse(s)?;
                }
            }
            Ok(())
        },
    },
    Field { key: "clip", get: |c| some(c.clip.name()), set: |c, s| put!(c.clip, pick(s)?) },
    Field {
        key: "cv",
        get: |c| match c.clip {
            ClipKind::Value(t) | ClipKind::Norm(t) => some(real(t)),
            ClipKind::None => None,
        },
        set: |c, s| {
            let x = CLIP.parse(s)?;
            if let ClipKind::Value(t) | ClipKind::Norm(t) = &mut c.clip {
                *t = x;
            }
            Ok(())
        },
    },
    Field { key: "bs", get: |c| some(c.batch_size), set: |c, s| put!(c.batch_size, int(s, 1, 100_000)?) },
    // Bug lab (instruments issue): written only when a bug is planted.
    Field {
        key: "bug",
        get: |c| c.bug.map(PlantedBug::to_link_value),
        set: |c, s| put!(c.bug, Some(PlantedBug::from_link_value(s)?)),
    },
    // View (classroom links and view toggles); written only when set.
    Field { key: "test", get: |c| flag(c.view.show_test), set: |c, s| put!(c.view.show_test, switch(s)?) },
    Field { key: "disc", get: |c| flag(c.view.discretize), set: |c, s| put!(c.view.discretize, switch(s)?) },
    Field { key: "log", get: |c| flag(c.view.log_scale), set: |c, s| put!(c.view.log_scale, switch(s)?) },
    Field {
        key: "speed",
        get: |c| (c.view.speed != Speed::default()).then(|| c.view.speed.name().to_string()),
        set: |c, s| put!(c.view.speed, pick(s)?),
    },
    Field { key: "embed", get: |c| flag(c.view.embed), set: |c, s| put!(c.view.embed, switch(s)?) },
    Field { key: "hide", get: |c| list(&c.view.hide), set: |c, s| put!(c.view.hide, controls(s)?) },
    Field { key: "lock", get: |c| list(&c.view.lock), set: |c, s| put!(c.view.lock, controls(s)?) },
];

/// Writes `cfg` as a hash without the leading `#`: `v=1&seed=1&data=circle&...`.
///
/// Deterministic; see the [module docs](self) for the keys and rules.
pub fn encode(cfg: &Config) -> String {
    let mut out = String::new();
    for field in FIELDS {
        if let Some(value) = (field.get)(cfg) {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(field.key, ESCAPED));
            out.push('=');
            out.extend(utf8_percent_encode(&value, ESCAPED));
        }
    }
    out
}

/// Reads a link, a hash or bare pairs into a [`Config`], listing every field it
/// rejected. Never panics, never fails; see the [module docs](self) for the rules.
pub fn decode(link: &str) -> (Config, Vec<Rejected>) {
    let mut rejected = Vec::new();
    let hash = limit_bytes(fragment(link), &mut rejected);

    // Collect the values by table row; the first occurrence of a key wins.
    let mut values: Vec<Option<Cow<'_, str>>> = vec![None; FIELDS.len()];
    let mut pairs = hash.split('&').filter(|pair| !pair.is_empty());
    for pair in pairs.by_ref().take(MAX_FIELDS) {
        let Some((key, value)) = pair.split_once('=') else {
            rejected.push(Rejected::new(&unescape(pair), "", "expected key=value; ignored"));
            continue;
        };
        let (key, value) = (unescape(key), unescape(value));
        match FIELDS.iter().position(|f| f.key == key) {
            None => rejected.push(Rejected::new(&key, &value, "unknown key; ignored")),
            Some(i) if values[i].is_some() => {
                rejected.push(Rejected::new(&key, &value, "duplicate key; the first value is used"));
            }
            Some(i) => values[i] = Some(value),
        }
    }
    let dropped = pairs.count();
    if dropped > 0 {
        let reason = format!("only the first {MAX_FIELDS} fields are read; {dropped} more ignored");
        rejected.push(Rejected::new(LINK_KEY, "", reason));
    }

    let mut cfg = Config::default();
    for (field, value) in FIELDS.iter().zip(&values) {
        if let Some(value) = value {
            if let Err(reason) = (field.set)(&mut cfg, value) {
                // The version has no default to fall back to: its reason says what happens.
                let reason = if field.key == VERSION_KEY { reason } else { format!("{reason}; using the default") };
                rejected.push(Rejected::new(field.key, value, reason));
            }
        }
    }
    check_cross_fields(&mut cfg, &mut rejected);
    (cfg, rejected)
}

/// The part of `link` after the first `#`; all of it when it has no `#` and
/// does not look like a URL; nothing for a URL without a hash.
fn fragment(link: &str) -> &str {
    let link = link.trim();
    match link.split_once('#') {
        Some((_, hash)) => hash,
        None if link.contains("://") => "",
        None => link,
    }
}

/// The first [`MAX_INPUT_BYTES`] of `hash`, cut back to a whole pair.
fn limit_bytes<'a>(hash: &'a str, rejected: &mut Vec<Rejected>) -> &'a str {
    if hash.len() <= MAX_INPUT_BYTES {
        return hash;
    }
    let mut cut = MAX_INPUT_BYTES;
    while !hash.is_char_boundary(cut) {
        cut -= 1;
    }
    if hash.as_bytes()[cut] != b'&' {
        cut = hash[..cut].rfind('&').unwrap_or(0);
    }
    let reason = format!("the link is longer than {MAX_INPUT_BYTES} bytes; the rest is ignored");
    rejected.push(Rejected::new(LINK_KEY, hash[cut..].trim_start_matches('&'), reason));
    &hash[..cut]
}

/// Checks between fields that the table cannot see; see the module docs.
fn check_cross_fields(cfg: &mut Config, rejected: &mut Vec<Rejected>) {
    let kind = cfg.data.kind;
    if kind.is_planar() && cfg.data.features.is_empty() {
        let reason = format!("{} needs at least one input feature; using the default", kind.name());
        rejected.push(Rejected::new("feat", "", reason));
        cfg.data.features = DataConfig::default().features;
    }
    let loss_needs = match cfg.loss {
        LossKind::Mse => None,
        LossKind::SoftmaxCe => kind.is_regression().then_some("class labels"),
        LossKind::Bce | LossKind::Focal { .. } => (!kind.is_binary()).then_some("two classes"),
    };
    if let Some(needs) = loss_needs {
        let default = Config::default().loss;
        let reason = format!(
            "{} needs {needs}, which {} does not have; using the default {}",
            cfg.loss.name(),
            kind.name(),
            default.name()
        );
        rejected.push(Rejected::new("loss", cfg.loss.name(), reason));
        cfg.loss = default;
    }
}

/// Version check: only [`FORMAT_VERSION`] is read exactly.
fn check_version(s: &str) -> Result<(), String> {
    match s.parse::<u64>() {
        Ok(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Ok(v) => Err(format!(
            "format version {v} is not supported (this page reads version {FORMAT_VERSION}); \
             the other fields are read best effort"
        )),
        Err(_) => Err(format!("must be the format version {FORMAT_VERSION}; the other fields are read best effort")),
    }
}

/// Percent-decodes a key or value (invalid UTF-8 becomes U+FFFD).
fn unescape(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

/// A bounded, printable copy of link text for a [`Rejected`] entry.
fn echo(s: &str) -> String {
    let mut chars = s.chars();
    let mut out: String = chars
        .by_ref()
        .take(MAX_ECHO_CHARS)
        .map(|c| if c.is_control() { char::REPLACEMENT_CHARACTER } else { c })
        .collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Page controls that are not link fields but can be hidden or locked.
pub const TRANSPORT_CONTROLS: &[&str] = &["play", "step-once", "step-epoch", "reset", "new-seed", "share"];

/// `1` when set; omitted from the link when not.
fn flag(on: bool) -> Option<String> {
    on.then(|| "1".to_string())
}

/// `0` or `1`.
fn switch(s: &str) -> Result<bool, String> {
    Ok(int::<u8>(s, 0, 1)? == 1)
}

/// A comma list, omitted when empty.
fn list(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(","))
}

/// A comma list of control names: link keys or transport controls, no repeats.
fn controls(s: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for name in s.split(',').filter(|n| !n.is_empty()) {
        let known = FIELDS.iter().any(|f| f.key == name) || TRANSPORT_CONTROLS.contains(&name);
        if !known {
            return Err("must list controls by their link keys (e.g. lr,bs,data) or play, step-once, step-epoch, reset, new-seed, share".into());
        }
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// The optimizer's hyperparameter `h` as link text, if its rule reads it.
fn hyper(c: &Config, h: Hyper) -> Option<String> {
    c.optimizer.get(h).map(real)
}

/// Sets the optimizer's hyperparameter `h` (ignored if its rule does not read it).
fn set_hyper(c: &mut Config, h: Hyper, value: f64) -> Result<(), String> {
    c.optimizer.set(h, value);
    Ok(())
}

fn some(x: impl Display) -> Option<String> {
    Some(x.to_string())
}

/// Shortest text that parses back to exactly `x` (`1`, `0.03`, `1e-8`).
fn real(x: f64) -> String {
    let text = format!("{x:?}");
    match text.strip_suffix(".0") {
        Some(short) => short.to_owned(),
        None => text,
    }
}

/// An integer in `lo..=hi`.
fn int<T: FromStr + PartialOrd + Display>(s: &str, lo: T, hi: T) -> Result<T, String> {
    match s.parse::<T>() {
        Ok(x) if lo <= x && x <= hi => Ok(x),
        _ => Err(format!("must be an integer between {lo} and {hi}")),
    }
}

/// The choice named `s`.
fn pick<T: Named>(s: &str) -> Result<T, String> {
    T::from_name(s).ok_or_else(|| format!("must be one of {}", names::<T>()))
}

fn names<T: Named>() -> String {
    T::VARIANTS.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
}

/// An interval of finite reals, each end open or closed.
#[derive(Clone, Copy)]
struct Interval {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

const fn interval(lo: f64, lo_open: bool, hi: f64, hi_open: bool) -> Interval {
    Interval { lo, lo_open, hi, hi_open }
}

/// [0, 1]
const UNIT: Interval = interval(0.0, false, 1.0, false);
/// [0, 1)
const UNIT_OPEN: Interval = interval(0.0, false, 1.0, true);
/// (0, 1]
const POS_UNIT: Interval = interval(0.0, true, 1.0, false);
/// [0, 10]
const UP_TO_10: Interval = interval(0.0, false, 10.0, false);
/// [−10, 10]
const SYMMETRIC_10: Interval = interval(-10.0, false, 10.0, false);
/// (0, 100]
const LEARNING_RATE: Interval = interval(0.0, true, 100.0, false);
/// (0, 1e6]
const CLIP: Interval = interval(0.0, true, 1e6, false);

impl Interval {
    fn contains(self, x: f64) -> bool {
        let above = if self.lo_open { x > self.lo } else { x >= self.lo };
        let below = if self.hi_open { x < self.hi } else { x <= self.hi };
        x.is_finite() && above && below
    }

    fn parse(self, s: &str) -> Result<f64, String> {
        match s.parse::<f64>() {
            Ok(x) if self.contains(x) => Ok(x),
            _ => Err(self.describe()),
        }
    }

    fn describe(self) -> String {
        let (lo, hi) = (real(self.lo), real(self.hi));
        if !self.lo_open && !self.hi_open {
            return format!("must be a number between {lo} and {hi}");
        }
        let lo_op = if self.lo_open { ">" } else { "≥" };
        let hi_op = if self.hi_open { "<" } else { "≤" };
        format!("must be a number {lo_op} {lo} and {hi_op} {hi}")
    }
}

/// `feat`: a comma list of distinct feature names; empty means none.
fn features(s: &str) -> Result<Vec<Feature>, String> {
    let mut out = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    for name in s.split(',') {
        let f = Feature::from_name(name).ok_or_else(|| format!("must be a comma list of {}", names::<Feature>()))?;
        if out.contains(&f) {
            return Err(format!("lists {} twice", f.name()));
        }
        out.push(f);
    }
    Ok(out)
}

/// `net` text of the hidden blocks: `8:relu:bn:d0.2,4:tanh`.
fn net_to_text(hidden: &[LayerSpec]) -> String {
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
fn net(s: &str) -> Result<Vec<LayerSpec>, String> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    if s.split(',').nth(MAX_HIDDEN_LAYERS).is_some() {
        return Err(format!("must have at most {MAX_HIDDEN_LAYERS} hidden layers"));
    }
    s.split(',').enumerate().map(|(i, block)| layer(block).map_err(|e| format!("layer {}: {e}", i + 1))).collect()
}

/// One `units:act[:bn][:dRATE]` block.
fn layer(block: &str) -> Result<LayerSpec, String> {
    let mut parts = block.split(':');
    let units = int(parts.next().unwrap_or(""), 1, 256).map_err(|e| format!("units {e}"))?;
    let act = pick(parts.next().unwrap_or("")).map_err(|e| format!("activation {e}"))?;
    let mut spec = LayerSpec { units, act, batch_norm: false, dropout: 0.0 };
    let (mut seen_bn, mut seen_dropout) = (false, false);
    for option in parts {
        if option == "bn" && !seen_bn {
            seen_bn = true;
            spec.batch_norm = true;
        } else if let (Some(rate), false) = (option.strip_prefix('d'), seen_dropout) {
            seen_dropout = true;
            spec.dropout = UNIT_OPEN.parse(rate).map_err(|e| format!("dropout {e}"))?;
        } else {
            return Err("options after the activation must be bn and d<rate>, each at most once".into());
        }
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::{Act, BlockOrder, DataKind, OutputAct};
    use crate::engine::config::{OptimizerKind, ViewFlags};
    use crate::engine::instruments::bug_lab::Bug;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn layer_spec(units: usize, act: Act) -> LayerSpec {
        LayerSpec { units, act, batch_norm: false, dropout: 0.0 }
    }

    /// Decodes and asserts there were no rejections.
    fn clean(link: &str) -> Config {
        let (cfg, rejected) = decode(link);
        assert!(rejected.is_empty(), "{link}: {rejected:?}");
        cfg
    }

    fn assert_round_trip(cfg: &Config) {
        let text = encode(cfg);
        assert_eq!(decode(&text), (cfg.clone(), vec![]), "{text}");
        assert!(
            text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:,=&".contains(&b)),
            "unexpected character in {text}"
        );
    }

    #[test]
    fn default_round_trips_and_is_pinned() {
        let cfg = Config::default();
        assert_round_trip(&cfg);
        assert_eq!(
            encode(&cfg),
            "v=1&seed=1&data=circle&n=500&noise=0&train=50&minor=50&k=3&feat=x1,x2&std=0\
             &net=4:tanh,2:tanh&ord=bn-act-do&bnm=0.9&bne=1e-5&slope=0.01&init=xavier_u&bias=0\
             &loss=mse&out=tanh&l1=0&l2=0&lr=0.03&opt=sgd&sched=const&clip=none&bs=10"
        );
        for empty in ["", "#", "https://example.org/gradlab/", "https://example.org/#", "  \n"] {
            assert_eq!(clean(empty), cfg, "{empty:?}");
        }
    }

    /// A named change to the default config.
    type Mutation = (&'static str, fn(&mut Config));

    /// One change per row, each to a non-default value; together they cover every key.
    const MUTATIONS: &[Mutation] = &[
        ("seed", |c| c.seed = u64::MAX),
        ("view-toggles", |c| {
            c.view.show_test = true;
            c.view.discretize = true;
            c.view.log_scale = true;
            c.view.embed = true;
        }),
        ("view-classroom", |c| {
            c.view.hide = vec!["lr".into(), "reset".into()];
            c.view.lock = vec!["data".into()];
        }),
        ("speed-batch", |c| c.view.speed = Speed::Batch),
        ("speed-max", |c| c.view.speed = Speed::Max),
        ("step", |c| c.step = Some(MAX_STEP)),
        ("step0", |c| c.step = Some(0)),
        ("data", |c| c.data.kind = DataKind::Spiral),
        ("n", |c| c.data.n_points = 5000),
        ("noise", |c| c.data.noise_pct = 35),
        ("train", |c| c.data.train_pct = 90),
        ("minor", |c| c.data.minority_pct = 5),
        ("k", |c| c.data.classes = 5),
        ("feat", |c| c.data.features = vec![Feature::SinX2, Feature::X1X2, Feature::X1]),
        ("feat-all", |c| c.data.features = Feature::ALL.to_vec()),
        ("digits-no-feat", |c| {
            c.data.kind = DataKind::Digits;
            c.data.features.clear();
        }),
        ("std", |c| c.data.standardize = true),
        ("net", |c| {
            c.hidden = vec![
                LayerSpec { units: 256, act: Act::Relu, batch_norm: true, dropout: 0.2 },
                LayerSpec { units: 1, act: Act::Gelu, batch_norm: false, dropout: 0.999 },
                LayerSpec { units: 3, act: Act::LeakyRelu, batch_norm: true, dropout: 0.0 },
                layer_spec(7, Act::Elu),
                layer_spec(7, Act::Sigmoid),
                layer_spec(7, Act::Linear),
            ];
        }),
        ("net-empty", |c| c.hidden.clear()),
        ("net-16", |c| c.hidden = vec![layer_spec(2, Act::Relu); MAX_HIDDEN_LAYERS]),
        ("ord", |c| c.order = BlockOrder::ActDropBn),
        ("bnm", |c| c.bn_momentum = 0.0),
        ("bne", |c| c.bn_eps = 1.0),
        ("slope", |c| c.leaky_slope = 0.3),
        ("init-zeros", |c| c.init = InitKind::Zeros),
        ("init-const", |c| c.init = InitKind::Constant(-10.0)),
        ("init-uniform", |c| c.init = InitKind::Uniform(0.123)),
        ("init-normal", |c| c.init = InitKind::Normal(1e-300)),
        ("init-xavier_n", |c| c.init = InitKind::XavierNormal),
        ("init-he_u", |c| c.init = InitKind::HeUniform),
        ("init-he_n", |c| c.init = InitKind::HeNormal),
        ("init-lecun_n", |c| c.init = InitKind::LecunNormal),
        ("bias", |c| c.bias_init = -0.1),
        ("loss-bce", |c| c.loss = LossKind::Bce),
        ("loss-softmax", |c| c.loss = LossKind::SoftmaxCe),
        ("loss-focal", |c| c.loss = LossKind::Focal { gamma: 0.0, alpha: 1.0 }),
        ("out-linear", |c| c.output_act = OutputAct::Linear),
        ("out-sigmoid", |c| c.output_act = OutputAct::Sigmoid),
        ("l1", |c| c.l1 = 10.0),
        ("l2", |c| c.l2 = 0.1 + 0.2),
        ("lr-tiny", |c| c.lr = f64::MIN_POSITIVE / 4.0),
        ("lr-max", |c| c.lr = 100.0),
        ("lr-third", |c| c.lr = 1.0 / 3.0),
        ("opt-momentum", |c| c.optimizer = OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5)),
        ("opt-nesterov", |c| c.optimizer = OptimizerKind::from_name("nesterov").unwrap().with(Hyper::Mu, 0.0)),
        ("opt-rmsprop", |c| {
            c.optimizer = OptimizerKind::from_name("rmsprop").unwrap().with(Hyper::Rho, 0.99).with(Hyper::Eps, 1.0)
        }),
        ("opt-adam", |c| {
            c.optimizer = OptimizerKind::from_name("adam")
                .unwrap()
                .with(Hyper::Beta1, 0.8)
                .with(Hyper::Beta2, 0.9999)
                .with(Hyper::Eps, 1e-12)
        }),
        ("opt-adamw", |c| {
            c.optimizer = OptimizerKind::from_name("adamw")
                .unwrap()
                .with(Hyper::Beta1, 0.0)
                .with(Hyper::Beta2, 0.5)
                .with(Hyper::Eps, 1e-7)
                .with(Hyper::WeightDecay, 10.0);
        }),
        ("opt-lion", |c| {
            c.optimizer =
                OptimizerKind::from_name("lion").unwrap().with(Hyper::Beta2, 0.5).with(Hyper::WeightDecay, 0.0);
        }),
        ("sched-step", |c| c.schedule = ScheduleKind::Step { every: 1, gamma: 1.0 }),
        ("sched-exp", |c| c.schedule = ScheduleKind::Exponential { every: MAX_STEP, gamma: 1e-9 }),
        ("sched-cos", |c| c.schedule = ScheduleKind::Cosine { period: 77, min_factor: 1.0 }),
        ("sched-warmup", |c| c.schedule = ScheduleKind::Warmup { steps: 5 }),
        ("clip-value", |c| c.clip = ClipKind::Value(1e6)),
        ("clip-norm", |c| c.clip = ClipKind::Norm(0.25)),
        ("bs-min", |c| c.batch_size = 1),
        ("bs-max", |c| c.batch_size = 100_000),
        ("bug", |c| c.bug = Some(PlantedBug { bug: Bug::StaleBn, hidden: false })),
        ("bug-mystery", |c| c.bug = Some(PlantedBug { bug: Bug::WrongSign, hidden: true })),
    ];

    #[test]
    fn every_field_round_trips_exactly() {
        let mut keys_written = BTreeSet::new();
        let mut all = Config::default();
        for &(name, change) in MUTATIONS {
            let mut cfg = Config::default();
            change(&mut cfg);
            assert_ne!(cfg, Config::default(), "{name} changes nothing");
            assert_round_trip(&cfg);
            let text = encode(&cfg);
            keys_written.extend(text.split('&').map(|p| p.split('=').next().unwrap_or("").to_owned()));
            if !name.starts_with("digits") {
                change(&mut all);
            }
        }
        let table_keys: BTreeSet<String> = FIELDS.iter().map(|f| f.key.to_owned()).collect();
        assert_eq!(keys_written, table_keys, "some key is never exercised");
        // Everything changed at once (the later variant of each enum stays).
        all.data.kind = DataKind::Gauss;
        assert_round_trip(&all);
    }

    #[test]
    fn table_keys_are_unique_and_names_round_trip() {
        let keys: BTreeSet<&str> = FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), FIELDS.len());
        fn check<T: Named + std::fmt::Debug>() {
            let names: BTreeSet<&str> = T::VARIANTS.iter().map(|v| v.name()).collect();
            assert_eq!(names.len(), T::VARIANTS.len());
            for v in T::VARIANTS {
                let back = T::from_name(v.name()).map(|b| format!("{b:?}"));
                assert_eq!(back, Some(format!("{v:?}")));
            }
        }
        check::<DataKind>();
        check::<Feature>();
        check::<Act>();
        check::<BlockOrder>();
        check::<InitKind>();
        check::<LossKind>();
        check::<OutputAct>();
        check::<OptimizerKind>();
        check::<ScheduleKind>();
        check::<ClipKind>();
        check::<Bug>();
        check::<Speed>();
    }

    #[test]
    fn readable_example() {
        let cfg = clean("#v=1&lr=0.1&bs=5&net=8:relu,8:relu");
        let expected = Config {
            lr: 0.1,
            batch_size: 5,
            hidden: vec![layer_spec(8, Act::Relu), layer_spec(8, Act::Relu)],
            ..Config::default()
        };
        assert_eq!(cfg, expected);

        let cfg = clean("net=8:relu:bn:d0.2,4:tanh&opt=adam&b1=0.8&init=he_n&sched=cos&se=300");
        assert_eq!(
            cfg.hidden,
            vec![LayerSpec { units: 8, act: Act::Relu, batch_norm: true, dropout: 0.2 }, layer_spec(4, Act::Tanh)]
        );
        assert_eq!(cfg.optimizer, OptimizerKind::from_name("adam").unwrap().with(Hyper::Beta1, 0.8));
        assert_eq!(cfg.init, InitKind::HeNormal);
        assert_eq!(cfg.schedule, ScheduleKind::Cosine { period: 300, min_factor: 0.0 });
        // Order-independent, options in any order, inapplicable parameters ignored.
        assert_eq!(
            clean("mom=0.5&opt=momentum").optimizer,
            OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5)
        );
        assert_eq!(clean("net=8:relu:d0.5:bn").hidden, clean("net=8:relu:bn:d0.5").hidden);
        assert_eq!(clean("opt=adam&mom=0.5&cv=3&ia=1&fg=1&se=9&sg=0.5"), clean("opt=adam"));
        // Percent-encoded keys and values are read.
        assert_eq!(clean("l%72=0%2E5&net=8%3Arelu").lr, 0.5);
    }

    #[test]
    fn bad_values_are_rejected_and_others_still_apply() {
        let long_layers = vec!["2:relu"; MAX_HIDDEN_LAYERS + 1].join(",");
        let bad: &[(&str, &str)] = &[
            ("v", "abc"),
            ("seed", "-1"),
            ("seed", "99999999999999999999"),
            ("seed", ""),
            ("step", "10000001"),
            ("step", "1.5"),
            ("data", "square"),
            ("data", "CIRCLE"),
            ("n", "9"),
            ("n", "5001"),
            ("n", "1e3"),
            ("n", ""),
            ("noise", "51"),
            ("train", "95"),
            ("minor", "4"),
            ("k", "6"),
            ("feat", "x3"),
            ("feat", "x1,x1"),
            ("feat", "x1,"),
            ("std", "2"),
            ("std", "true"),
            ("net", "0:relu"),
            ("net", "257:relu"),
            ("net", "8"),
            ("net", "8:foo"),
            ("net", "8:relu:bn:bn"),
            ("net", "8:relu:d1"),
            ("net", "8:relu:d-0.1"),
            ("net", "8:relu:dx"),
            ("net", "8:relu:d0.1:d0.2"),
            ("net", "8:relu:xx"),
            ("net", "8:relu,"),
            ("net", ","),
            ("net", &long_layers),
            ("ord", "x"),
            ("bnm", "1"),
            ("bne", "0"),
            ("bne", "1.5"),
            ("slope", "1"),
            ("init", "glorot"),
            ("ia", "nan"),
            ("bias", "11"),
            ("bias", "NaN"),
            ("bias", "-inf"),
            ("loss", "hinge"),
            ("fg", "11"),
            ("fa", "1.5"),
            ("out", "relu"),
            ("l1", "-0.1"),
            ("l2", "inf"),
            ("l2", "1e999"),
            ("opt", "lbfgs"),
            ("mom", "1"),
            ("rho", "-1"),
            ("b1", "1"),
            ("b2", "2"),
            ("eps", "0"),
            ("wd", "11"),
            ("sched", "poly"),
            ("se", "0"),
            ("sg", "2"),
            ("clip", "yes"),
            ("cv", "0"),
            ("cv", "1e7"),
            ("bs", "0"),
            ("bs", "100001"),
            ("bs", "-5"),
            ("lr", "0"),
            ("lr", "-0.1"),
            ("lr", "NaN"),
            ("lr", "1e999"),
            ("lr", "101"),
            ("lr", "0x10"),
            ("lr", ""),
            ("bug", "segfault"),
            ("bug", "mystery:"),
            ("bug", "mystery:deadbeef"),
            ("bug", "mystery:wrong-sign"),
            ("speed", "turbo"),
            ("speed", "MAX"),
            ("speed", ""),
        ];
        for &(key, value) in bad {
            // `noise` is always valid here, so the rejection is the bad field alone.
            let other = if key == "noise" { "seed=7" } else { "noise=20" };
            let link = format!("{key}={value}&{other}");
            let (cfg, rejected) = decode(&link);
            let mut expected = Config::default();
            if key == "noise" {
                expected.seed = 7;
            } else {
                expected.data.noise_pct = 20;
            }
            assert_eq!(cfg, expected, "{link}");
            assert_eq!(rejected.len(), 1, "{link}: {rejected:?}");
            assert_eq!(rejected[0].key, key);
            assert_eq!(rejected[0].value, echo(value));
            let reason = &rejected[0].reason;
            assert!(reason.ends_with(if key == "v" { "best effort" } else { "using the default" }), "{reason}");
        }
        // Parameter keys of the chosen variant: the variant stays, its parameter keeps its default.
        let (cfg, rejected) = decode("opt=momentum&mom=1.5&lr=0.5");
        assert_eq!((cfg.optimizer, cfg.lr), (OptimizerKind::from_name("momentum").unwrap(), 0.5));
        assert_eq!(rejected[0].key, "mom");
        assert_eq!(rejected[0].reason, "must be a number ≥ 0 and < 1; using the default");
        let (cfg, rejected) = decode("init=uniform&ia=-1");
        assert_eq!((cfg.init, rejected.len()), (InitKind::Uniform(0.05), 1));
        let (cfg, _) = decode("sched=step&sg=0&se=3");
        assert_eq!(cfg.schedule, ScheduleKind::Step { every: 3, gamma: 0.5 });
        let (cfg, _) = decode("sched=cos&sg=0&se=3");
        assert_eq!(cfg.schedule, ScheduleKind::Cosine { period: 3, min_factor: 0.0 });
        // Readable reasons.
        assert_eq!(decode("train=95").1[0].reason, "must be an integer between 10 and 90; using the default");
        assert_eq!(decode("l2=x").1[0].reason, "must be a number between 0 and 10; using the default");
        assert_eq!(decode("lr=0").1[0].reason, "must be a number > 0 and ≤ 100; using the default");
        assert_eq!(
            decode("net=8:relu,4:swish").1[0].reason,
            "layer 2: activation must be one of relu, lrelu, tanh, sigmoid, linear, elu, gelu; using the default"
        );
    }

    #[test]
    fn unknown_keys_pairs_without_value_and_duplicates_are_listed() {
        let (cfg, rejected) = decode("#foo=1&lr=0.1&bar&&lr=0.2&LR=0.3&=5");
        assert_eq!(cfg, Config { lr: 0.1, ..Config::default() });
        let keys: Vec<(&str, &str)> = rejected.iter().map(|r| (r.key.as_str(), r.value.as_str())).collect();
        assert_eq!(keys, [("foo", "1"), ("bar", ""), ("lr", "0.2"), ("LR", "0.3"), ("", "5")]);
        assert_eq!(rejected[0].reason, "unknown key; ignored");
        assert_eq!(rejected[1].reason, "expected key=value; ignored");
        assert_eq!(rejected[2].reason, "duplicate key; the first value is used");
    }

    #[test]
    fn full_links_are_read() {
        let link = "https://example.org/gradlab/index.html?x=1#v=1&data=xor&lr=0.3&net=";
        let cfg = clean(link);
        assert_eq!((cfg.data.kind, cfg.lr, cfg.hidden.len()), (DataKind::Xor, 0.3, 0));
        assert_eq!(clean(&format!(" {link}\n")), cfg);
        assert_eq!(clean("#data=xor&lr=0.3&net="), cfg);
        assert_eq!(clean("data=xor&lr=0.3&net="), cfg);
        let mut c = Config::default();
        c.data.kind = DataKind::Moons;
        c.step = Some(250);
        assert_eq!(clean(&format!("http://localhost:8080/#{}", encode(&c))), c);
    }

    #[test]
    fn other_format_versions_are_read_best_effort() {
        let (cfg, rejected) = decode("v=2&lr=0.1");
        assert_eq!(cfg.lr, 0.1);
        assert_eq!((rejected.len(), rejected[0].key.as_str(), rejected[0].value.as_str()), (1, "v", "2"));
        assert!(rejected[0].reason.contains("version 2 is not supported"));
        assert_eq!(clean("lr=0.1"), cfg, "a missing version is fine");
    }

    #[test]
    fn script_payloads_are_just_rejected_text() {
        let payload = "<script>alert(document.cookie)</script>";
        let encoded = "%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E";
        for link in [
            format!("data={payload}&lr=0.5"),
            format!("data={encoded}&lr=0.5"),
            format!("{encoded}={encoded}&lr=0.5"),
            format!("net=8:{payload}&lr=0.5"),
            format!("lr=0.5&{payload}"),
        ] {
            let (cfg, rejected) = decode(&link);
            assert_eq!(cfg, Config { lr: 0.5, ..Config::default() }, "{link}");
            assert_eq!(rejected.len(), 1, "{link}");
            assert!(!rejected[0].reason.contains("<script"), "{}", rejected[0].reason);
        }
    }

    #[test]
    fn echoed_text_is_bounded_and_printable() {
        let long = "a".repeat(1000);
        let (_, rejected) = decode(&format!("data={long}&{long}=1&x=%0A%00%FF"));
        // Unknown keys are listed while reading the pairs, bad values after.
        assert_eq!(rejected[0].key, format!("{}…", "a".repeat(MAX_ECHO_CHARS)));
        assert_eq!(rejected[1].value, "\u{FFFD}\u{FFFD}\u{FFFD}");
        assert_eq!(rejected[2].key, "data");
        assert_eq!(rejected[2].value, format!("{}…", "a".repeat(MAX_ECHO_CHARS)));
        assert!(rejected.iter().all(|r| r.reason.len() < 200));
    }

    #[test]
    fn input_size_is_limited() {
        // Pairs beyond the 64th are dropped and reported.
        let mut link = vec!["zz=1"; MAX_FIELDS - 1];
        link.extend(["lr=0.1", "bs=5", "seed=3"]);
        let (cfg, rejected) = decode(&link.join("&"));
        assert_eq!((cfg.lr, cfg.batch_size, cfg.seed), (0.1, 10, 1));
        assert_eq!(rejected.len(), MAX_FIELDS);
        let last = &rejected[MAX_FIELDS - 1];
        assert_eq!(last.key, LINK_KEY);
        assert_eq!(last.reason, "only the first 64 fields are read; 2 more ignored");
        // Bytes beyond 8 KiB are dropped, back to a whole pair.
        let pad = "é".repeat(MAX_INPUT_BYTES / 2);
        let (cfg, rejected) = decode(&format!("lr=0.1&pad={pad}&bs=5"));
        assert_eq!((cfg.lr, cfg.batch_size), (0.1, 10));
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].key, LINK_KEY);
        assert!(rejected[0].value.starts_with("pad=éé"));
        // A pair ending exactly at the limit is kept.
        let head = format!("lr=0.1&pad={}", "a".repeat(MAX_INPUT_BYTES - 11));
        assert_eq!(head.len(), MAX_INPUT_BYTES);
        let (cfg, rejected) = decode(&format!("{head}&bs=5"));
        assert_eq!((cfg.lr, cfg.batch_size), (0.1, 10));
        assert_eq!(rejected.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), [LINK_KEY, "pad"]);
        assert_eq!(rejected[0].value, "bs=5");
    }

    #[test]
    fn cross_field_checks_fall_back() {
        let (cfg, rejected) = decode("data=circle&feat=&lr=0.5");
        assert_eq!(cfg, Config { lr: 0.5, ..Config::default() });
        assert_eq!((rejected[0].key.as_str(), rejected.len()), ("feat", 1));
        assert!(clean("data=digits&feat=").data.features.is_empty());

        for link in ["data=plane&loss=softmax", "data=mgauss&loss=bce", "data=blobs&loss=focal", "data=digits&loss=bce"]
        {
            let (cfg, rejected) = decode(link);
            assert_eq!(cfg.loss, LossKind::Mse, "{link}");
            assert_eq!((rejected[0].key.as_str(), rejected.len()), ("loss", 1), "{link}");
        }
        assert_eq!(
            decode("data=plane&loss=focal&fg=3").1[0].reason,
            "focal needs two classes, which plane does not have; using the default mse"
        );
        assert_eq!(clean("data=spiral&loss=focal&fg=3").loss, LossKind::Focal { gamma: 3.0, alpha: 0.25 });
        assert_eq!(clean("data=spiralk&loss=softmax").loss, LossKind::SoftmaxCe);
        assert_eq!(clean("data=xor&loss=softmax").loss, LossKind::SoftmaxCe);
        assert_eq!(clean("data=digits&loss=mse").loss, LossKind::Mse);
        // A rejected data set falls back to circle, where the loss is fine.
        let (cfg, rejected) = decode("data=nope&loss=bce");
        assert_eq!((cfg.data.kind, cfg.loss, rejected.len()), (DataKind::Circle, LossKind::Bce, 1));
    }

    // ---- property tests ----

    fn unit_open() -> impl Strategy<Value = f64> {
        0.0..1.0f64
    }

    fn positive(hi: f64) -> impl Strategy<Value = f64> {
        prop_oneof![Just(hi), (0.0..hi).prop_filter("positive", |x| *x > 0.0)]
    }

    fn arb_data() -> impl Strategy<Value = DataConfig> {
        (
            proptest::sample::select(DataKind::VARIANTS),
            10usize..=5000,
            0u32..=50,
            10u32..=90,
            5u32..=50,
            3usize..=5,
            (Just(Feature::ALL.to_vec()).prop_shuffle(), 0usize..=7),
            any::<bool>(),
        )
            .prop_map(
                |(kind, n_points, noise_pct, train_pct, minority_pct, classes, (all, n), standardize)| {
                    let mut features = all[..n].to_vec();
                    if kind.is_planar() && features.is_empty() {
                        features.push(Feature::X2);
                    }
                    DataConfig { kind, n_points, noise_pct, train_pct, minority_pct, classes, features, standardize }
                },
            )
    }

    fn arb_hidden() -> impl Strategy<Value = Vec<LayerSpec>> {
        let block =
            (1usize..=256, proptest::sample::select(Act::VARIANTS), any::<bool>(), prop_oneof![Just(0.0), unit_open()])
                .prop_map(|(units, act, batch_norm, dropout)| LayerSpec { units, act, batch_norm, dropout });
        proptest::collection::vec(block, 0..=MAX_HIDDEN_LAYERS)
    }

    fn arb_init() -> impl Strategy<Value = InitKind> {
        prop_oneof![
            proptest::sample::select(InitKind::VARIANTS),
            (-10.0..=10.0f64).prop_map(InitKind::Constant),
            (0.0..=10.0f64).prop_map(InitKind::Uniform),
            (0.0..=10.0f64).prop_map(InitKind::Normal),
        ]
    }

    fn arb_loss() -> impl Strategy<Value = LossKind> {
        prop_oneof![
            proptest::sample::select(LossKind::VARIANTS),
            (0.0..=10.0f64, 0.0..=1.0f64).prop_map(|(gamma, alpha)| LossKind::Focal { gamma, alpha }),
        ]
    }

    fn arb_optimizer() -> impl Strategy<Value = OptimizerKind> {
        prop_oneof![
            proptest::sample::select(OptimizerKind::VARIANTS),
            // Any rule with every hyperparameter drawn (those it does not read are ignored).
            (
                proptest::sample::select(OptimizerKind::VARIANTS),
                (unit_open(), unit_open(), unit_open(), unit_open()),
                (positive(1.0), 0.0..=10.0f64)
            )
                .prop_map(|(kind, (mu, rho, beta1, beta2), (eps, weight_decay))| {
                    kind.with(Hyper::Mu, mu)
                        .with(Hyper::Rho, rho)
                        .with(Hyper::Beta1, beta1)
                        .with(Hyper::Beta2, beta2)
                        .with(Hyper::Eps, eps)
                        .with(Hyper::WeightDecay, weight_decay)
                }),
        ]
    }

    fn arb_schedule() -> impl Strategy<Value = ScheduleKind> {
        prop_oneof![
            proptest::sample::select(ScheduleKind::VARIANTS),
            (1..=MAX_STEP, positive(1.0)).prop_map(|(every, gamma)| ScheduleKind::Step { every, gamma }),
            (1..=MAX_STEP, positive(1.0)).prop_map(|(every, gamma)| ScheduleKind::Exponential { every, gamma }),
            (1..=MAX_STEP, 0.0..=1.0f64).prop_map(|(period, min_factor)| ScheduleKind::Cosine { period, min_factor }),
            (1..=MAX_STEP).prop_map(|steps| ScheduleKind::Warmup { steps }),
        ]
    }

    fn arb_clip() -> impl Strategy<Value = ClipKind> {
        prop_oneof![
            Just(ClipKind::None),
            positive(1e6).prop_map(ClipKind::Value),
            positive(1e6).prop_map(ClipKind::Norm),
        ]
    }

    fn arb_bug() -> impl Strategy<Value = Option<PlantedBug>> {
        proptest::option::of(
            (proptest::sample::select(Bug::VARIANTS), any::<bool>())
                .prop_map(|(bug, hidden)| PlantedBug { bug, hidden }),
        )
    }

    /// Any valid config: every field in range and the cross-field checks satisfied.
    fn arb_config() -> impl Strategy<Value = Config> {
        (
            (any::<u64>(), proptest::option::of(0..=MAX_STEP), arb_data(), arb_hidden(), arb_bug()),
            (
                proptest::sample::select(BlockOrder::VARIANTS),
                unit_open(),
                positive(1.0),
                arb_init(),
                -10.0..=10.0f64,
                arb_loss(),
                proptest::sample::select(OutputAct::VARIANTS),
                unit_open(),
            ),
            (
                0.0..=10.0f64,
                0.0..=10.0f64,
                arb_optimizer(),
                positive(100.0),
                arb_schedule(),
                arb_clip(),
                1usize..=100_000,
            ),
        )
            .prop_map(|((seed, step, data, hidden, bug), ord_to_slope, rest)| {
                let (order, bn_momentum, bn_eps, init, bias_init, mut loss, output_act, leaky_slope) = ord_to_slope;
                let (l1, l2, optimizer, lr, schedule, clip, batch_size) = rest;
                if data.kind.is_regression() {
                    loss = LossKind::Mse;
                } else if !data.kind.is_binary() && matches!(loss, LossKind::Bce | LossKind::Focal { .. }) {
                    loss = LossKind::SoftmaxCe;
                }
                Config {
                    seed,
                    step,
                    data,
                    hidden,
                    order,
                    bn_momentum,
                    bn_eps,
                    init,
                    bias_init,
                    loss,
                    output_act,
                    leaky_slope,
                    l1,
                    l2,
                    optimizer,
                    lr,
                    schedule,
                    clip,
                    batch_size,
                    view: ViewFlags::default(),
                    bug,
                }
            })
    }

    /// Text that exercises the parser: real keys and values, near misses and noise.
    fn arb_soup() -> impl Strategy<Value = String> {
        let mut keys: Vec<String> = FIELDS.iter().map(|f| f.key.to_owned()).collect();
        keys.extend(["", "zz", "LR", "l%72", "v"].map(String::from));
        let mut tokens: Vec<String> = [
            "",
            "0",
            "1",
            "2",
            "3",
            "5",
            "10",
            "50",
            "0.5",
            "0.999",
            "-1",
            "1e-8",
            "1e999",
            "nan",
            "inf",
            "99999999999999999999",
            "8:relu",
            "8:relu:bn:d0.2,4:tanh",
            "x1,x2",
            "x1sq",
            "bn-act-do",
            "act-do-bn",
            "%3Cscript%3E",
            "<b>",
            "é",
            "%",
            "%ZZ",
            "=",
        ]
        .map(String::from)
        .to_vec();
        fn add<T: Named>(tokens: &mut Vec<String>) {
            tokens.extend(T::VARIANTS.iter().map(|v| v.name().to_owned()));
        }
        add::<DataKind>(&mut tokens);
        add::<InitKind>(&mut tokens);
        add::<LossKind>(&mut tokens);
        add::<OptimizerKind>(&mut tokens);
        add::<ScheduleKind>(&mut tokens);
        add::<ClipKind>(&mut tokens);
        add::<OutputAct>(&mut tokens);
        add::<Speed>(&mut tokens);
        let key = move || prop_oneof![4 => proptest::sample::select(keys.clone()), 1 => "[a-z%=&#]{0,4}"];
        let value = prop_oneof![4 => proptest::sample::select(tokens), 1 => any::<String>()];
        let pair = prop_oneof![(key(), value).prop_map(|(k, v)| format!("{k}={v}")), key()];
        let prefix = proptest::sample::select(vec!["", "#", "https://h.example/p?q=1#", "v=1&"]);
        (prefix, proptest::collection::vec(pair, 0..80)).prop_map(|(p, pairs)| format!("{p}{}", pairs.join("&")))
    }

    /// decode never panics, echoes bounded text, and its result is a fixed point.
    fn check_idempotent(link: &str) -> Result<(), TestCaseError> {
        let (cfg, rejected) = decode(link);
        for r in &rejected {
            prop_assert!(r.key.chars().count() <= MAX_ECHO_CHARS + 1);
            prop_assert!(r.value.chars().count() <= MAX_ECHO_CHARS + 1);
        }
        let text = encode(&cfg);
        let again = decode(&text);
        prop_assert_eq!(&again.0, &cfg);
        prop_assert_eq!(again.1, vec![]);
        prop_assert_eq!(encode(&again.0), text);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn valid_configs_round_trip_exactly(cfg in arb_config()) {
            let text = encode(&cfg);
            prop_assert_eq!(decode(&text), (cfg.clone(), vec![]));
            prop_assert_eq!(decode(&format!("https://x.example/#{text}")).0, cfg);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            check_idempotent(&s)?;
        }

        #[test]
        fn link_like_strings_never_panic(s in "[#&=%:,.a-z0-9é<>-]{0,200}") {
            check_idempotent(&s)?;
        }

        #[test]
        fn key_value_soups_never_panic(s in arb_soup()) {
            check_idempotent(&s)?;
        }
    }

    #[test]
    fn classroom_flags_name_known_controls_only() {
        let (cfg, rejected) = decode("hide=lr,bs,lr,reset&lock=data&embed=1&test=1");
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(cfg.view.hide, vec!["lr", "bs", "reset"]);
        assert_eq!(cfg.view.lock, vec!["data"]);
        assert!(cfg.view.embed && cfg.view.show_test && !cfg.view.discretize);
        assert_eq!(decode(&encode(&cfg)).0, cfg);
        let (cfg, rejected) = decode("hide=lr,<script>alert(1)</script>&embed=2");
        assert_eq!(cfg.view, ViewFlags::default());
        assert_eq!(rejected.len(), 2);
        assert!(rejected.iter().all(|r| !r.reason.contains('<')));
    }
}
