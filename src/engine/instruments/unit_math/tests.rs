//! The unit's and the edge's numbers against independent computations: a
//! forward and backward pass worked by hand on a tiny net with weights set
//! by hand; `z` and `a` against the model's own batched forward pass (bit
//! for bit); `∂L/∂z` against the model's own backward pass (the bias
//! gradient of a one-row batch, bit for bit) and a central difference of
//! the loss in f64; `Δw` against the parameters before and after one step,
//! and every optimizer's rule against that change.

use super::*;
use crate::engine::instruments::trained as trainer;
use crate::engine::layers::Pass;
use crate::engine::loss;
use crate::engine::model::PredictScratch;
use crate::engine::named::Named;
use crate::engine::rng::{Rng, Stream};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-12)
}

/// 2 inputs → 2 tanh units → 1 tanh output, MSE; weights set by hand and
/// the whole pass worked in f64 from the example's model inputs.
#[test]
fn a_tiny_net_by_hand() {
    let mut t = trainer("data=xor&feat=x1,x2&net=2:tanh&loss=mse&out=tanh", 0);
    let (w, b, v, c) = ([[0.5, -0.3], [0.8, 0.1]], [0.1, -0.2], [0.7, -1.2], 0.05);
    // Layout: W (2×2, row-major [input][unit]), b, V (2×1), c.
    let params = [w[0][0], w[0][1], w[1][0], w[1][1], b[0], b[1], v[0], v[1], c];
    t.model.params = params.iter().map(|&p| p as f32).collect();
    let x: Vec<f64> = t.train.x.row(0).iter().map(|&v| f64::from(v)).collect();
    let target = f64::from(t.train.targets[[0, 0]]);
    let z: Vec<f64> = (0..2).map(|j| x[0] * w[0][j] + x[1] * w[1][j] + b[j]).collect();
    let h: Vec<f64> = z.iter().map(|&z| math::tanh(z)).collect();
    let z_out = h[0] * v[0] + h[1] * v[1] + c;
    let o = math::tanh(z_out);
    let l = 0.5 * (o - target) * (o - target);
    let dz_out = (o - target) * (1.0 - o * o);
    for j in 0..2 {
        let u = unit(&t, 1, j, 0).unwrap();
        assert_eq!(u.inputs, t.train.x.row(0).to_vec());
        assert_eq!(u.weights, vec![w[0][j] as f32, w[1][j] as f32]);
        assert!(close(f64::from(u.z), z[j], 1e-6), "z {} vs {}", u.z, z[j]);
        assert!(close(f64::from(u.a), h[j], 1e-6));
        assert!(close(u.loss, l, 1e-5));
        let dz = dz_out * v[j] * (1.0 - h[j] * h[j]);
        assert!(close(f64::from(u.dz), dz, 1e-5), "∂L/∂z {} vs {dz}", u.dz);
        assert!(matches!(u.stages[..], [Stage::Activation { act: Act::Tanh, .. }]));
        assert!(u.probability.is_none() && u.deltas.is_empty() && u.bias_delta.is_none());
    }
    let out = unit(&t, 2, 0, 0).unwrap();
    assert!(close(f64::from(out.z), z_out, 1e-6) && close(f64::from(out.a), o, 1e-6));
    assert!(close(f64::from(out.dz), dz_out, 1e-5));
    assert_eq!(out.strongest, vec![1, 0], "|−1.2| > |0.7|");
    // The example is the first training point, named by its raw coordinates and class.
    let raw = &t.raw_train;
    assert_eq!(out.example.point, Some([raw.x[[0, 0]], raw.x[[0, 1]]]));
    assert_eq!(out.example.class, t.train.labels.as_ref().map(|l| l[0]));
    // Column 0 (the inputs), a unit or a column out of range: nothing.
    assert!(unit(&t, 0, 0, 0).is_none() && unit(&t, 1, 2, 0).is_none() && unit(&t, 3, 0, 0).is_none());
    assert!(edge(&t, 1, 2, 0, 0).is_none() && unit(&t, 1, 0, t.train.len()).is_none());
}

/// `z` and `a` are the model's own (its batched evaluation pass, bit for
/// bit); `∂L/∂z` is the bias gradient of the model's own backward pass on
/// a one-row batch in evaluation mode (bit for bit) and a central
/// difference of the loss in f64; with BatchNorm in either block order and
/// dropout, after training moved the running statistics.
#[test]
fn the_models_own_numbers_with_batchnorm_and_dropout() {
    for ord in ["bn-act-do", "act-do-bn"] {
        let link = format!("data=circle&net=5:relu:bn:d0.2,3:tanh:bn&ord={ord}&loss=softmax&bs=8&lr=0.1");
        let t = trainer(&link, 25);
        let model = &t.model;
        let ends = model.block_ends();
        for col in 1..=3 {
            let (d, end) = column_layers(model, col).unwrap();
            assert_eq!(end, ends[col - 1]);
            let mut outs = vec![Vec::new(), Vec::new()];
            let keep: &[usize] = if d == end { &[d] } else { &[d, end] };
            model.predict_layers_into(t.train.x.as_slice().unwrap(), keep, &mut outs, &mut PredictScratch::default());
            if d == end {
                outs[1] = outs[0].clone(); // a linear output: a = z
            }
            let width = model.layers[d].n_out();
            for j in 0..width {
                for example in [0, 7] {
                    let u = unit(&t, col, j, example).unwrap();
                    assert_eq!(u.z.to_bits(), outs[0][example * width + j].to_bits(), "{ord} col {col} z");
                    assert_eq!(u.a.to_bits(), outs[1][example * width + j].to_bits(), "{ord} col {col} a");
                    // Σ w·a + b in f64 agrees to float precision.
                    let sum: f64 = u.weights.iter().zip(&u.inputs).map(|(&w, &a)| f64::from(w) * f64::from(a)).sum();
                    assert!((sum + f64::from(u.bias) - f64::from(u.z)).abs() < 1e-5 * (1.0 + sum.abs()));
                    check_dz(&t, &u, d);
                }
            }
            let u = unit(&t, col, 0, 0).unwrap();
            let kinds: Vec<&str> = u
                .stages
                .iter()
                .map(|s| match s {
                    Stage::BatchNorm { .. } => "bn",
                    Stage::Activation { .. } => "act",
                    Stage::Dropout { .. } => "do",
                })
                .collect();
            let want: &[&str] = match (col, ord) {
                (1, "bn-act-do") => &["bn", "act", "do"],
                (1, _) => &["act", "do", "bn"],
                (2, "bn-act-do") => &["bn", "act"],
                (2, _) => &["act", "bn"],
                _ => &[],
            };
            assert_eq!(kinds, want, "{ord} col {col}");
            if let Some(Stage::BatchNorm { mean, var, .. }) =
                u.stages.iter().find(|s| matches!(s, Stage::BatchNorm { .. }))
            {
                assert!(*mean != 0.0 && *var != 1.0, "running statistics moved");
            }
        }
        let out = unit(&t, 3, 1, 0).unwrap();
        let p = out.probability.unwrap();
        assert!(p.softmax && p.class == 1 && p.p > 0.0 && p.p < 1.0);
    }
}

/// `∂L/∂z` of `u` (dense layer `d`) against the model's backward pass and a
/// central difference in f64.
fn check_dz(t: &Trainer, u: &UnitMath, d: usize) {
    let x: Vec<f32> = t.train.x.row(u.example.index).to_vec();
    let y: Vec<f32> = t.train.targets.row(u.example.index).to_vec();
    let mut m = t.model.clone();
    m.forward(&x, Pass::EVAL, &mut Rng::new(0, Stream::Dropout));
    let mut d_out = vec![0.0f32; y.len()];
    loss::loss_and_grad(t.cfg.loss, m.output(), &y, m.n_out, Some(&mut d_out));
    m.backward(&d_out);
    let Layer::Dense(dense) = &m.layers[d] else { panic!("dense") };
    assert_eq!(u.dz.to_bits(), m.grads[dense.b + u.unit].to_bits(), "∂L/∂z = ∂L/∂b of a one-row batch");
    // Central difference of the loss in the bias (∂z/∂b = 1), in f64.
    let m64 = t.model.cast::<f64>();
    let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let y64: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
    let loss_at = |delta: f64| {
        let mut m = m64.clone();
        m.params[dense.b + u.unit] += delta;
        let mut out = vec![0.0; m.n_out];
        m.predict_into(&x64, &mut out, &mut PredictScratch::default());
        loss::loss_and_grad(t.cfg.loss, &out, &y64, m.n_out, None)
    };
    let h = 1e-5;
    let numeric = (loss_at(h) - loss_at(-h)) / (2.0 * h);
    let tol = 1e-4 * numeric.abs().max(f64::from(u.dz).abs()) + 1e-7;
    assert!((numeric - f64::from(u.dz)).abs() <= tol, "∂L/∂z {} vs difference {numeric}", u.dz);
}

/// One step of every optimizer: Δw is the change of the parameter (bit for
/// bit), the gradient is the one the step computed, and the rule with its
/// state gives that change; the example's ∂L/∂w is a·∂L/∂z.
#[test]
fn the_last_update_of_every_optimizer() {
    for opt in ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "lion"] {
        let link = format!("data=xor&net=4:tanh,3:relu&loss=softmax&bs=10&lr=0.03&opt={opt}&l2=0.001");
        let mut t = trainer(&link, 6);
        let before = t.model.params.clone();
        t.probe = Some(Box::default());
        t.step();
        let probe_grads = t.probe.as_ref().unwrap().grads.clone();
        let (col, from, to) = (2, 1, 2);
        let e = edge(&t, col, from, to, 0).unwrap();
        let Layer::Dense(dense) = &t.model.layers[column_layers(&t.model, col).unwrap().0] else { panic!() };
        let index = dense.w + from * dense.n_out + to;
        assert_eq!(e.w, t.model.params[index]);
        let last = e.last.unwrap();
        assert_eq!(last.step, 7);
        assert_eq!(last.delta.to_bits(), (t.model.params[index] - before[index]).to_bits(), "{opt}: Δw");
        assert_eq!(last.grad, probe_grads[index], "{opt}: no clipping, the step's gradient");
        assert_eq!(last.lr, 0.03);
        let rule = last.rule.unwrap_or_else(|| panic!("{opt}: a rule"));
        assert_eq!(rule.name, opt);
        let ulp = f64::from(before[index].abs().max(t.model.params[index].abs())) * 2.0 * f64::from(f32::EPSILON);
        let (got, want) = (f64::from(last.delta), rule.predicted);
        assert!((got - want).abs() <= 1e-4 * want.abs() + ulp, "{opt}: rule {want} vs Δw {got}");
        assert!(close(rule.w_before, f64::from(before[index]), 1e-6));
        assert_eq!(rule.decay.is_some(), matches!(opt, "adamw" | "lion"));
        let u = unit(&t, col, to, 0).unwrap();
        assert_eq!((e.a_from, e.dz_to, e.example_grad), (u.inputs[from], u.dz, u.inputs[from] * u.dz));
        assert_eq!(u.deltas[from], last.delta);
        assert_eq!(u.bias_delta, Some(t.model.params[dense.b + to] - before[dense.b + to]));
    }
}

/// The example's ∂L/∂w is the weight gradient of the model's backward pass
/// on that one row (bit for bit); before the first step there is no update.
#[test]
fn the_examples_weight_gradient() {
    let t = trainer("data=spiral&net=6:tanh&loss=mse&out=tanh", 0);
    let x: Vec<f32> = t.train.x.row(0).to_vec();
    let y: Vec<f32> = t.train.targets.row(0).to_vec();
    let mut m = t.model.clone();
    m.forward(&x, Pass::EVAL, &mut Rng::new(0, Stream::Dropout));
    let mut d_out = vec![0.0f32; y.len()];
    loss::loss_and_grad(t.cfg.loss, m.output(), &y, m.n_out, Some(&mut d_out));
    m.backward(&d_out);
    for (col, from, to) in [(1, 0, 3), (2, 5, 0)] {
        let e = edge(&t, col, from, to, 0).unwrap();
        let Layer::Dense(dense) = &m.layers[column_layers(&m, col).unwrap().0] else { panic!() };
        assert_eq!(e.example_grad.to_bits(), m.grads[dense.w + from * dense.n_out + to].to_bits());
        assert!(e.last.is_none());
    }
}

/// A new optimizer put in force after the step has fresh state: the rule
/// is not shown (it would not be that step's), the change still is.
#[test]
fn a_new_optimizer_hides_the_old_rule() {
    let mut t = trainer("data=xor&net=4:tanh&loss=softmax&opt=adam", 3);
    let mut cfg = t.experiment();
    cfg.optimizer = OptimizerKind::from_name("sgd").unwrap();
    t.apply_live(&cfg);
    let last = edge(&t, 1, 0, 0, 0).unwrap().last.unwrap();
    assert!(last.rule.is_none() && last.delta != 0.0 && last.step == 3);
    assert_eq!(strongest_first(&[0.1, f32::NAN, -2.0, 2.0]), vec![1, 2, 3, 0]);
}
