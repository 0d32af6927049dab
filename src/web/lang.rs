//! The page's language on the page: the static text of `index.html`
//! translated in place, and the `lang` attribute screen readers and fonts
//! follow.
//!
//! `index.html` marks its text with catalog keys: `data-i18n="page.…"` on an
//! element holding only text (its text is replaced), and
//! `data-i18n-title`, `data-i18n-aria-label`, `data-i18n-placeholder` for
//! attributes. The English in the file is the catalog's English (held so by
//! `tests/i18n.rs`), so the page reads right before the module loads. Text
//! the Rust side writes later (controls, findings, the Learn panel) reads
//! the catalog itself through [`crate::tr!`].
//!
//! The module embeds English only; another language's catalog is a file
//! beside the page (`i18n/<tag>.json`), fetched when the language is
//! chosen ([`request_catalog`]), and by the checks' worker when it is to
//! write in it ([`crate::assets::prepare_worker`]). Until it arrives, that language's
//! text reads as English.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::engine::i18n::{self, Lang};
use crate::engine::named::Named;

/// Attributes `index.html` may translate, by their `data-i18n-*` marker.
const ATTRIBUTES: [&str; 3] = ["title", "aria-label", "placeholder"];

/// Makes `lang` the current language and puts its text into the page's
/// static elements; the page's `lang` attribute names the language the
/// text is in (English while `lang`'s catalog is on its way).
pub fn translate_page(document: &Document, lang: Lang) {
    i18n::set(lang);
    // The language the text is in: English until `lang`'s catalog arrives.
    let shown = if i18n::has_catalog(lang) { lang } else { Lang::En };
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", shown.name());
    }
    for el in marked(document, "data-i18n") {
        if let Some(key) = el.get_attribute("data-i18n") {
            el.set_text_content(Some(i18n::text(&key)));
        }
    }
    for attr in ATTRIBUTES {
        let marker = format!("data-i18n-{attr}");
        for el in marked(document, &marker) {
            if let Some(key) = el.get_attribute(&marker) {
                let _ = el.set_attribute(attr, i18n::text(&key));
            }
        }
    }
}

/// The elements carrying the attribute `marker`.
fn marked(document: &Document, marker: &str) -> Vec<Element> {
    let Ok(list) = document.query_selector_all(&format!("[{marker}]")) else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

/// Fetches and installs `lang`'s catalog (`i18n/<tag>.json`), which the
/// module does not embed (it embeds English only).
pub async fn fetch_catalog(lang: Lang) -> Result<(), String> {
    let text = crate::assets::fetch_text(&format!("i18n/{}.json", lang.name())).await?;
    i18n::install(lang, &text)
}

thread_local! {
    /// The language whose catalog is being fetched, if any.
    static FETCHING: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Starts fetching `lang`'s catalog unless it is here or already on its
/// way; `arrived` is called with the outcome. Returns whether the page
/// waits for it (its text reads as English until then).
pub fn request_catalog(lang: Lang, arrived: impl FnOnce(Result<(), String>) + 'static) -> bool {
    if i18n::has_catalog(lang) {
        return false;
    }
    if FETCHING.with(|f| f.get()) == Some(lang) {
        return true;
    }
    FETCHING.with(|f| f.set(Some(lang)));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = fetch_catalog(lang).await;
        FETCHING.with(|f| f.set(None));
        arrived(outcome);
    });
    true
}
