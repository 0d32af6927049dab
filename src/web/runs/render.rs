//! Drawing the runs panel from [`crate::engine::runs::table`]'s model: the
//! status line, the table (a sort button per header, a row per run), the
//! diff against the baseline and the overlay chart with its legend. Every
//! text is set as text, never as HTML.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement};

use super::{Els, Inner, COLORS};
use crate::dom::{self, set_attr, set_text, show};
use crate::engine::runs::table::{self, Sort};
use crate::engine::runs::verify::{Verdict, MAX_STEPS, MAX_WORK};
use crate::engine::runs::RunRecord;
use crate::viz::chart::{ChartSpec, Curve};
use std::cell::RefCell;
use std::rc::Rc;

/// Redraws the status, the table, the diff and the overlay.
pub(super) fn render(rc: &Rc<RefCell<Inner>>) {
    let mut inner = rc.borrow_mut();
    let inner = &mut *inner;
    let list = table::sort(inner.decoded.entries_hiding(&inner.runs, &inner.hidden), &inner.sort);
    render_overlay(&inner.els, &mut inner.overlay_drawn, &list, &inner.selected);
    let els = &inner.els;
    let (state, status) = inner.history.status();
    set_text(&els.status, &status);
    set_attr(&els.status, "data-state", state);
    set_text(&els.count, &crate::tr!("web.runs.count", n = inner.runs.len()));
    set_attr(&els.count, "data-count", &inner.runs.len().to_string());

    let cols = table::columns(&table::differing_keys(&list));
    let baseline = inner.baseline.as_ref().and_then(|b| list.iter().find(|e| &e.run.id == b));
    dom::clear(&els.table);
    dom::append(&els.table, &header(&cols, &inner.sort));
    let tbody: Element = dom::create("tbody", "");
    let offset = |ms: f64| js_sys::Date::new(&JsValue::from_f64(ms)).get_timezone_offset();
    for e in &list[table::page_rows(inner.page, list.len())] {
        let differs = baseline.map(|b| table::diff(b, e)).unwrap_or_default();
        let is_base = baseline.is_some_and(|b| b.run.id == e.run.id);
        let cells = table::row_cells(e, &cols, &differs, &offset);
        let tr = row(e.run, is_base, inner.selected.contains(&e.run.id), &cells);
        if inner.unsaved.contains(&e.run.id) {
            // Refused for quota: in this tab only (the status line says so).
            set_attr(&tr, "data-saved", "no");
        }
        if let Some(verdict) = inner.verdicts.get(&e.run.id) {
            mark_verdict(&tr, e.run, *verdict);
        }
        dom::append(&tbody, &tr);
    }
    if let Some(text) = table::page_text(inner.page, list.len()) {
        dom::append(&tbody, &pager(&text, table::page_rows(inner.page, list.len()), list.len(), cols.len() + 3));
    }
    dom::append(&els.table, &tbody);
    if list.is_empty() {
        let tr: Element = dom::create("tr", "");
        let td = dom::create_text("td", "hint", &crate::tr!("web.runs.empty"));
        set_attr(&td, "colspan", &(cols.len() + 3).to_string());
        dom::append(&tr, &td);
        dom::append(&tbody, &tr);
    }
    render_diff(inner, &list, baseline);
}

/// Draws the overlay again (its canvas changed size), nothing else.
pub(super) fn redraw_overlay(rc: &Rc<RefCell<Inner>>) {
    let mut inner = rc.borrow_mut();
    let inner = &mut *inner;
    let list = table::sort(inner.decoded.entries_hiding(&inner.runs, &inner.hidden), &inner.sort);
    inner.overlay_drawn = None;
    render_overlay(&inner.els, &mut inner.overlay_drawn, &list, &inner.selected);
}

/// The pager row: previous page, where we are, next page.
fn pager(text: &str, rows: std::ops::Range<usize>, total: usize, span: usize) -> Element {
    let tr: Element = dom::create("tr", "runs-pager");
    let td: Element = dom::create("td", "");
    set_attr(&td, "colspan", &span.to_string());
    for (id, act, label, enabled) in [
        ("runs-prev", "page-prev", crate::tr!("web.runs.previous"), rows.start > 0),
        ("runs-next", "page-next", crate::tr!("web.runs.next"), rows.end < total),
    ] {
        let b = dom::create_text("button", "", &label);
        set_attr(&b, "type", "button");
        set_attr(&b, "id", id);
        set_attr(&b, "data-act", act);
        if !enabled {
            set_attr(&b, "disabled", "");
        }
        dom::append(&td, &b);
        if act == "page-prev" {
            let span = dom::create_text("span", "runs-page", &format!(" {text} "));
            set_attr(&span, "id", "runs-page");
            dom::append(&td, &span);
        }
    }
    dom::append(&tr, &td);
    tr
}

/// The header row: a sort button per column.
fn header(cols: &[table::Column], sort: &Sort) -> Element {
    let thead: Element = dom::create("thead", "");
    let head: Element = dom::create("tr", "");
    // The first column holds the choice boxes: its header is read out,
    // not shown.
    let choose = dom::create_text("th", "", "");
    set_attr(&choose, "scope", "col");
    dom::append(&choose, &dom::create_text("span", "sr-only", &crate::tr!("web.runs.chosen")));
    dom::append(&head, &choose);
    let pin = dom::create_text("th", "", &crate::tr!("web.runs.pin"));
    set_attr(&pin, "scope", "col");
    dom::append(&head, &pin);
    for col in cols {
        let th: Element = dom::create("th", "");
        set_attr(&th, "scope", "col");
        let marker = sort.marker(&col.id);
        if let Some((_, aria)) = marker {
            set_attr(&th, "aria-sort", aria);
        }
        let arrow = marker.map_or("", |(arrow, _)| arrow);
        let b = dom::create_text("button", "sort", &format!("{}{arrow}", col.title));
        set_attr(&b, "type", "button");
        set_attr(&b, "id", &col.button_id());
        set_attr(&b, "data-act", "sort");
        set_attr(&b, "data-id", &col.id);
        dom::append(&th, &b);
        dom::append(&head, &th);
    }
    dom::append(&head, &dom::create_text("th", "", &crate::tr!("web.runs.actions")));
    dom::append(&thead, &head);
    thead
}

/// One run's row: choose box, pin, the cells, the actions.
fn row(r: &RunRecord, is_base: bool, selected: bool, cells: &[table::CellView]) -> Element {
    let tr: Element = dom::create("tr", "");
    set_attr(&tr, "id", &format!("run-row-{}", r.id));
    set_attr(&tr, "data-id", &r.id);
    dom::toggle_class(&tr, "baseline", is_base);
    dom::toggle_class(&tr, "pinned", r.pinned);
    let td: Element = dom::create("td", "");
    let sel: HtmlInputElement = dom::create("input", "");
    sel.set_type("checkbox");
    sel.set_checked(selected);
    set_attr(&sel, "id", &format!("run-sel-{}", r.id));
    set_attr(&sel, "data-act", "sel");
    set_attr(&sel, "data-id", &r.id);
    set_attr(&sel, "aria-label", &crate::tr!("web.runs.choose", run = table::short(r)));
    dom::append(&td, &sel);
    dom::append(&tr, &td);
    let td: Element = dom::create("td", "");
    dom::append(&td, &row_button(r, "pin", if r.pinned { "★" } else { "☆" }, &crate::tr!("web.runs.pin_title")));
    dom::append(&tr, &td);
    for c in cells {
        let td = if c.col == "name" {
            // A name is the user's text (or the run's id): never translated
            // (what the page adds to the cell, a replay's badge, is).
            let td: HtmlElement = dom::create("td", "");
            let name = dom::create_text("span", "", &c.text);
            set_attr(&name, "translate", "no");
            dom::append(&td, &name);
            td
        } else {
            dom::create_text("td", "", &c.text)
        };
        set_attr(&td, "data-col", &c.col);
        if let Some(at) = c.changed_at {
            set_attr(&td, "title", &table::changed_title(at));
            set_attr(&td, "data-changed-at", &at.to_string());
        }
        if c.col == "name" {
            set_attr(&td, "class", "run-name");
            set_attr(&td, "title", &r.link);
        }
        if c.differs {
            dom::toggle_class(&td, "differs", true);
        }
        dom::append(&tr, &td);
    }
    let td: Element = dom::create("td", "actions");
    for (act, label, title) in [
        ("open", crate::tr!("web.runs.open"), crate::tr!("web.runs.open_title")),
        ("edit", crate::tr!("web.runs.edit"), crate::tr!("web.runs.edit_title")),
        ("base", crate::tr!("web.runs.base"), crate::tr!("web.runs.base_title")),
        ("del", crate::tr!("web.runs.delete"), crate::tr!("web.runs.delete_title")),
    ] {
        dom::append(&td, &row_button(r, act, &label, &title));
    }
    dom::append(&tr, &td);
    tr
}

/// Puts new replay verdicts (of the runs `ids`) on the rows shown, without
/// drawing the panel again: verdicts arrive a few at a time, and a redraw
/// of a long history is not cheap (tens of milliseconds for a thousand runs).
pub(super) fn mark_verdicts(rc: &Rc<RefCell<Inner>>, ids: &[String]) {
    let inner = rc.borrow();
    let document = dom::document();
    for id in ids {
        let Some(tr) = document.get_element_by_id(&format!("run-row-{id}")) else {
            continue; // not on the page shown
        };
        let Some(run) = inner.runs.iter().find(|r| &r.id == id) else {
            continue;
        };
        if let Some(badge) = document.get_element_by_id(&format!("run-why-{id}")) {
            badge.remove();
        }
        mark_verdict(&tr, run, inner.verdicts.get(id).copied().flatten());
    }
}

/// An imported run's replay on its row: `data-verdict`, and on a run that
/// did not verify or was not checked a badge in its name cell whose
/// explanation shows on hover and focus (and in the message line on a click).
fn mark_verdict(tr: &Element, r: &RunRecord, verdict: Option<Verdict>) {
    let Some(v) = verdict else {
        set_attr(tr, "data-verdict", "checking");
        return;
    };
    set_attr(tr, "data-verdict", v.id());
    if v == Verdict::Verified {
        return;
    }
    let (label, why) = verdict_text(r, v);
    let badge = dom::create_text("button", &format!("verdict {}", v.id()), &label);
    set_attr(&badge, "type", "button");
    set_attr(&badge, "id", &format!("run-why-{}", r.id));
    set_attr(&badge, "data-act", "why");
    set_attr(&badge, "data-id", &r.id);
    set_attr(&badge, "title", &why);
    let tip = dom::create_text("span", "verdict-tip", &why);
    set_attr(&tip, "aria-hidden", "true");
    dom::append(&badge, &tip);
    // First in the cell: a long name is cut short after it, not the badge.
    if let Ok(Some(cell)) = tr.query_selector("td.run-name") {
        let _ = cell.prepend_with_node_1(&badge);
    }
}

/// A verdict's badge and its explanation.
pub(super) fn verdict_text(r: &RunRecord, v: Verdict) -> (String, String) {
    match v {
        Verdict::Verified => (String::new(), String::new()),
        Verdict::Unverified => (
            crate::tr!("web.runs.unverified"),
            crate::tr!(
                "web.runs.unverified_why",
                steps = r.steps,
                fingerprint = r.fingerprint,
                version = r.app_version
            ),
        ),
        Verdict::TooLarge => (
            crate::tr!("web.runs.not_checked"),
            crate::tr!("web.runs.too_large_why", steps = r.steps, most = MAX_STEPS, max = MAX_WORK),
        ),
        Verdict::Unreplayable => (crate::tr!("web.runs.not_checked"), crate::tr!("web.runs.unreplayable_why")),
    }
}

fn row_button(r: &RunRecord, act: &str, label: &str, title: &str) -> HtmlElement {
    let b = dom::create_text("button", "small", label);
    set_attr(&b, "type", "button");
    set_attr(&b, "id", &format!("run-{act}-{}", r.id));
    set_attr(&b, "data-act", act);
    set_attr(&b, "data-id", &r.id);
    set_attr(&b, "title", title);
    b
}

/// The diff of the chosen runs (or all) against the baseline.
fn render_diff(inner: &Inner, list: &[table::Entry<'_>], baseline: Option<&table::Entry<'_>>) {
    let ul = &inner.els.diff;
    dom::clear(ul);
    let Some(base) = baseline else {
        dom::append(ul, &dom::create_text("li", "hint", &crate::tr!("web.runs.no_baseline")));
        return;
    };
    dom::append(
        ul,
        &dom::create_text("li", "diff-base", &crate::tr!("web.runs.baseline", run = table::short(base.run))),
    );
    for line in table::diff_lines(list, base, &inner.selected) {
        let li = dom::create_text("li", "", &line.text);
        set_attr(&li, "data-id", &line.id);
        set_attr(&li, "data-keys", &line.keys.join(","));
        dom::append(ul, &li);
    }
}

/// Overlays the training loss of up to four chosen runs; `drawn` is what
/// the canvas shows, so an unchanged overlay (a page turn, a sort) is not
/// drawn again (nor its canvas measured, which would lay the page out).
fn render_overlay(els: &Els, drawn: &mut Option<ChartSpec>, list: &[table::Entry<'_>], selected: &[String]) {
    let picked = table::overlay(list, selected);
    let (curves, legend) = overlay_curves(picked);
    show(els.chart.unchecked_ref(), !curves.is_empty());
    set_attr(&els.chart, "data-curves", &legend.len().to_string());
    if curves.is_empty() {
        dom::clear(&els.legend);
        *drawn = None;
        return;
    }
    let spec = ChartSpec {
        title: crate::tr!("web.runs.chart_title"),
        y_label: crate::tr!("web.charts.data_loss"),
        x_label: crate::tr!("web.charts.step"),
        curves,
        ..ChartSpec::default()
    };
    dom::clear(&els.legend);
    for li in legend {
        dom::append(&els.legend, &li);
    }
    if drawn.as_ref() == Some(&spec) {
        return;
    }
    crate::views::draw_on(&els.chart, &spec);
    *drawn = Some(spec);
}

/// The overlay's curves (train solid, test dashed, one colour per run) and
/// its legend items.
fn overlay_curves(picked: Vec<table::OverlayRun>) -> (Vec<Curve>, Vec<Element>) {
    let mut legend = Vec::new();
    let mut curves = Vec::new();
    for (run, color) in picked.into_iter().zip(COLORS) {
        // Unlabelled: the legend is the list below the chart, so nothing covers the curves.
        curves.push(Curve { label: String::new(), points: run.train, color, dashed: false });
        curves.push(Curve { label: String::new(), points: run.test, color, dashed: true });
        let li = dom::create_text("li", "", &run.label);
        let swatch: HtmlElement = dom::create("span", "swatch");
        let _ = swatch.style().set_property("background", &dom::css_rgb(color));
        let _ = li.prepend_with_node_1(&swatch);
        set_attr(&li, "data-id", &run.id);
        set_attr(&li, "translate", "no");
        set_attr(&li, "data-color", &dom::css_rgb(color));
        legend.push(li.into());
    }
    (curves, legend)
}
