//! How the page presents an experiment, apart from the experiment itself:
//! the view toggles a learner flips ([`View`]) and the flags a link's author
//! sets for a class ([`Classroom`]). Neither changes a number of the run, so
//! neither is part of [`crate::engine::config::Config`]; both travel in the
//! link beside it ([`crate::engine::link::Link`]).

use serde::{Deserialize, Serialize};

use crate::engine::named::Named;

/// What the page draws and how fast Play goes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Draw the test points on the output heatmap.
    pub show_test: bool,
    /// Discretize the output heatmap to the predicted class.
    pub discretize: bool,
    /// Log scale on the loss charts.
    pub log_scale: bool,
    /// How fast Play trains (a link's fast-forward always runs at full speed).
    pub speed: Speed,
    /// The checklist item the Learn panel shows (`#learn=3.4`).
    pub learn: Option<String>,
    /// The guided lesson open in the Learn panel (`#lesson=vanishing`).
    pub lesson: Option<String>,
}

/// What a link's author hides, locks or embeds for a class.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classroom {
    /// Controls hidden from the page (link keys or transport ids).
    pub hide: Vec<String>,
    /// Controls shown but locked (disabled).
    pub lock: Vec<String>,
    /// Embed mode: only the views, for iframes and slides.
    pub embed: bool,
}

impl Classroom {
    /// Whether the control `id` (a link key or a transport id) is hidden.
    pub fn hides(&self, id: &str) -> bool {
        self.hide.iter().any(|h| h == id)
    }

    /// Whether the control `id` is locked.
    pub fn locks(&self, id: &str) -> bool {
        self.lock.iter().any(|l| l == id)
    }
}

/// How much Play trains per animation frame. Each is also bounded by the
/// frame's time budget, so a slow network never blocks the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speed {
    /// One mini-batch per frame: watch single updates.
    Batch,
    /// One epoch per frame (TF Playground's pace): watch the boundary form.
    #[default]
    Epoch,
    /// Ten epochs per frame.
    Fast,
    /// As many steps as the frame's time budget allows.
    Max,
}

impl Speed {
    /// Epochs one frame may complete (`None`: no epoch bound; `Batch` is
    /// bounded by steps instead).
    pub fn epochs_per_frame(self) -> Option<u64> {
        match self {
            Speed::Epoch => Some(1),
            Speed::Fast => Some(10),
            Speed::Batch | Speed::Max => None,
        }
    }
}

impl Named for Speed {
    const VARIANTS: &'static [Self] = &[Speed::Batch, Speed::Epoch, Speed::Fast, Speed::Max];

    fn name(self) -> &'static str {
        match self {
            Speed::Batch => "batch",
            Speed::Epoch => "epoch",
            Speed::Fast => "fast",
            Speed::Max => "max",
        }
    }
}
