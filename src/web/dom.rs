//! The page's elements, looked up once by id, and the only ways Rust changes
//! them: text (always `textContent`, never HTML), visibility (`hidden`) and
//! button state. The markup itself lives in `index.html`.

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlButtonElement, HtmlElement};

/// Looks up `#id` as an [`HtmlElement`].
pub fn by_id(document: &Document, id: &str) -> Result<HtmlElement, String> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| format!("the page has no #{id} element"))?
        .dyn_into::<HtmlElement>()
        .map_err(|_| format!("#{id} is not an HTML element"))
}

/// Sets an element's text; skips the DOM write when nothing changed.
pub fn set_text(el: &HtmlElement, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Every element the app reads or writes.
pub struct Dom {
    pub play: HtmlButtonElement,
    pub status: HtmlElement,
    pub step: HtmlElement,
    pub epoch: HtmlElement,
    pub train_loss: HtmlElement,
    pub test_loss: HtmlElement,
    pub fingerprint: HtmlElement,
    pub notice: HtmlElement,
}

impl Dom {
    /// Finds every element, or says which one the page lacks.
    pub fn find(document: &Document) -> Result<Dom, String> {
        Ok(Dom {
            play: by_id(document, "play")?
                .dyn_into::<HtmlButtonElement>()
                .map_err(|_| "#play is not a button".to_string())?,
            status: by_id(document, "status")?,
            step: by_id(document, "step")?,
            epoch: by_id(document, "epoch")?,
            train_loss: by_id(document, "train-loss")?,
            test_loss: by_id(document, "test-loss")?,
            fingerprint: by_id(document, "fingerprint")?,
            notice: by_id(document, "notice")?,
        })
    }

    /// Shows `text` in the notice banner, or hides the banner when empty.
    pub fn set_notice(&self, text: &str) {
        set_text(&self.notice, text);
        self.notice.set_hidden(text.is_empty());
    }

    /// Play/Pause button: label, pressed state, and whether it can be used.
    pub fn set_play(&self, playing: bool, enabled: bool) {
        set_text(&self.play, if playing { "Pause" } else { "Play" });
        let _ = self.play.set_attribute("aria-pressed", if playing { "true" } else { "false" });
        self.play.set_disabled(!enabled);
    }
}
