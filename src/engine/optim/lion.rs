//! Lion (Chen et al. 2023, "Symbolic Discovery of Optimization
//! Algorithms"): the sign of an interpolated momentum, with decoupled
//! weight decay.
//!
//! ```text
//! c = β1·m + (1 − β1)·g          interpolation of momentum and gradient
//! p = p·(1 − lr·λ) − lr·sign(c)   (the decay on weights, not biases)
//! m = β2·m + (1 − β2)·g          the momentum, with its own decay
//! ```
//!
//! Every weight moves by exactly the learning rate (plus the decay), so
//! Lion wants a learning rate 3–10× smaller than Adam's.

use super::{decay_weights, Hyper, Hyperparams, Optimizer, Rule};
use crate::params::ParamInfo;
use crate::scalar::Real;

/// Lion, with the paper's β1 = 0.9, β2 = 0.99.
pub static LION: Rule = Rule {
    name: "lion",
    title: "Lion",
    reads: &[Hyper::Beta1, Hyper::Beta2, Hyper::WeightDecay],
    defaults: Hyperparams { beta1: 0.9, beta2: 0.99, weight_decay: 0.01, ..Hyperparams::NONE },
    buffers: 1,
    // A sign step: lr per weight whenever the interpolation is non-zero.
    per_weight_eps: Some(|_| f64::MIN_POSITIVE),
    step_f32: update::<f32>,
    step_f64: update::<f64>,
};

fn update<F: Real>(o: &mut Optimizer<F>, params: &mut [F], grads: &[F], infos: &[ParamInfo], lr: f64) {
    let h = o.kind.h;
    decay_weights(params, infos, lr, h.weight_decay);
    let (b1, b2, lr) = (F::of(h.beta1), F::of(h.beta2), F::of(lr));
    for ((p, &g), m) in params.iter_mut().zip(grads).zip(&mut o.m) {
        let c = b1 * *m + (F::ONE - b1) * g;
        *p -= lr * sign(c);
        *m = b2 * *m + (F::ONE - b2) * g;
    }
}

/// −1, 0 or 1.
fn sign<F: Real>(x: F) -> F {
    if x > F::ZERO {
        F::ONE
    } else if x < F::ZERO {
        -F::ONE
    } else {
        F::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::OptimizerKind;
    use super::*;

    /// Two steps worked by hand: weight w = 1, bias b = −0.5, lr = 0.1,
    /// β1 = 0.9, β2 = 0.99, λ = 0.01.
    #[test]
    fn two_steps_by_hand() {
        let (s1, s2, opt) = two_steps(OptimizerKind::of(&LION));
        // Step 1: m = 0, so c = 0.1·g1 = (0.02, −0.04), signs (+, −).
        //   w = 1·(1 − 0.1·0.01) − 0.1 = 0.899;  b = −0.5 + 0.1 = −0.4
        //   m = 0.01·g1 = (0.002, −0.004)
        close(s1, [0.899, -0.4]);
        // Step 2: c = 0.9·m + 0.1·g2 = (0.0118, 0.0264): the bias's sign
        //   flips to + although its momentum is still negative.
        //   w = 0.899·0.999 − 0.1 = 0.798101;  b = −0.4 − 0.1 = −0.5
        //   m = 0.99·m + 0.01·g2 = (0.00298, −0.00096)
        close(s2, [0.798101, -0.5]);
        close([opt.m[0], opt.m[1]], [0.00298, -0.00096]);
        assert!(opt.v.is_empty(), "one state buffer");
    }
}
