//! The whole experiment as one value.
//!
//! A [`Config`] plus its seed is everything needed to reproduce a run bit for
//! bit. `gradlab::engine::link` turns it into a short readable hash
//! (`lr=0.03&bs=10&...`) and back; parsing never fails: bad fields fall back
//! to defaults and are listed.

pub use crate::clip::ClipKind;
pub use crate::init::InitKind;
pub use crate::layers::Act;
pub use crate::loss::LossKind;
pub use crate::named::Named;
pub use crate::optim::OptimizerKind;
pub use crate::schedule::ScheduleKind;

mod live;
pub mod points;
pub use live::{check_changes, record_change, Change, Live, MAX_CHANGES};
pub use points::CustomPoint;

/// Version of the URL format written by `gradlab::engine::link::encode`.
pub const FORMAT_VERSION: u32 = 1;

/// Which data set to train on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DataKind {
    /// Two concentric rings (TF Playground "circle"). Binary.
    Circle,
    /// Four quadrants (TF Playground "xor"). Binary.
    Xor,
    /// Two Gaussian clusters (TF Playground "gauss"). Binary.
    Gauss,
    /// Two interleaved spirals (TF Playground "spiral"). Binary.
    Spiral,
    /// Two interleaving half circles. Binary.
    Moons,
    /// K Gaussian blobs on a circle. K classes.
    Blobs,
    /// K interleaved spiral arms. K classes.
    SpiralK,
    /// Regression: a tilted plane (TF Playground "reg-plane").
    Plane,
    /// Regression: a sum of Gaussians (TF Playground "reg-gauss").
    MultiGauss,
    /// The 8x8 handwritten digits, 1,797 images, 10 classes.
    Digits,
    /// Your own points ([`DataConfig::points`]), 2 to 5 classes.
    Custom,
}

/// The 2-D input features TF Playground offers, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Feature {
    /// x1
    X1,
    /// x2
    X2,
    /// x1²
    X1Sq,
    /// x2²
    X2Sq,
    /// x1·x2
    X1X2,
    /// sin x1
    SinX1,
    /// sin x2
    SinX2,
}

impl Feature {
    /// All features, in TF Playground's order.
    pub const ALL: [Feature; 7] =
        [Feature::X1, Feature::X2, Feature::X1Sq, Feature::X2Sq, Feature::X1X2, Feature::SinX1, Feature::SinX2];
}

/// The data part of an experiment.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DataConfig {
    /// Which generator.
    pub kind: DataKind,
    /// Number of points generated (TF Playground: 500). Ignored for digits.
    pub n_points: usize,
    /// Noise in percent, 0..=50.
    pub noise_pct: u32,
    /// Share of the points used for training, in percent, 10..=90.
    pub train_pct: u32,
    /// Share of class 1 in binary sets, in percent, 5..=50 (50 = balanced).
    pub minority_pct: u32,
    /// Number of classes for the K-class sets, 3..=5.
    pub classes: usize,
    /// Enabled 2-D input features (ignored for digits).
    pub features: Vec<Feature>,
    /// Standardize each input to zero mean and unit variance (train statistics).
    pub standardize: bool,
    /// The points of [`DataKind::Custom`], in order (ignored by the others).
    #[serde(default)]
    pub points: Vec<CustomPoint>,
    /// The content hash (`gradlab::engine::link::points::hash`) of custom
    /// points a link named but could not carry (`pts_hash=`); `points` is
    /// then empty and the data must come from a run record or a CSV.
    #[serde(default)]
    pub points_hash: Option<u64>,
}

/// Order of the layers inside a hidden block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlockOrder {
    /// Dense → BN → act → Dropout (the usual, variance-shift-free order).
    BnActDrop,
    /// Dense → act → Dropout → BN (dropout before BN: shows variance shift).
    ActDropBn,
}

/// One hidden block: Dense(units) with its activation, optional BN and dropout.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerSpec {
    /// Output width.
    pub units: usize,
    /// Activation after the dense (and BN, depending on order).
    pub act: Act,
    /// Whether a BatchNorm layer is in this block.
    pub batch_norm: bool,
    /// Dropout (drop) probability in [0, 1); 0 means no dropout layer.
    pub dropout: f64,
}

/// Output activation used with MSE (logit losses always use linear outputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OutputAct {
    /// tanh output, targets ±1 (TF Playground).
    Tanh,
    /// Linear output.
    Linear,
    /// Sigmoid output, targets 0/1.
    Sigmoid,
}

/// The whole experiment: every number of a run follows from it. A link
/// carries it beside the view, the classroom flags and a planted bug
/// (`gradlab::engine::link::Link`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// The one seed driving data, initialization, shuffles and dropout.
    pub seed: u64,
    /// A step to fast-forward to when the link is opened.
    pub step: Option<u64>,
    /// Data set, split and features.
    pub data: DataConfig,
    /// Hidden blocks, input to output.
    pub hidden: Vec<LayerSpec>,
    /// Order inside every hidden block.
    pub order: BlockOrder,
    /// BatchNorm running-average momentum (running = m·running + (1−m)·batch).
    pub bn_momentum: f64,
    /// BatchNorm ε.
    pub bn_eps: f64,
    /// Weight initializer.
    pub init: InitKind,
    /// Initial value of every bias.
    pub bias_init: f64,
    /// Training loss.
    pub loss: LossKind,
    /// Output activation when the loss is MSE.
    pub output_act: OutputAct,
    /// Slope of leaky ReLU for x < 0.
    pub leaky_slope: f64,
    /// L1 penalty strength (on weights, not biases).
    pub l1: f64,
    /// L2 penalty strength (on weights, not biases): ½·λ·‖w‖².
    pub l2: f64,
    /// Optimizer.
    pub optimizer: OptimizerKind,
    /// Base learning rate.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: ScheduleKind,
    /// Gradient clipping.
    pub clip: ClipKind,
    /// Mini-batch size, 1..=training-set size.
    pub batch_size: usize,
    /// Changes to the live settings mid-run, in step order (the fields
    /// above hold the settings at step 0).
    #[serde(default)]
    pub changes: Vec<Change>,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            kind: DataKind::Circle,
            n_points: 500,
            noise_pct: 0,
            train_pct: 50,
            minority_pct: 50,
            classes: 3,
            features: vec![Feature::X1, Feature::X2],
            standardize: false,
            points: Vec::new(),
            points_hash: None,
        }
    }
}

impl Default for Config {
    /// TF Playground's default experiment: circle, x1 x2, 4-2 tanh, lr 0.03, batch 10.
    fn default() -> Self {
        Self {
            seed: 1,
            step: None,
            data: DataConfig::default(),
            hidden: vec![
                LayerSpec { units: 4, act: Act::Tanh, batch_norm: false, dropout: 0.0 },
                LayerSpec { units: 2, act: Act::Tanh, batch_norm: false, dropout: 0.0 },
            ],
            order: BlockOrder::BnActDrop,
            bn_momentum: 0.9,
            bn_eps: 1e-5,
            init: InitKind::XavierUniform,
            bias_init: 0.0,
            loss: LossKind::Mse,
            output_act: OutputAct::Tanh,
            leaky_slope: 0.01,
            l1: 0.0,
            l2: 0.0,
            optimizer: OptimizerKind::of(&crate::optim::sgd::SGD),
            lr: 0.03,
            schedule: ScheduleKind::Constant,
            clip: ClipKind::None,
            batch_size: 10,
            changes: Vec::new(),
        }
    }
}

impl DataKind {
    /// Regression targets (a real number per point) instead of class labels.
    pub fn is_regression(self) -> bool {
        matches!(self, DataKind::Plane | DataKind::MultiGauss)
    }

    /// Exactly two classes (custom data: see [`DataConfig::is_binary`]).
    pub fn is_binary(self) -> bool {
        matches!(self, DataKind::Circle | DataKind::Xor | DataKind::Gauss | DataKind::Spiral | DataKind::Moons)
    }

    /// Points in the plane, fed through the 2-D [`Feature`]s (everything but digits).
    pub fn is_planar(self) -> bool {
        self != DataKind::Digits
    }
}

impl DataConfig {
    /// Exactly two classes: a binary generator, or custom points of classes 0 and 1 only.
    pub fn is_binary(&self) -> bool {
        match self.kind {
            DataKind::Custom => points::n_classes(&self.points) == 2,
            kind => kind.is_binary(),
        }
    }
}

impl Named for DataKind {
    const VARIANTS: &'static [Self] = &[
        DataKind::Circle,
        DataKind::Xor,
        DataKind::Gauss,
        DataKind::Spiral,
        DataKind::Moons,
        DataKind::Blobs,
        DataKind::SpiralK,
        DataKind::Plane,
        DataKind::MultiGauss,
        DataKind::Digits,
        DataKind::Custom,
    ];

    fn name(self) -> &'static str {
        match self {
            DataKind::Circle => "circle",
            DataKind::Xor => "xor",
            DataKind::Gauss => "gauss",
            DataKind::Spiral => "spiral",
            DataKind::Moons => "moons",
            DataKind::Blobs => "blobs",
            DataKind::SpiralK => "spiralk",
            DataKind::Plane => "plane",
            DataKind::MultiGauss => "mgauss",
            DataKind::Digits => "digits",
            DataKind::Custom => "custom",
        }
    }
}

impl Named for Feature {
    const VARIANTS: &'static [Self] = &Feature::ALL;

    fn name(self) -> &'static str {
        match self {
            Feature::X1 => "x1",
            Feature::X2 => "x2",
            Feature::X1Sq => "x1sq",
            Feature::X2Sq => "x2sq",
            Feature::X1X2 => "x1x2",
            Feature::SinX1 => "sinx1",
            Feature::SinX2 => "sinx2",
        }
    }
}

impl Named for BlockOrder {
    const VARIANTS: &'static [Self] = &[BlockOrder::BnActDrop, BlockOrder::ActDropBn];

    fn name(self) -> &'static str {
        match self {
            BlockOrder::BnActDrop => "bn-act-do",
            BlockOrder::ActDropBn => "act-do-bn",
        }
    }
}

impl Named for OutputAct {
    const VARIANTS: &'static [Self] = &[OutputAct::Tanh, OutputAct::Linear, OutputAct::Sigmoid];

    fn name(self) -> &'static str {
        match self {
            OutputAct::Tanh => "tanh",
            OutputAct::Linear => "linear",
            OutputAct::Sigmoid => "sigmoid",
        }
    }
}
