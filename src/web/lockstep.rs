//! Lockstep in the runs panel: 2–4 variants of the current config (a preset
//! of [`crate::engine::runs::lockstep::PRESETS`]) trained side by side, one
//! step each per tick on the same data and batch order, live, one curve
//! each. Each variant is also recorded, so it lands in the run history.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlSelectElement};

use super::dom::{self, set_attr, set_text, show};
use super::runs::{RunsPanel, COLORS};
use crate::engine::config::{Config, Speed};
use crate::engine::runs::lockstep::{preset, Lockstep};
use crate::engine::runs::recorder::Recorder;
use crate::engine::trainer::{StepOutcome, Trainer};
use crate::viz::chart::{ChartSpec, Curve};

/// The variants being trained.
struct Run {
    ls: Lockstep,
    labels: Vec<String>,
    recorders: Vec<Recorder>,
    wall_ms: f64,
    /// The preset and the base config it was built from.
    source: (String, Config),
}

/// The lockstep controls, chart and state.
pub struct LockstepView {
    preset: HtmlSelectElement,
    play: HtmlButtonElement,
    status: HtmlElement,
    chart: HtmlCanvasElement,
    legend: Element,
    run: Option<Run>,
    /// Whether the variants are training.
    pub playing: bool,
    drawn_ms: f64,
    saved_ms: f64,
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
            run: None,
            playing: false,
            drawn_ms: f64::NEG_INFINITY,
            saved_ms: 0.0,
        })
    }

    /// Play/Pause: builds the variants of `base` first if there are none, or
    /// if the preset or the base config changed since.
    pub fn toggle(&mut self, base: &Config, runs: &RunsPanel) {
        if self.playing {
            self.pause(runs);
            return;
        }
        let mut base = base.clone();
        base.step = None;
        let wanted = (self.preset.value(), base.clone());
        if self.run.as_ref().is_none_or(|r| r.source != wanted) {
            let variants = preset(&base, &wanted.0);
            let configs: Vec<Config> = variants.iter().map(|(_, c)| c.clone()).collect();
            match Lockstep::new(&configs) {
                Ok(mut ls) => {
                    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
                    let now = js_sys::Date::now();
                    let mut recorders: Vec<Recorder> = ls
                        .trainers
                        .iter()
                        .enumerate()
                        .map(|(i, t)| Recorder::start(t, env!("CARGO_PKG_VERSION"), &agent, now + i as f64))
                        .collect();
                    for (t, r) in ls.trainers.iter_mut().zip(&mut recorders) {
                        r.observe(&t.evaluate());
                    }
                    let labels = variants.into_iter().map(|(l, _)| l).collect();
                    self.run = Some(Run { ls, labels, recorders, wall_ms: 0.0, source: wanted });
                }
                Err(e) => {
                    set_text(&self.status, &format!("These variants cannot be trained: {e}"));
                    return;
                }
            }
        }
        self.playing = true;
        self.shown();
        self.draw();
    }

    /// Stops training and saves the variants to the history.
    pub fn pause(&mut self, runs: &RunsPanel) {
        if self.playing {
            self.playing = false;
            if let Some(run) = self.run.as_mut() {
                for (t, r) in run.ls.trainers.iter_mut().zip(&mut run.recorders) {
                    let evaluated = t.history.evals.points().last().map(|(s, _)| *s);
                    if evaluated != Some(t.step_count()) {
                        r.observe(&t.evaluate());
                    }
                }
            }
            self.save(runs);
            self.shown();
            self.draw();
        }
    }

    /// One animation frame: every variant steps until `deadline` (performance
    /// clock, ms), evaluation and drawing a few times a second.
    pub fn frame(&mut self, clock: &web_sys::Performance, deadline: f64, runs: &RunsPanel) {
        let Some(run) = self.run.as_mut() else {
            self.playing = false;
            return;
        };
        let start = clock.now();
        // The same pace as Play: one mini-batch, one or ten epochs, or as
        // many steps as the frame allows (`speed`).
        let speed = run.source.1.view.speed;
        let epoch = |ls: &Lockstep| ls.trainers.first().map_or(0, Trainer::epoch);
        let limit = speed.epochs_per_frame().map(|n| epoch(&run.ls) + n);
        let mut steps = 0u64;
        loop {
            if (matches!(speed, Speed::Batch) && steps >= 1) || limit.is_some_and(|l| epoch(&run.ls) >= l) {
                break;
            }
            steps += 1;
            let outcomes = run.ls.step();
            if outcomes.iter().all(|o| matches!(o, StepOutcome::Diverged(_))) {
                self.playing = false;
                break;
            }
            if clock.now() >= deadline {
                break;
            }
        }
        let now = clock.now();
        run.wall_ms += now - start;
        if now - self.drawn_ms >= 100.0 || !self.playing {
            for (t, r) in run.ls.trainers.iter_mut().zip(&mut run.recorders) {
                r.observe(&t.evaluate());
            }
            self.drawn_ms = now;
            self.shown();
            self.draw();
        }
        if now - self.saved_ms >= 3000.0 || !self.playing {
            self.saved_ms = now;
            self.save(runs);
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
        set_text(&self.play, if self.playing { "Pause lockstep" } else { "Run lockstep" });
        set_attr(&self.play, "aria-pressed", if self.playing { "true" } else { "false" });
        let step = self.run.as_ref().and_then(|r| r.ls.trainers.first()).map_or(0, Trainer::step_count);
        let text = match &self.run {
            None => "Trains 4 variants of the current settings on the same data and batches.".to_string(),
            Some(r) => {
                format!("{} variants, step {step}{}", r.labels.len(), if self.playing { "" } else { " (paused)" })
            }
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
            title: "Lockstep: training loss".into(),
            y_label: "data loss".into(),
            x_label: "step".into(),
            log_y: false,
            bands: Vec::new(),
            curves,
        };
        super::views::draw_on(&self.chart, &spec);
    }
}
