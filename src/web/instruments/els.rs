//! The instruments panel's elements, found once by id.

use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement,
};

use super::{HIST_H, HIST_W};
use crate::web::dom;

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
        let id = |name: &str| dom::by_id(d, name);
        let hist: HtmlCanvasElement = dom::typed(d, "histogram")?;
        hist.set_width(HIST_W as u32);
        hist.set_height(HIST_H as u32);
        let sal_canvas: HtmlCanvasElement = dom::typed(d, "heatmap-saliency")?;
        Ok(Els {
            live_toggle: dom::typed(d, "live-instruments")?,
            observe_note: id("inst-observe")?,
            layer_body: tbody(d, "layer-table")?,
            live_findings: id("live-findings")?,
            summary_body: tbody(d, "model-summary")?,
            summary_total: id("summary-total")?,
            il_verdict: id("initial-loss-verdict")?,
            il_measured: id("initial-loss-measured")?,
            il_label_free: id("initial-loss-label-free")?,
            il_uniform: id("initial-loss-uniform")?,
            il_uniform_label: id("initial-loss-uniform-label")?,
            il_prior: id("initial-loss-prior")?,
            il_causes: id("initial-loss-causes")?,
            gc_verdict: id("gradcheck-verdict")?,
            gc_time: id("gradcheck-time")?,
            gc_sampling: id("gradcheck-sampling")?,
            gc_table: id("gradcheck-table")?,
            gc_body: tbody(d, "gradcheck-table")?,
            gc_kink: id("gradcheck-kink")?,
            of_k: dom::typed(d, "overfit-k")?,
            of_verdict: id("overfit-verdict")?,
            of_time: id("overfit-time")?,
            of_steps: id("overfit-steps")?,
            of_train_acc: id("overfit-train-acc")?,
            of_loss: id("overfit-loss")?,
            of_val_acc: id("overfit-val-acc")?,
            of_chance: id("overfit-chance")?,
            of_note: id("overfit-note")?,
            doc_time: id("doctor-time")?,
            progress: [
                (id("gradcheck-progress")?, bar(d, "gradcheck-progress")?, id("gradcheck-percent")?),
                (id("overfit-progress")?, bar(d, "overfit-progress")?, id("overfit-percent")?),
                (id("doctor-progress")?, bar(d, "doctor-progress")?, id("doctor-percent")?),
                (id("lrfind-progress")?, bar(d, "lrfind-progress")?, id("lrfind-percent")?),
                (id("cockpit-progress")?, bar(d, "cockpit-progress")?, id("cockpit-percent")?),
                (id("landscape-progress")?, bar(d, "landscape-progress")?, id("landscape-percent")?),
                (id("tryfix-progress")?, bar(d, "tryfix-progress")?, id("tryfix-percent")?),
            ],
            ls_time: id("landscape-time")?,
            ls_pictures: id("landscape-pictures")?,
            ls_curve: dom::typed(d, "landscape-curve")?,
            ls_map: dom::typed(d, "landscape-map")?,
            ls_summary: id("landscape-summary")?,
            cp_time: id("cockpit-time")?,
            cp_lines: id("cockpit-lines")?,
            cp_advice: id("cockpit-advice")?,
            cp_live: dom::typed(d, "cockpit-live")?,
            cp_charts: id("cockpit-charts")?,
            cp_alpha_chart: dom::typed(d, "cockpit-alpha-chart")?,
            cp_curve_chart: dom::typed(d, "cockpit-curvature-chart")?,
            lf_time: id("lrfind-time")?,
            lf_chart: dom::typed(d, "lrfind-chart")?,
            lf_summary: id("lrfind-summary")?,
            lf_list: id("lrfind-suggestions")?,
            lf_use: [id("lrfind-use-valley")?, id("lrfind-use-steep")?, id("lrfind-use-minimum")?],
            doc_list: id("doctor-findings")?,
            loss_data: id("loss-data")?,
            loss_penalty: id("loss-penalty")?,
            loss_ratio: id("loss-ratio")?,
            loss_warning: id("loss-warning")?,
            clip_count: id("clip-count")?,
            mode_note: id("mode-note")?,
            sentinel: id("sentinel")?,
            vs_box: id("variance-shift-box")?,
            vs_ratio: id("variance-shift-ratio")?,
            vs_body: tbody(d, "variance-shift")?,
            hist_layer: dom::typed(d, "hist-layer")?,
            hist_kind: dom::typed(d, "hist-kind")?,
            hist_ctx: dom::context(&hist),
            hist_range: id("hist-range")?,
            sal_digits: id("saliency-digits")?,
            sal_plane_note: id("saliency-plane-note")?,
            sal_mode: dom::typed(d, "saliency-mode")?,
            sal_ctx: dom::context(&sal_canvas),
            sal_canvas,
            bug: dom::typed(d, "bug")?,
            bug_reveal: dom::typed(d, "bug-reveal")?,
            bug_status: id("bug-status")?,
            bug_description: id("bug-description")?,
            bug_caught_by: id("bug-caught-by")?,
        })
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
