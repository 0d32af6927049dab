//! Architecture test: reads the source tree under `src/` and holds it to the
//! layering rules of the README.
//!
//! - The engine's top-level modules (`src/engine/<name>.rs` or
//!   `src/engine/<name>/`, one node each) form no dependency circle.
//! - The core engine (every engine module but the outer ones: `instruments`,
//!   `fuzz` and `soak` (the stress runs of the CLI),
//!   `bug_lab`, `runs`, `bench`, `link`, the link codec, and `learn`, the
//!   Learn panel's content)
//!   imports nothing from an outer module.
//! - No source file is over [`MAX_LINES`] lines.
//! - `engine` and `viz` import nothing from `web` or a browser-only crate.
//!
//! A dependency is any path in code (comments and literals blanked) that
//! resolves to another module: `crate::…`, `super::…` (relative to the
//! module it is written in, inline `mod tests { … }` included), `self::…`,
//! and a path starting with a child module's name; `use` trees with braces
//! are expanded. Each failure names the file and line of every offender.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// Longest a source file may be, in lines (`wc -l`).
const MAX_LINES: usize = 600;
/// Engine modules outside the core (the bug lab included): the core must not import them.
const OUTER: [&str; 8] = ["instruments", "bug_lab", "runs", "bench", "link", "learn", "fuzz", "soak"];
/// Browser-only crates `engine` and `viz` must not name.
const WEB_CRATES: [&str; 3] = ["wasm_bindgen", "web_sys", "js_sys"];

/// One file of `src/`.
struct Source {
    /// Path from the crate root, `src/engine/trainer.rs`.
    rel: String,
    /// Its module path (`["engine", "trainer"]`); `None` for the binary's `main.rs`.
    module: Option<Vec<String>>,
    text: String,
}

/// A path in code, resolved to a module path from the crate root.
#[derive(Clone, Debug, PartialEq)]
struct Reference {
    line: usize,
    /// As written, `super::config::Act`.
    written: String,
    /// Resolved from the crate root, `["engine", "config", "Act"]`.
    target: Vec<String>,
}

/// A dependency between two engine modules, with where it is written.
#[derive(Clone, Debug)]
struct Edge {
    from: String,
    to: String,
    at: String,
}

type Graph = BTreeMap<String, BTreeSet<String>>;

// ---- reading the tree ----

/// Every `.rs` file under `src/`, sorted by path.
fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).expect("under the crate").to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            Source { module: module_of(&rel), rel, text }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module a file under `src/` defines: `src/lib.rs` is the root,
/// `a/mod.rs` is `a`, `a/b.rs` is `a::b`; `src/main.rs` (the binary) none.
fn module_of(rel: &str) -> Option<Vec<String>> {
    let inner = rel.strip_prefix("src/")?.strip_suffix(".rs")?;
    if inner == "main" {
        return None;
    }
    let mut parts: Vec<String> = inner.split('/').map(str::to_string).collect();
    // `engine/core.rs` is the root of the engine's core crate, which the
    // root crate's `engine` re-exports: both are `engine`.
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) || inner == "engine/core" {
        parts.pop();
    }
    Some(parts)
}

// ---- lexing ----

/// `text` with comments, string and char literals replaced by spaces
/// (newlines kept, so lines still count); lifetimes stay.
fn blank(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = c.clone();
    let mut i = 0;
    let wipe = |out: &mut Vec<char>, from: usize, to: usize| {
        for ch in &mut out[from..to.min(c.len())] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
    };
    while i < c.len() {
        let next = c.get(i + 1).copied();
        let ident_at = |j: usize| c[j].is_alphanumeric() || c[j] == '_';
        // `r"…"`, `r#"…"#` or `br"…"`, not the end of an identifier.
        let raw_start = i == 0 || !ident_at(i - 1) || (c[i - 1] == 'b' && (i == 1 || !ident_at(i - 2)));
        let end = if c[i] == '/' && next == Some('/') {
            (i..c.len()).find(|&j| c[j] == '\n').unwrap_or(c.len())
        } else if c[i] == '/' && next == Some('*') {
            block_comment_end(&c, i)
        } else if c[i] == 'r' && raw_start && matches!(next, Some('"' | '#')) {
            raw_string_end(&c, i).unwrap_or(i + 1)
        } else if c[i] == '"' {
            string_end(&c, i)
        } else if c[i] == '\'' {
            char_end(&c, i).unwrap_or(i + 1)
        } else {
            i + 1
        };
        if end > i + 1 {
            wipe(&mut out, i, end);
        }
        i = end;
    }
    out.into_iter().collect()
}

/// One past the `*/` closing the (nestable) block comment at `i`.
fn block_comment_end(c: &[char], i: usize) -> usize {
    let (mut depth, mut j) = (0, i);
    while j < c.len() {
        if c[j] == '/' && c.get(j + 1) == Some(&'*') {
            depth += 1;
            j += 2;
        } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    c.len()
}

/// One past the closing quote of the string starting at `i`.
fn string_end(c: &[char], i: usize) -> usize {
    let mut j = i + 1;
    while j < c.len() {
        match c[j] {
            '\\' => j += 2,
            '"' => return j + 1,
            _ => j += 1,
        }
    }
    c.len()
}

/// One past the end of a raw string `r#"…"#` at `i`; `None` if it is not one.
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    let hashes = c[i + 1..].iter().take_while(|&&ch| ch == '#').count();
    if c.get(i + 1 + hashes) != Some(&'"') {
        return None;
    }
    let mut j = i + 2 + hashes;
    while j < c.len() {
        if c[j] == '"' && c[j + 1..].iter().take(hashes).filter(|&&ch| ch == '#').count() == hashes {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(c.len())
}

/// One past a char literal at `i` (`'x'`, `'\n'`, `'\u{1F600}'`); `None`
/// for a lifetime or label (`'a`).
fn char_end(c: &[char], i: usize) -> Option<usize> {
    if c.get(i + 1) == Some(&'\\') {
        return (i + 3..c.len()).find(|&j| c[j] == '\'').map(|j| j + 1);
    }
    (c.get(i + 2) == Some(&'\'')).then_some(i + 3)
}

/// A token: an identifier or one punctuation mark (`::` is one), with its line.
#[derive(Clone, Debug, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

fn tokens(blanked: &str) -> Vec<Token> {
    let c: Vec<char> = blanked.chars().collect();
    let (mut out, mut line, mut i) = (Vec::new(), 1, 0);
    while i < c.len() {
        let start = i;
        if c[i] == '\n' {
            line += 1;
            i += 1;
            continue;
        } else if c[i].is_whitespace() {
            i += 1;
            continue;
        } else if c[i].is_alphanumeric() || c[i] == '_' {
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            i += 1;
        }
        out.push(Token { text: c[start..i].iter().collect(), line });
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|ch| ch.is_alphabetic() || ch == '_')
}

// ---- paths and their resolution ----

/// Every path of `source`'s code (`use` trees expanded), with its line and
/// the module it is written in (its file's, or an inline `mod`'s inside it).
fn paths(blanked: &str, module: &[String]) -> Vec<(usize, Vec<String>, Vec<String>)> {
    let toks = tokens(blanked);
    let mut out = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < toks.len() {
        let here: Vec<String> = module.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
        let t = toks[i].text.as_str();
        let after_colons = i > 0 && toks[i - 1].text == "::";
        if t == "{" {
            depth += 1;
        } else if t == "}" {
            depth -= 1;
            if inline.last().is_some_and(|&(_, d)| d == depth) {
                inline.pop();
            }
        } else if t == "mod" && toks.get(i + 2).is_some_and(|n| n.text == "{") {
            inline.push((toks[i + 1].text.clone(), depth));
        } else if t == "use" && toks.get(i + 1).is_some_and(|n| n.text != "<") {
            let mut found = Vec::new();
            i = use_tree(&toks, i + 1, &[], &mut found);
            out.extend(found.into_iter().map(|(line, p)| (line, p, here.clone())));
            continue;
        } else if is_ident(t) && !after_colons && toks.get(i + 1).is_some_and(|n| n.text == "::") {
            let (line, mut p) = (toks[i].line, vec![t.to_string()]);
            let mut j = i + 1;
            while toks.get(j).is_some_and(|n| n.text == "::") && toks.get(j + 1).is_some_and(|n| is_ident(&n.text)) {
                p.push(toks[j + 1].text.clone());
                j += 2;
            }
            out.push((line, p, here));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Parses the `use` tree at `i` under `prefix` into `out`; returns the
/// index after it (past the `;` at top level).
fn use_tree(toks: &[Token], mut i: usize, prefix: &[String], out: &mut Vec<(usize, Vec<String>)>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        let Some(t) = toks.get(i) else { return i };
        match t.text.as_str() {
            "::" => i += 1,
            "{" => {
                i += 1;
                while toks.get(i).is_some_and(|n| n.text != "}") {
                    let next = use_tree(toks, i, &path, out);
                    // A token no tree starts with is skipped, so the loop always advances.
                    i = next.max(i + 1);
                    if toks.get(i).is_some_and(|n| n.text == ",") {
                        i += 1;
                    }
                }
                i += 1;
                break;
            }
            "*" => {
                out.push((t.line, path.clone()));
                i += 1;
                break;
            }
            "self" if !path.is_empty() && path.len() == prefix.len() => {
                out.push((t.line, path.clone()));
                i += 1;
                if toks.get(i).is_some_and(|n| n.text == "as") {
                    i += 2;
                }
                break;
            }
            s if is_ident(s) => {
                path.push(s.to_string());
                i += 1;
                if toks.get(i).is_none_or(|n| n.text != "::") {
                    out.push((t.line, path.clone()));
                    if toks.get(i).is_some_and(|n| n.text == "as") {
                        i += 2;
                    }
                    break;
                }
            }
            _ => break,
        }
    }
    if prefix.is_empty() && toks.get(i).is_some_and(|n| n.text == ";") {
        i += 1;
    }
    i
}

/// `path` written in module `here`, resolved from the crate root: `crate::`,
/// `super::` (any number), `self::`, or a first segment naming a module
/// below `here` (`is_module`). `None` for anything else (std, other crates,
/// items in scope).
fn resolve(path: &[String], here: &[String], is_module: impl Fn(&[String]) -> bool) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    let (mut base, rest) = match first {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (here.to_vec(), &path[1..]),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let keep = here.len().checked_sub(ups)?;
            (here[..keep].to_vec(), &path[ups..])
        }
        _ => {
            let child: Vec<String> = here.iter().chain(std::iter::once(&path[0])).cloned().collect();
            if !is_module(&child) {
                return None;
            }
            (here.to_vec(), path)
        }
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module path `crate::` names in a file: the tree under `src/` holds
/// three crates. The engine's core (`gradlab-core`: `src/engine/core.rs`
/// and every engine module but the [`OUTER`] ones) is `engine`; the page's
/// crate (`gradlab-web`, `src/web/`) is `web`, but for the `engine`, `viz`
/// and `tr` it re-exports from the root crate; the rest is the root.
fn crate_root(rel: &str, path: &[String]) -> Vec<String> {
    let engine_top = rel.strip_prefix("src/engine/").map(|r| r.split('/').next().unwrap_or("").trim_end_matches(".rs"));
    match engine_top {
        Some(top) if top != "mod" && !OUTER.contains(&top) => return strings(&["engine"]),
        _ => {}
    }
    let re_exported = path.get(1).is_some_and(|s| ["engine", "viz", "tr"].contains(&s.as_str()));
    if rel.starts_with("src/web/") && !re_exported {
        return strings(&["web"]);
    }
    Vec::new()
}

/// Every path of `source` that resolves to a module path of the crate.
fn references(source: &Source, modules: &BTreeSet<Vec<String>>) -> Vec<Reference> {
    let Some(module) = &source.module else { return Vec::new() };
    paths(&blank(&source.text), module)
        .into_iter()
        .filter_map(|(line, p, here)| {
            let from_root = match p.first().map(String::as_str) {
                Some("crate") => {
                    let root = crate_root(&source.rel, &p);
                    ["crate".to_string()].into_iter().chain(root).chain(p[1..].iter().cloned()).collect()
                }
                _ => p.clone(),
            };
            let target = resolve(&from_root, &here, |m| modules.contains(m))?;
            Some(Reference { line, written: p.join("::"), target })
        })
        .collect()
}

// ---- the graph ----

/// The engine's top-level module a module path lies in.
fn engine_node<'a>(module: &'a [String], nodes: &BTreeSet<String>) -> Option<&'a str> {
    match module {
        [engine, node, ..] if engine == "engine" && nodes.contains(node) => Some(node),
        _ => None,
    }
}

/// The engine's modules (one per `src/engine/<name>.rs` or `src/engine/<name>/`),
/// and every dependency between two of them.
fn engine_edges(sources: &[Source]) -> (BTreeSet<String>, Vec<Edge>) {
    let modules: BTreeSet<Vec<String>> = sources.iter().filter_map(|s| s.module.clone()).collect();
    let nodes: BTreeSet<String> =
        modules.iter().filter(|m| m.len() >= 2 && m[0] == "engine").map(|m| m[1].clone()).collect();
    let mut edges = Vec::new();
    for s in sources {
        let Some(from) = s.module.as_deref().and_then(|m| engine_node(m, &nodes)) else { continue };
        for r in references(s, &modules) {
            if let Some(to) = engine_node(&r.target, &nodes).filter(|&to| to != from) {
                let at = format!("{}:{}: {}", s.rel, r.line, r.written);
                edges.push(Edge { from: from.to_string(), to: to.to_string(), at });
            }
        }
    }
    (nodes, edges)
}

fn graph(edges: &[Edge]) -> Graph {
    let mut g = Graph::new();
    for e in edges {
        g.entry(e.from.clone()).or_default().insert(e.to.clone());
        g.entry(e.to.clone()).or_default();
    }
    g
}

/// The strongly connected components of `g` (Kosaraju), each sorted.
fn components(g: &Graph) -> Vec<Vec<String>> {
    fn finish<'a>(g: &'a Graph, n: &'a str, seen: &mut BTreeSet<&'a str>, order: &mut Vec<&'a str>) {
        if seen.insert(n) {
            for m in g.get(n).into_iter().flatten() {
                finish(g, m, seen, order);
            }
            order.push(n);
        }
    }
    let mut reverse: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, bs) in g {
        for b in bs {
            reverse.entry(b.as_str()).or_default().push(a.as_str());
        }
    }
    let (mut seen, mut order) = (BTreeSet::new(), Vec::new());
    for n in g.keys() {
        finish(g, n, &mut seen, &mut order);
    }
    let mut assigned: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for &root in order.iter().rev() {
        if !assigned.insert(root) {
            continue;
        }
        let (mut comp, mut stack) = (vec![root.to_string()], vec![root]);
        while let Some(n) = stack.pop() {
            for &m in reverse.get(n).into_iter().flatten() {
                if assigned.insert(m) {
                    comp.push(m.to_string());
                    stack.push(m);
                }
            }
        }
        comp.sort();
        out.push(comp);
    }
    out.sort();
    out
}

/// The circles of `g`: for every node on one, a shortest circle through
/// it, written `[a, b, …, a]` from its smallest node; shortest first.
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    let mut out: BTreeSet<(usize, Vec<String>)> = BTreeSet::new();
    for comp in components(g) {
        for n in &comp {
            if let Some(circle) = circle_through(g, n, &comp) {
                let circle = from_smallest(circle);
                out.insert((circle.len(), circle));
            }
        }
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// The circle `[a, …, a]` turned to start (and end) at its smallest node.
fn from_smallest(mut circle: Vec<String>) -> Vec<String> {
    circle.pop();
    let k = (0..circle.len()).min_by_key(|&i| &circle[i]).unwrap_or(0);
    circle.rotate_left(k);
    circle.push(circle[0].clone());
    circle
}

/// A shortest circle from `start` back to it within `inside` (breadth first).
fn circle_through(g: &Graph, start: &str, inside: &[String]) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for m in g.get(n).into_iter().flatten().filter(|m| inside.contains(m)) {
            if m == start {
                let mut path = vec![n];
                while let Some(&p) = path.last().and_then(|last| parent.get(last)) {
                    path.push(p);
                }
                path.reverse();
                path.push(start);
                return Some(path.into_iter().map(str::to_string).collect());
            }
            if !parent.contains_key(m.as_str()) {
                parent.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    None
}

/// Edges from a core module into an outer one.
fn layering_violations(edges: &[Edge]) -> Vec<&Edge> {
    let outer = |n: &str| OUTER.contains(&n);
    edges.iter().filter(|e| !outer(&e.from) && outer(&e.to)).collect()
}

// ---- the rules ----

/// Where an edge is written: one `file:line: paths` per line, at most
/// `cap` of them, then how many more.
fn places(edges: &[Edge], from: &str, to: &str, cap: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for e in edges.iter().filter(|e| e.from == from && e.to == to) {
        let (place, path) = e.at.split_once(": ").unwrap_or((&e.at, ""));
        match lines.last_mut() {
            Some(last) if last.starts_with(&format!("{place}: ")) => last.push_str(&format!(", {path}")),
            _ => lines.push(format!("{place}: {path}")),
        }
    }
    let more = lines.len().saturating_sub(cap);
    let mut out: String = lines.iter().take(cap).map(|l| format!("\n    {l}")).collect();
    if more > 0 {
        out.push_str(&format!("\n    … and {more} more lines"));
    }
    out
}

#[test]
fn engine_modules_form_no_dependency_circle() {
    let (_, edges) = engine_edges(&sources());
    // The core's own paths (`crate::model` in the core crate) are edges too.
    assert!(
        edges.iter().any(|e| e.from == "trainer" && e.to == "model" && e.at.contains("crate::model")),
        "no trainer → model edge written `crate::model` found: the core crate's paths do not resolve"
    );
    let g = graph(&edges);
    let found = cycles(&g);
    let mut report = String::new();
    for comp in components(&g).iter().filter(|c| c.len() > 1) {
        report.push_str(&format!("\nmodules in one circle: {}", comp.join(", ")));
    }
    let mut on_circles: BTreeSet<(&str, &str)> = BTreeSet::new();
    for circle in &found {
        report.push_str(&format!("\n  circle: {}", circle.join(" → ")));
        on_circles.extend(circle.windows(2).map(|p| (p[0].as_str(), p[1].as_str())));
    }
    report.push_str("\nwhere these edges are written:");
    for (from, to) in on_circles {
        report.push_str(&format!("\n  {from} → {to}:{}", places(&edges, from, to, 6)));
    }
    assert!(found.is_empty(), "the engine's modules depend on each other in a circle:{report}");
}

#[test]
fn core_engine_imports_no_outer_module() {
    let (_, edges) = engine_edges(&sources());
    let bad: BTreeSet<(&str, &str)> =
        layering_violations(&edges).iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
    let report: String =
        bad.iter().map(|(from, to)| format!("\n  {from} → {to}:{}", places(&edges, from, to, usize::MAX))).collect();
    assert!(bad.is_empty(), "the core engine imports {} (outer modules):{report}", OUTER.join(", "));
}

/// `file: N lines` for every source over [`MAX_LINES`].
fn too_long(sources: &[Source]) -> Vec<String> {
    sources
        .iter()
        .map(|s| (s.rel.as_str(), s.text.matches('\n').count()))
        .filter(|&(_, n)| n > MAX_LINES)
        .map(|(rel, n)| format!("\n  {rel}: {n} lines (line {} onward is over)", MAX_LINES + 1))
        .collect()
}

/// `file:line: path` for every place an `engine` or `viz` source names
/// `web` or a browser-only crate.
fn web_names(sources: &[Source]) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = sources.iter().filter_map(|s| s.module.clone()).collect();
    let mut bad = Vec::new();
    for s in sources.iter().filter(|s| s.rel.starts_with("src/engine/") || s.rel.starts_with("src/viz/")) {
        for r in references(s, &modules).into_iter().filter(|r| r.target.first().is_some_and(|m| m == "web")) {
            bad.push(format!("\n  {}:{}: {}", s.rel, r.line, r.written));
        }
        for t in tokens(&blank(&s.text)).into_iter().filter(|t| WEB_CRATES.contains(&t.text.as_str())) {
            bad.push(format!("\n  {}:{}: {}", s.rel, t.line, t.text));
        }
    }
    bad
}

#[test]
fn no_source_file_is_over_the_line_limit() {
    let long = too_long(&sources());
    assert!(long.is_empty(), "source files over {MAX_LINES} lines:{}", long.concat());
}

#[test]
fn engine_and_viz_import_nothing_from_the_web() {
    let bad = web_names(&sources());
    assert!(bad.is_empty(), "engine/viz code names the web layer:{}", bad.concat());
}

// ---- the checker itself ----

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn graph_of(pairs: &[(&str, &str)]) -> Graph {
    let edges: Vec<Edge> =
        pairs.iter().map(|(a, b)| Edge { from: a.to_string(), to: b.to_string(), at: String::new() }).collect();
    graph(&edges)
}

#[test]
fn a_graph_without_circles_has_none() {
    let diamond = graph_of(&[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]);
    assert!(cycles(&diamond).is_empty());
    assert_eq!(components(&diamond).len(), 4);
}

#[test]
fn circles_are_found_with_their_path() {
    let g = graph_of(&[("d", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("c", "e")]);
    assert_eq!(cycles(&g), vec![strings(&["a", "b", "c", "a"])]);
    let two = graph_of(&[("config", "instruments"), ("instruments", "config"), ("x", "y"), ("y", "x")]);
    assert_eq!(cycles(&two), vec![strings(&["config", "instruments", "config"]), strings(&["x", "y", "x"])]);
}

#[test]
fn each_node_gets_its_shortest_circle() {
    // a → b → c → d → a and the shortcut b → a: one component, two circles
    // (a and b lie on a, b, a; c and d only on the long one).
    let g = graph_of(&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("b", "a")]);
    assert_eq!(components(&g), vec![strings(&["a", "b", "c", "d"])]);
    assert_eq!(cycles(&g), vec![strings(&["a", "b", "a"]), strings(&["a", "b", "c", "d", "a"])]);
}

#[test]
fn only_core_to_outer_edges_break_the_layering() {
    let e = |a: &str, b: &str| Edge { from: a.into(), to: b.into(), at: format!("{a}->{b}") };
    let edges = [e("trainer", "instruments"), e("instruments", "trainer"), e("runs", "bench"), e("config", "link")];
    let bad: Vec<&str> = layering_violations(&edges).iter().map(|e| e.at.as_str()).collect();
    assert_eq!(bad, ["trainer->instruments", "config->link"]);
}

#[test]
fn files_map_to_modules() {
    assert_eq!(module_of("src/lib.rs"), Some(vec![]));
    assert_eq!(module_of("src/main.rs"), None);
    assert_eq!(module_of("src/engine/mod.rs"), Some(strings(&["engine"])));
    assert_eq!(module_of("src/engine/trainer/step.rs"), Some(strings(&["engine", "trainer", "step"])));
    assert_eq!(module_of("src/engine/config/mod.rs"), Some(strings(&["engine", "config"])));
}

#[test]
fn paths_resolve_from_the_module_they_are_written_in() {
    let known = |m: &[String]| m == ["engine", "instruments", "diagnosis", "names"];
    let here = strings(&["engine", "instruments", "diagnosis"]);
    let r = |p: &str| resolve(&strings(&p.split("::").collect::<Vec<_>>()), &here, known);
    assert_eq!(r("crate::engine::config::Act"), Some(strings(&["engine", "config", "Act"])));
    assert_eq!(r("super::finding::num"), Some(strings(&["engine", "instruments", "finding", "num"])));
    assert_eq!(r("super::super::trainer::Task"), Some(strings(&["engine", "trainer", "Task"])));
    assert_eq!(r("self::names::rate"), Some(strings(&["engine", "instruments", "diagnosis", "names", "rate"])));
    assert_eq!(r("names::rate"), Some(strings(&["engine", "instruments", "diagnosis", "names", "rate"])));
    assert_eq!(r("super::super::super::super::x"), None);
    assert_eq!(r("std::collections::BTreeSet"), None);
}

#[test]
fn use_trees_expand_and_inline_modules_shift_super() {
    let code = "use crate::engine::{config::{self, Act as A}, trainer::*};\n\
                fn f() -> Vec<u8> { Vec::<u8>::new() }\n\
                mod tests {\n    use super::super::model::Model;\n}\n\
                fn g() { crate::engine::rng::Rng::new(1); }\n";
    let here = strings(&["engine", "loss"]);
    let got: Vec<(usize, String, String)> =
        paths(code, &here).into_iter().map(|(line, p, m)| (line, p.join("::"), m.join("::"))).collect();
    let want = [
        (1, "crate::engine::config", "engine::loss"),
        (1, "crate::engine::config::Act", "engine::loss"),
        (1, "crate::engine::trainer", "engine::loss"),
        (2, "Vec", "engine::loss"),
        (4, "super::super::model::Model", "engine::loss::tests"),
        (6, "crate::engine::rng::Rng::new", "engine::loss"),
    ];
    let want: Vec<(usize, String, String)> = want.iter().map(|&(l, p, m)| (l, p.to_string(), m.to_string())).collect();
    assert_eq!(got, want);
    let model =
        resolve(&strings(&["super", "super", "model", "Model"]), &strings(&["engine", "loss", "tests"]), |_| false);
    assert_eq!(model, Some(strings(&["engine", "model", "Model"])));
}

#[test]
fn comments_and_literals_hide_their_paths() {
    let code = "// crate::web::x\n/* crate::web /* nested */ y */ let s = \"crate::web\";\n\
                let r = r#\"crate::web \"quoted\"\"#; let c = '{'; let q = '\\''; fn f<'a>(x: &'a str) {}\n";
    let b = blank(code);
    assert_eq!(b.lines().count(), 3, "lines kept");
    assert!(!b.contains("web"), "{b}");
    assert!(b.contains("<'a>(x: &'a str) {}"), "lifetimes stay: {b}");
    assert_eq!(tokens(&b).iter().filter(|t| t.text == "{").count(), 1, "the char literal's brace is gone");
}

fn fake(rel: &str, text: &str) -> Source {
    Source { rel: rel.to_string(), module: module_of(rel), text: text.to_string() }
}

#[test]
fn a_small_tree_gives_its_edges_and_offenders() {
    let tree = [
        fake("src/lib.rs", "pub mod engine;\npub mod viz;\n"),
        fake("src/engine/mod.rs", "pub mod model;\npub mod runs;\npub mod trainer;\n"),
        fake("src/engine/model.rs", "use super::trainer::Trainer;\n// crate::engine::runs in a comment\n"),
        // The core is its own crate: its `crate::` is the engine.
        fake("src/engine/trainer.rs", "mod step;\nuse crate::model::{self, Model};\n"),
        fake("src/engine/trainer/step.rs", "\n\nfn f() { super::super::runs::record(); }\n"),
        fake("src/engine/runs/mod.rs", "use crate::engine::trainer::Trainer;\n"),
        fake("src/viz/chart.rs", "use wasm_bindgen::JsValue;\nfn f() { crate::web::dom::body(); }\n"),
        fake("src/main.rs", &"\n".repeat(MAX_LINES + 1)),
        fake("src/web/app.rs", &"\n".repeat(MAX_LINES)),
    ];
    let (nodes, edges) = engine_edges(&tree);
    assert_eq!(nodes, ["model", "runs", "trainer"].map(String::from).into());
    let mut pairs: Vec<String> = edges.iter().map(|e| format!("{}→{} {}", e.from, e.to, e.at)).collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            "model→trainer src/engine/model.rs:1: super::trainer::Trainer",
            "runs→trainer src/engine/runs/mod.rs:1: crate::engine::trainer::Trainer",
            "trainer→model src/engine/trainer.rs:2: crate::model",
            "trainer→model src/engine/trainer.rs:2: crate::model::Model",
            "trainer→runs src/engine/trainer/step.rs:3: super::super::runs::record",
        ]
    );
    assert_eq!(
        cycles(&graph(&edges)),
        vec![strings(&["model", "trainer", "model"]), strings(&["runs", "trainer", "runs"])]
    );
    let layering: Vec<&str> = layering_violations(&edges).iter().map(|e| e.at.as_str()).collect();
    assert_eq!(layering, ["src/engine/trainer/step.rs:3: super::super::runs::record"]);
    assert_eq!(too_long(&tree), ["\n  src/main.rs: 601 lines (line 601 onward is over)"]);
    assert_eq!(
        web_names(&tree),
        ["\n  src/viz/chart.rs:2: crate::web::dom::body", "\n  src/viz/chart.rs:1: wasm_bindgen"]
    );
}
