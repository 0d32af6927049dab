//! The link format: [`Config`] ⇄ `v=1&seed=1&data=circle&...&bs=10`.
//!
//! The hash is `key=value` pairs joined by `&`. Every key is one row of the
//! settings table [`SETTINGS`] (after TF Playground's `State.PROPS`): its
//! key, label, help, unit, panel, range, default, the variant it belongs to
//! and whether it applies mid-run. [`encode`] and [`decode`] walk that table,
//! and the page generates its controls from it, so a new setting is one new
//! row and no range is written twice.
//!
//! The link sits above the config: it carries the experiment, and beside it
//! the page's view toggles, the classroom flags and the planted bug, each
//! decoded into its own part of a [`Link`]. So it is a module of its own, and
//! the config types below it import nothing from it.
//!
//! - [`settings`]: what a row says and how it reads and writes its value;
//! - [`table`]: the rows;
//! - [`parse`]: the value parsers (integers, intervals, names, features, the
//!   network text, control lists);
//! - [`edit`]: config edits as the page's controls make them;
//! - [`changes`]: change lists, the mid-run changes of live settings;
//! - [`presets`]: a working start per data set (the data picker);
//! - [`class`]: the teacher's class links (hidden and locked controls, a
//!   planted bug, a step, a note);
//! - [`describe`]: the table as plain data for the page's tests.
//!
//! # Keys
//!
//! A reader's summary; the ranges themselves are defined once, in [`table`].
//!
//! | key | field | values |
//! |---|---|---|
//! | `v` | format version | [`FORMAT_VERSION`](crate::engine::config::FORMAT_VERSION) |
//! | `seed` | seed | integer `0..=2⁶⁴−1` |
//! | `step` | step to fast-forward to (written only when set) | integer `0..=10_000_000` |
//! | `data` | data set | `circle xor gauss spiral moons blobs spiralk plane mgauss digits custom` |
//! | `n` | number of points | `10..=5000` |
//! | `noise` | noise % | `0..=50` |
//! | `train` | training share % | `10..=90` |
//! | `minor` | share of class 1 % (binary sets) | `5..=50` |
//! | `k` | classes (K-class sets) | `3..=5` |
//! | `feat` | input features, in input order | comma list of `x1 x2 x1sq x2sq x1x2 sinx1 sinx2`, may be empty |
//! | `std` | standardize inputs | `0` or `1` |
//! | `pts` | custom points (`data=custom`, written when they fit) | deflated binary in base64url, at most 2,000 characters ([`points`]) |
//! | `pts_hash` | custom points too many for a link: their content hash | 16 hex digits |
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
//! | `opt` | optimizer | `sgd momentum nesterov rmsprop adam adamw` |
//! | `mom` | momentum μ (momentum, nesterov) | `0 ≤ x < 1` |
//! | `rho` | RMSProp ρ | `0 ≤ x < 1` |
//! | `b1`, `b2` | Adam β1, β2 (adam, adamw) | `0 ≤ x < 1` |
//! | `eps` | ε (rmsprop, adam, adamw) | `0 < x ≤ 1` |
//! | `wd` | decoupled weight decay (adamw) | `0..=10` |
//! | `sched` | schedule | `const step exp cos warmup` |
//! | `se` | steps: decay interval (step, exp), period (cos), length (warmup) | `1..=10_000_000` |
//! | `sg` | factor: γ (step, exp: `0 < x ≤ 1`), final multiplier (cos: `0..=1`) | |
//! | `clip` | gradient clipping | `none value norm` |
//! | `cv` | clipping threshold | `0 < x ≤ 1_000_000` |
//! | `bs` | batch size | `1..=100_000` |
//! | `bug` | bug lab: a planted bug (written only when set) | `frozen-layer wrong-sign no-zero-grad softmax-twice shuffled-labels raw-inputs eval-dropout stale-bn`, or `mystery:<token>` to plant one without naming it |
//! | `speed` | view: how fast Play trains, per animation frame (written only when not `epoch`) | `batch` (one mini-batch), `epoch` (one epoch), `fast` (ten epochs), `max` (the frame's whole time budget) |
//! | `test`, `disc`, `log`, `embed` | view: test points, discretized heatmap, log-scale charts, embed mode (written only when on) | `0 1` |
//! | `note` | classroom: a note shown to the students as text (written only when set) | up to 280 characters, no control characters |
//! | `learn`, `lesson` | view: the Learn panel's open checklist item and guided lesson (written only when set) | an item number such as `3.4`; a lesson id such as `vanishing` (`content/lessons/`) |
//! | `lang` | view: the page's language (written only when not English) | `en`, `zh-CN` |
//! | `hide`, `lock` | classroom: controls hidden or locked (written only when set; `lock=data` also locks the seed and New seed) | comma list of link keys or `play step-once step-epoch reset new-seed share` |
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
//! - A live experiment setting (`lr`, `bs`, `l1`, `l2`, `opt` and its
//!   parameters, `sched`, `se`, `sg`, `clip`, `cv`) may carry a change list,
//!   `lr=0.03,0.3@500,0.1@900`: its value at step 0, then each new value with
//!   the number of steps after which it took effect ([`changes`]). A list on
//!   any other key, a step out of `1..=`[`MAX_STEP`] or steps that do not
//!   increase reject the key; a value refused at one step drops that change.
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
//! use gradlab::engine::link;
//!
//! let (cfg, rejected) = link::decode("#v=1&lr=0.1&bs=5&net=8:relu,8:relu&zz=1");
//! assert_eq!((cfg.lr, cfg.batch_size, cfg.hidden.len()), (0.1, 5, 2));
//! assert_eq!(rejected[0].key, "zz");
//! assert_eq!(link::decode(&link::encode(&cfg)), (cfg, vec![]));
//! ```

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::engine::bug_lab::PlantedBug;
use crate::engine::config::{Config, DataConfig, DataKind, LossKind, Named};
use crate::engine::view::{Classroom, View};

pub mod base64url;
pub mod changes;
pub mod class;
pub mod describe;
pub mod edit;
pub mod parse;
pub mod points;
pub mod presets;
pub mod settings;
pub mod table;
#[cfg(test)]
mod tests;

pub use edit::{applies, edit_network, irrelevant_reason, normalize, value_text, with_field, LayerEdit, NetworkEdit};
pub use settings::{setting, Belongs, Group, Kind, Number, Panel, Setting};
pub use table::page_order;
pub use table::SETTINGS;

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
pub const VERSION_KEY: &str = "v";
/// Key of the [`Rejected`] entries about the link as a whole (too long, too many fields).
pub const LINK_KEY: &str = "(link)";

/// Characters percent-encoded in keys and values: everything but letters,
/// digits and `- . _ ~ : , @` (all legal unencoded in a URL fragment).
const ESCAPED: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b':').remove(b',').remove(b'@');

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

/// Everything a link carries: the experiment, how the page shows it, what
/// the link's author set for a class, and a planted bug. Only the experiment
/// decides the numbers of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    /// The experiment.
    pub config: Config,
    /// The view toggles and the training speed.
    pub view: View,
    /// Hidden and locked controls, embed mode.
    pub classroom: Classroom,
    /// A bug planted by the bug lab (`None`: the code is correct). Not part
    /// of the experiment: the bug lab plants it from outside the engine
    /// ([`crate::engine::bug_lab::trainer`]).
    pub bug: Option<PlantedBug>,
}

impl Link {
    /// The link of an experiment alone (default view, no classroom flags, no bug).
    pub fn of(config: &Config) -> Self {
        Self { config: config.clone(), ..Self::default() }
    }
}

/// Writes `cfg` as a hash without the leading `#`: `v=1&seed=1&data=circle&...`.
///
/// Deterministic; see the [module docs](self) for the keys and rules.
pub fn encode(cfg: &Config) -> String {
    encode_link(&Link::of(cfg))
}

/// [`encode`] of a whole [`Link`].
pub fn encode_link(link: &Link) -> String {
    let mut out = String::new();
    let default = Link::default();
    for setting in SETTINGS {
        if let Some(value) = changes::with_changes(setting, link, setting.written(link, &default)) {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(setting.key, ESCAPED));
            out.push('=');
            out.extend(utf8_percent_encode(&value, ESCAPED));
        }
    }
    out
}

/// Reads a link, a hash or bare pairs into a [`Config`], listing every field it
/// rejected. Never panics, never fails; see the [module docs](self) for the
/// rules. The other parts of the link are read but not returned: see [`decode_link`].
pub fn decode(link: &str) -> (Config, Vec<Rejected>) {
    let (link, rejected) = decode_link(link);
    (link.config, rejected)
}

/// [`decode`] into a whole [`Link`].
pub fn decode_link(link: &str) -> (Link, Vec<Rejected>) {
    let mut rejected = Vec::new();
    let hash = limit_bytes(fragment(link), &mut rejected);

    // Collect the values by table row; the first occurrence of a key wins.
    let mut values: Vec<Option<Cow<'_, str>>> = vec![None; SETTINGS.len()];
    let mut pairs = hash.split('&').filter(|pair| !pair.is_empty());
    for pair in pairs.by_ref().take(MAX_FIELDS) {
        let Some((key, value)) = pair.split_once('=') else {
            rejected.push(Rejected::new(&unescape(pair), "", crate::tr!("link.expected_pair")));
            continue;
        };
        let (key, value) = (unescape(key), unescape(value));
        match SETTINGS.iter().position(|s| s.key == key) {
            None => rejected.push(Rejected::new(&key, &value, crate::tr!("link.unknown_key"))),
            Some(i) if values[i].is_some() => {
                rejected.push(Rejected::new(&key, &value, crate::tr!("link.duplicate_key")));
            }
            Some(i) => values[i] = Some(value),
        }
    }
    let dropped = pairs.count();
    if dropped > 0 {
        let reason = crate::tr!("link.too_many_fields", max = MAX_FIELDS, dropped = dropped);
        rejected.push(Rejected::new(LINK_KEY, "", reason));
    }

    let mut out = Link::default();
    let mut lists = Vec::new();
    for (setting, value) in SETTINGS.iter().zip(&values) {
        let Some(value) = value else { continue };
        let set = changes::split(setting, value).and_then(|parsed| {
            if !parsed.changes.is_empty() {
                lists.push((setting, parsed.changes));
            }
            parsed.base.map_or(Ok(()), |base| setting.set(&mut out, base))
        });
        if let Err(reason) = set {
            // The version has no default to fall back to: its reason says what happens.
            let reason =
                if setting.key == VERSION_KEY { reason } else { crate::tr!("link.using_default", reason = reason) };
            rejected.push(Rejected::new(setting.key, value, reason));
        }
    }
    check_cross_fields(&mut out.config, &mut rejected);
    changes::apply(&mut out, &lists, &mut rejected);
    (out, rejected)
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
    let reason = crate::tr!("link.too_long", max = MAX_INPUT_BYTES);
    rejected.push(Rejected::new(LINK_KEY, hash[cut..].trim_start_matches('&'), reason));
    &hash[..cut]
}

/// Checks between fields that the table cannot see; see the module docs.
fn check_cross_fields(cfg: &mut Config, rejected: &mut Vec<Rejected>) {
    let kind = cfg.data.kind;
    if kind.is_planar() && cfg.data.features.is_empty() {
        let reason = crate::tr!("link.needs_feature", data = kind.name());
        rejected.push(Rejected::new("feat", "", reason));
        cfg.data.features = DataConfig::default().features;
    }
    if kind != DataKind::Custom {
        // Points of another data set's link are ignored, like a parameter of a variant not chosen.
        cfg.data.points.clear();
        cfg.data.points_hash = None;
    }
    let unfit = match cfg.loss {
        LossKind::Mse => false,
        LossKind::SoftmaxCe => kind.is_regression(),
        LossKind::Bce | LossKind::Focal { .. } => !cfg.data.is_binary(),
    };
    if unfit {
        let default = Config::default().loss;
        let (loss, data, default_name) = (cfg.loss.name(), kind.name(), default.name());
        let reason = if matches!(cfg.loss, LossKind::SoftmaxCe) {
            crate::tr!("link.loss_needs_labels", loss = loss, data = data, default = default_name)
        } else {
            crate::tr!("link.loss_needs_two_classes", loss = loss, data = data, default = default_name)
        };
        rejected.push(Rejected::new("loss", cfg.loss.name(), reason));
        cfg.loss = default;
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
