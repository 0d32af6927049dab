//! What a person sees when something goes wrong that the app cannot recover
//! from: the `#error` banner with the message and a Reload button.
//!
//! The panic hook logs the panic to the console (console_error_panic_hook)
//! and then shows the banner. It looks the elements up afresh and touches no
//! app state, since a panic may happen while that state is borrowed.

use gloo_events::EventListener;
use web_sys::Window;

use super::dom;

/// Installs the panic hook and wires the banner's Reload button.
///
/// The Reload listener is registered now, while the module is healthy, and
/// kept for the page's lifetime; it only calls `location.reload()`.
pub fn install(window: &Window) {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
    let Some(document) = window.document() else {
        return;
    };
    if let Ok(reload) = dom::by_id(&document, "reload") {
        let window = window.clone();
        EventListener::new(&reload, "click", move |_| {
            let _ = window.location().reload();
        })
        .forget();
    }
}

/// Shows the crash banner with `message`, and stops the controls.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(el) = dom::by_id(&document, "error-message") {
        dom::set_text(&el, message);
    }
    if let Ok(el) = dom::by_id(&document, "error") {
        el.set_hidden(false);
    }
    if let Ok(el) = dom::by_id(&document, "status") {
        dom::set_text(&el, &crate::tr!("web.crash.stopped"));
    }
    if let Ok(el) = document
        .get_element_by_id("play")
        .ok_or(())
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlButtonElement>(el).map_err(|_| ()))
    {
        el.set_disabled(true);
    }
}
