//! Languages: no string is missing.
//!
//! - Every language's catalog has exactly English's keys (Simplified
//!   Chinese also the Learn content's translation keys), each with the same
//!   placeholders, none empty.
//! - A translation holds no English left behind: every Latin word in it is
//!   a technical term of `content/i18n/latin-terms.txt` (ReLU, Adam, …).
//! - Every key the code names (`tr!("…")`, `i18n::text("…")`) and every
//!   key `index.html` names (`data-i18n="…"`, `data-i18n-title="…"`, …)
//!   is in English's catalog, and the English in `index.html` (what shows
//!   before the wasm module loads) is the catalog's text, so the two never
//!   drift apart.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::Path;

use gradlab::engine::i18n::{self, Lang};
use gradlab::engine::learn;
use gradlab::engine::named::Named;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Latin words a translation may keep (technical terms, units, names).
fn latin_terms() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("content/i18n/latin-terms.txt")).expect("the terms file");
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The runs of ASCII letters in `text` (placeholders left out).
fn latin_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text;
    // Drop placeholders first: their names are code, not text.
    let mut cleaned = String::new();
    while let Some(open) = rest.find('{') {
        cleaned.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = &rest[open + 1..];
            }
        }
    }
    cleaned.push_str(rest);
    let cleaned = without_link_pairs(&cleaned);
    let mut word = String::new();
    for ch in cleaned.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    words
}

/// `text` without link pairs (`lr=0.03`, `loss = softmax`): link syntax
/// is the same in every language. (The end-to-end language test drops
/// them the same way.)
fn without_link_pairs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_key = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    let is_value = |c: char| c.is_ascii_alphanumeric() || "_.,:-".contains(c);
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = chars[i].is_ascii_lowercase() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        if starts_word {
            let mut j = i;
            while j < chars.len() && is_key(chars[j]) {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k] == ' ' {
                k += 1;
            }
            if k < chars.len() && chars[k] == '=' {
                k += 1;
                while k < chars.len() && chars[k] == ' ' {
                    k += 1;
                }
                while k < chars.len() && is_value(chars[k]) {
                    k += 1;
                }
                i = k;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The English words of `text` that are not allowed terms.
fn english_left(text: &str, terms: &BTreeSet<String>) -> Vec<String> {
    latin_words(text).into_iter().filter(|w| w.len() > 1 && !terms.contains(&w.to_lowercase())).collect()
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let english = i18n::keys(Lang::En);
    assert!(english.len() > 10, "English has {} keys", english.len());
    let learn_keys: BTreeSet<String> = learn::translation_keys().into_iter().map(|(k, _)| k).collect();
    for &lang in Lang::VARIANTS.iter().filter(|l| **l != Lang::En) {
        let keys = i18n::keys(lang);
        let missing: Vec<_> = english.iter().filter(|k| !keys.contains(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {} keys: {missing:?}", lang.name(), missing.len());
        let missing: Vec<_> = learn_keys.iter().filter(|k| !keys.contains(k.as_str())).collect();
        assert!(missing.is_empty(), "{} lacks {} Learn keys: {missing:?}", lang.name(), missing.len());
        let extra: Vec<_> = keys.iter().filter(|k| !english.contains(*k) && !learn_keys.contains(**k)).collect();
        assert!(extra.is_empty(), "{} has keys English lacks: {extra:?}", lang.name());
        for key in &english {
            let (en, tr) = (i18n::lookup(Lang::En, key).unwrap(), i18n::lookup(lang, key).unwrap());
            assert_eq!(i18n::placeholders(en), i18n::placeholders(tr), "{}: {key}: {en:?} vs {tr:?}", lang.name());
        }
        for (key, en) in learn::translation_keys() {
            let tr = i18n::lookup(lang, &key).unwrap();
            assert_eq!(i18n::placeholders(en), i18n::placeholders(tr), "{}: {key}", lang.name());
        }
    }
    for key in &english {
        assert!(!i18n::lookup(Lang::En, key).unwrap().trim().is_empty(), "en: {key} is empty");
    }
}

#[test]
fn translations_leave_no_english_behind() {
    let terms = latin_terms();
    let mut bad = Vec::new();
    for &lang in Lang::VARIANTS.iter().filter(|l| **l != Lang::En) {
        for key in i18n::keys(lang) {
            let text = i18n::lookup(lang, key).unwrap();
            let left = english_left(text, &terms);
            if !left.is_empty() {
                bad.push(format!("{}: {key}: {left:?} in {text:?}", lang.name()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} texts keep English words (translate them, or add a technical term to content/i18n/latin-terms.txt):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_latin_word_check_finds_english() {
    let terms: BTreeSet<String> = ["relu", "adam"].iter().map(|s| s.to_string()).collect();
    assert_eq!(english_left("使用 ReLU 和 Adam，{layer} 层", &terms), Vec::<String>::new());
    assert_eq!(english_left("使用 ReLU and Adam", &terms), vec!["and".to_string()]);
    assert_eq!(english_left("第 {n_layers} 层 x", &terms), Vec::<String>::new());
    assert_eq!(english_left("改用 lr=0.03 或（loss = softmax）", &terms), Vec::<String>::new());
    assert_eq!(english_left("the loss is high", &terms), vec!["the", "loss", "is", "high"]);
}

/// Every `"key"` written right after one of `calls` in the sources under `src/`.
fn keys_in_code() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(|l| format!("{l}\n"))
                .collect();
            let rel = path.strip_prefix(root()).unwrap().display().to_string();
            for call in ["tr!(", "i18n::text(", "lang::text("] {
                for (at, _) in text.match_indices(call) {
                    // rustfmt may put the key on the line after the call.
                    let Some(rest) = text[at + call.len()..].trim_start().strip_prefix('"') else { continue };
                    if let Some(end) = rest.find('"') {
                        found.insert((rest[..end].to_string(), rel.clone()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_key_the_code_names_is_in_english() {
    let english = i18n::keys(Lang::En);
    let named = keys_in_code();
    assert!(named.len() > 500, "only {} keys found in code: is the scanner reading the calls?", named.len());
    let missing: Vec<_> = named.into_iter().filter(|(k, _)| !english.contains(k.as_str())).collect();
    assert!(missing.is_empty(), "keys named in code but not in content/i18n/en: {missing:?}");
}

/// HTML text as the browser reads it (the few entities index.html uses).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Every `(key, English, what)` index.html names: `data-i18n="k"` (the
/// element's text, which must be text only) and `data-i18n-<attr>="k"`
/// (the attribute's value).
fn keys_in_html() -> Vec<(String, String, String)> {
    let html = std::fs::read_to_string(root().join("index.html")).unwrap();
    let mut out = Vec::new();
    for (at, _) in html.match_indices('<') {
        let tag_end = at + html[at..].find('>').expect("a closed tag");
        let tag = &html[at + 1..tag_end];
        if tag.starts_with('/') || tag.starts_with('!') {
            continue;
        }
        for (name, value) in attributes(tag) {
            if name == "data-i18n" {
                let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
                let element = &tag[..name_end];
                let close = format!("</{element}>");
                let inner_end = tag_end + 1 + html[tag_end + 1..].find(&close).expect("a closing tag");
                let inner = &html[tag_end + 1..inner_end];
                assert!(!inner.contains('<'), "data-i18n=\"{value}\" holds markup: {inner:?}");
                out.push((value, unescape(inner.trim()), "text".to_string()));
            } else if let Some(attr) = name.strip_prefix("data-i18n-") {
                let shown = attributes(tag).into_iter().find(|(n, _)| n == attr).map(|(_, v)| v);
                let shown = shown.unwrap_or_else(|| panic!("data-i18n-{attr}=\"{value}\" but no {attr}"));
                out.push((value, unescape(&shown), attr.to_string()));
            }
        }
    }
    out
}

/// The `name="value"` attributes of a tag's text.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].rsplit(|c: char| c.is_whitespace()).next().unwrap_or("").to_string();
        let after = &rest[eq + 2..];
        let end = after.find('"').expect("a closed attribute");
        out.push((name, after[..end].to_string()));
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn index_html_names_catalog_keys_and_shows_their_english() {
    let found = keys_in_html();
    assert!(!found.is_empty(), "index.html names no catalog key");
    let mut bad = Vec::new();
    for (key, shown, what) in &found {
        match i18n::lookup(Lang::En, key) {
            None => bad.push(format!("{key} ({what}) is not in content/i18n/en")),
            Some(en) if en != shown => {
                bad.push(format!("{key} ({what}): index.html says {shown:?}, the catalog {en:?}"))
            }
            Some(_) => {}
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Set to rewrite the shipped catalog files from `content/i18n/` instead
/// of comparing them.
const WRITE_CATALOGS: &str = "GRADLAB_WRITE_CATALOGS";

#[test]
fn the_page_ships_every_other_languages_current_catalog() {
    // The page's module embeds English only; it fetches another language's
    // catalog, `www/i18n/<tag>.json`, when that language is chosen.
    for &lang in Lang::VARIANTS.iter().filter(|&&l| l != Lang::En) {
        let path = root().join(format!("www/i18n/{}.json", lang.name()));
        let file = i18n::catalog_file(lang).expect("native builds embed every language");
        if std::env::var_os(WRITE_CATALOGS).is_some() {
            std::fs::write(&path, &file).expect("the catalog file written");
            continue;
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == file,
            "{} is not the catalog content/i18n/{} makes: run `{WRITE_CATALOGS}=1 cargo test --test i18n` and commit it",
            path.display(),
            lang.name()
        );
    }
}
