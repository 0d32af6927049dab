//! Lockstep in the runs panel: 2–4 variants of the current config (a preset
//! of [`crate::engine::runs::lockstep::PRESETS`]) trained side by side, one
//! step each per tick on the same data and batch order, live, one curve
//! each. Each variant is also recorded, so it lands in the run history.
//!
//! Everything runs in parts that fit a frame
//! ([`crate::engine::runs::lockstep_parts`]): the variants are built one per
//! frame, a round of steps advances a layer at a time, and evaluations run
//! in slices, so four variants of the largest network never block the page.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use super::dom::{self, set_attr, set_text, show};
use super::runs::{RunsPanel, COLORS};
use crate::engine::bug_lab::PlantedBug;
use crate::engine::config::Config;
use crate::engine::runs::lockstep::{preset, shown_labels, Lockstep};
use crate::engine::runs::lockstep_parts::{Building, EvaluationRound, Round};
use crate::engine::runs::recorder::Recorder;
use crate::engine::trainer::{StepOutcome, Trainer};
use crate::engine::view::{Classroom, Speed};
use crate::viz::chart::{ChartSpec, Curve};

/// The variants being trained.
struct Run {
    ls: Lockstep,
    labels: Vec<String>,
    /// The variants' `key=value` labels and the keys the link hides, to
    /// write the labels again in another language.
    raw_labels: (Vec<String>, Vec<String>),
    recorders: Vec<Recorder>,
    wall_ms: f64,
    /// The preset, the base config and the bug it was built from.
    source: (String, Config, Option<PlantedBug>),
    /// A round of steps under way (finished before anything else).
    round: Option<Round>,
    /// An evaluation under way, or wanted (`Some(None)`: not started).
    evaluation: Option<Option<EvaluationRound>>,
    /// Save the variants to the history once the evaluation is done.
    save_after: bool,
}

/// Variants being built, one per frame.
struct Pending {
    building: Building,
    labels: Vec<String>,
    raw_labels: (Vec<String>, Vec<String>),
    source: (String, Config, Option<PlantedBug>),
}

/// The lockstep controls, chart and state.
pub struct LockstepView {
    preset: HtmlSelectElement,
    play: HtmlButtonElement,
    status: HtmlElement,
    chart: HtmlCanvasElement,
    legend: Element,
    pending: Option<Pending>,
    run: Option<Run>,
    /// Whether the variants are training.
    pub playing: bool,
    drawn_ms: f64,
    saved_ms: f64,
    /// The page's Play speed when the variants were started.
    speed: Speed,
}

impl LockstepView {
    /// Binds to the `#lockstep-*` elements.
    pub fn new(document: &Document) -> Result<LockstepView, String> {
        Ok(LockstepView {
            preset: dom::typed(document, "lockstep-preset")?,
            play: dom::typed(document, "lockstep-play")?,
            status: dom::by_id(document, "lockstep-status")?,
            chart: dom::typed(document, "lockstep-chart")?,
            legend: dom::typed(document, "lockstep-legend")?,
            pending: None,
            run: None,
            playing: false,
            drawn_ms: f64::NEG_INFINITY,
            saved_ms: 0.0,
            speed: Speed::default(),
        })
    }

    /// The status line, legend and chart again in the current language.
    pub fn relabel(&mut self) {
        if let Some(run) = &mut self.run {
            let (raw, hidden) = &run.raw_labels;
            run.labels = shown_labels(&run.source.0, raw.clone(), |key| hidden.iter().any(|h| h == key));
            self.shown();
            self.draw();
        }
    }

    /// Whether frames are wanted: training, building, or finishing a round
    /// or an evaluation after a pause.
    pub fn busy(&self) -> bool {
        self.playing
            || self.pending.is_some()
            || self.run.as_ref().is_some_and(|r| r.round.is_some() || r.evaluation.is_some())
    }

    /// Play/Pause: builds the variants of `base` first (one per frame) if
    /// there are none, or if the preset or the base config changed since.
    pub fn toggle(
        &mut self,
        base: &Config,
        bug: Option<PlantedBug>,
        speed: Speed,
        classroom: &Classroom,
        runs: &RunsPanel,
    ) {
        if self.playing {
            self.pause(runs);
            return;
        }
        self.speed = speed;
        let mut base = base.clone();
        base.step = None;
        let wanted = (self.preset.value(), base.clone(), bug);
        if self.run.as_ref().is_none_or(|r| r.source != wanted) {
            let variants = preset(&base, &wanted.0);
            let configs: Vec<Config> = variants.iter().map(|(_, c)| c.clone()).collect();
            match Building::start(&configs, bug) {
                Ok(building) => {
                    let raw: Vec<String> = variants.into_iter().map(|(l, _)| l).collect();
                    let labels = shown_labels(&wanted.0, raw.clone(), |key| classroom.hides(key));
                    let raw_labels = (raw, classroom.hide.clone());
                    self.pending = Some(Pending { building, labels, raw_labels, source: wanted });
                    self.run = None;
                }
                Err(e) => {
                    set_text(&self.status, &crate::tr!("web.lockstep.untrainable", error = e));
                    return;
                }
            }
        }
        self.playing = true;
        self.shown();
        self.draw();
    }

    /// Stops training; the variants are evaluated (in slices) and saved to
    /// the history on the next frames.
    pub fn pause(&mut self, runs: &RunsPanel) {
        if self.playing {
            self.playing = false;
            self.pending = None;
            let mut save_now = false;
            if let Some(run) = self.run.as_mut() {
                let evaluated = run
                    .ls
                    .trainers
                    .iter()
                    .all(|t| t.history.evals.points().last().map(|(s, _)| *s) == Some(t.step_count()));
                if !evaluated || run.round.is_some() || run.evaluation.is_some() {
                    // Saved once the evaluation of this step is done.
                    run.evaluation.get_or_insert(None);
                    run.save_after = true;
                } else {
                    // Already evaluated at this step: no evaluation will
                    // come to save them, so save now.
                    save_now = true;
                }
            }
            if save_now {
                self.save(runs);
            }
            self.shown();
            self.draw();
        }
    }

    /// One animation frame, until `deadline` (performance clock, ms): the
    /// next variant built, or the round under way, then an evaluation due,
    /// then (playing) more rounds; evaluation and drawing a few times a second.
    pub fn frame(&mut self, clock: &web_sys::Performance, deadline: f64, runs: &RunsPanel) {
        if let Some(pending) = self.pending.as_mut() {
            match pending.building.build_next() {
                Ok(Some(ls)) => self.started(ls),
                Ok(None) => {
                    let (built, all) = pending.building.progress();
                    set_text(&self.status, &crate::tr!("web.lockstep.building", built = built, all = all));
                }
                Err(e) => {
                    set_text(&self.status, &crate::tr!("web.lockstep.untrainable", error = e));
                    self.pending = None;
                    self.playing = false;
                }
            }
            return;
        }
        let Some(run) = self.run.as_mut() else {
            self.playing = false;
            return;
        };
        let start = clock.now();
        let mut more = || clock.now() < deadline;
        if run.round.is_some() && !Self::rounds(run, &mut more, Speed::Max) {
            self.playing = false;
        }
        if run.round.is_none() && run.evaluation.is_some() {
            let mut evaluation = run.evaluation.take().flatten();
            match run.ls.evaluate_part(&mut evaluation, &mut more) {
                Some(metrics) => {
                    run.recorders.iter_mut().zip(&metrics).for_each(|(r, m)| r.observe(m));
                    run.wall_ms += clock.now() - start;
                    self.evaluated(clock.now(), runs);
                    return;
                }
                None => run.evaluation = Some(evaluation),
            }
        }
        if self.playing && run.evaluation.is_none() && more() {
            let speed = self.speed;
            if !Self::rounds(run, &mut more, speed) {
                self.playing = false;
            }
        }
        let now = clock.now();
        run.wall_ms += now - start;
        if (now - self.drawn_ms >= 100.0 || !self.playing) && run.round.is_none() {
            run.evaluation.get_or_insert(None);
        }
        self.shown();
    }

    /// The variants are built: recorders started, a first evaluation due.
    fn started(&mut self, ls: Lockstep) {
        let Some(p) = self.pending.take() else { return };
        let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
        let now = js_sys::Date::now();
        let recorders: Vec<Recorder> = ls
            .trainers
            .iter()
            .enumerate()
            .map(|(i, t)| Recorder::start(t, env!("CARGO_PKG_VERSION"), &agent, now + i as f64))
            .collect();
        self.run = Some(Run {
            ls,
            labels: p.labels,
            raw_labels: p.raw_labels,
            recorders,
            wall_ms: 0.0,
            source: p.source,
            round: None,
            evaluation: Some(None),
            save_after: false,
        });
        self.shown();
    }

    /// An evaluation finished: redraw, and save when due.
    fn evaluated(&mut self, now: f64, runs: &RunsPanel) {
        self.drawn_ms = now;
        self.shown();
        self.draw();
        let save_after = self.run.as_mut().is_some_and(|r| std::mem::take(&mut r.save_after));
        if save_after || now - self.saved_ms >= 3000.0 {
            self.saved_ms = now;
            self.save(runs);
        }
    }

    /// Rounds of steps while `more()` allows, at the pace of `speed` (one
    /// mini-batch, one or ten epochs, or as many as the frame allows);
    /// `false` once every variant has diverged.
    fn rounds(run: &mut Run, more: &mut dyn FnMut() -> bool, speed: Speed) -> bool {
        let epoch = |ls: &Lockstep| ls.trainers.first().map_or(0, Trainer::epoch);
        let limit = speed.epochs_per_frame().map(|n| epoch(&run.ls) + n);
        let mut rounds = 0u64;
        loop {
            let Some(outcomes) = run.ls.step_part(&mut run.round, more) else {
                return true;
            };
            rounds += 1;
            if outcomes.iter().all(|o| matches!(o, StepOutcome::Diverged(_))) {
                return false;
            }
            let paced = (matches!(speed, Speed::Batch) && rounds >= 1) || limit.is_some_and(|l| epoch(&run.ls) >= l);
            if paced || !more() {
                return true;
            }
        }
    }

    fn save(&self, runs: &RunsPanel) {
        if let Some(run) = &self.run {
            for (t, r) in run.ls.trainers.iter().zip(&run.recorders) {
                if t.step_count() > 0 {
                    runs.save(r.record(t, run.wall_ms));
                }
            }
        }
    }

    fn shown(&self) {
        let play = if self.playing { crate::tr!("web.lockstep.pause") } else { crate::tr!("web.lockstep.run") };
        set_text(&self.play, &play);
        set_attr(&self.play, "aria-pressed", if self.playing { "true" } else { "false" });
        let step = self.run.as_ref().and_then(|r| r.ls.trainers.first()).map_or(0, Trainer::step_count);
        let text = match &self.run {
            None => crate::tr!("web.lockstep.idle"),
            Some(r) if self.playing => crate::tr!("web.lockstep.running", n = r.labels.len(), step = step),
            Some(r) => crate::tr!("web.lockstep.paused", n = r.labels.len(), step = step),
        };
        set_text(&self.status, &text);
        set_attr(&self.status, "data-step", &step.to_string());
    }

    /// The training-loss curve of every variant, and the legend.
    fn draw(&self) {
        dom::clear(&self.legend);
        let Some(run) = &self.run else {
            show(self.chart.unchecked_ref(), false);
            return;
        };
        show(self.chart.unchecked_ref(), true);
        let mut curves = Vec::new();
        for (i, (t, label)) in run.ls.trainers.iter().zip(&run.labels).enumerate() {
            let color = COLORS[i % COLORS.len()];
            let points = t.history.evals.points();
            curves.push(Curve {
                // The legend is the list below the chart, so nothing covers the curves.
                label: String::new(),
                points: points.iter().map(|(s, m)| (*s as f64, m.train_loss)).filter(|p| p.1.is_finite()).collect(),
                color,
                dashed: false,
            });
            let li = dom::create_text("li", "", label);
            let swatch: HtmlElement = dom::create("span", "swatch");
            let _ = swatch.style().set_property("background", &dom::css_rgb(color));
            let _ = li.prepend_with_node_1(&swatch);
            set_attr(&li, "data-color", &dom::css_rgb(color));
            if let Some((_, first)) = points.first() {
                set_attr(&li, "data-loss0", &first.train_loss.to_string());
            }
            if let Some((_, last)) = points.last() {
                set_attr(&li, "data-loss", &last.train_loss.to_string());
            }
            set_attr(&li, "data-curve-points", &curves[i].points.len().to_string());
            dom::append(&self.legend, &li);
        }
        set_attr(&self.chart, "data-curves", &curves.len().to_string());
        let spec = ChartSpec {
            title: crate::tr!("web.lockstep.chart_title"),
            y_label: crate::tr!("web.charts.data_loss"),
            x_label: crate::tr!("web.charts.step"),
            curves,
            ..ChartSpec::default()
        };
        super::views::draw_on(&self.chart, &spec);
    }
}
