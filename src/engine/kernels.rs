//! The dense-layer arithmetic on flat row-major slices, with no allocation.
//!
//! Shapes: `x: [batch, n_in]`, `w: [n_in, n_out]`, `bias: [n_out]`,
//! `y: [batch, n_out]`. The inner loops run over contiguous output columns so
//! that they auto-vectorize (SIMD128 in wasm). Measured: per-op allocation,
//! not arithmetic, is what holds small-network trainers back, so every buffer
//! here is owned by the caller and reused.

use crate::engine::scalar::Real;

/// Calls `$kernel::<F, N>` for the common small widths (accumulators in
/// registers, loops fully unrolled), else `$generic`. Every variant adds the
/// same terms in the same order, so the result is bit-identical whichever
/// runs: the dispatch is a speed-up, never a change of numbers.
macro_rules! by_width {
    ($n:expr, $kernel:ident, $generic:ident, ($($arg:expr),*)) => {
        match $n {
            1 => $kernel::<F, 1>($($arg),*),
            2 => $kernel::<F, 2>($($arg),*),
            4 => $kernel::<F, 4>($($arg),*),
            8 => $kernel::<F, 8>($($arg),*),
            16 => $kernel::<F, 16>($($arg),*),
            _ => $generic($($arg),*, $n),
        }
    };
}

/// `y = x · w + bias`.
#[inline]
pub fn dense_forward<F: Real>(x: &[F], w: &[F], bias: &[F], n_in: usize, n_out: usize, y: &mut [F]) {
    by_width!(n_out, forward_fixed, forward_any, (x, w, bias, n_in, y))
}

#[inline(always)]
fn forward_fixed<F: Real, const N: usize>(x: &[F], w: &[F], bias: &[F], n_in: usize, y: &mut [F]) {
    let mut b = [F::ZERO; N];
    b.copy_from_slice(&bias[..N]);
    for (x_row, y_row) in x.chunks_exact(n_in).zip(y.chunks_exact_mut(N)) {
        let mut acc = b;
        for (&x_k, w_row) in x_row.iter().zip(w.chunks_exact(N)) {
            for j in 0..N {
                acc[j] += x_k * w_row[j];
            }
        }
        y_row.copy_from_slice(&acc);
    }
}

fn forward_any<F: Real>(x: &[F], w: &[F], bias: &[F], n_in: usize, y: &mut [F], n_out: usize) {
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
    by_width!(n_out, backward_input_fixed, backward_input_any, (dy, w, n_in, dx))
}

#[inline(always)]
fn backward_input_fixed<F: Real, const N: usize>(dy: &[F], w: &[F], n_in: usize, dx: &mut [F]) {
    for (dy_row, dx_row) in dy.chunks_exact(N).zip(dx.chunks_exact_mut(n_in)) {
        for (dx_k, w_row) in dx_row.iter_mut().zip(w.chunks_exact(N)) {
            let mut acc = F::ZERO;
            for j in 0..N {
                acc += dy_row[j] * w_row[j];
            }
            *dx_k = acc;
        }
    }
}

fn backward_input_any<F: Real>(dy: &[F], w: &[F], n_in: usize, dx: &mut [F], n_out: usize) {
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
    by_width!(n_out, backward_params_fixed, backward_params_any, (x, dy, n_in, grad_w, grad_b))
}

#[inline(always)]
fn backward_params_fixed<F: Real, const N: usize>(x: &[F], dy: &[F], n_in: usize, grad_w: &mut [F], grad_b: &mut [F]) {
    for (x_row, dy_row) in x.chunks_exact(n_in).zip(dy.chunks_exact(N)) {
        for j in 0..N {
            grad_b[j] += dy_row[j];
        }
        for (&x_k, gw_row) in x_row.iter().zip(grad_w.chunks_exact_mut(N)) {
            for j in 0..N {
                gw_row[j] += x_k * dy_row[j];
            }
        }
    }
}

fn backward_params_any<F: Real>(x: &[F], dy: &[F], n_in: usize, grad_w: &mut [F], grad_b: &mut [F], n_out: usize) {
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

    #[test]
    fn fixed_width_kernels_are_bit_identical_to_the_generic_ones() {
        use crate::engine::rng::{Rng, Stream, Uniform01};
        let mut rng = Rng::new(4, Stream::Probe);
        for n_out in [1, 2, 4, 8, 16] {
            let (b, n_in) = (5, 7);
            let mut draw = |n: usize| (0..n).map(|_| rng.normal() as f32).collect::<Vec<f32>>();
            let (x, w, bias, dy) = (draw(b * n_in), draw(n_in * n_out), draw(n_out), draw(b * n_out));
            let (mut y1, mut y2) = (vec![0.0; b * n_out], vec![0.0; b * n_out]);
            dense_forward(&x, &w, &bias, n_in, n_out, &mut y1);
            forward_any(&x, &w, &bias, n_in, &mut y2, n_out);
            assert_eq!(y1, y2);
            let (mut d1, mut d2) = (vec![0.0; b * n_in], vec![0.0; b * n_in]);
            dense_backward_input(&dy, &w, n_in, n_out, &mut d1);
            backward_input_any(&dy, &w, n_in, &mut d2, n_out);
            assert_eq!(d1, d2);
            let (mut g1, mut gb1) = (vec![0.0; n_in * n_out], vec![0.0; n_out]);
            let (mut g2, mut gb2) = (vec![0.0; n_in * n_out], vec![0.0; n_out]);
            dense_backward_params(&x, &dy, n_in, n_out, &mut g1, &mut gb1);
            backward_params_any(&x, &dy, n_in, &mut g2, &mut gb2, n_out);
            assert_eq!((g1, gb1), (g2, gb2));
        }
    }
}
