//! Turns a live run into a [`RunRecord`]: the page starts a recorder when a
//! run starts (load, reset, structural change), feeds it every evaluation,
//! and saves [`Recorder::record`] whenever it wants to persist.

use super::{curves_from, MetricSet, RunRecord};
use crate::engine::history::Metrics;
use crate::engine::link as codec;
use crate::engine::trainer::Trainer;
use std::hash::Hasher;

/// Collects what a run record needs while the run goes on.
#[derive(Clone, Debug)]
pub struct Recorder {
    record: RunRecord,
    best: MetricSet,
    last: MetricSet,
}

impl Recorder {
    /// A recorder for the run of `trainer`, started at `now_ms` (Unix ms).
    pub fn start(trainer: &Trainer, app_version: &str, user_agent: &str, now_ms: f64) -> Self {
        let record = RunRecord {
            link: link_of(trainer),
            fingerprint: trainer.fingerprint().to_string(),
            points: points_of(trainer),
            ..RunRecord::default()
        };
        Self {
            record: stamp(record, app_version, user_agent, now_ms),
            best: MetricSet::default(),
            last: MetricSet::default(),
        }
    }

    /// Notes one evaluation; keeps the best losses (lowest) and accuracies (highest).
    pub fn observe(&mut self, m: &Metrics) {
        let finite = |v: f64| v.is_finite().then_some(v);
        self.last = MetricSet {
            train_loss: finite(m.train_loss),
            test_loss: finite(m.test_loss),
            train_acc: m.train_acc.and_then(finite),
            test_acc: m.test_acc.and_then(finite),
        };
        let b = &mut self.best;
        b.train_loss = lower(b.train_loss, self.last.train_loss);
        b.test_loss = lower(b.test_loss, self.last.test_loss);
        b.train_acc = higher(b.train_acc, self.last.train_acc);
        b.test_acc = higher(b.test_acc, self.last.test_acc);
    }

    /// The record as of now: the link (with the changes made so far),
    /// steps, wall time, metrics, fingerprint and the trainer's evaluation
    /// history as curves (at most `MAX_POINTS`).
    pub fn record(&self, trainer: &Trainer, wall_ms: f64) -> RunRecord {
        let mut points: Vec<(u64, MetricSet)> = trainer
            .history
            .evals
            .points()
            .iter()
            .map(|(s, m)| {
                let set = MetricSet {
                    train_loss: Some(m.train_loss),
                    test_loss: Some(m.test_loss),
                    train_acc: m.train_acc,
                    test_acc: m.test_acc,
                };
                (*s, set)
            })
            .collect();
        points.dedup_by_key(|p| p.0);
        RunRecord {
            link: link_of(trainer),
            steps: trainer.step_count(),
            wall_ms: if wall_ms.is_finite() { wall_ms.max(0.0) } else { 0.0 },
            last: self.last,
            best: self.best,
            diverged: trainer.diverged().is_some(),
            fingerprint: trainer.fingerprint().to_string(),
            curves: curves_from(&points),
            ..self.record.clone()
        }
    }
}

/// `record` as started by this app in this browser at `now_ms` (Unix ms):
/// its version, user agent, start time, and an id from its link and that
/// time. A run recorded elsewhere (the checks' worker) is stamped this way
/// before the history keeps it.
pub fn stamp(record: RunRecord, app_version: &str, user_agent: &str, now_ms: f64) -> RunRecord {
    let mut h = fnv::FnvHasher::default();
    h.write(record.link.as_bytes());
    h.write_u64(now_ms.to_bits());
    RunRecord {
        id: format!("{:016x}", h.finish()),
        app_version: app_version.chars().take(super::MAX_TEXT).collect(),
        user_agent: user_agent.chars().take(super::MAX_TEXT).collect(),
        started_ms: if now_ms.is_finite() { now_ms.max(0.0) } else { 0.0 },
        ..record
    }
}

/// The custom points of `trainer`'s data as text (empty for generated data).
fn points_of(trainer: &Trainer) -> String {
    let data = &trainer.cfg.data;
    if data.kind == crate::engine::config::DataKind::Custom {
        codec::points::encode(&data.points)
    } else {
        String::new()
    }
}

/// The link of `trainer`'s whole experiment (its changes included) and bug.
fn link_of(trainer: &Trainer) -> String {
    codec::encode_link(&codec::Link {
        bug: crate::engine::bug_lab::planted_bug(trainer),
        ..codec::Link::of(&trainer.experiment())
    })
}

fn lower(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn higher(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::runs::{export_json, import_json, validate, RunRecord};

    #[test]
    fn a_recorded_run_is_valid_and_reproducible() {
        let mut t = Trainer::from_config(&Config::default()).expect("valid");
        let mut rec = Recorder::start(&t, "0.1.0", "Mozilla/5.0 <test>", 1.7e12);
        for _ in 0..40 {
            for _ in 0..10 {
                t.step();
            }
            let m = t.evaluate();
            rec.observe(&m);
        }
        let r = rec.record(&t, 123.0);
        assert!(validate(&r).is_ok(), "{:?}", validate(&r));
        assert_eq!((r.steps, r.curves.step.len(), r.wall_ms), (400, 40, 123.0));
        assert_eq!(r.fingerprint, t.fingerprint().to_string());
        let best = r.best.train_loss.expect("loss");
        assert!(best <= r.last.train_loss.expect("loss"));
        assert!(r.curves.train_loss.iter().flatten().all(|&l| l >= best));
        assert_eq!(import_json(&export_json(std::slice::from_ref(&r))), Ok(vec![r.clone()]));
        assert_eq!(r.changed_at, None);
        assert_reproduces(&r);
        // A change mid-run is in the record's link, and the link still reproduces it.
        assert_eq!(t.apply_live(&Config { lr: 0.3, ..t.cfg.clone() }), crate::engine::trainer::LiveChange::Applied);
        for _ in 0..50 {
            t.step();
        }
        let changed = rec.record(&t, 1.0);
        assert!(changed.link.contains("&lr=0.03,0.3@400&"), "{}", changed.link);
        assert!(validate(&changed).is_ok());
        assert_reproduces(&changed);
    }

    /// The record's link gives its fingerprint after its steps.
    fn assert_reproduces(r: &RunRecord) {
        let (link, _) = codec::decode_link(&r.link);
        let mut again = crate::engine::bug_lab::trainer(&link.config, link.bug).expect("valid");
        for _ in 0..r.steps {
            again.step();
        }
        assert_eq!(again.fingerprint().to_string(), r.fingerprint);
    }
}
