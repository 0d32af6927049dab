//! The Learn panel: the checklist item by item, the guided lessons, and the
//! open lesson's card (text, what to look at, the question, "Check my
//! answer", the fix, the next lesson). Everything it shows comes from
//! [`crate::engine::learn`] and is set as text.
//!
//! The panel's state lives in the link (`learn=3.4`, `lesson=vanishing`):
//! opening an item or a lesson writes it, and a shared link opens the same
//! item or lesson. Starting a lesson, applying its fix and moving to the
//! next one are navigations to the lesson's link (`location.hash`), so the
//! experiment is built exactly as the link says and Back returns to the
//! previous one. Finished lessons are kept in the browser (`localStorage`),
//! never sent anywhere.

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement, HtmlInputElement, ScrollIntoViewOptions, ScrollLogicalPosition};

use crate::dom::{self, append, by_id, create, create_text, set_attr, set_text, show, toggle_class};
use crate::engine::learn::{self, Catalog, Lesson};

/// `localStorage` key of the finished lessons (a comma list of lesson ids).
const DONE_KEY: &str = "gradlab.lessons.done";

/// What the learner did in the panel.
#[derive(Clone, Debug)]
pub enum LearnAction {
    /// Open or close the panel (None: toggle).
    Toggle(Option<bool>),
    /// Show checklist item `id` (`"3.4"`).
    Item(String),
    /// Start lesson `id` from its link.
    Start(String),
    /// "Check my answer".
    Check,
    /// "Apply the fix".
    Fix,
    /// "Next lesson".
    Next,
}

/// The panel's elements.
pub struct LearnPanel {
    body: HtmlElement,
    panel: HtmlElement,
    button: HtmlElement,
    card: HtmlElement,
    kicker: HtmlElement,
    item_ref: HtmlElement,
    title: HtmlElement,
    text: HtmlElement,
    look: HtmlElement,
    question: HtmlElement,
    choices: HtmlElement,
    result: HtmlElement,
    fix_text: HtmlElement,
    next: HtmlElement,
    lessons: HtmlElement,
    progress: HtmlElement,
    checklist: HtmlElement,
    /// The checklist items' `<details>`, by item id.
    items: Vec<(String, HtmlElement)>,
    /// The lesson on the card.
    pub lesson: Option<String>,
    /// The item last opened.
    pub item: Option<String>,
}

impl LearnPanel {
    /// Binds to the panel and fills the lesson list and the checklist.
    pub fn new(document: &Document) -> Result<LearnPanel, String> {
        let id = |name: &str| by_id(document, name);
        let panel = LearnPanel {
            body: document.body().ok_or("no body")?,
            panel: id("learn")?,
            button: id("learn-button")?,
            card: id("lesson-card")?,
            kicker: id("lesson-kicker")?,
            item_ref: id("lesson-item")?,
            title: id("lesson-title")?,
            text: id("lesson-text")?,
            look: id("lesson-look")?,
            question: id("lesson-question")?,
            choices: id("lesson-choices")?,
            result: id("lesson-result")?,
            fix_text: id("lesson-fix-text")?,
            next: id("lesson-next")?,
            lessons: id("lessons-list")?,
            progress: id("lessons-progress")?,
            items: fill_checklist(&id("checklist")?, learn::catalog()),
            checklist: id("checklist")?,
            lesson: None,
            item: None,
        };
        panel.fill_lessons();
        Ok(panel)
    }

    /// Everything again in the current language: the lesson list, the
    /// checklist (the open item stays open) and the lesson on the card.
    pub fn relabel(&mut self) {
        self.items = fill_checklist(&self.checklist, learn::catalog());
        self.fill_lessons();
        if let Some(id) = self.lesson.clone() {
            self.show_lesson(&id);
        }
        if let Some(id) = self.item.clone() {
            self.open_item(&id);
        }
    }

    /// Whether the panel is open.
    pub fn is_open(&self) -> bool {
        !self.panel.hidden()
    }

    /// Opens or closes the panel.
    pub fn set_open(&self, open: bool) {
        show(&self.panel, open);
        toggle_class(&self.body, "learn-open", open);
        set_attr(&self.button, "aria-expanded", if open { "true" } else { "false" });
    }

    /// Shows what the link asks for: its lesson on the card and its item
    /// opened (either opens the panel).
    pub fn show_link(&mut self, item: Option<&str>, lesson: Option<&str>) {
        if let Some(id) = lesson {
            if self.lesson.as_deref() == Some(id) {
                // The same lesson, another state (its fix, an edit): the
                // last reply no longer describes what is on screen.
                set_text(&self.result, "");
                set_attr(&self.result, "data-verdict", "");
            } else {
                self.show_lesson(id);
            }
        } else {
            self.lesson = None;
            show(&self.card, false);
        }
        // Opened (and scrolled to) only when it changes, not at every edit.
        match item {
            Some(id) if self.item.as_deref() != Some(id) => self.open_item(id),
            Some(_) => {}
            None => self.item = None,
        }
        if item.is_some() || lesson.is_some() {
            self.set_open(true);
        }
    }

    /// Opens checklist item `id` (and closes the others) and scrolls to it.
    pub fn open_item(&mut self, id: &str) {
        self.item = Some(id.to_string());
        for (item, el) in &self.items {
            if item == id {
                let _ = el.set_attribute("open", "");
                let opts = ScrollIntoViewOptions::new();
                opts.set_block(ScrollLogicalPosition::Nearest);
                el.scroll_into_view_with_scroll_into_view_options(&opts);
            } else {
                let _ = el.remove_attribute("open");
            }
        }
    }

    /// Puts lesson `id` on the card: text, question with fresh choices, fix.
    fn show_lesson(&mut self, id: &str) {
        let catalog = learn::catalog();
        let Some(lesson) = catalog.lesson(id) else { return };
        let n = catalog.lessons.iter().position(|l| l.id == id).map_or(0, |i| i + 1);
        self.lesson = Some(id.to_string());
        set_text(&self.kicker, &crate::tr!("learn.lesson_n_of", n = n, total = catalog.lessons.len()));
        let item_title = catalog.item(&lesson.item).map_or("", |i| i.title.as_str());
        set_text(&self.item_ref, &crate::tr!("learn.checklist_ref", id = lesson.item, title = item_title));
        set_attr(&self.item_ref, "data-learn", &lesson.item);
        set_text(&self.title, &lesson.title);
        set_text(&self.text, &lesson.text);
        set_text(&self.look, &lesson.look);
        set_text(&self.question, &lesson.question);
        self.fill_choices(lesson);
        set_text(&self.result, "");
        set_attr(&self.result, "data-verdict", "");
        set_text(&self.fix_text, &lesson.fix.text);
        show(&self.next, catalog.next_lesson(id).is_some());
        show(&self.card, true);
    }

    fn fill_choices(&self, lesson: &Lesson) {
        dom::clear(&self.choices);
        for (i, choice) in lesson.choice.iter().enumerate() {
            let label: HtmlElement = create("label", "choice");
            let input: HtmlInputElement = create("input", "");
            input.set_type("radio");
            input.set_name("lesson-choice");
            input.set_value(&i.to_string());
            append(&label, &input);
            append(&label, &create_text("span", "", &choice.label));
            append(&self.choices, &label);
        }
    }

    /// The chosen answer's index, if any.
    pub fn chosen(&self) -> Option<usize> {
        let el = self.choices.query_selector("input:checked").ok().flatten()?;
        el.dyn_ref::<HtmlInputElement>()?.value().parse().ok()
    }

    /// Shows the reply to a check; a right answer marks the lesson done.
    pub fn show_result(&self, message: &str, verdict: &str) {
        set_text(&self.result, message);
        set_attr(&self.result, "data-verdict", verdict);
        if verdict == "right" {
            if let Some(id) = &self.lesson {
                mark_done(id);
                self.fill_lessons();
            }
        }
    }

    /// The list of lessons with a ✓ on the finished ones, and the count.
    fn fill_lessons(&self) {
        let catalog = learn::catalog();
        let done = done_lessons();
        dom::clear(&self.lessons);
        for lesson in &catalog.lessons {
            let li: HtmlElement = create("li", "");
            let finished = done.iter().any(|d| d == &lesson.id);
            let button: HtmlElement = create_text("button", "lesson-start", &lesson.title);
            set_attr(&button, "type", "button");
            set_attr(&button, "data-lesson", &lesson.id);
            append(&li, &button);
            if finished {
                let mark = create_text("span", "lesson-done", &crate::tr!("learn.done_mark"));
                append(&li, &mark);
            }
            append(&self.lessons, &li);
        }
        let count = catalog.lessons.iter().filter(|l| done.contains(&l.id)).count();
        set_text(&self.progress, &crate::tr!("learn.progress", count = count, total = catalog.lessons.len()));
    }
}

/// The checklist: per section a heading, per item a `<details>` with what,
/// why, how to see it here, and the lessons that teach it. Returns the
/// items' elements.
fn fill_checklist(root: &HtmlElement, catalog: &Catalog) -> Vec<(String, HtmlElement)> {
    dom::clear(root);
    let mut items = Vec::new();
    for section in &catalog.checklist.section {
        append(root, &create_text("h4", "learn-section", &format!("{} · {}", section.id, section.title)));
        for item in catalog.checklist.item.iter().filter(|i| i.section() == section.id) {
            let details: HtmlElement = create("details", "learn-item");
            details.set_id(&format!("learn-{}", item.id.replace('.', "-")));
            set_attr(&details, "data-item", &item.id);
            append(&details, &create_text("summary", "", &format!("{} {}", item.id, item.title)));
            let what = [
                (crate::tr!("learn.what"), &item.what),
                (crate::tr!("learn.why"), &item.why),
                (crate::tr!("learn.here"), &item.here),
            ];
            for (label, text) in what {
                let p: HtmlElement = create("p", "");
                append(&p, &create_text("b", "", &label));
                append(&p, &create_text("span", "", text));
                append(&details, &p);
            }
            let lessons = catalog.lessons_of(&item.id);
            if !lessons.is_empty() {
                let p: HtmlElement = create_text("p", "learn-lessons", &crate::tr!("learn.try_it"));
                for lesson in lessons {
                    let b = create_text("button", "lesson-start small", &lesson.title);
                    set_attr(&b, "type", "button");
                    set_attr(&b, "data-lesson", &lesson.id);
                    append(&p, &b);
                }
                append(&details, &p);
            }
            append(root, &details);
            items.push((item.id.clone(), details));
        }
    }
    items
}

/// The lessons this browser finished.
fn done_lessons() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(DONE_KEY).ok().flatten())
        .map(|v| v.split(',').filter(|id| learn::is_lesson(id)).map(String::from).collect())
        .unwrap_or_default()
}

/// Records lesson `id` as finished (nothing when storage is off).
fn mark_done(id: &str) {
    let mut done = done_lessons();
    if !done.iter().any(|d| d == id) {
        done.push(id.to_string());
        if let Some(s) = storage() {
            let _ = s.set_item(DONE_KEY, &done.join(","));
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
