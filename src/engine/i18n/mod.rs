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
/// `{ "keys": [key, …], "texts": { "en": [text, …], … } }`. Native builds
/// embed every language; the page's module only English, and fetches
/// another language's catalog file when it is chosen ([`install`]).
#[cfg(not(target_arch = "wasm32"))]
const CATALOGS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/i18n.json"));
#[cfg(target_arch = "wasm32")]
const CATALOGS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/i18n-en.json"));

type Catalog = HashMap<String, String>;

/// [`CATALOGS_JSON`]'s shape.
#[derive(Deserialize)]
struct Embedded {
    keys: Vec<String>,
    texts: HashMap<String, Vec<Option<String>>>,
}

/// One language's catalog as a file the page fetches (`i18n/<tag>.json`,
/// written by [`catalog_file`]): its texts in the embedded keys' order,
/// and a digest of those keys, so a file of another build is refused
/// rather than read with its texts under the wrong keys.
#[derive(Serialize, Deserialize)]
struct CatalogFile {
    lang: String,
    keys: String,
    texts: Vec<Option<String>>,
}

/// The embedded keys, in the order every language's texts follow.
fn embedded_keys() -> &'static [String] {
    init();
    KEYS.get().map_or(&[], Vec::as_slice)
}

static KEYS: OnceLock<Vec<String>> = OnceLock::new();

/// Each language's catalog, once embedded or installed.
static CATALOGS: [OnceLock<Catalog>; Lang::VARIANTS.len()] = [const { OnceLock::new() }; Lang::VARIANTS.len()];

fn slot(lang: Lang) -> &'static OnceLock<Catalog> {
    &CATALOGS[lang as usize]
}

/// Reads the embedded catalogs into their slots (once; the tests check
/// the content).
fn init() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let Embedded { keys, texts } =
            serde_json::from_str(CATALOGS_JSON).expect("content/i18n is checked by tests/i18n.rs");
        for (tag, column) in texts {
            if let Some(lang) = Lang::from_name(&tag) {
                let _ = slot(lang).set(zip_catalog(&keys, column));
            }
        }
        let _ = KEYS.set(keys);
    });
}

/// The catalog of `keys` paired with `column` (keys without text left out).
fn zip_catalog(keys: &[String], column: Vec<Option<String>>) -> Catalog {
    keys.iter().zip(column).filter_map(|(key, text)| Some((key.clone(), text?))).collect()
}

/// The catalog of `lang`. A language whose catalog has not arrived yet
/// reads as English.
fn catalog(lang: Lang) -> Option<&'static Catalog> {
    init();
    slot(lang).get().or_else(|| slot(Lang::En).get())
}

/// Whether `lang`'s own catalog is here (embedded, or installed).
pub fn has_catalog(lang: Lang) -> bool {
    init();
    slot(lang).get().is_some()
}

/// The digest of the embedded keys a catalog file must carry: FNV-1a 64
/// of the keys, each followed by a newline, in hex.
fn keys_digest() -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for key in embedded_keys() {
        h.write(key.as_bytes());
        h.write(b"\n");
    }
    format!("{:016x}", h.finish())
}

/// `lang`'s catalog as the file the page fetches (JSON), or `None` when
/// this build has no catalog of it.
pub fn catalog_file(lang: Lang) -> Option<String> {
    init();
    let catalog = slot(lang).get()?;
    let texts = embedded_keys().iter().map(|k| catalog.get(k).cloned()).collect();
    let file = CatalogFile { lang: lang.name().to_string(), keys: keys_digest(), texts };
    serde_json::to_string(&file).ok()
}

/// Makes a fetched catalog file (`text`, see [`catalog_file`]) `lang`'s
/// catalog; refused, with [`read_catalog_file`]'s reason, and nothing
/// changed. Installing a language already here changes nothing.
pub fn install(lang: Lang, text: &str) -> Result<(), String> {
    if !has_catalog(lang) {
        let _ = slot(lang).set(read_catalog_file(lang, text)?);
    }
    Ok(())
}

/// The catalog a catalog file holds; refused when it is not JSON of that
/// shape, is another language's, was written for other keys (another
/// build), or a text's placeholders differ from English's.
fn read_catalog_file(lang: Lang, text: &str) -> Result<Catalog, String> {
    let file: CatalogFile = serde_json::from_str(text).map_err(|e| format!("not a catalog file: {e}"))?;
    if file.lang != lang.name() {
        return Err(format!("the catalog of {:?}, not of {}", file.lang, lang.name()));
    }
    let keys = embedded_keys();
    if file.keys != keys_digest() || file.texts.len() != keys.len() {
        return Err("a catalog of another version of the page".to_string());
    }
    for (key, text) in keys.iter().zip(&file.texts) {
        let english = lookup(Lang::En, key).unwrap_or_default();
        if let Some(text) = text.as_deref().filter(|t| placeholders(t) != placeholders(english)) {
            return Err(format!("{key}: {text:?} does not hold the placeholders of {english:?}"));
        }
    }
    Ok(zip_catalog(keys, file.texts))
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
    fn a_catalog_file_reads_back_as_the_catalog_it_was_written_from() {
        let file = catalog_file(Lang::ZhCn).expect("native builds embed every language");
        let read = read_catalog_file(Lang::ZhCn, &file).expect("its own file");
        assert_eq!(Some(&read), slot(Lang::ZhCn).get());
        assert!(install(Lang::ZhCn, &file).is_ok());
    }

    #[test]
    fn catalog_files_of_another_language_build_or_shape_are_refused() {
        let file = catalog_file(Lang::ZhCn).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&file).unwrap();
        let refused = |doc: &serde_json::Value| read_catalog_file(Lang::ZhCn, &doc.to_string()).unwrap_err();
        assert!(read_catalog_file(Lang::ZhCn, "<html>").unwrap_err().starts_with("not a catalog file"));
        assert!(read_catalog_file(Lang::ZhCn, "null").unwrap_err().starts_with("not a catalog file"));
        let mut other = doc.clone();
        other["lang"] = "en".into();
        assert!(refused(&other).contains("not of zh-CN"), "{}", refused(&other));
        let mut stale = doc.clone();
        stale["keys"] = "0123456789abcdef".into();
        assert!(refused(&stale).contains("another version"));
        let mut short = doc.clone();
        short["texts"].as_array_mut().unwrap().pop();
        assert!(refused(&short).contains("another version"));
        // A text without the placeholder its English has.
        let keys = embedded_keys();
        let at = keys.iter().position(|k| k == "inst.live.dead").expect("a key with placeholders");
        assert!(!placeholders(lookup(Lang::En, "inst.live.dead").unwrap()).is_empty());
        doc["texts"][at] = "死了".into();
        assert!(refused(&doc).starts_with("inst.live.dead:"), "{}", refused(&doc));
    }

    #[test]
    fn lang_names_are_the_link_values() {
        assert_eq!(Lang::from_name("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_name("en"), Some(Lang::En));
        assert_eq!(Lang::from_name("zh"), None);
    }
}
