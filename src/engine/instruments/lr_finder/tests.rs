//! The range test against hand-worked curves, and on a real trainer.

use super::*;
use crate::engine::instruments::trained as trainer;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Step 0 at 1e-7, halfway at 1e-3 (four of the eight decades), 10 after
/// the last step.
#[test]
fn the_rate_rises_a_decade_every_twelve_and_a_half_steps() {
    assert!(close(lr_at(0), 1e-7));
    assert!(close(lr_at(50), 1e-3));
    assert!(close(lr_at(STEPS), END_LR));
    assert!(close(lr_at(25) / lr_at(0), 100.0));
}

/// Smoothing by hand: [2, 0] → 2, then (0.98·0.04 + 0.02·0) / (1 − 0.98²)
/// = 0.0392 / 0.0396; a constant stays constant (the debiasing).
#[test]
fn smoothing_is_debiased() {
    let s = smooth(&[2.0, 0.0]);
    assert!(close(s[0], 2.0));
    assert!(close(s[1], 0.0392 / 0.0396), "{}", s[1]);
    assert!(smooth(&[3.0; 7]).iter().all(|&v| close(v, 3.0)));
}

/// [5, 4, 6, 3, 2, 7, 1, 8]: the longest falling run 5, 4, 3, 2, 1 ends at
/// index 6 with length 5; 6 − 5 + ⌊5/3⌋ + ⌊5/6⌋ = 2. A 30-point fall:
/// 29 − 30 + 10 + 5 = 14.
#[test]
fn valley_by_hand() {
    assert_eq!(valley(&[5.0, 4.0, 6.0, 3.0, 2.0, 7.0, 1.0, 8.0]), Some(2));
    let fall: Vec<f64> = (0..30).map(|i| 100.0 - f64::from(i)).collect();
    assert_eq!(valley(&fall), Some(14));
    assert_eq!(valley(&[]), None);
    assert_eq!(valley(&[1.0]), Some(0));
}

/// Flat at 1 to point 10, down 0.05 a point to 0.5 at point 20, flat
/// after: the decade windows (12 points) starting at 8, 9 and 10 each hold
/// the whole fall (−0.5), the first wins, suggested at its middle: 8 + 6 =
/// 14. A 4-point curve has one window of 3: its middle is point 1. The
/// lowest loss: the first 1.
#[test]
fn steep_and_minimum_by_hand() {
    let lrs: Vec<f64> = (0..30).map(lr_at).collect();
    let fall: Vec<f64> = (0..30).map(|i| 1.0 - 0.05 * (i.clamp(10, 20) - 10) as f64).collect();
    assert_eq!(steep(&lrs, &fall), Some(14));
    assert_eq!(steep(&[1e-3, 1e-2, 1e-1, 1.0], &[1.0, 0.9, 0.3, 0.5]), Some(1));
    assert_eq!(minimum(&[3.0, 1.0, 2.0, 1.0]), Some(1));
    assert_eq!(steep(&[1e-3], &[1.0]), None);
}

/// A curve that wobbles by ±0.015 from one point to the next while the
/// rate is too small to matter, then falls for real from point 70: steep
/// lands in the real fall, not on a wobble (between neighbours it would
/// pick the first wobble, five decades too low).
#[test]
fn steep_ignores_the_wobble_of_a_flat_start() {
    let lrs: Vec<f64> = (0..STEPS).map(lr_at).collect();
    let curve: Vec<f64> = (0..STEPS)
        .map(|i| {
            let wobble = if i % 2 == 0 { 0.015 } else { -0.015 };
            if i < 70 {
                0.66 + wobble
            } else {
                0.66 - 0.01 * (i - 70) as f64
            }
        })
        .collect();
    let s = suggest(&lrs, &curve);
    let at = s.iter().find(|x| x.rule == Rule::Steep).unwrap().at;
    assert!((64..STEPS).contains(&at), "steep at {at}");
    let neighbours = (10..94).min_by(|&a, &b| (curve[a + 1] - curve[a]).total_cmp(&(curve[b + 1] - curve[b]))).unwrap();
    assert!(neighbours < 20, "the wobble is steeper between neighbours ({neighbours})");
}

/// A parabola with its floor at step 60 over the full range: the points
/// looked at are 10..95; minimum / 10 is a tenth of η(60); steep is the
/// middle of the first decade window, 10 + 6 (a parabola falls fastest
/// farthest from its floor); the
/// valley is the fall 10..=60 (51 points): 50 − 51 + 17 + 8 = 24 into the
/// points looked at, step 34.
#[test]
fn suggestions_on_a_parabola() {
    let lrs: Vec<f64> = (0..STEPS).map(lr_at).collect();
    let losses: Vec<f64> = (0..STEPS).map(|i| (i as f64 - 60.0).powi(2) / 100.0 + 1.0).collect();
    let s = suggest(&lrs, &losses);
    let by = |rule| s.iter().find(|x| x.rule == rule).copied().unwrap();
    assert_eq!(by(Rule::MinimumTenth).at, 60);
    assert!(close(by(Rule::MinimumTenth).lr, lr_at(60) / 10.0));
    assert_eq!(by(Rule::Steep).at, 16);
    assert!(close(by(Rule::Steep).lr, lr_at(16)));
    assert_eq!(by(Rule::Valley).at, 34);
    assert!(close(by(Rule::Valley).lr, lr_at(34)));
    // A curve that blew up after 14 steps leaves nothing to look at.
    assert!(suggest(&lrs[..14], &losses[..14]).is_empty());
    // A curve that falls by less than a tenth suggests nothing.
    let flat: Vec<f64> = losses.iter().map(|l| 10.0 + 0.01 * l).collect();
    assert!(suggest(&lrs, &flat).is_empty());
}

/// Two significant digits, plain from 0.001 up.
#[test]
fn suggested_rates_are_written_short() {
    assert_eq!(rounded(0.0039810717055349725), 0.004);
    assert_eq!(lr_text(0.0039810717055349725), "0.004");
    assert_eq!(lr_text(0.00758), "0.0076");
    assert_eq!(lr_text(0.2754), "0.28");
    assert_eq!(lr_text(1.096e-6), "1.1e-6");
    assert_eq!(lr_text(3.31), "3.3");
}

/// On a real run: the trainer is untouched, the result is the same every
/// time, the rates are the range's, the first loss is the loss of the
/// run's own next step, and plain SGD on circle blows up before 10.
#[test]
fn a_range_test_on_a_copy_is_reproducible() {
    let t = trainer("data=circle&net=8:relu&loss=softmax&bs=16&sched=cos", 20);
    let before = t.fingerprint();
    let r = run(&t);
    assert_eq!(t.fingerprint(), before, "the run itself changed");
    assert_eq!(r, run(&t), "not reproducible");
    assert_eq!(r.from_step, 20);
    assert!(r.lrs.iter().enumerate().all(|(i, &lr)| close(lr, lr_at(i))));
    let mut next = t.clone();
    next.step();
    assert_eq!(r.losses[0], next.last.data_loss);
    assert_ne!(r.stop, Stop::Completed, "SGD at rates up to 10 should blow up: {:?}", r.losses.last());
    assert_eq!(r.suggestions.len(), 3, "{:?}", r.stop);
    let valley = r.suggestion(Rule::Valley).unwrap();
    assert!(r.smoothed[valley.at] < r.smoothed[STEPS / 10], "the valley is on the way down");
}
