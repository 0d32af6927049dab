//! How far a long computation has got, for a progress bar: a callback that
//! receives the share done (0 to 1), and sub-ranges so that a check made of
//! parts (the doctor: probe, overfit, gradient check) reports one rising
//! figure. Reporting never changes a result.

/// Receives the share of the work done so far, mapped into `[from, from + span]`.
pub struct Progress<'a> {
    sink: Option<&'a mut dyn FnMut(f64)>,
    from: f64,
    span: f64,
}

impl<'a> Progress<'a> {
    /// Reports to `sink`, over the whole range 0 to 1.
    pub fn to(sink: &'a mut dyn FnMut(f64)) -> Self {
        Self { sink: Some(sink), from: 0.0, span: 1.0 }
    }

    /// Reports nowhere (native callers and tests).
    pub fn none() -> Progress<'static> {
        Progress { sink: None, from: 0.0, span: 1.0 }
    }

    /// `done` (0 to 1) of this part is finished.
    pub fn set(&mut self, done: f64) {
        let at = self.from + self.span * done.clamp(0.0, 1.0);
        if let Some(sink) = self.sink.as_mut() {
            sink(at);
        }
    }

    /// The part of this range from `start` to `end` (each 0 to 1), as its own
    /// 0-to-1 progress.
    pub fn part(&mut self, start: f64, end: f64) -> Progress<'_> {
        let (from, span) = (self.from + self.span * start, self.span * (end - start));
        match self.sink.as_mut() {
            Some(sink) => Progress { sink: Some(&mut **sink), from, span },
            None => Progress { sink: None, from, span },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_map_into_their_range() {
        let mut seen = Vec::new();
        let mut sink = |x: f64| seen.push(x);
        let mut p = Progress::to(&mut sink);
        p.set(0.1);
        p.part(0.5, 0.9).set(0.5);
        p.part(0.5, 0.9).part(0.0, 0.5).set(1.0);
        p.set(2.0);
        assert_eq!(seen, vec![0.1, 0.7, 0.7, 1.0]);
        Progress::none().part(0.2, 0.4).set(0.3); // reports nowhere, no panic
    }
}
