//! The long checks off the main thread: a Web Worker that runs the gradient
//! check, the overfit check, the doctor and the learning-rate finder on a
//! snapshot of the trainer.
//!
//! Why a worker, and only for these: on the largest network the page allows
//! each check takes seconds (hundreds of forward passes), and a browser
//! tab that computes for more than 50 ms at a stretch stops answering.
//! The checks work on a copy of the trainer anyway, so handing them a
//! [`snapshot`] costs one copy and no change to their code; the worker
//! reports progress, and Cancel simply terminates it (the next check starts
//! a fresh one). Training and drawing stay on the main thread, cut into
//! slices by the frame loop (`app`): they touch the live model every frame,
//! and the views need its values there.
//!
//! An imported runs file is read and checked in a worker too
//! ([`parse_runs_off_thread`]): parsing megabytes of JSON takes longer
//! than a frame; the records are then merged on the page in slices.
//!
//! Imported runs are replayed there too ([`verify_runs_off_thread`]): each
//! replay trains a run again for all its steps.
//!
//! The worker loads the page's own wasm module (`www/check-worker.js`
//! imports the glue script whose URL this module knows), so there is one
//! build and one engine.
//!
//! Messages cross as postcard bytes (a `Uint8Array`, the format of the
//! snapshots): every number keeps its bits, NaN and infinities included (a
//! diverged run's losses), and no JS object is built field by field. When
//! the worker itself fails, its script posts `{ failed: why }` instead
//! ([`posted`] turns it into the message type's failure).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_events::EventListener;
use js_sys::{Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::engine::config::DataKind;
use crate::engine::instruments::long_checks::{self, Message, Request};
use crate::engine::progress::Progress;
use crate::engine::runs::import::Parsed;
use crate::engine::runs::verify::{self, Checked, Verdict};
use crate::engine::runs::RunRecord;
use crate::engine::snapshot;
use crate::engine::trainer::Trainer;

#[wasm_bindgen]
extern "C" {
    /// The URL of this module's JS glue (`import.meta.url` in the glue).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The worker script, next to the page.
const WORKER_SCRIPT: &str = "check-worker.js";

/// A message as postcard bytes in a `Uint8Array`.
fn to_wire<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let bytes = postcard::to_stdvec(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    Ok(Uint8Array::from(bytes.as_slice()).into())
}

/// A message from postcard bytes in a `Uint8Array`.
fn from_wire<T: DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let bytes = data.dyn_ref::<Uint8Array>().ok_or_else(|| "not a byte array".to_string())?;
    postcard::from_bytes(&bytes.to_vec()).map_err(|e| e.to_string())
}

/// What a worker posted: a message, or (when the worker's script caught an
/// error and posted `{ failed: why }`) the failure `failed` makes of the
/// reason; `Err` if the bytes are not a `T`.
fn posted<T: DeserializeOwned>(data: &JsValue, failed: impl FnOnce(String) -> T) -> Result<T, String> {
    match Reflect::get(data, &JsValue::from_str("failed")).ok().and_then(|v| v.as_string()) {
        Some(why) => Ok(failed(why)),
        None => from_wire(data),
    }
}

/// Whether a run's link trains on the digits set (its replay needs it).
fn on_digits(record: &RunRecord) -> bool {
    crate::engine::link::decode_link(&record.link).0.config.data.kind == DataKind::Digits
}

/// Worker side: the page's language (`lang`, a link value), so what the
/// worker writes is in it.
fn speak(lang: &str) {
    use crate::engine::named::Named;
    crate::engine::i18n::set(crate::engine::i18n::Lang::from_name(lang).unwrap_or_default());
}

/// The current language's link value, sent with every message to a worker.
fn lang_value() -> JsValue {
    JsValue::from_str(crate::engine::named::Named::name(crate::engine::i18n::current()))
}

/// Worker side: runs one check and posts its progress and outcome.
#[wasm_bindgen]
pub fn run_check_in_worker(request: Uint8Array, snapshot: Uint8Array, lang: String) {
    speak(&lang);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = |message: &Message| {
        if let Ok(value) = to_wire(message) {
            let _ = scope.post_message(&value);
        }
    };
    let request: Request = match from_wire(&request) {
        Ok(r) => r,
        Err(e) => return post(&Message::Failed(crate::tr!("web.worker.malformed_request", error = e))),
    };
    let trainer = match long_checks::restore(&snapshot.to_vec()) {
        Ok(t) => t,
        Err(e) => return post(&Message::Failed(e.to_string())),
    };
    let mut last = -1.0;
    let mut sink = |done: f64| {
        if long_checks::worth_posting(last, done) {
            last = done;
            post(&Message::Progress(done));
        }
    };
    let outcome = long_checks::run(&trainer, request, &mut Progress::to(&mut sink));
    post(&Message::Done(outcome));
}

/// Worker side: reads and checks an imported runs file and posts the
/// records back, one JSON text each ([`Parsed`]).
#[wasm_bindgen]
pub fn parse_runs_in_worker(text: String, lang: String) {
    speak(&lang);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok(value) = to_wire(&Parsed::of_file(&text)) {
        let _ = scope.post_message(&value);
    }
}

/// Shortest time between two of the verifying worker's answers, in ms.
const ANSWER_MS: f64 = 200.0;

/// Worker side: replays imported runs (as [`verify::to_replay`] wrote
/// them) and posts their verdicts ([`Checked`]) every [`ANSWER_MS`] and at
/// the end.
#[wasm_bindgen]
pub fn verify_runs_in_worker(records: String, lang: String) {
    speak(&lang);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let mut last = js_sys::Date::now();
    let mut due = || {
        let now = js_sys::Date::now();
        let due = now - last >= ANSWER_MS;
        if due {
            last = now;
        }
        due
    };
    let mut post = |checked: Checked| {
        if let Ok(value) = to_wire(&checked) {
            let _ = scope.post_message(&value);
        }
    };
    verify::verify_all(&records, &mut post, &mut due);
}

/// Page side: replays `records` in a worker of their own, handing each
/// answer to `on_checked`; the worker ends with its last answer. A worker
/// that fails leaves the runs it did not answer for not checked.
pub fn verify_runs_off_thread(records: &[RunRecord], on_checked: Rc<dyn Fn(Checked)>) -> Result<(), String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|e| format!("{e:?}"))?;
    // The worker and its listeners, kept until the last answer.
    type Held = Option<(Worker, Vec<EventListener>)>;
    let held: Rc<RefCell<Held>> = Rc::new(RefCell::new(None));
    let end = {
        let held = Rc::clone(&held);
        move || {
            if let Some((worker, listeners)) = held.borrow_mut().take() {
                worker.terminate();
                drop(listeners);
            }
        }
    };
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let deliver = Rc::clone(&on_checked);
    let finish = end.clone();
    let on_message = EventListener::new(&worker, "message", move |e| {
        let data = e.unchecked_ref::<MessageEvent>().data();
        let not_checked = || Checked { verdicts: Vec::new(), done: true };
        let checked = posted(&data, |_| not_checked()).unwrap_or_else(|_| not_checked());
        let done = checked.done;
        deliver(checked);
        if done {
            finish();
        }
    });
    let on_error = EventListener::new(&worker, "error", move |_| {
        let verdicts = ids.iter().map(|id| (id.clone(), Verdict::Unreplayable)).collect();
        on_checked(Checked { verdicts, done: true });
        end();
    });
    let message = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&message, &JsValue::from_str(k), v).map(drop);
    set("glue", &JsValue::from_str(&GLUE_URL.with(String::clone)))
        .and_then(|()| set("verify", &JsValue::from_str(&verify::to_replay(records))))
        .and_then(|()| set("lang", &lang_value()))
        .and_then(|()| set("digits", &JsValue::from_bool(records.iter().any(on_digits))))
        .and_then(|()| worker.post_message(&message))
        .map_err(|e| format!("{e:?}"))?;
    *held.borrow_mut() = Some((worker, vec![on_message, on_error]));
    Ok(())
}

/// Page side: reads and checks an imported runs file in a worker of its
/// own, ended after: the worker reads the file itself, so its megabytes
/// never cross the page's main thread as text (reading, converting and
/// parsing them would each take longer than a frame).
pub async fn parse_runs_off_thread(file: &web_sys::File) -> Result<Parsed, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|e| format!("{e:?}"))?;
    let answer: Rc<RefCell<Option<(js_sys::Function, js_sys::Function)>>> = Rc::new(RefCell::new(None));
    let promise = js_sys::Promise::new(&mut |resolve, reject| *answer.borrow_mut() = Some((resolve, reject)));
    let slot = Rc::clone(&answer);
    let settle = move |ok: bool, value: JsValue| {
        if let Some((resolve, reject)) = slot.borrow_mut().take() {
            let _ = if ok { resolve.call1(&JsValue::NULL, &value) } else { reject.call1(&JsValue::NULL, &value) };
        }
    };
    let on_message = {
        let settle = settle.clone();
        EventListener::new(&worker, "message", move |e| settle(true, e.unchecked_ref::<MessageEvent>().data()))
    };
    let on_error = EventListener::new(&worker, "error", move |e| {
        let text = e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).unwrap_or_default();
        settle(false, JsValue::from_str(&crate::tr!("web.worker.import_stopped", error = text)));
    });
    let message = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&message, &JsValue::from_str(k), v).map(drop);
    set("glue", &JsValue::from_str(&GLUE_URL.with(String::clone)))
        .and_then(|()| set("import", file))
        .and_then(|()| set("lang", &lang_value()))
        .and_then(|()| worker.post_message(&message))
        .map_err(|e| format!("{e:?}"))?;
    let reply = wasm_bindgen_futures::JsFuture::from(promise).await;
    drop((on_message, on_error));
    worker.terminate();
    let value = reply.map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?;
    posted(&value, Parsed::Rejected).map_err(|e| crate::tr!("web.worker.import_unreadable", error = e))
}

/// Page side: the running check, if any, and its worker.
pub struct CheckWorker {
    worker: Option<Worker>,
    listeners: Vec<EventListener>,
    running: Option<Request>,
    on_message: Rc<dyn Fn(Message)>,
    /// Counts cancellations, so a start's late post knows if it still counts.
    started: Rc<Cell<u64>>,
    /// The last snapshot's length, reserved for the next.
    snapshot_len: usize,
}

impl CheckWorker {
    /// A client whose worker's messages go to `on_message`.
    pub fn new(on_message: Rc<dyn Fn(Message)>) -> Self {
        Self { worker: None, listeners: Vec::new(), running: None, on_message, started: Rc::default(), snapshot_len: 0 }
    }

    /// The check running now.
    pub fn running(&self) -> Option<Request> {
        self.running
    }

    /// Starts `request` on a snapshot of `trainer` (cancelling a running check).
    ///
    /// The snapshot is taken now, but copied out of the module's memory and
    /// posted in the next task: on the largest networks each half takes
    /// milliseconds per megabyte, and one task doing both would be a long one.
    /// The copy's buffer is transferred, not cloned, to the worker.
    pub fn start(&mut self, request: Request, trainer: &Trainer) -> Result<(), String> {
        self.cancel();
        let worker = self.spawn()?;
        let mut bytes = Vec::with_capacity(self.snapshot_len);
        snapshot::encode_into(trainer, &mut bytes);
        self.snapshot_len = bytes.len();
        let message = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&message, &JsValue::from_str(k), v).map(drop);
        let glue = GLUE_URL.with(String::clone);
        set("glue", &JsValue::from_str(&glue))
            .and_then(|()| set("request", &to_wire(&request)?))
            .and_then(|()| set("lang", &lang_value()))
            .and_then(|()| set("digits", &JsValue::from_bool(trainer.cfg.data.kind == DataKind::Digits)))
            .map_err(|e| format!("{e:?}"))?;
        self.running = Some(request);
        let (deliver, started) = (Rc::clone(&self.on_message), Rc::clone(&self.started));
        let this_start = started.get();
        wasm_bindgen_futures::spawn_local(async move {
            crate::dom::next_task().await;
            let copy = Uint8Array::from(bytes.as_slice());
            drop(bytes);
            let posted = Reflect::set(&message, &JsValue::from_str("snapshot"), &copy)
                .and_then(|_| worker.post_message_with_transfer(&message, &js_sys::Array::of1(&copy.buffer())));
            // A check cancelled in between has a terminated worker: the post
            // went nowhere, and its failure is no one's news.
            if let Err(e) = posted {
                if started.get() == this_start {
                    deliver(Message::Failed(format!("{e:?}")));
                }
            }
        });
        Ok(())
    }

    /// The running check finished (its outcome arrived).
    pub fn finished(&mut self) {
        self.running = None;
    }

    /// Stops the running check at once (terminating its worker).
    pub fn cancel(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        self.listeners.clear();
        self.running = None;
        self.started.set(self.started.get() + 1);
    }

    /// The worker, started if there is none.
    fn spawn(&mut self) -> Result<Worker, String> {
        if let Some(w) = &self.worker {
            return Ok(w.clone());
        }
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_SCRIPT, &options).map_err(|e| format!("{e:?}"))?;
        let deliver = Rc::clone(&self.on_message);
        self.listeners.push(EventListener::new(&worker, "message", move |event| {
            let data = event.unchecked_ref::<MessageEvent>().data();
            let message = posted(&data, Message::Failed)
                .unwrap_or_else(|e| Message::Failed(crate::tr!("web.worker.checks_unreadable", error = e)));
            deliver(message);
        }));
        let deliver = Rc::clone(&self.on_message);
        self.listeners.push(EventListener::new(&worker, "error", move |event| {
            let text = event.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).unwrap_or_default();
            deliver(Message::Failed(crate::tr!("web.worker.checks_stopped", error = text)));
        }));
        self.worker = Some(worker.clone());
        Ok(worker)
    }
}
