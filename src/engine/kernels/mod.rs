//! The dense-layer arithmetic on flat row-major slices, with no allocation
//! beyond a caller-owned scratch buffer.
//!
//! Shapes: `x: [batch, n_in]`, `w: [n_in, n_out]`, `bias: [n_out]`,
//! `y: [batch, n_out]`. Measured: per-op allocation, not arithmetic, is what
//! holds small-network trainers back, so every buffer here is owned by the
//! caller and reused.
//!
//! All three products run through the register-blocked tiles of [`tile`]:
//! a tile of 4 rows × 16 (or 8, 4, 2, 1) columns keeps its accumulators in
//! registers, so each weight segment loaded serves 4 rows and the columns
//! fill SIMD lanes.
//! `dx = dy · wᵀ` would read `w` across its rows (no SIMD); it multiplies by
//! a transposed copy of `w` instead, which costs one pass over `w` per
//! batch. Every output is still the same sum in the same order as the plain
//! loops ([`reference`] in the tests), so the numbers are bit-identical.

pub mod tanh;
mod tile;

use crate::scalar::Real;
use tile::{outer_sum_tile, over_col_tiles, product_tile, ROWS};

/// `y = a · b (+ init)` for `a: [rows, n_k]`, `b: [n_k, n_out]`: blocks of
/// [`ROWS`] rows, then the remaining rows one by one.
fn product<F: Real>(a: &[F], b: &[F], init: Option<&[F]>, n_k: usize, n_out: usize, y: &mut [F]) {
    let mut a_blocks = a.chunks_exact(ROWS * n_k);
    let mut y_blocks = y.chunks_exact_mut(ROWS * n_out);
    for (a_rows, y_rows) in (&mut a_blocks).zip(&mut y_blocks) {
        over_col_tiles!(n_out, ROWS, product_tile, (a_rows, b, init, n_k, n_out, y_rows));
    }
    let rest = a_blocks.remainder().chunks_exact(n_k).zip(y_blocks.into_remainder().chunks_exact_mut(n_out));
    for (a_row, y_row) in rest {
        over_col_tiles!(n_out, 1, product_tile, (a_row, b, init, n_k, n_out, y_row));
    }
}

/// `y = x · w + bias`.
#[inline]
pub fn dense_forward<F: Real>(x: &[F], w: &[F], bias: &[F], n_in: usize, n_out: usize, y: &mut [F]) {
    product(x, w, Some(bias), n_in, n_out, y);
}

/// `dx = dy · wᵀ`, through `w_t`, a scratch buffer that receives `wᵀ`.
#[inline]
pub fn dense_backward_input<F: Real>(dy: &[F], w: &[F], n_in: usize, n_out: usize, dx: &mut [F], w_t: &mut Vec<F>) {
    transpose(w, n_in, n_out, w_t);
    product(dy, w_t, None, n_out, n_in, dx);
}

/// `m_t = mᵀ` for `m: [rows, cols]` (buffer reused).
fn transpose<F: Real>(m: &[F], rows: usize, cols: usize, m_t: &mut Vec<F>) {
    m_t.clear();
    for j in 0..cols {
        m_t.extend(m.iter().skip(j).step_by(cols).take(rows));
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
    let mut k0 = 0;
    while k0 + ROWS <= n_in {
        over_col_tiles!(n_out, ROWS, outer_sum_tile, (x, dy, n_in, n_out, k0, grad_w));
        k0 += ROWS;
    }
    for k in k0..n_in {
        over_col_tiles!(n_out, 1, outer_sum_tile, (x, dy, n_in, n_out, k, grad_w));
    }
    grad_b.fill(F::ZERO);
    for dy_row in dy.chunks_exact(n_out) {
        for (g, &d) in grad_b.iter_mut().zip(dy_row) {
            *g += d;
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
        dense_backward_input(&dy, &W, 2, 3, &mut dx, &mut Vec::new());
        assert_eq!(dx, [-1.0, 2.0, -1.0, -1.0]);
        let (mut gw, mut gb) = ([9.0; 6], [9.0; 3]);
        dense_backward_params(&X, &dy, 2, 3, &mut gw, &mut gb);
        assert_eq!(gw, [-2.0, 3.0, 2.0, -2.0, 4.0, 4.0]);
        assert_eq!(gb, [0.0, 1.0, 2.0]);
    }

    #[test]
    fn transpose_swaps_rows_and_columns() {
        let mut t = vec![7.0; 1];
        transpose(&W, 2, 3, &mut t);
        assert_eq!(t, [1.0, 2.0, 0.0, 1.0, -1.0, 0.0]);
    }

    /// The plain loops the tiles replace: one output at a time, its terms
    /// added in index order (what the kernels computed before blocking).
    mod reference {
        pub fn forward(x: &[f32], w: &[f32], bias: &[f32], n_in: usize, n_out: usize) -> Vec<f32> {
            let mut y = Vec::new();
            for x_row in x.chunks_exact(n_in) {
                for j in 0..n_out {
                    let mut acc = bias[j];
                    for k in 0..n_in {
                        acc += x_row[k] * w[k * n_out + j];
                    }
                    y.push(acc);
                }
            }
            y
        }

        pub fn backward_input(dy: &[f32], w: &[f32], n_out: usize) -> Vec<f32> {
            let mut dx = Vec::new();
            for dy_row in dy.chunks_exact(n_out) {
                for w_row in w.chunks_exact(n_out) {
                    let mut acc = 0.0;
                    for j in 0..n_out {
                        acc += dy_row[j] * w_row[j];
                    }
                    dx.push(acc);
                }
            }
            dx
        }

        pub fn backward_w(x: &[f32], dy: &[f32], n_in: usize, n_out: usize) -> Vec<f32> {
            let batch = dy.len() / n_out;
            let mut g = Vec::new();
            for k in 0..n_in {
                for j in 0..n_out {
                    let mut acc = 0.0;
                    for r in 0..batch {
                        acc += x[r * n_in + k] * dy[r * n_out + j];
                    }
                    g.push(acc);
                }
            }
            g
        }
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn tiled_kernels_are_bit_identical_to_the_plain_loops_for_every_remainder() {
        use crate::rng::{Rng, Stream, Uniform01};
        let mut rng = Rng::new(4, Stream::Probe);
        // Widths and batches around the tile sizes (4 rows, 8/4/2/1 columns),
        // plus W3's 64 → 128 → 64 → 10; values spanning magnitudes so that
        // any change of summation order would round differently.
        let shapes = (1..=11).flat_map(|n| [(n, 1, 13), (3, n, 5), (n + 4, 9, n), (n, 17, 2)]);
        let shapes = shapes.chain([(32, 64, 128), (32, 128, 64), (32, 64, 10), (1, 5, 1)]);
        let mut order_mattered = false;
        for (batch, n_in, n_out) in shapes {
            let mut draw = |n: usize| {
                (0..n).map(|_| (rng.normal() * crate::math::pow(10.0, rng.normal())) as f32).collect::<Vec<f32>>()
            };
            let (x, w, bias, dy) = (draw(batch * n_in), draw(n_in * n_out), draw(n_out), draw(batch * n_out));
            let mut y = vec![f32::NAN; batch * n_out];
            dense_forward(&x, &w, &bias, n_in, n_out, &mut y);
            assert_eq!(bits(&y), bits(&reference::forward(&x, &w, &bias, n_in, n_out)), "y {batch}×{n_in}→{n_out}");
            // The same terms summed over k backwards: the data are such that
            // the order shows in the bits (so the comparisons above can fail).
            let w_rev: Vec<f32> = w.chunks_exact(n_out).rev().flatten().copied().collect();
            let x_rev: Vec<f32> = x.chunks_exact(n_in).flat_map(|r| r.iter().rev()).copied().collect();
            order_mattered |= bits(&y) != bits(&reference::forward(&x_rev, &w_rev, &bias, n_in, n_out));
            let mut dx = vec![f32::NAN; batch * n_in];
            dense_backward_input(&dy, &w, n_in, n_out, &mut dx, &mut Vec::new());
            assert_eq!(bits(&dx), bits(&reference::backward_input(&dy, &w, n_out)), "dx {batch}×{n_in}→{n_out}");
            let (mut gw, mut gb) = (vec![f32::NAN; n_in * n_out], vec![f32::NAN; n_out]);
            dense_backward_params(&x, &dy, n_in, n_out, &mut gw, &mut gb);
            assert_eq!(bits(&gw), bits(&reference::backward_w(&x, &dy, n_in, n_out)), "dW {batch}×{n_in}→{n_out}");
            let want_b =
                (0..n_out).map(|j| dy.iter().skip(j).step_by(n_out).fold(0.0, |s, &d| s + d)).collect::<Vec<f32>>();
            assert_eq!(bits(&gb), bits(&want_b), "db {batch}×{n_in}→{n_out}");
        }
        assert!(order_mattered, "no shape would notice a reordered sum");
    }
}
