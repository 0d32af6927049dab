//! The planar generators: TF Playground's six, draw for draw, plus moons,
//! K blobs and K spiral arms.
//!
//! The TF Playground ports follow its `src/dataset.ts`: same constants, same
//! order of random draws, same floating-point expressions, `noise` in
//! [0, 0.5] used as it uses it, and its ±1 labels mapped to classes 1 / 0.
//! Where it builds two halves of `numSamples / 2` points (circle, gauss,
//! spiral), an odd `n` would give it `n + 1` points; these return its first
//! `n`. Its d3 linear scales are written out as d3 v3 evaluates them:
//! `t = (x − d0) / (d1 − d0)`, `value = r0·(1 − t) + r1·t`.
//!
//! Coordinates are in math orientation (x2 up), as TF Playground's data are.

use super::{Labels, RawData};
use crate::math;
use crate::rng::Uniform01;
use ndarray::Array2;
use std::f64::consts::PI;

/// A binary generator: `(n, noise, rng) -> data`.
pub type Generator<R> = fn(usize, f64, &mut R) -> RawData;

/// Classification data from points and class indices.
pub(crate) fn classes(points: &[[f64; 2]], labels: Vec<usize>, n_classes: usize) -> RawData {
    RawData { x: to_array(points), labels: Labels::Classes { labels, n_classes }, planar: true }
}

fn values(points: &[[f64; 2]], targets: Vec<f64>) -> RawData {
    RawData { x: to_array(points), labels: Labels::Values(targets), planar: true }
}

fn to_array(points: &[[f64; 2]]) -> Array2<f64> {
    Array2::from_shape_fn((points.len(), 2), |(i, j)| points[i][j])
}

/// TF Playground's class for a ±1 test: true → class 1, false → class 0.
fn class(positive: bool) -> usize {
    usize::from(positive)
}

/// The two halves TF Playground's loops `i < n/2` produce, cut to `n` points.
fn halves(n: usize) -> [usize; 2] {
    let first = n.div_ceil(2);
    [first, n - first]
}

/// `n` points split into `k` classes as evenly as possible (first classes
/// get the extra points).
fn shares(n: usize, k: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |c| n / k + usize::from(c < n % k))
}

/// TF Playground's `normalRandom(mean, variance)`: Marsaglia's polar method.
/// (It also rejects `s == 0`, where TF Playground would return NaN.)
pub fn normal_random<R: Uniform01>(rng: &mut R, mean: f64, variance: f64) -> f64 {
    loop {
        let v1 = 2.0 * rng.next_f64() - 1.0;
        let v2 = 2.0 * rng.next_f64() - 1.0;
        let s = v1 * v1 + v2 * v2;
        if s <= 1.0 && s > 0.0 {
            let result = math::sqrt(-2.0 * math::ln(s) / s) * v1;
            return mean + math::sqrt(variance) * result;
        }
    }
}

/// Euclidean distance from `(x, y)` to `(cx, cy)`, as TF Playground's `dist`.
fn dist(x: f64, y: f64, cx: f64, cy: f64) -> f64 {
    let dx = x - cx;
    let dy = y - cy;
    math::sqrt(dx * dx + dy * dy)
}

/// Variance of the Gaussian clusters: d3 scale noise [0, 0.5] → [0.5, 4].
fn cluster_variance(noise: f64) -> f64 {
    let t = noise / 0.5;
    0.5 * (1.0 - t) + 4.0 * t
}

/// TF Playground `classifyCircleData`: class 1 drawn inside radius 2.5,
/// class 0 in the ring 3.5..5; the label tests the noise-shifted point
/// against radius 2.5 while the stored point stays unshifted.
pub fn circle<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    let radius = 5.0;
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let rings = [(0.0, radius * 0.5), (radius * 0.7, radius)];
    for (&count, (r_min, r_max)) in halves(n).iter().zip(rings) {
        for _ in 0..count {
            let r = rng.uniform(r_min, r_max);
            let angle = rng.uniform(0.0, 2.0 * PI);
            let x = r * math::sin(angle);
            let y = r * math::cos(angle);
            let noise_x = rng.uniform(-radius, radius) * noise;
            let noise_y = rng.uniform(-radius, radius) * noise;
            points.push([x, y]);
            labels.push(class(dist(x + noise_x, y + noise_y, 0.0, 0.0) < radius * 0.5));
        }
    }
    classes(&points, labels, 2)
}

/// TF Playground `classifyXORData`: uniform in [−5, 5]² pushed 0.3 away from
/// the axes; class 1 where the noise-shifted `x1·x2 ≥ 0`.
pub fn xor<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    let padding = 0.3;
    let pad = |v: f64| if v > 0.0 { v + padding } else { v - padding };
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let x = pad(rng.uniform(-5.0, 5.0));
        let y = pad(rng.uniform(-5.0, 5.0));
        let noise_x = rng.uniform(-5.0, 5.0) * noise;
        let noise_y = rng.uniform(-5.0, 5.0) * noise;
        points.push([x, y]);
        labels.push(class((x + noise_x) * (y + noise_y) >= 0.0));
    }
    classes(&points, labels, 2)
}

/// TF Playground `classifyTwoGaussData`: class 1 around (2, 2), then class 0
/// around (−2, −2); the variance grows from 0.5 to 4 with the noise.
pub fn gauss<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    let variance = cluster_variance(noise);
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for (&count, (c, label)) in halves(n).iter().zip([(2.0, 1), (-2.0, 0)]) {
        for _ in 0..count {
            let x = normal_random(rng, c, variance);
            let y = normal_random(rng, c, variance);
            points.push([x, y]);
            labels.push(label);
        }
    }
    classes(&points, labels, 2)
}

/// One spiral arm as TF Playground draws it: point `i` at radius
/// `r = i/m·5`, angle `t = 1.75·i/m·2π + δ`, jittered by `U(−1, 1)·noise`.
fn arm<R: Uniform01>(count: usize, m: f64, delta_t: f64, noise: f64, rng: &mut R) -> Vec<[f64; 2]> {
    (0..count)
        .map(|i| {
            let i = i as f64;
            let r = i / m * 5.0;
            let t = 1.75 * i / m * 2.0 * PI + delta_t;
            let x = r * math::sin(t) + rng.uniform(-1.0, 1.0) * noise;
            let y = r * math::cos(t) + rng.uniform(-1.0, 1.0) * noise;
            [x, y]
        })
        .collect()
}

/// TF Playground `classifySpiralData`: arm δ = 0 is class 1, arm δ = π class 0.
pub fn spiral<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    let m = n as f64 / 2.0;
    let [a, b] = halves(n);
    let mut points = arm(a, m, 0.0, noise, rng);
    points.extend(arm(b, m, PI, noise, rng));
    let labels = [vec![1; a], vec![0; b]].concat();
    classes(&points, labels, 2)
}

/// `k` spiral arms, TF Playground's spiral generalized: arm `c` (class `c`)
/// starts at angle `2π·c/k` and holds `n/k` points (`k = 2` gives the TF
/// Playground spiral with the classes swapped).
pub fn spiral_k<R: Uniform01>(n: usize, k: usize, noise: f64, rng: &mut R) -> RawData {
    let k = k.max(1);
    let m = n as f64 / k as f64;
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for (c, count) in shares(n, k).enumerate() {
        points.extend(arm(count, m, 2.0 * PI * c as f64 / k as f64, noise, rng));
        labels.extend(std::iter::repeat_n(c, count));
    }
    classes(&points, labels, k)
}

/// Moons are scaled by this factor into TF Playground's [−6, 6] domain.
pub const MOON_SCALE: f64 = 2.5;

/// Two interleaving half circles (scikit-learn's `make_moons`): class 0 is the
/// upper arc `(cos a, sin a)`, class 1 the lower arc `(1 − cos a, 0.5 − sin a)`,
/// `a ~ U(0, π)`; centered, scaled by [`MOON_SCALE`] and jittered by
/// N(0, (noise·MOON_SCALE)²) per coordinate (the normal draws are made even
/// at noise 0). The labels do not depend on the noise.
pub fn moons<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    let sigma = noise * MOON_SCALE;
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for (label, &count) in halves(n).iter().enumerate() {
        for _ in 0..count {
            let a = rng.uniform(0.0, PI);
            let (u, v) =
                if label == 0 { (math::cos(a), math::sin(a)) } else { (1.0 - math::cos(a), 0.5 - math::sin(a)) };
            let x = (u - 0.5) * MOON_SCALE + sigma * normal_random(rng, 0.0, 1.0);
            let y = (v - 0.25) * MOON_SCALE + sigma * normal_random(rng, 0.0, 1.0);
            points.push([x, y]);
            labels.push(label);
        }
    }
    classes(&points, labels, 2)
}

/// Radius of the circle the blob centers sit on.
pub const BLOB_RADIUS: f64 = 3.5;

/// `k` Gaussian blobs, class `c` centered at `3.5·(sin 2πc/k, cos 2πc/k)`
/// (the first one straight up), `n/k` points each, with TF Playground's
/// gauss variance (0.5 at noise 0 up to 4 at noise 0.5).
pub fn blobs<R: Uniform01>(n: usize, k: usize, noise: f64, rng: &mut R) -> RawData {
    let k = k.max(1);
    let variance = cluster_variance(noise);
    let mut points = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for (c, count) in shares(n, k).enumerate() {
        let angle = 2.0 * PI * c as f64 / k as f64;
        let (cx, cy) = (BLOB_RADIUS * math::sin(angle), BLOB_RADIUS * math::cos(angle));
        for _ in 0..count {
            let x = normal_random(rng, cx, variance);
            let y = normal_random(rng, cy, variance);
            points.push([x, y]);
            labels.push(c);
        }
    }
    classes(&points, labels, k)
}

/// The draws shared by TF Playground's regression sets: `(x, y)` uniform in
/// [−6, 6]², target `label(x + noise_x, y + noise_y)` with noise
/// `U(−6, 6)·noise`.
fn regression<R: Uniform01>(n: usize, noise: f64, rng: &mut R, label: impl Fn(f64, f64) -> f64) -> RawData {
    let radius = 6.0;
    let mut points = Vec::with_capacity(n);
    let mut targets = Vec::with_capacity(n);
    for _ in 0..n {
        let x = rng.uniform(-radius, radius);
        let y = rng.uniform(-radius, radius);
        let noise_x = rng.uniform(-radius, radius) * noise;
        let noise_y = rng.uniform(-radius, radius) * noise;
        points.push([x, y]);
        targets.push(label(x + noise_x, y + noise_y));
    }
    values(&points, targets)
}

/// TF Playground `regressPlane`'s target: the d3 scale [−10, 10] → [−1, 1]
/// of `x1 + x2`, i.e. `(x1 + x2)/10`.
fn plane_target(x: f64, y: f64) -> f64 {
    let t = (x + y - -10.0) / 20.0;
    t - (1.0 - t)
}

/// TF Playground `regressPlane`: target `(x1 + x2)/10` of the noisy point.
pub fn plane<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    regression(n, noise, rng, plane_target)
}

/// Centers and signs of TF Playground's `regressGaussian` bumps.
const BUMPS: [(f64, f64, f64); 6] =
    [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)];

/// TF Playground `regressGaussian`'s target: six ±1 cones of radius 2 (the
/// clamped d3 scale distance [0, 2] → [1, 0]); the one largest in absolute
/// value wins, the first on ties.
fn bumps_target(x: f64, y: f64) -> f64 {
    BUMPS.iter().fold(0.0, |label: f64, &(cx, cy, sign)| {
        let t = (dist(x, y, cx, cy) / 2.0).clamp(0.0, 1.0);
        let candidate = sign * (1.0 - t);
        if candidate.abs() > label.abs() {
            candidate
        } else {
            label
        }
    })
}

/// TF Playground `regressGaussian`: the bumps target of the noisy point.
pub fn multi_gauss<R: Uniform01>(n: usize, noise: f64, rng: &mut R) -> RawData {
    regression(n, noise, rng, bumps_target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Mulberry32;

    fn class_labels(d: &RawData) -> &[usize] {
        match &d.labels {
            Labels::Classes { labels, .. } => labels,
            Labels::Values(_) => panic!("expected classes"),
        }
    }

    fn target_values(d: &RawData) -> &[f64] {
        match &d.labels {
            Labels::Values(v) => v,
            Labels::Classes { .. } => panic!("expected values"),
        }
    }

    #[test]
    fn circle_first_points_follow_the_tfp_formula() {
        let d = circle(500, 0.0, &mut Mulberry32::new(1));
        let mut raw = Mulberry32::new(1);
        let u: Vec<f64> = (0..4).map(|_| raw.next_f64()).collect();
        assert_eq!(u[0], 0.6270739405881613);
        // Point 0: r = 2.5·u0, angle = 2π·u1, x = r sin(angle), y = r cos(angle).
        let (r, angle) = (u[0] * 2.5, u[1] * 2.0 * PI);
        assert!((d.x[[0, 0]] - r * math::sin(angle)).abs() < 1e-15);
        assert!((d.x[[0, 1]] - r * math::cos(angle)).abs() < 1e-15);
        // Hand values: r = 1.5676848514704034, angle = 0.017189043124069887.
        assert!((d.x[[0, 0]] - 0.0269456755618645).abs() < 1e-13, "{}", d.x[[0, 0]]);
        assert!((d.x[[0, 1]] - 1.5674532605785396).abs() < 1e-13, "{}", d.x[[0, 1]]);
        let labels = class_labels(&d);
        assert_eq!(labels.iter().filter(|&&c| c == 1).count(), 250);
        assert!(labels[..250].iter().all(|&c| c == 1) && labels[250..].iter().all(|&c| c == 0));
        // The outer ring keeps 3.5 ≤ r < 5.
        for row in d.x.rows().into_iter().skip(250) {
            let r = dist(row[0], row[1], 0.0, 0.0);
            assert!((3.5 - 1e-12..5.0).contains(&r));
        }
    }

    #[test]
    fn spiral_follows_radius_and_angle_formula() {
        let d = spiral(500, 0.0, &mut Mulberry32::new(1));
        for i in [1usize, 17, 100, 249] {
            let r = i as f64 / 250.0 * 5.0;
            let t = 1.75 * i as f64 / 250.0 * 2.0 * PI;
            let (x, y) = (d.x[[i, 0]], d.x[[i, 1]]);
            assert!((dist(x, y, 0.0, 0.0) - r).abs() < 1e-12);
            // atan2(x, y) measures the angle from the x2 axis, as x = r sin t.
            let wrapped = (t + PI).rem_euclid(2.0 * PI) - PI;
            assert!((math::atan2(x, y) - wrapped).abs() < 1e-9, "i = {i}");
            // The second arm is the first turned by π.
            assert!((d.x[[250 + i, 0]] + x).abs() < 1e-12 && (d.x[[250 + i, 1]] + y).abs() < 1e-12);
        }
        assert_eq!(class_labels(&d)[0], 1);
        assert_eq!(class_labels(&d)[250], 0);
        // Noise draws two uniforms per point even at noise 0.
        let mut a = Mulberry32::new(4);
        spiral(10, 0.0, &mut a);
        let mut b = Mulberry32::new(4);
        (0..20).for_each(|_| {
            b.next_f64();
        });
        assert_eq!(a.next_f64(), b.next_f64());
    }

    #[test]
    fn xor_label_rule() {
        let d = xor(500, 0.0, &mut Mulberry32::new(2));
        for (row, &c) in d.x.rows().into_iter().zip(class_labels(&d)) {
            assert!(row[0].abs() >= 0.3 && row[1].abs() >= 0.3);
            assert_eq!(c == 1, row[0] * row[1] >= 0.0);
        }
    }

    #[test]
    fn gauss_clusters_sit_at_their_centers() {
        let d = gauss(2000, 0.0, &mut Mulberry32::new(3));
        let labels = class_labels(&d);
        for (c, center) in [(1, 2.0), (0, -2.0)] {
            let xs: Vec<f64> =
                d.x.rows().into_iter().zip(labels).filter(|&(_, &l)| l == c).map(|(r, _)| r[0]).collect();
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let var = xs.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / xs.len() as f64;
            assert_eq!(xs.len(), 1000);
            assert!((mean - center).abs() < 0.1, "mean {mean}");
            assert!((var - 0.5).abs() < 0.1, "variance {var}");
        }
        assert_eq!(cluster_variance(0.5), 4.0);
    }

    #[test]
    fn regression_targets_follow_tfp() {
        let d = plane(200, 0.0, &mut Mulberry32::new(5));
        for (row, &v) in d.x.rows().into_iter().zip(target_values(&d)) {
            assert!((v - (row[0] + row[1]) / 10.0).abs() < 1e-12);
        }
        let d = multi_gauss(200, 0.0, &mut Mulberry32::new(5));
        for (row, &v) in d.x.rows().into_iter().zip(target_values(&d)) {
            assert_eq!(v, bumps_target(row[0], row[1]));
        }
        assert_eq!(plane_target(3.0, 2.0), 0.5);
        assert_eq!(bumps_target(0.0, 2.5), -1.0);
        assert_eq!(bumps_target(4.0, -2.5), -1.0);
        assert_eq!(bumps_target(-4.0, 1.5), 0.5);
        assert_eq!(bumps_target(0.0, 6.0), 0.0);
    }

    #[test]
    fn multiclass_sets_are_balanced() {
        for k in 3..=5 {
            for d in [blobs(500, k, 0.2, &mut Mulberry32::new(6)), spiral_k(500, k, 0.2, &mut Mulberry32::new(6))] {
                let mut counts = vec![0; k];
                class_labels(&d).iter().for_each(|&c| counts[c] += 1);
                assert_eq!(counts.iter().sum::<usize>(), 500);
                assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
                assert_eq!(d.n_classes(), Some(k));
            }
        }
    }

    #[test]
    fn moons_interleave() {
        let d = moons(400, 0.0, &mut Mulberry32::new(8));
        for (row, &c) in d.x.rows().into_iter().zip(class_labels(&d)) {
            // Undo the centering and scaling; each point lies on its unit arc.
            let (u, v) = (row[0] / MOON_SCALE + 0.5, row[1] / MOON_SCALE + 0.25);
            let (cx, cy) = if c == 0 { (0.0, 0.0) } else { (1.0, 0.5) };
            assert!((dist(u, v, cx, cy) - 1.0).abs() < 1e-12);
            assert!(if c == 0 { v >= -1e-12 } else { v <= 0.5 + 1e-12 });
        }
    }
}
