//! RMSProp: `s = ρs + (1−ρ)g²; p −= lr·g/(√s + ε)`.

use super::{Hyper, Hyperparams, Optimizer, Rule};
use crate::params::ParamInfo;
use crate::scalar::Real;

/// RMSProp.
pub static RMSPROP: Rule = Rule {
    name: "rmsprop",
    title: "RMSProp",
    reads: &[Hyper::Rho, Hyper::Eps],
    defaults: Hyperparams { rho: 0.9, eps: 1e-8, ..Hyperparams::NONE },
    buffers: 1,
    per_weight_eps: Some(|h| h.eps),
    step_f32: update::<f32>,
    step_f64: update::<f64>,
};

fn update<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], _: &[ParamInfo], lr: f64) {
    let (lr, rho, eps) = (F::of(lr), F::of(o.kind.h.rho), F::of(o.kind.h.eps));
    for ((p, &g), s) in params.iter_mut().zip(grads).zip(&mut o.m) {
        *s = rho * *s + (F::ONE - rho) * g * g;
        *p -= lr * g / (s.sqrt() + eps);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Hyper, OptimizerKind};
    use super::*;

    #[test]
    fn rmsprop() {
        // s1 = 0.1·g1² = (0.004, 0.016); p1 = p0 − 0.1·g1/√s1 (ε = 0)
        //    = (1 − 0.1·0.2/0.0632456, −0.5 + 0.1·0.4/0.126491)
        let (s1, s2, _) = two_steps(OptimizerKind::of(&RMSPROP).with(Hyper::Eps, 0.0));
        let p1 = [1.0 - 0.02 / 0.004f64.sqrt(), -0.5 + 0.04 / 0.016f64.sqrt()];
        close(s1, p1);
        // s2 = 0.9·s1 + 0.1·g2² = (0.0046, 0.0234)
        let p2 = [p1[0] - 0.01 / 0.0046f64.sqrt(), p1[1] - 0.03 / 0.0234f64.sqrt()];
        close(s2, p2);
    }
}
