//! Link edits as the page's controls make them, through the settings
//! table: a control's text into a link ([`with_field`]), the codec's
//! cross-field checks ([`normalize`]), the architecture editor's changes to
//! the hidden blocks ([`edit_network`]), what a control shows
//! ([`value_text`]) and whether it is shown at all ([`applies`]).
//!
//! Pure functions of a [`Link`]: the page only binds them to elements.

use crate::engine::config::{Act, LayerSpec, Named};

use super::parse::{real, DROPOUT, LAYER_UNITS};
use super::settings::setting;
use super::{Link, MAX_HIDDEN_LAYERS};

/// Whether the control of `key` applies to this link: its variant is
/// chosen and the table finds it relevant to the experiment (e.g. `k` only
/// for K-class sets). A key without a row applies (it is not a setting to hide).
pub fn applies(key: &str, link: &Link) -> bool {
    setting(key).is_none_or(|s| s.is_member(link) && (s.relevant)(&link.config))
}

/// Why the control `key` does nothing in `link` although it belongs there
/// (a variant's parameter of another variant is not asked about): its
/// control is disabled and shows the reason.
pub fn irrelevant_reason(key: &str, link: &Link) -> Option<&'static str> {
    setting(key).filter(|s| s.is_member(link) && !(s.relevant)(&link.config)).map(|s| s.irrelevant())
}

/// The link text of `key` in `link` as its control shows it: `0` for a view
/// toggle that is off, the default speed, and empty for a parameter of a
/// variant not chosen (or an unknown key).
pub fn value_text(key: &str, link: &Link) -> String {
    setting(key).and_then(|s| s.text(link)).unwrap_or_default()
}

/// Applies `text` to the setting `key` of a copy of `link` through the
/// table, then the cross-field checks. Returns the new link and any messages
/// (why the value was refused, or which dependent field fell back).
pub fn with_field(link: &Link, key: &str, text: &str) -> (Link, Vec<String>) {
    let Some(s) = setting(key) else {
        return (link.clone(), vec![crate::tr!("link.edit.not_a_setting", key = key)]);
    };
    let mut next = link.clone();
    if let Err(reason) = s.set(&mut next, text.trim()) {
        return (
            link.clone(),
            vec![crate::tr!("link.edit.kept", key = key, reason = reason, value = value_text(key, link))],
        );
    }
    normalize(next)
}

/// Runs the codec's cross-field checks on `link` (`decode(encode(link))`),
/// keeping its step; the messages say what fell back.
pub fn normalize(link: Link) -> (Link, Vec<String>) {
    let step = link.config.step;
    let (mut checked, rejected) = super::decode_link(&super::encode_link(&link));
    checked.config.step = step;
    (checked, rejected.into_iter().map(|r| format!("{}: {}", r.key, r.reason)).collect())
}

/// A change the architecture editor makes to the hidden blocks.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkEdit {
    /// Add a hidden block: a copy of the last, or 4 tanh units.
    Add,
    /// Change one property of block `.0` (counted from 0).
    Layer(usize, LayerEdit),
    /// Change one property of every block at once (width or activation;
    /// BatchNorm and dropout too; not Remove).
    All(LayerEdit),
}

/// One property of one hidden block.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerEdit {
    /// Width (text, validated).
    Units(String),
    /// Activation name.
    Act(String),
    /// BatchNorm on/off.
    BatchNorm(bool),
    /// Dropout rate (text).
    Dropout(String),
    /// Remove this block.
    Remove,
}

/// The link after an architecture edit (with the cross-field checks), or
/// why it was refused.
pub fn edit_network(link: &Link, edit: &NetworkEdit) -> Result<Link, String> {
    let mut next = link.clone();
    let hidden = &mut next.config.hidden;
    match edit {
        NetworkEdit::Add => add_layer(hidden)?,
        NetworkEdit::Layer(i, e) => {
            let Some(layer) = hidden.get_mut(*i) else {
                return Err(crate::tr!("link.edit.no_layer"));
            };
            if edit_layer(layer, e, *i)? {
                hidden.remove(*i);
            }
        }
        NetworkEdit::All(LayerEdit::Remove) => return Err(crate::tr!("link.edit.remove_one")),
        NetworkEdit::All(e) => {
            for (i, layer) in hidden.iter_mut().enumerate() {
                edit_layer(layer, e, i)?;
            }
        }
    }
    let (next, msgs) = normalize(next);
    match msgs.into_iter().next() {
        Some(m) => Err(m),
        None => Ok(next),
    }
}

/// Appends a copy of the last block (4 tanh units when there is none).
fn add_layer(hidden: &mut Vec<LayerSpec>) -> Result<(), String> {
    if hidden.len() >= MAX_HIDDEN_LAYERS {
        return Err(crate::tr!("link.edit.max_layers", max = MAX_HIDDEN_LAYERS));
    }
    let last =
        hidden.last().cloned().unwrap_or(LayerSpec { units: 4, act: Act::Tanh, batch_norm: false, dropout: 0.0 });
    hidden.push(last);
    Ok(())
}

/// Changes one property of block `i`; `true` when the block is to be removed.
fn edit_layer(layer: &mut LayerSpec, edit: &LayerEdit, i: usize) -> Result<bool, String> {
    match edit {
        LayerEdit::Units(t) => {
            let units = LAYER_UNITS
                .parse(t.trim())
                .map_err(|_| crate::tr!("link.edit.width", n = i + 1, lo = LAYER_UNITS.lo, hi = LAYER_UNITS.hi))?;
            layer.units = units as usize;
        }
        LayerEdit::Act(name) => {
            layer.act =
                Act::from_name(name).ok_or_else(|| crate::tr!("link.edit.unknown_act", name = format!("{name:?}")))?;
        }
        LayerEdit::BatchNorm(on) => layer.batch_norm = *on,
        LayerEdit::Dropout(t) => {
            layer.dropout = DROPOUT.parse(t.trim()).map_err(|_| {
                crate::tr!("link.edit.dropout", n = i + 1, lo = real(DROPOUT.lo), hi = real(DROPOUT.hi))
            })?;
        }
        LayerEdit::Remove => return Ok(true),
    }
    Ok(false)
}
