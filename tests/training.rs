//! End-to-end behaviour of the trainer: seeded training reaches stated losses,
//! initialization has its known effects, the initial loss matches chance,
//! divergence stops cleanly, live settings keep state, and a seed names a run.

use gradlab::engine::config::{
    self, Act, Config, DataKind, Feature, InitKind, LayerSpec, LossKind, Named, OptimizerKind,
};
use gradlab::engine::layers::Pass;
use gradlab::engine::link as codec;
use gradlab::engine::math;
use gradlab::engine::model::{Model, ModelSpec};
use gradlab::engine::rng::{Rng, Stream, Uniform01};
use gradlab::engine::trainer::{LiveChange, StepOutcome, TensorKind, Trainer};

fn layers(widths: &[usize], act: Act) -> Vec<LayerSpec> {
    widths.iter().map(|&units| LayerSpec { units, act, batch_norm: false, dropout: 0.0 }).collect()
}

/// Trains up to `max_steps`, evaluating every 25 steps; returns the step at
/// which the training loss first went below `target`.
fn steps_to_reach(cfg: &Config, target: f64, max_steps: u64) -> Option<u64> {
    let mut t = Trainer::from_config(cfg).expect("valid config");
    while t.step_count() < max_steps {
        for _ in 0..25 {
            assert_eq!(t.step(), StepOutcome::Ok);
        }
        if t.evaluate().train_loss < target {
            return Some(t.step_count());
        }
    }
    None
}

#[test]
fn tf_playground_default_learns_circle() {
    // Default link: circle, x1 x2, 4-2 tanh, SGD 0.03, batch 10, MSE ½(o−t)².
    let cfg = Config::default();
    // Seed 1 reaches it at step 1350 (this pins the trajectory loosely).
    assert!(steps_to_reach(&cfg, 0.05, 2000).is_some(), "circle did not reach train loss 0.05 in 2000 steps");
}

#[test]
fn xor_with_the_product_feature_is_learned_fast() {
    let mut cfg = Config::default();
    cfg.data.kind = DataKind::Xor;
    cfg.data.features = vec![Feature::X1X2];
    cfg.hidden = layers(&[2], Act::Tanh);
    // Seed 1 reaches it at step 100.
    assert!(steps_to_reach(&cfg, 0.01, 300).is_some());
}

#[test]
fn xor_from_raw_inputs_with_adam() {
    let mut cfg = Config::default();
    cfg.data.kind = DataKind::Xor;
    cfg.hidden = layers(&[8, 8], Act::Tanh);
    cfg.optimizer = OptimizerKind::from_name("adam").unwrap();
    cfg.lr = 0.01;
    assert!(steps_to_reach(&cfg, 0.05, 1000).is_some());
}

#[test]
fn spiral_with_all_features_and_relu() {
    let mut cfg = Config::default();
    cfg.data.kind = DataKind::Spiral;
    cfg.data.features = Feature::ALL.to_vec();
    cfg.data.standardize = true;
    cfg.hidden = layers(&[16, 16, 16], Act::Relu);
    cfg.init = InitKind::HeNormal;
    cfg.optimizer = OptimizerKind::from_name("adam").unwrap();
    cfg.lr = 0.01;
    // Seed 1 reaches it at step 600.
    assert!(steps_to_reach(&cfg, 0.02, 1500).is_some(), "spiral did not reach 0.02 in 1500 steps");
}

/// Std of every layer output of a 10-layer ReLU net on standard-normal inputs.
fn activation_stds(init: InitKind) -> Vec<f64> {
    let spec = ModelSpec {
        n_in: 64,
        hidden: layers(&[64; 10], Act::Relu),
        order: gradlab::engine::config::BlockOrder::BnActDrop,
        n_out: 10,
        output_act: Act::Linear,
        leaky_slope: 0.01,
        bn_momentum: 0.9,
        bn_eps: 1e-5,
        init,
        bias_init: 0.0,
    };
    let mut model: Model<f64> = Model::build(&spec, &mut Rng::new(3, Stream::Init));
    let mut rng = Rng::new(3, Stream::Probe);
    let x: Vec<f64> = (0..512 * 64).map(|_| rng.normal()).collect();
    model.forward(&x, Pass::EVAL, &mut rng);
    (0..model.layers.len())
        .filter(|&i| model.layers[i].name() == "relu")
        .map(|i| {
            let a = model.activation(i);
            let mean = a.iter().sum::<f64>() / a.len() as f64;
            math::sqrt(a.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / a.len() as f64)
        })
        .collect()
}

#[test]
fn he_init_keeps_a_deep_relu_net_alive_and_small_init_kills_it() {
    let he = activation_stds(InitKind::HeNormal);
    assert_eq!(he.len(), 10);
    let ratio = he[9] / he[0];
    assert!((0.5..=2.0).contains(&ratio), "He: first {} last {}", he[0], he[9]);
    let small = activation_stds(InitKind::Normal(0.01));
    assert!(small[0] / small[9] > 100.0, "N(0, 0.01): first {} last {}", small[0], small[9]);
}

#[test]
fn initial_softmax_loss_on_digits_is_ln_10() {
    let mut cfg = Config::default();
    cfg.data.kind = DataKind::Digits;
    cfg.data.train_pct = 90;
    cfg.hidden = layers(&[32], Act::Relu);
    cfg.loss = LossKind::SoftmaxCe;
    cfg.init = InitKind::Normal(0.01);
    let mut t = Trainer::from_config(&cfg).expect("digits config");
    let m = t.evaluate();
    assert!((m.train_loss - math::ln(10.0)).abs() < 0.05, "initial loss {}", m.train_loss);
}

#[test]
fn same_seed_same_fingerprint_and_different_seed_differs() {
    let run = |seed: u64| {
        let cfg = Config { seed, ..Config::default() };
        let mut t = Trainer::from_config(&cfg).expect("valid");
        for _ in 0..200 {
            t.step();
        }
        t.fingerprint()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn dropout_and_batch_norm_runs_are_reproducible() {
    let (cfg, _) = codec::decode("data=spiral&net=8:relu:bn:d0.3,8:relu:bn:d0.3&ord=act-do-bn&bs=16&seed=5");
    let run = || {
        let mut t = Trainer::from_config(&cfg).expect("valid");
        (0..120).for_each(|_| {
            t.step();
        });
        (t.fingerprint(), t.evaluate().train_loss)
    };
    assert_eq!(run(), run());
}

#[test]
fn divergence_stops_cleanly_and_names_the_tensor() {
    let cfg = Config {
        lr: 1e6,
        hidden: layers(&[8, 8], Act::Relu),
        output_act: gradlab::engine::config::OutputAct::Linear,
        ..Config::default()
    };
    let mut t = Trainer::from_config(&cfg).expect("valid");
    let mut stop = None;
    for _ in 0..1000 {
        if let StepOutcome::Diverged(d) = t.step() {
            stop = Some(d);
            break;
        }
    }
    let d = stop.expect("lr 1e6 must diverge");
    assert_eq!(d.step, t.step_count(), "the failing step is not counted");
    assert!(matches!(
        d.tensor,
        TensorKind::Activation | TensorKind::Parameter | TensorKind::Loss | TensorKind::Gradient
    ));
    assert!(d.to_string().starts_with(&format!("step {}: non-finite", d.step)), "{d}");
    let before = t.fingerprint();
    assert_eq!(t.step(), StepOutcome::Diverged(d), "stays stopped");
    assert_eq!(t.fingerprint(), before, "nothing more is applied");
}

#[test]
fn a_non_finite_parameter_is_blamed_on_its_layer() {
    let mut t = Trainer::from_config(&Config::default()).expect("valid");
    let w2 = t.model.infos[2];
    t.model.params[w2.offset] = f32::NAN;
    match t.step() {
        StepOutcome::Diverged(d) => {
            assert_eq!(d.tensor, TensorKind::Parameter);
            assert_eq!(d.layer, Some(w2.layer));
            assert_eq!(d.detail, "W");
        }
        StepOutcome::Ok => panic!("NaN weight not caught"),
    }
}

#[test]
fn learning_rate_and_batch_size_change_mid_run_without_losing_state() {
    let cfg = Config { optimizer: OptimizerKind::from_name("momentum").unwrap(), ..Config::default() };
    let mut a = Trainer::from_config(&cfg).expect("valid");
    for _ in 0..50 {
        a.step();
    }
    let velocity = a.optimizer.m.clone();
    assert_eq!(a.apply_live(&Config { lr: 0.01, batch_size: 25, ..cfg.clone() }), LiveChange::Applied);
    assert_eq!(a.optimizer.m, velocity, "momentum kept");
    assert_eq!(a.lr(), 0.01);
    a.step();
    assert_eq!(a.next_batch_indices().len(), 25);
    assert_eq!(a.step_count(), 51);
}

/// A run's mid-run changes stay within what its link replays: the 65th is
/// refused as `Full` (the page starts a new run), the run as it was keeps its 64 and its link
/// reads back whole. (Found reviewing every buffer of the trainer that grows
/// for the soak: the list grew with each change, and past 64 the run's link and
/// record were refused.)
#[test]
fn mid_run_changes_stop_at_what_a_link_replays() {
    let cfg = Config::default();
    let mut t = Trainer::from_config(&cfg).expect("valid");
    for i in 0..config::MAX_CHANGES {
        t.step();
        let next = Config { lr: 0.01 + i as f64 / 1000.0, ..t.cfg.clone() };
        assert_eq!(t.apply_live(&next), LiveChange::Applied, "change {}", i + 1);
    }
    t.step();
    let (step, lr) = (t.step_count(), t.lr());
    assert_eq!(t.apply_live(&Config { lr: 0.5, ..t.cfg.clone() }), LiveChange::Full);
    assert_eq!((t.step_count(), t.lr(), t.experiment().changes.len()), (step, lr, config::MAX_CHANGES), "untouched");
    // Settings equal to those in force change nothing and still apply.
    assert_eq!(t.apply_live(&t.cfg.clone()), LiveChange::Applied);
    let link = codec::encode(&t.experiment());
    assert_eq!(codec::decode(&link), (t.experiment(), vec![]));
}

#[test]
fn epochs_reshuffle_with_the_seeded_stream() {
    let mut t = Trainer::from_config(&Config { batch_size: 250, ..Config::default() }).expect("valid");
    let first: Vec<usize> = t.next_batch_indices().to_vec();
    t.step();
    assert_eq!(t.epoch(), 1);
    let second: Vec<usize> = t.next_batch_indices().to_vec();
    assert_ne!(first, second);
    let mut sorted = second.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..250).collect::<Vec<_>>());
}

#[test]
fn batch_size_spans_one_to_the_full_set() {
    for bs in [1, 7, 250, 100_000] {
        let mut t = Trainer::from_config(&Config { batch_size: bs, ..Config::default() }).expect("valid");
        assert_eq!(t.batch_size(), bs.min(250));
        assert_eq!(t.step(), StepOutcome::Ok);
    }
}

/// Entropy (nats) of a coin with P(1) = `p`: the lowest binary cross-entropy
/// any constant prediction reaches on a set with that class-1 share.
fn prior_entropy(p: f64) -> f64 {
    -p * math::ln(p) - (1.0 - p) * math::ln(1.0 - p)
}

#[test]
fn imbalanced_binary_data_and_every_optimizer_train() {
    // A model that only learned the 20 %/80 % label prior predicts a constant
    // probability, whose cross-entropy is at least the prior's entropy
    // H(p) = −p ln p − (1−p) ln(1−p) (0.500 at p = 0.2; the seeded training
    // splits hold 18.8–22.8 % of class 1, H 0.48–0.54) and whose accuracy is
    // the majority share (at most 0.812 here). Measured after 300 steps of
    // lr 0.01 (seed per optimizer as drawn below): sgd 0.124 / acc 1.0,
    // momentum 0.021, nesterov 0.016, rmsprop 0.002, adam 0.024, adamw 0.024,
    // all at accuracy 1.0 (the two Gaussians barely overlap; the initial nets
    // of the sgd and rmsprop seeds already separate them, so for those two
    // the loss bound is the one that tells learning from the prior). The
    // bounds, half the prior's entropy and the majority share + 0.1, hold
    // with ≥ 2× margin on the loss; an optimizer that stopped updating, or
    // crawled (sgd at lr² = 1e-4 ends at 0.321), stays above its bound.
    let mut rng = Rng::new(1, Stream::Probe);
    for opt in ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] {
        let link = format!("data=gauss&minor=20&opt={opt}&lr=0.01&loss=bce&seed={}", rng.below(1000));
        let (cfg, rejected) = codec::decode(&link);
        assert!(rejected.is_empty(), "{rejected:?}");
        let mut t = Trainer::from_config(&cfg).expect("valid");
        let labels = t.train.labels.clone().expect("classification");
        let p = labels.iter().filter(|&&l| l == 1).count() as f64 / labels.len() as f64;
        assert!((0.15..=0.25).contains(&p), "{opt}: class-1 share {p} of a minor=20 set");
        let (prior, majority) = (prior_entropy(p), p.max(1.0 - p));
        let start = t.evaluate().train_loss;
        for _ in 0..300 {
            assert_eq!(t.step(), StepOutcome::Ok);
        }
        let end = t.evaluate();
        assert!(end.train_loss < start, "{opt}: {start} -> {}", end.train_loss);
        assert!(end.train_loss < 0.5 * prior, "{opt}: loss {} vs prior entropy {prior}", end.train_loss);
        let acc = end.train_acc.expect("classification");
        assert!(acc > majority + 0.1, "{opt}: accuracy {acc} vs majority share {majority}");
    }
}

#[test]
fn clipping_counts_clipped_steps() {
    let (cfg, _) = codec::decode("clip=norm&cv=0.001&lr=0.1");
    let mut t = Trainer::from_config(&cfg).expect("valid");
    for _ in 0..20 {
        t.step();
    }
    assert_eq!(t.clipped_steps, 20, "every gradient is longer than 0.001");
    assert!(t.last.grad_norm > 0.001 && t.last.clipped);
    let (loose, _) = codec::decode("clip=value&cv=1000");
    let mut t = Trainer::from_config(&loose).expect("valid");
    t.step();
    assert_eq!(t.clipped_steps, 0);
}

#[test]
fn eight_hidden_layers_of_64_units_train() {
    let cfg = Config { hidden: layers(&[64; 8], Act::Relu), init: InitKind::HeNormal, ..Config::default() };
    let mut t = Trainer::from_config(&cfg).expect("valid");
    assert_eq!(t.model.n_params(), 2 * 64 + 64 + 7 * (64 * 64 + 64) + 64 + 1);
    // MSE ½(o−t)² on ±1 targets: the best constant output (the mean target)
    // scores half the targets' variance, ≈ 0.5 on this balanced circle; the
    // untrained net scores 0.714 at accuracy 0.512. Measured after 200
    // steps: 0.044 at accuracy 0.988 (0.115 / 0.94 after 100). Bounds: a
    // quarter of the constant's loss and accuracy 0.9 (chance ≈ 0.5).
    let targets = &t.train.targets;
    let mean = targets.iter().map(|&v| f64::from(v)).sum::<f64>() / targets.len() as f64;
    let constant = 0.5 * targets.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / targets.len() as f64;
    assert!((0.45..=0.5).contains(&constant), "balanced ±1 targets: {constant}");
    for _ in 0..200 {
        assert_eq!(t.step(), StepOutcome::Ok);
    }
    let end = t.evaluate();
    assert!(end.train_loss < 0.25 * constant, "loss {} vs constant output {constant}", end.train_loss);
    assert!(end.train_acc.expect("classification") > 0.9, "accuracy {:?}", end.train_acc);
}

#[test]
fn penalties_are_reported_apart_from_the_data_loss() {
    let (cfg, _) = codec::decode("l1=0.01&l2=0.1");
    let mut t = Trainer::from_config(&cfg).expect("valid");
    let (l1, l2) = t.model.penalty(0.01, 0.1);
    t.step();
    assert!(t.last.l1_penalty > 0.0 && t.last.l2_penalty > 0.0);
    assert_eq!((t.last.l1_penalty, t.last.l2_penalty), (l1, l2), "penalty of the weights the step started from");
    assert!(t.last.data_loss > 0.0);
}
