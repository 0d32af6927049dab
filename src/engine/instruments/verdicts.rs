//! What the instruments panel says about each check, as data: the verdict
//! word and its class (`ok`, `warn`, `bad`), band names, the figures' texts,
//! the model summary's rows, each finding as a list item, and the bug lab's
//! state. The page (`web::instruments`) only puts these into elements.
//!
//! One module for every check's verdict (rather than a function in each
//! instrument's own module) because these are the panel's words, not
//! measurements: a newcomer changing what the page says about a check finds
//! all of it here, next to the instruments that produce the numbers. The
//! live readouts (table, sentinel, variance shift, unit marks) are in
//! [`super::readouts`].

use super::finding::{Finding, Severity};
use super::gradient_check::{Band, GradientCheck, TensorRow};
use super::initial_loss;
use super::overfit::Overfit;
use super::summary::LayerRow;
use crate::engine::bug_lab::{Bug, PlantedBug};
use crate::engine::config::{Config, LossKind, Named};
use crate::engine::format::{num, or_dash, percent};
use crate::engine::i18n;

/// A verdict as shown: its text and class (`ok`, `warn`, `bad`).
pub type Verdict = (&'static str, &'static str);

/// The initial-loss check's verdict.
pub fn initial_loss(v: initial_loss::Verdict) -> Verdict {
    match v {
        initial_loss::Verdict::Ok => (i18n::text("inst.initial_loss.ok"), "ok"),
        initial_loss::Verdict::Suspicious => (i18n::text("inst.initial_loss.suspicious"), "warn"),
        initial_loss::Verdict::Wrong => (i18n::text("inst.initial_loss.wrong"), "bad"),
    }
}

/// What the uniform prediction's loss is, for this loss and output width.
pub fn uniform_label(loss: LossKind, n_out: usize) -> String {
    match (loss, n_out) {
        (LossKind::Mse, _) => crate::tr!("inst.initial_loss.uniform_mse"),
        (_, 1) => crate::tr!("inst.initial_loss.uniform", c = 2),
        (_, c) => crate::tr!("inst.initial_loss.uniform", c = c),
    }
}

/// The gradient check's verdict.
pub fn gradients(band: Band) -> Verdict {
    match band {
        Band::Excellent => (i18n::text("inst.gradient_check.excellent"), "ok"),
        Band::Ok => (i18n::text("inst.gradient_check.ok"), "ok"),
        Band::Suspicious => (i18n::text("inst.gradient_check.suspicious"), "warn"),
        Band::Fail => (i18n::text("inst.gradient_check.fail"), "bad"),
        Band::Inconclusive => (i18n::text("inst.gradient_check.inconclusive"), "warn"),
    }
}

/// A gradient-check band's name in the current language (the table's last
/// column; [`band_label`] is its `data-band`).
pub fn band_text(b: Band) -> &'static str {
    match b {
        Band::Excellent => i18n::text("inst.gradient_check.band.excellent"),
        Band::Ok => i18n::text("inst.gradient_check.band.ok"),
        Band::Suspicious => i18n::text("inst.gradient_check.band.suspicious"),
        Band::Fail => i18n::text("inst.gradient_check.band.fail"),
        Band::Inconclusive => i18n::text("inst.gradient_check.band.inconclusive"),
    }
}

/// A gradient-check band's name (`data-band`).
pub fn band_label(b: Band) -> &'static str {
    match b {
        Band::Excellent => "excellent",
        Band::Ok => "ok",
        Band::Suspicious => "suspicious",
        Band::Fail => "fail",
        Band::Inconclusive => "inconclusive",
    }
}

/// One row of the gradient check's table: block, parameter, max and median
/// relative error, band.
pub fn gradient_row(row: &TensorRow) -> [String; 5] {
    [row.block.clone(), row.param.clone(), num(row.max_rel), num(row.median_rel), band_text(row.band).to_string()]
}

/// The gradient check's timing line.
pub fn gradients_time(r: &GradientCheck, ms: f64) -> String {
    crate::tr!("inst.gradient_check.time", entries = r.checked, ms = format!("{ms:.0}"))
}

/// The overfit check's verdict.
pub fn overfit(passed: bool) -> Verdict {
    if passed {
        (i18n::text("inst.overfit.pass"), "ok")
    } else {
        (i18n::text("inst.overfit.fail"), "bad")
    }
}

/// The overfit check's figures, each `(exact value, text)`.
#[derive(Clone, Debug, PartialEq)]
pub struct OverfitFigures {
    /// Steps taken.
    pub steps: (f64, String),
    /// Training accuracy on the tiny batch.
    pub train_acc: (f64, String),
    /// Final loss (from the initial one).
    pub loss: (f64, String),
    /// Accuracy on held-out points.
    pub val_acc: (f64, String),
    /// Chance accuracy.
    pub chance: (f64, String),
    /// The timing line.
    pub time: String,
}

/// The overfit check's figures after `ms` milliseconds.
pub fn overfit_figures(r: &Overfit, ms: f64) -> OverfitFigures {
    let pct = |a: Option<f64>| (a.unwrap_or(f64::NAN), or_dash(a, |a| percent(a, 0)));
    OverfitFigures {
        steps: (r.steps as f64, r.steps.to_string()),
        train_acc: pct(r.train_acc),
        loss: (r.loss, crate::tr!("inst.overfit.loss", loss = num(r.loss), initial = num(r.initial_loss))),
        val_acc: pct(r.val_acc),
        chance: pct(r.chance),
        time: crate::tr!("inst.overfit.time", k = r.k, ms = format!("{ms:.0}")),
    }
}

/// The doctor's timing line.
pub fn doctor_time(findings: usize, ms: f64) -> String {
    crate::tr!("inst.doctor.time", findings = findings, ms = format!("{ms:.0}"))
}

/// What the doctor says when every check passed.
pub fn no_findings() -> &'static str {
    i18n::text("inst.doctor.none")
}

/// A long check's progress: the bar's value and the percentage text.
pub fn progress(done: f64) -> (String, String) {
    let pct = (100.0 * done).clamp(0.0, 100.0);
    (format!("{pct:.0}"), format!("{pct:.0} %"))
}

/// A severity's name (`data-severity`, the badge).
pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// A finding as a list item: every text it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingItem {
    /// Severity name (an identifier: `data-severity`, the class).
    pub severity: &'static str,
    /// The badge: the severity, and "fix this first" on the first alarm.
    pub badge: String,
    /// What was seen.
    pub sentence: String,
    /// Why (may be empty).
    pub cause: String,
    /// The fix (may be empty).
    pub fix: String,
    /// The numbers it rests on, `label value · …` (None: no numbers).
    pub evidence: Option<String>,
    /// `Checklist 4.3 · title`.
    pub checklist: String,
}

/// The `i`-th finding of a ranked list as an item.
pub fn finding_item(i: usize, f: &Finding) -> FindingItem {
    let severity = severity_name(f.severity);
    let word = match f.severity {
        Severity::Error => i18n::text("inst.finding.error"),
        Severity::Warning => i18n::text("inst.finding.warning"),
        Severity::Info => i18n::text("inst.finding.info"),
    };
    let numbers: Vec<String> = f.evidence.iter().map(|e| format!("{} {}", e.label, num(e.value))).collect();
    FindingItem {
        severity,
        badge: if i == 0 && f.is_alarm() {
            crate::tr!("inst.finding.first", severity = word)
        } else {
            word.to_string()
        },
        sentence: f.sentence.clone(),
        cause: f.cause.clone(),
        fix: f.fix.clone(),
        evidence: (!numbers.is_empty()).then(|| numbers.join(" · ")),
        checklist: crate::tr!("inst.finding.checklist", id = f.checklist.id, title = f.checklist.title()),
    }
}

/// A summary row's cells: index, name, `n_in → n_out`, parameters (and
/// running buffers).
pub fn summary_cells(row: &LayerRow) -> [String; 4] {
    let params = if row.buffers > 0 {
        crate::tr!("inst.summary.running", params = row.params, buffers = row.buffers)
    } else {
        row.params.to_string()
    };
    [row.index.to_string(), row.name.clone(), format!("{} → {}", row.n_in, row.n_out), params]
}

/// A summary row's class, by layer kind.
pub fn kind_class(kind: &str) -> &'static str {
    match kind {
        "dense" => "kind-dense",
        "batchnorm" => "kind-bn",
        "dropout" => "kind-dropout",
        _ => "kind-act",
    }
}

/// The `#bug` options, `(value, label)`: none, each bug, a random hidden one.
pub fn bug_options() -> Vec<(String, String)> {
    let mut out = vec![("none".to_string(), crate::tr!("bug.lab.none_option"))];
    out.extend(Bug::ALL.iter().map(|b| (b.name().to_string(), b.option())));
    out.push(("random".to_string(), crate::tr!("bug.lab.random_option")));
    out
}

/// The bug to plant after picking `value` in `#bug` in the experiment
/// `cfg` (`Some(None)`: no bug; `None`: nothing changes). `random` in
/// `[0, 1)` chooses among the bugs that apply.
pub fn picked_bug(value: &str, cfg: &Config, random: f64) -> Option<Option<PlantedBug>> {
    Some(match value {
        "none" => None,
        "hidden" => return None,
        "random" => {
            let applicable: Vec<Bug> = Bug::ALL.into_iter().filter(|b| b.applies_to(cfg)).collect();
            let i = (random * applicable.len() as f64) as usize;
            Some(PlantedBug { bug: *applicable.get(i)?, hidden: true })
        }
        name => Some(PlantedBug { bug: Bug::from_name(name)?, hidden: false }),
    })
}

/// What `#bug` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BugChoice {
    /// A named option (`none` or a bug's name).
    Option(&'static str),
    /// The extra `hidden` option, with this label.
    Hidden(&'static str),
}

/// The bug lab's state as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BugView {
    /// The picker's choice.
    pub choice: BugChoice,
    /// The status line.
    pub status: String,
    /// Whether Reveal is offered.
    pub reveal: bool,
    /// The bug's name, description and what catches it, once known.
    pub known: Option<(&'static str, &'static str, String)>,
}

/// The revealed bug, if it is still the planted one (a reveal of another
/// bug no longer counts).
pub fn still_revealed(revealed: Option<Bug>, planted: Option<PlantedBug>) -> Option<Bug> {
    revealed.filter(|r| planted.map(|b| b.bug) == Some(*r))
}

/// The bug lab for `planted` in the experiment `cfg`, the learner having
/// revealed `revealed`.
pub fn bug_view(cfg: &Config, planted: Option<PlantedBug>, revealed: Option<Bug>) -> BugView {
    let revealed = still_revealed(revealed, planted);
    match planted {
        None => BugView {
            choice: BugChoice::Option("none"),
            status: crate::tr!("bug.lab.none"),
            reveal: false,
            known: None,
        },
        Some(p) if p.hidden && revealed.is_none() => BugView {
            choice: BugChoice::Hidden(i18n::text("bug.lab.hidden")),
            status: crate::tr!("bug.lab.planted_hidden"),
            reveal: true,
            known: None,
        },
        Some(p) => {
            let (name, label) = (p.bug.name(), p.bug.option());
            let status = match (p.hidden, p.bug.applies_to(cfg)) {
                (true, true) => crate::tr!("bug.lab.revealed", name = label),
                (true, false) => crate::tr!("bug.lab.revealed_inert", name = label),
                (false, true) => crate::tr!("bug.lab.planted", name = label),
                (false, false) => crate::tr!("bug.lab.planted_inert", name = label),
            };
            BugView {
                choice: if p.hidden {
                    BugChoice::Hidden(i18n::text("bug.lab.hidden_revealed"))
                } else {
                    BugChoice::Option(name)
                },
                status,
                reveal: false,
                known: Some((name, p.bug.description(), crate::tr!("bug.lab.caught_by", what = p.bug.caught_by()))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::instruments::finding::{checklist, Problem};

    #[test]
    fn verdict_words_and_classes() {
        assert_eq!(initial_loss(initial_loss::Verdict::Wrong), ("wrong", "bad"));
        assert_eq!(gradients(Band::Ok), ("pass: ok (≤ 1e-5)", "ok"));
        assert_eq!(gradients(Band::Inconclusive).1, "warn");
        assert_eq!(band_label(Band::Suspicious), "suspicious");
        assert_eq!(overfit(false), ("fail", "bad"));
        assert_eq!(uniform_label(LossKind::Mse, 1), "uniform (output 0)");
        assert_eq!(uniform_label(LossKind::Bce, 1), "uniform: ln 2");
        assert_eq!(uniform_label(LossKind::SoftmaxCe, 10), "uniform: ln 10");
        assert_eq!(progress(0.426), ("43".to_string(), "43 %".to_string()));
        assert_eq!(progress(1.5).1, "100 %");
    }

    #[test]
    fn findings_become_items_with_the_first_alarm_marked() {
        let f = Finding::new(Severity::Warning, Problem::DeadUnits, checklist::DEAD_RELU, "x", "half are dead".into())
            .evidence("dead share", 0.5);
        let item = finding_item(0, &f);
        assert_eq!(item.badge, "warning · fix this first");
        assert_eq!(item.evidence.as_deref(), Some("dead share 0.500"));
        assert!(item.checklist.starts_with(&format!("Checklist {} · ", checklist::DEAD_RELU.id)));
        assert_eq!(finding_item(1, &f).badge, "warning");
        let note = Finding::new(Severity::Info, Problem::DeadUnits, checklist::DEAD_RELU, "x", "fine".into());
        assert_eq!((finding_item(0, &note).badge.as_str(), finding_item(0, &note).evidence), ("info", None));
    }

    #[test]
    fn summary_rows_name_running_buffers() {
        let row = LayerRow {
            index: 1,
            name: "BatchNorm".into(),
            kind: "batchnorm",
            n_in: 8,
            n_out: 8,
            params: 16,
            buffers: 16,
        };
        assert_eq!(summary_cells(&row), ["1", "BatchNorm", "8 → 8", "16 (+16 running)"].map(String::from));
        assert_eq!(kind_class(row.kind), "kind-bn");
        assert_eq!(kind_class("relu"), "kind-act");
    }

    #[test]
    fn the_bug_lab_hides_a_mystery_until_revealed() {
        let bug = Bug::ALL[0];
        let cfg = Config::default();
        assert_eq!(bug_view(&cfg, None, None).choice, BugChoice::Option("none"));
        let planted = Some(PlantedBug { bug, hidden: true });
        let hidden = bug_view(&cfg, planted, None);
        assert!(hidden.reveal && hidden.known.is_none());
        assert_eq!(hidden.choice, BugChoice::Hidden("a hidden bug"));
        let shown = bug_view(&cfg, planted, Some(bug));
        assert!(shown.status.starts_with(&format!("The hidden bug was: {}", bug.name())), "{}", shown.status);
        assert_eq!(shown.known.as_ref().map(|k| k.0), Some(bug.name()));
        assert!(bug_view(&cfg, planted, Some(Bug::ALL[1])).reveal, "a reveal of another bug does not count");
        let named = Some(PlantedBug { bug, hidden: false });
        assert_eq!(bug_view(&cfg, named, None).choice, BugChoice::Option(bug.name()));
        assert_eq!(bug_options().len(), Bug::ALL.len() + 2);
    }

    #[test]
    fn picking_a_bug_changes_the_config() {
        let cfg = Config::default();
        let bug = Bug::ALL[0];
        assert_eq!(picked_bug(bug.name(), &cfg, 0.0), Some(Some(PlantedBug { bug, hidden: false })));
        assert_eq!(picked_bug("none", &cfg, 0.0), Some(None));
        assert_eq!(picked_bug("hidden", &cfg, 0.0), None);
        let random = picked_bug("random", &cfg, 0.999).flatten().unwrap();
        assert!(random.hidden && random.bug.applies_to(&cfg));
        assert_eq!(picked_bug("no-such-bug", &cfg, 0.0), None);
    }
}
