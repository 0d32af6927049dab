//! Base64url without padding (RFC 4648 §5), the alphabet of the custom
//! points a link carries (`pts=`, [`super::points`]).
//!
//! Written here rather than taken from a general codec crate: the page's
//! only use is this one alphabet, and `data-encoding`'s generic encoders
//! cost about 72 KB of wasm code. [`decode`] is strict, as that crate's
//! `BASE64URL_NOPAD` was: no padding, no other alphabet's `+` `/`, no
//! length that leaves 6 stray bits, and the unused low bits of the last
//! character must be zero, so every byte string has exactly one text.

/// The 64 characters, by value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The text of `bytes`: 4 characters per 3 bytes, 2 or 3 for a last 1 or 2.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |w, (i, &b)| w | u32::from(b) << (16 - 8 * i));
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(word >> (18 - 6 * k)) as usize & 63]));
        }
    }
    out
}

/// The value of one character, if it is in the alphabet.
fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// The bytes `text` encodes; `None` when it is not canonical base64url
/// without padding.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let word = chunk.iter().enumerate().try_fold(0u32, |w, (k, &c)| Some(w | value(c)? << (18 - 6 * k)))?;
        let bytes = chunk.len() - 1;
        // The bits below the last whole byte must be zero.
        if word & ((1 << (24 - 8 * bytes)) - 1) != 0 {
            return None;
        }
        out.extend((0..bytes).map(|i| (word >> (16 - 8 * i)) as u8));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10's vectors (no padding), and the two characters that
    /// differ from standard base64.
    const VECTORS: [(&[u8], &str); 9] = [
        (b"", ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg"),
        (b"fooba", "Zm9vYmE"),
        (b"foobar", "Zm9vYmFy"),
        (&[0xfb, 0xff], "-_8"),
        (&[0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8b, 0xff], "ABCDEFGHIJKL_w"),
    ];

    #[test]
    fn encodes_and_decodes_the_rfc_vectors() {
        for (bytes, text) in VECTORS {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text.as_bytes()).as_deref(), Some(bytes), "{text}");
        }
    }

    #[test]
    fn rejects_padding_other_alphabets_stray_lengths_and_loose_bits() {
        for text in ["Zg==", "Zm8=", "+/8", "Zm9v/A", "Z", "Zm9vY", "Zh", "Zm9", "Zm9vYmF", "Zm 9v", "é"] {
            assert_eq!(decode(text.as_bytes()), None, "{text}");
        }
    }
}
