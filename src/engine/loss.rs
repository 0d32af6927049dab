//! Losses on the network's outputs, numerically stable, with their gradients.
//!
//! `out: [batch, n_out]` are the model outputs (logits for the cross-entropy
//! and focal losses), `target: [batch, n_out]` the encoded targets (±1 or 0/1
//! for one output, one-hot rows for several). Each function returns the
//! **mean** loss over the batch and, if asked, writes `d(mean loss)/d out`.
//! L1/L2 penalties are computed apart ([`penalty`]) so that the data loss can
//! be reported and gradient-checked on its own.

use crate::named::Named;
use crate::scalar::Real;

/// Training losses.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LossKind {
    /// Half squared error ½(o − t)², averaged (TF Playground's convention).
    Mse,
    /// Binary cross-entropy on one logit.
    Bce,
    /// Softmax cross-entropy on C logits.
    SoftmaxCe,
    /// Focal loss (Lin et al.) with focusing γ and class weight α.
    Focal {
        /// Focusing parameter γ ≥ 0.
        gamma: f64,
        /// Weight of the positive class α in [0, 1].
        alpha: f64,
    },
}

impl Named for LossKind {
    const VARIANTS: &'static [Self] =
        &[LossKind::Mse, LossKind::Bce, LossKind::SoftmaxCe, LossKind::Focal { gamma: 2.0, alpha: 0.25 }];

    fn name(self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Bce => "bce",
            LossKind::SoftmaxCe => "softmax",
            LossKind::Focal { .. } => "focal",
        }
    }
}

/// Mean loss over the batch; writes `d(mean)/d out` into `grad` when given.
pub fn loss_and_grad<F: Real>(kind: LossKind, out: &[F], target: &[F], n_out: usize, grad: Option<&mut [F]>) -> f64 {
    let batch = out.len() / n_out.max(1);
    if batch == 0 {
        return 0.0;
    }
    let inv_b = 1.0 / batch as f64;
    let mut grad = grad;
    let mut total = 0.0;
    for (r, (o, t)) in out.chunks_exact(n_out).zip(target.chunks_exact(n_out)).enumerate() {
        let g = grad.as_deref_mut().map(|g| &mut g[r * n_out..(r + 1) * n_out]);
        total += match kind {
            LossKind::Mse => half_squared_error(o, t, g),
            LossKind::Bce => binary_cross_entropy(o, t, g),
            LossKind::SoftmaxCe => softmax_cross_entropy(o, t, g),
            LossKind::Focal { gamma, alpha } if n_out == 1 => binary_focal(o[0], t[0], gamma, alpha, g),
            LossKind::Focal { gamma, .. } => softmax_focal(o, t, gamma, g),
        };
    }
    if let Some(g) = grad {
        let s = F::of(inv_b);
        g.iter_mut().for_each(|v| *v *= s);
    }
    total * inv_b
}

/// ½ Σ (o − t)²; gradient o − t.
fn half_squared_error<F: Real>(o: &[F], t: &[F], g: Option<&mut [F]>) -> f64 {
    let mut l = 0.0;
    for (&o_j, &t_j) in o.iter().zip(t) {
        let d = (o_j - t_j).f64();
        l += 0.5 * d * d;
    }
    if let Some(g) = g {
        for ((g_j, &o_j), &t_j) in g.iter_mut().zip(o).zip(t) {
            *g_j = o_j - t_j;
        }
    }
    l
}

/// Σ_j max(z,0) − z·y + ln(1 + e^−|z|) per logit; gradient σ(z) − y.
fn binary_cross_entropy<F: Real>(z: &[F], y: &[F], g: Option<&mut [F]>) -> f64 {
    let mut l = 0.0;
    for (&z_j, &y_j) in z.iter().zip(y) {
        l += (z_j.softplus() - z_j * y_j).f64();
    }
    if let Some(g) = g {
        for ((g_j, &z_j), &y_j) in g.iter_mut().zip(z).zip(y) {
            *g_j = z_j.sigmoid() - y_j;
        }
    }
    l
}

/// log-softmax with the max subtracted; returns (max, ln Σ e^(z − max)).
fn log_sum_exp<F: Real>(z: &[F]) -> (F, F) {
    let m = z.iter().copied().fold(z[0], F::max);
    let s: F = z.iter().map(|&v| (v - m).exp()).sum();
    (m, s.ln())
}

/// −Σ y_j log softmax(z)_j; gradient softmax(z) − y.
fn softmax_cross_entropy<F: Real>(z: &[F], y: &[F], g: Option<&mut [F]>) -> f64 {
    let (m, lse) = log_sum_exp(z);
    let l: f64 = z.iter().zip(y).map(|(&z_j, &y_j)| -(y_j * (z_j - m - lse)).f64()).sum();
    if let Some(g) = g {
        for ((g_j, &z_j), &y_j) in g.iter_mut().zip(z).zip(y) {
            *g_j = (z_j - m - lse).exp() - y_j;
        }
    }
    l
}

/// Binary focal loss on one logit z with target y ∈ {0, 1}:
/// FL = −α_t (1 − p_t)^γ ln p_t with p_t = σ(s), s = z if y = 1 else −z.
/// dFL/ds = α_t (1 − p_t)^γ (γ p_t ln p_t − (1 − p_t)).
fn binary_focal<F: Real>(z: F, y: F, gamma: f64, alpha: f64, g: Option<&mut [F]>) -> f64 {
    let positive = y.f64() > 0.5;
    let s = if positive { z.f64() } else { -z.f64() };
    let alpha_t = if positive { alpha } else { 1.0 - alpha };
    let ln_pt = -Real::softplus(-s);
    let p_t = Real::sigmoid(s);
    let one_minus = Real::sigmoid(-s);
    let w = pow_or_one(one_minus, gamma);
    if let Some(g) = g {
        let d_ds = alpha_t * w * (gamma * p_t * ln_pt - one_minus);
        g[0] = F::of(if positive { d_ds } else { -d_ds });
    }
    -alpha_t * w * ln_pt
}

/// Softmax focal loss: FL = −(1 − p_y)^γ ln p_y;
/// dFL/dz_j = (δ_yj − p_j)·(γ (1 − p_y)^(γ−1) p_y ln p_y − (1 − p_y)^γ).
fn softmax_focal<F: Real>(z: &[F], y: &[F], gamma: f64, g: Option<&mut [F]>) -> f64 {
    let (m, lse) = log_sum_exp(z);
    let class = y.iter().position(|&v| v.f64() > 0.5).unwrap_or(0);
    let ln_py = (z[class] - m - lse).f64();
    let p_y = crate::math::exp(ln_py);
    let q = 1.0 - p_y;
    if let Some(g) = g {
        // (1 − p_y)^(γ−1)·p_y·ln p_y → 0 as p_y → 1 for γ > 0.
        let first = if q > 0.0 { gamma * pow_or_one(q, gamma - 1.0) * p_y * ln_py } else { 0.0 };
        let factor = first - pow_or_one(q, gamma);
        for (j, (g_j, &z_j)) in g.iter_mut().zip(z).enumerate() {
            let p_j = (z_j - m - lse).exp().f64();
            let delta = if j == class { 1.0 } else { 0.0 };
            *g_j = F::of((delta - p_j) * factor);
        }
    }
    -pow_or_one(q, gamma) * ln_py
}

/// x^γ with 0^0 = 1.
fn pow_or_one(x: f64, gamma: f64) -> f64 {
    if gamma == 0.0 {
        1.0
    } else {
        crate::math::pow(x, gamma)
    }
}

/// The L1 and L2 penalties of a set of weights: (λ1 Σ|w|, ½ λ2 Σ w²).
pub fn penalty<F: Real>(weights: &[F], l1: f64, l2: f64) -> (f64, f64) {
    if l1 == 0.0 && l2 == 0.0 {
        return (0.0, 0.0);
    }
    let (mut a, mut s) = (0.0, 0.0);
    for &w in weights {
        let w = w.f64();
        a += w.abs();
        s += w * w;
    }
    (l1 * a, 0.5 * l2 * s)
}

/// Adds the penalties' gradient λ1·sign(w) + λ2·w to `grad`.
pub fn add_penalty_grad<F: Real>(weights: &[F], grad: &mut [F], l1: f64, l2: f64) {
    if l1 == 0.0 && l2 == 0.0 {
        return;
    }
    let (l1, l2) = (F::of(l1), F::of(l2));
    for (g, &w) in grad.iter_mut().zip(weights) {
        let sign = if w > F::ZERO {
            F::ONE
        } else if w < F::ZERO {
            -F::ONE
        } else {
            F::ZERO
        };
        *g += l1 * sign + l2 * w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_grad(kind: LossKind, out: &[f64], target: &[f64], n_out: usize) -> Vec<f64> {
        let h = 1e-6;
        (0..out.len())
            .map(|i| {
                let mut p = out.to_vec();
                p[i] += h;
                let lp = loss_and_grad(kind, &p, target, n_out, None);
                p[i] -= 2.0 * h;
                let lm = loss_and_grad(kind, &p, target, n_out, None);
                (lp - lm) / (2.0 * h)
            })
            .collect()
    }

    fn assert_grad_matches(kind: LossKind, out: &[f64], target: &[f64], n_out: usize) {
        let mut g = vec![0.0; out.len()];
        loss_and_grad(kind, out, target, n_out, Some(&mut g));
        let n = numeric_grad(kind, out, target, n_out);
        for (a, b) in g.iter().zip(&n) {
            let rel = (a - b).abs() / a.abs().max(b.abs()).max(1e-12);
            assert!(rel < 1e-6, "{kind:?}: analytic {a} numeric {b}");
        }
    }

    #[test]
    fn every_loss_gradient_matches_central_differences() {
        let out2 = [0.3, -1.2, 2.0, 0.7];
        let bin = [1.0, 0.0, 0.0, 1.0];
        let pm = [1.0, -1.0, -1.0, 1.0];
        assert_grad_matches(LossKind::Mse, &out2, &pm, 1);
        assert_grad_matches(LossKind::Bce, &out2, &bin, 1);
        assert_grad_matches(LossKind::Focal { gamma: 2.0, alpha: 0.25 }, &out2, &bin, 1);
        assert_grad_matches(LossKind::Focal { gamma: 0.5, alpha: 0.6 }, &out2, &bin, 1);
        let logits = [0.2, -0.5, 1.5, 0.1, 0.0, -2.0];
        let onehot = [0.0, 0.0, 1.0, 1.0, 0.0, 0.0];
        assert_grad_matches(LossKind::SoftmaxCe, &logits, &onehot, 3);
        assert_grad_matches(LossKind::Focal { gamma: 2.0, alpha: 0.25 }, &logits, &onehot, 3);
        assert_grad_matches(LossKind::Focal { gamma: 0.7, alpha: 0.25 }, &logits, &onehot, 3);
    }

    #[test]
    fn hand_values() {
        // ½(0.5 − 1)² = 0.125
        assert!((loss_and_grad(LossKind::Mse, &[0.5], &[1.0], 1, None) - 0.125).abs() < 1e-15);
        // BCE at z = 0 is ln 2.
        let l = loss_and_grad(LossKind::Bce, &[0.0f64], &[1.0], 1, None);
        assert!((l - std::f64::consts::LN_2).abs() < 1e-15);
        // Uniform softmax over 10 classes is ln 10.
        let z = [0.0f64; 10];
        let mut y = [0.0; 10];
        y[3] = 1.0;
        assert!((loss_and_grad(LossKind::SoftmaxCe, &z, &y, 10, None) - crate::math::ln(10.0)).abs() < 1e-14);
        // Focal with γ = 0, α = 0.5 is half the BCE.
        let f = loss_and_grad(LossKind::Focal { gamma: 0.0, alpha: 0.5 }, &[0.8f64], &[1.0], 1, None);
        let b = loss_and_grad(LossKind::Bce, &[0.8f64], &[1.0], 1, None);
        assert!((f - 0.5 * b).abs() < 1e-15);
    }

    #[test]
    fn logit_losses_are_stable_at_extreme_logits() {
        let l = loss_and_grad(LossKind::Bce, &[1000.0f32, -1000.0], &[0.0, 1.0], 1, None);
        assert!((l - 1000.0).abs() < 1e-3);
        let l = loss_and_grad(LossKind::SoftmaxCe, &[1000.0f32, -1000.0], &[0.0, 1.0], 2, None);
        assert!((l - 2000.0).abs() < 1e-2);
        let l = loss_and_grad(LossKind::Focal { gamma: 2.0, alpha: 0.25 }, &[-500.0f64], &[1.0], 1, None);
        assert!(l.is_finite() && l > 100.0);
    }

    #[test]
    fn penalties_and_their_gradient() {
        let w = [1.0, -2.0, 0.0];
        let (p1, p2) = penalty(&w, 0.1, 0.01);
        assert!((p1 - 0.3).abs() < 1e-15);
        assert!((p2 - 0.025).abs() < 1e-15);
        let mut g = [0.0; 3];
        add_penalty_grad(&w, &mut g, 0.1, 0.01);
        let want = [0.1 + 0.01, -0.1 - 0.02, 0.0];
        assert!(g.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-15), "{g:?}");
    }
}
