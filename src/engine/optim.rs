//! Optimizers, each owning its state, over the flat parameter vector.
//!
//! One call of [`Optimizer::step`] applies one update with learning rate `lr`
//! (from the schedule). Changing the learning rate between calls keeps the
//! state (momentum buffers, Adam moments and step count). Conventions follow
//! PyTorch: heavy-ball momentum `v = μv + g; p −= lr·v`; Nesterov
//! `v = μv + g; p −= lr·(g + μv)`; RMSProp `s = ρs + (1−ρ)g²;
//! p −= lr·g/(√s + ε)`; Adam with bias correction; AdamW decays weights
//! (not biases) by `lr·λ·p` before the Adam step.

use crate::engine::config::OptimizerKind;
use crate::engine::math;
use crate::engine::model::ParamInfo;
use crate::engine::scalar::Real;

/// An optimizer and its state.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Optimizer<F> {
    /// Kind and hyperparameters.
    pub kind: OptimizerKind,
    /// First state buffer: velocity, squared-gradient average or Adam's m.
    pub m: Vec<F>,
    /// Second state buffer: Adam's v (empty otherwise).
    pub v: Vec<F>,
    /// Updates applied so far (Adam's t).
    pub t: u64,
}

impl<F: Real> Optimizer<F> {
    /// A fresh optimizer for `n` parameters.
    pub fn new(kind: OptimizerKind, n: usize) -> Self {
        let (m, v) = match kind {
            OptimizerKind::Sgd => (0, 0),
            OptimizerKind::Momentum { .. } | OptimizerKind::Nesterov { .. } | OptimizerKind::RmsProp { .. } => (n, 0),
            OptimizerKind::Adam { .. } | OptimizerKind::AdamW { .. } => (n, n),
        };
        Self { kind, m: vec![F::ZERO; m], v: vec![F::ZERO; v], t: 0 }
    }

    /// Applies one update to `params` from `grads`.
    pub fn step(&mut self, params: &mut [F], grads: &[F], infos: &[ParamInfo], lr: f64) {
        self.t += 1;
        let lr_f = F::of(lr);
        match self.kind {
            OptimizerKind::Sgd => {
                for (p, &g) in params.iter_mut().zip(grads) {
                    *p -= lr_f * g;
                }
            }
            OptimizerKind::Momentum { mu } => {
                let mu = F::of(mu);
                for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut self.m) {
                    *v = mu * *v + g;
                    *p -= lr_f * *v;
                }
            }
            OptimizerKind::Nesterov { mu } => {
                let mu = F::of(mu);
                for ((p, &g), v) in params.iter_mut().zip(grads).zip(&mut self.m) {
                    *v = mu * *v + g;
                    *p -= lr_f * (g + mu * *v);
                }
            }
            OptimizerKind::RmsProp { rho, eps } => {
                let (rho, eps) = (F::of(rho), F::of(eps));
                for ((p, &g), s) in params.iter_mut().zip(grads).zip(&mut self.m) {
                    *s = rho * *s + (F::ONE - rho) * g * g;
                    *p -= lr_f * g / (s.sqrt() + eps);
                }
            }
            OptimizerKind::Adam { beta1, beta2, eps } => self.adam(params, grads, lr, beta1, beta2, eps),
            OptimizerKind::AdamW { beta1, beta2, eps, weight_decay } => {
                let decay = F::ONE - F::of(lr * weight_decay);
                for info in infos.iter().filter(|i| i.decays()) {
                    params[info.range()].iter_mut().for_each(|p| *p *= decay);
                }
                self.adam(params, grads, lr, beta1, beta2, eps);
            }
        }
    }

    fn adam(&mut self, params: &mut [F], grads: &[F], lr: f64, beta1: f64, beta2: f64, eps: f64) {
        let t = self.t as f64;
        let bias1 = 1.0 - math::pow(beta1, t);
        let bias2 = 1.0 - math::pow(beta2, t);
        let (b1, b2, eps) = (F::of(beta1), F::of(beta2), F::of(eps));
        let (c1, c2) = (F::of(1.0 / bias1), F::of(1.0 / bias2));
        let lr = F::of(lr);
        for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(&mut self.m).zip(&mut self.v) {
            *m = b1 * *m + (F::ONE - b1) * g;
            *v = b2 * *v + (F::ONE - b2) * g * g;
            let m_hat = *m * c1;
            let v_hat = *v * c2;
            *p -= lr * m_hat / (v_hat.sqrt() + eps);
        }
    }

    /// The state buffers, for the non-finite sentinel.
    pub fn state(&self) -> [&[F]; 2] {
        [&self.m, &self.v]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::ParamKind;

    // One weight p = 1.0 and one bias q = -0.5; gradients g1 = (0.2, -0.4),
    // g2 = (0.1, 0.3); lr = 0.1. Expected values worked by hand below.
    const P0: [f64; 2] = [1.0, -0.5];
    const G1: [f64; 2] = [0.2, -0.4];
    const G2: [f64; 2] = [0.1, 0.3];

    fn infos() -> Vec<ParamInfo> {
        vec![
            ParamInfo { layer: 0, kind: ParamKind::Weight, offset: 0, shape: (1, 1) },
            ParamInfo { layer: 0, kind: ParamKind::Bias, offset: 1, shape: (1, 1) },
        ]
    }

    fn two_steps(kind: OptimizerKind) -> ([f64; 2], [f64; 2]) {
        let mut opt = Optimizer::<f64>::new(kind, 2);
        let mut p = P0;
        opt.step(&mut p, &G1, &infos(), 0.1);
        let after1 = p;
        opt.step(&mut p, &G2, &infos(), 0.1);
        (after1, p)
    }

    fn close(a: [f64; 2], b: [f64; 2]) {
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn sgd() {
        let (s1, s2) = two_steps(OptimizerKind::Sgd);
        close(s1, [0.98, -0.46]);
        close(s2, [0.97, -0.49]);
    }

    #[test]
    fn momentum() {
        // v1 = g1 = (0.2, -0.4); p1 = (0.98, -0.46)
        // v2 = 0.9·v1 + g2 = (0.28, -0.06); p2 = (0.952, -0.454)
        let (s1, s2) = two_steps(OptimizerKind::Momentum { mu: 0.9 });
        close(s1, [0.98, -0.46]);
        close(s2, [0.952, -0.454]);
    }

    #[test]
    fn nesterov() {
        // v1 = (0.2, -0.4); step g1 + 0.9·v1 = (0.38, -0.76); p1 = (0.962, -0.424)
        // v2 = (0.28, -0.06); step g2 + 0.9·v2 = (0.352, 0.246); p2 = (0.9268, -0.4486)
        let (s1, s2) = two_steps(OptimizerKind::Nesterov { mu: 0.9 });
        close(s1, [0.962, -0.424]);
        close(s2, [0.9268, -0.4486]);
    }

    #[test]
    fn rmsprop() {
        // s1 = 0.1·g1² = (0.004, 0.016); p1 = p0 − 0.1·g1/√s1 (ε = 0)
        //    = (1 − 0.1·0.2/0.0632456, −0.5 + 0.1·0.4/0.126491)
        let (s1, s2) = two_steps(OptimizerKind::RmsProp { rho: 0.9, eps: 0.0 });
        let p1 = [1.0 - 0.02 / 0.004f64.sqrt(), -0.5 + 0.04 / 0.016f64.sqrt()];
        close(s1, p1);
        // s2 = 0.9·s1 + 0.1·g2² = (0.0046, 0.0234)
        let p2 = [p1[0] - 0.01 / 0.0046f64.sqrt(), p1[1] - 0.03 / 0.0234f64.sqrt()];
        close(s2, p2);
    }

    #[test]
    fn adam() {
        // Step 1: m̂ = g, v̂ = g², so the update is lr·sign(g) (ε = 0).
        let (s1, s2) = two_steps(OptimizerKind::Adam { beta1: 0.9, beta2: 0.999, eps: 0.0 });
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
        let kind = OptimizerKind::AdamW { beta1: 0.9, beta2: 0.999, eps: 0.0, weight_decay: 0.5 };
        let (s1, _) = two_steps(kind);
        // Weight: 1·(1 − 0.1·0.5) − 0.1 = 0.85; bias: −0.5 + 0.1 = −0.4.
        close(s1, [0.85, -0.4]);
    }

    #[test]
    fn changing_lr_keeps_state() {
        let mut opt = Optimizer::<f64>::new(OptimizerKind::Momentum { mu: 0.9 }, 2);
        let mut p = P0;
        opt.step(&mut p, &G1, &infos(), 0.1);
        opt.step(&mut p, &G2, &infos(), 0.01);
        // v2 = (0.28, -0.06); p2 = p1 − 0.01·v2
        close(p, [0.98 - 0.0028, -0.46 + 0.0006]);
    }
}
