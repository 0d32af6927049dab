//! The settings panel, built table-driven from [`CONTROLS`]: one row per link
//! key of the codec ([`codec::FIELDS`]), each becoming one element whose id
//! *is* the key (`#lr`, `#bs`, `#data`, …). Choices come from the config's
//! [`Named`] lists, and values are always the codec's own text, so a control
//! reads and writes exactly what the link holds:
//!
//! - showing a config: `(field.get)(cfg)` → the control's value;
//! - a change: the control's text → `(field.set)(&mut cfg, text)` (the codec
//!   validates it), then the cross-field checks via `decode(encode(cfg))`.
//!
//! Parameter keys (`mom`, `se`, `cv`, …) are shown only while their variant is
//! chosen (their getter returns `Some`), and a few data/model settings only
//! where they apply (e.g. `k` for K-class sets). Classroom links hide or lock
//! controls by key ([`Controls::apply_flags`]).
//!
//! Besides the plain rows, three keys have richer editors: `data` (picker
//! with y-up thumbnails), `feat` (one toggle per feature) and `net` (the
//! architecture editor: add/remove layers, width, activation, BN, dropout;
//! the codec text of the whole network stays editable in `#net`).

use std::rc::Rc;

use gloo_events::EventListener;
use web_sys::{Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

use crate::engine::config::codec::{self, FIELDS};
use crate::engine::config::{
    Act, BlockOrder, ClipKind, Config, DataConfig, DataKind, Feature, InitKind, LayerSpec, LossKind, Named,
    OptimizerKind, OutputAct, ScheduleKind, Speed,
};

use crate::engine::grid::EXTENT;
use crate::engine::rng::{Rng, Stream};
use crate::viz::{points, thumbnail};

use super::dom::{self, append, create, create_text, set_attr, set_text, show};

/// Which panel a control lives in (an element `#controls-<panel>` in index.html).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Data set, split and features.
    Data,
    /// Architecture, initialization and output.
    Model,
    /// Optimizer, loss, schedule, regularization, batch, seed.
    Training,
    /// Toggles above the output heatmap.
    Heatmap,
    /// Toggles above the charts.
    Charts,
    /// Next to the transport buttons (training speed).
    Transport,
}

impl Panel {
    fn container_id(self) -> &'static str {
        match self {
            Panel::Data => "controls-data",
            Panel::Model => "controls-model",
            Panel::Training => "controls-training",
            Panel::Heatmap => "controls-heatmap",
            Panel::Charts => "controls-charts",
            Panel::Transport => "controls-transport",
        }
    }
}

/// How a control is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `<select>` of the names of a [`Named`] type.
    Choice(fn() -> Vec<&'static str>),
    /// `<input type=number>` with min, max and step (`0` = any).
    Number(f64, f64, f64),
    /// `<input type=checkbox>` (codec text `0`/`1`).
    Check,
    /// The data-set picker (buttons with thumbnails).
    DataPicker,
    /// One checkbox per input feature.
    Features,
    /// The architecture editor plus its codec text.
    Network,
}

/// One row of the control table.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The codec key, which is also the element id.
    pub key: &'static str,
    /// Visible label.
    pub label: &'static str,
    /// Tooltip / description.
    pub help: &'static str,
    /// Where it goes.
    pub panel: Panel,
    /// How it is drawn.
    pub kind: Kind,
}

fn names<T: Named>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| v.name()).collect()
}

const fn row(key: &'static str, label: &'static str, help: &'static str, panel: Panel, kind: Kind) -> Spec {
    Spec { key, label, help, panel, kind }
}

/// Every control, in page order. Covers every codec key except `v` (the
/// format version), `step` (a link's fast-forward target) and the classroom
/// flags `hide`, `lock`, `embed` (set by the link author, not on the page).
pub const CONTROLS: &[Spec] = &[
    row("data", "Data set", "Which data to learn", Panel::Data, Kind::DataPicker),
    row("noise", "Noise %", "Label noise of the generator, 0–50 %", Panel::Data, Kind::Number(0.0, 50.0, 5.0)),
    row(
        "train",
        "Training share %",
        "Share of the points used for training",
        Panel::Data,
        Kind::Number(10.0, 90.0, 10.0),
    ),
    row(
        "minor",
        "Class 1 share %",
        "Share of class 1 (imbalance); 50 = balanced",
        Panel::Data,
        Kind::Number(5.0, 50.0, 5.0),
    ),
    row("k", "Classes", "Number of classes of the K-class sets", Panel::Data, Kind::Number(3.0, 5.0, 1.0)),
    row("n", "Points", "Number of points generated", Panel::Data, Kind::Number(10.0, 5000.0, 10.0)),
    row("feat", "Features", "Inputs computed from (x1, x2)", Panel::Data, Kind::Features),
    row("std", "Standardize inputs", "Zero mean, unit variance (training statistics)", Panel::Data, Kind::Check),
    row("net", "Hidden layers", "units:activation[:bn][:dRATE], comma-separated", Panel::Model, Kind::Network),
    row(
        "ord",
        "Block order",
        "Dense→BN→act→Dropout, or Dense→act→Dropout→BN",
        Panel::Model,
        Kind::Choice(names::<BlockOrder>),
    ),
    row(
        "bnm",
        "BN momentum",
        "Running statistics: m·running + (1−m)·batch",
        Panel::Model,
        Kind::Number(0.0, 0.999, 0.01),
    ),
    row("bne", "BN ε", "Added to the variance", Panel::Model, Kind::Number(1e-8, 1.0, 0.0)),
    row("slope", "Leaky ReLU slope", "Slope for x < 0", Panel::Model, Kind::Number(0.0, 0.99, 0.01)),
    row("init", "Initialization", "How the weights are drawn", Panel::Model, Kind::Choice(names::<InitKind>)),
    row(
        "ia",
        "Init parameter",
        "Constant value, uniform bound or normal σ",
        Panel::Model,
        Kind::Number(-10.0, 10.0, 0.01),
    ),
    row("bias", "Initial bias", "Every bias starts here", Panel::Model, Kind::Number(-10.0, 10.0, 0.1)),
    row("out", "Output activation", "With the MSE loss", Panel::Model, Kind::Choice(names::<OutputAct>)),
    row("lr", "Learning rate", "Applies mid-run", Panel::Training, Kind::Number(0.00001, 100.0, 0.0)),
    row("bs", "Batch size", "1 … the training set; applies mid-run", Panel::Training, Kind::Number(1.0, 100000.0, 1.0)),
    row("opt", "Optimizer", "Update rule", Panel::Training, Kind::Choice(names::<OptimizerKind>)),
    row("mom", "Momentum μ", "Momentum and Nesterov", Panel::Training, Kind::Number(0.0, 0.999, 0.01)),
    row("rho", "RMSProp ρ", "Decay of the squared-gradient average", Panel::Training, Kind::Number(0.0, 0.999, 0.01)),
    row("b1", "Adam β1", "First-moment decay", Panel::Training, Kind::Number(0.0, 0.999, 0.01)),
    row("b2", "Adam β2", "Second-moment decay", Panel::Training, Kind::Number(0.0, 0.9999, 0.001)),
    row("eps", "Optimizer ε", "Added to the root", Panel::Training, Kind::Number(1e-12, 1.0, 0.0)),
    row("wd", "Weight decay", "AdamW's decoupled decay", Panel::Training, Kind::Number(0.0, 10.0, 0.001)),
    row(
        "sched",
        "LR schedule",
        "Multiplier of the learning rate over steps; applies mid-run",
        Panel::Training,
        Kind::Choice(names::<ScheduleKind>),
    ),
    row(
        "se",
        "Schedule steps",
        "Decay interval, cosine period or warm-up length",
        Panel::Training,
        Kind::Number(1.0, 10_000_000.0, 1.0),
    ),
    row(
        "sg",
        "Schedule factor",
        "γ per interval, or the final cosine multiplier",
        Panel::Training,
        Kind::Number(0.0, 1.0, 0.05),
    ),
    row("loss", "Loss", "Training loss", Panel::Training, Kind::Choice(names::<LossKind>)),
    row("fg", "Focal γ", "Focusing parameter", Panel::Training, Kind::Number(0.0, 10.0, 0.5)),
    row("fa", "Focal α", "Weight of class 1", Panel::Training, Kind::Number(0.0, 1.0, 0.05)),
    row("l1", "L1", "L1 penalty strength; applies mid-run", Panel::Training, Kind::Number(0.0, 10.0, 0.0)),
    row("l2", "L2", "L2 penalty strength; applies mid-run", Panel::Training, Kind::Number(0.0, 10.0, 0.0)),
    row(
        "clip",
        "Gradient clipping",
        "By value or by global norm; applies mid-run",
        Panel::Training,
        Kind::Choice(names::<ClipKind>),
    ),
    row("cv", "Clip threshold", "Largest gradient value or norm", Panel::Training, Kind::Number(1e-6, 1e6, 0.0)),
    row(
        "seed",
        "Seed",
        "Drives data, initial weights, shuffles and dropout",
        Panel::Training,
        Kind::Number(0.0, 1.8446744073709552e19, 1.0),
    ),
    row("test", "Show test data", "Draw the test points on the output", Panel::Heatmap, Kind::Check),
    row("disc", "Discretize output", "Show the predicted class only", Panel::Heatmap, Kind::Check),
    row("log", "Log scale", "Logarithmic loss axis", Panel::Charts, Kind::Check),
    row(
        "speed",
        "Speed",
        "Per frame while playing: one mini-batch, one epoch, ten epochs, or as much as the frame allows",
        Panel::Transport,
        Kind::Choice(names::<Speed>),
    ),
];

/// Link keys deliberately without a settings control, and why.
pub const LINK_ONLY: &[(&str, &str)] = &[
    ("v", "format version"),
    ("step", "the step a shared link fast-forwards to (Share writes it)"),
    ("hide", "classroom flag set by the link's author"),
    ("lock", "classroom flag set by the link's author"),
    ("embed", "classroom flag set by the link's author"),
    ("bug", "planted bug for the bug lab, set by the link's author (the instruments panel owns its UI)"),
];

/// Whether a control applies to this config (irrelevant ones are not shown).
pub fn applies(key: &str, cfg: &Config) -> bool {
    let kind = cfg.data.kind;
    let any_bn = cfg.hidden.iter().any(|l| l.batch_norm);
    match key {
        "minor" => kind.is_binary(),
        "k" => matches!(kind, DataKind::Blobs | DataKind::SpiralK),
        "n" | "noise" | "feat" => kind.is_planar(),
        "ord" => any_bn && cfg.hidden.iter().any(|l| l.dropout > 0.0),
        "bnm" | "bne" => any_bn,
        "slope" => cfg.hidden.iter().any(|l| l.act == Act::LeakyRelu),
        "out" => cfg.loss == LossKind::Mse,
        "disc" => !kind.is_regression() && kind.is_planar(),
        "test" => kind.is_planar(),
        _ => field(key).is_none_or(|f| (f.get)(cfg).is_some() || !is_param_key(key)),
    }
}

/// Keys written only for some variant of another field.
fn is_param_key(key: &str) -> bool {
    matches!(key, "ia" | "fg" | "fa" | "mom" | "rho" | "b1" | "b2" | "eps" | "wd" | "se" | "sg" | "cv")
}

/// The codec row of `key`.
pub fn field(key: &str) -> Option<&'static codec::Field> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The codec text of `key` in `cfg` (empty when not written).
pub fn value_text(key: &str, cfg: &Config) -> String {
    field(key).and_then(|f| (f.get)(cfg)).unwrap_or_else(|| match key {
        "test" | "disc" | "log" => "0".into(),
        "speed" => Speed::default().name().into(),
        _ => String::new(),
    })
}

/// Applies `text` to the field `key` of a copy of `cfg` through the codec, then
/// the cross-field checks. Returns the new config and any messages (why the
/// value was refused, or which dependent field fell back).
pub fn with_field(cfg: &Config, key: &str, text: &str) -> (Config, Vec<String>) {
    let Some(f) = field(key) else {
        return (cfg.clone(), vec![format!("{key} is not a setting")]);
    };
    let mut next = cfg.clone();
    if let Err(reason) = (f.set)(&mut next, text.trim()) {
        return (cfg.clone(), vec![format!("{key}: {reason}; kept {}", value_text(key, cfg))]);
    }
    normalize(next)
}

/// Runs the codec's cross-field checks on `cfg` (`decode(encode(cfg))`).
pub fn normalize(cfg: Config) -> (Config, Vec<String>) {
    let step = cfg.step;
    let (mut checked, rejected) = codec::decode(&codec::encode(&cfg));
    checked.step = step;
    (checked, rejected.into_iter().map(|r| format!("{}: {}", r.key, r.reason)).collect())
}

/// What a user did to a control; becomes a config change in the app.
#[derive(Clone, Debug)]
pub enum Edit {
    /// A plain control `key` now reads `text` (codec text).
    Field(&'static str, String),
    /// The data set picker.
    Data(DataKind),
    /// A feature toggled.
    Feature(Feature, bool),
    /// A layer's property in the architecture editor.
    Layer(usize, LayerEdit),
    /// Add a hidden layer (a copy of the last, or 4 tanh).
    AddLayer,
}

/// One property of one hidden layer.
#[derive(Clone, Debug)]
pub enum LayerEdit {
    /// Width (text, validated).
    Units(String),
    /// Activation name.
    Act(String),
    /// BatchNorm on/off.
    BatchNorm(bool),
    /// Dropout rate (text).
    Dropout(String),
    /// Remove this layer.
    Remove,
}

/// The config after an architecture edit, or why it was refused.
pub fn edit_network(cfg: &Config, edit: &Edit) -> Result<Config, String> {
    let mut hidden = cfg.hidden.clone();
    match edit {
        Edit::AddLayer => {
            if hidden.len() >= codec::MAX_HIDDEN_LAYERS {
                return Err(format!("at most {} hidden layers", codec::MAX_HIDDEN_LAYERS));
            }
            let last = hidden.last().cloned().unwrap_or(LayerSpec {
                units: 4,
                act: Act::Tanh,
                batch_norm: false,
                dropout: 0.0,
            });
            hidden.push(last);
        }
        Edit::Layer(i, e) => {
            let Some(layer) = hidden.get_mut(*i) else {
                return Err("no such layer".into());
            };
            match e {
                LayerEdit::Units(t) => match t.trim().parse::<usize>() {
                    Ok(u) if (1..=256).contains(&u) => layer.units = u,
                    _ => return Err(format!("layer {}: width must be an integer between 1 and 256", i + 1)),
                },
                LayerEdit::Act(name) => {
                    layer.act = Act::from_name(name).ok_or_else(|| format!("unknown activation {name:?}"))?;
                }
                LayerEdit::BatchNorm(on) => layer.batch_norm = *on,
                LayerEdit::Dropout(t) => match t.trim().parse::<f64>() {
                    Ok(p) if (0.0..1.0).contains(&p) => layer.dropout = p,
                    _ => return Err(format!("layer {}: dropout must be at least 0 and below 1", i + 1)),
                },
                LayerEdit::Remove => {
                    hidden.remove(*i);
                }
            }
        }
        _ => return Ok(cfg.clone()),
    }
    let net = codec::encode(&Config { hidden, ..Config::default() });
    let text = net.split('&').find_map(|p| p.strip_prefix("net=")).unwrap_or("");
    let text = percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned();
    let (next, msgs) = with_field(cfg, "net", &text);
    match msgs.first() {
        Some(m) => Err(m.clone()),
        None => Ok(next),
    }
}

/// Where the page sends edits.
pub type Sink = Rc<dyn Fn(Edit)>;

/// One built control row.
struct Built {
    spec: Spec,
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
    summary: HtmlElement,
    sink: Sink,
    locked: Vec<String>,
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
            summary: create("p", "summary"),
            sink,
            locked: Vec::new(),
            listeners: Vec::new(),
            layer_listeners: Vec::new(),
        };
        for spec in CONTROLS {
            let panel = dom::by_id(&document, spec.panel.container_id())?;
            let wrapper: HtmlElement = create("div", "field");
            wrapper.set_id(&format!("field-{}", spec.key));
            wrapper.set_title(spec.help);
            let input = me.build_one(spec, &wrapper)?;
            append(&panel, &wrapper);
            me.built.push(Built { spec: *spec, wrapper, input });
        }
        Ok(me)
    }

    fn label(wrapper: &HtmlElement, spec: &Spec) {
        let label = create_text("label", "", spec.label);
        set_attr(&label, "for", spec.key);
        append(wrapper, &label);
    }

    fn build_one(&mut self, spec: &Spec, wrapper: &HtmlElement) -> Result<Element, String> {
        let key = spec.key;
        match spec.kind {
            Kind::Choice(options) => {
                Self::label(wrapper, spec);
                let select: HtmlSelectElement = create("select", "");
                select.set_id(key);
                for name in options() {
                    let opt = create_text("option", "", name);
                    set_attr(&opt, "value", name);
                    append(&select, &opt);
                }
                append(wrapper, &select);
                self.on_change(&select, key);
                Ok(select.into())
            }
            Kind::Number(min, max, step) => {
                Self::label(wrapper, spec);
                let input: HtmlInputElement = create("input", "");
                input.set_id(key);
                input.set_type("number");
                set_attr(&input, "min", &min.to_string());
                set_attr(&input, "max", &max.to_string());
                set_attr(&input, "step", &if step > 0.0 { step.to_string() } else { "any".into() });
                set_attr(&input, "inputmode", "decimal");
                append(wrapper, &input);
                self.on_change(&input, key);
                Ok(input.into())
            }
            Kind::Check => {
                toggle_class_el(wrapper, "check");
                let input: HtmlInputElement = create("input", "");
                input.set_id(key);
                input.set_type("checkbox");
                append(wrapper, &input);
                Self::label(wrapper, spec);
                self.on_change(&input, key);
                Ok(input.into())
            }
            Kind::DataPicker => {
                let title = create_text("span", "field-title", spec.label);
                append(wrapper, &title);
                let group: HtmlElement = create("div", "data-picker");
                group.set_id(key);
                set_attr(&group, "role", "group");
                set_attr(&group, "aria-label", spec.label);
                for &kind in DataKind::VARIANTS {
                    let button: HtmlButtonElement = create("button", "data-choice");
                    button.set_id(&format!("data-{}", kind.name()));
                    button.set_type("button");
                    set_attr(&button, "aria-pressed", "false");
                    set_attr(&button, "data-value", kind.name());
                    let thumb = dom::canvas("data-thumb", 48, 48);
                    draw_data_thumb(&thumb, kind);
                    append(&button, &thumb);
                    append(&button, &create_text("span", "", kind.name()));
                    let sink = Rc::clone(&self.sink);
                    self.listeners.push(EventListener::new(&button, "click", move |_| sink(Edit::Data(kind))));
                    append(&group, &button);
                    self.data_buttons.push((kind, button));
                }
                append(wrapper, &group);
                Ok(group.into())
            }
            Kind::Features => {
                let title = create_text("span", "field-title", spec.label);
                append(wrapper, &title);
                let group: HtmlElement = create("div", "features");
                group.set_id(key);
                set_attr(&group, "role", "group");
                set_attr(&group, "aria-label", spec.label);
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
                let title = create_text("span", "field-title", spec.label);
                append(wrapper, &title);
                append(wrapper, &self.layers_box);
                self.add_layer.set_id("net-add");
                self.add_layer.set_type("button");
                self.add_layer.set_text_content(Some("+ Add layer"));
                let sink = Rc::clone(&self.sink);
                self.listeners.push(EventListener::new(&self.add_layer, "click", move |_| sink(Edit::AddLayer)));
                append(wrapper, &self.add_layer);
                let text_label = create_text("label", "net-text-label", "As link text");
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
        }
    }

    fn on_change(&mut self, el: &Element, key: &'static str) {
        let sink = Rc::clone(&self.sink);
        let target = el.clone();
        self.listeners.push(EventListener::new(el, "change", move |_| sink(Edit::Field(key, dom::value_of(&target)))));
    }

    /// Shows `cfg` in every control, and which controls apply.
    pub fn show_config(&mut self, cfg: &Config, n_params: usize) {
        for b in &self.built {
            let key = b.spec.key;
            show(&b.wrapper, applies(key, cfg) && !cfg.view.hide.iter().any(|h| h == key));
            match b.spec.kind {
                Kind::DataPicker => set_attr(&b.input, "data-value", cfg.data.kind.name()),
                Kind::Features => set_attr(&b.input, "data-value", &value_text(key, cfg)),
                _ => dom::set_value(&b.input, &value_text(key, cfg)),
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
        let shape = if widths.is_empty() { "no hidden layer".to_string() } else { widths.join("–") };
        set_text(&self.summary, &format!("{} hidden layer(s): {shape}; {n_params} parameters", cfg.hidden.len()));
        self.apply_locks(cfg);
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
        self.add_layer.set_disabled(cfg.hidden.len() >= codec::MAX_HIDDEN_LAYERS);
    }

    fn layer_row(&mut self, i: usize) -> LayerRow {
        let row: HtmlElement = create("div", "layer");
        append(&row, &create_text("span", "layer-name", &format!("{}", i + 1)));
        let id = |part: &str| format!("net-{i}-{part}");

        let units: HtmlInputElement = create("input", "units");
        units.set_type("number");
        units.set_id(&id("units"));
        set_attr(&units, "min", "1");
        set_attr(&units, "max", "256");
        set_attr(&units, "aria-label", &format!("Layer {} width", i + 1));
        append(&row, &units);

        let act: HtmlSelectElement = create("select", "act");
        act.set_id(&id("act"));
        set_attr(&act, "aria-label", &format!("Layer {} activation", i + 1));
        for name in names::<Act>() {
            let opt = create_text("option", "", name);
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
        append(&do_label, &create_text("span", "", "drop"));
        let dropout: HtmlInputElement = create("input", "");
        dropout.set_type("number");
        dropout.set_id(&id("do"));
        set_attr(&dropout, "min", "0");
        set_attr(&dropout, "max", "0.95");
        set_attr(&dropout, "step", "0.05");
        set_attr(&dropout, "aria-label", &format!("Layer {} dropout rate", i + 1));
        append(&do_label, &dropout);
        append(&row, &do_label);

        let remove: HtmlButtonElement = create("button", "small remove");
        remove.set_type("button");
        remove.set_id(&id("remove"));
        remove.set_text_content(Some("×"));
        set_attr(&remove, "aria-label", &format!("Remove layer {}", i + 1));
        append(&row, &remove);

        let sink = &self.sink;
        let mut listen = |el: &Element, event: &'static str, make: Box<dyn Fn() -> LayerEdit>| {
            let sink = Rc::clone(sink);
            self.layer_listeners.push(EventListener::new(el, event, move |_| sink(Edit::Layer(i, make()))));
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

    /// Disables the controls a link locked (and everything while `all`).
    fn apply_locks(&mut self, cfg: &Config) {
        self.locked = cfg.view.lock.clone();
        let locked = |key: &str| cfg.view.lock.iter().any(|l| l == key);
        for b in &self.built {
            let off = locked(b.spec.key);
            dom::toggle_class(&b.wrapper, "locked", off);
            dom::set_disabled(&b.input, off);
        }
        for (_, button) in &self.data_buttons {
            button.set_disabled(locked("data"));
        }
        for (_, input) in &self.features {
            input.set_disabled(locked("feat"));
        }
        let net = locked("net");
        self.add_layer.set_disabled(net || cfg.hidden.len() >= codec::MAX_HIDDEN_LAYERS);
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
        self.locked.iter().any(|l| l == key)
    }
}

fn toggle_class_el(el: &HtmlElement, class: &str) {
    dom::toggle_class(el, class, true);
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
    let data = DataConfig { kind, n_points: 200, ..DataConfig::default() };
    if let Ok(raw) = crate::engine::data::generate(&data, &mut Rng::new(1, Stream::Data)) {
        if kind == DataKind::Digits {
            thumbnail::paint_raw(&raw, w, h, &mut rgba);
        } else {
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
    }
    dom::blit(&dom::context(canvas), &rgba, w as u32, h as u32);
}
