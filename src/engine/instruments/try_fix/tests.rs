//! "Try the fix" against independent runs: each side equals the same link
//! trained on its own, the verdicts on known cases, and the symptom's
//! measurement against the doctor's own evidence.

use super::*;
use crate::engine::instruments::doctor::examine;
use crate::engine::instruments::trained;

/// The finding of `problem` the doctor raises on `link` after `steps`.
fn finding(link: &str, steps: u64, problem: Problem) -> (Trainer, crate::engine::instruments::finding::Finding) {
    let t = trained(link, steps);
    let f = examine(&t, &DoctorOptions::default())
        .findings
        .into_iter()
        .find(|f| f.problem == problem)
        .unwrap_or_else(|| panic!("{link}: no {}", problem.id()));
    (t, f)
}

#[test]
fn each_side_is_its_own_link_trained_alone() {
    let (t, f) = finding("lr=3", 0, Problem::LearningRateTooHigh);
    let remedy = f.remedy.expect("a fix");
    assert_eq!(remedy, Remedy::LearningRate(0.3));
    let r = run(&t, f.problem, remedy).expect("runs");
    assert_eq!((r.steps, r.changed.clone()), (MIN_STEPS, vec!["lr=0.3".to_string()]));
    for side in [&r.current, &r.fixed] {
        let alone = trained(&side.link, side.steps);
        assert_eq!(side.record.fingerprint, alone.fingerprint().to_string(), "{}", side.link);
        let m = alone.clone().evaluate();
        assert_eq!(side.train_loss, m.train_loss);
        assert_eq!(side.curve.len() as u64, EVALS);
        assert_eq!(side.curve.last().map(|p| p.0), Some(side.steps));
        let alarms: Vec<Problem> = examine(&alone, &DoctorOptions::default())
            .findings
            .iter()
            .filter(|f| f.is_alarm())
            .map(|f| f.problem)
            .collect();
        assert_eq!(side.alarms, alarms);
    }
    assert!(r.current.names(Problem::LearningRateTooHigh));
    assert!(!r.fixed.names(Problem::LearningRateTooHigh));
    // The trainer it was given is untouched.
    assert_eq!(t.fingerprint(), trained("lr=3", 0).fingerprint());
}

#[test]
fn a_fix_that_works_is_called_helpful_with_its_symptom_measured_before_and_after() {
    let (t, f) = finding("data=circle&std=1&net=16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu&init=normal&ia=1&loss=bce", 0, Problem::Exploding);
    let r = run(&t, f.problem, f.remedy.expect("a fix")).expect("runs");
    assert_eq!(r.verdict, Verdict::Helped, "{r:#?}");
    // The symptom before is the finding's own evidence; after, it is far smaller.
    let before = r.current.symptom.expect("measured");
    assert_eq!(Some(before), f.evidence.first().map(|e| e.value));
    assert!(r.fixed.symptom.expect("measured") < crate::engine::instruments::diagnosis::EXPLODE, "{r:#?}");
}

#[test]
fn a_fix_too_weak_is_called_unhelpful() {
    // Adam at 1e-6 → the capped suggestion 1e-4 is still too low for this net.
    let link = "data=circle&std=1&net=8:relu,8:relu&init=he_n&loss=bce&opt=adam&lr=0.000001";
    let (t, f) = finding(link, 0, Problem::LearningRateTooLow);
    let r = run(&t, f.problem, f.remedy.expect("a fix")).expect("runs");
    assert_eq!(r.verdict, Verdict::NotHelped, "{r:#?}");
    assert!(r.fixed.train_loss < r.current.train_loss, "but it did lower the loss");
}

#[test]
fn the_verdict_rules_on_hand_made_sides() {
    let side = |loss: f64, alarms: Vec<Problem>| Side {
        link: String::new(),
        steps: 300,
        diverged: false,
        train_loss: loss,
        test_loss: loss,
        train_acc: None,
        test_acc: None,
        curve: Vec::new(),
        alarms,
        symptom: None,
        record: RunRecord::default(),
    };
    let p = Problem::LearningRateTooHigh;
    let cur = side(f64::NAN, vec![p]);
    assert_eq!(verdict(p, Yardstick::Loss, &cur, &side(0.1, vec![])), Verdict::Helped, "diverged before, finite after");
    assert_eq!(verdict(p, Yardstick::Loss, &side(0.2, vec![p]), &side(0.3, vec![])), Verdict::Partly, "loss higher");
    assert_eq!(
        verdict(p, Yardstick::Loss, &side(0.2, vec![p]), &side(0.1, vec![Problem::Oscillating])),
        Verdict::Partly,
        "a new alarm"
    );
    assert_eq!(verdict(p, Yardstick::Loss, &side(0.2, vec![p]), &side(0.1, vec![p])), Verdict::NotHelped);
    let acc = |a: f64, loss: f64| Side { train_acc: Some(a), ..side(loss, vec![]) };
    assert_eq!(verdict(p, Yardstick::Accuracy, &acc(0.5, 0.1), &acc(0.9, 0.7)), Verdict::Helped, "a new loss scale");
    assert_eq!(verdict(p, Yardstick::Accuracy, &acc(0.9, 0.7), &acc(0.5, 0.1)), Verdict::Partly);
    assert_eq!(steps_for(0), MIN_STEPS);
    assert_eq!(steps_for(1_000), 1_000);
    assert_eq!(steps_for(1_000_000), MAX_STEPS);
}
