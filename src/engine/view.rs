//! How the page presents an experiment, apart from the experiment itself:
//! the view toggles a learner flips ([`View`]) and the flags a link's author
//! sets for a class ([`Classroom`]). Neither changes a number of the run, so
//! neither is part of [`crate::config::Config`]; both travel in the
//! link beside it (`gradlab::engine::link::Link`).

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::named::Named;

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
    /// The page's language (`#lang=zh-CN`).
    #[serde(default)]
    pub lang: Lang,
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
    /// A note from the link's author, shown to students as text.
    pub note: Option<String>,
}

/// Longest note a class link carries, in characters.
pub const MAX_NOTE: usize = 280;

/// A note as a link may carry it: trimmed, control characters refused,
/// at most [`MAX_NOTE`] characters; empty clears it.
pub fn parse_note(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    if s.chars().count() > MAX_NOTE {
        return Err(crate::tr!("link.note.too_long", max = MAX_NOTE));
    }
    if s.chars().any(char::is_control) {
        return Err(crate::tr!("link.note.control"));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// What `lock=data` locks: every data setting, the seed the data is drawn
/// from, and New seed (its button and its N key), so nothing regenerates
/// the data a class is meant to share.
pub const DATA_CONTROLS: &[&str] = &["data", "n", "noise", "train", "minor", "k", "feat", "std", "seed", "new-seed"];

impl Classroom {
    /// Whether the control `id` (a link key or a transport id) is hidden.
    pub fn hides(&self, id: &str) -> bool {
        self.hide.iter().any(|h| h == id)
    }

    /// Whether the control `id` is locked: named in `lock`, or a data
    /// control under `lock=data` ([`DATA_CONTROLS`]).
    pub fn locks(&self, id: &str) -> bool {
        self.lock_reason(id).is_some()
    }

    /// Why the control `id` is locked, for its tooltip and label; None when
    /// it is not.
    pub fn lock_reason(&self, id: &str) -> Option<String> {
        if self.lock.iter().any(|l| l == id) {
            Some(crate::tr!("link.lock.named", key = "lock", id = id))
        } else if self.lock.iter().any(|l| l == "data") && DATA_CONTROLS.contains(&id) {
            Some(crate::tr!("link.lock.data", lock = "lock=data"))
        } else {
            None
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_data_locks_every_data_setting_the_seed_and_new_seed() {
        let c = Classroom { lock: vec!["data".into()], ..Classroom::default() };
        for id in DATA_CONTROLS {
            assert!(c.locks(id), "{id}");
            assert!(c.lock_reason(id).is_some_and(|r| r.contains("lock=data")), "{id}");
        }
        for id in ["lr", "bs", "net", "play", "reset"] {
            assert!(!c.locks(id), "{id}");
        }
    }

    #[test]
    fn notes_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(parse_note("  Try lr 0.3 next  "), Ok(Some("Try lr 0.3 next".to_string())));
        assert_eq!(parse_note("   "), Ok(None));
        assert!(parse_note(&"x".repeat(MAX_NOTE + 1)).is_err());
        assert_eq!(parse_note(&"é".repeat(MAX_NOTE)).map(|n| n.map(|n| n.chars().count())), Ok(Some(MAX_NOTE)));
        assert!(parse_note("a\u{7}b").is_err() && parse_note("line\nbreak").is_err());
    }

    #[test]
    fn a_named_lock_locks_only_its_control_and_says_so() {
        let c = Classroom { lock: vec!["lr".into(), "reset".into()], ..Classroom::default() };
        assert_eq!(c.lock_reason("lr").as_deref(), Some("Locked by this class link (lock=lr)"));
        assert!(c.locks("reset") && !c.locks("data") && !c.locks("seed") && !c.locks("new-seed"));
        assert!(!Classroom::default().locks("lr"));
    }
}
