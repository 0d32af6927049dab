//! DOM access: elements looked up by id, elements created from Rust, and the
//! only ways Rust changes them: text (always `textContent`, never HTML),
//! attributes, visibility (`hidden`), classes, and canvas pixels. The static
//! markup lives in `index.html`.

use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement, ImageData,
};

/// Looks up `#id` as an [`HtmlElement`].
pub fn by_id(document: &Document, id: &str) -> Result<HtmlElement, String> {
    typed(document, id)
}

/// Looks up `#id` as a specific element type. (Generic only in its last
/// cast: the lookup and the messages are one function each, not one copy
/// per element type and call site.)
pub fn typed<T: JsCast>(document: &Document, id: &str) -> Result<T, String> {
    element(document, id)?.dyn_into::<T>().map_err(|_| wrong_kind(id))
}

/// Looks up `#id`.
#[inline(never)]
fn element(document: &Document, id: &str) -> Result<Element, String> {
    document.get_element_by_id(id).ok_or_else(|| format!("the page has no #{id} element"))
}

#[cold]
#[inline(never)]
fn wrong_kind(id: &str) -> String {
    format!("#{id} is not the expected kind of element")
}

/// Looks up the many elements of one struct by id: a lookup that fails
/// gives a stand-in and keeps the first message, which [`Finder::finish`]
/// returns. (An early return per field, `by_id(…)?`, drops every element
/// found before it at each return: in the wasm module that was ~60 KB of
/// code for the instruments panel alone.)
pub struct Finder<'d> {
    document: &'d Document,
    missing: Option<String>,
}

impl<'d> Finder<'d> {
    /// A finder in `document`, nothing missing yet.
    pub fn new(document: &'d Document) -> Self {
        Finder { document, missing: None }
    }

    /// `#id` as an [`HtmlElement`].
    pub fn el(&mut self, id: &str) -> HtmlElement {
        self.typed(id)
    }

    /// `#id` as a specific element type.
    pub fn typed<T: JsCast>(&mut self, id: &str) -> T {
        let found = typed(self.document, id);
        self.or_stand_in(found)
    }

    /// The element `found`, or (remembering the message) a stand-in that
    /// [`Finder::finish`] never lets out.
    pub fn or_stand_in<T: JsCast>(&mut self, found: Result<T, String>) -> T {
        found.unwrap_or_else(|message| {
            self.missing.get_or_insert(message);
            JsValue::UNDEFINED.unchecked_into()
        })
    }

    /// `value` if every lookup found its element, else the first message.
    pub fn finish<T>(self, value: T) -> Result<T, String> {
        match self.missing {
            Some(message) => Err(message),
            None => Ok(value),
        }
    }
}

/// The page's document (the app only runs in a window).
pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a window with a document")
}

/// Creates `<tag>` with the given class (may be empty).
pub fn create<T: JsCast>(tag: &str, class: &str) -> T {
    let el = document().create_element(tag).expect("valid tag name");
    if !class.is_empty() {
        el.set_class_name(class);
    }
    el.dyn_into::<T>().expect("created element has the requested type")
}

/// Creates `<tag class=…>text</tag>` (text via `textContent`).
pub fn create_text(tag: &str, class: &str, text: &str) -> HtmlElement {
    let el: HtmlElement = create(tag, class);
    el.set_text_content(Some(text));
    el
}

/// Appends `child` to `parent`.
pub fn append(parent: &Element, child: &Element) {
    let _ = parent.append_child(child);
}

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    while let Some(child) = el.first_child() {
        let _ = el.remove_child(&child);
    }
}

/// Sets an element's text; skips the DOM write when nothing changed.
pub fn set_text(el: &HtmlElement, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Sets an attribute (ignoring the impossible failure for valid names).
pub fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Shows or hides an element (`hidden` attribute); skips no-op writes.
pub fn show(el: &HtmlElement, visible: bool) {
    if el.hidden() == visible {
        el.set_hidden(!visible);
    }
}

/// Adds or removes a class.
pub fn toggle_class(el: &Element, class: &str, on: bool) {
    let _ = el.class_list().toggle_with_force(class, on);
}

/// A new `<canvas>` of `w×h` pixels.
pub fn canvas(class: &str, w: u32, h: u32) -> HtmlCanvasElement {
    let c: HtmlCanvasElement = create("canvas", class);
    c.set_width(w);
    c.set_height(h);
    c
}

/// The 2-D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .expect("2-D canvas context")
}

/// Copies an RGBA buffer (`w×h×4`) onto the canvas at (0, 0).
pub fn blit(ctx: &CanvasRenderingContext2d, rgba: &[u8], w: u32, h: u32) {
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h) {
        let _ = ctx.put_image_data(&img, 0.0, 0.0);
    }
}

/// Paints RGBA buffers into `<img>` elements (as PNG data URLs) through one
/// detached canvas. Many small live pictures (the instruments' sparklines)
/// are images rather than canvases: every canvas on the page is a
/// compositor layer that the browser updates at each frame (about 0.3 ms a
/// canvas on a 2-core machine without a GPU; the 54 sparklines of a deep
/// network cost the page 15 ms a frame), while an image is painted with
/// the page.
pub struct ImagePainter {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
}

impl ImagePainter {
    /// A painter with its own detached canvas.
    pub fn new() -> Self {
        let canvas = canvas("", 1, 1);
        let ctx = context(&canvas);
        Self { canvas, ctx }
    }

    /// Shows the `w×h` RGBA buffer `rgba` in the image `img`.
    pub fn paint(&self, img: &Element, rgba: &[u8], w: u32, h: u32) {
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
        }
        blit(&self.ctx, rgba, w, h);
        if let Ok(url) = self.canvas.to_data_url() {
            set_attr(img, "src", &url);
        }
    }
}

impl Default for ImagePainter {
    fn default() -> Self {
        Self::new()
    }
}

/// `rgb(r,g,b)` text for canvas styles.
pub fn css_rgb(c: [u8; 3]) -> String {
    format!("rgb({},{},{})", c[0], c[1], c[2])
}

/// Value of a form control (input or select) as text.
pub fn value_of(el: &Element) -> String {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        if i.type_() == "checkbox" {
            return if i.checked() { "1" } else { "0" }.into();
        }
        return i.value();
    }
    if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        return s.value();
    }
    String::new()
}

/// Sets a form control's value (checkbox: `"1"` checks it), skipping no-op writes.
pub fn set_value(el: &Element, value: &str) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        if i.type_() == "checkbox" {
            let on = value == "1";
            if i.checked() != on {
                i.set_checked(on);
            }
        } else if i.value() != value {
            i.set_value(value);
        }
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        if s.value() != value {
            s.set_value(value);
        }
    }
}

/// Enables or disables a form control or button.
pub fn set_disabled(el: &Element, disabled: bool) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_disabled(disabled);
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        s.set_disabled(disabled);
    } else if let Some(b) = el.dyn_ref::<HtmlButtonElement>() {
        b.set_disabled(disabled);
    }
}

/// Sizes the canvas's bitmap to its displayed width × devicePixelRatio,
/// keeping the aspect of its markup (`data-aspect`, taken the first time);
/// returns the device pixels per CSS pixel (1 while it is not displayed).
pub fn fit_to_display(canvas: &HtmlCanvasElement) -> f64 {
    let css_w = f64::from(canvas.client_width());
    if css_w <= 0.0 {
        return 1.0;
    }
    let aspect = canvas.get_attribute("data-aspect").and_then(|a| a.parse::<f64>().ok()).unwrap_or_else(|| {
        let a = f64::from(canvas.height()) / f64::from(canvas.width().max(1));
        set_attr(canvas, "data-aspect", &a.to_string());
        a
    });
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (w, h) = ((css_w * dpr).round() as u32, (css_w * aspect * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    dpr
}

/// Resolves in a later task, so the browser can draw and answer in between.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
