//! The doctor benchmark in every test run: every labelled case of
//! `instruments::calibration` with every seed of `SEEDS`. A healthy recipe
//! that gets any warning, or a misconfiguration whose problem is not named
//! first, fails the run; so does a per-problem precision or recall below 1.
//! The same table prints with `gradlab doctor --bench`.

use gradlab::engine::bug_lab;
use gradlab::engine::instruments::calibration::{self, Expect, CASES, SEEDS};
use gradlab::engine::instruments::finding::Problem;
use std::collections::BTreeSet;

#[test]
fn the_doctor_benchmark_has_enough_cases_of_every_kind() {
    let healthy = CASES.iter().filter(|c| c.expect == Expect::Healthy).count();
    let bad = CASES.len() - healthy;
    assert!(CASES.len() >= 40 && healthy >= 20 && bad >= 20, "{healthy} healthy, {bad} misconfigured");
    let names: BTreeSet<&str> = CASES.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), CASES.len(), "case names are unique");
    // Every symptom the benchmark must cover has a misconfiguration whose primary it is.
    let primaries: BTreeSet<Problem> = CASES
        .iter()
        .filter_map(|c| match c.expect {
            Expect::Problem { primary, .. } => Some(primary),
            Expect::Healthy => None,
        })
        .collect();
    for p in [
        Problem::Exploding,
        Problem::Vanishing,
        Problem::DeadUnits,
        Problem::Saturated,
        Problem::LearningRateTooHigh,
        Problem::LearningRateTooLow,
        Problem::Oscillating,
        Problem::PenaltyDominates,
        Problem::UnnormalizedInputs,
        Problem::LossMismatch,
        Problem::DropoutTooHigh,
        Problem::SymmetricInit,
        Problem::BnSmallBatch,
        Problem::VarianceShift,
        Problem::InitialLoss,
    ] {
        assert!(primaries.contains(&p), "no case for {}", p.id());
    }
    // Healthy recipes span every data set and activation family.
    let healthy_links: Vec<&str> = CASES.iter().filter(|c| c.expect == Expect::Healthy).map(|c| c.link).collect();
    let has = |needle: &str| healthy_links.iter().any(|l| l.contains(needle));
    for data in [
        "v=1",
        "data=xor",
        "data=gauss",
        "data=spiral&",
        "data=moons",
        "data=blobs",
        "data=spiralk",
        "data=plane",
        "data=mgauss",
        "data=digits",
    ] {
        assert!(has(data), "no healthy recipe on {data}");
    }
    for act in [":relu", ":lrelu", ":tanh", ":sigmoid", ":elu", ":gelu", ":bn", ":d0.2", "opt=adam", "lr=0.05&"] {
        assert!(has(act), "no healthy recipe with {act}");
    }
}

#[test]
fn the_doctor_names_every_misconfiguration_and_nothing_on_healthy_recipes() {
    let outcomes = calibration::run_all();
    let report = calibration::report(&outcomes);
    println!("{report}");
    assert_eq!(outcomes.len(), CASES.len() * SEEDS.len());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.ok)
        .map(|o| format!("{} (seed {}): {}", o.case.name, o.seed, o.failure))
        .collect();
    assert!(failures.is_empty(), "{} runs fail:\n{}", failures.len(), failures.join("\n"));
    for (p, s) in calibration::scores(&outcomes) {
        assert_eq!((s.precision(), s.recall()), (1.0, 1.0), "{}: {s:?}", p.id());
    }
    the_first_fix_repairs_most_misconfigurations(&outcomes);
}

/// The repair score (issue 11, item 3): on every misconfiguration the
/// first finding offers a fix; applied and checked again, it leaves no
/// warning at all in at least 80 % of the runs and removes the case's own
/// problem in at least 90 %; every fix that is not about the learning rate
/// removes its problem on every seed.
fn the_first_fix_repairs_most_misconfigurations(outcomes: &[calibration::Outcome]) {
    let repairs: Vec<calibration::repair::Repair> = outcomes.iter().filter_map(calibration::repair::repair).collect();
    let text = calibration::repair::report(&repairs);
    println!("{text}");
    let bad = CASES.iter().filter(|c| c.expect != Expect::Healthy).count();
    assert_eq!(repairs.len(), bad * SEEDS.len());
    let offered_none: Vec<&str> = repairs.iter().filter(|r| r.remedy.is_none()).map(|r| r.case).collect();
    assert!(offered_none.is_empty(), "no fix offered: {offered_none:?}");
    let (repaired, gone, n) = calibration::repair::score(&repairs);
    assert!(repaired * 10 >= n * 8 && gone * 10 >= n * 9, "{text}");
    let rate_problems = [Problem::LearningRateTooHigh, Problem::LearningRateTooLow, Problem::Oscillating];
    for r in repairs.iter().filter(|r| !rate_problems.contains(&r.primary)) {
        assert!(r.primary_gone(), "{} (seed {}): {:?} after {:?}", r.case, r.seed, r.after, r.changed);
    }
}

#[test]
fn removing_a_planted_bug_is_the_fix_the_doctor_offers_first_and_it_repairs() {
    use gradlab::engine::bug_lab::Bug;
    use gradlab::engine::config::Named;
    use gradlab::engine::instruments::doctor::{examine, DoctorOptions};
    use gradlab::engine::instruments::remedy::Remedy;
    use gradlab::engine::link as codec;
    const BASE: &str = "data=xor&std=1&net=8:relu,8:tanh&loss=softmax&opt=adam&lr=0.01";
    let cases: [(Bug, &str, u64); 8] = [
        (Bug::FrozenLayer, BASE, 0),
        (Bug::WrongSign, BASE, 0),
        (Bug::NoZeroGrad, BASE, 0),
        (Bug::SoftmaxTwice, BASE, 0),
        (Bug::ShuffledLabels, BASE, 0),
        (Bug::RawInputs, BASE, 0),
        (Bug::EvalDropout, "data=xor&std=1&net=8:relu:d0.3,8:tanh&loss=softmax", 0),
        (Bug::StaleBn, "data=xor&std=1&net=8:relu:bn,8:tanh&loss=softmax", 30),
    ];
    let alarms = |l: &codec::Link, steps: u64| {
        let mut t = bug_lab::trainer(&l.config, l.bug).expect("valid");
        (0..steps).for_each(|_| drop(t.step()));
        examine(&t, &DoctorOptions::default()).findings.into_iter().filter(|f| f.is_alarm()).collect::<Vec<_>>()
    };
    for (bug, link, steps) in cases {
        let (l, rejected) = codec::decode_link(&format!("{link}&bug={}", bug.name()));
        assert!(rejected.is_empty());
        let found = alarms(&l, steps);
        let first = found.first().unwrap_or_else(|| panic!("{bug:?}: nothing found"));
        assert_eq!(first.remedy, Some(Remedy::RemoveBug), "{bug:?}: {first:#?}");
        let fixed = Remedy::RemoveBug.apply(&l);
        assert_eq!(fixed.bug, None);
        let after: Vec<&str> = alarms(&fixed, steps).iter().map(|f| f.problem.id()).collect();
        assert!(after.is_empty(), "{bug:?}: after the fix {after:?}");
    }
}

/// The live panel's findings after `steps` steps of `link`, trained and
/// evaluated the way the page does it (every step observed, the training
/// set evaluated every 15 steps).
fn live_findings(link: &str, steps: u64) -> Vec<gradlab::engine::instruments::finding::Finding> {
    use gradlab::engine::instruments::Live;
    use gradlab::engine::link as codec;
    use gradlab::engine::trainer::StepOutcome;
    let (l, rejected) = codec::decode_link(link);
    assert!(rejected.is_empty(), "{link}: {rejected:?}");
    let mut t = bug_lab::trainer(&l.config, l.bug).expect("valid");
    let mut live = Live::attach(&mut t);
    for s in 1..=steps {
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
        live.observe(&t);
        if s % 15 == 0 {
            t.evaluate();
        }
    }
    live.findings(&t)
}

#[test]
fn the_live_panel_raises_nothing_on_healthy_recipes_and_names_learning_rate_problems() {
    for case in CASES.iter().filter(|c| c.expect == Expect::Healthy) {
        for steps in [50, 300] {
            let alarms: Vec<&str> = live_findings(case.link, case.steps + steps)
                .iter()
                .filter(|f| f.is_alarm())
                .map(|f| f.problem.id())
                .collect();
            assert!(alarms.is_empty(), "{} after {} steps: {alarms:?}", case.name, case.steps + steps);
        }
    }
    // What the live panel can see without the doctor's checks: the same
    // problem first, for the learning rate and the initialization.
    for name in [
        "lr-too-high-collapse",
        "lr-too-low-sgd",
        "oscillating-sgd",
        "exploding-relu-normal1",
        "vanishing-sigmoid-normal1",
    ] {
        let case = CASES.iter().find(|c| c.name == name).expect("case");
        let Expect::Problem { primary, .. } = case.expect else { unreachable!() };
        let found = live_findings(case.link, case.steps.max(300));
        let first = found.iter().find(|f| f.is_alarm()).map(|f| f.problem);
        assert_eq!(first, Some(primary), "{name}: {found:#?}");
    }
}

#[test]
fn correct_code_is_never_called_buggy() {
    // A deterministic sweep of random correct experiments (any data set,
    // architecture, initializer, loss, optimizer, learning rate, batch size,
    // option and training length): the doctor may find anything wrong with
    // them except a bug. `gradlab doctor --bench --sweep 4000` runs more.
    let wrong = calibration::bug_verdicts_on_correct_code(150);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The rate and batch-size measurement's advice (issue 11, item 2) is held
/// to the same standard as the doctor: no advice on any healthy recipe
/// (seeds 1–3, at the case's step and 200 steps later), and on learning
/// rates known to be too high it does advise lowering the rate.
#[test]
fn the_rate_advice_is_silent_on_healthy_recipes_and_speaks_on_rates_too_high() {
    use gradlab::engine::instruments::cockpit::{self, Advice};
    use gradlab::engine::link as codec;
    use gradlab::engine::progress::Progress;
    let advice = |link: &str, seed: u64, steps: u64| {
        let (l, _) = codec::decode_link(&format!("{link}&seed={seed}"));
        let mut t = bug_lab::trainer(&l.config, l.bug).expect("valid");
        (0..steps).for_each(|_| drop(t.step()));
        cockpit::measure(&t, &mut Progress::none()).advice()
    };
    for case in CASES.iter().filter(|c| c.expect == Expect::Healthy) {
        for seed in 1..=3 {
            for steps in [case.steps, case.steps + 200] {
                let said = advice(case.link, seed, steps);
                assert!(said.is_empty(), "{} (seed {seed}, step {steps}): {said:?}", case.name);
            }
        }
    }
    let find = |name: &str| CASES.iter().find(|c| c.name == name).expect("case").link;
    let overshoots = |a: &[Advice]| a.iter().any(|a| matches!(a, Advice::Overshoot(_)));
    let too_sharp = |a: &[Advice]| a.iter().any(|a| matches!(a, Advice::TooSharp(..)));
    assert!(overshoots(&advice(find("lr-too-high-xor"), 1, 0)), "SGD at 10 on xor");
    let diverges = advice(find("lr-too-high-diverges"), 1, 0);
    assert!(overshoots(&diverges) && too_sharp(&diverges), "SGD at 10 on the plane: {diverges:?}");
    assert!(too_sharp(&advice(find("oscillating-sgd"), 1, 200)), "SGD at 1, oscillating, after 200 steps");
}
