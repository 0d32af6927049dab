//! The dense-layer arithmetic on flat row-major slices, with no allocation.
//!
//! Shapes: `x: [batch, n_in]`, `w: [n_in, n_out]`, `bias: [n_out]`,
//! `y: [batch, n_out]`. The inner loops run over contiguous output columns so
//! that they auto-vectorize (SIMD128 in wasm). Measured: per-op allocation,
//! not arithmetic, is what holds small-network trainers back, so every buffer
//! here is owned by the caller and reused.

use crate::engine::scalar::Real;

/// `y = x · w + bias`.
#[inline]
pub fn dense_forward<F: Real>(x: &[F], w: &[F], bias: &[F], n_in: usize, n_out: usize, y: &mut [F]) {
    for (x_row, y_row) in x.chunks_exact(n_in).zip(y.chunks_exact_mut(n_out)) {
        y_row.copy_from_slice(bias);
        for (&x_k, w_row) in x_row.iter().zip(w.chunks_exact(n_out)) {
            for (y_j, &w_kj) in y_row.iter_mut().zip(w_row) {
                *y_j += x_k * w_kj;
            }
        }
    }
}

/// `dx = dy · wᵀ`.
#[inline]
pub fn dense_backward_input<F: Real>(dy: &[F], w: &[F], n_in: usize, n_out: usize, dx: &mut [F]) {
    for (dy_row, dx_row) in dy.chunks_exact(n_out).zip(dx.chunks_exact_mut(n_in)) {
        for (dx_k, w_row) in dx_row.iter_mut().zip(w.chunks_exact(n_out)) {
            let mut acc = F::ZERO;
            for (&d, &w_kj) in dy_row.iter().zip(w_row) {
                acc += d * w_kj;
            }
            *dx_k = acc;
        }
    }
}

/// `grad_w = xᵀ · dy` and `grad_b = Σ_rows dy` (overwritten, not accumulated).
#[inline]
pub fn dense_backward_params<F: Real>(
    x: &[F],
    dy: &[F],
    n_in: usize,
    n_out: usize,
    grad_w: &mut [F],
    grad_b: &mut [F],
) {
    grad_w.fill(F::ZERO);
    grad_b.fill(F::ZERO);
    for (x_row, dy_row) in x.chunks_exact(n_in).zip(dy.chunks_exact(n_out)) {
        for (g, &d) in grad_b.iter_mut().zip(dy_row) {
            *g += d;
        }
        for (&x_k, gw_row) in x_row.iter().zip(grad_w.chunks_exact_mut(n_out)) {
            for (g, &d) in gw_row.iter_mut().zip(dy_row) {
                *g += x_k * d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // x = [[1, 2], [3, 4]], w = [[1, 0, -1], [2, 1, 0]], b = [0.5, 0, 1]
    const X: [f64; 4] = [1.0, 2.0, 3.0, 4.0];
    const W: [f64; 6] = [1.0, 0.0, -1.0, 2.0, 1.0, 0.0];
    const B: [f64; 3] = [0.5, 0.0, 1.0];

    #[test]
    fn forward_matches_hand_product() {
        let mut y = [0.0; 6];
        dense_forward(&X, &W, &B, 2, 3, &mut y);
        assert_eq!(y, [5.5, 2.0, 0.0, 11.5, 4.0, -2.0]);
    }

    #[test]
    fn backward_matches_hand_products() {
        let dy = [1.0, 0.0, 2.0, -1.0, 1.0, 0.0];
        let mut dx = [0.0; 4];
        dense_backward_input(&dy, &W, 2, 3, &mut dx);
        assert_eq!(dx, [-1.0, 2.0, -1.0, -1.0]);
        let (mut gw, mut gb) = ([9.0; 6], [9.0; 3]);
        dense_backward_params(&X, &dy, 2, 3, &mut gw, &mut gb);
        assert_eq!(gw, [-2.0, 3.0, 2.0, -2.0, 4.0, 4.0]);
        assert_eq!(gb, [0.0, 1.0, 2.0]);
    }
}
