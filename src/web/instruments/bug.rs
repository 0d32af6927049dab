//! The bug lab of the instruments panel: plant a bug (`#bug`), or open a
//! "find the bug" link and press `#bug-reveal`. What it shows is
//! [`verdicts::bug_view`].

use super::Instruments;
use crate::dom::{append, create_text, set_attr, set_text, show};
use crate::engine::bug_lab::PlantedBug;
use crate::engine::config::Config;
use crate::engine::instruments::verdicts::{self, BugChoice};

impl Instruments {
    /// The `#bug` choice: the bug to plant (`Some(None)`: none), or None
    /// when nothing changes.
    pub fn picked_bug(&self, cfg: &Config) -> Option<Option<PlantedBug>> {
        verdicts::picked_bug(&self.els.bug.value(), cfg, js_sys::Math::random())
    }

    /// `#bug-reveal`.
    pub fn reveal(&mut self, cfg: &Config, planted: Option<PlantedBug>) {
        self.revealed = planted.map(|b| b.bug);
        self.show_bug(cfg, planted);
    }

    /// The bug lab's state for `planted` in the experiment `cfg`.
    pub fn show_bug(&mut self, cfg: &Config, planted: Option<PlantedBug>) {
        self.revealed = verdicts::still_revealed(self.revealed, planted);
        let view = verdicts::bug_view(cfg, planted, self.revealed);
        let els = &self.els;
        let hidden_opt = els.bug.query_selector("option[value=hidden]").ok().flatten();
        let _ = hidden_opt.map(|o| o.remove());
        match view.choice {
            BugChoice::Option(value) => els.bug.set_value(value),
            BugChoice::Hidden(label) => {
                let opt = create_text("option", "", label);
                set_attr(&opt, "value", "hidden");
                append(&els.bug, &opt);
                els.bug.set_value("hidden");
            }
        }
        set_text(&els.bug_status, &view.status);
        show(&els.bug_reveal, view.reveal);
        if let Some((name, description, caught_by)) = &view.known {
            set_text(&els.bug_description, description);
            set_text(&els.bug_caught_by, caught_by);
            set_attr(&els.bug_description, "data-bug", name);
        }
        show(&els.bug_description, view.known.is_some());
        show(&els.bug_caught_by, view.known.is_some());
    }
}
