//! Build script (of the `gradlab` crate and of `gradlab-core`, the engine's
//! core in `src/engine/`): gathers the Learn panel's text into one JSON document the
//! crate embeds (`OUT_DIR/learn.json`, read by `engine::learn`), each
//! language's catalog into another (`OUT_DIR/i18n.json`, read by
//! `engine::i18n` natively; the page's module embeds only English,
//! `OUT_DIR/i18n-en.json`, and fetches the others), and the digits set into
//! bytes (`OUT_DIR/digits.bin`, embedded natively, and the nine images of
//! the data picker's thumbnail, `OUT_DIR/digits-preview.bin`, read by
//! `engine::data::digits`).
//!
//! The text is written as TOML, for people: `content/checklist.toml` (the
//! checklist, item by item) and one file per lesson in `content/lessons/`
//! (taken in file-name order). A contributor adds a lesson by adding a file;
//! no code changes. The script only converts TOML to JSON and fails the
//! build, naming the file, when one does not parse; what the fields mean
//! is checked by the crate's tests (`tests/learn.rs`).
//!
//! A language's catalog is the folder `content/i18n/<lang>/`: its TOML
//! files are merged into one flat map (`[finding]` + `dead = "…"` is the key
//! `finding.dead`; an array's entries are `key.0`, `key.1`, …). A key
//! written in two files of one language fails the build, naming both. The
//! document lists every key once, and each language's texts in that order
//! (`null` where a language lacks one): the keys are not repeated per
//! language (8 KB less in the page, gzipped).
//!
//! The digits set is `data/digits.csv.gz` (gzip, CSV: per line 64 pixel
//! counts, then the label). Native builds embed it as one byte per number,
//! 65 per image, so nothing is inflated or parsed when they need it. The
//! page's module carries only the nine images of the data picker's
//! thumbnail; the page fetches the file itself when the set is chosen. The
//! engine's tests check the bytes against the file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let content = content_dir();
    let content = content.as_path();
    println!("cargo:rerun-if-changed={}", content.display());
    let checklist = read_toml(&content.join("checklist.toml"));
    let lessons_dir = content.join("lessons");
    let mut files: Vec<_> = fs::read_dir(&lessons_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", lessons_dir.display()))
        .map(|entry| entry.expect("a readable lessons folder").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let lessons: Vec<serde_json::Value> = files.iter().map(|f| read_toml(f)).collect();
    let doc = serde_json::json!({ "checklist": checklist, "lessons": lessons });
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("learn.json");
    fs::write(&out, doc.to_string()).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    write_catalogs(&content.join("i18n"));
    write_digits(&content.with_file_name("data").join("digits.csv.gz"));
}

/// The repository's `content/` folder: this script builds both the
/// `gradlab` crate (at the root) and `gradlab-core` (`src/engine/`).
fn content_dir() -> PathBuf {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("content"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("no content/ folder above {}", manifest.display()))
}

/// Every language's catalog, flattened, as one JSON object by language tag.
fn write_catalogs(dir: &Path) {
    let mut flats = BTreeMap::new();
    for lang_dir in toml_entries(dir, true) {
        let tag = lang_dir.file_name().expect("a folder name").to_string_lossy().into_owned();
        let mut flat = BTreeMap::new();
        for file in toml_entries(&lang_dir, false) {
            flatten("", &read_toml(&file), &file, &mut flat);
        }
        flats.insert(tag, flat);
    }
    let keys: std::collections::BTreeSet<&String> = flats.values().flat_map(BTreeMap::keys).collect();
    let texts = flats
        .iter()
        .map(|(tag, flat)| {
            let column = keys.iter().map(|&k| flat.get(k).map(|(text, _)| text.as_str())).collect::<Vec<_>>();
            (tag.clone(), serde_json::json!(column))
        })
        .collect::<serde_json::Map<_, _>>();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write = |name: &str, doc: serde_json::Value| {
        let out = out_dir.join(name);
        fs::write(&out, doc.to_string()).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    };
    let english = texts.get("en").cloned().expect("content/i18n/en");
    write("i18n-en.json", serde_json::json!({ "keys": keys, "texts": { "en": english } }));
    write("i18n.json", serde_json::json!({ "keys": keys, "texts": texts }));
}

/// The digits set as bytes (`OUT_DIR/digits.bin`): per image its 64 pixel
/// counts, then its label. The build fails, naming the line, on a line
/// that is not 65 integers of 0..=255 (the engine checks the ranges).
fn write_digits(path: &Path) {
    use std::io::Read;
    println!("cargo:rerun-if-changed={}", path.display());
    let gz = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut bytes = Vec::with_capacity(text.len() / 2);
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<u8> = line
            .split(',')
            .map(|f| f.trim().parse().unwrap_or_else(|e| panic!("{} line {}: {f:?}: {e}", path.display(), i + 1)))
            .collect();
        assert_eq!(fields.len(), 65, "{} line {}: 65 numbers expected", path.display(), i + 1);
        bytes.extend(fields);
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // The nine images the data picker's thumbnail shows (image t·n/9), which
    // the page's module carries without the set.
    let n = bytes.len() / 65;
    let preview: Vec<u8> = (0..9).flat_map(|t| bytes[t * n / 9 * 65..(t * n / 9 + 1) * 65].to_vec()).collect();
    for (name, content) in [("digits.bin", &bytes), ("digits-preview.bin", &preview)] {
        let out = out_dir.join(name);
        fs::write(&out, content).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
}

/// The sub-folders (`folders`) or the `.toml` files of `dir`, sorted.
fn toml_entries(dir: &Path, folders: bool) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|p| if folders { p.is_dir() } else { p.extension().is_some_and(|x| x == "toml") })
        .collect();
    paths.sort();
    for p in &paths {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    paths
}

/// Puts every string of `value` into `flat` under its dotted key (with the
/// file it came from, to name both files of a duplicate).
fn flatten(prefix: &str, value: &serde_json::Value, file: &Path, flat: &mut BTreeMap<String, (String, PathBuf)>) {
    let key = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match value {
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| flatten(&key(k), v, file, flat)),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| flatten(&key(&i.to_string()), v, file, flat))
        }
        serde_json::Value::String(s) => {
            if let Some((_, first)) = flat.insert(prefix.to_string(), (s.clone(), file.to_path_buf())) {
                panic!("{prefix}: written in {} and in {}", first.display(), file.display());
            }
        }
        other => panic!("{}: {prefix} is {other}, not text", file.display()),
    }
}

/// One TOML file as a JSON value; the build fails with the file's name and
/// the parser's message when it does not parse.
fn read_toml(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(value).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
