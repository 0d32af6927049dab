//! The learning-rate range test (checklist 4.2; Smith 2017, as fastai's
//! `lr_find` runs it): a copy of the trainer takes [`STEPS`] steps with the
//! learning rate rising exponentially from [`START_LR`] to [`END_LR`],
//! recording the mini-batch loss; the loss falls while the rate is useful
//! and blows up once it is too large. The run stops early when the smoothed
//! loss passes [`DIVERGE_FACTOR`] × its best, or a value is not finite.
//!
//! Everything else is the run's own: the current weights and optimizer
//! state, the optimizer, batch size, penalties, clipping, dropout and the
//! next mini-batches. Only the schedule and any planned changes are set
//! aside (the finder sets the rate itself). The trainer is never changed,
//! and the result depends only on it, so the same link (settings, seed,
//! step) gives the same curve and the same suggestions.
//!
//! Suggestions, computed as fastai computes them on the smoothed losses
//! with the first tenth of the steps and the last 5 points left out:
//! - **valley**: the longest stretch where the loss keeps falling
//!   (longest decreasing subsequence), about two thirds of the way down;
//! - **steep**: where the loss falls fastest per decade of learning rate
//!   (measured over a decade, not between neighbours: see [`steep`]);
//! - **minimum / 10**: a tenth of the rate at the lowest loss.
//!
//! A curve that never falls by a tenth (a run already trained, a model
//! that cannot learn from here) gets no suggestion: every rule would point
//! at noise.

use crate::engine::config::ScheduleKind;
use crate::engine::format::num;
use crate::engine::math;
use crate::engine::progress::Progress;
use crate::engine::trainer::{StepOutcome, Trainer};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The first learning rate tried.
pub const START_LR: f64 = 1e-7;
/// The learning rate the range runs up to (not reached: step `i` uses
/// `START_LR · (END_LR / START_LR)^(i / STEPS)`).
pub const END_LR: f64 = 10.0;
/// Steps of the range test.
pub const STEPS: usize = 100;
/// Smoothing of the recorded loss (an exponential moving average, debiased).
pub const BETA: f64 = 0.98;
/// The run stops once the smoothed loss exceeds this many times its best.
pub const DIVERGE_FACTOR: f64 = 4.0;
/// Points of the range per decade of learning rate (12.5, rounded down).
pub const DECADE: usize = STEPS / 8;
/// Points left out at the end before suggesting (the blow-up itself).
const TAIL: usize = 5;
/// The curve must fall to this share of where the points looked at begin,
/// or no rate is suggested: on a flat curve every rule would point at noise.
pub const FALL: f64 = 0.9;

/// Why the range test ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// All [`STEPS`] steps ran.
    Completed,
    /// The smoothed loss passed [`DIVERGE_FACTOR`] × its best.
    LossBlewUp,
    /// A loss, gradient or weight was not finite.
    NonFinite,
}

impl Stop {
    /// Its name in the page's `data-stop`.
    pub fn id(self) -> &'static str {
        match self {
            Stop::Completed => "completed",
            Stop::LossBlewUp => "blew-up",
            Stop::NonFinite => "non-finite",
        }
    }
}

/// A rule that turns the curve into a learning rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Two thirds down the longest falling stretch.
    Valley,
    /// The steepest fall per decade.
    Steep,
    /// A tenth of the rate at the lowest loss.
    MinimumTenth,
}

impl Rule {
    /// Every rule, in the order the page lists them.
    pub const ALL: [Rule; 3] = [Rule::Valley, Rule::Steep, Rule::MinimumTenth];

    /// Its name in links and the page's `data-rule`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::Valley => "valley",
            Rule::Steep => "steep",
            Rule::MinimumTenth => "minimum",
        }
    }
}

/// One suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The rule.
    pub rule: Rule,
    /// The learning rate it suggests.
    pub lr: f64,
    /// The point of the curve it rests on (an index into the test's `lrs`):
    /// for minimum / 10, the minimum itself.
    pub at: usize,
}

/// The range test's curve and what it suggests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RangeTest {
    /// The step of the run it started from.
    pub from_step: u64,
    /// The learning rate of each step taken.
    pub lrs: Vec<f64>,
    /// The mini-batch data loss of each step (before its update).
    pub losses: Vec<f64>,
    /// The losses smoothed ([`smooth`]).
    pub smoothed: Vec<f64>,
    /// Why it ended.
    pub stop: Stop,
    /// The suggestions (none when too few steps ran before the blow-up or
    /// the loss never fell by a tenth).
    pub suggestions: Vec<Suggestion>,
}

impl RangeTest {
    /// The suggestion of `rule`, if there is one.
    pub fn suggestion(&self, rule: Rule) -> Option<Suggestion> {
        self.suggestions.iter().copied().find(|s| s.rule == rule)
    }

    /// The points a chart shows: all but the last 5 when enough are left.
    pub fn shown(&self) -> Range<usize> {
        let n = self.smoothed.len().min(self.lrs.len());
        0..if window(n).is_some() { n - TAIL } else { n }
    }

    /// The points the rules look at: the whole curve when it is too short.
    fn looked_at(&self) -> Range<usize> {
        window(self.smoothed.len().min(self.lrs.len())).unwrap_or(0..self.smoothed.len().min(self.lrs.len()))
    }

    /// The smoothed loss where the points looked at begin, and their lowest
    /// with the rate it came at.
    pub fn fall(&self) -> Option<(f64, f64, f64)> {
        let range = self.looked_at();
        let losses = &self.smoothed[range.clone()];
        minimum(losses).map(|i| (losses[0], losses[i], self.lrs[range.start + i]))
    }

    /// What the curve says, in a sentence or two; `current` is the run's
    /// learning rate (`None` when the page hides it).
    pub fn summary(&self, current: Option<f64>) -> String {
        let (Some(&last_lr), Some((first, low, low_lr))) = (self.lrs.last(), self.fall()) else {
            return crate::tr!("inst.lr_finder.no_steps");
        };
        let ended = match self.stop {
            Stop::Completed => crate::tr!("inst.lr_finder.completed", lr = num(last_lr)),
            Stop::LossBlewUp => crate::tr!("inst.lr_finder.blew_up", lr = num(last_lr)),
            Stop::NonFinite => crate::tr!("inst.lr_finder.non_finite", lr = num(self.lr_after(last_lr))),
        };
        let curve = crate::tr!(
            "inst.lr_finder.curve",
            step = self.from_step,
            start = num(first),
            low = num(low),
            low_lr = num(low_lr),
            ended = ended
        );
        let verdict = match (self.suggestion(Rule::Valley), window(self.lrs.len()).is_none()) {
            (Some(v), _) => match current {
                Some(lr) => crate::tr!("inst.lr_finder.suggested_vs", valley = lr_text(v.lr), lr = num(lr)),
                None => crate::tr!("inst.lr_finder.suggested", valley = lr_text(v.lr)),
            },
            (None, true) => crate::tr!("inst.lr_finder.too_short", steps = self.lrs.len()),
            (None, false) => crate::tr!("inst.lr_finder.no_fall"),
        };
        format!("{curve} {verdict}")
    }

    /// The rate of the step after one at `lr` (where a step failed).
    fn lr_after(&self, lr: f64) -> f64 {
        lr * math::pow(END_LR / START_LR, 1.0 / STEPS as f64)
    }
}

/// A suggested rate as the page writes it: [`rounded`], in plain digits
/// from 0.001 up (`0.0076`, `0.28`), else in e-notation (`1.1e-6`).
pub fn lr_text(lr: f64) -> String {
    let r = rounded(lr);
    if r.abs() >= 1e-3 {
        r.to_string()
    } else {
        format!("{r:.1e}")
    }
}

/// A learning rate to two significant digits, as "use this rate" sets it
/// (the link then reads `lr=0.004`, not `lr=0.0039810717055349725`).
pub fn rounded(lr: f64) -> f64 {
    format!("{lr:.1e}").parse().unwrap_or(lr)
}

/// The learning rate of step `i` of the range.
pub fn lr_at(i: usize) -> f64 {
    START_LR * math::pow(END_LR / START_LR, i as f64 / STEPS as f64)
}

/// Runs the range test on a copy of `trainer`.
pub fn run(trainer: &Trainer) -> RangeTest {
    run_with(trainer, &mut Progress::none())
}

/// [`run`], reporting the share of the steps done to `progress`.
pub fn run_with(trainer: &Trainer, progress: &mut Progress) -> RangeTest {
    let mut t = trainer.without_planned_changes();
    t.probe = None;
    t.cfg.schedule = ScheduleKind::Constant;
    let (mut lrs, mut losses) = (Vec::with_capacity(STEPS), Vec::with_capacity(STEPS));
    let mut average = Smoother::default();
    let mut best = f64::INFINITY;
    let mut stop = Stop::Completed;
    for i in 0..STEPS {
        progress.set(i as f64 / STEPS as f64);
        t.cfg.lr = lr_at(i);
        if let StepOutcome::Diverged(_) = t.step() {
            stop = Stop::NonFinite;
            break;
        }
        let loss = t.last.data_loss;
        let smoothed = average.push(loss);
        lrs.push(t.cfg.lr);
        losses.push(loss);
        best = best.min(smoothed);
        if smoothed > DIVERGE_FACTOR * best {
            stop = Stop::LossBlewUp;
            break;
        }
    }
    let smoothed = smooth(&losses);
    let suggestions = suggest(&lrs, &smoothed);
    RangeTest { from_step: trainer.step_count(), lrs, losses, smoothed, stop, suggestions }
}

/// The debiased exponential moving average of fastai's recorder.
#[derive(Default)]
struct Smoother {
    average: f64,
    count: i32,
}

impl Smoother {
    /// Adds a value; returns the smoothed value so far.
    fn push(&mut self, value: f64) -> f64 {
        self.count += 1;
        self.average = BETA * self.average + (1.0 - BETA) * value;
        self.average / (1.0 - math::pow(BETA, f64::from(self.count)))
    }
}

/// `losses` smoothed: `a_k = β a_{k−1} + (1 − β) x_k` from `a_0 = 0`,
/// divided by `1 − β^k` so that the first values are not pulled to 0.
pub fn smooth(losses: &[f64]) -> Vec<f64> {
    let mut s = Smoother::default();
    losses.iter().map(|&x| s.push(x)).collect()
}

/// The suggestions for a curve (`lrs` rising, `smoothed` the smoothed
/// losses), on the points from a tenth of [`STEPS`] to 5 before the end.
pub fn suggest(lrs: &[f64], smoothed: &[f64]) -> Vec<Suggestion> {
    let Some(Range { start: from, end: to }) = window(smoothed.len().min(lrs.len())) else {
        return Vec::new();
    };
    let (lrs_in, losses) = (&lrs[from..to], &smoothed[from..to]);
    let lowest = losses.iter().copied().fold(f64::INFINITY, f64::min);
    let fell = lowest <= FALL * losses[0]; // false for NaN too
    if !fell {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(i) = valley(losses) {
        out.push(Suggestion { rule: Rule::Valley, lr: lrs_in[i], at: from + i });
    }
    if let Some(i) = steep(lrs_in, losses) {
        out.push(Suggestion { rule: Rule::Steep, lr: lrs_in[i], at: from + i });
    }
    if let Some(i) = minimum(losses) {
        out.push(Suggestion { rule: Rule::MinimumTenth, lr: lrs_in[i] / 10.0, at: from + i });
    }
    out
}

/// The points of an `n`-point curve the rules look at: from a tenth of
/// [`STEPS`] to 5 before the end; `None` when fewer than 2 are left.
fn window(n: usize) -> Option<Range<usize>> {
    let (from, to) = (STEPS / 10, n.saturating_sub(TAIL));
    (to >= from + 2).then_some(from..to)
}

/// fastai's valley: the longest decreasing subsequence of `losses` ends at
/// `end` (the first such end) with length `len`; the suggestion is
/// `end − len + ⌊len/3⌋ + ⌊len/6⌋`, about two thirds of the way down.
pub fn valley(losses: &[f64]) -> Option<usize> {
    if losses.is_empty() {
        return None;
    }
    let mut lds = vec![1usize; losses.len()];
    let mut end = 0;
    for i in 1..losses.len() {
        for j in 0..i {
            if losses[i] < losses[j] && lds[i] < lds[j] + 1 {
                lds[i] = lds[j] + 1;
            }
        }
        if lds[end] < lds[i] {
            end = i;
        }
    }
    let len = lds[end] as f64;
    let sections = len / 3.0;
    let idx = end as f64 - len + sections.floor() + (sections / 2.0).floor();
    Some(idx.max(0.0) as usize)
}

/// Steep: where the loss falls fastest per unit of ln η, the slope
/// `(L_{i+k} − L_i) / (ln η_{i+k} − ln η_i)` measured over a decade
/// (`k` = [`DECADE`] points, fewer on a short curve) and suggested at the
/// window's middle, `i + k/2`. fastai measures it between neighbours
/// (`k` = 1); over a hundred steps of mini-batches the smoothed loss still
/// wobbles from one point to the next while the rate barely moves the
/// weights, and the steepest wobble then points five decades too low.
pub fn steep(lrs: &[f64], losses: &[f64]) -> Option<usize> {
    let n = lrs.len().min(losses.len());
    let k = DECADE.min(n.saturating_sub(1)).max(1);
    (0..n.saturating_sub(k))
        .map(|i| (i, (losses[i + k] - losses[i]) / (math::ln(lrs[i + k]) - math::ln(lrs[i]))))
        .filter(|(_, slope)| slope.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i + k / 2)
}

/// The first point of the lowest loss.
pub fn minimum(losses: &[f64]) -> Option<usize> {
    losses.iter().enumerate().filter(|(_, l)| l.is_finite()).min_by(|a, b| a.1.total_cmp(b.1)).map(|(i, _)| i)
}

#[cfg(test)]
mod tests;
