//! The teacher's link builder: a modal dialog (`<dialog>`, so focus stays
//! inside while it is open and returns to the button that opened it) where a
//! teacher picks the start (the current state or a lesson), the controls to
//! hide or lock, a planted bug, the step to start at, a note and embed mode,
//! and gets the class link, with Copy, a preview in an 800 × 500 frame and
//! a link that opens it in a new tab. The link itself is built by
//! [`crate::engine::link::class`]; this module only reads the form.

use web_sys::{Document, HtmlDialogElement, HtmlElement, HtmlInputElement, HtmlSelectElement, Window};

use crate::dom::{self, append, by_id, create, create_text, set_attr, set_text, show};
use crate::engine::bug_lab::{Bug, PlantedBug};
use crate::engine::learn;
use crate::engine::link::class::{class_link, teachable_controls, ClassLink};
use crate::engine::named::Named;

/// What the teacher did in the dialog.
#[derive(Clone, Copy, Debug)]
pub enum TeachAction {
    /// Open the dialog on the current state.
    Open,
    /// A field changed: rebuild the link.
    Update,
    /// Copy the link.
    Copy,
    /// Show the link in the preview frame.
    Preview,
    /// Close the dialog.
    Close,
}

/// One control's row: its id and its Hide and Lock boxes.
struct ControlRow {
    id: &'static str,
    hide: HtmlInputElement,
    lock: HtmlInputElement,
}

/// The dialog's fields.
pub struct TeacherDialog {
    dialog: HtmlDialogElement,
    from: HtmlSelectElement,
    step: HtmlInputElement,
    bug: HtmlSelectElement,
    secret: HtmlInputElement,
    note: HtmlInputElement,
    embed: HtmlInputElement,
    /// The controls table's body.
    controls: HtmlElement,
    rows: Vec<ControlRow>,
    link: HtmlInputElement,
    open: HtmlElement,
    frame: HtmlElement,
    status: HtmlElement,
    /// The current state's link pairs, taken when the dialog opened.
    current: String,
}

impl TeacherDialog {
    /// Binds to the dialog and fills its pickers and the controls table.
    pub fn new(document: &Document) -> Result<TeacherDialog, String> {
        let typed = |id: &str| dom::typed::<HtmlInputElement>(document, id);
        let mut d = TeacherDialog {
            dialog: dom::typed(document, "teacher")?,
            from: dom::typed(document, "teach-from")?,
            step: typed("teach-step")?,
            bug: dom::typed(document, "teach-bug")?,
            secret: typed("teach-secret")?,
            note: typed("teach-note")?,
            embed: typed("teach-embed")?,
            controls: by_id(document, "teach-controls")?,
            rows: Vec::new(),
            link: typed("teach-link")?,
            open: by_id(document, "teach-open")?,
            frame: by_id(document, "teach-frame")?,
            status: by_id(document, "teach-status")?,
            current: String::new(),
        };
        d.relabel();
        Ok(d)
    }

    /// Fills the pickers and the controls table in the current language
    /// (again after a language change: what was chosen stays chosen).
    pub fn relabel(&mut self) {
        let (from, bug) = (self.from.value(), self.bug.value());
        dom::clear(&self.from);
        add_option(&self.from, "", &crate::tr!("web.teacher.current_state"));
        for lesson in &learn::catalog().lessons {
            add_option(&self.from, &lesson.id, &crate::tr!("web.teacher.lesson", title = lesson.title));
        }
        dom::clear(&self.bug);
        add_option(&self.bug, "", &crate::tr!("web.teacher.no_bug"));
        for bug in Bug::ALL {
            add_option(&self.bug, bug.name(), &bug.option());
        }
        self.from.set_value(&from);
        self.bug.set_value(&bug);
        let ticked: Vec<(&str, bool, bool)> =
            self.rows.iter().map(|r| (r.id, r.hide.checked(), r.lock.checked())).collect();
        self.rows = control_rows(&self.controls);
        for row in &self.rows {
            if let Some(&(_, hide, lock)) = ticked.iter().find(|(id, _, _)| *id == row.id) {
                row.hide.set_checked(hide);
                row.lock.set_checked(lock);
            }
        }
    }

    /// Opens the dialog on the current state (`current`: its link pairs, at
    /// step `step`).
    pub fn open(&mut self, current: &str, step: u64) {
        self.current = current.to_string();
        self.from.set_value("");
        self.step.set_value(&step.to_string());
        show(&self.frame, false);
        if !self.dialog.open() {
            let _ = self.dialog.show_modal();
        }
    }

    /// Closes the dialog (focus returns to the button that opened it).
    pub fn close(&self) {
        self.dialog.close();
    }

    /// The teacher's choices as they stand.
    fn choices(&self) -> ClassLink {
        let ticked = |pick: fn(&ControlRow) -> &HtmlInputElement| {
            self.rows.iter().filter(|r| pick(r).checked()).map(|r| r.id.to_string()).collect()
        };
        let bug = Bug::from_name(&self.bug.value()).map(|bug| PlantedBug { bug, hidden: self.secret.checked() });
        ClassLink {
            hide: ticked(|r| &r.hide),
            lock: ticked(|r| &r.lock),
            bug,
            step: self.step.value().trim().parse().ok(),
            note: Some(self.note.value()).filter(|n| !n.trim().is_empty()),
            embed: self.embed.checked(),
            // The class sees the page in the language the teacher built it in.
            lang: crate::engine::i18n::current(),
        }
    }

    /// Rebuilds the link from the form; returns it (the full address).
    pub fn update(&self, window: &Window) -> String {
        let base = match learn::catalog().lesson(&self.from.value()) {
            Some(lesson) => lesson.href(),
            None => self.current.clone(),
        };
        let (pairs, rejected) = class_link(&base, &self.choices());
        let location = window.location();
        let page = location.pathname().unwrap_or_else(|_| "/".into());
        let address = format!("{}{page}#{pairs}", location.origin().unwrap_or_default());
        self.link.set_value(&address);
        set_attr(&self.open, "href", &format!("{page}#{pairs}"));
        let problems: Vec<String> =
            rejected.iter().map(|r| crate::tr!("web.teacher.problem", key = r.key, reason = r.reason)).collect();
        set_text(&self.status, &problems.join(&crate::tr!("web.teacher.problem_separator")));
        address
    }

    /// Loads the link into the preview frame.
    pub fn preview(&self, window: &Window) {
        let address = self.update(window);
        set_attr(&self.frame, "src", &address);
        show(&self.frame, true);
    }

    /// Copies the link (selecting it when the clipboard refuses).
    pub fn copy(&self, window: &Window) {
        let address = self.update(window);
        let field = self.link.clone();
        let status = self.status.clone();
        let promise = window.navigator().clipboard().write_text(&address);
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => set_text(&status, &crate::tr!("web.share.copied")),
                Err(_) => {
                    field.select();
                    set_text(&status, &crate::tr!("web.share.press_copy"));
                }
            }
        });
    }
}

/// One row per teachable control: its name and Hide and Lock boxes.
fn control_rows(tbody: &HtmlElement) -> Vec<ControlRow> {
    dom::clear(tbody);
    teachable_controls()
        .into_iter()
        .map(|(id, label)| {
            let tr: HtmlElement = create("tr", "");
            append(&tr, &create_text("th", "", &label));
            let tick = |what: &str, aria: String| {
                let td: HtmlElement = create("td", "");
                let input: HtmlInputElement = create("input", "");
                input.set_type("checkbox");
                input.set_id(&format!("teach-{what}-{id}"));
                set_attr(&input, "aria-label", &aria);
                append(&td, &input);
                append(&tr, &td);
                input
            };
            let hide = tick("hide", crate::tr!("web.teacher.hide", control = label));
            let lock = tick("lock", crate::tr!("web.teacher.lock", control = label));
            append(tbody, &tr);
            ControlRow { id, hide, lock }
        })
        .collect()
}

fn add_option(select: &HtmlSelectElement, value: &str, label: &str) {
    let opt = create_text("option", "", label);
    set_attr(&opt, "value", value);
    append(select, &opt);
}
