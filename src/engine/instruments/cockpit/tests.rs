//! The Cockpit instruments against direct computations: alpha on
//! parabolas and a least-squares fit worked by hand, the step's slopes
//! against differences of the loss, the gradient tests against their
//! formulas on hand-made gradients, the top Hessian eigenvalue against the
//! full Hessian of a small net (second differences of the loss, Jacobi
//! eigenvalues), the distance from initialization against the run's own
//! first weights.

use super::*;
use crate::engine::instruments::trained as trainer;

/// The trainer's next batch in f64, and its model.
fn batch(t: &Trainer) -> (Model<f64>, Vec<f64>, Vec<f64>) {
    let (x, y) = t.next_batch();
    (t.model.cast::<f64>(), x.iter().map(|&v| f64::from(v)).collect(), y.iter().map(|&v| f64::from(v)).collect())
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-12)
}

/// Exact parabolas (t − t*)²: t* = 1 lands on the floor (0), t* = ½ on
/// the far side (+1), t* = 2 halfway down (−½).
#[test]
fn alpha_on_parabolas() {
    let line = |t_star: f64| StepLine {
        loss0: t_star * t_star,
        slope0: -2.0 * t_star,
        loss1: (1.0 - t_star).powi(2),
        slope1: 2.0 * (1.0 - t_star),
    };
    assert!(close(alpha(&line(1.0)).unwrap(), 0.0, 1e-12) || alpha(&line(1.0)).unwrap().abs() < 1e-12);
    assert!(close(alpha(&line(0.5)).unwrap(), 1.0, 1e-12));
    assert!(close(alpha(&line(2.0)).unwrap(), -0.5, 1e-12));
}

/// L(0) = 0, L'(0) = 0, L(1) = 1, L'(1) = 0 fit no parabola exactly; by
/// hand the normal equations give a = 0, b = 0.2, c = 0.4: no valley, no
/// alpha. A step that starts uphill has none either.
#[test]
fn a_least_squares_fit_by_hand() {
    let s = StepLine { loss0: 0.0, slope0: 0.0, loss1: 1.0, slope1: 0.0 };
    let (a, b, c) = fit_parabola(&s);
    assert!(a.abs() < 1e-12 && close(b, 0.2, 1e-12) && close(c, 0.4, 1e-12), "{a} {b} {c}");
    assert_eq!(alpha(&s), None);
    assert_eq!(alpha(&StepLine { loss0: 1.0, slope0: 0.5, loss1: 2.0, slope1: 1.5 }), None);
}

/// The slopes at both ends of a real step equal central differences of
/// the loss along it.
#[test]
fn step_slopes_match_differences_of_the_loss() {
    let mut t = trainer("data=xor&net=4:tanh&loss=softmax&lr=0.3&bs=8", 3);
    let (model, x, y) = batch(&t);
    let w0 = model.params.clone();
    t.step();
    let w1: Vec<f64> = t.model.params.iter().map(|&v| f64::from(v)).collect();
    let obj = objective(&t);
    let line = step_line(&model, &w0, &w1, &x, &y, obj);
    let loss_at = |s: f64| {
        let mut m = model.clone();
        m.params = w0.iter().zip(&w1).map(|(a, b)| a + s * (b - a)).collect();
        let (d, p) = gradcheck::objective(&mut m, &x, &y, obj);
        d + p
    };
    let h = 1e-5;
    assert!(close(line.loss0, loss_at(0.0), 1e-12) && close(line.loss1, loss_at(1.0), 1e-12));
    assert!(close(line.slope0, (loss_at(h) - loss_at(-h)) / (2.0 * h), 1e-6), "{} vs fd", line.slope0);
    assert!(close(line.slope1, (loss_at(1.0 + h) - loss_at(1.0 - h)) / (2.0 * h), 1e-6), "{}", line.slope1);
    assert!(line.slope0 < 0.0, "SGD steps downhill");
}

/// By hand: g = (1, 0), (3, 0): mean (2, 0), ‖g‖² = 4, Σ‖g_n − g‖² = 2,
/// B(B − 1) = 2: norm 2/2/4 = ¼; inner products 2 and 6 against 4: (4 + 4)/2/16
/// = ¼; implied batch ½. g = (1, 1), (1, −1): mean (1, 0): norm 1,
/// inner product 0.
#[test]
fn gradient_tests_by_hand() {
    let t = batch_tests(&[vec![1.0, 0.0], vec![3.0, 0.0]]).unwrap();
    assert!(close(t.norm, 0.25, 1e-15) && close(t.inner_product, 0.25, 1e-15), "{t:?}");
    assert!(close(t.norm_batch(), 0.5, 1e-15));
    let u = batch_tests(&[vec![1.0, 1.0], vec![1.0, -1.0]]).unwrap();
    assert!(close(u.norm, 1.0, 1e-15) && u.inner_product == 0.0, "{u:?}");
    assert_eq!(batch_tests(&[vec![1.0]]), None);
    assert_eq!(batch_tests(&[vec![1.0], vec![-1.0]]), None, "a zero mean gradient");
}

/// The mean of the per-example gradients is the batch gradient (the loss
/// is a mean over the batch); BatchNorm couples examples: none.
#[test]
fn per_example_gradients_average_to_the_batch_gradient() {
    let t = trainer("data=spiral&net=5:relu,4:tanh&loss=softmax&bs=6&l2=0.01", 4);
    let (mut model, x, y) = batch(&t);
    let obj = objective(&t);
    let each = per_example_gradients(&model, &x, &y, obj).unwrap();
    assert_eq!(each.len(), 6);
    gradcheck::backprop(&mut model, &x, &y, obj);
    for (k, g) in model.grads.iter().enumerate() {
        let mean = each.iter().map(|e| e[k]).sum::<f64>() / 6.0;
        assert!((mean - g).abs() <= 1e-12 * g.abs().max(1.0), "entry {k}: {mean} vs {g}");
    }
    let bn = trainer("data=spiral&net=5:relu:bn&loss=softmax&bs=6", 0);
    let (model, x, y) = batch(&bn);
    assert!(per_example_gradients(&model, &x, &y, objective(&bn)).is_none());
}

/// The full Hessian of a 17- and a 42-parameter net from second differences of the
/// loss, its eigenvalues by Jacobi rotations; power iteration on
/// Hessian-vector products finds the largest, at a start and after large
/// steps (where the eigenvalue of largest magnitude is negative, and the
/// shifted iteration is needed).
#[test]
fn top_eigenvalue_matches_the_full_hessian() {
    for (link, steps, negative_dominates) in
        [("data=xor&net=3:tanh&loss=softmax&bs=10&seed=2", 5, false), (SADDLE, 10, true)]
    {
        top_eigenvalue_case(link, steps, negative_dominates);
    }
}

/// A state whose Hessian's eigenvalue of largest magnitude is negative.
const SADDLE: &str = "data=circle&net=8:tanh&loss=softmax&bs=16&lr=3";

fn top_eigenvalue_case(link: &str, steps: u64, negative_dominates: bool) {
    let t = trainer(link, steps);
    let (model, x, y) = batch(&t);
    let obj = objective(&t);
    let n = model.params.len();
    assert!(n <= 50, "{n} parameters");
    let w = model.params.clone();
    let loss = |di: usize, si: f64, dj: usize, sj: f64, h: f64| {
        let mut m = model.clone();
        m.params = w.clone();
        m.params[di] += si * h;
        m.params[dj] += sj * h;
        let (d, p) = gradcheck::objective(&mut m, &x, &y, obj);
        d + p
    };
    let h = 1e-4;
    let second_difference = |i: usize, j: usize| {
        (loss(i, 1.0, j, 1.0, h) - loss(i, 1.0, j, -1.0, h) - loss(i, -1.0, j, 1.0, h) + loss(i, -1.0, j, -1.0, h))
            / (4.0 * h * h)
    };
    let hess: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| second_difference(i, j)).collect()).collect();
    let eigen = jacobi_eigenvalues(hess);
    let top = eigen.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let largest = eigen.iter().copied().max_by(|a, b| a.abs().total_cmp(&b.abs())).unwrap();
    assert_eq!(largest < 0.0, negative_dominates, "{link}: eigenvalues {eigen:?}");
    let power = top_eigenvalue(&model, &x, &y, obj, 300, 7);
    assert!(close(power, top, 1e-4), "power iteration {power}, full Hessian {top} (eigenvalues {eigen:?})");
}

/// Eigenvalues of a symmetric matrix by cyclic Jacobi rotations.
#[allow(clippy::needless_range_loop)] // rotations read as the textbook writes them: by index
fn jacobi_eigenvalues(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (a[i][j] + a[j][i]);
            (a[i][j], a[j][i]) = (m, m);
        }
    }
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i][i]).collect()
}

/// At step 0 every layer is where it started; after training, each
/// distance is the norm of the change from the run's own step-0 weights.
#[test]
fn distance_from_init_against_the_first_weights() {
    let start = trainer("data=circle&net=6:relu,4:relu&lr=0.1&bs=8&seed=9", 0);
    assert!(distance_from_init(&start).iter().all(|d| d.distance == 0.0 && d.relative == 0.0));
    let mut t = start.clone();
    for _ in 0..25 {
        t.step();
    }
    let distances = distance_from_init(&t);
    assert_eq!(distances.len(), 3);
    for (d, info) in distances.iter().zip(t.model.infos.iter().filter(|i| i.kind == ParamKind::Weight)) {
        let (w, w0) = (&t.model.params[info.range()], &start.model.params[info.range()]);
        let direct = w.iter().zip(w0).map(|(a, b)| f64::from(*a - *b).powi(2)).sum::<f64>().sqrt();
        let base = w0.iter().map(|a| f64::from(*a).powi(2)).sum::<f64>().sqrt();
        assert!(close(d.distance, direct, 1e-12) && close(d.relative, direct / base, 1e-12), "{d:?}");
        assert!(d.distance > 0.0);
    }
}

/// The measurement on one run at three learning rates: alpha's median
/// rises with the rate (small steps stay near their start, large ones
/// overshoot), the rate × λ product with it, and the run is untouched.
#[test]
fn alpha_rises_with_the_learning_rate() {
    let medians: Vec<(f64, f64)> = [0.003, 0.3, 3.0]
        .iter()
        .map(|lr| {
            let t = trainer(&format!("data=circle&net=8:tanh&loss=softmax&bs=16&lr={lr}"), 10);
            let before = t.fingerprint();
            let r = measure(&t, &mut crate::engine::progress::Progress::none());
            assert_eq!(t.fingerprint(), before);
            assert_eq!(r.steps, STEPS);
            (r.alpha_median().unwrap(), r.lr * r.lambda_max.abs())
        })
        .collect();
    assert!(medians.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{medians:?}");
}
