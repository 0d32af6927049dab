//! Learn: the debugging checklist in the project's own words, and the guided
//! lessons that walk through it.
//!
//! Both are data, not code: `content/checklist.toml` holds the checklist
//! (one entry per item: what it is, why it matters, how to see it here) and
//! `content/lessons/*.toml` one lesson per file. The build script converts
//! them to one JSON document embedded in the crate; [`catalog`] parses it
//! once. A lesson is a link that sets the experiment, a text, what to look
//! at, a question whose answer is *measured* on the live state by a
//! [`Probe`] (never a fixed string), and a fix: link pairs put
//! on top of the lesson's link, trained a stated number of steps, so the
//! learner sees the fix work and the same question now gets another answer.
//!
//! The text is written in English; [`catalog`] gives it in the page's
//! language, each text translated by the language's catalog
//! ([`crate::engine::i18n`], keys in [`translation_keys`]).
//!
//! This module is content and its types only; it imports nothing from the
//! engine but the catalogs. The measuring is an instrument
//! ([`crate::engine::instruments::lessons`]); [`fix`] builds the fix's link.

pub mod fix;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::engine::i18n::{self, Lang};

pub use fix::fixed_link;

/// One part of the checklist ("1 Start simple").
#[derive(Clone, Debug, Deserialize)]
pub struct Section {
    /// Its number, `"1"` … `"5"`.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One checklist item, as the Learn panel shows it.
#[derive(Clone, Debug, Deserialize)]
pub struct Item {
    /// Its number, `"3.4"`: the key of `#learn=3.4`.
    pub id: String,
    /// A short heading.
    pub title: String,
    /// What the idea is.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to see and try it on this page.
    pub here: String,
}

impl Item {
    /// The section number of the item (`"3"` for `"3.4"`).
    pub fn section(&self) -> &str {
        self.id.split('.').next().unwrap_or("")
    }
}

/// The checklist: sections and items in order.
#[derive(Clone, Debug, Deserialize)]
pub struct Checklist {
    /// The parts.
    pub section: Vec<Section>,
    /// The items.
    pub item: Vec<Item>,
}

/// One answer a learner may pick: right when the probe's value lies in
/// `[min, max)` (a missing bound is open).
#[derive(Clone, Debug, Deserialize)]
pub struct Choice {
    /// What the learner reads.
    pub label: String,
    /// Lowest value this choice covers (inclusive).
    #[serde(default)]
    pub min: Option<f64>,
    /// Value this choice stops below (exclusive).
    #[serde(default)]
    pub max: Option<f64>,
}

impl Choice {
    /// Whether the measured value `v` makes this choice right.
    pub fn covers(&self, v: f64) -> bool {
        self.min.is_none_or(|lo| v >= lo) && self.max.is_none_or(|hi| v < hi)
    }
}

/// The fix a lesson ends with.
#[derive(Clone, Debug, Deserialize)]
pub struct Fix {
    /// What the fix changes and why, in a sentence or two.
    pub text: String,
    /// Link pairs put on top of the lesson's link (`init=he_n&lr=0.03`); an
    /// empty value removes the key (`bug=`).
    pub link: String,
    /// Steps trained after the fix, so its effect is on screen.
    pub steps: u64,
    /// The choice (index) the question's measurement lands in after the fix.
    pub expect: usize,
}

/// A guided lesson.
#[derive(Clone, Debug, Deserialize)]
pub struct Lesson {
    /// Its key (`#lesson=vanishing`).
    pub id: String,
    /// The checklist item it teaches.
    pub item: String,
    /// Its title.
    pub title: String,
    /// The experiment: link pairs (may include `step=N`).
    pub link: String,
    /// What the lesson shows, a short paragraph.
    pub text: String,
    /// Where to look and what to press.
    pub look: String,
    /// The question.
    pub question: String,
    /// The measurement that answers it.
    pub probe: Probe,
    /// The answers offered.
    pub choice: Vec<Choice>,
    /// The choice (index) the measurement lands in on the lesson's own link.
    pub expect: usize,
    /// What the answer means, shown after a check.
    pub explain: String,
    /// The fix.
    pub fix: Fix,
}

impl Lesson {
    /// The lesson's full link: its experiment plus `lesson=<id>`.
    pub fn href(&self) -> String {
        format!("{}&lesson={}", self.link, self.id)
    }
}

/// One measurement of the live state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    /// The data loss at the initial weights (the initial-loss check).
    InitialLoss,
    /// The training loss now over the initial loss; [`DIVERGED`](crate::engine::instruments::lessons::DIVERGED) after a
    /// non-finite value.
    LossRatio,
    /// Training accuracy now (0–1).
    TrainAccuracy,
    /// Gradient size (RMS) of the first hidden layer's weights over the
    /// last hidden layer's, at the current weights: ≪ 1 vanishing, ≫ 1
    /// exploding toward the input.
    GradientRatio,
    /// Size (RMS) of the error signal ∂loss/∂activation reaching the first
    /// hidden layer over the one at the last hidden layer, at the current
    /// weights: ≫ 1 when it grows on its way back (exploding).
    SignalRatio,
    /// The largest share of dead ReLU units in a hidden layer: units that
    /// output 0 for every training point, at the current weights.
    DeadShare,
    /// The network's update/weight ratio (median over layers) over the
    /// next few steps, on a copy.
    UpdateRatio,
    /// L1 + L2 penalty over the data loss, at the last step.
    PenaltyRatio,
    /// The worst train/eval variance ratio of BatchNorm's inputs.
    VarianceShift,
    /// The largest relative error of the gradient check the learner ran.
    GradientError,
    /// Training accuracy on the points of the overfit check the learner ran.
    OverfitAccuracy,
    /// How much the mini-batch loss jumps from step to step: the mean
    /// absolute change over the mean loss, over the last [`NOISE_WINDOW`](crate::engine::instruments::lessons::NOISE_WINDOW).
    BatchNoise,
    /// The planted bug's position in the bug lab's list (−1: none).
    PlantedBug,
}

/// Everything the Learn panel shows.
#[derive(Clone, Debug, Deserialize)]
pub struct Catalog {
    /// The checklist.
    pub checklist: Checklist,
    /// The lessons, in file-name order.
    pub lessons: Vec<Lesson>,
}

impl Catalog {
    /// The checklist item `id`.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.checklist.item.iter().find(|i| i.id == id)
    }

    /// The lesson `id`.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The lesson after `id`, if any.
    pub fn next_lesson(&self, id: &str) -> Option<&Lesson> {
        let i = self.lessons.iter().position(|l| l.id == id)?;
        self.lessons.get(i + 1)
    }

    /// The lessons that teach item `id`.
    pub fn lessons_of(&self, id: &str) -> Vec<&Lesson> {
        self.lessons.iter().filter(|l| l.item == id).collect()
    }
}

/// The content, as the build script embedded it.
const LEARN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/learn.json"));

/// The checklist and the lessons in English, as written in `content/`
/// (parsed once). The content is checked by the crate's tests, so a parse
/// failure here is a build defect.
pub fn source() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| serde_json::from_str(LEARN_JSON).expect("content/ is checked by tests/learn.rs"))
}

/// The checklist and the lessons in the current language
/// ([`i18n::current`]): the English source with every text the language's
/// catalog translates put in (see [`translation_keys`]).
pub fn catalog() -> &'static Catalog {
    static ZH_CN: OnceLock<Catalog> = OnceLock::new();
    match i18n::current() {
        // Until the language's catalog arrives (the page fetches it), English.
        Lang::ZhCn if i18n::has_catalog(Lang::ZhCn) => ZH_CN.get_or_init(|| translated(Lang::ZhCn)),
        _ => source(),
    }
}

/// The source with `lang`'s texts put in (a text the catalog lacks stays English).
fn translated(lang: Lang) -> Catalog {
    let mut c = source().clone();
    let put = |field: &mut String, key: String| {
        if let Some(t) = i18n::lookup(lang, &key) {
            *field = t.to_string();
        }
    };
    for s in &mut c.checklist.section {
        put(&mut s.title, format!("section.{}", s.id));
    }
    for item in &mut c.checklist.item {
        for (field, name) in
            [(&mut item.title, "title"), (&mut item.what, "what"), (&mut item.why, "why"), (&mut item.here, "here")]
        {
            put(field, format!("checklist.{}.{name}", item.id));
        }
    }
    for l in &mut c.lessons {
        let id = l.id.clone();
        for (field, name) in [
            (&mut l.title, "title"),
            (&mut l.text, "text"),
            (&mut l.look, "look"),
            (&mut l.question, "question"),
            (&mut l.explain, "explain"),
            (&mut l.fix.text, "fix"),
        ] {
            put(field, format!("lesson.{id}.{name}"));
        }
        for (i, choice) in l.choice.iter_mut().enumerate() {
            put(&mut choice.label, format!("lesson.{id}.choice.{i}"));
        }
    }
    c
}

/// Every catalog key a translation of the Learn content must hold, with
/// the English it translates: `section.<n>`, `checklist.<id>.<title|what|why|here>`,
/// `lesson.<id>.<title|text|look|question|explain|fix>` and
/// `lesson.<id>.choice.<i>`.
pub fn translation_keys() -> Vec<(String, &'static str)> {
    let c = source();
    let mut keys = Vec::new();
    for s in &c.checklist.section {
        keys.push((format!("section.{}", s.id), s.title.as_str()));
    }
    for item in &c.checklist.item {
        for (text, name) in [(&item.title, "title"), (&item.what, "what"), (&item.why, "why"), (&item.here, "here")] {
            keys.push((format!("checklist.{}.{name}", item.id), text.as_str()));
        }
    }
    for l in &c.lessons {
        for (text, name) in [
            (&l.title, "title"),
            (&l.text, "text"),
            (&l.look, "look"),
            (&l.question, "question"),
            (&l.explain, "explain"),
            (&l.fix.text, "fix"),
        ] {
            keys.push((format!("lesson.{}.{name}", l.id), text.as_str()));
        }
        for (i, choice) in l.choice.iter().enumerate() {
            keys.push((format!("lesson.{}.choice.{i}", l.id), choice.label.as_str()));
        }
    }
    keys
}

/// Whether `id` names a checklist item (`"3.4"`).
pub fn is_item(id: &str) -> bool {
    source().item(id).is_some()
}

/// Whether `id` names a lesson.
pub fn is_lesson(id: &str) -> bool {
    source().lesson(id).is_some()
}
