//! The settings that may change mid-run ([`Live`]) and a run's changes to
//! them ([`Change`]): a learner who raises the learning rate at step 500
//! made a different experiment from one who started with it, and the link
//! says so (`lr=0.03,0.3@500`), so that it reproduces what they saw.
//!
//! A change at step `s` takes effect before step `s + 1` is computed,
//! exactly where the page applies a control changed after `s` steps; the
//! trainer replays the list ([`crate::trainer::Trainer`]), so the
//! page, a link's fast-forward and the native CLI train the same bits.

use super::{ClipKind, Config, OptimizerKind, ScheduleKind};

/// At most this many changes in one experiment (a link carries them all).
pub const MAX_CHANGES: usize = 64;

/// The settings the trainer applies mid-run without a rebuild.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Live {
    /// Base learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: ScheduleKind,
    /// Mini-batch size.
    pub batch_size: usize,
    /// L1 penalty strength.
    pub l1: f64,
    /// L2 penalty strength.
    pub l2: f64,
    /// Gradient clipping.
    pub clip: ClipKind,
    /// Optimizer and its hyperparameters.
    pub optimizer: OptimizerKind,
}

/// The live settings from step `at` on (after `at` steps were trained).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    /// Steps trained before the change took effect (≥ 1).
    pub at: u64,
    /// The live settings from then on.
    pub live: Live,
}

impl Config {
    /// The live settings at the start of the run.
    pub fn live(&self) -> Live {
        Live {
            lr: self.lr,
            schedule: self.schedule,
            batch_size: self.batch_size,
            l1: self.l1,
            l2: self.l2,
            clip: self.clip,
            optimizer: self.optimizer,
        }
    }

    /// Sets the live settings (the rest stays).
    pub fn set_live(&mut self, live: &Live) {
        self.lr = live.lr;
        self.schedule = live.schedule;
        self.batch_size = live.batch_size;
        self.l1 = live.l1;
        self.l2 = live.l2;
        self.clip = live.clip;
        self.optimizer = live.optimizer;
    }

    /// This experiment as it stands after step `step`'s changes: the live
    /// settings of the last change at or before `step`, and no changes.
    pub fn at_step(&self, step: u64) -> Config {
        let mut now = Config { changes: Vec::new(), ..self.clone() };
        if let Some(c) = self.changes.iter().rev().find(|c| c.at <= step) {
            now.set_live(&c.live);
        }
        now
    }

    /// The states of the run: the start, then one config per change (each
    /// without changes), in step order.
    pub fn states(&self) -> Vec<(u64, Config)> {
        let start = Config { changes: Vec::new(), ..self.clone() };
        let mut out = vec![(0, start.clone())];
        for c in &self.changes {
            let mut next = start.clone();
            next.set_live(&c.live);
            out.push((c.at, next));
        }
        out
    }
}

/// Adds the change "from step `at` on, `live`" to `changes` (those at or
/// after `at` are dropped: a person who changes a setting at step 200
/// replaces what a link had planned for later). A change that changes
/// nothing is not kept. `start` is the run's first live settings.
pub fn record_change(changes: &mut Vec<Change>, start: &Live, at: u64, live: Live) {
    changes.retain(|c| c.at < at);
    let before = changes.last().map_or(start, |c| &c.live);
    if *before != live && at > 0 {
        changes.push(Change { at, live });
    }
}

/// The changes in canonical form: steps strictly increasing and ≥ 1, each
/// differing from the settings before it, at most [`MAX_CHANGES`]. Returns
/// why a list is not canonical.
pub fn check_changes(start: &Live, changes: &[Change]) -> Result<(), String> {
    if changes.len() > MAX_CHANGES {
        return Err(format!("at most {MAX_CHANGES} mid-run changes"));
    }
    let mut before = (0, start);
    for c in changes {
        if c.at <= before.0 {
            return Err("changes must come at increasing steps after step 0".into());
        }
        if c.live == *before.1 {
            return Err(format!("the change at step {} changes nothing", c.at));
        }
        before = (c.at, &c.live);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_lr(lr: f64) -> Live {
        Live { lr, ..Config::default().live() }
    }

    #[test]
    fn a_change_replaces_the_planned_future_and_no_op_changes_vanish() {
        let start = Config::default().live();
        let mut changes = Vec::new();
        record_change(&mut changes, &start, 500, with_lr(0.3));
        record_change(&mut changes, &start, 900, with_lr(0.1));
        assert_eq!(changes.iter().map(|c| (c.at, c.live.lr)).collect::<Vec<_>>(), [(500, 0.3), (900, 0.1)]);
        // At step 700 a person sets 0.01: the change planned for 900 goes.
        record_change(&mut changes, &start, 700, with_lr(0.01));
        assert_eq!(changes.iter().map(|c| (c.at, c.live.lr)).collect::<Vec<_>>(), [(500, 0.3), (700, 0.01)]);
        // Back to what it was before: the change at 700 is dropped.
        record_change(&mut changes, &start, 700, with_lr(0.3));
        assert_eq!(changes.len(), 1);
        // At step 0 there is no change, only a different start.
        record_change(&mut changes, &start, 0, with_lr(0.5));
        assert!(changes.is_empty());
        assert_eq!(check_changes(&start, &changes), Ok(()));
    }

    #[test]
    fn states_and_at_step_follow_the_list() {
        let cfg = Config {
            changes: vec![Change { at: 5, live: with_lr(0.3) }, Change { at: 9, live: with_lr(0.1) }],
            ..Config::default()
        };
        let lrs: Vec<(u64, f64)> = cfg.states().iter().map(|(s, c)| (*s, c.lr)).collect();
        assert_eq!(lrs, [(0, 0.03), (5, 0.3), (9, 0.1)]);
        assert_eq!([0, 4, 5, 8, 9, 100].map(|s| cfg.at_step(s).lr), [0.03, 0.03, 0.3, 0.3, 0.1, 0.1]);
        assert!(cfg.at_step(9).changes.is_empty());
        assert_eq!(check_changes(&cfg.live(), &cfg.changes), Ok(()));
        let start = Config::default().live();
        let twice = [Change { at: 5, live: with_lr(0.3) }, Change { at: 5, live: with_lr(0.1) }];
        assert!(check_changes(&start, &twice).is_err());
        assert!(check_changes(&start, &[Change { at: 0, live: with_lr(0.3) }]).is_err());
        assert!(check_changes(&start, &[Change { at: 3, live: start }]).is_err());
    }
}
