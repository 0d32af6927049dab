//! The checks of the instruments panel: the model summary, the initial-loss
//! check (also run on every new run), and the long checks in the worker
//! (gradient check, tiny-batch overfit, the doctor, the learning-rate
//! finder) with their progress,
//! Cancel and outcomes. Verdicts and texts come from [`verdicts`].

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Performance};

use super::{show_value, verdict, Instruments};
use crate::dom::{self, append, create, create_text, set_attr, set_text, show};
use crate::engine::format::num;
use crate::engine::instruments::finding::Finding;
use crate::engine::instruments::gradient_check::GradientCheck;
use crate::engine::instruments::long_checks::{Message, Outcome, Request};
use crate::engine::instruments::lr_finder::{self, RangeTest, Rule};
use crate::engine::instruments::overfit::{self, Overfit};
use crate::engine::instruments::{cockpit, landscape};
use crate::engine::instruments::{initial_loss, summary, verdicts};
use crate::engine::runs::RunRecord;
use crate::engine::trainer::Trainer;
use crate::viz::lr_finder as lr_finder_view;

impl Instruments {
    pub(super) fn show_summary(&mut self, trainer: &Trainer) {
        let s = summary::summarize(&trainer.model);
        dom::clear(&self.els.summary_body);
        for row in &s.layers {
            let tr: HtmlElement = create("tr", verdicts::kind_class(row.kind));
            for c in verdicts::summary_cells(row) {
                append(&tr, &create_text("td", "", &c));
            }
            append(&self.els.summary_body, &tr);
        }
        set_text(&self.els.summary_total, &s.total_params.to_string());
        set_attr(&self.els.summary_total, "data-value", &s.total_params.to_string());
    }

    /// Runs the initial-loss check (also done automatically on every new run).
    pub fn show_initial_loss(&mut self, trainer: &Trainer) {
        let r = initial_loss::check(trainer);
        let els = &self.els;
        for (el, v) in [
            (&els.il_measured, r.measured),
            (&els.il_label_free, r.label_free),
            (&els.il_uniform, r.uniform),
            (&els.il_prior, r.prior),
        ] {
            show_value(el, (v, num(v)));
        }
        set_text(&els.il_uniform_label, &verdicts::uniform_label(trainer.cfg.loss, trainer.model.n_out));
        verdict(&els.il_verdict, verdicts::initial_loss(r.verdict));
        dom::clear(&els.il_causes);
        for c in &r.causes {
            append(&els.il_causes, &create_text("li", "", c));
        }
    }

    /// Stale results go, and a running check is stopped: it examined a
    /// trainer that no longer exists.
    pub(super) fn clear_checks(&mut self) {
        if let Some(running) = self.checks.running() {
            self.checks.cancel();
            self.show_progress(running, None);
        }
        for request in Request::KINDS {
            self.clear_outcome(request);
        }
        self.gradient_result = None;
        self.overfit_result = None;
        self.lr_result = None;
        let els = &self.els;
        for el in [&els.of_steps, &els.of_train_acc, &els.of_loss, &els.of_val_acc, &els.of_chance] {
            set_text(el, "–");
        }
    }

    /// Starts a long check in the worker, on a snapshot of `trainer`; its
    /// block shows progress and Cancel until the outcome arrives.
    pub fn start_check(&mut self, request: Request, trainer: &Trainer, clock: &Performance) {
        if let Some(running) = self.checks.running() {
            self.show_progress(running, None);
        }
        let k = self.overfit_k();
        let request = match request {
            Request::Overfit { .. } => Request::Overfit { k },
            Request::Doctor { .. } => Request::Doctor { overfit_k: k },
            r => r,
        };
        self.clear_outcome(request);
        match self.checks.start(request, trainer) {
            Ok(()) => {
                self.check_fp = Some(trainer.fingerprint());
                self.check_started_ms = clock.now();
                self.show_progress(request, Some(0.0));
            }
            Err(e) => set_text(self.time_el(request), &start_failed(request, &e)),
        }
    }

    /// `Cancel`: stops the running check; its block says so.
    pub fn cancel_check(&mut self) {
        if let Some(running) = self.checks.running() {
            self.checks.cancel();
            self.show_progress(running, None);
            set_text(self.time_el(running), &crate::tr!("web.checks.cancelled"));
        }
    }

    /// A message from the checks' worker; returns the runs it brought for
    /// the history ("try the fix" trains two).
    pub fn check_message(&mut self, message: Message, clock: &Performance) -> Vec<RunRecord> {
        let Some(running) = self.checks.running() else {
            return Vec::new(); // a cancelled check's last words
        };
        let ms = clock.now() - self.check_started_ms;
        match message {
            Message::Progress(done) => self.show_progress(running, Some(done)),
            Message::Done(outcome) => {
                self.checks.finished();
                self.show_progress(running, None);
                let fp = self.check_fp.take();
                match outcome {
                    Outcome::Gradients { check, note, sampling } => {
                        self.show_gradients(&check, note, sampling, ms);
                        self.gradient_result = fp.map(|fp| (fp, check));
                    }
                    Outcome::Overfit { overfit, summary } => {
                        self.show_overfit(&overfit, &summary, ms);
                        self.overfit_result = fp.map(|fp| (fp, overfit));
                    }
                    Outcome::Doctor { findings, .. } => self.show_doctor(&findings, ms),
                    Outcome::Cockpit { report } => self.show_cockpit(&report, ms),
                    Outcome::Landscape { slice } => self.show_landscape(&slice, ms),
                    Outcome::LrFinder { test } => {
                        self.show_lr_finder(&test, ms);
                        self.lr_result = Some(test);
                    }
                    Outcome::TryFix { report: Ok(report) } => return self.show_try_fix(&report, ms),
                    Outcome::TryFix { report: Err(why) } => set_text(&self.tf.time, &run_failed(running, &why)),
                }
            }
            Message::Failed(why) => {
                self.checks.cancel();
                self.show_progress(running, None);
                set_text(self.time_el(running), &run_failed(running, &why));
            }
        }
        Vec::new()
    }

    /// Index of a check's progress row.
    fn slot(request: Request) -> usize {
        match request {
            Request::Gradients => 0,
            Request::Overfit { .. } => 1,
            Request::Doctor { .. } => 2,
            Request::LrFinder => 3,
            Request::Cockpit => 4,
            Request::Landscape => 5,
            Request::TryFix { .. } => 6,
        }
    }

    /// The timing text of a check's block.
    fn time_el(&self, request: Request) -> &HtmlElement {
        match request {
            Request::Gradients => &self.els.gc_time,
            Request::Overfit { .. } => &self.els.of_time,
            Request::Doctor { .. } => &self.els.doc_time,
            Request::LrFinder => &self.els.lf_time,
            Request::Cockpit => &self.els.cp_time,
            Request::Landscape => &self.els.ls_time,
            Request::TryFix { .. } => &self.tf.time,
        }
    }

    /// Shows a check's progress (`Some(share done)`) or hides it (`None`).
    fn show_progress(&self, request: Request, done: Option<f64>) {
        let (row, bar, percent) = &self.els.progress[Self::slot(request)];
        show(row, done.is_some());
        if let Some(done) = done {
            let (value, text) = verdicts::progress(done);
            set_attr(bar, "value", &value);
            set_text(percent, &text);
        }
    }

    /// Empties a check's block before it runs again.
    fn clear_outcome(&self, request: Request) {
        let els = &self.els;
        set_text(self.time_el(request), "");
        match request {
            Request::Gradients => {
                verdict(&els.gc_verdict, ("", ""));
                dom::clear(&els.gc_body);
                for el in [&els.gc_table, &els.gc_kink, &els.gc_sampling] {
                    show(el, false);
                }
            }
            Request::Overfit { .. } => {
                verdict(&els.of_verdict, ("", ""));
                show(&els.of_note, false);
            }
            Request::Doctor { .. } => dom::clear(&els.doc_list),
            Request::Cockpit => {
                for el in [&els.cp_lines, &els.cp_advice] {
                    dom::clear(el);
                    show(el, false);
                }
            }
            Request::Landscape => {
                set_attr(&els.ls_map, "data-painted", "0");
                show(&els.ls_pictures, false);
                show(&els.ls_summary, false);
            }
            Request::TryFix { .. } => self.clear_try_fix(),
            Request::LrFinder => {
                set_text(&els.lf_summary, "");
                for el in [els.lf_chart.unchecked_ref(), &els.lf_summary, &els.lf_list] {
                    show(el, false);
                }
            }
        }
    }

    /// The gradient check's table, verdict and notes.
    fn show_gradients(&mut self, r: &GradientCheck, note: Option<String>, sampling: Option<String>, ms: f64) {
        let els = &self.els;
        dom::clear(&els.gc_body);
        for row in &r.tensors {
            let tr: HtmlElement = create("tr", "");
            set_attr(&tr, "data-band", verdicts::band_label(row.band));
            for c in verdicts::gradient_row(row) {
                append(&tr, &create_text("td", "", &c));
            }
            append(&els.gc_body, &tr);
        }
        show(&els.gc_table, true);
        verdict(&els.gc_verdict, verdicts::gradients(r.band));
        set_attr(&els.gc_verdict, "data-max", &r.max_rel.to_string());
        set_attr(&els.gc_verdict, "data-band", verdicts::band_label(r.band));
        set_text(&els.gc_time, &verdicts::gradients_time(r, ms));
        set_text(&els.gc_kink, note.as_deref().unwrap_or(""));
        show(&els.gc_kink, note.is_some());
        set_text(&els.gc_sampling, sampling.as_deref().unwrap_or(""));
        show(&els.gc_sampling, sampling.is_some());
    }

    /// The k of `#overfit-k`, clamped to 1–32.
    fn overfit_k(&self) -> usize {
        let k = self.els.of_k.value().trim().parse::<usize>().unwrap_or(8).clamp(1, overfit::MAX_K);
        self.els.of_k.set_value(&k.to_string());
        k
    }

    /// The overfit check's verdict and figures.
    fn show_overfit(&mut self, r: &Overfit, summary: &str, ms: f64) {
        let els = &self.els;
        let figures = verdicts::overfit_figures(r, ms);
        verdict(&els.of_verdict, verdicts::overfit(r.passed));
        set_text(&els.of_time, &figures.time);
        show_value(&els.of_steps, figures.steps);
        show_value(&els.of_train_acc, figures.train_acc);
        show_value(&els.of_loss, figures.loss);
        show_value(&els.of_val_acc, figures.val_acc);
        show_value(&els.of_chance, figures.chance);
        set_text(&els.of_note, summary);
        show(&els.of_note, !summary.is_empty());
    }

    /// Starts the learning-rate finder; `current` is the run's rate as the
    /// page may show it (`None` when the link hides it).
    /// `lr_locked`: the link locks the rate, so the "use" buttons are off.
    pub fn start_lr_finder(&mut self, current: Option<f64>, lr_locked: bool, trainer: &Trainer, clock: &Performance) {
        self.lr_current = current;
        self.lr_locked = lr_locked;
        self.start_check(Request::LrFinder, trainer, clock);
    }

    /// The rate a finder rule suggested, rounded as it is put in force.
    pub fn suggested_lr(&self, rule: Rule) -> Option<f64> {
        self.lr_result.as_ref()?.suggestion(rule).map(|s| lr_finder::rounded(s.lr))
    }

    /// The run's rate changed (a "use" button): the finder's dashed line and
    /// sentence follow it.
    pub fn lr_in_force(&mut self, current: Option<f64>) {
        self.lr_current = current;
        if let Some(test) = self.lr_result.take() {
            set_text(&self.els.lf_summary, &test.summary(current));
            crate::views::draw_on(&self.els.lf_chart, &lr_finder_view::chart(&test, current));
            self.lr_result = Some(test);
        }
    }

    /// The range test's chart, sentence and "use" buttons.
    fn show_lr_finder(&mut self, test: &RangeTest, ms: f64) {
        let els = &self.els;
        set_text(&els.lf_time, &crate::tr!("inst.lr_finder.time", steps = test.lrs.len(), ms = format!("{ms:.0}")));
        set_text(&els.lf_summary, &test.summary(self.lr_current));
        set_attr(&els.lf_summary, "data-stop", test.stop.id());
        show(&els.lf_summary, true);
        show(els.lf_chart.unchecked_ref(), true);
        crate::views::draw_on(&els.lf_chart, &lr_finder_view::chart(test, self.lr_current));
        set_attr(&els.lf_chart, "data-points", &test.lrs.len().to_string());
        for (rule, button) in Rule::ALL.iter().zip(&els.lf_use) {
            let li = button.parent_element();
            let suggestion = test.suggestion(*rule);
            if let Some(li) = &li {
                show(li.unchecked_ref(), suggestion.is_some());
                set_attr(
                    li.unchecked_ref(),
                    "data-lr",
                    &suggestion.map_or(String::new(), |s| lr_finder::rounded(s.lr).to_string()),
                );
            }
            if let Some(s) = suggestion {
                set_text(button, &crate::tr!("web.lr_finder.use", lr = lr_finder::lr_text(s.lr)));
            }
            dom::set_disabled(button, self.lr_locked);
            let why = if self.lr_locked { crate::tr!("web.app.locked", key = "lr") } else { String::new() };
            set_attr(button, "title", &why);
        }
        if let Some(current) = els.lf_list.query_selector("#lrfind-current").ok().flatten() {
            show(current.unchecked_ref(), self.lr_current.is_some());
        }
        show(&els.lf_list, !test.suggestions.is_empty() || self.lr_current.is_some());
    }

    /// Starts the rate and batch-size measurement; `show_lr`: whether its
    /// sentences may name the run's rate (a link can hide it).
    pub fn start_cockpit(&mut self, show_lr: bool, trainer: &Trainer, clock: &Performance) {
        self.cockpit_shows_lr = show_lr;
        self.start_check(Request::Cockpit, trainer, clock);
    }

    /// The measurement's sentences, each with its figure as data.
    pub(super) fn show_cockpit(&mut self, r: &cockpit::Report, ms: f64) {
        let els = &self.els;
        set_text(&els.cp_time, &crate::tr!("inst.cockpit_time.time", steps = r.steps, ms = format!("{ms:.0}")));
        dom::clear(&els.cp_lines);
        let figures = [
            ("alpha", r.alpha_median()),
            ("norm-test", r.tests.map(|t| t.norm)),
            ("lambda-max", Some(r.lambda_max)),
            ("distance", r.distances.last().map(|d| d.relative)),
        ];
        for ((kind, value), line) in figures.iter().zip(r.lines(self.cockpit_shows_lr)) {
            let li: HtmlElement = create_text("li", "", &line);
            set_attr(&li, "data-kind", kind);
            set_attr(&li, "data-value", &value.map_or(String::new(), |v| v.to_string()));
            append(&els.cp_lines, &li);
        }
        show(&els.cp_lines, true);
        dom::clear(&els.cp_advice);
        let advice = r.advice();
        for a in &advice {
            let li: HtmlElement = create_text("li", "warn", &a.sentence(self.cockpit_shows_lr));
            set_attr(&li, "data-advice", a.id());
            append(&els.cp_advice, &li);
        }
        show(&els.cp_advice, !advice.is_empty());
        self.cockpit_trace.push(r);
        self.draw_cockpit_charts();
    }

    /// Alpha per step and the top curvature against `2/lr`, over the run.
    fn draw_cockpit_charts(&self) {
        use crate::viz::cockpit::{alpha_chart, curvature_chart, Labels};
        let (els, trace) = (&self.els, &self.cockpit_trace);
        let t = |key: &str| crate::engine::i18n::text(&format!("inst.cockpit_chart.{key}")).to_string();
        let labels = Labels {
            step: t("step"),
            alpha: t("alpha"),
            per_step: t("per_step"),
            median: t("median"),
            floor: t("floor"),
            curvature: t("curvature"),
            lambda: t("lambda"),
            limit: t("limit"),
        };
        show(&els.cp_charts, true);
        crate::views::draw_on(&els.cp_alpha_chart, &alpha_chart(trace, &labels));
        crate::views::draw_on(&els.cp_curve_chart, &curvature_chart(trace, &labels, self.cockpit_shows_lr));
        let alphas = trace.alphas();
        set_attr(&els.cp_alpha_chart, "data-alphas", &alphas.len().to_string());
        let median = trace.running_median().last().map_or(String::new(), |m| m.1.to_string());
        set_attr(&els.cp_alpha_chart, "data-median", &median);
        set_attr(&els.cp_curve_chart, "data-readings", &trace.readings().len().to_string());
    }

    /// The landscape's curve, map and sentence; the map is painted at its
    /// displayed size × devicePixelRatio, in a task of its own (after the
    /// browser has laid out the pictures), so that no task draws both.
    fn show_landscape(&mut self, s: &landscape::Landscape, ms: f64) {
        let els = &self.els;
        let evaluations = s.line.len() + s.grid.len();
        set_text(&els.ls_time, &crate::tr!("inst.landscape.time", evaluations = evaluations, ms = format!("{ms:.0}")));
        show(&els.ls_pictures, true);
        show(&els.ls_summary, true);
        set_text(&els.ls_summary, &s.summary());
        set_attr(&els.ls_summary, "data-center", &s.center().to_string());
        set_attr(&els.ls_summary, "data-rows", &s.rows.to_string());
        crate::views::draw_on(&els.ls_curve, &crate::viz::landscape::curve_chart(&s.line));
        let (canvas, grid) = (els.ls_map.clone(), s.grid.clone());
        let paint = move || {
            dom::fit_to_display(&canvas);
            let (w, h) = (canvas.width() as usize, canvas.height() as usize);
            let mut rgba = vec![0; w * h * 4];
            crate::viz::landscape::paint_map(&grid, landscape::GRID, w, h, &mut rgba);
            dom::blit(&dom::context(&canvas), &rgba, w as u32, h as u32);
            set_attr(&canvas, "data-painted", "1");
        };
        let later = wasm_bindgen::closure::Closure::once_into_js(paint);
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(later.unchecked_ref());
        }
    }

    /// The doctor's ranked findings.
    fn show_doctor(&mut self, findings: &[Finding], ms: f64) {
        fill_findings_into(&self.els.doc_list, findings, "doctor");
        self.offer_fixes(findings);
        if findings.is_empty() {
            append(&self.els.doc_list, &create_text("li", "finding none", verdicts::no_findings()));
        }
        set_text(&self.els.doc_time, &verdicts::doctor_time(findings.len(), ms));
    }
}

/// Fills a list with ranked findings: severity (and "fix first" on the
/// first warning or error), what was seen, its cause, the fix, the numbers
/// it rests on, and the checklist item. All as text.
pub(super) fn fill_findings_into(list: &HtmlElement, findings: &[Finding], prefix: &str) {
    dom::clear(list);
    for (i, f) in findings.iter().enumerate() {
        let item = verdicts::finding_item(i, f);
        let sev = item.severity;
        let li: HtmlElement = create("li", &format!("finding {sev}"));
        li.set_id(&format!("{prefix}-finding-{i}"));
        set_attr(&li, "data-problem", f.problem.id());
        set_attr(&li, "data-severity", sev);
        set_attr(&li, "data-checklist", f.checklist.id);
        if let Some(place) = &f.place {
            set_attr(&li, "data-place", place);
        }
        append(&li, &create_text("span", "badge", &item.badge));
        append(&li, &create_text("span", "sentence", &item.sentence));
        if !item.cause.is_empty() {
            append(&li, &labelled("cause", &crate::tr!("web.checks.why"), &item.cause));
        }
        if !item.fix.is_empty() {
            append(&li, &labelled("fix", &crate::tr!("web.checks.fix"), &item.fix));
        }
        if let Some(evidence) = &item.evidence {
            append(&li, &create_text("span", "evidence", evidence));
        }
        // The checklist reference opens its item in the Learn panel.
        let reference = create_text("button", "checklist learn-ref", &item.checklist);
        set_attr(&reference, "type", "button");
        set_attr(&reference, "data-learn", f.checklist.id);
        set_attr(&reference, "title", &crate::tr!("web.checks.open_in_learn"));
        append(&li, &reference);
        append(list, &li);
    }
}

/// Why a long check could not start.
fn start_failed(request: Request, error: &str) -> String {
    match request {
        Request::Gradients => crate::tr!("web.checks.start_failed.gradients", error = error),
        Request::Overfit { .. } => crate::tr!("web.checks.start_failed.overfit", error = error),
        Request::Doctor { .. } => crate::tr!("web.checks.start_failed.doctor", error = error),
        Request::LrFinder => crate::tr!("web.checks.start_failed.lr_finder", error = error),
        Request::Cockpit => crate::tr!("web.checks.start_failed.cockpit", error = error),
        Request::Landscape => crate::tr!("web.checks.start_failed.landscape", error = error),
        Request::TryFix { .. } => crate::tr!("web.checks.start_failed.try_fix", error = error),
    }
}

/// Why a long check stopped without an outcome.
fn run_failed(request: Request, why: &str) -> String {
    match request {
        Request::Gradients => crate::tr!("web.checks.run_failed.gradients", why = why),
        Request::Overfit { .. } => crate::tr!("web.checks.run_failed.overfit", why = why),
        Request::Doctor { .. } => crate::tr!("web.checks.run_failed.doctor", why = why),
        Request::LrFinder => crate::tr!("web.checks.run_failed.lr_finder", why = why),
        Request::Cockpit => crate::tr!("web.checks.run_failed.cockpit", why = why),
        Request::Landscape => crate::tr!("web.checks.run_failed.landscape", why = why),
        Request::TryFix { .. } => crate::tr!("web.checks.run_failed.try_fix", why = why),
    }
}

/// A `<span class=…><b>label</b>text</span>`, both as text.
fn labelled(class: &str, label: &str, text: &str) -> HtmlElement {
    let span: HtmlElement = create("span", class);
    append(&span, &create_text("b", "", label));
    append(&span, &create_text("span", "", text));
    span
}
