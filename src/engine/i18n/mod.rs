//! Languages: every string a person reads on the page, in English and in
//! Simplified Chinese, one catalog per language.
//!
//! The catalogs are data: `content/i18n/<lang>/*.toml`, flat tables of
//! `key = "text"` (a table `[finding]` with `dead = "…"` is the key
//! `finding.dead`). The build script merges each language's files into one
//! map and embeds them; [`text`] looks a key up in the current language.
//! A text may hold placeholders, `{name}`, which [`fill`] (and the [`tr!`]
//! macro) replace with values formatted by the caller, so numbers are
//! written the same way in every language.
//!
//! English is complete by construction (the tests read every key the code
//! uses and every key the settings table derives); `tests/i18n.rs` holds
//! every other language to the same keys and the same placeholders, so no
//! string is missing. The checklist and lesson text is written in English
//! in `content/` (the source); their translations are catalog keys
//! (`checklist.3.4.what`, `lesson.vanishing.question`, …) read by
//! `gradlab::engine::learn`.
//!
//! The current language is presentation state, not part of the experiment:
//! a thread-local the page sets from the link (`lang=zh-CN`) and the native
//! CLI leaves at English. Nothing numeric reads it, so it cannot change a
//! run's bits; it only chooses which words describe them.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::named::Named;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// English, the source language.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Named for Lang {
    const VARIANTS: &'static [Self] = &[Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: the link's value and the page's `lang` attribute.
    fn name(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

impl Lang {
    /// The language's own name, as its speakers look for it in a menu.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }
}

/// The catalogs, as the build script embedded them: every key once, and
/// each language's texts in the keys' order (`null` where it lacks one):
/// `{ "keys": [key, …], "texts": { "en": [text, …], … } }`.
const CATALOGS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/i18n.json"));

type Catalog = HashMap<String, String>;

/// [`CATALOGS_JSON`]'s shape.
#[derive(Deserialize)]
struct Embedded {
    keys: Vec<String>,
    texts: HashMap<String, Vec<Option<String>>>,
}

/// Every language's catalog (parsed once; the tests check the content).
fn catalogs() -> &'static HashMap<String, Catalog> {
    static CATALOGS: OnceLock<HashMap<String, Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        let Embedded { keys, texts } =
            serde_json::from_str(CATALOGS_JSON).expect("content/i18n is checked by tests/i18n.rs");
        let catalog = |column: Vec<Option<String>>| -> Catalog {
            keys.iter().zip(column).filter_map(|(key, text)| Some((key.clone(), text?))).collect()
        };
        texts.into_iter().map(|(lang, column)| (lang, catalog(column))).collect()
    })
}

/// The catalog of `lang` (empty if it has no files).
fn catalog(lang: Lang) -> Option<&'static Catalog> {
    catalogs().get(lang.name())
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Makes `lang` the language of every later [`text`] on this thread.
pub fn set(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The current language.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// The text of `key` in `lang`, if that catalog has it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalog(lang)?.get(key).map(String::as_str)
}

/// The text of `key` in the current language; English when the current
/// catalog lacks it (the tests make sure none does), and the key itself
/// when English lacks it too, so a missing string shows as its key rather
/// than as nothing.
pub fn text(key: &str) -> &str {
    lookup(current(), key).or_else(|| lookup(Lang::En, key)).unwrap_or(key)
}

/// `template` with each `{name}` replaced by the value paired with `name`;
/// a placeholder without a value is left as written.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_name(name) => {
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `s` is a placeholder's name: ASCII letters, digits and `_`.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The placeholder names a text holds.
pub fn placeholders(template: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                names.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// Every key of `lang`'s catalog, sorted.
pub fn keys(lang: Lang) -> BTreeSet<&'static str> {
    catalog(lang).map(|c| c.keys().map(String::as_str).collect()).unwrap_or_default()
}

/// The text of a key in the current language, placeholders filled:
/// `tr!("finding.dead", share = pct, layer = 2)`. Each value is formatted
/// with `Display`.
#[macro_export]
macro_rules! tr {
    ($key:expr) => {
        $crate::i18n::text($key).to_string()
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::fill(
            $crate::i18n::text($key),
            &[$((stringify!($name), ($value).to_string())),+],
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_and_leaves_the_rest() {
        let args = [("share", "69 %".to_string()), ("layer", "2".to_string())];
        assert_eq!(fill("{share} dead in layer {layer}", &args), "69 % dead in layer 2");
        assert_eq!(fill("{missing} and {share}", &args), "{missing} and 69 %");
        assert_eq!(fill("a { b } {} {x", &args), "a { b } {} {x");
        assert_eq!(fill("第 {layer} 层", &args), "第 2 层");
    }

    #[test]
    fn placeholders_are_the_names_in_braces() {
        let names: Vec<_> = placeholders("{a} {b_2} { c } {} {a}").into_iter().collect();
        assert_eq!(names, ["a", "b_2"]);
    }

    #[test]
    fn text_falls_back_to_english_then_to_the_key() {
        set(Lang::En);
        assert_eq!(text("no.such.key"), "no.such.key");
        let english = text("page.tagline");
        assert_ne!(english, "page.tagline");
        set(Lang::ZhCn);
        assert_ne!(text("page.tagline"), english);
        set(Lang::En);
    }

    #[test]
    fn lang_names_are_the_link_values() {
        assert_eq!(Lang::from_name("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_name("en"), Some(Lang::En));
        assert_eq!(Lang::from_name("zh"), None);
    }
}
