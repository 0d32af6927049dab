//! What one row of the settings table says, and how a row reads and writes
//! its value. The rows themselves are [`super::table::SETTINGS`].
//!
//! A [`Setting`] describes one link key completely: its label, help and unit
//! for the page (catalog entries keyed by the link key, in the page's
//! language), the [`Panel`] its control goes in (none: link-only), its
//! [`Kind`] (which is at once how the value is parsed and how its control is
//! drawn, with the one range both use), which variant of another setting it
//! belongs to ([`Belongs`]), whether it applies mid-run, and when its control
//! is relevant. A row reads and writes its part of a [`Link`]; the
//! relevance test reads the experiment. The codec ([`super::encode`], [`super::decode`]), the page's
//! controls and the config edits of [`super::edit`] all read it from here.

use crate::engine::config::{Config, OptimizerKind, FORMAT_VERSION};
use crate::engine::i18n::{self, Lang};

use super::Link;
use crate::engine::optim::Hyper;

use super::parse::{self, real, some, Interval, Ints};
use super::table::SETTINGS;

/// Which panel a control lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Panel {
    /// Data set, split and features.
    Data,
    /// The hidden layers' editor, under the network diagram.
    Layers,
    /// Block order, BatchNorm, initialization and output.
    Model,
    /// Optimizer, loss, schedule, regularization, batch, seed.
    Training,
    /// Toggles above the output heatmap.
    Heatmap,
    /// Toggles above the charts.
    Charts,
    /// Next to the transport buttons (training speed).
    Transport,
    /// At the end of the masthead (the page's language).
    Masthead,
}

/// What part of the link a row is: the experiment proper, or what rides along
/// with it; each group is one part of the [`Link`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// The format version and the step a link fast-forwards to.
    Format,
    /// The experiment: data, model and training.
    Experiment,
    /// A bug planted by the bug lab.
    BugLab,
    /// How the page shows the run (view toggles, speed).
    View,
    /// What a link's author hides, locks or embeds.
    Classroom,
}

/// A choice among the names of a [`crate::engine::config::Named`] type.
#[derive(Clone, Copy, Debug)]
pub struct Choice {
    /// Every name, in display order.
    pub names: fn() -> Vec<&'static str>,
    /// The name chosen in a config.
    pub get: fn(&Link) -> &'static str,
    /// Chooses the variant named by the text (with its default parameters).
    pub set: fn(&mut Link, &str) -> Result<(), String>,
}

/// Where a real number of the config lives.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    /// A field: `get` is `None` and `put` does nothing while the field's
    /// variant is not chosen.
    Field(fn(&Link) -> Option<f64>, fn(&mut Link, f64)),
    /// A hyperparameter of the chosen optimizer (`None` and nothing written
    /// while its rule does not read it: [`crate::engine::optim::Rule::reads`]).
    Optimizer(Hyper),
}

/// How a value is parsed and written, which is also how its control is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// The format version (no control).
    Version,
    /// A `<select>` of names.
    Choice(Choice),
    /// A choice drawn as the data-set picker (buttons with thumbnails).
    DataPicker(Choice),
    /// An integer input; `step` is the input's step.
    Int {
        /// Accepted values.
        range: Ints,
        /// Step of the number input.
        step: u64,
        /// The value, `None` while its variant is not chosen (or unset).
        get: fn(&Link) -> Option<u64>,
        /// Stores a value in range (does nothing while its variant is not chosen).
        put: fn(&mut Link, u64),
    },
    /// A real input; `step` is the input's step (`0`: any).
    Real {
        /// Accepted values: for the variants not in `narrower`, and for
        /// checking a value given for a variant not chosen.
        range: Interval,
        /// Narrower intervals for some variants of the owner, by variant name.
        narrower: &'static [(&'static str, Interval)],
        /// Step of the number input (`0`: any).
        step: f64,
        /// Where the value lives.
        place: Place,
    },
    /// A checkbox (link text `0` / `1`).
    Check {
        /// Whether it is on.
        get: fn(&Link) -> bool,
        /// Turns it on or off.
        put: fn(&mut Link, bool),
    },
    /// The input features: one checkbox per feature (`feat` text).
    Features,
    /// The architecture editor plus its `net` text.
    Network,
    /// Text with its own parser (no control).
    Text {
        /// The text, `None` when unset.
        get: fn(&Link) -> Option<String>,
        /// Parses and stores.
        set: fn(&mut Link, &str) -> Result<(), String>,
    },
}

/// A number input's bounds and step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    /// Smallest value the input offers.
    pub min: f64,
    /// Largest value the input offers.
    pub max: f64,
    /// Step of its arrows (`0`: any).
    pub step: f64,
}

/// When a key is written, and which variant of which setting it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Belongs {
    /// A setting of its own: always written.
    Always,
    /// Written only when it differs from the default.
    WhenSet,
    /// A parameter of the variants `names` of the setting `of`: written only
    /// while one of them is chosen.
    Variants {
        /// The key of the setting whose variant it belongs to.
        of: &'static str,
        /// Those variants' names.
        names: &'static [&'static str],
    },
    /// A hyperparameter of the optimizers whose rule reads it (the row's
    /// [`Place::Optimizer`]).
    Optimizer,
}

/// One row of the table: everything about one link key.
///
/// Its words (label, help, unit, why it is off) are not written here: they
/// are catalog entries keyed by the link key (`setting.<key>.label`,
/// `.help`, `.unit`, `.off` in `content/i18n/<lang>/settings*.toml`), read
/// in the page's language by [`Setting::label`] and its siblings.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The key in the link, also the control's element id.
    pub key: &'static str,
    /// Whether a unit is shown after the label (`setting.<key>.unit`).
    has_unit: bool,
    /// The panel of its control, with its position there; `None`: link-only.
    pub panel: Option<(Panel, u8)>,
    /// What part of the link it is.
    pub group: Group,
    /// How it is parsed, written and drawn.
    pub kind: Kind,
    /// When it is written and which variant it belongs to.
    pub belongs: Belongs,
    /// Whether a change applies mid-run (weights kept) instead of rebuilding.
    pub live: bool,
    /// Whether the control is relevant to a config (beyond its variant).
    pub relevant: fn(&Config) -> bool,
    /// Whether `relevant` can say no, so the row has a reason for being off
    /// (`setting.<key>.off`).
    has_reason: bool,
}

/// A row of the table with the usual defaults: an experiment setting, always
/// written, rebuilding when changed, always relevant.
pub const fn row(key: &'static str, kind: Kind) -> Setting {
    Setting {
        key,
        has_unit: false,
        panel: None,
        group: Group::Experiment,
        kind,
        belongs: Belongs::Always,
        live: false,
        relevant: |_| true,
        has_reason: false,
    }
}

/// The catalog text `setting.<key>.<part>` in the page's language (English
/// when the language lacks it); `None` when English lacks it too.
fn row_text(key: &str, part: &str) -> Option<&'static str> {
    let key = format!("setting.{key}.{part}");
    i18n::lookup(i18n::current(), &key).or_else(|| i18n::lookup(Lang::En, &key))
}

impl Setting {
    /// Its control goes in `panel`, at position `pos` there.
    pub const fn on(mut self, panel: Panel, pos: u8) -> Self {
        self.panel = Some((panel, pos));
        self
    }

    /// Its value has a unit (`setting.<key>.unit`).
    pub const fn with_unit(mut self) -> Self {
        self.has_unit = true;
        self
    }

    /// It belongs to another part of the link than the experiment.
    pub const fn group(mut self, group: Group) -> Self {
        self.group = group;
        self
    }

    /// It is written only when set, or only for some variant.
    pub const fn belongs(mut self, belongs: Belongs) -> Self {
        self.belongs = belongs;
        self
    }

    /// A change applies mid-run.
    pub const fn live(mut self) -> Self {
        self.live = true;
        self
    }

    /// It does something only where `relevant` says; elsewhere its control
    /// is disabled and says why (`setting.<key>.off`).
    pub const fn relevant(mut self, relevant: fn(&Config) -> bool) -> Self {
        self.relevant = relevant;
        self.has_reason = true;
        self
    }

    /// Visible label (without the unit), in the page's language.
    pub fn label(&self) -> &'static str {
        row_text(self.key, "label").unwrap_or(self.key)
    }

    /// Tooltip, or for a link-only key why it has no control.
    pub fn help(&self) -> &'static str {
        row_text(self.key, "help").unwrap_or("")
    }

    /// Unit shown after the label (`%`, `steps`), if any.
    pub fn unit(&self) -> Option<&'static str> {
        if self.has_unit {
            row_text(self.key, "unit")
        } else {
            None
        }
    }

    /// Why it does nothing where it is not relevant (its control says so,
    /// disabled, instead of vanishing); empty for a row always relevant.
    pub fn irrelevant(&self) -> &'static str {
        if self.has_reason {
            row_text(self.key, "off").unwrap_or("")
        } else {
            ""
        }
    }

    /// The catalog keys of the row's words: label and help, its unit and
    /// its reason for being off when it has them, and a choice's options.
    pub fn text_keys(&self) -> Vec<String> {
        let parts = [("label", true), ("help", true), ("unit", self.has_unit), ("off", self.has_reason)];
        let words = parts.iter().filter(|(_, has)| *has).map(|(part, _)| format!("setting.{}.{part}", self.key));
        let options = self.option_names().into_iter().map(|name| format!("setting.{}.option.{name}", self.key));
        words.chain(options).collect()
    }

    /// The link names of a choice's options that the page shows translated
    /// (`setting.<key>.option.<name>`): every choice's but the language
    /// menu's, which names each language in itself, and the network's
    /// activations.
    fn option_names(&self) -> Vec<&'static str> {
        match self.kind {
            Kind::Choice(choice) if self.key != "lang" => (choice.names)(),
            // The layer editor's activation menus.
            Kind::Network => super::parse::names::<crate::engine::config::Act>(),
            _ => Vec::new(),
        }
    }

    /// What the option `name` of this choice reads on the page: in English
    /// its link name (`he_n`), in another language a translation.
    pub fn option_label(&self, name: &'static str) -> &'static str {
        row_text(self.key, &format!("option.{name}")).unwrap_or(name)
    }

    /// The label with its unit: `Noise %`.
    pub fn title(&self) -> String {
        match self.unit() {
            Some(unit) => crate::tr!("setting.with_unit", label = self.label(), unit = unit),
            None => self.label().to_string(),
        }
    }

    /// A parameter of some variant of another setting (written only for it).
    pub fn is_param(&self) -> bool {
        matches!(self.belongs, Belongs::Variants { .. } | Belongs::Optimizer)
    }

    /// Whether `link` has chosen a variant this row belongs to (always, for a
    /// row that is not a parameter).
    pub fn is_member(&self, link: &Link) -> bool {
        match self.belongs {
            Belongs::Always | Belongs::WhenSet => true,
            Belongs::Variants { of, names } => variant_of(of, link).is_some_and(|v| names.contains(&v.as_str())),
            Belongs::Optimizer => optimizer_has(link.config.optimizer, self.key),
        }
    }

    /// The value's text in `link`, `None` when the link has none (a
    /// parameter of another variant, an unset step or bug).
    pub fn text(&self, link: &Link) -> Option<String> {
        match self.kind {
            Kind::Version => some(FORMAT_VERSION),
            Kind::Choice(c) | Kind::DataPicker(c) => some((c.get)(link)),
            Kind::Int { get, .. } => get(link).map(|x| x.to_string()),
            Kind::Real { place, .. } => place.get(link).map(real),
            Kind::Check { get, .. } => some(u8::from(get(link))),
            Kind::Features => Some(parse::features_to_text(&link.config.data.features)),
            Kind::Network => Some(parse::net_to_text(&link.config.hidden)),
            Kind::Text { get, .. } => get(link),
        }
    }

    /// The text [`super::encode`] writes: [`Setting::text`], except that a
    /// [`Belongs::WhenSet`] key equal to its default is left out.
    pub fn written(&self, link: &Link, default: &Link) -> Option<String> {
        let text = self.text(link)?;
        let unset = self.belongs == Belongs::WhenSet && self.text(default).as_ref() == Some(&text);
        (!unset).then_some(text)
    }

    /// The default value's text; for a parameter, its value when the first
    /// variant it belongs to is chosen with its defaults.
    pub fn default_text(&self) -> Option<String> {
        let mut link = Link::default();
        match self.belongs {
            Belongs::Variants { of, names } => {
                setting(of)?.set(&mut link, names.first()?).ok()?;
            }
            Belongs::Optimizer => {
                use crate::engine::config::Named;
                link.config.optimizer = *OptimizerKind::VARIANTS.iter().find(|o| optimizer_has(**o, self.key))?;
            }
            Belongs::Always | Belongs::WhenSet => {}
        }
        self.text(&link)
    }

    /// The interval a real value must be in, in `link` (its variant's own
    /// interval when narrower); `None` for a row that is not real.
    pub fn interval(&self, link: &Link) -> Option<Interval> {
        match self.kind {
            Kind::Real { range, narrower, .. } => Some(self.narrowed(range, narrower, link)),
            _ => None,
        }
    }

    /// `range`, or the interval `narrower` gives the variant chosen in `link`.
    fn narrowed(&self, range: Interval, narrower: &[(&str, Interval)], link: &Link) -> Interval {
        let Belongs::Variants { of, .. } = self.belongs else {
            return range;
        };
        let chosen = variant_of(of, link);
        narrower.iter().find(|(name, _)| chosen.as_deref() == Some(*name)).map_or(range, |(_, i)| *i)
    }

    /// The bounds and step of the number input in `link`, from the same range
    /// the parser uses (see [`Interval::input_bounds`]); `None` for a row
    /// that is not a number.
    pub fn number(&self, link: &Link) -> Option<Number> {
        match self.kind {
            Kind::Int { range, step, .. } => {
                Some(Number { min: range.lo as f64, max: range.hi as f64, step: step as f64 })
            }
            Kind::Real { range, narrower, step, .. } => {
                let (min, max) = self.narrowed(range, narrower, link).input_bounds(step);
                Some(Number { min, max, step })
            }
            _ => None,
        }
    }

    /// Parses and validates `text` into `link`; on error `link` is unchanged and
    /// the reason is returned. A parameter of a variant not chosen is
    /// validated, then ignored.
    pub fn set(&self, link: &mut Link, text: &str) -> Result<(), String> {
        match self.kind {
            Kind::Version => parse::check_version(text),
            Kind::Choice(c) | Kind::DataPicker(c) => (c.set)(link, text),
            Kind::Int { range, put, .. } => {
                put(link, range.parse(text)?);
                Ok(())
            }
            Kind::Real { range, narrower, place, .. } => {
                let x = self.narrowed(range, narrower, link).parse(text)?;
                place.put(link, x);
                Ok(())
            }
            Kind::Check { put, .. } => {
                put(link, parse::switch(text)?);
                Ok(())
            }
            Kind::Features => {
                link.config.data.features = parse::features(text)?;
                Ok(())
            }
            Kind::Network => {
                link.config.hidden = parse::net(text)?;
                Ok(())
            }
            Kind::Text { set, .. } => set(link, text),
        }
    }
}

impl Place {
    /// The value in `link`.
    fn get(self, link: &Link) -> Option<f64> {
        match self {
            Place::Field(get, _) => get(link),
            Place::Optimizer(h) => link.config.optimizer.get(h),
        }
    }

    /// Stores `x` (nothing while its variant is not chosen).
    fn put(self, link: &mut Link, x: f64) {
        match self {
            Place::Field(_, put) => put(link, x),
            Place::Optimizer(h) => link.config.optimizer.set(h, x),
        }
    }
}

/// Whether `optimizer`'s rule reads the hyperparameter of the row `key`.
fn optimizer_has(optimizer: OptimizerKind, key: &str) -> bool {
    match setting(key).map(|s| s.kind) {
        Some(Kind::Real { place: Place::Optimizer(h), .. }) => optimizer.rule.reads.contains(&h),
        _ => false,
    }
}

/// The name of the variant chosen for the setting `key` in `link`.
fn variant_of(key: &str, link: &Link) -> Option<String> {
    setting(key)?.text(link)
}

/// The row of `key`.
pub fn setting(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Whether `key` is a key of the link.
pub fn is_key(key: &str) -> bool {
    setting(key).is_some()
}
