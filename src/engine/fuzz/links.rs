//! The link fuzzer: real links (the doctor benchmark's cases, the
//! lessons and their fixes, the determinism fixtures, random correct
//! experiments, custom points, class links, change lists) mutated at the
//! byte, pair and value level, and the custom points' `pts=` payload
//! corrupted before and after its deflate (zip bombs included). Each
//! input is decoded, the decoded link must survive a round trip, and
//! when its network is small it is built into a trainer that takes a
//! step.

use std::collections::HashSet;
use std::hash::Hasher;
use std::io::{Read, Write};

use flate2::{read::DeflateDecoder, write::DeflateEncoder, Compression};

use super::mutate::{self, one_in, pick, HOSTILE};
use super::LinkCounts;
use crate::engine::config::{Config, CustomPoint, DataKind};
use crate::engine::link::{self as codec, Link, MAX_ECHO_CHARS, SETTINGS};
use crate::engine::rng::{Rng, Stream, Uniform01};

/// Networks with more parameters than this are decoded but not built.
pub const MAX_BUILD_PARAMS: usize = 5_000;
/// Distinct experiments remembered as built (then the memory starts over).
const MAX_REMEMBERED: usize = 1 << 20;

/// What the mutations start from.
pub struct Seeds {
    /// Valid links, as written and as the codec writes them back.
    pub links: Vec<String>,
    /// `(key, value)` pairs of those links, to put into others.
    pairs: Vec<(String, String)>,
    /// `pts=` payloads that inflate far past the limit or name too many points.
    bombs: Vec<String>,
}

/// Valid links from everywhere the project writes them.
fn real_links() -> Vec<String> {
    use crate::engine::instruments::calibration;
    let mut links: Vec<String> = calibration::CASES.iter().map(|c| c.link.to_string()).collect();
    for lesson in &crate::engine::learn::source().lessons {
        links.push(lesson.href());
        links.push(crate::engine::learn::fixed_link(lesson));
    }
    let fixtures = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fingerprints.txt"));
    links.extend(
        fixtures.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split('\t').next()).map(String::from),
    );
    let mut rng = Rng::new(1, Stream::Probe);
    // The doctor sweep's draws (it skips the few with a rejected field: so do we).
    let random = (0..80).map(|i| calibration::random_experiment(&mut rng, i).0);
    links.extend(random.filter(|l| codec::decode_link(l).1.is_empty()));
    links.extend(custom_links());
    links.push("data=xor&hide=lr,opt,play&lock=data,net&note=Try%20a%20smaller%20rate&speed=max&test=1&disc=1&log=1&learn=3.4&lesson=vanishing&lang=zh-CN".into());
    links.push(
        "lr=0.03,0.3@500,0.1@900&bs=10,32@100&opt=momentum,adam@50&mom=0.9&sched=cos&se=100&sg=0.1&clip=norm&cv=1"
            .into(),
    );
    links.push("https://gradlab.example/app/?x=1#v=1&seed=18446744073709551615&step=10000000&n=5000&bs=100000".into());
    let mut mystery = codec::decode_link("data=circle&bug=wrong-sign").0;
    if let Some(bug) = mystery.bug.as_mut() {
        bug.hidden = true;
    }
    links.push(codec::encode_link(&mystery));
    // Each also as the codec writes it: every key, in table order.
    let canonical: Vec<String> = links.iter().map(|l| codec::encode_link(&codec::decode_link(l).0)).collect();
    links.extend(canonical);
    links
}

/// Links on custom points: a few points in the link, and many by hash.
fn custom_links() -> Vec<String> {
    let points = |n: usize, classes: usize| -> Vec<CustomPoint> {
        (0..n)
            .map(|i| CustomPoint {
                x1: (i * 37 % 1201) as i16 - 600,
                x2: (i * 91 % 1201) as i16 - 600,
                class: (i % classes) as u8,
            })
            .collect()
    };
    let mut out = Vec::new();
    for (n, classes, loss) in [(12, 2, "bce"), (150, 3, "softmax"), (300, 5, "softmax"), (2000, 2, "mse")] {
        let mut cfg = codec::decode("data=custom&net=4:tanh").0;
        cfg.loss = codec::decode(&format!("loss={loss}")).0.loss;
        cfg.data.points = points(n, classes);
        let text = codec::points::encode(&cfg.data.points);
        if text.len() <= codec::points::MAX_LINK_CHARS {
            out.push(format!("data=custom&net=4:tanh&loss={loss}&pts={text}"));
        } else {
            out.push(format!(
                "data=custom&loss={loss}&pts_hash={}",
                codec::points::hash_text(codec::points::hash(&cfg.data.points))
            ));
        }
    }
    out
}

/// Deflated `bytes` in base64url, as a link's `pts=` carries them.
fn packed(bytes: &[u8]) -> String {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    let _ = enc.write_all(bytes);
    crate::engine::link::base64url::encode(&enc.finish().unwrap_or_default())
}

/// Payloads built to be expensive: a megabyte of zeros, a point count far
/// past the limit, a valid header over endless points.
fn bombs() -> Vec<String> {
    let mut many = vec![1u8, 0xff, 0xff, 0x7f];
    many.extend(std::iter::repeat_n([0x02, 0x02], 200_000).flatten());
    let mut just_over = vec![1u8];
    let n = codec::points::MAX_BYTES as u32;
    just_over.extend([(n & 0x7f) as u8 | 0x80, ((n >> 7) & 0x7f) as u8 | 0x80, (n >> 14) as u8]);
    just_over.extend(std::iter::repeat_n(0u8, 2 * n as usize));
    vec![packed(&vec![0u8; 1 << 20]), packed(&many), packed(&just_over), packed(&vec![0xffu8; 1 << 18])]
}

impl Seeds {
    /// The seeds: real links, their pairs, the bombs.
    pub fn new() -> Self {
        let links = real_links();
        let mut pairs: Vec<(String, String)> = links
            .iter()
            .flat_map(|l| l.rsplit('#').next().unwrap_or("").split('&'))
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.sort();
        pairs.dedup();
        Self { links, pairs, bombs: bombs() }
    }

    /// The `pts=` payloads built to be expensive.
    pub fn bombs(&self) -> &[String] {
        &self.bombs
    }
}

impl Default for Seeds {
    fn default() -> Self {
        Self::new()
    }
}

/// A hostile link: a real one after one to three mutations, or (one in
/// twenty) text from nothing.
pub fn draw(rng: &mut Rng, seeds: &Seeds) -> String {
    if one_in(rng, 20) {
        return from_nothing(rng, seeds);
    }
    let mut s = pick(rng, &seeds.links).clone();
    for _ in 0..1 + rng.below(3) {
        s = match rng.below(10) {
            0 | 1 => mutate::text(rng, &s, 4),
            2 => {
                let other = pick(rng, &seeds.links);
                let (a, b) = (rng.below(s.len() + 1), rng.below(other.len() + 1));
                let (a, b) = (floor_char(&s, a), floor_char(other, b));
                format!("{}{}", &s[..a], &other[b..])
            }
            3 => {
                let wrap = ["https://x.example/p?q=1#", "#", "  ", "?", "#&&", "https://x.example/p", "\u{feff}"];
                format!("{}{s}", pick(rng, &wrap))
            }
            _ => pairs(rng, &s, seeds),
        };
    }
    s
}

/// The largest char boundary at or below `i`.
fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Random bytes, or a soup of real pairs and hostile values.
fn from_nothing(rng: &mut Rng, seeds: &Seeds) -> String {
    if one_in(rng, 2) {
        let n = rng.below(300);
        let b: Vec<u8> = (0..n).map(|_| (rng.next_u32() & 0xff) as u8).collect();
        return String::from_utf8_lossy(&b).into_owned();
    }
    let most = if one_in(rng, 10) { 200 } else { 30 };
    let n = rng.below(most);
    let soup: Vec<String> = (0..n)
        .map(|_| {
            let (k, v) = pick(rng, &seeds.pairs);
            let v = if one_in(rng, 3) { *pick(rng, HOSTILE) } else { v.as_str() };
            format!("{k}={v}")
        })
        .collect();
    soup.join("&")
}

/// `link` after one change to its `key=value` pairs.
fn pairs(rng: &mut Rng, link: &str, seeds: &Seeds) -> String {
    let (head, hash) = match link.rfind('#') {
        Some(i) => link.split_at(i + 1),
        None => ("", link),
    };
    let mut ps: Vec<String> = hash.split('&').map(String::from).collect();
    let i = rng.below(ps.len());
    let (key, value) = match ps[i].split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => (ps[i].clone(), String::new()),
    };
    match rng.below(14) {
        0 => drop(ps.remove(i)),
        1 => ps.insert(rng.below(ps.len() + 1), ps[i].clone()),
        2 => {
            let j = rng.below(ps.len());
            ps.swap(i, j);
        }
        3 | 4 => ps[i] = format!("{key}={}", pick(rng, HOSTILE)),
        5 => ps[i] = format!("{key}={}", pick(rng, &seeds.pairs).1),
        6 => ps[i] = format!("{key}={}", mutate::long(rng, &value)),
        7 => ps[i] = format!("{}={value}", pick(rng, SETTINGS).key),
        8 => {
            let (k, v) = pick(rng, &seeds.pairs);
            ps.insert(rng.below(ps.len() + 1), format!("{k}={v}"));
        }
        9 => ps[i] = format!("{key}{value}"),
        10 => {
            let twice = one_in(rng, 2);
            ps[i] = format!("{}={}", mutate::percent_all(&key, twice), mutate::percent_all(&value, twice));
        }
        11 => ps[i] = format!("{key}={}", number(rng, &value)),
        12 if key == "pts" => ps[i] = format!("pts={}", points_payload(rng, &value, seeds)),
        12 => ps[i] = format!("pts={}", pick(rng, &seeds.bombs)),
        _ => {
            let extra = 60 + rng.below(20);
            ps.extend((0..extra).map(|_| pick(rng, &ps).clone()).collect::<Vec<_>>());
        }
    }
    format!("{head}{}", ps.join("&"))
}

/// A number made hostile: scaled past its range, negated, given an
/// exponent, a change list, or digits that overflow.
fn number(rng: &mut Rng, value: &str) -> String {
    match rng.below(6) {
        0 => value.parse::<f64>().map_or_else(|_| "1e400".into(), |x| format!("{}", x * 1e12)),
        1 => format!("-{value}"),
        2 => format!("{value}e{}", pick(rng, &["400", "-400", "9", "-9", "", "+"])),
        3 => format!(
            "{value},{}@{}",
            pick(rng, HOSTILE),
            pick(rng, &["1", "0", "10000001", "5", "18446744073709551616"])
        ),
        4 => format!("{value}{}", "9".repeat(1 + rng.below(40))),
        _ => format!("{value}.{}", "0".repeat(rng.below(400))),
    }
}

/// A `pts=` payload corrupted: its text, its deflate stream, its bytes
/// (deflated again, so the corruption reaches the point reader), or
/// replaced by a bomb.
fn points_payload(rng: &mut Rng, text: &str, seeds: &Seeds) -> String {
    let packed_bytes = crate::engine::link::base64url::decode(text.as_bytes()).unwrap_or_default();
    match rng.below(5) {
        0 => mutate::text(rng, text, 3),
        1 => {
            let mut b = packed_bytes;
            mutate::bytes(rng, &mut b);
            crate::engine::link::base64url::encode(&b)
        }
        2 | 3 => {
            let mut raw = Vec::new();
            let _ = DeflateDecoder::new(&packed_bytes[..]).take(1 << 20).read_to_end(&mut raw);
            for _ in 0..1 + rng.below(3) {
                mutate::bytes(rng, &mut raw);
            }
            packed(&raw)
        }
        _ => pick(rng, &seeds.bombs).clone(),
    }
}

/// An upper bound of the parameters of `cfg`'s network (BatchNorm's
/// scale and shift included, ten outputs at most).
pub fn parameters(cfg: &Config) -> usize {
    let n_in = if cfg.data.kind == DataKind::Digits { 64 } else { cfg.data.features.len().max(1) };
    let mut prev = n_in;
    let mut total = 0;
    for layer in &cfg.hidden {
        total += (prev + 1) * layer.units + if layer.batch_norm { 2 * layer.units } else { 0 };
        prev = layer.units;
    }
    total + (prev + 1) * 10
}

/// The experiments built so far (hashes of their links as the codec writes
/// them): a link that decodes to one of them is not built again.
#[derive(Default)]
pub struct Built(HashSet<u64>);

impl Built {
    fn first_time(&mut self, canonical: &str) -> bool {
        if self.0.len() >= MAX_REMEMBERED {
            self.0.clear();
        }
        let mut h = fnv::FnvHasher::default();
        h.write(canonical.as_bytes());
        self.0.insert(h.finish())
    }
}

/// Checks one input: decoded with every rejected field's echo bounded; the
/// decoded link written and read back is the same link with nothing
/// rejected, and written again the same text; a new experiment with a
/// small network builds (or is refused with a message) and steps.
pub fn check(text: &str, counts: &mut LinkCounts, built: &mut Built) -> Result<(), String> {
    let (link, rejected) = codec::decode_link(text);
    if let Some(r) = rejected
        .iter()
        .find(|r| r.key.chars().count() > MAX_ECHO_CHARS + 1 || r.value.chars().count() > MAX_ECHO_CHARS + 1)
    {
        return Err(format!("an echo longer than {MAX_ECHO_CHARS} characters: {r:?}"));
    }
    if rejected.is_empty() {
        counts.clean += 1;
    } else {
        counts.with_rejected += 1;
    }
    let written = codec::encode_link(&link);
    let (again, rejected_again) = codec::decode_link(&written);
    if again != link || !rejected_again.is_empty() || codec::encode_link(&again) != written {
        return Err(format!("no round trip: {written:?} reads back as {again:?} with {rejected_again:?}"));
    }
    counts.round_trips += 1;
    if parameters(&link.config) > MAX_BUILD_PARAMS || !built.first_time(&written) {
        return Ok(());
    }
    build_and_step(&link, counts);
    Ok(())
}

/// Builds the trainer of `link` and takes a step and an evaluation.
fn build_and_step(link: &Link, counts: &mut LinkCounts) {
    match crate::engine::bug_lab::trainer(&link.config, link.bug) {
        Ok(mut trainer) => {
            counts.built += 1;
            trainer.step();
            trainer.evaluate();
            counts.stepped += 1;
        }
        Err(e) => {
            counts.build_refused += 1;
            let _ = e.to_string();
        }
    }
}
