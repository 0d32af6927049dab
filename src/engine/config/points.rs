//! The points of your own data set ([`super::DataKind::Custom`]): one
//! point, its quantized coordinates and class, and the ranges a set keeps
//! to. The data set built from them is [`crate::data::custom`].
//!
//! Coordinates are whole hundredths in `−600..=600` (the data view's plane
//! `[−6, 6]²` in steps of 0.01), so a link, a run record and the page hold
//! exactly the same numbers.

/// Most points a custom set holds (the CSV's row limit too).
pub const MAX_POINTS: usize = 5000;
/// Most classes (labels `0..MAX_CLASSES`).
pub const MAX_CLASSES: usize = 5;
/// Quantization steps per unit of the plane: coordinates are hundredths.
pub const STEPS_PER_UNIT: f64 = 100.0;
/// Largest |coordinate| in steps: 6.00, the edge of the data view.
pub const MAX_STEPS: i16 = 600;

/// One point of a custom set: coordinates in hundredths, and its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CustomPoint {
    /// x1 in hundredths, `−600..=600`.
    pub x1: i16,
    /// x2 in hundredths (up), `−600..=600`.
    pub x2: i16,
    /// Class index, `0..MAX_CLASSES`.
    pub class: u8,
}

impl CustomPoint {
    /// The point nearest `(x1, x2)` on the grid of hundredths, or `None`
    /// when a coordinate is not finite, outside `[−6, 6]`, or the class is
    /// not below [`MAX_CLASSES`].
    pub fn at(x1: f64, x2: f64, class: usize) -> Option<CustomPoint> {
        Some(CustomPoint {
            x1: steps(x1)?,
            x2: steps(x2)?,
            class: u8::try_from(class).ok().filter(|c| (*c as usize) < MAX_CLASSES)?,
        })
    }

    /// Whether its coordinates and class are in range.
    pub fn is_valid(&self) -> bool {
        // `unsigned_abs`: a decoded −32768 has no i16 absolute value.
        let within = |v: i16| v.unsigned_abs() <= MAX_STEPS.unsigned_abs();
        within(self.x1) && within(self.x2) && (self.class as usize) < MAX_CLASSES
    }

    /// Its coordinates in the plane.
    pub fn coords(&self) -> (f64, f64) {
        (self.x1 as f64 / STEPS_PER_UNIT, self.x2 as f64 / STEPS_PER_UNIT)
    }
}

/// `x` in whole steps (rounded half away from zero), if finite and within the plane.
fn steps(x: f64) -> Option<i16> {
    let limit = MAX_STEPS as f64 / STEPS_PER_UNIT;
    if !x.is_finite() || x.abs() > limit + 0.5 / STEPS_PER_UNIT {
        return None;
    }
    let s = libm::round(x * STEPS_PER_UNIT) as i16;
    (s.abs() <= MAX_STEPS).then_some(s)
}

/// Number of classes of a set: `max(2, largest class + 1)`.
pub fn n_classes(points: &[CustomPoint]) -> usize {
    points.iter().map(|p| p.class as usize + 1).max().unwrap_or(0).max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extremes a decoder can produce are refused, never a panic
    /// (found by the codec's property test: `i16::MIN.abs()` overflows).
    #[test]
    fn extreme_coordinates_are_invalid_not_a_panic() {
        for v in [i16::MIN, i16::MAX, -601, 601] {
            assert!(!CustomPoint { x1: v, x2: 0, class: 0 }.is_valid(), "{v}");
            assert!(!CustomPoint { x1: 0, x2: v, class: 0 }.is_valid(), "{v}");
        }
        assert!(CustomPoint { x1: -600, x2: 600, class: 4 }.is_valid());
        assert!(!CustomPoint { x1: 0, x2: 0, class: MAX_CLASSES as u8 }.is_valid());
    }
}
