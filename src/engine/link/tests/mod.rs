//! Native tests of the link format: the codec ([`codec`]), its properties
//! under arbitrary input ([`properties`]), the settings table itself
//! ([`table`]), its words in every language ([`words`]) and the control
//! edits ([`edit`]), custom points in a link ([`points`]) and their
//! base64url codec against an independent one ([`base64url`]).

use crate::engine::config::{Act, Config, LayerSpec};
use crate::engine::link::{decode, decode_link, encode, encode_link, Link};

mod base64url;
mod codec;
mod edit;
mod points;
mod properties;
mod table;
mod words;

pub(super) fn layer_spec(units: usize, act: Act) -> LayerSpec {
    LayerSpec { units, act, batch_norm: false, dropout: 0.0 }
}

/// Decodes and asserts there were no rejections.
pub(super) fn clean(link: &str) -> Config {
    let (cfg, rejected) = decode(link);
    assert!(rejected.is_empty(), "{link}: {rejected:?}");
    cfg
}

/// [`clean`] into a whole [`Link`].
pub(super) fn clean_link(text: &str) -> Link {
    let (link, rejected) = decode_link(text);
    assert!(rejected.is_empty(), "{text}: {rejected:?}");
    link
}

pub(super) fn assert_round_trip(cfg: &Config) {
    let text = encode(cfg);
    assert_eq!(decode(&text), (cfg.clone(), vec![]), "{text}");
    assert!(
        text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:,=&@".contains(&b)),
        "unexpected character in {text}"
    );
}

pub(super) fn assert_link_round_trip(link: &Link) {
    let text = encode_link(link);
    assert_eq!(decode_link(&text), (link.clone(), vec![]), "{text}");
}
