//! Build script: gathers the Learn panel's text into one JSON document the
//! crate embeds (`OUT_DIR/learn.json`, read by `engine::learn`).
//!
//! The text is written as TOML, for people: `content/checklist.toml` (the
//! checklist, item by item) and one file per lesson in `content/lessons/`
//! (taken in file-name order). A contributor adds a lesson by adding a file;
//! no code changes. The script only converts TOML to JSON and fails the
//! build, naming the file, when one does not parse; what the fields mean
//! is checked by the crate's tests (`tests/learn.rs`).

use std::fs;
use std::path::Path;

fn main() {
    let content = Path::new("content");
    println!("cargo:rerun-if-changed=content");
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
}

/// One TOML file as a JSON value; the build fails with the file's name and
/// the parser's message when it does not parse.
fn read_toml(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(value).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
