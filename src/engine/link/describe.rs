//! The settings table as plain data ([`describe`]): what the page's
//! `control_table()` hands to the end-to-end tests, so they can check that
//! every link key has a control (or is link-only on purpose) without a
//! second list of keys.

use serde::Serialize;

use super::settings::{Kind, Setting};
use super::table::{page_order, SETTINGS};

/// The whole table, for the tests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableView {
    /// The controls, in page order.
    pub controls: Vec<ControlView>,
    /// Every key of the link format, in link order.
    pub codec_keys: Vec<&'static str>,
    /// The keys deliberately without a control.
    pub link_only: Vec<&'static str>,
}

/// One control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ControlView {
    /// Link key and element id.
    pub key: &'static str,
    /// Visible label, with its unit.
    pub label: String,
    /// `choice`, `number`, `check`, `data`, `features` or `network`.
    pub kind: &'static str,
    /// The names of a choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<&'static str>>,
    /// A number's smallest value (in the default config).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// A number's largest value (in the default config).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The default value's link text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Whether a change applies mid-run.
    pub live: bool,
}

/// The table as plain data.
pub fn describe() -> TableView {
    TableView {
        controls: page_order().into_iter().map(control).collect(),
        codec_keys: SETTINGS.iter().map(|s| s.key).collect(),
        link_only: SETTINGS.iter().filter(|s| s.panel.is_none()).map(|s| s.key).collect(),
    }
}

fn control(s: &Setting) -> ControlView {
    let number = s.number(&super::Link::default());
    let (kind, options) = match s.kind {
        Kind::Choice(c) => ("choice", Some((c.names)())),
        Kind::DataPicker(_) => ("data", None),
        Kind::Int { .. } | Kind::Real { .. } => ("number", None),
        Kind::Check { .. } => ("check", None),
        Kind::Features => ("features", None),
        Kind::Network => ("network", None),
        Kind::Version | Kind::Text { .. } => ("text", None),
    };
    ControlView {
        key: s.key,
        label: s.title(),
        kind,
        options,
        min: number.map(|n| n.min),
        max: number.map(|n| n.max),
        default: s.default_text(),
        live: s.live,
    }
}
