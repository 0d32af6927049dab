//! Applying one [`Command`]: the transport buttons, an edited setting
//! (live when the engine can, else a rebuild), the link (`location.hash`),
//! Share, the instruments panel's actions and saving the live run.

use wasm_bindgen::JsValue;
use web_sys::{HtmlElement, HtmlInputElement};

use super::{build, App, Built, Command};
use crate::controls::Edit;
use crate::dom::{set_text, show};
use crate::engine::bug_lab::{self, PlantedBug};
use crate::engine::config::{Config, DataKind, Named};
use crate::engine::instruments::lessons;
use crate::engine::instruments::long_checks::Request;
use crate::engine::learn;
use crate::engine::link::{self as codec, Link};
use crate::engine::runs::recorder;
use crate::engine::trainer::LiveChange;
use crate::engine::transport::Mode;
use crate::instruments;
use crate::learn::LearnAction;
use crate::teacher::TeachAction;

impl App {
    /// Applies one command. Returns whether the loop should run.
    pub(super) fn handle(&mut self, cmd: Command) -> bool {
        // A step left part-way is finished first, except by messages that do
        // not touch the trainer, and by Pause on a large network (the next
        // frames finish it: no click may hold the page for long).
        let defer = matches!(cmd, Command::Play) && !self.planner.cheap();
        let looking = matches!(cmd, Command::Focus(_) | Command::Pointer(_) | Command::Walk(_));
        if !matches!(cmd, Command::Check(_)) && !looking && !defer {
            self.settle();
        }
        // Kept to be done again if it waits for a file (the digits set); a
        // check's messages and pointer moves never build an experiment.
        self.handling = (!matches!(cmd, Command::Check(_)) && !looking).then(|| cmd.clone());
        match cmd {
            Command::Edit(edit) => self.edit(edit),
            Command::Play => {
                self.lockstep.pause(&self.runs);
                self.mode = self.mode.toggled();
                self.transport_shown();
                if !self.is_running() {
                    if self.planner.cheap() {
                        self.draw_all();
                        self.save_run();
                    } else {
                        self.staged = Some(0); // a part per frame
                    }
                }
            }
            Command::StepOnce => {
                if self.mode != Mode::Diverged {
                    self.mode = Mode::Paused;
                    self.instruments.snapshot_soon();
                    self.train_step(true);
                    self.follow_planned_changes();
                    self.transport_shown();
                    self.draw_all();
                    self.save_run();
                }
            }
            Command::StepEpoch => {
                if self.mode != Mode::Diverged {
                    self.mode = Mode::UntilEpoch(self.trainer.epoch() + 1);
                    self.transport_shown();
                }
            }
            Command::Reset => {
                // A clean run from the settings in force: the changes stay
                // with the saved run, not in the new link.
                self.save_run();
                self.trainer.reset();
                self.mode = Mode::Paused;
                self.write_hash(&self.link());
                self.rebuilt();
            }
            Command::NewSeed => {
                let mut cfg = self.trainer.cfg.clone();
                cfg.seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
                self.set_config(cfg, "seed");
            }
            Command::Share => self.share(),
            Command::Help(on) => {
                // A modal <dialog>: focus stays inside while it is open, Esc
                // closes it, and focus returns to where it was.
                let help = &self.page.help;
                match (on.unwrap_or(!help.open()), help.open()) {
                    (true, false) => {
                        let _ = help.show_modal();
                    }
                    (false, true) => help.close(),
                    _ => {}
                }
            }
            Command::DismissNotice => self.page.set_notice(""),
            Command::Learn(action) => self.learn_action(action),
            Command::Teach(action) => self.teach_action(action),
            Command::HashChanged => self.hash_changed(),
            Command::Focus(node) => {
                self.network.set_focus(node);
                self.network.show_info(&self.trainer);
            }
            Command::Pointer(at) => {
                if self.network.point_at(at) {
                    self.network.show_info(&self.trainer);
                }
            }
            Command::Walk(step) => {
                if self.network.walk(step, &self.trainer) {
                    self.network.show_info(&self.trainer);
                }
            }
            Command::Resize => {
                self.network.layout();
                self.network.paint_edges(&self.trainer);
                self.network.show_info(&self.trainer);
                self.runs.resized();
            }
            Command::Inst(action) => self.instrument(action),
            Command::Custom(action) => self.custom(action),
            Command::Check(message) => {
                let agent = self.window.navigator().user_agent().unwrap_or_default();
                for (i, record) in self.instruments.check_message(message, &self.clock).into_iter().enumerate() {
                    let now = js_sys::Date::now() + i as f64;
                    self.runs.save(recorder::stamp(record, env!("CARGO_PKG_VERSION"), &agent, now));
                }
            }
            Command::Catalog(lang, outcome) => self.catalog_arrived(lang, outcome),
            Command::Digits(outcome) => self.digits_arrived(outcome),
            Command::SaveRun => self.save_run(),
            Command::Lockstep => {
                if self.trains() {
                    self.mode = Mode::Paused;
                    self.transport_shown();
                    self.draw_all();
                    self.save_run();
                }
                self.lockstep.toggle(&self.trainer.cfg, self.bug(), self.view.speed, &self.classroom, &self.runs);
            }
        }
        self.is_running()
    }

    /// A control changed: validate through the codec, then apply. Controls
    /// edit the settings in force now (a change mid-run is recorded by the
    /// trainer as a change at this step).
    fn edit(&mut self, edit: Edit) {
        if matches!(edit, Edit::Data(DataKind::Custom)) && self.trainer.cfg.data.kind != DataKind::Custom {
            return self.start_custom();
        }
        let link = Link { config: self.trainer.cfg.clone(), ..self.link() };
        let (next, key, msgs) = match &edit {
            Edit::Field(key, text) => {
                let (next, msgs) = codec::with_field(&link, key, text);
                (next, *key, msgs)
            }
            Edit::Data(kind) => {
                // The picker also applies the data set's working start, and
                // the notice at the top says what it changed.
                let (next, notice, msgs) = codec::presets::choose_data(&link, kind.name());
                if let Some(notice) = &notice {
                    self.page.set_notice(notice);
                }
                (next, "data", msgs)
            }
            Edit::Feature(feature, on) => {
                let mut list: Vec<&str> =
                    link.config.data.features.iter().filter(|f| *f != feature).map(|f| f.name()).collect();
                if *on {
                    list.push(feature.name());
                }
                // Keep TF Playground's order of the features.
                let text: Vec<&str> =
                    crate::engine::config::Feature::ALL.iter().map(|f| f.name()).filter(|n| list.contains(n)).collect();
                let (next, msgs) = codec::with_field(&link, "feat", &text.join(","));
                (next, "feat", msgs)
            }
            Edit::Network(edit) => match codec::edit_network(&link, edit) {
                Ok(next) => (next, "net", vec![]),
                Err(msg) => (link.clone(), "net", vec![msg]),
            },
        };
        if msgs.is_empty() && next == link {
            // The settings in force again (a control's `change` after its
            // Enter): nothing to do, and the last edit's message stays.
            self.config_shown();
            return;
        }
        set_text(&self.page.control_msg, &msgs.join("\n"));
        self.set_link(next, key);
    }

    /// The link was edited by hand (or back/forward): its experiment, once
    /// the digits set is here if it needs it. The page's own writes are
    /// ignored.
    fn hash_changed(&mut self) {
        let hash = self.window.location().hash().unwrap_or_default();
        let link = hash.trim_start_matches('#');
        if link == self.written_hash {
            return;
        }
        if crate::assets::waits_for_digits(&codec::decode_link(link).0.config) {
            return self.wait_for_digits();
        }
        self.written_hash = link.to_string();
        match build(&hash) {
            Ok(Built { trainer, mode, notice, view, classroom }) => {
                self.save_run();
                let lang_changed = view.lang != self.view.lang;
                self.trainer = trainer;
                self.mode = mode;
                self.view = view;
                self.classroom = classroom;
                self.page.set_notice(&notice);
                if lang_changed {
                    self.relabel();
                }
                self.rebuilt();
            }
            Err(message) => crate::crash::show(&message),
        }
    }

    /// Makes `next` (the settings to be in force now) the running
    /// experiment, live when possible (mid-run: a change at this step), else
    /// a clean new run; and the page's view. Writes the link either way.
    fn set_link(&mut self, mut next: Link, key: &str) {
        next.config.step = None;
        if self.controls.is_locked(key) {
            set_text(&self.page.control_msg, &crate::tr!("web.app.locked", key = key));
            self.config_shown();
            return;
        }
        if crate::assets::waits_for_digits(&next.config) {
            return self.wait_for_digits();
        }
        let view_changed = next.view != self.view;
        let lang_changed = next.view.lang != self.view.lang;
        if next.view.show_test != self.view.show_test {
            self.output.paint_points(&self.trainer, &next.view);
        }
        self.view = next.view;
        self.classroom = next.classroom;
        if lang_changed {
            self.relabel();
        }
        if next.config == self.trainer.cfg {
            self.write_hash(&self.link());
            self.config_shown();
            if view_changed {
                self.draw_all();
            }
            return;
        }
        match self.trainer.apply_live(&next.config) {
            LiveChange::Applied | LiveChange::NewOptimizer => {
                // The evaluation text stays; views redraw.
                self.write_hash(&self.link());
                self.config_shown();
                self.draw_all();
            }
            change @ (LiveChange::Rebuild | LiveChange::Full) => {
                self.write_hash(&Link { config: next.config.clone(), ..self.link() });
                if self.rebuild(&next.config, self.bug()) && change == LiveChange::Full {
                    let max = crate::engine::config::MAX_CHANGES;
                    set_text(&self.page.control_msg, &crate::tr!("web.app.changes_full", max = max));
                }
            }
        }
    }

    /// After training: the controls follow a change the link planned for a
    /// step just trained.
    pub(super) fn follow_planned_changes(&mut self) {
        if self.trainer.cfg.live() != self.shown_live {
            self.config_shown();
        }
    }

    /// Makes `next` the running experiment, the view unchanged.
    pub(super) fn set_config(&mut self, next: Config, key: &str) {
        self.set_link(Link { config: next, ..self.link() }, key);
    }

    /// Plants `bug` (or none) in the current experiment: a new run.
    fn set_bug(&mut self, bug: Option<PlantedBug>) {
        if self.controls.is_locked("bug") {
            set_text(&self.page.control_msg, &crate::tr!("web.app.locked", key = "bug"));
            self.config_shown();
            return;
        }
        let cfg = Config { step: None, ..self.trainer.cfg.clone() };
        self.write_hash(&Link { config: cfg.clone(), bug, ..self.link() });
        if bug != self.bug() {
            self.rebuild(&cfg, bug);
        }
    }

    /// A new trainer for `cfg` with `bug` planted; on failure the current
    /// run stays and the message says why. Whether the new run started.
    fn rebuild(&mut self, cfg: &Config, bug: Option<PlantedBug>) -> bool {
        match bug_lab::trainer(cfg, bug) {
            Ok(trainer) => {
                self.save_run();
                let was_running = matches!(self.mode, Mode::Playing);
                self.trainer = trainer;
                self.mode = if was_running { Mode::Playing } else { Mode::Paused };
                self.rebuilt();
                true
            }
            Err(err) => {
                set_text(&self.page.control_msg, &crate::tr!("web.app.untrainable", error = err));
                self.write_hash(&self.link());
                self.config_shown();
                false
            }
        }
    }

    /// The bug planted in the current run.
    pub(super) fn bug(&self) -> Option<PlantedBug> {
        bug_lab::planted_bug(&self.trainer)
    }

    /// Everything the link carries now: the experiment, view, classroom
    /// flags and planted bug.
    pub(super) fn link(&self) -> Link {
        Link {
            config: self.trainer.experiment(),
            view: self.view.clone(),
            classroom: self.classroom.clone(),
            bug: self.bug(),
        }
    }

    /// Writes `link` (without its step) to the address bar.
    pub(super) fn write_hash(&mut self, link: &Link) {
        let mut link = link.clone();
        link.config.step = None;
        let hash = codec::encode_link(&link);
        if hash == self.written_hash {
            return;
        }
        if let Ok(history) = self.window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{hash}")));
        }
        self.written_hash = hash;
    }

    /// Puts the link to the current state (with its step) in the share box
    /// and tries the clipboard; falls back to selecting the text field.
    fn share(&mut self) {
        let mut shared = self.link();
        let step = self.trainer.step_count();
        shared.config.step = (step > 0).then_some(step);
        let location = self.window.location();
        let base =
            format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_else(|_| "/".into()));
        let link = format!("{base}#{}", codec::encode_link(&shared));
        self.page.share_link.set_value(&link);
        show(&self.page.share_box, true);
        set_text(&self.page.share_status, &crate::tr!("web.share.copying"));
        let field = self.page.share_link.clone();
        let status = self.page.share_status.clone();
        let clipboard = self.window.navigator().clipboard();
        let fallback = move |status: &HtmlElement, field: &HtmlInputElement| {
            field.select();
            set_text(status, &crate::tr!("web.share.press_copy"));
        };
        let promise = clipboard.write_text(&link);
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => set_text(&status, &crate::tr!("web.share.copied")),
                Err(_) => fallback(&status, &field),
            }
        });
    }

    /// Saves the live run to the history (runs that never trained are not kept).
    pub(super) fn save_run(&mut self) {
        self.saved_ms = self.clock.now();
        if self.trainer.step_count() == 0 {
            return;
        }
        let cheap = self.evaluation_is_cheap() && self.partial.is_none();
        if self.shown_step != Some(self.trainer.step_count()) && cheap {
            // A small network's record gets this step's figures; a large
            // one's keeps the last shown (its evaluation takes several frames).
            let metrics = self.trainer.evaluate();
            self.recorder.observe(&metrics);
        }
        self.runs.save(self.recorder.record(&self.trainer, self.wall_ms));
    }

    /// The counters now; a large network's figures over the next frames, in slices.
    pub(super) fn show_figures_later(&mut self) {
        set_text(&self.page.step, &self.trainer.step_count().to_string());
        set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        if self.shown_step != Some(self.trainer.step_count()) && self.evaluation.is_none() {
            self.eval_cost_ms = 0.0;
            self.evaluation = Some(self.trainer.start_evaluation());
        }
    }

    /// Whether one slice evaluates every row (a small network).
    pub(super) fn evaluation_is_cheap(&self) -> bool {
        self.trainer.rows_per_slice() >= self.trainer.train.len() + self.trainer.test.len()
    }

    /// A button or picker of the instruments panel.
    fn instrument(&mut self, action: instruments::Action) {
        use instruments::Action;
        match action {
            Action::InitialLoss => self.instruments.show_initial_loss(&self.trainer),
            Action::Gradients => self.instruments.start_check(Request::Gradients, &self.trainer, &self.clock),
            Action::Overfit => self.instruments.start_check(Request::Overfit { k: 0 }, &self.trainer, &self.clock),
            Action::Doctor => self.instruments.start_doctor(self.link(), &self.trainer, &self.clock),
            Action::TryFix(i) => self.instruments.start_try_fix(i, &self.trainer, &self.clock),
            Action::UseFix => {
                if let Some(fixed) = self.instruments.fixed_link() {
                    self.navigate(&codec::encode_link(&fixed));
                }
            }
            Action::LrFinder => {
                let current = (!self.classroom.hides("lr")).then(|| self.trainer.lr());
                let locked = self.controls.is_locked("lr");
                self.instruments.start_lr_finder(current, locked, &self.trainer, &self.clock)
            }
            Action::UseLr(rule) => {
                if let Some(lr) = self.instruments.suggested_lr(rule) {
                    self.edit(Edit::Field("lr", lr.to_string()));
                    let current = (!self.classroom.hides("lr")).then(|| self.trainer.lr());
                    self.instruments.lr_in_force(current);
                }
            }
            Action::Cockpit => {
                let show_lr = !self.classroom.hides("lr");
                self.instruments.start_cockpit(show_lr, &self.trainer, &self.clock)
            }
            Action::CockpitLive => {
                let show_lr = !self.classroom.hides("lr");
                self.instruments.toggle_cockpit_live(show_lr, &self.trainer, &self.clock)
            }
            Action::Landscape => self.instruments.start_check(Request::Landscape, &self.trainer, &self.clock),
            Action::CancelCheck => self.instruments.cancel_check(),
            Action::Reveal => self.instruments.reveal(&self.trainer.cfg, self.bug()),
            Action::BugPicked => match self.instruments.picked_bug(&self.trainer.cfg) {
                Some(bug) => self.set_bug(bug),
                None => self.instruments.show_bug(&self.trainer.cfg, self.bug()),
            },
            Action::LiveToggle => {
                self.instruments.toggle_live(&mut self.trainer);
                self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
            }
            Action::ViewPicked => {
                self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
            }
        }
    }
}

impl App {
    /// An action in the Learn panel. Starting a lesson, its fix and the next
    /// lesson navigate to a link (so the experiment is exactly the link's,
    /// and Back returns); opening an item or closing the panel rewrites the
    /// link's `learn`/`lesson` keys in place.
    fn learn_action(&mut self, action: LearnAction) {
        let catalog = learn::catalog();
        let lesson = self.learn.lesson.as_deref().and_then(|id| catalog.lesson(id));
        match action {
            LearnAction::Toggle(open) => {
                let open = open.unwrap_or(!self.learn.is_open());
                self.learn.set_open(open);
                if !open {
                    self.view.learn = None;
                    self.view.lesson = None;
                    self.learn.show_link(None, None);
                    self.write_hash(&self.link());
                }
            }
            LearnAction::Item(id) if learn::is_item(&id) => {
                self.learn.open_item(&id);
                self.learn.set_open(true);
                self.view.learn = Some(id);
                self.write_hash(&self.link());
            }
            LearnAction::Item(_) => {}
            LearnAction::Start(id) => {
                if let Some(next) = catalog.lesson(&id) {
                    self.navigate(&next.href());
                }
            }
            LearnAction::Next => {
                if let Some(next) = lesson.and_then(|l| catalog.next_lesson(&l.id)) {
                    self.navigate(&next.href());
                }
            }
            LearnAction::Fix => {
                if let Some(l) = lesson {
                    self.navigate(&learn::fixed_link(l));
                }
            }
            LearnAction::Check => {
                let Some(l) = lesson else { return };
                let Some(chosen) = self.learn.chosen() else {
                    self.learn.show_result(&crate::tr!("web.learn.pick_answer"), "none");
                    return;
                };
                match lessons::check(l, chosen, &self.instruments.lesson_state(&self.trainer)) {
                    Ok(answer) => {
                        self.learn.show_result(&answer.message, if answer.correct { "right" } else { "wrong" })
                    }
                    Err(todo) => self.learn.show_result(&todo, "todo"),
                }
            }
        }
    }

    /// An action in the teacher's link builder.
    fn teach_action(&mut self, action: TeachAction) {
        match action {
            TeachAction::Open => {
                let mut current = self.link();
                let step = self.trainer.step_count();
                current.config.step = (step > 0).then_some(step);
                self.teacher.open(&codec::encode_link(&current), step);
                self.teacher.update(&self.window);
            }
            TeachAction::Update => {
                self.teacher.update(&self.window);
            }
            TeachAction::Copy => self.teacher.copy(&self.window),
            TeachAction::Preview => self.teacher.preview(&self.window),
            TeachAction::Close => self.teacher.close(),
        }
    }

    /// Goes to the link `pairs` as if typed into the address bar: a new
    /// history entry, and `hashchange` builds its experiment.
    fn navigate(&self, pairs: &str) {
        let _ = self.window.location().set_hash(pairs);
    }
}
