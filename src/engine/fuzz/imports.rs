//! The run-import fuzzer: a real runs file (linked runs trained by the
//! engine, recorded and exported as the page exports them) mutated as
//! JSON (fields removed or added, types changed, huge arrays, deep
//! nesting, long strings, numbers out of range, runs and ids duplicated,
//! the link and the custom points mutated as the link fuzzer does) and as
//! bytes (flips, cuts, invalid UTF-8). Each file is imported; an accepted
//! one must export and import to the same records and merge into a
//! history as the page merges it.

use serde_json::{json, Value};

use super::links::{self, Seeds};
use super::mutate::{self, one_in, pick, HOSTILE};
use super::ImportCounts;
use crate::engine::link as codec;
use crate::engine::rng::{Rng, Uniform01};
use crate::engine::runs::{self, import::Importing, import::Parsed, recorder::Recorder, RunRecord};

/// The experiments of the seed file: defaults, a deep network with
/// Adam, mid-run changes, a planted bug, custom points (by hash: the
/// record carries them), digits.
const SEED_LINKS: &[&str] = &[
    "v=1",
    "data=spiral&feat=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&net=8:relu,8:relu,8:relu&opt=adam&lr=0.01",
    "data=xor&net=6:gelu:bn,6:elu:d0.2&loss=bce&lr=0.03,0.3@20,0.1@40&bs=10,32@30",
    "data=circle&net=4:tanh,2:tanh&bug=wrong-sign",
    "data=digits&std=1&net=16:relu&loss=softmax&opt=adam&lr=0.001&bs=32",
];

/// The runs of the seed file, trained and recorded as the page does
/// (an evaluation every 5 steps, 60 steps).
pub fn seed_runs() -> Vec<RunRecord> {
    let mut cfg = codec::decode("data=custom&loss=softmax&net=6:tanh").0;
    cfg.data.points = (0..2000)
        .map(|i| crate::engine::config::CustomPoint {
            x1: (i * 37 % 1201) as i16 - 600,
            x2: (i * 91 % 1201) as i16 - 600,
            class: (i % 3) as u8,
        })
        .collect();
    let mut runs: Vec<RunRecord> = Vec::new();
    let trainers = SEED_LINKS.iter().filter_map(|l| {
        let (link, _) = codec::decode_link(l);
        crate::engine::bug_lab::trainer(&link.config, link.bug).ok()
    });
    let custom = crate::engine::trainer::Trainer::from_config(&cfg).ok();
    for (i, mut trainer) in trainers.chain(custom).enumerate() {
        let mut recorder = Recorder::start(&trainer, "0.1.0", "Mozilla/5.0 (fuzz)", 1.7e12 + i as f64);
        for step in 1..=60 {
            trainer.step();
            if step % 5 == 0 {
                recorder.observe(&trainer.evaluate());
            }
        }
        let mut record = recorder.record(&trainer, 123.25 + i as f64);
        record.name = ["run", "学习率 0.3", "<b>bold</b>", "", "a\u{202e}b", "custom"][i % 6].to_string();
        record.note = "a note & \"quotes\" \\ back".into();
        record.pinned = i % 2 == 0;
        runs.push(record);
    }
    runs
}

/// What the import mutations start from.
pub struct FileSeeds {
    /// The seed file's runs.
    pub runs: Vec<RunRecord>,
    /// The seed file as JSON.
    value: Value,
}

impl FileSeeds {
    /// The seed runs and their file.
    pub fn new() -> Self {
        let runs = seed_runs();
        let value = serde_json::from_str(&runs::export_json(&runs)).unwrap_or(Value::Null);
        Self { runs, value }
    }

    /// The seed file as the page exports it.
    pub fn text(&self) -> String {
        runs::export_json(&self.runs)
    }
}

impl Default for FileSeeds {
    fn default() -> Self {
        Self::new()
    }
}

/// A hostile runs file: the seed file after one to four JSON mutations,
/// written pretty or compact, then (one in three) changed as bytes.
pub fn draw(rng: &mut Rng, seeds: &FileSeeds, link_seeds: &Seeds) -> String {
    let mut value = seeds.value.clone();
    for _ in 0..1 + rng.below(4) {
        mutate_value(rng, &mut value, link_seeds);
    }
    let text = if one_in(rng, 2) { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
    let text = text.unwrap_or_default();
    match rng.below(12) {
        0..=2 => mutate::text(rng, &text, 6),
        3 => text_numbers(rng, &text),
        4 if one_in(rng, 50) => format!("{text}{}", " ".repeat(runs::MAX_IMPORT_BYTES)),
        _ => text,
    }
}

/// `text` with a number replaced by one no field type holds, or a JSON
/// value the format forbids.
fn text_numbers(rng: &mut Rng, text: &str) -> String {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|(i, c)| c.is_ascii_digit() && !text[..*i].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '.'))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return text.to_string();
    }
    let at = *pick(rng, &starts);
    let end = text[at..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '-'))
        .map_or(text.len(), |e| at + e);
    let new = pick(
        rng,
        &["1e400", "-1e400", "18446744073709551616", "-1", "NaN", "Infinity", "0.5", "-0", "1e-400", "00", "1.e5"],
    );
    format!("{}{new}{}", &text[..at], &text[end..])
}

/// One JSON mutation at a random place of `value`.
fn mutate_value(rng: &mut Rng, value: &mut Value, link_seeds: &Seeds) {
    let node = random_node(rng, value);
    match rng.below(16) {
        0 => remove_member(rng, node),
        1 => {
            if let Value::Object(m) = node {
                m.insert(pick(rng, &["extra", "id", "__proto__", "runs", ""]).to_string(), json!(1));
            }
        }
        2 => {
            *node =
                pick(rng, &[Value::Null, json!(true), json!(-1), json!(1e300), json!(""), json!([]), json!({})]).clone()
        }
        3 => *node = changed_type(node),
        4 => {
            let most = if one_in(rng, 10) { 200_000 } else { 2_000 };
            *node = Value::Array(vec![json!(0.5); 1 + rng.below(most)]);
        }
        5 => *node = nested(1 + rng.below(400)),
        6 => {
            let seed = *pick(rng, &["x", "学", "\u{0}", "<img src=x>", "%"]);
            *node = Value::String(mutate::long(rng, seed));
        }
        7 => *node = json!(*pick(rng, &[u64::MAX, 0, 1 << 53, 1001])),
        8 => *node = json!(*pick(rng, &[i64::MIN, -1, -5])),
        9 => *node = json!(*pick(rng, &[f64::MAX, f64::MIN_POSITIVE, 5e-324, -0.0, 1.5, 7.0])),
        10 => duplicate_element(rng, node),
        11 => *node = Value::String(pick(rng, HOSTILE).to_string()),
        _ => mutate_field(rng, value, link_seeds),
    }
}

/// A node of `value`: the root, or (two times in three) a member or
/// element, and so on down.
fn random_node<'a>(rng: &mut Rng, value: &'a mut Value) -> &'a mut Value {
    if one_in(rng, 3) {
        return value;
    }
    let n = match value {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    if n == 0 {
        return value;
    }
    let i = rng.below(n);
    match value.as_object().and_then(|m| m.keys().nth(i).cloned()) {
        Some(key) => random_node(rng, &mut value[key.as_str()]),
        None => random_node(rng, &mut value[i]),
    }
}

fn remove_member(rng: &mut Rng, node: &mut Value) {
    match node {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
            m.remove(&key);
        }
        Value::Array(a) if !a.is_empty() => drop(a.remove(rng.below(a.len()))),
        _ => {}
    }
}

fn duplicate_element(rng: &mut Rng, node: &mut Value) {
    if let Value::Array(a) = node {
        if !a.is_empty() {
            let copy = a[rng.below(a.len())].clone();
            a.insert(rng.below(a.len() + 1), copy);
        }
    }
}

/// The same content in another type: a number as text, text as a
/// number, a list as an object, an object as a list.
fn changed_type(node: &Value) -> Value {
    match node {
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => s.parse::<f64>().map_or(json!(s.len()), |x| json!(x)),
        Value::Bool(b) => json!(u8::from(*b)),
        Value::Array(a) => Value::Object(a.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect()),
        Value::Object(m) => Value::Array(m.values().cloned().collect()),
        Value::Null => json!(0),
    }
}

/// `[[[…[1]…]]]`, `depth` deep.
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| Value::Array(vec![inner]))
}

/// A run's field changed as only it can be: the link and the points by
/// the link fuzzer's mutations, the id to another run's, the steps and
/// the curves out of order.
fn mutate_field(rng: &mut Rng, file: &mut Value, link_seeds: &Seeds) {
    let Some(runs) = file.get_mut("runs").and_then(Value::as_array_mut) else { return };
    if runs.is_empty() {
        return;
    }
    let other_id = runs[rng.below(runs.len())].get("id").cloned().unwrap_or(Value::Null);
    let i = rng.below(runs.len());
    let Some(run) = runs[i].as_object_mut() else { return };
    match rng.below(6) {
        0 => {
            let link = run.get("link").and_then(Value::as_str).unwrap_or("").to_string();
            let mutated = if one_in(rng, 2) { links::draw(rng, link_seeds) } else { mutate::text(rng, &link, 3) };
            run.insert("link".into(), Value::String(mutated));
        }
        1 => {
            let points = run.get("points").and_then(Value::as_str).unwrap_or("").to_string();
            run.insert("points".into(), Value::String(mutate::text(rng, &points, 3)));
        }
        2 => drop(run.insert("id".into(), other_id)),
        3 => {
            if let Some(steps) = run.get_mut("curves").and_then(|c| c.get_mut("step")).and_then(Value::as_array_mut) {
                steps.reverse();
            }
        }
        4 => drop(run.insert("changed_at".into(), json!(rng.below(1000)))),
        _ => {
            let name = Value::String(mutate::text(rng, "学习率 <b>x</b> \u{202e}", 4));
            run.insert(pick(rng, &["name", "note", "user_agent", "app_version"]).to_string(), name);
        }
    }
}

/// Imports one file. Refused: its message is written. Accepted: its
/// records export and import to themselves, and merge into the seed
/// history a record at a time.
pub fn check(text: &str, counts: &mut ImportCounts, history: &[RunRecord]) -> Result<(), String> {
    let runs = match runs::import_json(text) {
        Ok(runs) => runs,
        Err(e) => {
            counts.refused += 1;
            let _ = e.to_string();
            return Ok(());
        }
    };
    counts.accepted += 1;
    let again = runs::import_json(&runs::export_json(&runs));
    if again.as_ref() != Ok(&runs) {
        return Err(format!("accepted records do not export and import to themselves: {again:?}"));
    }
    let Parsed::Records(texts) = Parsed::of_file(text) else {
        return Err("accepted by import_json, rejected by the worker's parse".into());
    };
    let mut merge = Importing::new(history, texts);
    while !merge.advance(&mut || false).map_err(|e| format!("merge failed: {e}"))? {}
    let (added, skipped) = merge.finish();
    if added.len() + skipped != runs.len() {
        return Err(format!("{} records merged as {} added and {skipped} skipped", runs.len(), added.len()));
    }
    counts.merged += 1;
    Ok(())
}
