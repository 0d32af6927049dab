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

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::engine::i18n::{self, Lang};
use crate::engine::named::Named;

/// Attributes `index.html` may translate, by their `data-i18n-*` marker.
const ATTRIBUTES: [&str; 3] = ["title", "aria-label", "placeholder"];

/// Makes `lang` the current language and puts its text into the page's
/// static elements.
pub fn translate_page(document: &Document, lang: Lang) {
    i18n::set(lang);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.name());
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
