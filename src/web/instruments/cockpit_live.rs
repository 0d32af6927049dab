//! The rate and batch-size measurement, live: with `#cockpit-live` on, the
//! panel measures again ([`cockpit::measure`], on a copy) each time the run
//! enters a new block of [`cockpit::LIVE_EVERY`] steps, and shows the
//! readings and the advice as "Measure" does. On the main thread, so only
//! networks up to [`cockpit::LIVE_MAX_PARAMS`] parameters; a larger one
//! says so and leaves "Measure" (in the worker) to the learner.

use web_sys::Performance;

use super::Instruments;
use crate::dom::{set_attr, set_text};
use crate::engine::instruments::cockpit;
use crate::engine::progress::Progress;
use crate::engine::trainer::Trainer;

/// The live readout's state.
#[derive(Default)]
pub(super) struct CockpitLive {
    /// Switched on.
    pub(super) on: bool,
    /// The step last measured.
    last: Option<u64>,
}

impl Instruments {
    /// `#cockpit-live` changed: measures at once when switched on.
    pub fn toggle_cockpit_live(&mut self, show_lr: bool, trainer: &Trainer, clock: &Performance) {
        self.cockpit_live = CockpitLive { on: self.els.cp_live.checked(), last: None };
        self.cockpit_shows_lr = show_lr;
        self.paint_cockpit_live(trainer, clock);
    }

    /// Measures when the live readout is on and due (see the module docs).
    pub(super) fn paint_cockpit_live(&mut self, trainer: &Trainer, clock: &Performance) {
        let live = &self.cockpit_live;
        if !live.on || !cockpit::live_due(trainer.step_count(), live.last) || self.checks.running().is_some() {
            return;
        }
        self.cockpit_live.last = Some(trainer.step_count());
        if trainer.model.params.len() > cockpit::LIVE_MAX_PARAMS {
            let why = crate::tr!("inst.cockpit_time.live_too_large", max = cockpit::LIVE_MAX_PARAMS);
            set_text(&self.els.cp_time, &why);
            return;
        }
        let t0 = clock.now();
        let report = cockpit::measure(trainer, &mut Progress::none());
        let ms = clock.now() - t0;
        self.show_cockpit(&report, ms);
        let text = crate::tr!("inst.cockpit_time.live", step = report.from_step, ms = format!("{ms:.1}"));
        set_text(&self.els.cp_time, &text);
        set_attr(&self.els.cp_lines, "data-step", &report.from_step.to_string());
    }
}
