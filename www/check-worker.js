// GradLab's checks worker: runs the long checks (gradient check, overfit,
// doctor), reads imported runs files and replays imported runs off the
// page's main thread, so the page never freezes.
//
// It loads the page's own wasm module: the page sends its glue script's URL
// in every message (so no file name is written here), and the wasm file
// sits beside it under the same name with `_bg.wasm` (wasm-bindgen's
// naming, kept by Trunk's content hashes). Each message goes to Rust
// (`run_check_in_worker`, `parse_runs_in_worker` or `verify_runs_in_worker`,
// src/web/checks.rs), which posts the progress and the outcome back, in
// the page's language (`lang`). Cancel terminates this worker.
let module = null;

self.onmessage = async (event) => {
  const { glue, request, snapshot, import: file, verify, lang } = event.data;
  try {
    module ??= import(glue).then(async (m) => {
      await m.default({ module_or_path: glue.replace(/\.js$/, '_bg.wasm') });
      return m;
    });
    const m = await module;
    if (file !== undefined) {
      let text;
      try {
        text = await file.text();
      } catch (err) {
        self.postMessage({ Rejected: `the file could not be read (${err})` });
        return;
      }
      m.parse_runs_in_worker(text, lang);
    } else if (verify !== undefined) {
      m.verify_runs_in_worker(verify, lang);
    } else {
      m.run_check_in_worker(request, snapshot, lang);
    }
  } catch (err) {
    // The shape of Rust's `Checked` when replays cannot start: the page
    // marks the runs not answered for as not checked.
    if (verify !== undefined) return self.postMessage({ verdicts: [], done: true });
    // The shape of Rust's `Message::Failed(text)`, or of `Parsed::Rejected(text)`.
    const why = `the worker could not start: ${err}`;
    self.postMessage(file !== undefined ? { Rejected: why } : { Failed: why });
  }
};
