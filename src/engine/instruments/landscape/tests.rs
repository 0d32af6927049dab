//! The landscape slice against direct computations: filter normalization
//! unit by unit, the centre and a point of the curve against the loss
//! computed on moved weights, the curve against the map's middle row, the
//! seed's reproducibility.

use super::*;
use crate::engine::instruments::trained as trainer;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Every unit's incoming weights in δ have the norm of its weights in w;
/// biases and BatchNorm parameters do not move; two draws differ; the same
/// seed draws the same.
#[test]
fn directions_are_filter_normalized() {
    let t = trainer("data=spiral&net=6:relu:bn,4:tanh&loss=softmax&seed=3", 5);
    let (delta, eta) = directions(&t.model, t.cfg.seed);
    for info in &t.model.infos {
        let (n_in, n_out) = info.shape;
        if info.kind != ParamKind::Weight {
            assert!(delta[info.range()].iter().all(|&v| v == 0.0), "{:?} moves", info.kind);
            continue;
        }
        for j in 0..n_out {
            let norm = |v: &dyn Fn(usize) -> f64| (0..n_in).map(|i| v(i).powi(2)).sum::<f64>().sqrt();
            let w = norm(&|i| f64::from(t.model.params[info.offset + i * n_out + j]));
            let d = norm(&|i| delta[info.offset + i * n_out + j]);
            assert!((w - d).abs() <= 1e-12 * w.max(1.0), "unit {j}: ‖w‖ {w}, ‖δ‖ {d}");
        }
    }
    assert_ne!(delta, eta);
    assert_eq!(directions(&t.model, t.cfg.seed), (delta, eta));
    assert_ne!(directions(&t.model, t.cfg.seed + 1).0, directions(&t.model, t.cfg.seed).0);
}

/// The centre is the loss at the current weights; a point of the curve is
/// the loss at w + αδ computed here; the map's middle row is the curve at
/// the map's α; the slice is the same every time and leaves the run alone.
#[test]
fn the_slice_matches_losses_computed_directly() {
    let t = trainer("data=circle&net=8:tanh,4:tanh&loss=softmax&bs=10", 30);
    let before = t.fingerprint();
    let s = run(&t);
    assert_eq!(t.fingerprint(), before);
    assert_eq!(s, run(&t));
    assert_eq!((s.line.len(), s.grid.len(), s.rows), (LINE, GRID * GRID, t.train.len().min(MAX_ROWS)));
    let rows = s.rows;
    let x: Vec<f32> = t.train.x.rows().into_iter().take(rows).flat_map(|r| r.to_vec()).collect();
    let y: Vec<f32> = t.train.targets.rows().into_iter().take(rows).flat_map(|r| r.to_vec()).collect();
    let loss_at = |a: f64| {
        let (delta, _) = directions(&t.model, t.cfg.seed);
        let mut m = t.model.clone();
        m.params = t.model.params.iter().zip(&delta).map(|(&w, d)| (f64::from(w) + a * d) as f32).collect();
        let mut out = vec![0.0; y.len()];
        m.predict_into(&x, &mut out, &mut PredictScratch::default());
        t.data_loss_of(&out, &y, None)
    };
    assert!(close(s.center(), loss_at(0.0)), "{} vs {}", s.center(), loss_at(0.0));
    assert!(close(s.line[5], loss_at(coordinate(5, LINE))));
    let middle = &s.grid[(GRID / 2) * GRID..(GRID / 2 + 1) * GRID];
    for (c, &v) in middle.iter().enumerate() {
        assert!(close(v, s.line[2 * c]), "α = {}: map {v}, curve {}", coordinate(c, GRID), s.line[2 * c]);
    }
    let (low, ..) = s.lowest().unwrap();
    assert!(low <= s.center() && s.line.iter().all(|&v| v.is_finite()));
}

/// A large network measures fewer points, within the budget.
#[test]
fn a_large_network_measures_fewer_points() {
    let t = trainer("data=digits&loss=softmax&bs=64&net=256:relu,256:relu,256:relu,256:relu", 0);
    let rows = rows_for(&t);
    assert!((MIN_ROWS..MAX_ROWS).contains(&rows), "{rows}");
    let macs = (LINE + GRID * GRID) as f64 * rows as f64 * t.model.forward_macs_per_row() as f64;
    assert!(macs <= MAC_BUDGET || rows == MIN_ROWS, "{macs}");
}
