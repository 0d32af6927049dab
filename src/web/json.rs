//! Rust values as plain JS objects and back, through JSON text: serde_json
//! writes the text and the browser's `JSON.parse` builds the object (and
//! `JSON.stringify` the other way). For values JSON can hold: the run
//! records in IndexedDB (their non-finite numbers are already `null`) and
//! the figures and tables the test and benchmark hooks return. The worker's
//! messages, whose numbers can be NaN, cross as bytes instead (`checks`).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain JS object (maps as objects, `None` as `null`).
pub fn to_object<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|e| format!("{e:?}"))
}

/// A plain JS object read as a `T`.
pub fn from_object<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = js_sys::JSON::stringify(value).map_err(|e| format!("{e:?}"))?;
    let text = text.as_string().ok_or_else(|| "not JSON text".to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}
