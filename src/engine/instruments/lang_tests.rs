//! The instruments speak the page's language: the same findings, verdicts
//! and readouts in English and in Simplified Chinese, with the same numbers
//! (the code formats them; only the words around them change).

use super::doctor::{examine, DoctorOptions};
use super::finding::Finding;
use super::gradient_check::Band;
use super::{initial_loss, readouts, verdicts};
use crate::engine::bug_lab::{Bug, PlantedBug};
use crate::engine::config::{ClipKind, Config};
use crate::engine::i18n::{self, Lang};
use crate::engine::link as codec;
use crate::engine::trainer::{StepOutcome, Trainer};

fn trainer(link: &str) -> Trainer {
    Trainer::from_config(&codec::decode(link).0).expect("a valid link")
}

/// `f` run with `lang` as the page's language (English again afterwards).
fn in_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    i18n::set(lang);
    let out = f();
    i18n::set(Lang::En);
    out
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The numbers written in `s` (runs of digits and points), sorted: word
/// order differs between languages, the numbers do not.
fn numbers(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// Both languages' findings say the same things with the same numbers.
fn same_findings(en: &[Finding], zh: &[Finding]) {
    assert!(!en.is_empty(), "no finding to compare");
    assert_eq!(en.len(), zh.len());
    for (e, z) in en.iter().zip(zh) {
        assert_eq!((e.problem, e.severity, e.checklist), (z.problem, z.severity, z.checklist));
        assert!(!has_chinese(&e.text()), "{}", e.text());
        for (en_text, zh_text) in [(&e.sentence, &z.sentence), (&e.cause, &z.cause), (&e.fix, &z.fix)] {
            if en_text.is_empty() {
                continue;
            }
            assert!(has_chinese(zh_text), "not translated: {zh_text}");
            assert_ne!(en_text, zh_text);
        }
        assert_eq!(numbers(&e.sentence), numbers(&z.sentence), "{}\n{}", e.sentence, z.sentence);
        let values = |f: &Finding| f.evidence.iter().map(|x| x.value.to_bits()).collect::<Vec<_>>();
        assert_eq!(values(e), values(z));
        assert!(z.evidence.iter().all(|x| has_chinese(&x.label) || x.label.starts_with("dropout")), "{z:?}");
        let (item_en, item_zh) = (verdicts::finding_item(0, e), in_lang(Lang::ZhCn, || verdicts::finding_item(0, z)));
        assert!(has_chinese(&item_zh.badge) && has_chinese(&item_zh.checklist), "{item_zh:?}");
        assert_eq!(item_en.severity, item_zh.severity, "the class stays an identifier");
        assert!(item_zh.checklist.contains(e.checklist.id));
    }
}

#[test]
fn a_large_initialization_reads_the_same_in_chinese() {
    let link = "data=digits&std=1&loss=softmax&net=32:relu&init=normal&ia=1";
    let en = initial_loss::check(&trainer(link));
    let zh = in_lang(Lang::ZhCn, || initial_loss::check(&trainer(link)));
    assert_eq!(en.verdict, initial_loss::Verdict::Wrong);
    assert!(en.causes.iter().any(|c| c.contains("initialized too large")), "{:?}", en.causes);
    assert_eq!(en.causes.len(), zh.causes.len());
    assert!(zh.causes.iter().all(|c| has_chinese(c)), "{:?}", zh.causes);
    same_findings(&en.findings(), &in_lang(Lang::ZhCn, || zh.findings()));
    assert_eq!(i18n::current(), Lang::En, "English again after each switch");
}

#[test]
fn the_doctor_speaks_chinese_with_the_same_numbers() {
    let run = || {
        let mut t = trainer("lr=3");
        for _ in 0..30 {
            if let StepOutcome::Diverged(_) = t.step() {
                break;
            }
        }
        examine(&t, &DoctorOptions { overfit_steps: 100, probe_steps: 100, ..DoctorOptions::default() })
    };
    let en = run();
    let zh = in_lang(Lang::ZhCn, run);
    same_findings(&en.findings, &zh.findings);
    let first = &en.findings[0];
    assert!(first.fix.starts_with("lower the learning rate (try 0.3)"), "{}", first.fix);
    assert!(zh.findings[0].fix.contains("0.3"), "{}", zh.findings[0].fix);
    assert!(has_chinese(&in_lang(Lang::ZhCn, || zh.findings[0].text())));
}

#[test]
fn verdicts_readouts_and_the_bug_lab_in_chinese() {
    i18n::set(Lang::ZhCn);
    let (word, class) = verdicts::gradients(Band::Fail);
    assert!(has_chinese(word) && word.contains("1e-3"), "{word}");
    assert_eq!((class, verdicts::band_label(Band::Fail)), ("bad", "fail"), "classes and data-band stay identifiers");
    assert!(has_chinese(verdicts::band_text(Band::Fail)));
    let clipped = readouts::clipping(ClipKind::Norm(1.0), 3, 10);
    assert!(has_chinese(&clipped) && numbers(&clipped) == ["1", "10", "3"], "{clipped}");
    assert!(has_chinese(verdicts::no_findings()));
    let cfg = Config::default();
    let view = verdicts::bug_view(&cfg, Some(PlantedBug { bug: Bug::WrongSign, hidden: true }), Some(Bug::WrongSign));
    let label = Bug::WrongSign.option();
    assert!(view.status.contains(&label) && !view.status.contains("wrong-sign"), "{}", view.status);
    assert!(has_chinese(&label), "in Chinese a bug is named by what it does: {label}");
    let (name, description, caught_by) = view.known.expect("revealed");
    assert_eq!(name, "wrong-sign", "a bug's name is its link value");
    assert!(has_chinese(description) && has_chinese(&caught_by));
    let options = verdicts::bug_options();
    assert!(options.iter().all(|(_, label)| has_chinese(label)), "{options:?}");
    assert!(options.iter().any(|(value, _)| value == "wrong-sign"), "option values stay link values");
    assert_eq!(super::block_label(0, 2), "隐藏层 1");
    i18n::set(Lang::En);
    assert_eq!(super::block_label(0, 2), "hidden 1");
    assert_eq!(verdicts::gradients(Band::Ok).0, "pass: ok (≤ 1e-5)");
}

#[test]
fn every_optimizer_has_its_title_in_every_language() {
    for kind in crate::engine::optim::OPTIMIZERS {
        let rule = kind.rule;
        let key = format!("optimizer.{}", rule.name);
        assert_eq!(i18n::lookup(Lang::En, &key), Some(rule.title), "{key}");
        assert!(i18n::lookup(Lang::ZhCn, &key).is_some(), "{key}");
    }
    let cfg = codec::decode("opt=momentum").0;
    let zh = in_lang(Lang::ZhCn, || super::diagnosis::names::optimizer_title(&cfg));
    assert!(has_chinese(zh), "{zh}");
}
