//! The editor of your own data: the tool (add a point of a class, or
//! erase), Clear and Undo, the count line, and the CSV import (a file
//! input). It holds the page's elements and the chosen tool; what an action
//! does to the experiment is [`crate::app`]'s (`App::custom`).
//!
//! A click on the output view becomes [`CustomAction::Click`] with the spot
//! as fractions of the view's width and height; typed coordinates and
//! *Apply here* (the keyboard's way) become [`CustomAction::At`]; a chosen
//! file is read as bytes off the click's task and handed over as
//! [`CustomAction::Import`].

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlButtonElement, HtmlElement, HtmlInputElement};

use crate::dom::{self, set_text, show};
use crate::engine::config::CustomPoint;
use crate::engine::data::custom;
use crate::engine::data::RawData;
use crate::viz::points;

thread_local! {
    /// Point sets the page was handed by a run record, by content hash: a
    /// link that carries only `pts_hash=` finds its points here (most recent few).
    static KNOWN: std::cell::RefCell<Vec<(u64, Vec<CustomPoint>)>> = const { std::cell::RefCell::new(Vec::new()) };
}
/// Point sets [`remember`] keeps.
const KNOWN_SETS: usize = 4;

/// Keeps a run record's points (its `points` text), for the link about to be opened.
pub fn remember(points_text: &str) {
    use crate::engine::link::points;
    if let Ok(set) = points::decode(points_text, points::MAX_RECORD_CHARS) {
        let h = points::hash(&set);
        KNOWN.with(|k| {
            let mut known = k.borrow_mut();
            known.retain(|(other, _)| *other != h);
            known.push((h, set));
            let excess = known.len().saturating_sub(KNOWN_SETS);
            known.drain(..excess);
        });
    }
}

/// The points of `config`'s link when it named them only by hash and a run
/// record handed them over ([`remember`]).
pub fn recall(config: &mut crate::engine::config::Config) {
    let data = &mut config.data;
    let Some(h) = data.points_hash.filter(|_| data.points.is_empty()) else { return };
    if let Some(set) = KNOWN.with(|k| k.borrow().iter().find(|(other, _)| *other == h).map(|(_, s)| s.clone())) {
        data.points = set;
        data.points_hash = None;
    }
}

/// Radius within which a click erases a point, in CSS pixels of the view.
pub const ERASE_PX: f64 = 10.0;
/// Radius within which typed coordinates erase a point, in plane units: 10
/// px of the 320 px view.
pub const ERASE_REACH: f64 = 0.375;

/// What a click on the output view does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Adds a point of this class.
    Add(u8),
    /// Removes the nearest point within [`ERASE_PX`].
    Erase,
}

/// Something done in the editor.
#[derive(Clone, Debug)]
pub enum CustomAction {
    /// A tool was chosen.
    Tool(Tool),
    /// The output view was clicked at fractions `(u, v)` of its width and
    /// height (v down), `r` the erase radius as a fraction of its width.
    Click(f64, f64, f64),
    /// The tool applied at the plane point `(x1, x2)` typed in (the
    /// keyboard's way to place a point).
    At(f64, f64),
    /// Clear all points.
    Clear,
    /// Back to the points before the last edit (and again: redo).
    Undo,
    /// A file was chosen: its name and what reading it gave.
    Import(String, FileRead),
}

/// A chosen file, read.
#[derive(Clone, Debug)]
pub enum FileRead {
    /// Its bytes.
    Bytes(Vec<u8>),
    /// Not read: it has this many bytes, over the limit.
    TooLarge(usize),
    /// The browser could not read it.
    Failed(String),
}

/// The editor's elements and its tool.
pub struct CustomPanel {
    root: HtmlElement,
    tools: HtmlElement,
    swatches: Vec<HtmlElement>,
    undo: HtmlButtonElement,
    count: HtmlElement,
    /// The message line (imports, edits, why nothing changed).
    pub msg: HtmlElement,
    /// The tool in use.
    pub tool: Tool,
}

impl CustomPanel {
    /// Binds to `#custom-tools` and its parts.
    pub fn new(document: &Document) -> Result<CustomPanel, String> {
        let swatches = (0..custom::MAX_CLASSES)
            .map(|k| dom::by_id(document, &format!("custom-swatch-{k}")))
            .collect::<Result<_, _>>()?;
        Ok(CustomPanel {
            root: dom::by_id(document, "custom-data")?,
            tools: dom::by_id(document, "custom-tools")?,
            swatches,
            undo: dom::typed(document, "custom-undo")?,
            count: dom::by_id(document, "custom-count")?,
            msg: dom::by_id(document, "custom-msg")?,
            tool: Tool::Add(0),
        })
    }

    /// Shows the tools while the data is custom (`points`: the set in the
    /// editor), with the count line and the class colours of that set; the
    /// whole editor only where the data set is not hidden (`visible`).
    pub fn show(&self, visible: bool, points: Option<&[CustomPoint]>, can_undo: bool, line: &str) {
        show(&self.root, visible);
        show(&self.tools, points.is_some());
        self.undo.set_disabled(!can_undo);
        set_text(&self.count, line);
        let k = points.map_or(2, custom::n_classes);
        for (class, swatch) in self.swatches.iter().enumerate() {
            let labels = crate::engine::data::Labels::Classes { labels: vec![class], n_classes: k.max(class + 1) };
            let color = points::label_color(&labels, 0);
            let _ = swatch.style().set_property("background", &dom::css_rgb(color));
        }
    }
}

/// The custom set's thumbnail: a few points as if placed by hand (a ring
/// of one class around a cluster of another).
pub fn thumb_points() -> Vec<crate::engine::config::CustomPoint> {
    (0..16)
        .map(|i| {
            let (r, class) = if i < 10 { (450.0, 0) } else { (120.0, 1) };
            let a = i as f64 * 0.63;
            let (x1, x2) = (r * crate::engine::math::cos(a), r * crate::engine::math::sin(a));
            crate::engine::config::CustomPoint { x1: x1 as i16, x2: x2 as i16, class }
        })
        .collect()
}

/// The tool a radio's value names.
pub fn tool_of(value: &str) -> Option<Tool> {
    match value {
        "erase" => Some(Tool::Erase),
        v => v.parse::<u8>().ok().filter(|c| (*c as usize) < custom::MAX_CLASSES).map(Tool::Add),
    }
}

/// The plane point under fractions `(u, v)` of the view (v down).
pub fn plane_point(u: f64, v: f64) -> (f64, f64) {
    let e = crate::engine::grid::EXTENT;
    (-e + 2.0 * e * u, e - 2.0 * e * v)
}

/// All points of a split data set, train then test, as a custom set.
pub fn copy_of(train: &RawData, test: &RawData) -> Vec<CustomPoint> {
    let mut pts = custom::from_raw(train);
    pts.extend(custom::from_raw(test));
    pts.truncate(custom::MAX_POINTS);
    pts
}

/// The click's fractions on `target` (the output view's top canvas).
pub fn click_fractions(e: &web_sys::Event) -> Option<(f64, f64, f64)> {
    let mouse = e.dyn_ref::<web_sys::MouseEvent>()?;
    let el = e.current_target()?.dyn_into::<HtmlElement>().ok()?;
    let rect = el.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let u = (mouse.client_x() as f64 - rect.left()) / rect.width();
    let v = (mouse.client_y() as f64 - rect.top()) / rect.height();
    Some((u, v, ERASE_PX / rect.width()))
}

/// Reads the file chosen in `input` (then clears it, so the same file can
/// be chosen again): its name, and its bytes unless it is over `max` bytes.
pub async fn read_chosen(input: &HtmlInputElement, max: usize) -> Option<(String, FileRead)> {
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    let name = file.name();
    if file.size() > max as f64 {
        return Some((name, FileRead::TooLarge(file.size() as usize)));
    }
    let read = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
        Ok(buf) => FileRead::Bytes(js_sys::Uint8Array::new(&buf).to_vec()),
        Err(e) => FileRead::Failed(e.as_string().unwrap_or_else(|| format!("{e:?}"))),
    };
    Some((name, read))
}
