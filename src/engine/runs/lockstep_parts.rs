//! Lockstep in parts short enough for a browser frame: the variants built
//! one trainer per call, a round (every variant one step) advanced a layer
//! at a time, an evaluation of every variant in slices of rows.
//!
//! On the largest networks the page allows, building one trainer, one step
//! and one evaluation each take tens to hundreds of milliseconds, four
//! times over for four variants; done whole they would freeze the page.
//! The parts run exactly the operations of [`Lockstep::new`],
//! [`Lockstep::step`] and [`Trainer::evaluate`] in the same order, so the
//! bits are the same however the work is cut (tested).

use super::lockstep::{Lockstep, MAX_VARIANTS};
use crate::engine::bug_lab::{self, PlantedBug};
use crate::engine::config::Config;
use crate::engine::error::EngineError;
use crate::engine::history::Metrics;
use crate::engine::trainer::{Evaluation, PartialStep, StepOutcome};

/// Variants being built, one trainer per [`Building::build_next`].
#[derive(Clone, Debug)]
pub struct Building {
    variants: Vec<Config>,
    /// A bug planted in every variant.
    bug: Option<PlantedBug>,
    built: Vec<crate::engine::trainer::Trainer>,
}

impl Building {
    /// Checks the variants as [`Lockstep::new`] does; nothing built yet.
    /// `bug` is planted in every variant.
    pub fn start(variants: &[Config], bug: Option<PlantedBug>) -> Result<Self, EngineError> {
        if !(2..=MAX_VARIANTS).contains(&variants.len()) {
            return Err(EngineError::InvalidConfig(crate::tr!("runs.lockstep.count", max = MAX_VARIANTS)));
        }
        if variants.iter().any(|v| v.seed != variants[0].seed) {
            return Err(EngineError::InvalidConfig(crate::tr!("runs.lockstep.seed")));
        }
        Ok(Self { variants: variants.to_vec(), bug, built: Vec::new() })
    }

    /// Builds the next variant's trainer; the lockstep once all are built.
    pub fn build_next(&mut self) -> Result<Option<Lockstep>, EngineError> {
        if let Some(cfg) = self.variants.get(self.built.len()) {
            self.built.push(bug_lab::trainer(cfg, self.bug)?);
        }
        if self.built.len() < self.variants.len() {
            return Ok(None);
        }
        Ok(Some(Lockstep { trainers: std::mem::take(&mut self.built) }))
    }

    /// Variants built so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.built.len(), self.variants.len())
    }
}

/// A round under way: variants before `turn` have stepped.
#[derive(Clone, Debug, Default)]
pub struct Round {
    turn: usize,
    partial: Option<PartialStep>,
    outcomes: Vec<StepOutcome>,
}

/// An evaluation of every variant under way: variants before `turn` are done.
#[derive(Clone, Debug, Default)]
pub struct EvaluationRound {
    turn: usize,
    current: Option<Evaluation>,
    metrics: Vec<Metrics>,
}

impl Lockstep {
    /// Advances the round in `round` (starting one when `None`) a layer at
    /// a time while `more()` says so, at least one layer per call. Returns
    /// every variant's outcome once each has stepped (`round` is then `None`).
    pub fn step_part(&mut self, round: &mut Option<Round>, more: &mut dyn FnMut() -> bool) -> Option<Vec<StepOutcome>> {
        let mut r = round.take().unwrap_or_default();
        while let Some(trainer) = self.trainers.get_mut(r.turn) {
            match trainer.step_part(&mut r.partial, more) {
                Some(outcome) => {
                    r.outcomes.push(outcome);
                    r.turn += 1;
                    if r.turn < self.trainers.len() && !more() {
                        *round = Some(r);
                        return None;
                    }
                }
                None => {
                    *round = Some(r);
                    return None;
                }
            }
        }
        Some(r.outcomes)
    }

    /// Evaluates every variant in slices while `more()` says so, at least
    /// one slice per call; the metrics of each once all are done (each is
    /// also recorded in its trainer's history, as [`Trainer::evaluate`] does).
    ///
    /// [`Trainer::evaluate`]: crate::engine::trainer::Trainer::evaluate
    pub fn evaluate_part(
        &mut self,
        round: &mut Option<EvaluationRound>,
        more: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Metrics>> {
        let mut r = round.take().unwrap_or_default();
        while let Some(trainer) = self.trainers.get_mut(r.turn) {
            let e = r.current.get_or_insert_with(|| trainer.start_evaluation());
            let rows = trainer.rows_per_slice();
            if let Some(m) = trainer.evaluate_slice(e, rows) {
                r.metrics.push(m);
                r.current = None;
                r.turn += 1;
            }
            if r.turn < self.trainers.len() && !more() {
                *round = Some(r);
                return None;
            }
        }
        Some(r.metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::link as codec;
    use crate::engine::runs::lockstep::preset;

    fn variants(link: &str) -> Vec<Config> {
        let (base, _) = codec::decode(link);
        preset(&base, "optimizers").into_iter().map(|(_, c)| c).collect()
    }

    fn build(configs: &[Config], bug: Option<PlantedBug>) -> (Lockstep, usize) {
        let mut building = Building::start(configs, bug).unwrap();
        let mut calls = 0;
        loop {
            calls += 1;
            if let Some(ls) = building.build_next().unwrap() {
                return (ls, calls);
            }
        }
    }

    /// Built one at a time, stepped a layer at a time, evaluated a slice
    /// at a time: the same bits as the whole operations.
    #[test]
    fn lockstep_in_parts_equals_lockstep_whole() {
        let configs = variants("data=digits&loss=softmax&n=300&net=16:relu:bn:d0.2,8:tanh&bs=24");
        let bug = Some(PlantedBug { bug: crate::engine::bug_lab::Bug::NoZeroGrad, hidden: false });
        let (mut whole, _) = build(&configs, bug);
        let (mut cut, calls) = build(&configs, bug);
        assert_eq!(calls, configs.len(), "one trainer per call");
        assert!(cut.trainers.iter().all(|t| bug_lab::planted_bug(t) == bug));
        let (mut round, mut parts, mut rounds) = (None, 0, 0);
        while rounds < 7 {
            parts += 1;
            if let Some(outcomes) = cut.step_part(&mut round, &mut || false) {
                assert_eq!(outcomes, whole.step());
                rounds += 1;
            }
        }
        assert!(parts > 7 * configs.len(), "rounds were not cut: {parts} parts");
        let (mut eval, mut slices) = (None, 0);
        let metrics = loop {
            slices += 1;
            if let Some(m) = cut.evaluate_part(&mut eval, &mut || false) {
                break m;
            }
        };
        assert!(slices >= configs.len());
        for ((a, b), m) in cut.trainers.iter_mut().zip(&mut whole.trainers).zip(&metrics) {
            assert_eq!(a.fingerprint(), b.fingerprint());
            let w = b.evaluate();
            assert_eq!(
                (m.train_loss.to_bits(), m.test_loss.to_bits()),
                (w.train_loss.to_bits(), w.test_loss.to_bits())
            );
            assert_eq!(a.history.evals.points().last().map(|(s, _)| *s), Some(7));
        }
    }

    #[test]
    fn a_round_with_room_finishes_in_one_call() {
        let mut ls = Lockstep::new(&variants("data=xor&net=4:tanh")).unwrap();
        let outcomes = ls.step_part(&mut None, &mut || true).expect("one call");
        assert_eq!(outcomes, vec![StepOutcome::Ok; 4]);
        assert!(ls.trainers.iter().all(|t| t.step_count() == 1));
        assert!(Building::start(&variants("data=xor")[..1], None).is_err());
    }
}
