//! The settings panel, generated from the link's settings table
//! ([`link::SETTINGS`]): one element per row with a panel, whose id *is* the
//! key (`#lr`, `#bs`, `#data`, …). Labels, help, choices, number bounds and
//! steps all come from the row, and values are always the link's own text,
//! so a control reads and writes exactly what the link holds:
//!
//! - showing a config: [`link::value_text`] → the control's value, and
//!   [`link::applies`] → whether it is shown;
//! - a change: the control's text → an [`Edit`], which the app applies with
//!   [`link::with_field`] or [`link::edit_network`].
//!
//! Classroom links hide or lock controls by key. Besides the plain rows,
//! three keys have richer editors: `data` (picker with y-up thumbnails),
//! `feat` (one toggle per feature) and `net` (the architecture editor:
//! add/remove layers, width, activation, BN, dropout; the link text of the
//! whole network stays editable in `#net`). This file only binds elements.

use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

use crate::engine::config::{Act, Config, DataConfig, DataKind, Feature, Named};
use crate::engine::grid::EXTENT;
use crate::engine::i18n::Lang;
use crate::engine::link::parse::{self, DROPOUT, LAYER_UNITS};
use crate::engine::link::{self, Kind, LayerEdit, Link, NetworkEdit, Panel, Setting, MAX_HIDDEN_LAYERS};
use crate::engine::rng::{Rng, Stream};
use crate::engine::view::Classroom;
use crate::viz::{points, thumbnail};

use super::dom::{self, append, create, create_text, set_attr, set_text, show};

/// The element `#controls-<panel>` in index.html a panel's controls go in.
fn container_id(panel: Panel) -> &'static str {
    match panel {
        Panel::Data => "controls-data",
        Panel::Layers => "controls-layers",
        Panel::Model => "controls-model",
        Panel::Training => "controls-training",
        Panel::Heatmap => "controls-heatmap",
        Panel::Charts => "controls-charts",
        Panel::Transport => "controls-transport",
        Panel::Masthead => "controls-masthead",
    }
}

/// What a user did to a control; becomes a config change in the app.
#[derive(Clone, Debug)]
pub enum Edit {
    /// A plain control `key` now reads `text` (link text).
    Field(&'static str, String),
    /// The data set picker.
    Data(DataKind),
    /// A feature toggled.
    Feature(Feature, bool),
    /// The architecture editor.
    Network(NetworkEdit),
}

/// Where the page sends edits.
pub type Sink = Rc<dyn Fn(Edit)>;

/// One built control row.
struct Built {
    spec: &'static Setting,
    /// The row (label + input), hidden when not applicable or by the link.
    wrapper: HtmlElement,
    /// The element with `id = key`.
    input: Element,
}

/// The architecture editor's per-layer inputs.
struct LayerRow {
    row: HtmlElement,
    units: HtmlInputElement,
    act: HtmlSelectElement,
    bn: HtmlInputElement,
    dropout: HtmlInputElement,
    remove: HtmlButtonElement,
}

/// All controls on the page.
pub struct Controls {
    built: Vec<Built>,
    data_buttons: Vec<(DataKind, HtmlButtonElement)>,
    features: Vec<(Feature, HtmlInputElement)>,
    layers_box: HtmlElement,
    layers: Vec<LayerRow>,
    add_layer: HtmlButtonElement,
    /// The "All layers" width and activation.
    all_units: Option<HtmlInputElement>,
    all_act: Option<HtmlSelectElement>,
    summary: HtmlElement,
    sink: Sink,
    locked: Classroom,
    listeners: Vec<EventListener>,
    layer_listeners: Vec<EventListener>,
}

impl Controls {
    /// Builds every control into its panel; edits go to `sink`.
    pub fn build(sink: Sink) -> Result<Controls, String> {
        let document = dom::document();
        let mut me = Controls {
            built: Vec::new(),
            data_buttons: Vec::new(),
            features: Vec::new(),
            layers_box: create("div", "layers"),
            layers: Vec::new(),
            add_layer: create("button", "small"),
            all_units: None,
            all_act: None,
            summary: create("p", "summary"),
            sink,
            locked: Classroom::default(),
            listeners: Vec::new(),
            layer_listeners: Vec::new(),
        };
        for spec in link::page_order() {
            let Some((panel, _)) = spec.panel else { continue };
            let panel = dom::by_id(&document, container_id(panel))?;
            let wrapper: HtmlElement = create("div", "field");
            wrapper.set_id(&format!("field-{}", spec.key));
            wrapper.set_title(spec.help());
            let input = me.build_one(spec, &wrapper)?;
            append(&panel, &wrapper);
            me.built.push(Built { spec, wrapper, input });
        }
        Ok(me)
    }

    /// The same controls built again in the current language (after a
    /// language change); the caller shows the config again.
    pub fn relabel(&mut self) -> Result<(), String> {
        for built in &self.built {
            built.wrapper.remove();
        }
        *self = Controls::build(Rc::clone(&self.sink))?;
        Ok(())
    }

    fn label(wrapper: &HtmlElement, spec: &Setting) {
        let label = create_text("label", "", &spec.title());
        set_attr(&label, "for", spec.key);
        append(wrapper, &label);
    }

    fn build_one(&mut self, spec: &Setting, wrapper: &HtmlElement) -> Result<Element, String> {
        let key = spec.key;
        match spec.kind {
            Kind::Choice(choice) => {
                Self::label(wrapper, spec);
                let select: HtmlSelectElement = create("select", "");
                select.set_id(key);
                for name in (choice.names)() {
                    let opt = create_text("option", "", option_label(spec, name));
                    if key == "lang" {
                        // Each language names itself, in itself.
                        set_attr(&opt, "lang", name);
                        set_attr(&opt, "translate", "no");
                    }
                    set_attr(&opt, "value", name);
                    append(&select, &opt);
                }
                append(wrapper, &select);
                self.on_change(&select, key);
                Ok(select.into())
            }
            Kind::Int { .. } | Kind::Real { .. } => {
                Self::label(wrapper, spec);
                let input: HtmlInputElement = create("input", "");
                input.set_id(key);
                input.set_type("number");
                set_number_bounds(&input, spec, &Link::default());
                set_attr(&input, "inputmode", "decimal");
                append(wrapper, &input);
                self.on_change(&input, key);
                Ok(input.into())
            }
            Kind::Check { .. } => {
                toggle_class_el(wrapper, "check");
                let input: HtmlInputElement = create("input", "");
                input.set_id(key);
                input.set_type("checkbox");
                append(wrapper, &input);
                Self::label(wrapper, spec);
                self.on_change(&input, key);
                Ok(input.into())
            }
            Kind::DataPicker(_) => {
                let title = create_text("span", "field-title", &spec.title());
                append(wrapper, &title);
                let group: HtmlElement = create("div", "data-picker");
                group.set_id(key);
                set_attr(&group, "role", "group");
                set_attr(&group, "aria-label", spec.label());
                for &kind in DataKind::VARIANTS {
                    let button: HtmlButtonElement = create("button", "data-choice");
                    button.set_id(&format!("data-{}", kind.name()));
                    button.set_type("button");
                    set_attr(&button, "aria-pressed", "false");
                    set_attr(&button, "data-value", kind.name());
                    let thumb = dom::canvas("data-thumb", 48, 48);
                    draw_data_thumb(&thumb, kind);
                    append(&button, &thumb);
                    append(&button, &create_text("span", "", &data_label(kind)));
                    let sink = Rc::clone(&self.sink);
                    self.listeners.push(EventListener::new(&button, "click", move |_| sink(Edit::Data(kind))));
                    append(&group, &button);
                    self.data_buttons.push((kind, button));
                }
                append(wrapper, &group);
                Ok(group.into())
            }
            Kind::Features => {
                let title = create_text("span", "field-title", &spec.title());
                append(wrapper, &title);
                let group: HtmlElement = create("div", "features");
                group.set_id(key);
                set_attr(&group, "role", "group");
                set_attr(&group, "aria-label", spec.label());
                for &feature in Feature::VARIANTS {
                    let label: HtmlElement = create("label", "feature");
                    let input: HtmlInputElement = create("input", "");
                    input.set_type("checkbox");
                    input.set_id(&format!("feat-{}", feature.name()));
                    append(&label, &input);
                    append(&label, &create_text("span", "", feature_label(feature)));
                    let sink = Rc::clone(&self.sink);
                    let el = input.clone();
                    self.listeners.push(EventListener::new(&input, "change", move |_| {
                        sink(Edit::Feature(feature, el.checked()))
                    }));
                    append(&group, &label);
                    self.features.push((feature, input));
                }
                append(wrapper, &group);
                Ok(group.into())
            }
            Kind::Network => {
                let title = create_text("span", "field-title", &spec.title());
                append(wrapper, &title);
                append(wrapper, &self.layers_box);
                self.add_layer.set_id("net-add");
                self.add_layer.set_type("button");
                self.add_layer.set_text_content(Some(&crate::tr!("web.controls.add_layer")));
                let sink = Rc::clone(&self.sink);
                self.listeners
                    .push(EventListener::new(&self.add_layer, "click", move |_| sink(Edit::Network(NetworkEdit::Add))));
                append(wrapper, &self.add_layer);
                append(wrapper, &self.all_layers_row());
                let text_label = create_text("label", "net-text-label", &crate::tr!("web.controls.as_link_text"));
                set_attr(&text_label, "for", key);
                append(wrapper, &text_label);
                let input: HtmlInputElement = create("input", "net-text");
                input.set_id(key);
                input.set_type("text");
                set_attr(&input, "spellcheck", "false");
                set_attr(&input, "autocomplete", "off");
                append(wrapper, &input);
                append(wrapper, &self.summary);
                self.on_change(&input, key);
                Ok(input.into())
            }
            Kind::Version | Kind::Text { .. } => Err(format!("{key} has no control")),
        }
    }

    fn on_change(&mut self, el: &Element, key: &'static str) {
        let sink = Rc::clone(&self.sink);
        let target = el.clone();
        self.listeners.push(EventListener::new(el, "change", move |_| sink(Edit::Field(key, dom::value_of(&target)))));
    }

    /// Shows `shown` (experiment, view and classroom flags) in every
    /// control, and which controls apply.
    pub fn show_config(&mut self, shown: &Link, n_params: usize) {
        let cfg = &shown.config;
        for b in &self.built {
            let key = b.spec.key;
            show(&b.wrapper, b.spec.is_member(shown) && !shown.classroom.hides(key));
            match b.spec.kind {
                Kind::DataPicker(_) => set_attr(&b.input, "data-value", cfg.data.kind.name()),
                Kind::Features => set_attr(&b.input, "data-value", &link::value_text(key, shown)),
                Kind::Int { .. } | Kind::Real { .. } => {
                    set_number_bounds(&b.input, b.spec, shown);
                    dom::set_value(&b.input, &link::value_text(key, shown));
                }
                _ => dom::set_value(&b.input, &link::value_text(key, shown)),
            }
        }
        for (kind, button) in &self.data_buttons {
            set_attr(button, "aria-pressed", if *kind == cfg.data.kind { "true" } else { "false" });
        }
        for (feature, input) in &self.features {
            let on = cfg.data.features.contains(feature);
            if input.checked() != on {
                input.set_checked(on);
            }
        }
        self.show_layers(cfg);
        let widths: Vec<String> = cfg.hidden.iter().map(|l| l.units.to_string()).collect();
        let summary = if widths.is_empty() {
            crate::tr!("web.controls.summary_none", params = n_params)
        } else {
            crate::tr!("web.controls.summary", layers = widths.len(), shape = widths.join("–"), params = n_params)
        };
        set_text(&self.summary, &summary);
        self.apply_locks(shown);
    }

    fn show_layers(&mut self, cfg: &Config) {
        if self.layers.len() != cfg.hidden.len() {
            dom::clear(&self.layers_box);
            self.layers.clear();
            self.layer_listeners.clear();
            for i in 0..cfg.hidden.len() {
                let row = self.layer_row(i);
                append(&self.layers_box, &row.row);
                self.layers.push(row);
            }
        }
        for (row, spec) in self.layers.iter().zip(&cfg.hidden) {
            dom::set_value(&row.units, &spec.units.to_string());
            dom::set_value(&row.act, spec.act.name());
            dom::set_value(&row.bn, if spec.batch_norm { "1" } else { "0" });
            dom::set_value(&row.dropout, &spec.dropout.to_string());
        }
        self.add_layer.set_disabled(cfg.hidden.len() >= MAX_HIDDEN_LAYERS);
    }

    /// "All layers": one width and one activation for every hidden layer at
    /// once (building a deep net of one kind takes two edits, not one per
    /// layer). The fields are empty prompts: a choice applies and clears.
    fn all_layers_row(&mut self) -> HtmlElement {
        let row: HtmlElement = create("div", "layer layer-all");
        append(&row, &create_text("span", "layer-name", &crate::tr!("web.controls.all")));
        let units: HtmlInputElement = create("input", "units");
        units.set_type("number");
        units.set_id("net-all-units");
        set_attr(&units, "min", &LAYER_UNITS.lo.to_string());
        set_attr(&units, "max", &LAYER_UNITS.hi.to_string());
        set_attr(&units, "placeholder", &crate::tr!("web.controls.all_width"));
        set_attr(&units, "aria-label", &crate::tr!("web.controls.all_width_label"));
        append(&row, &units);
        let act: HtmlSelectElement = create("select", "act");
        act.set_id("net-all-act");
        set_attr(&act, "aria-label", &crate::tr!("web.controls.all_act_label"));
        let prompt = crate::tr!("web.controls.all_act");
        for (value, label) in
            std::iter::once(("", prompt.as_str())).chain(parse::names::<Act>().into_iter().map(|n| (n, act_label(n))))
        {
            let opt = create_text("option", "", label);
            set_attr(&opt, "value", value);
            append(&act, &opt);
        }
        append(&row, &act);
        self.on_all(&units, LayerEdit::Units);
        self.on_all(&act, LayerEdit::Act);
        self.all_units = Some(units);
        self.all_act = Some(act);
        row
    }

    /// A change of an "All layers" field (an input or a select) edits every
    /// layer through `edit`, then clears the field back to its prompt.
    fn on_all(&mut self, field: &Element, edit: fn(String) -> LayerEdit) {
        let sink = Rc::clone(&self.sink);
        let el = field.clone();
        self.listeners.push(EventListener::new(field, "change", move |_| {
            let value = dom::value_of(&el);
            dom::set_value(&el, "");
            if !value.is_empty() {
                sink(Edit::Network(NetworkEdit::All(edit(value))));
            }
        }));
    }

    fn layer_row(&mut self, i: usize) -> LayerRow {
        let row: HtmlElement = create("div", "layer");
        append(&row, &create_text("span", "layer-name", &format!("{}", i + 1)));
        let id = |part: &str| format!("net-{i}-{part}");

        let units: HtmlInputElement = create("input", "units");
        units.set_type("number");
        units.set_id(&id("units"));
        set_attr(&units, "min", &LAYER_UNITS.lo.to_string());
        set_attr(&units, "max", &LAYER_UNITS.hi.to_string());
        set_attr(&units, "aria-label", &crate::tr!("web.controls.layer_width", n = i + 1));
        append(&row, &units);

        let act: HtmlSelectElement = create("select", "act");
        act.set_id(&id("act"));
        set_attr(&act, "aria-label", &crate::tr!("web.controls.layer_act", n = i + 1));
        for name in parse::names::<Act>() {
            let opt = create_text("option", "", act_label(name));
            set_attr(&opt, "value", name);
            append(&act, &opt);
        }
        append(&row, &act);

        let bn_label: HtmlElement = create("label", "bn");
        let bn: HtmlInputElement = create("input", "");
        bn.set_type("checkbox");
        bn.set_id(&id("bn"));
        append(&bn_label, &bn);
        append(&bn_label, &create_text("span", "", "BN"));
        append(&row, &bn_label);

        let do_label: HtmlElement = create("label", "dropout");
        append(&do_label, &create_text("span", "", &crate::tr!("web.controls.drop")));
        let dropout: HtmlInputElement = create("input", "");
        dropout.set_type("number");
        dropout.set_id(&id("do"));
        let (min, max) = DROPOUT.input_bounds(DROPOUT_STEP);
        set_attr(&dropout, "min", &min.to_string());
        set_attr(&dropout, "max", &max.to_string());
        set_attr(&dropout, "step", &DROPOUT_STEP.to_string());
        set_attr(&dropout, "aria-label", &crate::tr!("web.controls.layer_dropout", n = i + 1));
        append(&do_label, &dropout);
        append(&row, &do_label);

        let remove: HtmlButtonElement = create("button", "small remove");
        remove.set_type("button");
        remove.set_id(&id("remove"));
        remove.set_text_content(Some("×"));
        set_attr(&remove, "aria-label", &crate::tr!("web.controls.remove_layer", n = i + 1));
        append(&row, &remove);

        let sink = &self.sink;
        let mut listen = |el: &Element, event: &'static str, make: Box<dyn Fn() -> LayerEdit>| {
            let sink = Rc::clone(sink);
            self.layer_listeners
                .push(EventListener::new(el, event, move |_| sink(Edit::Network(NetworkEdit::Layer(i, make())))));
        };
        let u = units.clone();
        listen(&units, "change", Box::new(move || LayerEdit::Units(u.value())));
        let a = act.clone();
        listen(&act, "change", Box::new(move || LayerEdit::Act(a.value())));
        let b = bn.clone();
        listen(&bn, "change", Box::new(move || LayerEdit::BatchNorm(b.checked())));
        let d = dropout.clone();
        listen(&dropout, "change", Box::new(move || LayerEdit::Dropout(d.value())));
        listen(&remove, "click", Box::new(|| LayerEdit::Remove));
        LayerRow { row, units, act, bn, dropout, remove }
    }

    /// Disables the controls a link locked, the richer editors' parts with them.
    fn apply_locks(&mut self, shown: &Link) {
        let cfg = &shown.config;
        self.locked = shown.classroom.clone();
        let (mut data, mut feat, mut net) = (false, false, false);
        for b in &self.built {
            // Locked by the class link, or doing nothing in this experiment
            // (its reason shown under it): either way disabled, saying why.
            let lock = shown.classroom.lock_reason(b.spec.key);
            let unused = link::irrelevant_reason(b.spec.key, shown);
            let off = lock.is_some() || unused.is_some();
            dom::toggle_class(&b.wrapper, "locked", lock.is_some());
            dom::toggle_class(&b.wrapper, "off", unused.is_some());
            set_attr(&b.wrapper, "data-off", unused.unwrap_or(""));
            dom::set_disabled(&b.input, off);
            let title = lock.as_deref().or(unused).unwrap_or(b.spec.help());
            set_attr(&b.wrapper, "title", title);
            match b.spec.kind {
                Kind::DataPicker(_) => data = off,
                Kind::Features => feat = off,
                Kind::Network => net = off,
                _ => {}
            }
        }
        for (_, button) in &self.data_buttons {
            button.set_disabled(data);
        }
        for (_, input) in &self.features {
            input.set_disabled(feat);
        }
        self.add_layer.set_disabled(net || cfg.hidden.len() >= MAX_HIDDEN_LAYERS);
        let no_layers = net || cfg.hidden.is_empty();
        if let (Some(units), Some(act)) = (&self.all_units, &self.all_act) {
            units.set_disabled(no_layers);
            act.set_disabled(no_layers);
        }
        for row in &self.layers {
            row.units.set_disabled(net);
            row.act.set_disabled(net);
            row.bn.set_disabled(net);
            row.dropout.set_disabled(net);
            row.remove.set_disabled(net);
        }
    }

    /// Whether the link locked control `key`.
    pub fn is_locked(&self, key: &str) -> bool {
        self.locked.locks(key)
    }
}

/// Step of the dropout inputs' arrows.
const DROPOUT_STEP: f64 = 0.05;

/// Sets a number input's `min`, `max` and `step` from its row's range in `shown`.
fn set_number_bounds(input: &Element, spec: &Setting, shown: &Link) {
    let Some(n) = spec.number(shown) else { return };
    set_attr(input, "min", &n.min.to_string());
    set_attr(input, "max", &n.max.to_string());
    set_attr(input, "step", &if n.step > 0.0 { n.step.to_string() } else { "any".into() });
}

fn toggle_class_el(el: &HtmlElement, class: &str) {
    dom::toggle_class(el, class, true);
}

/// What a choice's option reads: its link name in English, a translation
/// in another language; the language menu names each language in itself
/// ("简体中文").
fn option_label(spec: &Setting, name: &'static str) -> &'static str {
    match (spec.key, Lang::from_name(name)) {
        ("lang", Some(lang)) => lang.endonym(),
        _ => spec.option_label(name),
    }
}

/// An activation's name in the layer editor (an option of the `net` row).
pub(crate) fn act_label(name: &'static str) -> &'static str {
    link::setting("net").map_or(name, |net| net.option_label(name))
}

/// A data set's name on its picker button, in the current language.
pub(crate) fn data_label(kind: DataKind) -> String {
    match kind {
        DataKind::Circle => crate::tr!("web.data.circle"),
        DataKind::Xor => crate::tr!("web.data.xor"),
        DataKind::Gauss => crate::tr!("web.data.gauss"),
        DataKind::Spiral => crate::tr!("web.data.spiral"),
        DataKind::Moons => crate::tr!("web.data.moons"),
        DataKind::Blobs => crate::tr!("web.data.blobs"),
        DataKind::SpiralK => crate::tr!("web.data.spiralk"),
        DataKind::Plane => crate::tr!("web.data.plane"),
        DataKind::MultiGauss => crate::tr!("web.data.mgauss"),
        DataKind::Digits => crate::tr!("web.data.digits"),
        DataKind::Custom => crate::tr!("web.data.custom"),
    }
}

/// Readable feature names.
fn feature_label(f: Feature) -> &'static str {
    match f {
        Feature::X1 => "x₁",
        Feature::X2 => "x₂",
        Feature::X1Sq => "x₁²",
        Feature::X2Sq => "x₂²",
        Feature::X1X2 => "x₁x₂",
        Feature::SinX1 => "sin x₁",
        Feature::SinX2 => "sin x₂",
    }
}

/// Draws a data set's thumbnail: its points (default settings, seed 1), y up
/// like every picture of the plane, as small outline-free dots (at this size
/// `viz::points`' white outlines would wash them out), or a mosaic of images
/// for digits.
fn draw_data_thumb(canvas: &HtmlCanvasElement, kind: DataKind) {
    let (w, h) = (canvas.width() as usize, canvas.height() as usize);
    let mut rgba = vec![255u8; w * h * 4];
    let mut data = DataConfig { kind, n_points: 200, ..DataConfig::default() };
    if kind == DataKind::Custom {
        data.points = crate::custom::thumb_points();
    }
    if kind == DataKind::Digits {
        // The set itself is fetched when chosen: its nine images the mosaic shows.
        thumbnail::paint_raw(&crate::engine::data::digits::preview(), w, h, &mut rgba);
    } else if let Ok(raw) = crate::engine::data::generate(&data, &mut Rng::new(1, Stream::Data)) {
        // Small filled dots without outlines (outlines would vanish on white).
        for p in points::from_raw(&raw, false) {
            let (cx, cy) = points::to_pixel(p.x1, p.x2, EXTENT, w, h);
            for dy in -1i32..=1 {
                for dx in -1i32..=1 {
                    let (x, y) = ((cx + dx as f32).floor(), (cy + dy as f32).floor());
                    if dx * dy != 0 || x < 0.0 || y < 0.0 || x >= w as f32 || y >= h as f32 {
                        continue;
                    }
                    let i = (y as usize * w + x as usize) * 4;
                    rgba[i..i + 3].copy_from_slice(&p.color);
                }
            }
        }
    }
    dom::blit(&dom::context(canvas), &rgba, w as u32, h as u32);
}
