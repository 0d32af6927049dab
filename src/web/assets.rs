//! Files the page fetches when they are needed rather than carrying them in
//! its module: another language's catalog (`i18n/<tag>.json`, see
//! [`crate::lang`]) and the digits set (`digits.csv.gz`). Both sit beside
//! the page, so relative URLs find them under any sub-path, and the
//! service worker caches them with the rest of the build for offline use.
//!
//! The digits set is needed before a trainer on it is built: the app
//! waits for it ([`request_digits`]) and then does what it was asked; the
//! checks' worker fetches it too ([`prepare_worker`]). A set that cannot be
//! fetched leaves the experiment as it was, and the page says why.

use std::cell::Cell;

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::engine::config::{Config, DataKind};
use crate::engine::data::digits;
use crate::engine::i18n::{self, Lang};
use crate::engine::named::Named;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (a window's or a worker's).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> Promise;
}

/// Why a promise was rejected, as text.
fn why(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// The response to a file beside the page (or the worker's script): a
/// relative `path`. `Err` says why not (no network and no cached copy, a
/// server error).
async fn fetch_ok(path: &str) -> Result<web_sys::Response, String> {
    let response: web_sys::Response = JsFuture::from(global_fetch(path)).await.map_err(why)?.unchecked_into();
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    Ok(response)
}

/// The text of a file beside the page (see [`fetch_ok`]).
pub async fn fetch_text(path: &str) -> Result<String, String> {
    let response = fetch_ok(path).await?;
    let text = JsFuture::from(response.text().map_err(why)?).await.map_err(why)?;
    text.as_string().ok_or_else(|| format!("{path}: not text"))
}

/// The bytes of a file beside the page (see [`fetch_ok`]).
async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let response = fetch_ok(path).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(why)?).await.map_err(why)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Whether building a trainer for `cfg` waits for a file: the digits set
/// not fetched yet.
pub fn waits_for_digits(cfg: &Config) -> bool {
    cfg.data.kind == DataKind::Digits && !digits::is_loaded()
}

/// Fetches the digits set and installs it in the engine.
pub async fn fetch_digits() -> Result<(), String> {
    if digits::is_loaded() {
        return Ok(());
    }
    let bytes = fetch_bytes(digits::FILE).await?;
    digits::install_file(&bytes).map_err(|e| e.to_string())
}

thread_local! {
    /// Whether the digits set is being fetched.
    static FETCHING_DIGITS: Cell<bool> = const { Cell::new(false) };
}

/// Starts fetching the digits set unless it is here or already on its
/// way; `arrived` is called with the outcome of a fetch this call started.
pub fn request_digits(arrived: impl FnOnce(Result<(), String>) + 'static) {
    if digits::is_loaded() || FETCHING_DIGITS.with(Cell::get) {
        return;
    }
    FETCHING_DIGITS.with(|f| f.set(true));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = fetch_digits().await;
        FETCHING_DIGITS.with(|f| f.set(false));
        arrived(outcome);
    });
}

/// Installs the digits set from the shipped file's bytes (for the Node
/// benchmark, which reads `data/digits.csv.gz` itself, and the tests).
#[wasm_bindgen]
pub fn install_digits(bytes: &[u8]) -> Result<(), JsError> {
    digits::install_file(bytes).map_err(|e| JsError::new(&e.to_string()))
}

/// Worker side, before a message is handled: the catalog of `lang` (a link
/// value) if the module lacks it, and the digits set if the work needs it.
/// Failures are left to what follows: without the catalog the worker
/// writes English, as the page then does; without the set the check or
/// replay fails and says that the set has not been fetched.
#[wasm_bindgen]
pub async fn prepare_worker(lang: String, digits: bool) {
    if let Some(lang) = Lang::from_name(&lang).filter(|&l| !i18n::has_catalog(l)) {
        let _ = crate::lang::fetch_catalog(lang).await;
    }
    if digits {
        let _ = fetch_digits().await;
    }
}
