//! Custom points in a link: `pts=` (the points themselves, when small) or
//! `pts_hash=` (only their content hash, when not).
//!
//! The bytes: a format byte (`1`), the number of points as a LEB128
//! varint, then per point two varints: `zigzag(x1)·5 + class` and
//! `zigzag(x2)` (coordinates in hundredths, [`crate::engine::data::custom`]).
//! They are deflated and written in base64url without padding. A value
//! longer than [`MAX_LINK_CHARS`] is not put in a link: the link then says
//! `pts_hash=` with the 16 hex digits of [`hash`] (FNV-1a 64 of the bytes),
//! and the page says the data must come from the run record or the CSV.
//!
//! [`decode`] treats its input as hostile: the text is at most
//! [`MAX_LINK_CHARS`] characters (a run record's copy at most
//! [`MAX_RECORD_CHARS`]), the inflated bytes at most [`MAX_BYTES`] (a zip
//! bomb stops there), and the count, every varint, every coordinate and
//! class, and the end of the bytes are checked; each failure is a message,
//! never a panic.

use std::io::{Read, Write};

use flate2::{read::DeflateDecoder, write::DeflateEncoder, Compression};

use super::base64url;
use crate::engine::data::custom::{self, CustomPoint, MAX_CLASSES, MAX_POINTS};

/// Longest `pts=` value a link carries (about 350 hand-placed points).
pub const MAX_LINK_CHARS: usize = 2000;
/// Longest points text a run record holds (every [`MAX_POINTS`] set fits).
pub const MAX_RECORD_CHARS: usize = 64 * 1024;
/// The format byte.
const FORMAT: u8 = 1;
/// Most bytes a set of [`MAX_POINTS`] points takes uncompressed.
pub const MAX_BYTES: usize = 1 + 3 + MAX_POINTS * 5;

/// The uncompressed bytes of `points`.
pub fn to_bytes(points: &[CustomPoint]) -> Vec<u8> {
    let mut out = vec![FORMAT];
    varint(points.len() as u32, &mut out);
    for p in points {
        varint(zigzag(p.x1) * MAX_CLASSES as u32 + p.class as u32, &mut out);
        varint(zigzag(p.x2), &mut out);
    }
    out
}

thread_local! {
    /// The last bytes [`encode`] deflated and their text: a page writes the
    /// same set's text several times per edit (link, run record, the
    /// editor's line), and deflating 5,000 points is the costly part.
    static LAST: std::cell::RefCell<Option<(Vec<u8>, String)>> = const { std::cell::RefCell::new(None) };
}

/// The text of `points`: deflated [`to_bytes`] in base64url.
pub fn encode(points: &[CustomPoint]) -> String {
    let bytes = to_bytes(points);
    let cached = LAST.with(|last| last.borrow().as_ref().filter(|(b, _)| *b == bytes).map(|(_, t)| t.clone()));
    if let Some(text) = cached {
        return text;
    }
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(&bytes);
    let text = base64url::encode(&enc.finish().unwrap_or_default());
    LAST.with(|last| *last.borrow_mut() = Some((bytes, text.clone())));
    text
}

fn fnv_of(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    h.finish()
}

/// The content hash of `points` (FNV-1a 64 of [`to_bytes`]).
pub fn hash(points: &[CustomPoint]) -> u64 {
    fnv_of(&to_bytes(points))
}

/// Reads a points text of at most `max_chars` characters; the message says
/// what is wrong with it.
pub fn decode(text: &str, max_chars: usize) -> Result<Vec<CustomPoint>, String> {
    if text.len() > max_chars {
        return Err(crate::tr!("link.points.too_long", max = max_chars));
    }
    let packed = base64url::decode(text.as_bytes()).ok_or_else(|| crate::tr!("link.points.not_base64"))?;
    let mut bytes = Vec::new();
    DeflateDecoder::new(&packed[..])
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| crate::tr!("link.points.not_deflate"))?;
    if bytes.len() > MAX_BYTES {
        return Err(crate::tr!("link.points.too_big", max = MAX_BYTES));
    }
    from_bytes(&bytes)
}

/// Reads [`to_bytes`]' format.
pub fn from_bytes(bytes: &[u8]) -> Result<Vec<CustomPoint>, String> {
    let mut rest = bytes;
    let truncated = || crate::tr!("link.points.truncated");
    let (&format, tail) = rest.split_first().ok_or_else(truncated)?;
    if format != FORMAT {
        return Err(crate::tr!("link.points.format", format = format));
    }
    rest = tail;
    let n = read_varint(&mut rest).ok_or_else(truncated)? as usize;
    if n > MAX_POINTS {
        return Err(crate::tr!("link.points.too_many", n = n, max = MAX_POINTS));
    }
    let mut points = Vec::with_capacity(n);
    for _ in 0..n {
        let a = read_varint(&mut rest).ok_or_else(truncated)?;
        let b = read_varint(&mut rest).ok_or_else(truncated)?;
        let class = (a % MAX_CLASSES as u32) as u8;
        let p = CustomPoint { x1: unzigzag(a / MAX_CLASSES as u32), x2: unzigzag(b), class };
        if !p.is_valid() || zigzag(p.x1) != a / MAX_CLASSES as u32 || zigzag(p.x2) != b {
            return Err(crate::tr!("link.points.out_of_range", n = points.len() + 1));
        }
        points.push(p);
    }
    if !rest.is_empty() {
        return Err(crate::tr!("link.points.trailing", n = n));
    }
    custom::check(&points)?;
    Ok(points)
}

/// A hash as link text: 16 hex digits.
pub fn hash_text(h: u64) -> String {
    format!("{h:016x}")
}

/// Reads [`hash_text`].
pub fn parse_hash(text: &str) -> Result<u64, String> {
    if text.len() != 16 {
        return Err(crate::tr!("link.points.hash"));
    }
    u64::from_str_radix(text, 16).map_err(|_| crate::tr!("link.points.hash"))
}

fn zigzag(x: i16) -> u32 {
    ((x as i32) << 1 ^ ((x as i32) >> 31)) as u32
}

fn unzigzag(z: u32) -> i16 {
    let x = (z >> 1) as i32 ^ -((z & 1) as i32);
    x.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

fn varint(mut x: u32, out: &mut Vec<u8>) {
    while x >= 0x80 {
        out.push((x as u8 & 0x7f) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// A LEB128 varint of at most 3 bytes (values below 2²¹), taken off `rest`.
fn read_varint(rest: &mut &[u8]) -> Option<u32> {
    let mut x = 0u32;
    for i in 0..3 {
        let (&b, tail) = rest.split_first()?;
        *rest = tail;
        x |= ((b & 0x7f) as u32) << (7 * i);
        if b & 0x80 == 0 {
            return Some(x);
        }
    }
    None
}
