//! The Learn panel's content against the engine: the checklist covers every
//! item once, and every lesson does what its text says. Each lesson's link
//! decodes cleanly, its question's measurement on the lesson's own state
//! lands in the answer the lesson expects, and after its fix the same
//! measurement lands in the fix's answer (so "Check my answer" reads the
//! state: the right answer changes with it).

use gradlab::engine::bug_lab;
use gradlab::engine::instruments::lessons::{self, State};
use gradlab::engine::instruments::{gradient_check, overfit};
use gradlab::engine::learn::{self, catalog, fixed_link, Lesson, Probe};
use gradlab::engine::link as codec;
use gradlab::engine::trainer::{StepOutcome, Trainer};

/// The trainer a link describes, trained to the link's step (stopping when
/// the run diverges, as the page does).
fn trainer_at(link: &str) -> Trainer {
    let (decoded, rejected) = codec::decode_link(link);
    assert!(rejected.is_empty(), "{link}: {rejected:?}");
    let mut t = bug_lab::trainer(&decoded.config, decoded.bug).expect("a lesson's experiment builds");
    for _ in 0..decoded.config.step.unwrap_or(0) {
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
    }
    t
}

/// The lesson's probe on the state of `link`, running the check the
/// learner is told to press when the probe reads one.
fn measured(lesson: &Lesson, link: &str) -> f64 {
    let t = trainer_at(link);
    let check = (lesson.probe == Probe::GradientError).then(|| gradient_check::run(&t, false));
    let fit = (lesson.probe == Probe::OverfitAccuracy).then(|| overfit::check(&t, 8, overfit::DEFAULT_STEPS));
    let state = State { trainer: &t, gradient_check: check.as_ref(), overfit: fit.as_ref() };
    lessons::measure(lesson.probe, &state).unwrap_or_else(|e| panic!("{}: {e}", lesson.id))
}

fn landed(lesson: &Lesson, value: f64) -> Option<usize> {
    lesson.choice.iter().position(|c| c.covers(value))
}

#[test]
fn the_checklist_has_every_item_once_in_order() {
    let c = &catalog().checklist;
    let ids: Vec<&str> = c.item.iter().map(|i| i.id.as_str()).collect();
    let expected = [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2", "4.3", "4.4",
        "4.5", "4.6", "4.7", "4.8", "5.1", "5.2",
    ];
    assert_eq!(ids, expected);
    let sections: Vec<&str> = c.section.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(sections, ["1", "2", "3", "4", "5"]);
    for item in &c.item {
        assert!(sections.contains(&item.section()), "{}", item.id);
        for text in [&item.title, &item.what, &item.why, &item.here] {
            assert!(!text.trim().is_empty() && !text.contains('<'), "{}: {text}", item.id);
        }
    }
}

#[test]
fn there_are_at_least_twelve_lessons_with_distinct_ids_and_known_items() {
    let lessons = &catalog().lessons;
    assert!(lessons.len() >= 12, "{} lessons", lessons.len());
    for (i, l) in lessons.iter().enumerate() {
        assert!(learn::is_item(&l.item), "{}: item {}", l.id, l.item);
        assert!(lessons[..i].iter().all(|o| o.id != l.id), "duplicate lesson {}", l.id);
        assert!(l.choice.len() >= 2 && l.expect < l.choice.len() && l.fix.expect < l.choice.len(), "{}", l.id);
        assert_ne!(l.expect, l.fix.expect, "{}: the fix must change the answer", l.id);
        let (link, rejected) = codec::decode_link(&l.href());
        assert!(rejected.is_empty(), "{}: {rejected:?}", l.id);
        assert_eq!(link.view.lesson.as_deref(), Some(l.id.as_str()));
    }
}

#[test]
fn every_lesson_measures_its_expected_answer_and_its_fix_changes_it() {
    let mut wrong = Vec::new();
    for lesson in &catalog().lessons {
        let before = measured(lesson, &lesson.link);
        let after = measured(lesson, &fixed_link(lesson));
        println!("{:>16}: {before:.4e} → {after:.4e}", lesson.id);
        if landed(lesson, before) != Some(lesson.expect) || landed(lesson, after) != Some(lesson.fix.expect) {
            wrong.push(format!("{}: {before} → {after}", lesson.id));
        }
    }
    assert!(wrong.is_empty(), "measurements outside the expected answers: {wrong:?}");
}

#[test]
fn check_reads_the_state_not_a_stored_key() {
    let lesson = catalog().lesson("vanishing").expect("the vanishing-gradient lesson");
    let before = trainer_at(&lesson.link);
    let after = trainer_at(&fixed_link(lesson));
    let right_before = lessons::check(lesson, lesson.expect, &State::of(&before)).expect("measurable");
    assert!(right_before.correct && right_before.message.starts_with("Right."), "{}", right_before.message);
    let same_choice_after = lessons::check(lesson, lesson.expect, &State::of(&after)).expect("measurable");
    assert!(!same_choice_after.correct, "{}", same_choice_after.message);
    assert_eq!(same_choice_after.right, Some(lesson.fix.expect));
    assert!(same_choice_after.message.contains(&lesson.choice[lesson.fix.expect].label));
}

#[test]
fn a_probe_that_needs_a_check_says_which_button_to_press() {
    let lesson = catalog().lesson("gradient-check").expect("the gradient-check lesson");
    let t = trainer_at(&lesson.link);
    let err = lessons::check(lesson, 0, &State::of(&t)).expect_err("no gradient check was run");
    assert!(err.contains("Gradient check"), "{err}");
}

#[test]
fn the_fixed_link_puts_the_fix_on_top_removes_emptied_keys_and_sets_the_step() {
    let lesson = catalog().lesson("gradient-check").expect("the gradient-check lesson");
    let fixed = fixed_link(lesson);
    assert!(!fixed.contains("bug="), "{fixed}");
    assert!(fixed.ends_with(&format!("step={}&lesson=gradient-check", lesson.fix.steps)), "{fixed}");
    let lr = catalog().lesson("learning-rate").expect("the learning-rate lesson");
    let fixed = fixed_link(lr);
    assert!(fixed.contains("lr=0.1") && !fixed.contains("lr=10"), "{fixed}");
}

#[test]
fn learn_and_lesson_keys_round_trip_and_unknown_names_are_rejected() {
    let (link, rejected) = codec::decode_link("learn=3.4&lesson=vanishing");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!((link.view.learn.as_deref(), link.view.lesson.as_deref()), (Some("3.4"), Some("vanishing")));
    let text = codec::encode_link(&link);
    assert!(text.contains("learn=3.4") && text.contains("lesson=vanishing"), "{text}");
    let (plain, _) = codec::decode_link("");
    assert!(!codec::encode_link(&plain).contains("learn="));
    let (bad, rejected) = codec::decode_link("learn=9.9&lesson=<b>");
    assert_eq!((bad.view.learn, bad.view.lesson), (None, None));
    assert_eq!(rejected.len(), 2, "{rejected:?}");
}
