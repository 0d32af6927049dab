//! The instruments panel's elements, found once by id.

use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement,
};

use super::{HIST_H, HIST_W};
use crate::dom;

/// Elements of the panel, found by id.
pub(super) struct Els {
    pub(super) live_toggle: HtmlInputElement,
    pub(super) observe_note: HtmlElement,
    pub(super) layer_body: HtmlElement,
    pub(super) live_findings: HtmlElement,
    pub(super) summary_body: HtmlElement,
    pub(super) summary_total: HtmlElement,
    pub(super) il_verdict: HtmlElement,
    pub(super) il_measured: HtmlElement,
    pub(super) il_label_free: HtmlElement,
    pub(super) il_uniform: HtmlElement,
    pub(super) il_uniform_label: HtmlElement,
    pub(super) il_prior: HtmlElement,
    pub(super) il_causes: HtmlElement,
    pub(super) gc_verdict: HtmlElement,
    pub(super) gc_time: HtmlElement,
    pub(super) gc_table: HtmlElement,
    pub(super) gc_body: HtmlElement,
    pub(super) gc_kink: HtmlElement,
    pub(super) gc_sampling: HtmlElement,
    pub(super) of_k: HtmlInputElement,
    pub(super) of_verdict: HtmlElement,
    pub(super) of_time: HtmlElement,
    pub(super) of_steps: HtmlElement,
    pub(super) of_train_acc: HtmlElement,
    pub(super) of_loss: HtmlElement,
    pub(super) of_val_acc: HtmlElement,
    pub(super) of_chance: HtmlElement,
    pub(super) of_note: HtmlElement,
    pub(super) doc_time: HtmlElement,
    pub(super) doc_list: HtmlElement,
    pub(super) lf_time: HtmlElement,
    pub(super) lf_chart: HtmlCanvasElement,
    pub(super) lf_summary: HtmlElement,
    pub(super) lf_list: HtmlElement,
    /// The learning-rate finder's "use" buttons, in
    /// [`Rule::ALL`](crate::engine::instruments::lr_finder::Rule::ALL) order.
    pub(super) lf_use: [HtmlElement; 3],
    pub(super) cp_time: HtmlElement,
    pub(super) cp_lines: HtmlElement,
    pub(super) cp_advice: HtmlElement,
    pub(super) cp_live: HtmlInputElement,
    pub(super) cp_charts: HtmlElement,
    pub(super) cp_alpha_chart: HtmlCanvasElement,
    pub(super) cp_curve_chart: HtmlCanvasElement,
    pub(super) ls_time: HtmlElement,
    pub(super) ls_pictures: HtmlElement,
    pub(super) ls_curve: HtmlCanvasElement,
    pub(super) ls_map: HtmlCanvasElement,
    pub(super) ls_summary: HtmlElement,
    /// Per long check: its progress row, bar and percentage.
    pub(super) progress: [(HtmlElement, HtmlElement, HtmlElement); 7],
    pub(super) loss_data: HtmlElement,
    pub(super) loss_penalty: HtmlElement,
    pub(super) loss_ratio: HtmlElement,
    pub(super) loss_warning: HtmlElement,
    pub(super) clip_count: HtmlElement,
    pub(super) mode_note: HtmlElement,
    pub(super) sentinel: HtmlElement,
    pub(super) vs_box: HtmlElement,
    pub(super) vs_ratio: HtmlElement,
    pub(super) vs_body: HtmlElement,
    pub(super) hist_layer: HtmlSelectElement,
    pub(super) hist_kind: HtmlSelectElement,
    pub(super) hist_ctx: CanvasRenderingContext2d,
    pub(super) hist_range: HtmlElement,
    pub(super) sal_digits: HtmlElement,
    pub(super) sal_plane_note: HtmlElement,
    pub(super) sal_mode: HtmlSelectElement,
    pub(super) sal_canvas: HtmlCanvasElement,
    pub(super) sal_ctx: CanvasRenderingContext2d,
    pub(super) bug: HtmlSelectElement,
    pub(super) bug_reveal: HtmlButtonElement,
    pub(super) bug_status: HtmlElement,
    pub(super) bug_description: HtmlElement,
    pub(super) bug_caught_by: HtmlElement,
}

impl Els {
    pub(super) fn find(d: &Document) -> Result<Els, String> {
        let hist: HtmlCanvasElement = dom::typed(d, "histogram")?;
        hist.set_width(HIST_W as u32);
        hist.set_height(HIST_H as u32);
        let sal_canvas: HtmlCanvasElement = dom::typed(d, "heatmap-saliency")?;
        let mut f = dom::Finder::new(d);
        let els = Els {
            live_toggle: f.typed("live-instruments"),
            observe_note: f.el("inst-observe"),
            layer_body: f.or_stand_in(tbody(d, "layer-table")),
            live_findings: f.el("live-findings"),
            summary_body: f.or_stand_in(tbody(d, "model-summary")),
            summary_total: f.el("summary-total"),
            il_verdict: f.el("initial-loss-verdict"),
            il_measured: f.el("initial-loss-measured"),
            il_label_free: f.el("initial-loss-label-free"),
            il_uniform: f.el("initial-loss-uniform"),
            il_uniform_label: f.el("initial-loss-uniform-label"),
            il_prior: f.el("initial-loss-prior"),
            il_causes: f.el("initial-loss-causes"),
            gc_verdict: f.el("gradcheck-verdict"),
            gc_time: f.el("gradcheck-time"),
            gc_sampling: f.el("gradcheck-sampling"),
            gc_table: f.el("gradcheck-table"),
            gc_body: f.or_stand_in(tbody(d, "gradcheck-table")),
            gc_kink: f.el("gradcheck-kink"),
            of_k: f.typed("overfit-k"),
            of_verdict: f.el("overfit-verdict"),
            of_time: f.el("overfit-time"),
            of_steps: f.el("overfit-steps"),
            of_train_acc: f.el("overfit-train-acc"),
            of_loss: f.el("overfit-loss"),
            of_val_acc: f.el("overfit-val-acc"),
            of_chance: f.el("overfit-chance"),
            of_note: f.el("overfit-note"),
            doc_time: f.el("doctor-time"),
            progress: [
                (f.el("gradcheck-progress"), f.or_stand_in(bar(d, "gradcheck-progress")), f.el("gradcheck-percent")),
                (f.el("overfit-progress"), f.or_stand_in(bar(d, "overfit-progress")), f.el("overfit-percent")),
                (f.el("doctor-progress"), f.or_stand_in(bar(d, "doctor-progress")), f.el("doctor-percent")),
                (f.el("lrfind-progress"), f.or_stand_in(bar(d, "lrfind-progress")), f.el("lrfind-percent")),
                (f.el("cockpit-progress"), f.or_stand_in(bar(d, "cockpit-progress")), f.el("cockpit-percent")),
                (f.el("landscape-progress"), f.or_stand_in(bar(d, "landscape-progress")), f.el("landscape-percent")),
                (f.el("tryfix-progress"), f.or_stand_in(bar(d, "tryfix-progress")), f.el("tryfix-percent")),
            ],
            ls_time: f.el("landscape-time"),
            ls_pictures: f.el("landscape-pictures"),
            ls_curve: f.typed("landscape-curve"),
            ls_map: f.typed("landscape-map"),
            ls_summary: f.el("landscape-summary"),
            cp_time: f.el("cockpit-time"),
            cp_lines: f.el("cockpit-lines"),
            cp_advice: f.el("cockpit-advice"),
            cp_live: f.typed("cockpit-live"),
            cp_charts: f.el("cockpit-charts"),
            cp_alpha_chart: f.typed("cockpit-alpha-chart"),
            cp_curve_chart: f.typed("cockpit-curvature-chart"),
            lf_time: f.el("lrfind-time"),
            lf_chart: f.typed("lrfind-chart"),
            lf_summary: f.el("lrfind-summary"),
            lf_list: f.el("lrfind-suggestions"),
            lf_use: [f.el("lrfind-use-valley"), f.el("lrfind-use-steep"), f.el("lrfind-use-minimum")],
            doc_list: f.el("doctor-findings"),
            loss_data: f.el("loss-data"),
            loss_penalty: f.el("loss-penalty"),
            loss_ratio: f.el("loss-ratio"),
            loss_warning: f.el("loss-warning"),
            clip_count: f.el("clip-count"),
            mode_note: f.el("mode-note"),
            sentinel: f.el("sentinel"),
            vs_box: f.el("variance-shift-box"),
            vs_ratio: f.el("variance-shift-ratio"),
            vs_body: f.or_stand_in(tbody(d, "variance-shift")),
            hist_layer: f.typed("hist-layer"),
            hist_kind: f.typed("hist-kind"),
            hist_ctx: dom::context(&hist),
            hist_range: f.el("hist-range"),
            sal_digits: f.el("saliency-digits"),
            sal_plane_note: f.el("saliency-plane-note"),
            sal_mode: f.typed("saliency-mode"),
            sal_ctx: dom::context(&sal_canvas),
            sal_canvas,
            bug: f.typed("bug"),
            bug_reveal: f.typed("bug-reveal"),
            bug_status: f.el("bug-status"),
            bug_description: f.el("bug-description"),
            bug_caught_by: f.el("bug-caught-by"),
        };
        f.finish(els)
    }
}

/// The `<tbody>` of table `#id`.
fn tbody(d: &Document, id: &str) -> Result<HtmlElement, String> {
    child(d, id, "tbody")
}

/// The progress bar of the progress row `#id`.
fn bar(d: &Document, id: &str) -> Result<HtmlElement, String> {
    child(d, id, "progress")
}

/// The first `selector` inside `#id`.
fn child(d: &Document, id: &str, selector: &str) -> Result<HtmlElement, String> {
    dom::by_id(d, id)?
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
        .ok_or_else(|| format!("#{id} has no {selector}"))
}
