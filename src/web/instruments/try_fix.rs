//! "Try the fix" on the page: each doctor finding whose fix is a change to
//! the experiment gets a button naming the change (`lr=0.3`); pressing it
//! trains the experiment as it is and the fixed one side by side in the
//! checks' worker ([`crate::engine::instruments::try_fix`]), then shows
//! the symptom, the doctor's verdict, the losses and accuracies of both, a
//! sentence on whether the fix helped, and both loss curves; both runs go
//! to the history. "Use the fixed experiment" opens its link.
//!
//! A class link's hidden settings stay hidden (the button then names no
//! value), and a locked one cannot be changed by "use".

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlCanvasElement, HtmlElement, Performance};

use super::{verdict, Instruments};
use crate::dom::{self, append, create, create_text, set_attr, set_text, show};
use crate::engine::instruments::finding::{num, Finding};
use crate::engine::instruments::long_checks::Request;
use crate::engine::instruments::remedy::{changed_pairs, touches, Remedy};
use crate::engine::instruments::try_fix::{percent, Side, TryFix, Verdict};
use crate::engine::link::Link;
use crate::engine::runs::RunRecord;
use crate::engine::trainer::Trainer;

/// The result block's elements.
pub(super) struct TryFixEls {
    pub(super) time: HtmlElement,
    result: HtmlElement,
    title: HtmlElement,
    steps: HtmlElement,
    body: HtmlElement,
    verdict: HtmlElement,
    chart: HtmlCanvasElement,
    saved: HtmlElement,
    use_fixed: HtmlElement,
}

impl TryFixEls {
    pub(super) fn find(d: &Document) -> Result<TryFixEls, String> {
        let id = |name: &str| dom::by_id(d, name);
        let body = id("tryfix-table")?
            .query_selector("tbody")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlElement>().ok())
            .ok_or("#tryfix-table has no tbody")?;
        Ok(TryFixEls {
            time: id("tryfix-time")?,
            result: id("tryfix-result")?,
            title: id("tryfix-title")?,
            steps: id("tryfix-steps")?,
            body,
            verdict: id("tryfix-verdict")?,
            chart: dom::typed(d, "tryfix-chart")?,
            saved: id("tryfix-saved")?,
            use_fixed: id("tryfix-use")?,
        })
    }
}

/// What the doctor's last findings offer.
#[derive(Default)]
pub(super) struct Offers {
    /// The link the doctor examined (experiment, view, classroom, bug).
    link: Option<Link>,
    /// Its findings, in the page's order.
    findings: Vec<Finding>,
    /// The fix being tried or last tried: its finding's index.
    tried: Option<usize>,
}

impl Instruments {
    /// Runs the doctor on `trainer`, whose whole link is `link`.
    pub fn start_doctor(&mut self, link: Link, trainer: &Trainer, clock: &Performance) {
        self.offers = Offers { link: Some(link), ..Offers::default() };
        self.clear_try_fix();
        self.start_check(Request::Doctor { overfit_k: 0 }, trainer, clock);
    }

    /// Adds a "try the fix" button to each warning or error whose fix
    /// changes the experiment.
    pub(super) fn offer_fixes(&mut self, findings: &[Finding]) {
        self.offers.findings = findings.to_vec();
        let Some(link) = &self.offers.link else { return };
        for (i, f) in findings.iter().enumerate() {
            let Some(remedy) = f.remedy.filter(|r| f.is_alarm() && r.applies_to(link)) else { continue };
            let Some(li) = dom::document().get_element_by_id(&format!("doctor-finding-{i}")) else { continue };
            let label = match change_words(link, remedy) {
                Some(change) => crate::tr!("tryfix.button", change = change),
                None => crate::tr!("tryfix.button_plain"),
            };
            let button = create_text("button", "small try-fix", &label);
            set_attr(&button, "type", "button");
            set_attr(&button, "data-try-fix", &i.to_string());
            let steps = crate::engine::instruments::try_fix::steps_for(link.config.step.unwrap_or(0));
            set_attr(&button, "title", &crate::tr!("tryfix.button_title", steps = steps));
            append(li.unchecked_ref(), &button);
        }
    }

    /// Tries the fix of the doctor's finding `i` on `trainer`.
    pub fn start_try_fix(&mut self, i: usize, trainer: &Trainer, clock: &Performance) {
        let Some(f) = self.offers.findings.get(i) else { return };
        let Some(remedy) = f.remedy else { return };
        self.offers.tried = Some(i);
        self.start_check(Request::TryFix { problem: f.problem, remedy }, trainer, clock);
    }

    /// The full link of the fixed experiment last tried, when "use" may
    /// open it (`None` when it would change a locked setting).
    pub fn fixed_link(&self) -> Option<Link> {
        let (link, i) = (self.offers.link.as_ref()?, self.offers.tried?);
        let fixed = self.offers.findings.get(i)?.remedy?.apply(link);
        (!touches(&changed_pairs(link, &fixed), &link.classroom.lock)).then_some(fixed)
    }

    /// Hides the last result (a new run, or the fix being tried again).
    pub(super) fn clear_try_fix(&self) {
        show(&self.tf.result, false);
        dom::clear(&self.tf.body);
    }

    /// Shows a comparison; returns both runs, for the history.
    pub(super) fn show_try_fix(&mut self, r: &TryFix, ms: f64) -> Vec<RunRecord> {
        let tf = &self.tf;
        set_text(&tf.time, &crate::tr!("tryfix.time", steps = r.steps, ms = format!("{ms:.0}")));
        let finding = self.offers.tried.and_then(|i| self.offers.findings.get(i));
        let change = self.offers.link.as_ref().and_then(|l| change_words(l, r.remedy));
        let title = crate::tr!(
            "tryfix.title",
            change = change.unwrap_or_else(|| crate::tr!("tryfix.button_plain")),
            finding = finding.map_or("", |f| f.sentence.as_str())
        );
        set_text(&tf.title, &title);
        set_text(&tf.steps, &crate::tr!("tryfix.steps", steps = r.steps));
        dom::clear(&tf.body);
        for (kind, label, current, fixed) in rows(r) {
            let tr: HtmlElement = create("tr", "");
            set_attr(&tr, "data-row", kind);
            append(&tr, &create_text("th", "", &label));
            append(&tr, &create_text("td", "", &current));
            append(&tr, &create_text("td", "", &fixed));
            append(&tf.body, &tr);
        }
        let (class, outcome) = match r.verdict {
            Verdict::Helped => ("ok", "helped"),
            Verdict::Partly => ("warn", "partly"),
            Verdict::NotHelped => ("bad", "not-helped"),
        };
        verdict(&tf.verdict, ("", class));
        set_text(&tf.verdict, &r.sentence());
        set_attr(&tf.verdict, "data-outcome", outcome);
        set_attr(&tf.result, "data-changed", &r.changed.join(" "));
        for (name, v) in [
            ("data-current-loss", Some(r.current.train_loss)),
            ("data-fixed-loss", Some(r.fixed.train_loss)),
            ("data-current-symptom", r.current.symptom),
            ("data-fixed-symptom", r.fixed.symptom),
        ] {
            set_attr(&tf.result, name, &v.map_or(String::new(), |v| v.to_string()));
        }
        let spec = crate::viz::try_fix::chart(
            r,
            String::new(),
            crate::tr!("web.charts.step"),
            crate::tr!("web.charts.data_loss"),
        );
        crate::views::draw_on(&tf.chart, &spec);
        set_text(&tf.saved, &crate::tr!("tryfix.saved"));
        let usable = self.fixed_link().is_some();
        dom::set_disabled(&tf.use_fixed, !usable);
        let why = if usable { String::new() } else { crate::tr!("tryfix.use_locked") };
        set_attr(&tf.use_fixed, "title", &why);
        show(&tf.result, true);
        vec![r.current.record.clone(), r.fixed.record.clone()]
    }
}

/// What a fix changes, in the link's words (`init=he_n`; a key it only
/// removes, like `ia` once the initializer has no scale, goes unsaid), or
/// "remove the planted bug"; `None` when the link hides a setting it changes.
fn change_words(link: &Link, remedy: Remedy) -> Option<String> {
    let changed = changed_pairs(link, &remedy.apply(link));
    if touches(&changed, &link.classroom.hide) {
        return None;
    }
    if remedy == Remedy::RemoveBug {
        return Some(crate::tr!("tryfix.remove_bug"));
    }
    let set: Vec<&str> = changed.iter().filter(|p| !p.ends_with('=')).map(String::as_str).collect();
    Some(set.join(" "))
}

/// The table's rows: (kind, label, as it is, with the fix).
fn rows(r: &TryFix) -> Vec<(&'static str, String, String, String)> {
    let yes_no = |b: bool| if b { crate::tr!("tryfix.yes") } else { crate::tr!("tryfix.no") };
    let figure = |v: Option<f64>| v.map_or_else(|| "–".to_string(), num);
    let others = |s: &Side| {
        let ids: Vec<&str> = s.alarms.iter().filter(|p| **p != r.problem).map(|p| p.name()).collect();
        if ids.is_empty() {
            crate::tr!("tryfix.none")
        } else {
            ids.join(", ")
        }
    };
    let (c, f) = (&r.current, &r.fixed);
    let mut out = vec![
        ("symptom", crate::tr!("tryfix.row_symptom", label = &r.symptom_label), figure(c.symptom), figure(f.symptom)),
        ("named", crate::tr!("tryfix.row_named"), yes_no(c.names(r.problem)), yes_no(f.names(r.problem))),
        ("train-loss", crate::tr!("tryfix.row_train_loss"), figure(Some(c.train_loss)), figure(Some(f.train_loss))),
        ("test-loss", crate::tr!("tryfix.row_test_loss"), figure(Some(c.test_loss)), figure(Some(f.test_loss))),
    ];
    if c.train_acc.is_some() || f.train_acc.is_some() {
        out.push(("train-acc", crate::tr!("tryfix.row_train_acc"), percent(c.train_acc), percent(f.train_acc)));
        out.push(("test-acc", crate::tr!("tryfix.row_test_acc"), percent(c.test_acc), percent(f.test_acc)));
    }
    out.push(("diverged", crate::tr!("tryfix.row_diverged"), yes_no(c.diverged), yes_no(f.diverged)));
    out.push(("others", crate::tr!("tryfix.row_others"), others(c), others(f)));
    out
}
