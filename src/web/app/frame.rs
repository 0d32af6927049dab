//! One animation frame: training layer by layer until the frame's deadline
//! (the live instruments reading a finished step in a piece of their own),
//! the evaluation in slices, and drawing what the frame planner chose.

use super::{show_number, App, FrameCost, Part, SAVE_INTERVAL_MS};
use crate::dom::{set_attr, set_text, show};
use crate::engine::format;
use crate::engine::history::Metrics;
use crate::engine::trainer::StepOutcome;
use crate::engine::transport::Mode;
use crate::engine::view::Speed;
use crate::viz::describe;
use crate::viz::frame_plan::{Plan, EVAL_SLICE_MS, MAX_TASK_MS, TRAIN_BUDGET_MS};

impl App {
    /// One whole mini-batch (finishing a step under way first), observed
    /// by the live instruments; stops on divergence.
    pub(super) fn train_step(&mut self, force: bool) -> bool {
        self.settle();
        matches!(self.train_part(f64::INFINITY, force), Part::Stepped)
    }

    /// Finishes a step left part-way, so that a command sees a whole step.
    pub(super) fn settle(&mut self) {
        if self.partial.is_some() {
            self.train_part(f64::INFINITY, false);
        }
        self.observe_step();
    }

    /// The live instruments read the last step, if they have not yet.
    fn observe_step(&mut self) {
        if std::mem::take(&mut self.unobserved) {
            let t0 = self.clock.now();
            self.instruments.after_step(&mut self.trainer, self.observing, &self.clock);
            self.planner.trained_piece(self.clock.now() - t0);
        }
    }

    /// Advances training one layer at a time until `deadline` (at least one
    /// layer), up to the end of the step under way or of a new one.
    fn train_part(&mut self, deadline: f64, force: bool) -> Part {
        if self.partial.is_none() {
            self.observe_step();
            self.observing = self.instruments.before_step(&mut self.trainer, force);
        }
        let clock = self.clock.clone();
        let mut last = clock.now();
        let mut piece = 0.0f64;
        let mut more = || {
            let now = clock.now();
            piece = piece.max(now - last);
            last = now;
            now < deadline
        };
        let outcome = self.trainer.step_part(&mut self.partial, &mut more);
        let Some(outcome) = outcome else {
            self.planner.trained_piece(piece);
            return Part::Unfinished;
        };
        self.planner.trained_piece(piece.max(self.clock.now() - last));
        // The live instruments read the step in a piece of their own, next
        // (the next step waits for them).
        self.unobserved = true;
        if deadline.is_infinite() || self.planner.cheap() {
            self.observe_step();
        }
        if let StepOutcome::Diverged(why) = outcome {
            self.mode = Mode::Diverged;
            let places = crate::engine::instruments::places(&self.trainer.model);
            set_text(
                &self.page.diverged,
                &crate::tr!("web.app.diverged", place = crate::engine::instruments::diagnosis::describe(&why, &places)),
            );
            show(&self.page.diverged, true);
            return Part::Diverged;
        }
        Part::Stepped
    }

    /// One animation frame: plan what to draw, train for what the frame has
    /// left, then draw. Returns whether another frame is wanted.
    pub(super) fn frame(&mut self) -> bool {
        if !self.is_running() {
            return false;
        }
        if let Some(pending) = self.custom_pending.take() {
            self.custom_pending_part(pending);
            return self.is_running();
        }
        if self.evaluation.is_some() {
            // Training waits: the figures must be those of this step.
            self.show_figures(true);
            if self.evaluation.is_none() && !self.trains() {
                self.save_run();
            }
            return self.is_running();
        }
        if !self.trains() && (self.partial.is_some() || self.unobserved) {
            // Paused part-way through a step: the step ends over the next
            // frames, then the instruments read it, then everything is redrawn,
            // each in a frame of its own.
            if self.partial.is_some() {
                self.train_part(self.clock.now() + TRAIN_BUDGET_MS, false);
            } else {
                self.observe_step();
                if self.planner.cheap() {
                    self.redraw = true;
                } else {
                    self.staged = Some(0);
                }
            }
            return true;
        }
        if self.redraw {
            self.redraw = false;
            self.transport_shown();
            self.draw_all();
            self.save_run();
            return self.is_running();
        }
        if let Some(stage) = self.staged.take() {
            self.draw_stage(stage);
            return self.is_running();
        }
        if !self.trains() {
            let deadline = self.clock.now() + TRAIN_BUDGET_MS;
            self.lockstep.frame(&self.clock, deadline, &self.runs);
            return self.is_running();
        }
        if self.unobserved && self.partial.is_none() && !self.planner.cheap() {
            // A large network's step is read by the live instruments in a
            // frame of its own: with training, the frame would be too long.
            self.instruments.observe_ms = 0.0;
            self.observe_step();
            return true;
        }
        self.instruments.observe_ms = 0.0;
        self.inst_paint_ms = 0.0;
        let start = self.clock.now();
        let plan = self.planner.plan(start);
        let deadline = start + plan.train_ms;
        let speed = self.view.speed;
        let epoch_limit = speed.epochs_per_frame().map(|n| self.trainer.epoch() + n);
        let steps = if plan.train { self.train_until(deadline, speed, epoch_limit) } else { 0 };
        self.follow_planned_changes();
        self.instruments.end_frame(steps);
        let trained = self.clock.now();
        if self.is_running() {
            self.draw_live(&plan);
        } else {
            self.transport_shown();
            self.draw_all();
        }
        self.wall_ms += trained - start;
        // The periodic save waits for a frame with room for it.
        let room = !plan.train || self.planner.costs.piece < MAX_TASK_MS / 3.0;
        if !self.is_running() || (room && trained - self.saved_ms >= SAVE_INTERVAL_MS) {
            self.save_run();
        }
        let end = self.clock.now();
        self.last_frame = FrameCost {
            train_ms: trained - start,
            draw_ms: end - trained,
            inst_ms: self.instruments.observe_ms + self.inst_paint_ms,
            steps,
            plan,
        };
        self.is_running()
    }

    /// Trains layer by layer until `deadline`, as the mode and speed allow;
    /// returns the steps completed.
    fn train_until(&mut self, deadline: f64, speed: Speed, epoch_limit: Option<u64>) -> u64 {
        let mut steps = 0u64;
        loop {
            if self.partial.is_none() && self.stops_before_step(speed, epoch_limit, steps) {
                return steps;
            }
            match self.train_part(deadline, false) {
                Part::Stepped => steps += 1,
                Part::Unfinished | Part::Diverged => return steps,
            }
            if self.clock.now() >= deadline {
                return steps;
            }
        }
    }

    /// Whether training stops before the next step: the link's step or the
    /// epoch was reached (then pausing), or Play's speed allows no more
    /// this frame.
    fn stops_before_step(&mut self, speed: Speed, epoch_limit: Option<u64>, steps: u64) -> bool {
        let at = (self.trainer.step_count(), self.trainer.epoch());
        let (stop, mode) = self.mode.stops_before_step(at, speed, epoch_limit, steps);
        self.mode = mode;
        stop
    }

    /// Drawing while training, as planned.
    fn draw_live(&mut self, plan: &Plan) {
        let clock = self.clock.clone();
        let timed = |f: &mut dyn FnMut()| {
            let t0 = clock.now();
            f();
            clock.now() - t0
        };
        if plan.thumbs {
            let mut canvases = 0;
            let ms = timed(&mut || {
                canvases = self.network.paint_nodes(&mut self.trainer);
                self.output.paint(&mut self.trainer, &self.view);
            });
            self.planner.drew_thumbs(ms, canvases);
        }
        if plan.edges {
            let mut edges = 0;
            let ms = timed(&mut || {
                edges = self.network.paint_edges(&self.trainer);
                self.network.show_info(&self.trainer);
            });
            self.planner.drew_edges(ms, edges, self.clock.now());
        }
        if plan.eval && self.partial.is_none() {
            self.show_figures(false);
        } else {
            set_text(&self.page.step, &self.trainer.step_count().to_string());
            set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        }
        if plan.slow {
            // The slow views take turns, one per slow frame: each repainted
            // canvas costs the browser when it composites the frame, so
            // repainting them all at once would make one long frame.
            let mut inst_ms = 0.0;
            let part = self.slow_part;
            self.slow_part = (part + 1) % 3;
            let ms = timed(&mut || match part {
                0 => self.charts.paint(&self.trainer, &self.view),
                1 => self.digits.paint(&mut self.trainer),
                _ => {
                    let t0 = clock.now();
                    self.instruments.paint(&mut self.trainer, &mut self.network, &clock, false);
                    inst_ms = clock.now() - t0;
                }
            });
            self.inst_paint_ms = inst_ms;
            self.planner.drew_slow(ms, self.clock.now());
        }
    }

    /// One part of a redraw spread over frames; the next part follows in
    /// the next frame.
    fn draw_stage(&mut self, stage: u8) {
        match stage {
            0 => {
                self.transport_shown();
                let _ = self.network.paint_nodes(&mut self.trainer);
                self.output.paint(&mut self.trainer, &self.view);
            }
            1 => {
                let _ = self.network.paint_edges(&self.trainer);
                self.network.show_info(&self.trainer);
            }
            2 => {
                self.digits.paint(&mut self.trainer);
                self.charts.paint(&self.trainer, &self.view);
            }
            _ => {
                let part = usize::from(stage - 3);
                if !self.instruments.paint_part(part, &mut self.trainer, &mut self.network, &self.clock) {
                    self.staged = Some(stage.saturating_add(1));
                    return;
                }
                if self.evaluation_is_cheap() {
                    self.show_figures(true);
                } else {
                    self.show_figures_later();
                }
                self.save_run();
                return;
            }
        }
        self.staged = Some(stage + 1);
    }

    /// Everything, now (paused, or after a change).
    pub(super) fn draw_all(&mut self) {
        if self.evaluation_is_cheap() {
            self.show_figures(true);
        } else {
            self.show_figures_later();
        }
        let _ = self.network.paint_nodes(&mut self.trainer);
        let _ = self.network.paint_edges(&self.trainer);
        self.network.show_info(&self.trainer);
        self.output.paint(&mut self.trainer, &self.view);
        self.digits.paint(&mut self.trainer);
        self.charts.paint(&self.trainer, &self.view);
        self.instruments.paint(&mut self.trainer, &mut self.network, &self.clock, true);
    }

    /// The counters and losses, if `force` or evaluation fits its share of
    /// the time. On a large network the evaluation takes several slices of
    /// [`EVAL_SLICE_MS`], one per frame; the figures change when it is done.
    pub(super) fn show_figures(&mut self, force: bool) {
        let step = self.trainer.step_count();
        set_text(&self.page.step, &step.to_string());
        set_text(&self.page.epoch, &self.trainer.epoch().to_string());
        if self.shown_step == Some(step) {
            self.evaluation = None;
            return;
        }
        if !force && !self.planner.eval_due(self.clock.now()) && self.evaluation.is_none() {
            return;
        }
        let Some(metrics) = self.evaluate_for(EVAL_SLICE_MS) else {
            return; // more slices next frame
        };
        self.recorder.observe(&metrics);
        self.planner.evaluated(self.eval_cost_ms, self.clock.now());
        let page = &self.page;
        show_number(&page.train_loss, metrics.train_loss, format::figure(metrics.train_loss));
        show_number(&page.test_loss, metrics.test_loss, format::figure(metrics.test_loss));
        let pct = |a: Option<f64>| format::or_dash(a, |a| format::percent(a, 1));
        set_text(&page.train_acc, &pct(metrics.train_acc));
        set_text(&page.test_acc, &pct(metrics.test_acc));
        set_text(&page.fingerprint, &self.trainer.fingerprint().to_string());
        // The pictures' text alternatives carry the same values.
        set_attr(&page.chart_loss, "aria-label", &describe::loss_chart(&metrics));
        set_attr(&page.chart_acc, "aria-label", &describe::accuracy_chart(&metrics));
        set_attr(&page.heatmap, "aria-label", &describe::heatmap(&metrics));
        self.shown_step = Some(step);
    }

    /// Continues (or starts) the evaluation of this step for about
    /// `budget_ms` (at least one slice); its metrics once it is complete.
    fn evaluate_for(&mut self, budget_ms: f64) -> Option<Metrics> {
        let start = self.clock.now();
        let rows = self.trainer.rows_per_slice();
        let mut e = self.evaluation.take().unwrap_or_else(|| {
            self.eval_cost_ms = 0.0;
            self.trainer.start_evaluation()
        });
        loop {
            if let Some(m) = self.trainer.evaluate_slice(&mut e, rows) {
                self.eval_cost_ms += self.clock.now() - start;
                return Some(m);
            }
            if self.clock.now() - start >= budget_ms {
                self.eval_cost_ms += self.clock.now() - start;
                self.evaluation = Some(e);
                return None;
            }
        }
    }
}
