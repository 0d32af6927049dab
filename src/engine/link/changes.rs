//! Mid-run changes in the link: a live setting's value is a change list,
//! `lr=0.03,0.3@500,0.1@900` — the value at step 0, then each new value
//! with the step after which it took effect ([`Config::changes`]).
//!
//! Only the experiment's live rows (learning rate, schedule, batch size,
//! penalties, clipping, optimizer and their parameters) take a list. A
//! parameter whose variant is not chosen at step 0 starts with its first
//! change (`opt=sgd,momentum@500&mom=0.5@500`). Every element is written
//! where the setting's text changes, and a parameter's also where its
//! owner changes (choosing a variant resets its parameters), so decoding
//! applies the table's own setters, in table order, step by step, and
//! `decode(encode(c)) == c` holds with changes too (property-tested).

use super::settings::{setting, Belongs, Group, Kind, Setting};
use super::{Link, Rejected, MAX_STEP};
use crate::engine::config::{record_change, Config, MAX_CHANGES};

/// Whether `s` may carry a change list: an experiment setting applied mid-run.
pub fn changeable(s: &Setting) -> bool {
    s.live && s.group == Group::Experiment
}

/// The key whose variant `s` is a parameter of, if any.
fn owner(s: &Setting) -> Option<&'static str> {
    match s.belongs {
        Belongs::Variants { of, .. } => Some(of),
        Belongs::Optimizer => Some("opt"),
        Belongs::Always | Belongs::WhenSet => None,
    }
}

/// The row's text in each state of the run (step 0, then each change).
fn texts(s: &Setting, states: &[Link]) -> Vec<Option<String>> {
    states.iter().map(|l| s.text(l)).collect()
}

/// The value `s` is written with: its base text (`base`, as written
/// without changes) followed by `text@step` for each change that moves it.
pub fn with_changes(s: &Setting, link: &Link, base: Option<String>) -> Option<String> {
    if !changeable(s) || link.config.changes.is_empty() {
        return base;
    }
    let states: Vec<(u64, Link)> =
        link.config.states().into_iter().map(|(at, config)| (at, Link { config, ..Link::default() })).collect();
    let links: Vec<Link> = states.iter().map(|(_, l)| l.clone()).collect();
    let own = texts(s, &links);
    let owner_texts = owner(s).and_then(setting).map(|o| texts(o, &links));
    let mut elements: Vec<String> = base.into_iter().collect();
    for (i, (at, _)) in states.iter().enumerate().skip(1) {
        let Some(text) = &own[i] else { continue };
        let owner_moved = owner_texts.as_ref().is_some_and(|o| o[i] != o[i - 1]);
        if own[i - 1].as_ref() != Some(text) || owner_moved {
            elements.push(format!("{text}@{at}"));
        }
    }
    (!elements.is_empty()).then(|| elements.join(","))
}

/// A change list as a person reads it: `0.03 → 0.3 @500 → 0.1 @900`
/// (a plain value is shown as it is).
pub fn shown(value: &str) -> String {
    if !value.contains('@') {
        return value.to_string();
    }
    value.split(',').map(|e| e.replace('@', " @")).collect::<Vec<_>>().join(" → ")
}

/// A row's value split into its step-0 text (if any) and its changes.
pub(super) struct Parsed<'a> {
    /// The value at step 0 (`None`: the list starts with a change).
    pub base: Option<&'a str>,
    /// `(step, text)` in increasing step order.
    pub changes: Vec<(u64, &'a str)>,
}

/// Splits `value` of row `s` into base and changes; plain values (no `@`)
/// are all base. Errors say why the list is malformed.
pub(super) fn split<'a>(s: &Setting, value: &'a str) -> Result<Parsed<'a>, String> {
    if !value.contains('@') || (s.group != Group::Experiment && matches!(s.kind, Kind::Text { .. })) {
        // A text beside the experiment (a note) may hold '@' as itself.
        return Ok(Parsed { base: Some(value), changes: Vec::new() });
    }
    if !changeable(s) {
        return Err(crate::tr!("link.changes.not_live", key = s.key));
    }
    let mut parsed = Parsed { base: None, changes: Vec::new() };
    for (i, element) in value.split(',').enumerate() {
        match element.rsplit_once('@') {
            None if i == 0 => parsed.base = Some(element),
            None => return Err(crate::tr!("link.changes.expected_step")),
            Some((text, step)) => {
                let at = step
                    .parse::<u64>()
                    .ok()
                    .filter(|at| (1..=MAX_STEP).contains(at))
                    .ok_or_else(|| crate::tr!("link.changes.step_range", max = MAX_STEP))?;
                if parsed.changes.last().is_some_and(|(before, _)| *before >= at) {
                    return Err(crate::tr!("link.changes.increase"));
                }
                parsed.changes.push((at, text));
            }
        }
    }
    Ok(parsed)
}

/// Builds `link.config.changes` from the rows' change lists: at each step
/// (in order) the previous state with that step's values set through the
/// table, in table order. A value a row refuses is rejected alone; a change
/// that changes nothing is dropped; steps past [`MAX_CHANGES`] are rejected.
pub(super) fn apply(link: &mut Link, rows: &[(&'static Setting, Vec<(u64, &str)>)], rejected: &mut Vec<Rejected>) {
    let mut steps: Vec<u64> = rows.iter().flat_map(|(_, c)| c.iter().map(|(at, _)| *at)).collect();
    steps.sort_unstable();
    steps.dedup();
    if steps.len() > MAX_CHANGES {
        let reason = crate::tr!("link.changes.too_many", max = MAX_CHANGES);
        rejected.push(Rejected::new(super::LINK_KEY, "", reason));
        steps.truncate(MAX_CHANGES);
    }
    let start = link.config.live();
    let mut state = Link { config: Config { changes: Vec::new(), ..link.config.clone() }, ..Link::default() };
    let mut changes = Vec::new();
    for at in steps {
        for (s, list) in rows {
            for (_, text) in list.iter().filter(|(step, _)| *step == at) {
                if let Err(reason) = s.set(&mut state, text) {
                    let value = format!("{text}@{at}");
                    rejected.push(Rejected::new(s.key, &value, crate::tr!("link.changes.ignored", reason = reason)));
                }
            }
        }
        record_change(&mut changes, &start, at, state.config.live());
    }
    link.config.changes = changes;
}
