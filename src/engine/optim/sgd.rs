//! Stochastic gradient descent: plain, with heavy-ball momentum
//! (`v = μv + g; p −= lr·v`) and with Nesterov momentum
//! (`v = μv + g; p −= lr·(g + μv)`), as PyTorch writes them.

use super::{Hyper, Hyperparams, Optimizer, Rule};
use crate::params::ParamInfo;
use crate::scalar::Real;

/// Plain SGD: `p −= lr·g`.
pub static SGD: Rule = Rule {
    name: "sgd",
    title: "SGD",
    reads: &[],
    defaults: Hyperparams::NONE,
    buffers: 0,
    per_weight_eps: None,
    step_f32: plain::<f32>,
    step_f64: plain::<f64>,
};

/// SGD with heavy-ball momentum.
pub static MOMENTUM: Rule = Rule {
    name: "momentum",
    title: "SGD with momentum",
    reads: &[Hyper::Mu],
    defaults: Hyperparams { mu: 0.9, ..Hyperparams::NONE },
    buffers: 1,
    per_weight_eps: None,
    step_f32: heavy_ball::<f32>,
    step_f64: heavy_ball::<f64>,
};

/// SGD with Nesterov momentum.
pub static NESTEROV: Rule = Rule {
    name: "nesterov",
    title: "Nesterov momentum",
    reads: &[Hyper::Mu],
    defaults: Hyperparams { mu: 0.9, ..Hyperparams::NONE },
    buffers: 1,
    per_weight_eps: None,
    step_f32: nesterov::<f32>,
    step_f64: nesterov::<f64>,
};

fn plain<F: Real>(_: &mut Optimizer<F>, params: &mut [F], grads: &[F], _: &[ParamInfo], lr: f64) {
    let lr = F::of(lr);
    for (p, &g) in params.iter_mut().zip(grads) {
        *p -= lr * g;
    }
}

fn heavy_ball<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], _: &[ParamInfo], lr: f64) {
    let (lr, mu) = (F::of(lr), F::of(o.kind.h.mu));
    for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut o.m) {
        *v = mu * *v + g;
        *p -= lr * *v;
    }
}

fn nesterov<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], _: &[ParamInfo], lr: f64) {
    let (lr, mu) = (F::of(lr), F::of(o.kind.h.mu));
    for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut o.m) {
        *v = mu * *v + g;
        *p -= lr * (g + mu * *v);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::OptimizerKind;
    use super::*;

    #[test]
    fn sgd() {
        let (s1, s2, _) = two_steps(OptimizerKind::of(&SGD));
        close(s1, [0.98, -0.46]);
        close(s2, [0.97, -0.49]);
    }

    #[test]
    fn momentum() {
        // v1 = g1 = (0.2, -0.4); p1 = (0.98, -0.46)
        // v2 = 0.9·v1 + g2 = (0.28, -0.06); p2 = (0.952, -0.454)
        let (s1, s2, _) = two_steps(OptimizerKind::of(&MOMENTUM));
        close(s1, [0.98, -0.46]);
        close(s2, [0.952, -0.454]);
    }

    #[test]
    fn nesterov() {
        // v1 = (0.2, -0.4); step g1 + 0.9·v1 = (0.38, -0.76); p1 = (0.962, -0.424)
        // v2 = (0.28, -0.06); step g2 + 0.9·v2 = (0.352, 0.246); p2 = (0.9268, -0.4486)
        let (s1, s2, _) = two_steps(OptimizerKind::of(&NESTEROV));
        close(s1, [0.962, -0.424]);
        close(s2, [0.9268, -0.4486]);
    }
}
