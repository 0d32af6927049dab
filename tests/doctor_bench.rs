//! The doctor benchmark in every test run: every labelled case of
//! `instruments::calibration` with every seed of `SEEDS`. A healthy recipe
//! that gets any warning, or a misconfiguration whose problem is not named
//! first, fails the run; so does a per-problem precision or recall below 1.
//! The same table prints with `gradlab doctor --bench`.

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
}
