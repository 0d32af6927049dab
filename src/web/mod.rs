//! The wasm page layer: the only code that touches wasm-bindgen, web-sys and
//! js-sys. Compiled for `wasm32` only, as its own crate (`gradlab-web`, the
//! module Trunk builds): the release build compiles it for size, and the
//! engine it drives for speed (Cargo.toml, `[profile.release]`).
//!
//! - [`start`] (run when the module loads) installs the crash banner, reads
//!   the link (`location.hash`) and starts the app ([`app`]).
//! - [`bench_json`] and [`fingerprint_after`] are exported for benchmarks and
//!   tests: they need no DOM, so the same module also loads in Node. Values
//!   crossing into JavaScript are plain JS objects (built by `JSON.parse`
//!   from serde_json's text, [`json`]). [`last_frame_cost`] and
//!   [`wasm_memory_bytes`] serve the frame-time and soak benchmarks.
//!
//! Submodules: [`app`] (state, commands and frame loop), [`controls`] (the
//! settings panel, generated from the link's settings table), [`views`] (network diagram,
//! output heatmap, digits, charts), [`dom`] (elements, text, canvas blits),
//! [`crash`] (panic hook and error banner), [`runs`] (run history, table,
//! compare, export and import), [`lockstep`] (variants trained side by side), [`learn`] (the
//! checklist and the guided lessons), [`teacher`] (the class-link builder), [`lang`] (the page's static text in
//! the chosen language).

#![cfg(target_arch = "wasm32")]

pub mod app;
pub mod assets;
pub mod checks;
pub mod controls;
pub mod crash;
pub mod custom;
pub mod dom;
pub mod instruments;
pub mod json;
pub mod lang;
pub mod learn;
pub mod lockstep;
pub mod runs;
pub mod teacher;
pub mod views;

use std::cell::RefCell;
use std::rc::Rc;

// The engine and the drawing logic, under the paths the page's modules use
// (`crate::engine::…`, `crate::viz::…`, `crate::tr!`).
pub(crate) use gradlab::{engine, tr, viz};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::bench::{self, BenchOptions, Workload};
use crate::engine::link;

thread_local! {
    /// Keeps the running app alive for the page's lifetime.
    static RUNNER: RefCell<Option<Rc<app::Runner>>> = const { RefCell::new(None) };
}

/// Entry point, run when the module is instantiated. Does nothing outside a
/// browser window (Node, workers), so benchmarks can load the same module.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    crash::install(&window);
    let hash = window.location().hash().unwrap_or_default();
    if assets::waits_for_digits(&link::decode_link(hash.trim_start_matches('#')).0.config) {
        // The link's experiment is on the digits set: fetched first.
        wasm_bindgen_futures::spawn_local(async move {
            let fetched = assets::fetch_digits().await;
            launch(&window, fetched.err());
        });
    } else {
        launch(&window, None);
    }
}

/// Starts the app; `unfetched` says why the digits set the link wants
/// could not be fetched (the app then says so).
fn launch(window: &web_sys::Window, unfetched: Option<String>) {
    match app::Runner::start(window, unfetched) {
        Ok(runner) => RUNNER.with(|slot| *slot.borrow_mut() = Some(runner)),
        Err(message) => crash::show(&crate::tr!("web.crash.could_not_start", error = message)),
    }
}

/// Milliseconds from `performance.now()`, in a window, a worker or Node.
pub(crate) fn now_ms() -> f64 {
    thread_local! {
        static PERFORMANCE: Option<web_sys::Performance> =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
                .ok()
                .filter(|p| p.is_object())
                .map(JsCast::unchecked_into);
    }
    PERFORMANCE.with(|p| match p {
        Some(p) => p.now(),
        None => js_sys::Date::now(),
    })
}

/// Runs the anchor benchmark for one workload (`W1`/`W2`/`W3` or its name,
/// e.g. `tfp-default`) and returns its figure as a plain JS object (the
/// fields of [`bench::BenchFigure`], engine `gradlab-wasm`). The optional arguments override the repetition count,
/// the target time per repetition and the warm-up time (milliseconds).
#[wasm_bindgen]
pub fn bench_json(
    workload: &str,
    reps: Option<u32>,
    target_ms: Option<f64>,
    warmup_ms: Option<f64>,
) -> Result<JsValue, JsError> {
    let chosen = Workload::parse(workload).ok_or_else(|| {
        let names: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
        JsError::new(&format!("unknown workload {workload:?}; expected one of {names:?} (or W1, tfp-max, ...)"))
    })?;
    let defaults = BenchOptions::default();
    let opts = BenchOptions {
        reps: reps.map_or(defaults.reps, |r| r as usize),
        target_ms: target_ms.unwrap_or(defaults.target_ms),
        warmup_ms: warmup_ms.unwrap_or(defaults.warmup_ms),
    };
    let mut clock = now_ms;
    let figure = bench::run(chosen, "gradlab-wasm", &mut clock, &opts).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&figure)
}

/// A value as a plain JS object (maps as objects, `None` as `null`), not JSON text.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    json::to_object(value).map_err(|e| JsError::new(&e))
}

/// Trains the experiment of `link` (a URL hash, with or without `#`) for
/// `steps` steps from scratch and returns the fingerprint (16 hex digits).
/// Stops early if training diverges, like the native check does.
#[wasm_bindgen]
pub fn fingerprint_after(link: &str, steps: u32) -> Result<String, JsError> {
    let (link, _rejected) = link::decode_link(link.trim_start_matches('#'));
    let mut trainer =
        crate::engine::bug_lab::trainer(&link.config, link.bug).map_err(|e| JsError::new(&e.to_string()))?;
    for _ in 0..steps {
        if let crate::engine::trainer::StepOutcome::Diverged(_) = trainer.step() {
            break;
        }
    }
    Ok(trainer.fingerprint().to_string())
}

/// The settings table as a JS object, for the end-to-end tests: `controls`
/// (one object per control, in page order: `key`, `label`, `kind`, `options`
/// for choices, `min` / `max` for numbers, `default`, `live`), `codec_keys`,
/// every key of the link format, and `link_only`, the keys deliberately
/// without a control, so a test can check that every setting has one.
#[wasm_bindgen]
pub fn control_table() -> Result<JsValue, JsError> {
    to_js(&link::describe::describe())
}

/// Training and drawing milliseconds of the page's last animation frame,
/// and the instruments' share of them, the steps and the frame's plan, as a
/// plain JS object (`{train_ms, draw_ms, inst_ms, steps, plan: {…}}`), for
/// the frame-time benchmark.
#[wasm_bindgen]
pub fn last_frame_cost() -> Result<JsValue, JsError> {
    let cost = RUNNER.with(|slot| slot.borrow().as_ref().map(|r| r.last_frame())).unwrap_or_default();
    let p = cost.plan;
    to_js(&serde_json::json!({
        "train_ms": cost.train_ms, "draw_ms": cost.draw_ms, "inst_ms": cost.inst_ms, "steps": cost.steps,
        "plan": { "train": p.train, "thumbs": p.thumbs, "edges": p.edges, "slow": p.slow, "eval": p.eval },
    }))
}

/// Bytes of the module's linear memory (it only grows), for the soak
/// benchmark: flat over a long run means no leak on the Rust side.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

/// Panics on purpose, so the end-to-end test can check that a crash shows
/// the error banner and that its Reload button works. Only in builds with
/// the `test-hooks` feature (the page the tests build), never in the page
/// `scripts/serve.sh` serves.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn trigger_panic_for_test() {
    panic!("test panic requested by trigger_panic_for_test()");
}
