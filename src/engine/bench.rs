//! The benchmark workloads W1 `tfp-default`, W2 `tfp-max` and W3 `digits-mlp`
//! of docs/WORKLOADS.md, run through the same [`Trainer`] and
//! [`Model::predict_into`](crate::engine::model::Model::predict_into) the page
//! uses (no workload-specific fast path). The clock is passed in, so the same
//! code measures natively (`gradlab bench`) and in wasm (`web::bench_json`).
//!
//! A workload whose training diverges has no meaningful speed: [`run`] stops
//! at the first non-finite step and returns a [`BenchError`] naming the
//! workload, the step and the tensor, instead of a figure.

use crate::engine::config::{Act, Config, DataKind, Feature, LayerSpec, LossKind, OptimizerKind};
use crate::engine::data::{self, synth, Labels, RawData};
use crate::engine::rng::{Mulberry32, Uniform01};
use crate::engine::trainer::{NonFinite, StepOutcome, TrainOptions, Trainer};
use ndarray::Array2;
use serde::Serialize;
use std::fmt;

/// A benchmark workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// TF Playground defaults: circle, 2-4-2-1 tanh, SGD, batch 10.
    W1,
    /// Largest TF Playground net: spiral, 7 features, 6×8 ReLU.
    W2,
    /// Digits-shaped MLP: 64-128-64-10, softmax CE, Adam, batch 32.
    W3,
}

impl Workload {
    /// Every workload.
    pub const ALL: [Workload; 3] = [Workload::W1, Workload::W2, Workload::W3];

    /// Name as in WORKLOADS.md.
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1 tfp-default",
            Workload::W2 => "W2 tfp-max",
            Workload::W3 => "W3 digits-mlp",
        }
    }

    /// Parses `W1`, `w2`, `tfp-max`, ...
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.to_ascii_lowercase();
        Workload::ALL.into_iter().find(|w| {
            let name = w.name().to_ascii_lowercase();
            name == s || name.split(' ').any(|part| part == s)
        })
    }

    /// The trainer for this workload: data from mulberry32(seed 1), init seed 2.
    pub fn trainer(self) -> Trainer {
        let mut rng = Mulberry32::new(1);
        let (cfg, train, test, opts) = match self {
            Workload::W1 => {
                let raw = synth::circle(500, 0.0, &mut rng);
                let (train, test) = data::split(&raw, 50, &mut rng);
                (tfp_config(vec![4, 2], Act::Tanh, Feature::ALL[..2].to_vec()), train, test, tfp_options())
            }
            Workload::W2 => {
                let raw = synth::spiral(500, 0.0, &mut rng);
                let (train, test) = data::split(&raw, 50, &mut rng);
                (tfp_config(vec![8; 6], Act::Relu, Feature::ALL.to_vec()), train, test, tfp_options())
            }
            Workload::W3 => {
                let train = random_digits(&mut rng);
                let test = train.select(&[]);
                (digits_config(), train, test, TrainOptions { reshuffle: false, drop_last: true })
            }
        };
        Trainer::new(&cfg, &train, &test, opts).expect("workload configs are valid")
    }
}

fn tfp_options() -> TrainOptions {
    TrainOptions { reshuffle: false, drop_last: false }
}

fn tfp_config(widths: Vec<usize>, act: Act, features: Vec<Feature>) -> Config {
    let mut cfg = Config { seed: 2, ..Config::default() };
    cfg.hidden = widths.into_iter().map(|units| LayerSpec { units, act, batch_norm: false, dropout: 0.0 }).collect();
    cfg.data.features = features;
    cfg
}

fn digits_config() -> Config {
    let mut cfg = tfp_config(vec![128, 64], Act::Relu, vec![]);
    cfg.data.kind = DataKind::Digits;
    cfg.loss = LossKind::SoftmaxCe;
    cfg.optimizer = OptimizerKind::of(&crate::engine::optim::adam::ADAM);
    cfg.lr = 1e-3;
    cfg.batch_size = 32;
    cfg
}

/// W3's data: per sample 64 draws `floor(rand·17)/16`, then a label `floor(rand·10)`.
fn random_digits<R: Uniform01>(rng: &mut R) -> RawData {
    let n = 1797;
    let mut x = Array2::zeros((n, 64));
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..64 {
            x[[i, j]] = rng.below(17) as f64 / 16.0;
        }
        labels.push(rng.below(10));
    }
    RawData { x, labels: Labels::Classes { labels, n_classes: 10 }, planar: false }
}

/// The 100×100 decision grid of WORKLOADS.md, featurized like training inputs:
/// point (i, j) at `x = −6 + 12i/99`, `y = 6 − 12j/99`, `k = 100i + j`.
pub fn decision_grid(trainer: &Trainer) -> Option<Vec<f32>> {
    let map = trainer.input_map.as_ref()?;
    let d = trainer.model.n_in;
    let mut grid = vec![0.0f32; 100 * 100 * d];
    let mut row = vec![0.0f64; d];
    for i in 0..100 {
        for j in 0..100 {
            let (x, y) = (-6.0 + 12.0 * i as f64 / 99.0, 6.0 - 12.0 * j as f64 / 99.0);
            map.map_point(x, y, &mut row);
            let k = 100 * i + j;
            for (g, &v) in grid[k * d..(k + 1) * d].iter_mut().zip(&row) {
                *g = v as f32;
            }
        }
    }
    Some(grid)
}

/// A workload's data exactly as GradLab trains on it, for checking another
/// engine's port of the generators (`gradlab bench --data`): the training
/// inputs (featurized, f32) and encoded targets in epoch order, and the
/// featurized decision grid (W1, W2), one row per point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkloadData {
    /// Workload name.
    pub workload: String,
    /// Training inputs `[n, n_in]`.
    pub inputs: Vec<Vec<f32>>,
    /// Encoded targets `[n, n_out]` (±1 for W1/W2, one-hot for W3).
    pub targets: Vec<Vec<f32>>,
    /// Decision-grid inputs `[10 000, n_in]`, or `None` (W3).
    pub grid: Option<Vec<Vec<f32>>>,
}

impl Workload {
    /// The data this workload's trainer holds.
    pub fn data(self) -> WorkloadData {
        let trainer = self.trainer();
        let rows = |a: &Array2<f32>| a.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>();
        let d = trainer.model.n_in;
        let grid = decision_grid(&trainer)
            .filter(|_| self != Workload::W3)
            .map(|g| g.chunks(d).map(<[f32]>::to_vec).collect());
        WorkloadData {
            workload: self.name().to_string(),
            inputs: rows(&trainer.train.x),
            targets: rows(&trainer.train.targets),
            grid,
        }
    }
}

/// Repetition settings (WORKLOADS.md: ≥ 0.7 s warm-up, 7 reps of ≈ 1 s).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchOptions {
    /// Timed repetitions.
    pub reps: usize,
    /// Target length of one repetition, in ms.
    pub target_ms: f64,
    /// Warm-up length, in ms.
    pub warmup_ms: f64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self { reps: 7, target_ms: 1000.0, warmup_ms: 700.0 }
    }
}

/// One printed figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchFigure {
    /// `gradlab-native` or `gradlab-wasm`.
    pub engine: String,
    /// Workload name.
    pub workload: String,
    /// Median training throughput.
    pub samples_per_s: f64,
    /// Slowest repetition.
    pub samples_per_s_min: f64,
    /// Fastest repetition.
    pub samples_per_s_max: f64,
    /// Median grid frames per second (W1, W2).
    pub grid_frames_per_s: Option<f64>,
    /// Slowest grid repetition.
    pub grid_frames_per_s_min: Option<f64>,
    /// Fastest grid repetition.
    pub grid_frames_per_s_max: Option<f64>,
    /// Repetitions.
    pub reps: usize,
}

impl BenchFigure {
    /// One JSON line.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Why a workload could not be measured.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchError {
    /// Workload name.
    pub workload: String,
    /// Where training went non-finite.
    pub diverged: NonFinite,
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "benchmark {}: training diverged at {}", self.workload, self.diverged)
    }
}

impl std::error::Error for BenchError {}

/// Runs `unit` repeatedly until `target_ms` elapse; returns units per second,
/// or the first error of `unit`.
fn rate<E>(
    clock: &mut dyn FnMut() -> f64,
    target_ms: f64,
    unit: &mut dyn FnMut() -> Result<usize, E>,
) -> Result<f64, E> {
    let start = clock();
    let mut done = 0usize;
    loop {
        done += unit()?;
        let elapsed = clock() - start;
        if elapsed >= target_ms {
            return Ok(done as f64 / (elapsed / 1000.0));
        }
    }
}

/// Median, min and max of repeated rates after a warm-up.
fn measure<E>(
    clock: &mut dyn FnMut() -> f64,
    opts: &BenchOptions,
    unit: &mut dyn FnMut() -> Result<usize, E>,
) -> Result<(f64, f64, f64), E> {
    rate(clock, opts.warmup_ms, unit)?;
    let mut rates = Vec::with_capacity(opts.reps.max(1));
    for _ in 0..opts.reps.max(1) {
        rates.push(rate(clock, opts.target_ms, unit)?);
    }
    rates.sort_by(f64::total_cmp);
    Ok((rates[rates.len() / 2], rates[0], rates[rates.len() - 1]))
}

/// Trains one whole epoch; returns the samples it trained on, or where
/// training went non-finite.
fn epoch(trainer: &mut Trainer) -> Result<usize, NonFinite> {
    let start = trainer.epoch();
    while trainer.epoch() == start {
        if let StepOutcome::Diverged(d) = trainer.step() {
            return Err(d);
        }
    }
    Ok(trainer.samples_per_epoch())
}

/// Median, min and max training samples/s of `trainer` over whole epochs;
/// the first divergence ends the measurement.
pub fn training_rate(
    trainer: &mut Trainer,
    clock: &mut dyn FnMut() -> f64,
    opts: &BenchOptions,
) -> Result<(f64, f64, f64), NonFinite> {
    measure(clock, opts, &mut || epoch(trainer))
}

/// Measures one workload: training samples/s over whole epochs, and grid
/// frames/s where the workload has a grid. Fails if training diverges.
pub fn run(
    workload: Workload,
    engine: &str,
    clock: &mut dyn FnMut() -> f64,
    opts: &BenchOptions,
) -> Result<BenchFigure, BenchError> {
    let mut trainer = workload.trainer();
    let (med, min, max) = training_rate(&mut trainer, clock, opts)
        .map_err(|diverged| BenchError { workload: workload.name().to_string(), diverged })?;
    let mut trainer = workload.trainer();
    let grid = decision_grid(&trainer).filter(|_| workload != Workload::W3);
    let frames = grid.map(|grid| {
        let mut out = vec![0.0f32; 10_000 * trainer.model.n_out];
        let mut frame = || {
            trainer.predict(&grid, &mut out);
            Ok::<usize, std::convert::Infallible>(1)
        };
        let Ok(frames) = measure(clock, opts, &mut frame);
        frames
    });
    Ok(BenchFigure {
        engine: engine.to_string(),
        workload: workload.name().to_string(),
        samples_per_s: med,
        samples_per_s_min: min,
        samples_per_s_max: max,
        grid_frames_per_s: frames.map(|f| f.0),
        grid_frames_per_s_min: frames.map(|f| f.1),
        grid_frames_per_s_max: frames.map(|f| f.2),
        reps: opts.reps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::link as codec;
    use crate::engine::trainer::TensorKind;

    /// A clock that advances 1 ms each time it is read: one unit of work
    /// per millisecond, whatever the machine.
    fn ticking() -> impl FnMut() -> f64 {
        let mut now = 0.0;
        move || {
            now += 1.0;
            now
        }
    }

    const SHORT: BenchOptions = BenchOptions { reps: 3, target_ms: 4.0, warmup_ms: 2.0 };

    fn assert_close(got: f64, want: f64) {
        assert!((got - want).abs() <= 1e-9 * want, "{got} vs {want}");
    }

    #[test]
    fn a_diverging_trainer_fails_the_measurement() {
        // lr 10 on the linear regression set blows up in its first epoch of
        // 25 steps (measured: step 21, a non-finite gradient); the reference
        // is the same seeded trainer stepped by hand.
        let (cfg, rejected) = codec::decode("data=plane&out=linear&lr=10");
        assert!(rejected.is_empty(), "{rejected:?}");
        let mut reference = Trainer::from_config(&cfg).expect("valid");
        let diverged = (0..1000)
            .find_map(|_| match reference.step() {
                StepOutcome::Diverged(d) => Some(d),
                StepOutcome::Ok => None,
            })
            .expect("lr 10 diverges");
        // The budget (2 + 3 × 4 epochs) outlasts the divergence.
        assert!(diverged.step > 0 && diverged.step < 14 * 25, "diverged at step {}", diverged.step);
        let mut trainer = Trainer::from_config(&cfg).expect("valid");
        assert_eq!(training_rate(&mut trainer, &mut ticking(), &SHORT), Err(diverged.clone()));
        assert_eq!(trainer.step_count(), diverged.step, "measurement stops at the failing step");
    }

    #[test]
    fn a_divergence_names_the_workload_step_and_tensor() {
        let diverged = NonFinite {
            step: 7,
            layer: Some(1),
            layer_name: "tanh".into(),
            tensor: TensorKind::Activation,
            detail: String::new(),
        };
        let err = BenchError { workload: Workload::W1.name().to_string(), diverged };
        assert_eq!(
            err.to_string(),
            "benchmark W1 tfp-default: training diverged at step 7: non-finite activation in layer 1 (tanh)"
        );
    }

    #[test]
    fn figures_count_samples_and_frames_per_clock_second() {
        // One epoch (W1: 250 samples, W3: 1792) and one grid frame per tick of 1 ms.
        let w1 = run(Workload::W1, "test", &mut ticking(), &SHORT).expect("W1 trains");
        for rate in [w1.samples_per_s, w1.samples_per_s_min, w1.samples_per_s_max] {
            assert_close(rate, 250_000.0);
        }
        for rate in [w1.grid_frames_per_s, w1.grid_frames_per_s_min, w1.grid_frames_per_s_max] {
            assert_close(rate.expect("W1 has a grid"), 1000.0);
        }
        assert_eq!((w1.engine.as_str(), w1.workload.as_str(), w1.reps), ("test", "W1 tfp-default", 3));
        let w3 = run(Workload::W3, "test", &mut ticking(), &SHORT).expect("W3 trains");
        assert_close(w3.samples_per_s, 1_792_000.0);
        assert_eq!(w3.grid_frames_per_s, None);
    }

    #[test]
    fn workloads_have_the_specified_shapes() {
        let w1 = Workload::W1.trainer();
        assert_eq!((w1.train.len(), w1.test.len(), w1.model.n_params()), (250, 250, 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1));
        let w2 = Workload::W2.trainer();
        assert_eq!(w2.model.n_in, 7);
        assert_eq!(w2.model.n_params(), 7 * 8 + 8 + 5 * (8 * 8 + 8) + 8 + 1);
        let w3 = Workload::W3.trainer();
        assert_eq!(w3.samples_per_epoch(), 1792);
        assert_eq!(w3.model.n_params(), 17_226);
        assert_eq!(Workload::parse("w2"), Some(Workload::W2));
        assert_eq!(Workload::parse("digits-mlp"), Some(Workload::W3));
    }

    #[test]
    fn workload_data_is_the_trainers_data_in_epoch_order() {
        // The export is what the trainer holds (bench/peers/check.mjs checks
        // the JavaScript port of the generators against it).
        let w1 = Workload::W1.data();
        let t = Workload::W1.trainer();
        assert_eq!((w1.inputs.len(), w1.targets.len()), (250, 250));
        assert_eq!(w1.inputs[0], t.train.x.row(0).to_vec());
        assert!(w1.targets.iter().all(|t| t[0] == 1.0 || t[0] == -1.0), "W1 targets are ±1");
        let grid = w1.grid.expect("W1 has a grid");
        assert_eq!(
            (grid.len(), grid[0].as_slice(), grid[99].as_slice()),
            (10_000, &[-6.0, 6.0][..], &[-6.0, -6.0][..])
        );
        let w3 = Workload::W3.data();
        assert_eq!((w3.inputs.len(), w3.inputs[0].len(), w3.targets[0].len(), w3.grid), (1797, 64, 10, None));
        // Digits pixels are k/16 and every target row is one-hot.
        assert!(w3.inputs.iter().flatten().all(|&p| (p * 16.0).fract() == 0.0 && (0.0..=1.0).contains(&p)));
        assert!(w3.targets.iter().all(|t| t.iter().sum::<f32>() == 1.0 && t.iter().all(|&v| v == 0.0 || v == 1.0)));
    }

    #[test]
    fn decision_grid_follows_the_spec_orientation() {
        let w1 = Workload::W1.trainer();
        let g = decision_grid(&w1).expect("planar");
        // k = 0 is (−6, 6); k = 99 is (−6, −6); k = 9900 is (6, 6).
        assert_eq!((g[0], g[1]), (-6.0, 6.0));
        assert_eq!((g[2 * 99], g[2 * 99 + 1]), (-6.0, -6.0));
        assert_eq!((g[2 * 9900], g[2 * 9900 + 1]), (6.0, 6.0));
    }
}
