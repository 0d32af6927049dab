//! The instruments against constructed cases, with numbers: a known dead
//! unit, every planted bug caught (and its control clean), variance shift of
//! the expected sign and size, initial-loss references, gradient check,
//! tiny-batch overfit, the update-ratio band, saturation, vanishing and
//! exploding signals, saliency, and the doctor's top finding on bad configs.
//! Instruments never change training results.

use gradlab::engine::config::{codec, Config, Named};
use gradlab::engine::data::{Labels, RawData};
use gradlab::engine::instruments::bug_lab::{Bug, PlantedBug};
use gradlab::engine::instruments::doctor::{examine, DoctorOptions};
use gradlab::engine::instruments::finding::Problem;
use gradlab::engine::instruments::layer_stats::RatioBand;
use gradlab::engine::instruments::{
    self, eval_mode, gradient_check, initial_loss, input_scale, label_agreement, overfit, saliency, sentinel,
    update_check, variance_shift, Live,
};
use gradlab::engine::math;
use gradlab::engine::rng::{Rng, Stream, Uniform01};
use gradlab::engine::trainer::{StepOutcome, TensorKind, TrainOptions, Trainer};
use ndarray::Array2;
use std::time::Instant;

fn trainer(link: &str) -> Trainer {
    let (cfg, rejected) = codec::decode(link);
    assert!(rejected.is_empty(), "{link}: {rejected:?}");
    Trainer::from_config(&cfg).unwrap_or_else(|e| panic!("{link}: {e}"))
}

/// Trains `steps` steps with the live instruments on.
fn live(t: &mut Trainer, steps: usize) -> Live {
    let mut l = Live::attach(t);
    for _ in 0..steps {
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
        l.observe(t);
    }
    l
}

fn problems(findings: &[instruments::finding::Finding]) -> Vec<Problem> {
    findings.iter().map(|f| f.problem).collect()
}

// ---- live layer statistics ----

#[test]
fn a_unit_with_a_large_negative_bias_is_reported_dead() {
    let mut t = trainer("data=circle&std=1&net=8:relu,8:relu&opt=adam&lr=0.01");
    let b = t.model.infos[1];
    assert_eq!((b.layer, b.kind.name()), (0, "b"));
    t.model.params[b.offset + 3] = -10.0; // unit 3 of hidden 1: w·x − 10 < 0 for every input
    let l = live(&mut t, 40);
    assert_eq!(l.layers.dead_units(0), vec![3]);
    let sample = l.layers.layers[0].last().expect("observed");
    assert_eq!(sample.dead, Some(1.0 / 8.0));
    let f = l.layers.findings();
    let dead = f.iter().find(|f| f.problem == Problem::DeadUnits).expect("dead finding");
    assert_eq!(dead.layer, Some(1), "the ReLU layer after dense 0");
    assert!(dead.sentence.starts_with("1 of the 8 ReLU units of hidden 1"), "{}", dead.sentence);
    // The doctor reports it too.
    let report = examine(&t, &DoctorOptions::default());
    assert_eq!(report.layers[0].dead_units, vec![3]);
    assert!(problems(&report.findings).contains(&Problem::DeadUnits));
}

#[test]
fn update_ratio_band_flags_a_tiny_learning_rate() {
    let mut healthy = trainer("lr=0.03");
    let ok = live(&mut healthy, 30).layers.net_update_ratio();
    assert_eq!(RatioBand::of(ok), RatioBand::InBand, "lr 0.03: {ok}");
    let mut slow = trainer("lr=0.000001");
    let stats = live(&mut slow, 30).layers;
    let r = stats.net_update_ratio();
    assert_eq!(RatioBand::of(r), RatioBand::FarBelow, "lr 1e-6: {r}");
    assert!(r < 1e-6 && r > 1e-9, "{r}");
    let f = stats.findings();
    assert_eq!(problems(&f), [Problem::LearningRateTooLow]);
    assert!(f[0].sentence.contains("far below"), "{}", f[0].sentence);
}

const TANH_6X32: &str = "net=32:tanh,32:tanh,32:tanh,32:tanh,32:tanh,32:tanh&init=normal&ia=1&std=1";

#[test]
fn unit_normal_init_saturates_a_six_layer_tanh_net() {
    let mut t = trainer(TANH_6X32);
    let stats = live(&mut t, 20).layers;
    let shares: Vec<f64> = stats.layers[..6].iter().map(|l| l.recent_median(|s| s.saturated.unwrap_or(0.0))).collect();
    // Hidden 1 sees 2 standardized inputs (pre-activation std √2); the others
    // 32 tanh outputs through N(0, 1) weights (std ≈ 5): most sit at |a| > 0.99.
    assert!(shares[0] < 0.3, "{shares:?}");
    assert!(shares[1] > 0.3 && shares[2..].iter().all(|&s| s > 0.55), "{shares:?}");
    let f = stats.findings();
    assert_eq!(
        f.iter().find(|f| f.problem == Problem::Saturated).map(|f| f.severity),
        Some(instruments::finding::Severity::Error)
    );
    // Measured, not assumed: with N(0, 1) weights each layer multiplies the
    // back-propagated signal by ~√n·E[tanh'] > 1, which outweighs the flat
    // tails, so the first layer's gradient does not vanish here (it is
    // larger than the output layer's). Vanishing needs sigmoid (below) or a
    // small initialization.
    let flow = stats.flow().expect("6 hidden layers");
    assert!(flow.grad_ratio > 0.1, "{flow:?}");
}

#[test]
fn unit_normal_init_vanishes_gradients_in_a_six_layer_sigmoid_net() {
    let mut t =
        trainer("net=8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid&init=normal&ia=1&std=1&loss=bce");
    let stats = live(&mut t, 20).layers;
    let flow = stats.flow().expect("6 hidden layers");
    assert!(flow.grad_ratio < 0.01, "first-layer gradient / output gradient: {flow:?}");
    let g: Vec<f64> = stats.layers.iter().map(|l| l.recent_median(|s| s.grad_norm)).collect();
    assert!(g.windows(2).all(|w| w[0] < w[1]), "grows toward the output: {g:?}");
    assert!(problems(&stats.findings()).contains(&Problem::Vanishing));
}

const RELU_8X16: &str =
    "net=16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu&init=normal&ia=1&std=1&loss=bce";

#[test]
fn unit_normal_init_explodes_a_deep_relu_net() {
    let mut t = trainer(RELU_8X16);
    let stats = live(&mut t, 3).layers;
    let flow = stats.flow().expect("8 hidden layers");
    // Each layer multiplies the activation scale by ~√(16/2) ≈ 2.8: 2.8⁷ ≈ 1.5e3.
    assert!(flow.act_growth > 100.0, "{flow:?}");
    let first = stats.layers[0].last().expect("sample");
    let out = stats.layers[8].last().expect("sample");
    // The error signal ∂L/∂b grows the same way toward the input.
    assert!(first.bias_grad_norm > 100.0 * out.bias_grad_norm, "{first:?} vs {out:?}");
    assert!(problems(&stats.findings()).contains(&Problem::Exploding));
}

// ---- initial loss ----

/// `n` points of N(0, 1) noise in the plane with `n1` of class 1 (first).
fn imbalanced(n: usize, n1: usize, seed: u64) -> RawData {
    let mut rng = Rng::new(seed, Stream::Probe);
    let x = Array2::from_shape_fn((n, 2), |_| rng.normal());
    let labels = (0..n).map(|i| usize::from(i < n1)).collect();
    RawData { x, labels: Labels::Classes { labels, n_classes: 2 }, planar: true }
}

#[test]
fn imbalanced_binary_initial_loss_references() {
    let (cfg, _) = codec::decode("loss=bce&init=normal&ia=0.001&std=1");
    let t =
        Trainer::new(&cfg, &imbalanced(500, 100, 1), &imbalanced(100, 20, 2), TrainOptions::default()).expect("valid");
    let r = initial_loss::check(&t);
    assert!((r.uniform - std::f64::consts::LN_2).abs() < 1e-12, "ln 2 = 0.693: {}", r.uniform);
    let entropy = -(0.2 * math::ln(0.2) + 0.8 * math::ln(0.8));
    assert!((r.prior - entropy).abs() < 1e-9 && (r.prior - 0.500).abs() < 1e-3, "prior {}", r.prior);
    assert!((r.measured - std::f64::consts::LN_2).abs() < 0.01, "tiny weights predict uniformly: {}", r.measured);
    assert_eq!(r.verdict, initial_loss::Verdict::Ok);
    // The same through the link's minority share (the split leaves ~20 % in training).
    let r = initial_loss::check(&trainer("data=gauss&minor=20&loss=bce"));
    assert!((r.uniform - std::f64::consts::LN_2).abs() < 1e-12);
    assert!((r.prior - 0.5).abs() < 0.02, "{}", r.prior);
}

#[test]
fn softmax_over_ten_digits_starts_at_ln_10_and_a_large_init_is_flagged() {
    let r = initial_loss::check(&trainer("data=digits&std=1&loss=softmax&net=32:relu"));
    let ln10 = math::ln(10.0);
    assert!((r.uniform - ln10).abs() < 1e-12, "{}", r.uniform);
    assert!((r.measured - ln10).abs() < 0.3, "{}", r.measured);
    assert_eq!(r.verdict, initial_loss::Verdict::Ok);
    assert!(r.findings().is_empty());

    let r = initial_loss::check(&trainer("data=digits&std=1&loss=softmax&net=32:relu&init=normal&ia=1"));
    assert_eq!(r.verdict, initial_loss::Verdict::Wrong);
    assert!(r.measured > 10.0 * ln10 && r.output_std > 10.0, "{r:?}");
    assert!(r.causes.iter().any(|c| c.contains("initialized too large")), "{:?}", r.causes);
    assert_eq!(problems(&r.findings()), [Problem::InitialLoss]);
}

// ---- gradient check ----

#[test]
fn gradient_check_passes_on_backprop_and_fails_on_the_wrong_sign_bug() {
    let link = "data=xor&std=1&net=6:tanh,5:sigmoid&loss=softmax";
    let ok = gradient_check::run(&trainer(link), false);
    assert!(ok.max_rel < 1e-7, "{:#?}", ok.tensors);
    assert_eq!(ok.band, gradient_check::Band::Excellent);
    assert!(ok.tensors.iter().all(|t| t.checked > 0) && ok.findings().is_empty());

    let bad = gradient_check::run(&trainer(&format!("{link}&bug=wrong-sign")), false);
    assert_eq!(bad.band, gradient_check::Band::Fail);
    for row in &bad.tensors {
        let expect_fail = row.layer == 0;
        assert_eq!(row.band == gradient_check::Band::Fail, expect_fail, "{row:?}");
        if expect_fail {
            assert!((row.median_rel - 2.0).abs() < 1e-6, "−g against g: |2g|/|g| = 2: {row:?}");
        }
    }
    assert_eq!(problems(&bad.findings()), [Problem::WrongGradient]);
}

#[test]
fn gradient_check_of_the_w2_network_is_fast() {
    let t = gradlab::engine::bench::Workload::W2.trainer();
    assert_eq!(t.model.n_params(), 7 * 8 + 8 + 5 * (8 * 8 + 8) + 8 + 1);
    let start = Instant::now();
    let report = gradient_check::run(&t, false);
    let ms = start.elapsed().as_secs_f64() * 1e3;
    println!("gradient check of W2's 7-8x6-1 ReLU net, batch 10, all {} parameters: {ms:.2} ms", t.model.n_params());
    assert_eq!(report.tensors.iter().map(|r| r.checked).sum::<usize>(), t.model.n_params());
    assert!(ms < 200.0, "{ms} ms");
    assert!(report.band <= gradient_check::Band::Suspicious || report.near_kink, "{report:#?}");
}

// ---- tiny-batch overfit ----

#[test]
fn overfit_passes_on_a_healthy_net_and_fails_when_the_update_is_not_applied() {
    let healthy = trainer("data=xor&std=1&net=8:relu,8:relu&loss=softmax&opt=adam&lr=0.01");
    let r = overfit::run(&healthy, 8, 500);
    assert!(r.passed, "{r:?}");
    assert_eq!((r.k, r.train_acc), (8, Some(1.0)));
    assert!(r.steps <= 500 && r.loss <= overfit::LOSS_FACTOR * r.initial_loss, "{r:?}");
    assert_eq!(r.chance, Some(overfit::chance(&healthy).expect("classes")));
    assert!(r.findings().is_empty());

    // Logistic regression on separable blobs: with its one layer frozen, nothing learns.
    let link = "data=gauss&std=1&net=&loss=bce&opt=adam&lr=0.05";
    assert!(overfit::run(&trainer(link), 8, 500).passed);
    let frozen = overfit::run(&trainer(&format!("{link}&bug=frozen-layer")), 8, 500);
    assert!(!frozen.passed, "{frozen:?}");
    assert_eq!((frozen.steps, frozen.frozen_layers.clone()), (500, vec![0]));
    assert_eq!(frozen.loss, frozen.initial_loss, "no update, no change");
    assert_eq!(problems(&frozen.findings()), [Problem::CannotOverfit]);
}

#[test]
fn overfit_picks_every_class_in_turn() {
    let t = trainer("data=blobs&k=4&loss=softmax");
    let idx = overfit::pick(&t, 8);
    let labels = t.train.labels.as_ref().expect("classes");
    let picked: Vec<usize> = idx.iter().map(|&i| labels[i]).collect();
    assert_eq!(picked, [0, 1, 2, 3, 0, 1, 2, 3]);
}

// ---- variance shift ----

#[test]
fn dropout_before_batch_norm_shifts_the_variance_by_one_over_keep() {
    for p in [0.2, 0.5] {
        let link = format!("data=circle&n=2000&std=1&net=64:tanh:bn:d{p}&ord=act-do-bn&loss=bce");
        let s = variance_shift::measure(&trainer(&link));
        assert_eq!(s.layers.len(), 1);
        let bn = &s.layers[0];
        assert_eq!(bn.dropout_before, Some(p));
        let expected = 1.0 / (1.0 - p);
        assert!(bn.mean_ratio > 1.0 && (bn.mean_ratio / expected - 1.0).abs() < 0.1, "p {p}: {}", bn.mean_ratio);
        assert!(bn.units.iter().all(|u| u.train_var > u.eval_var), "train variance larger for every unit");
        assert_eq!(problems(&s.findings()), [Problem::VarianceShift]);
    }
    // BN before dropout: the BN input is the dense output of clean inputs.
    let s = variance_shift::measure(&trainer("data=circle&n=2000&std=1&net=64:tanh:bn:d0.5&ord=bn-act-do&loss=bce"));
    let bn = &s.layers[0];
    assert_eq!(bn.dropout_before, None);
    assert!((bn.mean_ratio - 1.0).abs() < 1e-9, "{}", bn.mean_ratio);
    assert!(s.findings().is_empty());
}

// ---- the bug lab ----

/// A check that flags a bug: true when the instrument raises it.
type Detector = fn(&mut Trainer) -> bool;

/// Every bug with a config it applies to, the steps trained first, and the
/// instrument that must catch it (and must stay quiet on the same config
/// without the bug).
const BUG_CASES: &[(Bug, &str, usize, Detector)] = &[
    (Bug::FrozenLayer, BASE, 0, |t| problems(&live(t, 20).layers.findings()).contains(&Problem::UpdateNotApplied)),
    (Bug::WrongSign, BASE, 0, |t| gradient_check::run(t, false).band == gradient_check::Band::Fail),
    (Bug::NoZeroGrad, BASE, 0, |t| {
        live(t, 5);
        update_check::check(t).expect("probed").rel_diff > update_check::TOLERANCE
    }),
    (Bug::SoftmaxTwice, BASE, 0, |t| problems(&overfit::run(t, 8, 1000).findings()).contains(&Problem::LossStalls)),
    (Bug::ShuffledLabels, BASE, 0, |t| !label_agreement::measure(t).expect("classes").findings().is_empty()),
    (Bug::RawInputs, BASE, 0, |t| input_scale::measure(t).unnormalized()),
    (Bug::RawInputs, "data=digits&std=1&net=16:relu&loss=softmax", 0, |t| input_scale::measure(t).unnormalized()),
    (Bug::EvalDropout, "data=xor&std=1&net=8:relu:d0.3,8:tanh&loss=softmax", 0, |t| !eval_mode::check(t).deterministic),
    (Bug::StaleBn, "data=xor&std=1&net=8:relu:bn,8:tanh&loss=softmax", 30, |t| {
        variance_shift::measure(t).layers.iter().any(|l| l.running_at_init)
    }),
];

const BASE: &str = "data=xor&std=1&net=8:relu,8:tanh&loss=softmax&opt=adam&lr=0.01";

#[test]
fn every_planted_bug_is_caught_and_its_control_is_clean() {
    let covered: std::collections::HashSet<Bug> = BUG_CASES.iter().map(|c| c.0).collect();
    assert_eq!(covered.len(), Bug::ALL.len(), "every bug has a case");
    for &(bug, link, steps, caught) in BUG_CASES {
        let mut with = trainer(&format!("{link}&bug={}", bug.name()));
        assert!(bug.applies_to(&with.cfg), "{bug:?}");
        assert_eq!(with.bug(), Some(bug));
        (0..steps).for_each(|_| assert_eq!(with.step(), StepOutcome::Ok));
        assert!(caught(&mut with), "{bug:?} not caught on {link}");
        let mut without = trainer(link);
        (0..steps).for_each(|_| assert_eq!(without.step(), StepOutcome::Ok));
        assert!(!caught(&mut without), "{bug:?}: false alarm on {link}");
    }
}

#[test]
fn the_doctor_names_every_planted_bug_first() {
    let expected = [
        (Bug::FrozenLayer, BASE, Problem::UpdateNotApplied),
        (Bug::WrongSign, BASE, Problem::WrongGradient),
        (Bug::NoZeroGrad, BASE, Problem::StaleGradient),
        (Bug::SoftmaxTwice, BASE, Problem::LossStalls),
        (Bug::ShuffledLabels, BASE, Problem::LabelsUnrelated),
        (Bug::RawInputs, BASE, Problem::UnnormalizedInputs),
        (Bug::EvalDropout, "data=xor&std=1&net=8:relu:d0.3,8:tanh&loss=softmax", Problem::RandomEvaluation),
        (Bug::StaleBn, "data=xor&std=1&net=8:relu:bn,8:tanh&loss=softmax", Problem::StaleBnStatistics),
    ];
    for (bug, link, problem) in expected {
        let report = examine(&trainer(&format!("{link}&bug={}", bug.name())), &DoctorOptions::default());
        assert_eq!(report.findings.first().map(|f| f.problem), Some(problem), "{bug:?}: {:#?}", report.findings);
        let clean = examine(&trainer(link), &DoctorOptions::default());
        assert!(!problems(&clean.findings).contains(&problem), "{bug:?} control: {:#?}", clean.findings);
    }
}

#[test]
fn a_mystery_link_plants_a_bug_without_naming_it() {
    let token = Bug::StaleBn.token();
    let link = format!("net=8:relu:bn&bug=mystery:{token}");
    let (cfg, rejected) = codec::decode(&link);
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(cfg.bug, Some(PlantedBug { bug: Bug::StaleBn, hidden: true }));
    let text = codec::encode(&cfg);
    assert!(text.ends_with(&format!("&bug=mystery:{token}")) && !text.contains("stale"), "{text}");
    assert_eq!(cfg.bug.map(|b| b.label()), Some("a hidden bug"));
    assert_eq!(Trainer::from_config(&cfg).expect("valid").bug(), Some(Bug::StaleBn));
    assert_eq!(codec::decode("bug=stale-bn").0.bug, Some(PlantedBug { bug: Bug::StaleBn, hidden: false }));
}

// ---- the doctor on bad configs ----

#[test]
fn the_doctor_names_the_right_problem_first() {
    let cases: &[(&str, &[Problem])] = &[
        (TANH_6X32, &[Problem::Saturated]),
        (
            "net=8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid&init=normal&ia=1&std=1&loss=bce",
            &[Problem::Vanishing],
        ),
        (RELU_8X16, &[Problem::Exploding]),
        ("lr=0.000001", &[Problem::LearningRateTooLow]),
        ("data=digits&std=1&loss=softmax&net=32:relu&init=normal&ia=1", &[Problem::InitialLoss]),
        ("net=8:relu,8:relu&bias=-10", &[Problem::DeadUnits]),
    ];
    for &(link, accept) in cases {
        let start = Instant::now();
        let report = examine(&trainer(link), &DoctorOptions::default());
        let top = report.findings.first().map(|f| f.problem);
        println!("doctor {link}: {:.0} ms, top {top:?}", start.elapsed().as_secs_f64() * 1e3);
        assert!(top.is_some_and(|p| accept.contains(&p)), "{link}: {:#?}", report.findings);
    }
    // A healthy run has no warnings.
    let report =
        examine(&trainer("data=xor&std=1&net=8:relu,8:relu&loss=softmax&opt=adam&lr=0.01"), &DoctorOptions::default());
    assert!(
        report.findings.iter().all(|f| f.severity == instruments::finding::Severity::Info),
        "{:#?}",
        report.findings
    );
}

// ---- sentinel, loss breakdown, histograms, saliency ----

#[test]
fn the_sentinel_names_the_first_non_finite_tensor_including_optimizer_state() {
    let mut t = trainer("opt=adam&net=4:tanh");
    t.step();
    t.optimizer.v[3] = f32::INFINITY; // Adam's second moment overflowed; weights still finite
    let d = sentinel::scan(&t).expect("found");
    assert_eq!((d.tensor, d.layer, d.detail.as_str()), (TensorKind::OptimizerState, Some(0), "W (v)"));
    let mut s = sentinel::Sentinel::default();
    s.observe(&t);
    assert_eq!(problems(&s.findings()), [Problem::NonFinite]);

    // The sentinel names the step whose update produced a non-finite weight;
    // the trainer itself stops one step later, when the forward pass uses it.
    let mut t = trainer("lr=100&net=8:relu,8:relu&out=linear");
    let l = live(&mut t, 500);
    let first = l.sentinel.first.expect("diverges");
    let stop = t.diverged().expect("stopped");
    assert_eq!((first.tensor, first.layer), (TensorKind::Parameter, stop.layer));
    assert_eq!(first.step + 1, stop.step);
}

#[test]
fn a_dominating_penalty_is_flagged() {
    let mut t = trainer("l2=5&lr=0.01");
    let l = live(&mut t, 5);
    assert!(l.loss.last.ratio > 1.0, "{:?}", l.loss.last);
    assert!(l.loss.last.penalty_grad_norm > 0.0 && l.loss.last.data_grad_norm.is_finite());
    assert_eq!(problems(&l.loss.last.findings()), [Problem::PenaltyDominates]);
    let mut t = trainer("l2=0.0001");
    assert!(live(&mut t, 5).loss.last.findings().is_empty());
}

#[test]
fn histograms_are_bounded_and_count_every_value() {
    let mut t = trainer("net=8:relu,4:tanh&bs=10");
    let l = live(&mut t, 1000);
    let h = &l.histograms.blocks[0];
    assert!(h.activations.len() <= 64 && h.activations.len() >= 32, "{}", h.activations.len());
    let (_, last) = *h.activations.last().expect("snapshots");
    assert_eq!(last.total() + last.non_finite, 10 * 8, "batch × width");
    assert!(last.step % 10 == 0 && last.step > 900, "spans the run: {}", last.step);
    assert_eq!(h.weights.last().expect("snapshot").1.total(), 2 * 8);
    assert_eq!(h.gradients.last().expect("snapshot").1.total(), 2 * 8);
}

#[test]
fn saliency_of_digits_and_the_gradient_field_of_the_plane() {
    let mut t = trainer("data=digits&std=1&net=16:relu&loss=softmax&opt=adam&lr=0.01");
    (0..100).for_each(|_| {
        t.step();
    });
    let maps = saliency::digits(&t, &[0, 1, 2], None);
    assert_eq!(maps.len(), 3);
    for m in &maps {
        assert_eq!(m.map.len(), 64);
        assert!(m.max > 0.0 && m.map.iter().all(|&v| v >= 0.0));
        assert_eq!(m.class, m.predicted);
    }
    // A linear model o = w1·(x1² − μ1)/σ1 + w2·(x2 − μ2)/σ2 + b has the field (2·w1·x1/σ1, w2/σ2).
    let t = trainer("net=&feat=x1sq,x2&std=1&out=linear");
    let field = saliency::plane_field(&t, 5, 0).expect("planar");
    let map = t.input_map.as_ref().expect("planar");
    let (w1, w2) = (f64::from(t.model.params[0]), f64::from(t.model.params[1]));
    let (x1, _) = gradlab::engine::grid::coords(5, 1, 3);
    let g = &field.grad[2 * (5 + 3)..2 * (5 + 3) + 2];
    assert!((f64::from(g[0]) - 2.0 * w1 * x1 / map.scaler.std[0]).abs() < 1e-4, "{g:?}");
    assert!((f64::from(g[1]) - w2 / map.scaler.std[1]).abs() < 1e-5, "{g:?}");
    assert!(saliency::digits(&t, &[0], None).is_empty(), "no digits on the plane");
}

// ---- determinism ----

#[test]
fn instruments_do_not_change_training_results() {
    let links = [
        "v=1",
        "data=spiral&std=1&net=16:relu:bn:d0.3,16:lrelu:bn:d0.3&ord=act-do-bn&opt=adam&lr=0.01&bs=16&seed=3",
        "data=moons&minor=20&net=8:sigmoid&loss=focal&fg=2&fa=0.25&opt=rmsprop&l2=0.01&clip=norm&cv=0.5",
        "data=digits&std=1&net=32:relu&loss=softmax&opt=adam&lr=0.001&bs=32&init=he_n&seed=9",
    ];
    for link in links {
        let mut plain = trainer(link);
        let mut probed = trainer(link);
        let mut l = Live::attach(&mut probed);
        for _ in 0..200 {
            plain.step();
            probed.step();
            l.observe(&probed);
        }
        examine(&probed, &DoctorOptions { overfit_steps: 50, ..DoctorOptions::default() });
        assert_eq!(plain.fingerprint(), probed.fingerprint(), "{link}");
        assert_eq!(plain.evaluate(), probed.evaluate(), "{link}");
    }
}

#[test]
fn every_bug_name_and_config_field_round_trips() {
    for bug in Bug::ALL {
        for hidden in [false, true] {
            let cfg = Config { bug: Some(PlantedBug { bug, hidden }), ..Config::default() };
            assert_eq!(codec::decode(&codec::encode(&cfg)), (cfg, vec![]));
        }
    }
}

#[test]
fn the_doctor_command_prints_ranked_findings_as_json() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gradlab"))
        .args(["doctor", "https://example.org/#lr=0.000001", "--steps", "3"])
        .output()
        .expect("run gradlab");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["step"], 3);
    let top = &report["findings"][0];
    assert_eq!(top["problem"], "learning-rate-too-low");
    assert_eq!((top["severity"].as_str(), top["checklist"]["id"].as_str()), (Some("warning"), Some("3.3")));
    assert!(top["sentence"].as_str().is_some_and(|s| s.ends_with("raise the learning rate.")));
    for key in ["summary", "initial_loss", "gradient_check", "overfit", "layers", "variance_shift"] {
        assert!(!report[key].is_null(), "{key}");
    }
    let bad =
        std::process::Command::new(env!("CARGO_BIN_EXE_gradlab")).args(["doctor", "lr=banana"]).output().expect("run");
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).starts_with("gradlab: "));
}

#[test]
fn live_instruments_cost_per_step_on_w2() {
    let steps = 20_000;
    let mut plain = gradlab::engine::bench::Workload::W2.trainer();
    let start = Instant::now();
    (0..steps).for_each(|_| {
        plain.step();
    });
    let off = start.elapsed().as_secs_f64() * 1e6 / steps as f64;
    let mut probed = gradlab::engine::bench::Workload::W2.trainer();
    let mut l = Live::attach(&mut probed);
    let start = Instant::now();
    for _ in 0..steps {
        probed.step();
        l.observe(&probed);
    }
    let on = start.elapsed().as_secs_f64() * 1e6 / steps as f64;
    println!("W2 step: {off:.2} µs without instruments, {on:.2} µs with every live instrument observing");
    assert_eq!(plain.fingerprint(), probed.fingerprint());
    assert!(l.layers.layers.iter().all(|t| t.history.len() <= 512));
}
