//! Adam with bias correction, and AdamW: Adam after decoupled weight decay
//! of the weights (not the biases) by `lr·λ·p`.

use super::{decay_weights, Hyper, Hyperparams, Optimizer, Rule};
use crate::math;
use crate::params::ParamInfo;
use crate::scalar::Real;

/// Adam (bias-corrected).
pub static ADAM: Rule = Rule {
    name: "adam",
    title: "Adam",
    reads: &[Hyper::Beta1, Hyper::Beta2, Hyper::Eps],
    defaults: Hyperparams { beta1: 0.9, beta2: 0.999, eps: 1e-8, ..Hyperparams::NONE },
    buffers: 2,
    per_weight_eps: Some(|h| h.eps),
    step_f32: adam::<f32>,
    step_f64: adam::<f64>,
};

/// AdamW: Adam with decoupled weight decay.
pub static ADAMW: Rule = Rule {
    name: "adamw",
    title: "AdamW",
    reads: &[Hyper::Beta1, Hyper::Beta2, Hyper::Eps, Hyper::WeightDecay],
    defaults: Hyperparams { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, ..Hyperparams::NONE },
    buffers: 2,
    per_weight_eps: Some(|h| h.eps),
    step_f32: adamw::<f32>,
    step_f64: adamw::<f64>,
};

fn adamw<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], infos: &[ParamInfo], lr: f64) {
    decay_weights(params, infos, lr, o.kind.h.weight_decay);
    adam(o, params, grads, infos, lr);
}

fn adam<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], _: &[ParamInfo], lr: f64) {
    let h = o.kind.h;
    let t = o.t as f64;
    let bias1 = 1.0 - math::pow(h.beta1, t);
    let bias2 = 1.0 - math::pow(h.beta2, t);
    let (b1, b2, eps) = (F::of(h.beta1), F::of(h.beta2), F::of(h.eps));
    let (c1, c2) = (F::of(1.0 / bias1), F::of(1.0 / bias2));
    let lr = F::of(lr);
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(&mut o.m).zip(&mut o.v) {
        *m = b1 * *m + (F::ONE - b1) * g;
        *v = b2 * *v + (F::ONE - b2) * g * g;
        let m_hat = *m * c1;
        let v_hat = *v * c2;
        *p -= lr * m_hat / (v_hat.sqrt() + eps);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Hyper, OptimizerKind};
    use super::*;

    #[test]
    fn adam() {
        // Step 1: m̂ = g, v̂ = g², so the update is lr·sign(g) (ε = 0).
        let (s1, s2, _) = two_steps(OptimizerKind::of(&ADAM).with(Hyper::Eps, 0.0));
        close(s1, [0.9, -0.4]);
        // Step 2: m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2²,
        // m̂ = m/0.19, v̂ = v/0.001999.
        let upd = |g1: f64, g2: f64| {
            let m = 0.09 * g1 + 0.1 * g2;
            let v = 0.000999 * g1 * g1 + 0.001 * g2 * g2;
            0.1 * (m / 0.19) / (v / 0.001999).sqrt()
        };
        close(s2, [0.9 - upd(0.2, 0.1), -0.4 - upd(-0.4, 0.3)]);
    }

    #[test]
    fn adamw_decays_weights_only() {
        let kind = OptimizerKind::of(&ADAMW).with(Hyper::Eps, 0.0).with(Hyper::WeightDecay, 0.5);
        let (s1, _, _) = two_steps(kind);
        // Weight: 1·(1 − 0.1·0.5) − 0.1 = 0.85; bias: −0.5 + 0.1 = −0.4.
        close(s1, [0.85, -0.4]);
    }
}
