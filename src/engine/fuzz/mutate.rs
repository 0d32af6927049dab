//! Mutations shared by the link and the import fuzzers: byte flips,
//! insertions, cuts and splices of text, and a pool of hostile values
//! (numbers at and past every limit, not-numbers, unicode, broken
//! percent-encoding). Every draw comes from the engine's seeded [`Rng`],
//! so a run is reproduced by its seed.

use crate::engine::rng::{Rng, Uniform01};

/// Values that have broken parsers elsewhere: limits of every integer
/// and float type and past them, signs, not-numbers, odd digits, control
/// and bidi characters, percent-encoding broken in each way, the link's
/// own separators, change lists with bad steps, networks at the limits.
pub const HOSTILE: &[&str] = &[
    "",
    "0",
    "-0",
    "-1",
    "0.0",
    "1e308",
    "1e309",
    "-1e309",
    "1e-320",
    "5e-324",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "+1",
    "1.",
    ".5",
    "1e",
    "0x10",
    "1_000",
    "255",
    "256",
    "65535",
    "65536",
    "2147483648",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "99999999999999999999999999999999",
    "１",
    "٣",
    "½",
    "é",
    "💥",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
    "\u{feff}",
    "%",
    "%2",
    "%zz",
    "%00",
    "%FF",
    "%C3%28",
    "%E2%82",
    "%F0%9F%92",
    "%25",
    "%2525",
    "%26",
    "%3D",
    "%23",
    "&",
    "=",
    "#",
    ",",
    "@",
    ":",
    "<script>",
    ",,,",
    "1@1",
    "0.1@0",
    "0.1@-1",
    "0.1@1.5",
    "0.1@99999999999999999999",
    "0.3,0.1@5,0.2@5",
    "0.3,0.1@5,0.2@4",
    "1,2@1,3@2,4@3,5@4,6@5,7@6,8@7,9@8,10@9,11@10,12@11,13@12,14@13,15@14,16@15,17@16,18@17,19@18,20@19",
    "256:relu",
    "0:relu",
    "257:relu",
    "8:relu:d1",
    "8:relu:d0.99999",
    "8:relu:bn:bn",
    "8:relu:d0.5:bn",
    "8:nope",
    "256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu,256:relu",
    "1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear,1:linear",
    "x1,x1",
    "mystery:",
    "mystery:zzzz",
    "true",
    "null",
];

/// One of `xs`.
pub fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len())]
}

/// Whether a draw with probability `1/n` comes up.
pub fn one_in(rng: &mut Rng, n: usize) -> bool {
    rng.below(n) == 0
}

/// A random byte, biased towards the bytes parsers care about.
fn byte(rng: &mut Rng) -> u8 {
    const SPECIAL: &[u8] = b"&=#%,@:.-+eE0123456789\"{}[]\\\x00\x7f\xff\xc3\xe2\xf0";
    if one_in(rng, 2) {
        *pick(rng, SPECIAL)
    } else {
        (rng.next_u32() & 0xff) as u8
    }
}

/// `bytes` after one byte-level change: a bit flipped, a byte replaced,
/// inserted or deleted, a range cut, repeated or moved, the end cut off.
pub fn bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let n = bytes.len();
    let at = rng.below(n + 1);
    match rng.below(8) {
        0 if n > 0 => bytes[at.min(n - 1)] ^= 1 << rng.below(8),
        1 if n > 0 => bytes[at.min(n - 1)] = byte(rng),
        2 => (0..1 + rng.below(4)).for_each(|_| bytes.insert(at, byte(rng))),
        3 if n > 0 => {
            let end = (at + 1 + rng.below(16)).min(n);
            bytes.drain(at.min(n - 1)..end);
        }
        4 => bytes.truncate(at),
        5 if n > 0 => {
            let from = rng.below(n);
            let end = (from + 1 + rng.below(64)).min(n);
            let piece = bytes[from..end].to_vec();
            let times = if one_in(rng, 8) { 1 + rng.below(200) } else { 1 };
            for _ in 0..times {
                bytes.splice(at..at, piece.iter().copied());
            }
        }
        6 if n > 1 => {
            let (i, j) = (rng.below(n), rng.below(n));
            bytes.swap(i, j);
        }
        _ => bytes.insert(at, byte(rng)),
    }
}

/// `text` after `1..=max` byte-level changes, read back as UTF-8 (an
/// invalid sequence becomes U+FFFD, as a browser decodes a file or a URL).
pub fn text(rng: &mut Rng, text: &str, max: usize) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(max.max(1)) {
        bytes(rng, &mut b);
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// A value long enough to pass every length limit: `seed` repeated.
pub fn long(rng: &mut Rng, seed: &str) -> String {
    let seed = if seed.is_empty() { "9" } else { seed };
    seed.repeat(1 + rng.below(20_000) / seed.len())
}

/// `s` with every byte percent-encoded (`%41%42…`), or twice (`%2541…`).
pub fn percent_all(s: &str, twice: bool) -> String {
    let once: String = s.bytes().map(|b| format!("%{b:02X}")).collect();
    if twice {
        once.replace('%', "%25")
    } else {
        once
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::Stream;

    #[test]
    fn mutations_change_text_and_stay_reproducible() {
        let draw = |seed| {
            let mut rng = Rng::new(seed, Stream::Probe);
            (0..200).map(|_| text(&mut rng, "v=1&lr=0.03&net=8:relu", 3)).collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7), "same seed, same mutations");
        assert_ne!(a, draw(8));
        let changed = a.iter().filter(|m| m.as_str() != "v=1&lr=0.03&net=8:relu").count();
        assert!(changed > 180, "{changed} of 200 changed");
        assert!(a.iter().any(|m| m.contains('\u{fffd}')), "some mutations are invalid UTF-8, read back lossy");
    }

    #[test]
    fn percent_encoding_of_every_byte() {
        assert_eq!(percent_all("a=", false), "%61%3D");
        assert_eq!(percent_all("a", true), "%2561");
    }
}
