//! Your own data on the page: what the editor's actions do to the
//! experiment ([`crate::custom`] holds the elements).
//!
//! Every edit (a point added or erased, Clear, Undo, a CSV imported) makes
//! a new set of points; when it can train (its training share holds a
//! point) it becomes the experiment, a new run from step 0 with the link
//! rewritten; otherwise it is kept as a draft, drawn on the output view,
//! until enough points are added. A CSV with any problem changes nothing
//! and its message says why, with the line.

use super::App;
use crate::custom::{copy_of, plane_point, CustomAction, FileRead, Tool};
use crate::dom::{set_attr, set_text};
use crate::engine::config::{Config, CustomPoint, DataKind, Named};
use crate::engine::data::csv_points::{self, CsvProblem};
use crate::engine::data::custom;
use crate::engine::link::{self as codec, Link};

/// An edit of the custom points waiting for the next frames. A large set
/// is applied in parts, so that no task holds the page for long: reading
/// the file in its own task, the link in the next frame, the new run in the
/// frame after (drawn a part per frame from there, see `App::rebuilt`).
pub(super) struct PendingPoints {
    /// The experiment the points go into.
    cfg: Config,
    /// The new set.
    points: Vec<CustomPoint>,
    /// What the editor says once it is applied.
    message: String,
    /// A CSV import: the editor's message says whether it was taken.
    import: bool,
    /// The link has been written; the run is built next.
    linked: bool,
}

/// Characters of a file name shown in a message.
const NAME_CHARS: usize = 60;

/// A small set to start from when the data in view cannot be copied
/// (regression, digits): four points, XOR-like, two classes.
fn starter() -> Vec<CustomPoint> {
    [(-300, -300, 0), (300, 300, 0), (-300, 300, 1), (300, -300, 1)]
        .iter()
        .map(|&(x1, x2, class)| CustomPoint { x1, x2, class })
        .collect()
}

impl App {
    /// Applies one action of the editor.
    pub(super) fn custom(&mut self, action: CustomAction) {
        match action {
            CustomAction::Tool(tool) => self.custom_panel.tool = tool,
            CustomAction::Click(u, v, r) => {
                let (x1, x2) = plane_point(u, v);
                self.custom_apply(x1, x2, r * 2.0 * crate::engine::grid::EXTENT);
            }
            CustomAction::At(x1, x2) => self.custom_apply(x1, x2, crate::custom::ERASE_REACH),
            CustomAction::Clear => {
                if let Some(cfg) = self.custom_config() {
                    let n = cfg.data.points.len();
                    self.custom_points(cfg, Vec::new(), crate::tr!("web.custom.cleared", n = n));
                }
            }
            CustomAction::Undo => {
                if let (Some(cfg), Some(old)) = (self.custom_config(), self.custom_undo.clone()) {
                    let n = old.len();
                    self.custom_points(cfg, old, crate::tr!("web.custom.undone", n = n));
                }
            }
            CustomAction::Import(name, read) => self.custom_import(&name, read),
        }
    }

    /// The experiment whose custom points are being edited: the draft, else
    /// the running one when its data is custom.
    fn custom_config(&self) -> Option<Config> {
        let running = (self.trainer.cfg.data.kind == DataKind::Custom).then(|| self.trainer.cfg.clone());
        self.custom_draft.clone().or(running)
    }

    /// The data picker chose "custom": start from a copy of the points in
    /// view (a small starter set for regression or digits).
    pub(super) fn start_custom(&mut self) {
        if self.controls.is_locked("data") {
            return self.custom_say(&crate::tr!("web.app.locked", key = "data"));
        }
        let next = self.custom_preset();
        let copy = copy_of(&self.trainer.raw_train, &self.trainer.raw_test);
        let points = if custom::trainable(copy.len(), next.config.data.train_pct) { copy } else { starter() };
        let data = crate::controls::data_label(self.trainer.cfg.data.kind);
        let message = crate::tr!("web.custom.copied", n = points.len(), data = data);
        self.custom_points(next.config, points, message);
        self.custom_undo = None;
        self.custom_shown();
    }

    /// The running experiment with custom data chosen and its preset
    /// applied; the notice at the top says what the preset changed.
    fn custom_preset(&mut self) -> Link {
        let link = Link { config: self.trainer.cfg.clone(), ..self.link() };
        let (next, notice, _) = codec::presets::choose_data(&link, DataKind::Custom.name());
        if let Some(notice) = &notice {
            self.page.set_notice(notice);
        }
        next
    }

    /// The tool at the plane point `(x1, x2)`; erasing reaches `radius`.
    fn custom_apply(&mut self, x1: f64, x2: f64, radius: f64) {
        let Some(cfg) = self.custom_config() else { return };
        let mut points = cfg.data.points.clone();
        let at = |p: &CustomPoint| (format!("{:.2}", p.coords().0), format!("{:.2}", p.coords().1));
        let message = match self.custom_panel.tool {
            Tool::Add(class) => {
                if points.len() >= custom::MAX_POINTS {
                    return self.custom_say(&crate::tr!("web.custom.full", max = custom::MAX_POINTS));
                }
                let Some(p) = CustomPoint::at(x1, x2, class as usize) else {
                    return self.custom_say(&crate::tr!("web.custom.outside"));
                };
                points.push(p);
                let (x1, x2) = at(&p);
                crate::tr!("web.custom.added", class = class, x1 = x1, x2 = x2)
            }
            Tool::Erase => {
                let Some(i) = custom::nearest(&points, x1, x2, radius) else {
                    return self.custom_say(&crate::tr!("web.custom.nothing_near"));
                };
                let p = points.remove(i);
                let (x1, x2) = at(&p);
                crate::tr!("web.custom.erased", class = p.class, x1 = x1, x2 = x2)
            }
        };
        self.custom_points(cfg, points, message);
    }

    /// Reads an imported file; on any problem nothing changes.
    fn custom_import(&mut self, name: &str, read: FileRead) {
        let name: String = name.chars().take(NAME_CHARS).collect();
        let result = match read {
            FileRead::Bytes(bytes) => csv_points::read(&bytes).map_err(|e| e.to_string()),
            FileRead::TooLarge(n) => Err(CsvProblem::TooLarge(n).to_string()),
            FileRead::Failed(e) => Err(crate::tr!("web.custom.unreadable", error = e)),
        };
        let points = match result {
            Ok(points) => points,
            Err(message) => {
                self.custom_say(&message);
                set_attr(&self.custom_panel.msg, "data-result", "rejected");
                return;
            }
        };
        let cfg = match self.custom_config() {
            Some(cfg) => cfg,
            None if self.controls.is_locked("data") => {
                return self.custom_say(&crate::tr!("web.app.locked", key = "data"));
            }
            None => self.custom_preset().config,
        };
        let (n, k) = (points.len(), custom::n_classes(&points));
        let message = crate::tr!("web.custom.imported", n = n, k = k, file = name);
        // Applied in the next frame, not in the task that read the file.
        self.custom_pending = Some(PendingPoints { cfg, points, message, import: true, linked: false });
    }

    /// Makes `points` the custom set of `cfg`: the experiment when they can
    /// train (a new run from step 0), else a draft. `message` says what was
    /// done. A large set is applied over the next frames ([`PendingPoints`]).
    fn custom_points(&mut self, cfg: Config, points: Vec<CustomPoint>, message: String) {
        let edit = PendingPoints { cfg, points, message, import: false, linked: false };
        if edit.points.len() > super::STAGED_ROWS {
            self.custom_pending = Some(edit);
        } else {
            self.custom_points_now(edit);
        }
    }

    /// The next part of a pending edit: the link of a large set, else the
    /// edit itself.
    pub(super) fn custom_pending_part(&mut self, mut edit: PendingPoints) {
        if !edit.linked && edit.points.len() > super::STAGED_ROWS {
            edit.linked = true;
            if let Some(config) = self.custom_trained(&edit) {
                self.write_hash(&Link { config, ..self.link() });
            }
            self.custom_pending = Some(edit);
            return;
        }
        self.custom_points_now(edit);
    }

    /// The experiment an edit trains, if its points can train and the data
    /// is not locked.
    fn custom_trained(&self, edit: &PendingPoints) -> Option<Config> {
        let mut cfg = edit.cfg.clone();
        cfg.data.points = edit.points.clone();
        cfg.data.kind = DataKind::Custom;
        cfg.data.points_hash = None;
        cfg.step = None;
        let trains = custom::trainable(cfg.data.points.len(), cfg.data.train_pct) && !self.controls.is_locked("data");
        trains.then_some(cfg)
    }

    /// Applies an edit now (see [`App::custom_points`]).
    fn custom_points_now(&mut self, edit: PendingPoints) {
        let PendingPoints { mut cfg, points, message, import, .. } = edit;
        if self.controls.is_locked("data") {
            return self.custom_say(&crate::tr!("web.app.locked", key = "data"));
        }
        let before = std::mem::replace(&mut cfg.data.points, points);
        cfg.data.kind = DataKind::Custom;
        cfg.data.points_hash = None;
        cfg.step = None;
        self.custom_undo = Some(before);
        self.custom_say(&message);
        self.custom_draft = None;
        let undo = self.custom_undo.take();
        if custom::trainable(cfg.data.points.len(), cfg.data.train_pct) {
            self.set_config(cfg.clone(), "data");
        }
        self.custom_undo = undo;
        if self.trainer.cfg.data.kind != DataKind::Custom || self.trainer.cfg.data.points != cfg.data.points {
            self.custom_draft = Some(cfg.clone());
        }
        self.custom_shown();
        if import {
            // In the editor now: trained on, or a draft waiting for more points.
            let held = self.custom_config().is_some_and(|c| c.data.points == cfg.data.points);
            set_attr(&self.custom_panel.msg, "data-result", if held { "imported" } else { "rejected" });
        }
    }

    fn custom_say(&self, message: &str) {
        set_text(&self.custom_panel.msg, message);
        set_attr(&self.custom_panel.msg, "data-result", "");
    }

    /// The editor for the data now: tools and count line while custom, the
    /// draft's points drawn over the output view.
    pub(super) fn custom_shown(&mut self) {
        let Some(cfg) = self.custom_config() else {
            self.custom_panel.show(!self.classroom.hides("data"), None, false, "");
            crate::dom::toggle_class(&self.page.body, "custom-editing", false);
            return;
        };
        let points = &cfg.data.points;
        let n = points.len();
        let line = if self.custom_draft.is_some() {
            self.output.paint_custom(points);
            crate::tr!("web.custom.waiting", n = n)
        } else if codec::points::encode(points).len() > codec::points::MAX_LINK_CHARS {
            let count = crate::tr!("web.custom.count", n = n, k = custom::n_classes(points));
            format!("{count} {}", crate::tr!("web.custom.link_full", n = n))
        } else {
            crate::tr!("web.custom.count", n = n, k = custom::n_classes(points))
        };
        self.custom_panel.show(!self.classroom.hides("data"), Some(points), self.custom_undo.is_some(), &line);
        crate::dom::toggle_class(&self.page.body, "custom-editing", true);
    }

    /// A new run: when its data is not custom, the draft and Undo are dropped.
    pub(super) fn custom_rebuilt(&mut self) {
        if self.trainer.cfg.data.kind != DataKind::Custom {
            self.custom_draft = None;
            self.custom_undo = None;
        }
    }
}
