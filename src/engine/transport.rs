//! The transport as data: what the frame loop is doing ([`Mode`]), what the
//! status line and the Play button say about it, when training stops before
//! the next step, and which keyboard shortcut means which transport button.
//! The page (`web::app`) keeps the mode and acts on these decisions.

use crate::i18n;
use crate::view::Speed;

/// What the frame loop is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Not training.
    Paused,
    /// Training until Pause.
    Playing,
    /// Training towards the link's `step`, then pausing.
    FastForward(u64),
    /// Training until the epoch counter reaches this, then pausing.
    UntilEpoch(u64),
    /// A step produced a non-finite value; training cannot go on.
    Diverged,
}

impl Mode {
    /// The mode a link starts in: fast-forwarding to its `step`, else paused.
    pub fn for_link_step(step: Option<u64>) -> Mode {
        match step {
            Some(target) if target > 0 => Mode::FastForward(target),
            _ => Mode::Paused,
        }
    }

    /// Whether the trainer is training.
    pub fn trains(self) -> bool {
        matches!(self, Mode::Playing | Mode::FastForward(_) | Mode::UntilEpoch(_))
    }

    /// After Play/Pause: training pauses, a paused run plays, a diverged one stays.
    pub fn toggled(self) -> Mode {
        match self {
            Mode::Paused => Mode::Playing,
            Mode::Playing | Mode::FastForward(_) | Mode::UntilEpoch(_) => Mode::Paused,
            Mode::Diverged => Mode::Diverged,
        }
    }

    /// The mode's name, the same in every language (the status line's
    /// `data-mode`, which tests and scripts read).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Paused => "paused",
            Mode::Playing => "playing",
            Mode::FastForward(_) => "fast-forward",
            Mode::UntilEpoch(_) => "one-epoch",
            Mode::Diverged => "diverged",
        }
    }

    /// The status line's text (in the page's language), and whether the
    /// Play button reads Pause.
    pub fn status(self) -> (&'static str, bool) {
        match self {
            Mode::Paused => (i18n::text("transport.paused"), false),
            Mode::Playing => (i18n::text("transport.training"), true),
            Mode::FastForward(_) => (i18n::text("transport.fast_forward"), true),
            Mode::UntilEpoch(_) => (i18n::text("transport.one_epoch"), true),
            Mode::Diverged => (i18n::text("transport.diverged"), false),
        }
    }

    /// Whether training stops before the next step, and the mode after: the
    /// link's step or the epoch was reached (then pausing), or Play's speed
    /// allows no more this frame (`steps` trained so far in it; `epoch_limit`
    /// the epoch the speed stops at). Fast-forward and "one epoch" ignore the speed.
    pub fn stops_before_step(self, at: (u64, u64), speed: Speed, epoch_limit: Option<u64>, steps: u64) -> (bool, Mode) {
        let (step, epoch) = at;
        match self {
            Mode::FastForward(target) if step >= target => (true, Mode::Paused),
            Mode::UntilEpoch(target) if epoch >= target => (true, Mode::Paused),
            Mode::Playing => {
                let stop = match (speed, epoch_limit) {
                    (Speed::Batch, _) => steps >= 1,
                    (_, Some(limit)) => epoch >= limit,
                    _ => false,
                };
                (stop, self)
            }
            _ => (false, self),
        }
    }
}

/// A transport button a keyboard shortcut presses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// A transport button by id (`play`, `step-once`, …).
    Button(&'static str),
    /// `?`: toggle the help.
    Help,
    /// Escape: close the help.
    CloseHelp,
}

/// The shortcut of `key` (with Shift held or not), None for other keys.
/// While typing in a field only Escape counts; Space on a focused button is
/// the button's own click.
pub fn shortcut(key: &str, shift: bool, typing: bool, on_button: bool) -> Option<Shortcut> {
    match key {
        "Escape" => Some(Shortcut::CloseHelp),
        _ if typing => None,
        " " if !on_button => Some(Shortcut::Button("play")),
        "ArrowRight" if shift => Some(Shortcut::Button("step-epoch")),
        "ArrowRight" => Some(Shortcut::Button("step-once")),
        "r" | "R" => Some(Shortcut::Button("reset")),
        "n" | "N" => Some(Shortcut::Button("new-seed")),
        "s" | "S" => Some(Shortcut::Button("share")),
        "?" => Some(Shortcut::Help),
        _ => None,
    }
}

/// The notice for a link: the fields the codec rejected (`key=value: reason`),
/// and, when the config could not be trained, why the default experiment is shown.
pub fn link_notice(rejected: &[(String, String, String)], untrainable: Option<&str>) -> String {
    let mut notes: Vec<String> = rejected
        .iter()
        .map(|(k, v, why)| crate::tr!("transport.notice.item", key = k, value = v, reason = why))
        .collect();
    if !notes.is_empty() {
        notes.insert(0, crate::tr!("transport.notice.ignored"));
    }
    if let Some(err) = untrainable {
        notes.push(crate::tr!("transport.notice.untrainable", error = err));
    }
    notes.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn play_pause_and_the_status_line() {
        assert_eq!(Mode::Paused.toggled(), Mode::Playing);
        assert_eq!(Mode::FastForward(9).toggled(), Mode::Paused);
        assert_eq!(Mode::Diverged.toggled(), Mode::Diverged);
        assert_eq!(Mode::UntilEpoch(3).status(), ("Training one epoch", true));
        assert_eq!(Mode::Diverged.status(), ("Diverged", false));
        assert!(Mode::FastForward(1).trains() && !Mode::Diverged.trains());
        assert_eq!(Mode::for_link_step(Some(40)), Mode::FastForward(40));
        assert_eq!(Mode::for_link_step(Some(0)), Mode::Paused);
        assert_eq!(Mode::for_link_step(None), Mode::Paused);
    }

    #[test]
    fn training_stops_at_the_target_or_the_speed() {
        // Fast-forward to step 10: goes on at 9, pauses at 10, whatever the speed.
        assert_eq!(
            Mode::FastForward(10).stops_before_step((9, 0), Speed::Batch, None, 5),
            (false, Mode::FastForward(10))
        );
        assert_eq!(Mode::FastForward(10).stops_before_step((10, 0), Speed::Batch, None, 0), (true, Mode::Paused));
        assert_eq!(Mode::UntilEpoch(2).stops_before_step((50, 2), Speed::Fast, None, 0), (true, Mode::Paused));
        // Play: one mini-batch per frame at batch speed; up to the epoch limit otherwise.
        assert_eq!(Mode::Playing.stops_before_step((5, 0), Speed::Batch, None, 0), (false, Mode::Playing));
        assert_eq!(Mode::Playing.stops_before_step((5, 0), Speed::Batch, None, 1), (true, Mode::Playing));
        assert_eq!(Mode::Playing.stops_before_step((5, 3), Speed::Epoch, Some(3), 7), (true, Mode::Playing));
        assert_eq!(Mode::Playing.stops_before_step((5, 2), Speed::Epoch, Some(3), 7), (false, Mode::Playing));
        assert_eq!(Mode::Playing.stops_before_step((5, 2), Speed::Max, None, 700), (false, Mode::Playing));
    }

    #[test]
    fn keyboard_shortcuts() {
        assert_eq!(shortcut(" ", false, false, false), Some(Shortcut::Button("play")));
        assert_eq!(shortcut(" ", false, false, true), None, "space on a button clicks it");
        assert_eq!(shortcut("ArrowRight", true, false, false), Some(Shortcut::Button("step-epoch")));
        assert_eq!(shortcut("ArrowRight", false, false, false), Some(Shortcut::Button("step-once")));
        assert_eq!(shortcut("R", false, false, false), Some(Shortcut::Button("reset")));
        assert_eq!(shortcut("r", false, true, false), None, "typing in a field");
        assert_eq!(shortcut("Escape", false, true, false), Some(Shortcut::CloseHelp));
        assert_eq!(shortcut("?", true, false, false), Some(Shortcut::Help));
        assert_eq!(shortcut("x", false, false, false), None);
    }

    #[test]
    fn the_link_notice_lists_rejected_fields() {
        assert_eq!(link_notice(&[], None), "");
        let rejected = [("lr".to_string(), "banana".to_string(), "not a number".to_string())];
        assert_eq!(
            link_notice(&rejected, Some("no data")),
            "Some settings in the link were ignored (defaults used instead):\n• lr=banana: not a number\n\
             This link's settings cannot be trained (no data); showing the default experiment."
        );
    }
}
