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
// the page's language (`lang`), as postcard bytes. Cancel terminates this
// worker.
let module = null;

self.onmessage = async (event) => {
  const { glue, request, snapshot, import: file, verify, lang, digits } = event.data;
  try {
    module ??= import(glue).then(async (m) => {
      await m.default({ module_or_path: glue.replace(/\.js$/, '_bg.wasm') });
      return m;
    });
    const m = await module;
    // The module embeds English only, and not the digits set: another
    // language's catalog, and the set if the work trains on it, are
    // fetched first (src/web/assets.rs).
    await m.prepare_worker(lang ?? 'en', digits === true);
    if (file !== undefined) {
      let text;
      try {
        text = await file.text();
      } catch (err) {
        self.postMessage({ failed: `the file could not be read (${err})` });
        return;
      }
      m.parse_runs_in_worker(text, lang);
    } else if (verify !== undefined) {
      m.verify_runs_in_worker(verify, lang);
    } else {
      m.run_check_in_worker(request, snapshot, lang);
    }
  } catch (err) {
    // Rust's messages are postcard bytes; a failure here is posted as
    // { failed: why }, which the page reads as the check's failure, the
    // import's rejection, or (replays) runs left not checked.
    self.postMessage({ failed: `the worker could not start: ${err}` });
  }
};
