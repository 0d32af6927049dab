//! Central-difference gradient checks (f64) of every layer kind, activation,
//! loss and penalty, through whole models: backprop must agree to a relative
//! error below 1e-6 away from ReLU kinks.

use gradlab::engine::config::{Act, BlockOrder, InitKind, LayerSpec, LossKind};
use gradlab::engine::gradcheck::{self, Objective};
use gradlab::engine::model::{Model, ModelSpec};
use gradlab::engine::rng::{Rng, Stream, Uniform01};
use gradlab::engine::trainer::{Grads, StepHooks};

const BATCH: usize = 6;

fn spec(hidden: Vec<LayerSpec>, order: BlockOrder, n_out: usize, output_act: Act) -> ModelSpec {
    ModelSpec {
        n_in: 3,
        hidden,
        order,
        n_out,
        output_act,
        leaky_slope: 0.1,
        bn_momentum: 0.9,
        bn_eps: 1e-5,
        init: InitKind::XavierNormal,
        bias_init: 0.1,
    }
}

fn block(units: usize, act: Act, batch_norm: bool, dropout: f64) -> LayerSpec {
    LayerSpec { units, act, batch_norm, dropout }
}

/// Inputs and targets for `n_out` outputs and the given loss.
fn batch(n_out: usize, loss: LossKind, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed, Stream::Probe);
    let x: Vec<f64> = (0..BATCH * 3).map(|_| rng.normal()).collect();
    let t = (0..BATCH)
        .flat_map(|r| {
            let class = r % n_out.max(2);
            (0..n_out)
                .map(|j| match loss {
                    LossKind::Mse if n_out == 1 => 0.7 * (r as f64 - 2.5) / 2.5,
                    LossKind::Mse => f64::from(u8::from(j == class)),
                    _ if n_out == 1 => f64::from(u8::from(r % 2 == 0)),
                    _ => f64::from(u8::from(j == class)),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    (x, t)
}

fn assert_checks(name: &str, spec: &ModelSpec, obj: Objective) {
    let mut last = None;
    for seed in 1..=3u64 {
        let model: Model<f64> = Model::build(spec, &mut Rng::new(seed, Stream::Init));
        let (x, t) = batch(spec.n_out, obj.loss, seed);
        let report = gradcheck::check(&model, &x, &t, obj, usize::MAX);
        if report.near_kink {
            continue;
        }
        assert!(report.max_rel < 1e-6, "{name} (seed {seed}): {:#?}", report.tensors);
        assert!(report.tensors.iter().all(|t| t.checked > 0));
        last = Some(report);
    }
    assert!(last.is_some(), "{name}: every seed landed near a kink");
}

const MSE: Objective = Objective { loss: LossKind::Mse, l1: 0.0, l2: 0.0 };

#[test]
fn every_activation_in_a_dense_net() {
    for act in [Act::Relu, Act::LeakyRelu, Act::Tanh, Act::Sigmoid, Act::Linear, Act::Elu, Act::Gelu] {
        let s = spec(vec![block(5, act, false, 0.0), block(4, act, false, 0.0)], BlockOrder::BnActDrop, 1, Act::Tanh);
        assert_checks(&format!("{act:?}"), &s, MSE);
    }
}

#[test]
fn batch_norm_in_both_orders_with_dropout_present() {
    for order in [BlockOrder::BnActDrop, BlockOrder::ActDropBn] {
        let hidden = vec![block(5, Act::Tanh, true, 0.3), block(4, Act::Sigmoid, true, 0.2)];
        assert_checks(&format!("BN {order:?}"), &spec(hidden, order, 1, Act::Linear), MSE);
    }
}

#[test]
fn every_loss() {
    let hidden = || vec![block(5, Act::Tanh, false, 0.0)];
    let cases = [
        ("mse tanh", 1, Act::Tanh, LossKind::Mse),
        ("mse sigmoid", 1, Act::Sigmoid, LossKind::Mse),
        ("mse 3 outputs", 3, Act::Linear, LossKind::Mse),
        ("bce", 1, Act::Linear, LossKind::Bce),
        ("softmax", 4, Act::Linear, LossKind::SoftmaxCe),
        ("binary focal", 1, Act::Linear, LossKind::Focal { gamma: 2.0, alpha: 0.25 }),
        ("softmax focal", 3, Act::Linear, LossKind::Focal { gamma: 1.5, alpha: 0.25 }),
    ];
    for (name, n_out, out, loss) in cases {
        let obj = Objective { loss, l1: 0.0, l2: 0.0 };
        assert_checks(name, &spec(hidden(), BlockOrder::BnActDrop, n_out, out), obj);
    }
}

#[test]
fn penalties_are_checked_with_and_apart_from_the_data_loss() {
    let s = spec(vec![block(5, Act::Tanh, false, 0.0)], BlockOrder::BnActDrop, 1, Act::Tanh);
    assert_checks("l2", &s, Objective { loss: LossKind::Mse, l1: 0.0, l2: 0.3 });
    assert_checks("l1 + l2", &s, Objective { loss: LossKind::Mse, l1: 0.05, l2: 0.1 });
    // The penalty is reported apart: data loss identical with and without it.
    let mut m: Model<f64> = Model::build(&s, &mut Rng::new(1, Stream::Init));
    let (x, t) = batch(1, LossKind::Mse, 1);
    let (d0, p0) = gradcheck::objective(&mut m, &x, &t, MSE);
    let (d1, p1) = gradcheck::objective(&mut m, &x, &t, Objective { l1: 0.05, l2: 0.1, ..MSE });
    assert_eq!(d0, d1);
    assert_eq!(p0, 0.0);
    assert!(p1 > 0.0);
}

/// A backward pass that negates layer `.0`'s parameter gradients.
#[derive(Debug)]
struct FlipLayer(usize);

impl StepHooks for FlipLayer {
    fn clone_box(&self) -> Box<dyn StepHooks> {
        Box::new(FlipLayer(self.0))
    }
    fn fresh(&self) -> Box<dyn StepHooks> {
        self.clone_box()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn after_backward(&self, infos: &[gradlab::engine::model::ParamInfo], mut grads: Grads<'_>) {
        for info in infos.iter().filter(|i| i.layer == self.0) {
            if let Grads::F64(g) = &mut grads {
                g[info.range()].iter_mut().for_each(|v| *v = -*v);
            }
        }
    }
}

#[test]
fn a_wrong_gradient_fails_the_check() {
    // The checker itself must catch a wrong backward pass. `FlipLayer`
    // (a hook after the backward pass) negates one layer's parameter gradients
    // (the deltas passed on stay right), so for that layer the analytic
    // gradient is −g against a central difference of g: relative error
    // |−g − g| / |g| = 2 for every entry above `ABS_FLOOR`, while every other
    // layer still agrees to < 1e-6.
    let s = spec(
        vec![block(4, Act::Tanh, false, 0.0), block(3, Act::Sigmoid, false, 0.0)],
        BlockOrder::BnActDrop,
        1,
        Act::Tanh,
    );
    let (x, t) = batch(1, LossKind::Mse, 2);
    let clean: Model<f64> = Model::build(&s, &mut Rng::new(2, Stream::Init));
    let report = gradcheck::check(&clean, &x, &t, MSE, usize::MAX);
    assert!(report.max_rel < 1e-6, "the uncorrupted model must pass: {:#?}", report.tensors);
    let owners: Vec<usize> = {
        let mut v: Vec<usize> = clean.infos.iter().map(|i| i.layer).collect();
        v.dedup();
        v
    };
    assert_eq!(owners.len(), 3, "three dense layers own parameters");
    for &bad in &owners {
        let report = gradcheck::check_sampled(
            &clean,
            &x,
            &t,
            MSE,
            gradcheck::Sampling::even(usize::MAX),
            &FlipLayer(bad),
            &mut gradlab::engine::progress::Progress::none(),
        );
        assert_eq!(report.tensors.len(), 6, "W and b of three dense layers");
        for tc in &report.tensors {
            if tc.layer == bad {
                assert!((tc.max_rel - 2.0).abs() < 1e-6, "layer {bad} {}: max {}", tc.param, tc.max_rel);
                assert!((tc.median_rel - 2.0).abs() < 1e-6, "layer {bad} {}: median {}", tc.param, tc.median_rel);
            } else {
                assert!(
                    tc.max_rel < 1e-6,
                    "layer {} {} flagged with layer {bad} corrupted: {}",
                    tc.layer,
                    tc.param,
                    tc.max_rel
                );
            }
        }
        assert!((report.max_rel - 2.0).abs() < 1e-6, "overall max with layer {bad} corrupted: {}", report.max_rel);
    }
}
