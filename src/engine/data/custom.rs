//! Your own data: points placed by hand on the data view or imported from a
//! CSV ([`super::csv_points`]), carried by the config itself instead of a
//! generator.
//!
//! Coordinates are stored quantized, as whole hundredths in
//! `−600..=600` (the data view's plane `[−6, 6]²` in steps of 0.01, a
//! twelve-hundredth of its width), so a link, a run record and the page all
//! hold exactly the same numbers. Classes are `0..`[`MAX_CLASSES`]; the set
//! has `max(2, largest class + 1)` classes. Regression targets are not
//! supported: custom data is classification.

use ndarray::Array2;

use super::{Labels, RawData};
use crate::error::EngineError;

pub use crate::config::points::{n_classes, CustomPoint, MAX_CLASSES, MAX_POINTS, MAX_STEPS, STEPS_PER_UNIT};

/// Checks a set: at most [`MAX_POINTS`] points, each in range.
pub fn check(points: &[CustomPoint]) -> Result<(), String> {
    if points.len() > MAX_POINTS {
        return Err(crate::tr!("data.custom.too_many", n = points.len(), max = MAX_POINTS));
    }
    match points.iter().position(|p| !p.is_valid()) {
        Some(i) => Err(crate::tr!("data.custom.out_of_range", n = i + 1)),
        None => Ok(()),
    }
}

/// The data set of custom points, in their order (the split then shuffles
/// them with the seed, as for every planar set). `hash` is the content hash
/// a link named when it could not carry the points (then `points` is empty):
/// the error says where the data is.
pub fn raw(points: &[CustomPoint], hash: Option<u64>) -> Result<RawData, EngineError> {
    if points.is_empty() {
        let message = match hash {
            Some(h) => crate::tr!("data.custom.not_in_link", hash = format!("{h:016x}")),
            None => crate::tr!("data.custom.empty"),
        };
        return Err(EngineError::InvalidConfig(message));
    }
    check(points).map_err(EngineError::InvalidConfig)?;
    let mut x = Array2::zeros((points.len(), 2));
    for (mut row, p) in x.rows_mut().into_iter().zip(points) {
        let (x1, x2) = p.coords();
        row[0] = x1;
        row[1] = x2;
    }
    let labels = points.iter().map(|p| p.class as usize).collect();
    Ok(RawData { x, labels: Labels::Classes { labels, n_classes: n_classes(points) }, planar: true })
}

/// Whether a set of `n` points can train with `train_pct` % of them in the
/// training set (the split's `floor(n·train_pct/100)` must hold a point).
pub fn trainable(n: usize, train_pct: u32) -> bool {
    n <= MAX_POINTS && n * train_pct.min(100) as usize / 100 >= 1
}

/// The points of a planar classification set (at most [`MAX_POINTS`],
/// in order), clamped to the plane and quantized: the start of a custom set
/// copied from the data in view. Empty for regression, digits or more than
/// [`MAX_CLASSES`] classes.
pub fn from_raw(raw: &RawData) -> Vec<CustomPoint> {
    let Labels::Classes { labels, n_classes } = &raw.labels else {
        return Vec::new();
    };
    if !raw.planar || raw.x.ncols() != 2 || *n_classes > MAX_CLASSES {
        return Vec::new();
    }
    let limit = MAX_STEPS as f64 / STEPS_PER_UNIT;
    raw.x
        .rows()
        .into_iter()
        .zip(labels)
        .filter_map(|(r, &c)| CustomPoint::at(r[0].clamp(-limit, limit), r[1].clamp(-limit, limit), c))
        .take(MAX_POINTS)
        .collect()
}

/// The index of the point nearest `(x1, x2)` within `radius` (plane units),
/// the last one on a tie (the one drawn on top).
pub fn nearest(points: &[CustomPoint], x1: f64, x2: f64, radius: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, p) in points.iter().enumerate() {
        let (a, b) = p.coords();
        let d2 = (a - x1) * (a - x1) + (b - x2) * (b - x2);
        if d2 <= radius * radius && best.is_none_or(|(_, b2)| d2 <= b2) {
            best = Some((i, d2));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_round_to_hundredths_inside_the_plane() {
        assert_eq!(CustomPoint::at(1.234, -5.996, 2), Some(CustomPoint { x1: 123, x2: -600, class: 2 }));
        assert_eq!(CustomPoint::at(6.0, -6.0, 0).map(|p| p.coords()), Some((6.0, -6.0)));
        assert_eq!(CustomPoint::at(0.125, 0.0, 0).map(|p| p.x1), Some(13)); // half away from zero
        for bad in [(6.006, 0.0, 0), (f64::NAN, 0.0, 0), (0.0, f64::INFINITY, 0), (0.0, -7.0, 0), (0.0, 0.0, 5)] {
            assert_eq!(CustomPoint::at(bad.0, bad.1, bad.2), None, "{bad:?}");
        }
    }

    #[test]
    fn the_raw_set_holds_the_points_in_order_with_their_classes() {
        let pts = [CustomPoint { x1: 100, x2: -250, class: 0 }, CustomPoint { x1: -600, x2: 600, class: 3 }];
        let raw = raw(&pts, None).unwrap();
        assert_eq!(raw.x.as_slice().unwrap(), &[1.0, -2.5, -6.0, 6.0]);
        assert_eq!(raw.labels, Labels::Classes { labels: vec![0, 3], n_classes: 4 });
        assert_eq!(n_classes(&pts[..1]), 2);
        assert!(matches!(super::raw(&[], None), Err(EngineError::InvalidConfig(_))));
        let Err(EngineError::InvalidConfig(m)) = super::raw(&[], Some(0xab)) else { panic!("an error") };
        assert!(m.contains("00000000000000ab"), "{m}");
        let bad = [CustomPoint { x1: 601, x2: 0, class: 0 }];
        assert!(super::raw(&bad, None).is_err());
    }

    #[test]
    fn a_set_trains_once_its_training_share_holds_a_point() {
        assert!(!trainable(0, 90));
        assert!(!trainable(1, 90) && trainable(2, 50) && !trainable(9, 10) && trainable(10, 10));
        assert!(!trainable(MAX_POINTS + 1, 50));
    }

    #[test]
    fn nearest_finds_the_closest_point_within_the_radius() {
        let pts = [
            CustomPoint { x1: 0, x2: 0, class: 0 },
            CustomPoint { x1: 100, x2: 0, class: 1 },
            CustomPoint { x1: 100, x2: 0, class: 0 },
        ];
        assert_eq!(nearest(&pts, 0.1, 0.0, 0.2), Some(0));
        assert_eq!(nearest(&pts, 0.9, 0.0, 0.2), Some(2)); // the later of two equal ones
        assert_eq!(nearest(&pts, 0.5, 0.5, 0.2), None);
    }

    #[test]
    fn a_generated_set_copies_into_custom_points_clamped() {
        let mut x = Array2::zeros((3, 2));
        x[[0, 0]] = 7.5;
        x[[1, 1]] = -0.014;
        let raw = RawData { x, labels: Labels::Classes { labels: vec![1, 0, 1], n_classes: 2 }, planar: true };
        let pts = from_raw(&raw);
        assert_eq!(
            pts,
            [CustomPoint { x1: 600, x2: 0, class: 1 }, CustomPoint { x1: 0, x2: -1, class: 0 }, {
                CustomPoint { x1: 0, x2: 0, class: 1 }
            }]
        );
        let reg = RawData { labels: Labels::Values(vec![0.0; 3]), ..raw };
        assert!(from_raw(&reg).is_empty());
    }
}
