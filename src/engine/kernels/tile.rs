//! Register-blocked micro-kernels: each computes one `R × C` tile of an
//! output matrix with its `R·C` accumulators held in registers, so that one
//! load of a weight (or gradient) row segment serves `R` rows, and the `C`
//! columns become SIMD lanes (SIMD128 in wasm, SSE natively).
//!
//! Every accumulator adds its terms one by one in the order of the shared
//! index, exactly as the plain triple loop does: the tiling only changes
//! which outputs are computed together, never the operations behind one
//! output, so the results are bit-identical to the unblocked loops.

use crate::scalar::Real;

/// Rows per tile (the remaining rows run one at a time).
pub const ROWS: usize = 4;

/// Calls `$tile::<F, R, C>(.., col)` over column tiles covering `0..$n`:
/// tiles of 16 columns, then at most one each of 8, 4, 2 and 1 for the rest
/// (any width works); `col` is the first column of each tile.
macro_rules! over_col_tiles {
    ($n:expr, $r:expr, $tile:ident, ($($arg:expr),*)) => {{
        let n = $n;
        let mut col = 0;
        while col + 16 <= n {
            $tile::<F, $r, 16>($($arg,)* col);
            col += 16;
        }
        if col + 8 <= n {
            $tile::<F, $r, 8>($($arg,)* col);
            col += 8;
        }
        if col + 4 <= n {
            $tile::<F, $r, 4>($($arg,)* col);
            col += 4;
        }
        if col + 2 <= n {
            $tile::<F, $r, 2>($($arg,)* col);
            col += 2;
        }
        if col < n {
            $tile::<F, $r, 1>($($arg,)* col);
        }
    }};
}
pub(crate) use over_col_tiles;

/// Rows `0..R` of `y = a · b (+ init)` at columns `col..col + C`, with
/// `a_rows: [R, n_k]`, `b: [n_k, n_out]`, `y_rows: [R, n_out]`:
/// `y[r][j] = init[j] + a[r][0]·b[0][j] + a[r][1]·b[1][j] + …` (in that order;
/// without `init` the sum starts from zero).
#[inline(always)]
pub fn product_tile<F: Real, const R: usize, const C: usize>(
    a_rows: &[F],
    b: &[F],
    init: Option<&[F]>,
    n_k: usize,
    n_out: usize,
    y_rows: &mut [F],
    col: usize,
) {
    let mut start = [F::ZERO; C];
    if let Some(init) = init {
        start.copy_from_slice(&init[col..col + C]);
    }
    let mut acc = [start; R];
    let a: [&[F]; R] = std::array::from_fn(|r| &a_rows[r * n_k..(r + 1) * n_k]);
    for k in 0..n_k {
        let b_seg = &b[k * n_out + col..k * n_out + col + C];
        for (acc_r, a_r) in acc.iter_mut().zip(&a) {
            let a_rk = a_r[k];
            for c in 0..C {
                acc_r[c] += a_rk * b_seg[c];
            }
        }
    }
    for (r, acc_r) in acc.iter().enumerate() {
        y_rows[r * n_out + col..r * n_out + col + C].copy_from_slice(acc_r);
    }
}

/// Rows `k0..k0 + K` of `g = xᵀ · dy` at columns `col..col + C`, with
/// `x: [batch, n_in]`, `dy: [batch, n_out]`, `g: [n_in, n_out]`:
/// `g[k][j] = x[0][k]·dy[0][j] + x[1][k]·dy[1][j] + …` (rows of the batch in
/// order, from zero).
#[inline(always)]
pub fn outer_sum_tile<F: Real, const K: usize, const C: usize>(
    x: &[F],
    dy: &[F],
    n_in: usize,
    n_out: usize,
    k0: usize,
    g: &mut [F],
    col: usize,
) {
    let mut acc = [[F::ZERO; C]; K];
    for (x_row, dy_row) in x.chunks_exact(n_in).zip(dy.chunks_exact(n_out)) {
        let d = &dy_row[col..col + C];
        let xs = &x_row[k0..k0 + K];
        for (acc_k, &x_k) in acc.iter_mut().zip(xs) {
            for c in 0..C {
                acc_k[c] += x_k * d[c];
            }
        }
    }
    for (kk, acc_k) in acc.iter().enumerate() {
        let row = (k0 + kk) * n_out + col;
        g[row..row + C].copy_from_slice(acc_k);
    }
}
