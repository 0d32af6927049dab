//! The frame planner: what each animation frame of the page trains and
//! draws, so that training stays fast, the views stay fresh, and no frame
//! holds the page for more than [`MAX_TASK_MS`].
//!
//! Per frame the page trains for a slice of time, then draws what the plan
//! says. Each kind of drawing has a recent cost (a maximum that decays, so
//! one slow frame does not count forever):
//! - neuron thumbnails every frame, or every 2nd or 3rd when they cost more
//!   than [`THUMB_BUDGET_MS`] or twice that;
//! - edges about 20 times a second; charts, digits and the instruments panel
//!   ([`Plan::slow`]) at most every [`SLOW_VIEW_INTERVAL_MS`], never in the
//!   same frame as the edges;
//! - the evaluation (losses, accuracies) when it fits 1/[`EVAL_SHARE`] of the
//!   time and at most every [`MIN_EVAL_INTERVAL_MS`].
//!
//! The training slice is what [`FRAME_WORK_MS`] leaves after the planned
//! drawing, between [`MIN_TRAIN_MS`] and [`TRAIN_BUDGET_MS`] ([`TRAIN_ONLY_MS`]
//! when the frame draws nothing). Training is cut at layer granularity
//! (`Trainer::step_part`), so a frame overshoots its slice by one layer at
//! most. On a large network one step takes 20–40 ms: when the longest
//! uncut piece of training plus the planned drawing would exceed
//! [`MAX_TASK_MS`], frames alternate: one trains (and draws nothing heavy),
//! the next draws (and does not train). Pure: times are passed in, so it is
//! tested natively.

/// Training plus drawing per animation frame, in milliseconds: what a 60 Hz
/// frame (16.7 ms) leaves after the browser's own work.
pub const FRAME_WORK_MS: f64 = 9.0;
/// Most training time per frame.
pub const TRAIN_BUDGET_MS: f64 = 6.0;
/// Training time of a frame that draws nothing (large networks, whose
/// frames take turns at training and drawing).
pub const TRAIN_ONLY_MS: f64 = 8.0;
/// Least training time per frame while playing.
pub const MIN_TRAIN_MS: f64 = 2.0;
/// Longest a frame's own work may take: browsers call a task over 50 ms a
/// long task (input waits for it), and the frame's style, layout and paint
/// come on top of this.
pub const MAX_TASK_MS: f64 = 20.0;
/// What a repainted canvas costs the browser when it composites the frame,
/// after the page's own code (measured: 256 canvases of 8 × 8 pixels added
/// 18 ms to the frame in headless Chromium without a GPU).
pub const COMMIT_MS_PER_CANVAS: f64 = 0.07;
/// What an edge of the network diagram costs the browser when it
/// composites the frame, after the page's code (measured: about 2,000
/// curved edges added 15–20 ms to the frame in headless Chromium without a
/// GPU).
pub const RASTER_MS_PER_EDGE: f64 = 0.008;
/// Edges take at most 1/EDGE_SHARE of the time.
pub const EDGE_SHARE: f64 = 10.0;
/// Thumbnails costing more than this are repainted every few frames.
pub const THUMB_BUDGET_MS: f64 = 4.0;
/// Longest evaluation slice per frame: a large network's evaluation takes
/// several frames (training waits), so no frame holds the page for long.
pub const EVAL_SLICE_MS: f64 = 8.0;
/// Evaluation may use at most 1/EVAL_SHARE of the wall time...
pub const EVAL_SHARE: f64 = 10.0;
/// ...and runs at most every this many milliseconds while training.
pub const MIN_EVAL_INTERVAL_MS: f64 = 100.0;
/// Charts, digits and the instruments panel are redrawn at most every this many ms.
pub const SLOW_VIEW_INTERVAL_MS: f64 = 250.0;
/// Edges are redrawn at most every this many ms.
pub const EDGE_INTERVAL_MS: f64 = 50.0;

/// What one frame does.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Plan {
    /// Train this frame (at least one step), for about `train_ms`.
    pub train: bool,
    /// Training slice, ms.
    pub train_ms: f64,
    /// Repaint the neuron thumbnails and the output heatmap.
    pub thumbs: bool,
    /// Repaint the edges.
    pub edges: bool,
    /// Repaint charts, digits and the instruments panel.
    pub slow: bool,
    /// Evaluate and show the losses.
    pub eval: bool,
}

/// Recent cost (ms) of each kind of work.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Costs {
    /// The longest piece training cannot cut: one layer of a step, or the
    /// step's update with its live instruments.
    pub piece: f64,
    /// Thumbnails and output heatmap.
    pub thumbs: f64,
    /// Edges.
    pub edges: f64,
    /// Charts, digits, instruments panel.
    pub slow: f64,
}

/// The planner's memory between frames.
#[derive(Clone, Debug)]
pub struct Planner {
    /// Recent costs.
    pub costs: Costs,
    /// The longest training piece of the frame under way.
    piece_this_frame: f64,
    frame_no: u64,
    slow_at: f64,
    edges_at: f64,
    eval_end: f64,
    eval_cost: f64,
    trained_last: bool,
}

impl Default for Planner {
    /// Costs start unknown (NaN): until timed, each is taken as the whole
    /// [`MAX_TASK_MS`] (the first frames train and draw apart), and its first
    /// timing replaces it (`f64::max` ignores a NaN).
    fn default() -> Self {
        Self {
            costs: Costs { piece: f64::NAN, thumbs: f64::NAN, edges: f64::NAN, slow: f64::NAN },
            piece_this_frame: 0.0,
            frame_no: 0,
            slow_at: f64::NEG_INFINITY,
            edges_at: f64::NEG_INFINITY,
            eval_end: f64::NEG_INFINITY,
            eval_cost: 0.0,
            trained_last: false,
        }
    }
}

/// Share of the longest training piece kept from one frame to the next.
pub const PIECE_DECAY: f64 = 0.97;

/// A maximum that decays by 10 % a sample.
pub fn decaying_max(old: f64, new: f64) -> f64 {
    new.max(0.9 * old)
}

/// The items a frame repaints when `n` take turns, `budget` at a time,
/// starting at `next`: index `k` of the range is item `k % n` (the range may
/// run past `n` and wrap round; it is never longer than `n`).
pub fn turn(n: usize, next: usize, budget: usize) -> std::ops::Range<usize> {
    let start = if n == 0 { 0 } else { next % n };
    start..start + budget.min(n)
}

impl Planner {
    /// The plan of the frame starting at `now` (ms).
    pub fn plan(&mut self, now: f64) -> Plan {
        self.frame_no += 1;
        if self.piece_this_frame > 0.0 {
            // Decays per frame, not per piece (a frame runs many pieces), and
            // slowly: the live instruments' read of a step, the longest
            // piece, comes only every few frames on a large network.
            let this_frame = std::mem::take(&mut self.piece_this_frame);
            self.costs.piece = this_frame.max(PIECE_DECAY * self.costs.piece);
        }
        let c = self.known();
        let every = if c.thumbs > 2.0 * THUMB_BUDGET_MS {
            3
        } else if c.thumbs > THUMB_BUDGET_MS {
            2
        } else {
            1
        };
        let slow = now - self.slow_at >= SLOW_VIEW_INTERVAL_MS;
        let mut plan = Plan {
            train: true,
            train_ms: 0.0,
            thumbs: self.frame_no.is_multiple_of(every),
            slow,
            edges: !slow && now - self.edges_at >= EDGE_INTERVAL_MS.max(EDGE_SHARE * c.edges),
            eval: self.eval_due(now),
        };
        let drawing = self.expected(&plan) + if plan.eval { EVAL_SLICE_MS } else { 0.0 };
        if c.piece + drawing >= MAX_TASK_MS {
            if self.trained_last && drawing > 0.0 {
                plan.train = false; // a drawing frame
            } else {
                // A training frame: the evaluation, too, waits for the next drawing frame.
                (plan.thumbs, plan.edges, plan.slow, plan.eval) = (false, false, false, false);
            }
        }
        let drawing = self.expected(&plan);
        plan.train_ms = if drawing == 0.0 && !plan.eval {
            TRAIN_ONLY_MS
        } else {
            (FRAME_WORK_MS - drawing).clamp(MIN_TRAIN_MS, TRAIN_BUDGET_MS)
        };
        self.trained_last = plan.train;
        plan
    }

    /// The costs, an unknown one taken as [`MAX_TASK_MS`].
    fn known(&self) -> Costs {
        let k = |ms: f64| if ms.is_nan() { MAX_TASK_MS } else { ms };
        let c = self.costs;
        Costs { piece: k(c.piece), thumbs: k(c.thumbs), edges: k(c.edges), slow: k(c.slow) }
    }

    /// Whether training and every kind of drawing are cheap (a small
    /// network): then a click may finish a step and redraw everything at
    /// once. Training must have been timed; drawing not yet timed counts as
    /// cheap here (a page that has not drawn while training drew at load).
    pub fn cheap(&self) -> bool {
        let c = self.costs;
        let drawn = |ms: f64| if ms.is_nan() { 0.0 } else { ms };
        // This frame's pieces count too (a short run may end in its first frame).
        let piece = c.piece.max(self.piece_this_frame);
        piece > 0.0 && piece + drawn(c.thumbs) + drawn(c.edges) + drawn(c.slow) < MAX_TASK_MS / 2.0
    }

    /// Drawing time expected for `plan`.
    pub fn expected(&self, plan: &Plan) -> f64 {
        let on = |b: bool, ms: f64| if b { ms } else { 0.0 };
        let c = self.known();
        on(plan.thumbs, c.thumbs) + on(plan.edges, c.edges) + on(plan.slow, c.slow)
    }

    /// Whether an evaluation fits its share of the time at `now`.
    pub fn eval_due(&self, now: f64) -> bool {
        now - self.eval_end >= MIN_EVAL_INTERVAL_MS.max(EVAL_SHARE * self.eval_cost)
    }

    /// An uncut piece of training took `ms` (counted from the next plan).
    pub fn trained_piece(&mut self, ms: f64) {
        self.piece_this_frame = self.piece_this_frame.max(ms);
    }

    /// The thumbnails took `ms` and repainted `canvases` canvases (each
    /// adds [`COMMIT_MS_PER_CANVAS`] to the frame after the page's code).
    pub fn drew_thumbs(&mut self, ms: f64, canvases: usize) {
        let ms = ms + COMMIT_MS_PER_CANVAS * canvases as f64;
        self.costs.thumbs = decaying_max(self.costs.thumbs, ms);
    }

    /// Drawing `edges` edges took `ms`, ending at `now` (each edge adds
    /// [`RASTER_MS_PER_EDGE`] when the browser composites the frame).
    pub fn drew_edges(&mut self, ms: f64, edges: usize, now: f64) {
        let ms = ms + RASTER_MS_PER_EDGE * edges as f64;
        self.costs.edges = decaying_max(self.costs.edges, ms);
        self.edges_at = now;
    }

    /// The slow views took `ms` (0 when drawn outside the plan), ending at `now`.
    pub fn drew_slow(&mut self, ms: f64, now: f64) {
        self.costs.slow = decaying_max(self.costs.slow, ms);
        self.slow_at = now;
    }

    /// An evaluation finished at `now`, having cost `ms` in all.
    pub fn evaluated(&mut self, ms: f64, now: f64) {
        self.eval_cost = ms;
        self.eval_end = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 40 items, 16 a turn: 0–15, 16–31, then 32–39 and 0–7 (wrapping);
    /// a budget over `n` paints each once; none to paint, nothing.
    #[test]
    fn items_take_turns_and_wrap_round() {
        assert_eq!(turn(40, 0, 16), 0..16);
        assert_eq!(turn(40, 16, 16), 16..32);
        let third = turn(40, 32, 16);
        assert_eq!(
            third.clone().map(|k| k % 40).collect::<Vec<_>>(),
            [32, 33, 34, 35, 36, 37, 38, 39, 0, 1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(third.end % 40, 8, "the next turn starts at item 8");
        assert_eq!(turn(40, 8, usize::MAX), 8..48);
        assert_eq!(turn(0, 5, 16), 0..0);
        assert_eq!(turn(40, 45, 4), 5..9, "a stale start wraps round");
    }

    fn with_costs(costs: Costs) -> Planner {
        Planner { costs, ..Planner::default() }
    }

    /// A small network: every frame trains, thumbnails every frame, slow
    /// views every 250 ms, edges in between, training slice what is left.
    #[test]
    fn a_cheap_network_trains_and_draws_every_frame() {
        let mut p = with_costs(Costs { piece: 0.1, thumbs: 2.0, edges: 1.0, slow: 3.0 });
        let first = p.plan(0.0);
        assert!(first.train && first.thumbs && first.slow && !first.edges && first.eval);
        assert_eq!(first.train_ms, (9.0f64 - 5.0).clamp(2.0, 6.0));
        p.drew_slow(3.0, 0.0);
        p.evaluated(1.0, 0.0);
        let next = p.plan(16.7);
        assert!(next.train && next.thumbs && !next.slow && !next.eval && next.edges);
        p.drew_edges(1.0, 0, 16.7);
        assert!(!p.plan(40.0).edges, "edges wait 50 ms");
        let later = p.plan(70.0);
        assert!(later.edges && later.train);
        assert_eq!(later.train_ms, 6.0);
    }

    /// Thumbnails over 4 ms are painted every 2nd frame, over 8 ms every 3rd.
    #[test]
    fn expensive_thumbnails_are_painted_less_often() {
        for (cost, every) in [(5.0, 2), (9.0, 3)] {
            let mut p = with_costs(Costs { piece: 0.1, thumbs: cost, ..Costs::default() });
            let painted: Vec<bool> = (1..=6).map(|f| p.plan(f as f64 * 1000.0).thumbs).collect();
            let expected: Vec<bool> = (1..=6).map(|f: u64| f.is_multiple_of(every)).collect();
            assert_eq!(painted, expected, "{cost} ms");
        }
    }

    /// An 18 ms step with an evaluation slice (12 ms) is a frame too many.
    #[test]
    fn an_evaluation_waits_for_a_frame_without_a_large_step() {
        let mut p = with_costs(Costs { piece: 18.0, ..Costs::default() });
        let first = p.plan(0.0);
        assert!(first.train && !first.eval, "{first:?}");
        let second = p.plan(16.0);
        assert!(!second.train && second.eval, "{second:?}");
    }

    /// A 15 ms piece with 12 ms of slow views would make a 27 ms frame:
    /// training and drawing take turns, and no frame plans over 20 ms.
    #[test]
    fn a_large_network_alternates_training_and_drawing_frames() {
        let mut p = with_costs(Costs { piece: 15.0, thumbs: 0.0, edges: 5.0, slow: 12.0 });
        let mut now = 0.0;
        let mut kinds = Vec::new();
        for _ in 0..12 {
            let plan = p.plan(now);
            let work = if plan.train { p.costs.piece } else { 0.0 } + p.expected(&plan);
            assert!(work <= MAX_TASK_MS, "{plan:?} plans {work} ms");
            if plan.slow {
                p.drew_slow(12.0, now);
            }
            if plan.edges {
                p.drew_edges(5.0, 0, now);
            }
            kinds.push(if plan.train { 'T' } else { 'D' });
            now += 100.0;
        }
        let text: String = kinds.into_iter().collect();
        assert!(text.contains("TD"), "{text}");
        assert!(text.matches('T').count() >= 6, "training starves: {text}");
    }

    #[test]
    fn the_evaluation_takes_a_tenth_of_the_time_at_most() {
        let mut p = Planner::default();
        p.evaluated(30.0, 1000.0);
        assert!(!p.eval_due(1299.0));
        assert!(p.eval_due(1300.0));
        p.evaluated(2.0, 2000.0);
        assert!(!p.eval_due(2099.0), "at most every 100 ms");
        assert!(p.eval_due(2100.0));
    }

    /// Before anything is timed, the first frame trains and draws nothing,
    /// the next draws and does not train.
    #[test]
    fn the_first_frames_train_and_draw_apart() {
        let mut p = Planner::default();
        let first = p.plan(0.0);
        assert!(first.train && !first.slow && !first.thumbs && !first.edges && !first.eval);
        let second = p.plan(16.0);
        assert!(!second.train && second.slow, "{second:?}");
    }

    /// 256 repainted canvases weigh 18 ms though the code took 2.
    #[test]
    fn repainted_canvases_count_in_the_thumbnails_cost() {
        let mut p = Planner::default();
        p.drew_thumbs(2.0, 256);
        assert!(
            (p.costs.thumbs - (2.0 + 256.0 * COMMIT_MS_PER_CANVAS)).abs() < 1e-9,
            "the first timing replaces the unknown"
        );
        p.drew_thumbs(1.0, 0);
        assert!((p.costs.thumbs - 0.9 * (2.0 + 256.0 * COMMIT_MS_PER_CANVAS)).abs() < 1e-9, "then it decays");
    }

    /// 2,000 edges weigh 16 ms though the code took 1: they are drawn at
    /// most every 170 ms (a tenth of the time), never with a training piece.
    #[test]
    fn many_edges_are_drawn_less_often() {
        let mut p = with_costs(Costs { piece: 18.0, ..Costs::default() });
        p.drew_edges(1.0, 2000, 0.0);
        assert!((p.costs.edges - 17.0).abs() < 1e-9, "{}", p.costs.edges);
        p.drew_slow(0.0, 0.0);
        assert!(!p.plan(100.0).edges);
        let later = [p.plan(171.0), p.plan(188.0)];
        assert!(later.iter().any(|plan| plan.edges && !plan.train), "{later:?}");
    }

    /// A slow piece counts at the next plan and decays frame by frame,
    /// however many cheap pieces a frame runs.
    #[test]
    fn costs_decay_frame_by_frame_after_one_slow_piece() {
        let mut p = Planner::default();
        assert!(!p.cheap(), "untimed training is not cheap");
        p.trained_piece(0.1);
        assert!(p.cheap(), "a cheap first frame is cheap before its plan folds it");
        p.trained_piece(50.0);
        for _ in 0..100 {
            p.trained_piece(1.0);
        }
        p.plan(0.0);
        assert_eq!(p.costs.piece, 50.0);
        for f in 1..=100 {
            p.trained_piece(1.0);
            p.plan(f as f64 * 16.0);
        }
        assert!(p.costs.piece < 3.0, "{}", p.costs.piece);
        assert!(p.cheap());
    }
}
