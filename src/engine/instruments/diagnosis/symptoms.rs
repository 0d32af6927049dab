//! The last rules: symptoms that no cause found earlier explains (a
//! non-finite value, a model that cannot overfit a tiny batch) are
//! reported as problems of their own.

use super::Diagnosis;
use crate::engine::instruments::finding::{Finding, Problem};

pub(super) fn symptoms(d: &mut Diagnosis) {
    if let Some(nf) = d.e.non_finite {
        if d.open(Problem::NonFinite) {
            d.push(crate::engine::instruments::sentinel::finding(nf, d.e.places));
        }
    }
    if d.open(Problem::CannotOverfit) {
        let found: Vec<Finding> =
            d.e.overfit.iter().flat_map(|o| o.findings()).filter(|f| f.problem == Problem::CannotOverfit).collect();
        d.out.extend(found);
    }
}
