//! Whether a run record is what its link gives: its link, trained for its
//! step count, must end on its fingerprint. An imported file can claim
//! anything (a fingerprint made up, a step count or a link edited); the
//! page replays each imported run in the checks' worker and flags the ones
//! that do not verify.
//!
//! Replays are capped: a run of more than [`MAX_STEPS`] steps, or whose
//! work (steps × parameters × the largest batch size of its link) is over
//! [`MAX_WORK`], is not checked, so an
//! import of long runs on large networks never keeps the worker busy for
//! minutes. A record from before links carried mid-run changes
//! (`changed_at`) cannot be replayed: its link holds the starting settings
//! only.

use super::RunRecord;
use crate::engine::bug_lab;
use crate::engine::link as codec;
use crate::engine::trainer::{StepOutcome, Trainer};

/// Most work replayed for one record: steps × parameters × batch size
/// (multiply-adds of the forward passes; ≈ 0.6 s natively at the cap).
pub const MAX_WORK: u64 = 400_000_000;
/// Most steps replayed for one record (a step of a small network costs
/// more than its work: ≈ 5 µs natively for the default one, 0.5 s for these).
pub const MAX_STEPS: u64 = 100_000;

/// What a replay of a record says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    /// Its link, trained for its steps, ends on its fingerprint.
    Verified,
    /// It does not: the fingerprint, the step count or the link was changed
    /// (or another version of GradLab trained differently).
    Unverified,
    /// Not checked: more steps than [`MAX_STEPS`] or more work than [`MAX_WORK`].
    TooLarge,
    /// Not checked: the record cannot be replayed (a change mid-run its link
    /// does not carry, or a link this version cannot build).
    Unreplayable,
}

impl Verdict {
    /// The value of a row's `data-verdict`.
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Unverified => "unverified",
            Verdict::TooLarge | Verdict::Unreplayable => "not-checked",
        }
    }
}

/// The worker's answer: verdicts by run id, and whether it has finished.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    /// `(id, verdict)` of runs replayed since the last answer.
    pub verdicts: Vec<(String, Verdict)>,
    /// Every run was replayed.
    pub done: bool,
}

/// What the worker needs of records to replay them (their curves left out).
pub fn to_replay(records: &[RunRecord]) -> String {
    let bare: Vec<RunRecord> =
        records.iter().map(|r| RunRecord { curves: super::Curves::default(), ..r.clone() }).collect();
    serde_json::to_string(&bare).unwrap_or_default()
}

/// Replays `records` (as [`to_replay`] wrote them), answering through
/// `post` whenever `due()` says so and once at the end.
pub fn verify_all(records: &str, post: &mut dyn FnMut(Checked), due: &mut dyn FnMut() -> bool) {
    let records: Vec<RunRecord> = serde_json::from_str(records).unwrap_or_default();
    let mut replayer = Replayer::default();
    let mut verdicts = Vec::new();
    for r in &records {
        verdicts.push((r.id.clone(), replayer.verify(r)));
        if due() {
            post(Checked { verdicts: std::mem::take(&mut verdicts), done: false });
        }
    }
    post(Checked { verdicts, done: true });
}

/// Replays `record` and compares: [`Verdict::Verified`] only when its link,
/// trained for exactly its steps, ends on its fingerprint.
pub fn verify(record: &RunRecord) -> Verdict {
    Replayer::default().verify(record)
}

/// The trainer at step 0 of `record`'s link, if its replay is within the
/// caps; or why it is not replayed.
pub fn replayable(record: &RunRecord) -> Result<Trainer, Verdict> {
    let start = start(record)?;
    capped(&start, record.steps)?;
    Ok(start)
}

/// Replays records one after another, building a link's trainer once for
/// records in a row on the same link and points (an import of copies).
#[derive(Default)]
pub struct Replayer {
    /// The last link and points, and their trainer at step 0 (or why none).
    last: Option<(String, String, Result<Trainer, Verdict>)>,
}

impl Replayer {
    /// [`verify`], reusing the last record's trainer at step 0 when the link is the same.
    pub fn verify(&mut self, record: &RunRecord) -> Verdict {
        if record.changed_at.is_some() {
            return Verdict::Unreplayable;
        }
        let same = self.last.as_ref().is_some_and(|(l, p, _)| *l == record.link && *p == record.points);
        if !same {
            self.last = Some((record.link.clone(), record.points.clone(), start(record)));
        }
        let Some((_, _, start)) = &self.last else { return Verdict::Unreplayable };
        let mut trainer = match start {
            Ok(t) => match capped(t, record.steps) {
                Ok(()) => t.clone(),
                Err(v) => return v,
            },
            Err(v) => return *v,
        };
        while trainer.step_count() < record.steps {
            if let StepOutcome::Diverged(_) = trainer.step() {
                break;
            }
        }
        let same = trainer.step_count() == record.steps && trainer.fingerprint().to_string() == record.fingerprint;
        if same {
            Verdict::Verified
        } else {
            Verdict::Unverified
        }
    }
}

/// The trainer at step 0 of `record`'s link (its custom points from the
/// record when the link names them by hash), or why it cannot be built.
fn start(record: &RunRecord) -> Result<Trainer, Verdict> {
    if record.changed_at.is_some() {
        return Err(Verdict::Unreplayable);
    }
    let (mut link, rejected) = codec::decode_link(&record.link);
    if !rejected.is_empty() {
        return Err(Verdict::Unreplayable);
    }
    let data = &mut link.config.data;
    if data.points.is_empty() && data.points_hash.is_some() {
        let points = codec::points::decode(&record.points, codec::points::MAX_RECORD_CHARS)
            .map_err(|_| Verdict::Unreplayable)?;
        if data.points_hash != Some(codec::points::hash(&points)) {
            return Err(Verdict::Unreplayable);
        }
        data.points = points;
        data.points_hash = None;
    }
    bug_lab::trainer(&link.config, link.bug).map_err(|_| Verdict::Unreplayable)
}

/// Whether `steps` of `trainer` are within the caps.
fn capped(trainer: &Trainer, steps: u64) -> Result<(), Verdict> {
    if steps > MAX_STEPS || work(trainer, steps) > MAX_WORK {
        return Err(Verdict::TooLarge);
    }
    Ok(())
}

/// Steps × parameters × the largest batch size of the run (saturating).
pub fn work(trainer: &Trainer, steps: u64) -> u64 {
    let cfg = trainer.experiment();
    let batch = cfg.changes.iter().map(|c| c.live.batch_size).fold(cfg.batch_size, usize::max);
    steps.saturating_mul(trainer.model.n_params() as u64).saturating_mul(batch as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::runs::recorder::Recorder;

    /// A real record: the default experiment, 30 steps, one change of the
    /// learning rate at step 20 (so the link carries a change).
    fn real() -> RunRecord {
        let mut t = Trainer::from_config(&Config::default()).expect("valid");
        let rec = Recorder::start(&t, "0.1.0", "test", 1.7e12);
        for _ in 0..20 {
            t.step();
        }
        t.apply_live(&Config { lr: 0.3, ..t.cfg.clone() });
        for _ in 0..10 {
            t.step();
        }
        rec.record(&t, 1.0)
    }

    /// The worker's answers cross as postcard (`web::checks`): the verdicts,
    /// and an imported file's records (each as JSON text) or its rejection.
    #[test]
    fn answers_cross_the_worker_boundary_as_postcard() {
        use crate::engine::runs::import::Parsed;
        let checked =
            Checked { verdicts: vec![("a".into(), Verdict::Unverified), ("b".into(), Verdict::TooLarge)], done: true };
        assert_eq!(postcard::from_bytes::<Checked>(&postcard::to_stdvec(&checked).unwrap()).unwrap(), checked);
        let records = Parsed::of_file(&crate::engine::runs::export_json(&[real()]));
        assert!(matches!(&records, Parsed::Records(r) if r.len() == 1));
        for parsed in [records, Parsed::of_file("not json")] {
            assert_eq!(postcard::from_bytes::<Parsed>(&postcard::to_stdvec(&parsed).unwrap()).unwrap(), parsed);
        }
    }

    #[test]
    fn a_real_record_verifies() {
        let r = real();
        assert!(r.link.contains("@20"), "the link carries the change: {}", r.link);
        assert_eq!(verify(&r), Verdict::Verified);
    }

    /// Custom points the link names only by hash come from the record.
    #[test]
    fn a_record_on_custom_points_verifies_with_its_points() {
        use crate::engine::config::{CustomPoint, DataKind, LossKind};
        let mut cfg = Config { loss: LossKind::SoftmaxCe, ..Config::default() };
        cfg.data.kind = DataKind::Custom;
        cfg.data.points = (0..2000)
            .map(|i| CustomPoint {
                x1: (i * 37 % 1201) as i16 - 600,
                x2: (i * 91 % 1201) as i16 - 600,
                class: (i % 2) as u8,
            })
            .collect();
        let mut t = Trainer::from_config(&cfg).expect("valid");
        let rec = Recorder::start(&t, "0.1.0", "test", 1.7e12);
        for _ in 0..12 {
            t.step();
        }
        let r = rec.record(&t, 1.0);
        assert!(r.link.contains("pts_hash=") && !r.points.is_empty(), "{}", r.link);
        assert_eq!(verify(&r), Verdict::Verified);
        let other = codec::points::encode(&cfg.data.points[1..]);
        assert_eq!(verify(&RunRecord { points: other, ..r }), Verdict::Unreplayable, "not the link's points");
    }

    #[test]
    fn a_changed_fingerprint_step_count_or_link_is_unverified() {
        let r = real();
        // One hex digit of the fingerprint changed.
        let mut digit = r.fingerprint.clone().into_bytes();
        digit[0] = if digit[0] == b'0' { b'1' } else { b'0' };
        let fingerprint = RunRecord { fingerprint: String::from_utf8(digit).unwrap(), ..r.clone() };
        let steps_more = RunRecord { steps: r.steps + 1, ..r.clone() };
        let steps_less = RunRecord { steps: r.steps - 1, ..r.clone() };
        let link = RunRecord { link: r.link.replace("seed=", "seed=1"), ..r.clone() };
        assert_ne!(link.link, r.link, "the seed was changed");
        for (what, bad) in
            [("fingerprint", fingerprint), ("steps+1", steps_more), ("steps-1", steps_less), ("link", link)]
        {
            assert!(super::super::validate(&bad).is_ok(), "{what}: still a valid record");
            assert_eq!(verify(&bad), Verdict::Unverified, "{what}");
        }
    }

    #[test]
    fn the_worker_answers_every_record_then_finishes() {
        let r = real();
        // A copy on the same link: its trainer at step 0 is reused, the verdict its own.
        let fake = RunRecord { id: "fake".into(), fingerprint: "0123456789abcdef".into(), ..r.clone() };
        let mut answers = Vec::new();
        let mut calls = 0;
        verify_all(&to_replay(&[r.clone(), fake]), &mut |c| answers.push(c), &mut || {
            calls += 1;
            calls == 1
        });
        let want = vec![
            Checked { verdicts: vec![(r.id.clone(), Verdict::Verified)], done: false },
            Checked { verdicts: vec![("fake".into(), Verdict::Unverified)], done: true },
        ];
        assert_eq!(answers, want);
    }

    #[test]
    fn too_many_steps_too_much_work_or_an_old_change_is_not_checked() {
        let r = real();
        let t = replayable(&r).expect("replayable");
        // The default network is small: its cap is the steps'.
        let per_step = t.model.n_params() as u64 * t.cfg.batch_size as u64;
        assert_eq!(work(&t, 7), 7 * per_step);
        assert!(MAX_STEPS * per_step <= MAX_WORK);
        assert!(replayable(&RunRecord { steps: MAX_STEPS, ..r.clone() }).is_ok());
        assert_eq!(verify(&RunRecord { steps: MAX_STEPS + 1, ..r.clone() }), Verdict::TooLarge);
        assert_eq!(verify(&RunRecord { steps: u64::MAX, ..r.clone() }), Verdict::TooLarge);
        // Six 8-unit ReLU layers on 2 inputs, batches of 50: the work's cap.
        let link = "data=spiral&net=8:relu,8:relu,8:relu,8:relu,8:relu,8:relu&bs=50";
        let params = 2 * 8 + 8 + 5 * (8 * 8 + 8) + 8 + 1;
        let limit = MAX_WORK / (params * 50);
        assert_eq!(limit, 20_356);
        let big = RunRecord { link: link.into(), changed_at: None, ..r.clone() };
        assert!(replayable(&RunRecord { steps: limit, ..big.clone() }).is_ok());
        assert_eq!(verify(&RunRecord { steps: limit + 1, ..big }), Verdict::TooLarge);
        let old = RunRecord { changed_at: Some(5), ..r };
        assert_eq!(verify(&old), Verdict::Unreplayable);
        assert_eq!((Verdict::TooLarge.id(), Verdict::Unreplayable.id()), ("not-checked", "not-checked"));
    }
}
