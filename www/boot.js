// GradLab's loader: starts the wasm module and the offline service worker.
//
// Trunk's own loader is an inline <script>, which the page's
// Content-Security-Policy (script-src 'self') refuses; Trunk.toml's
// `pattern_script` puts this file in its place instead, with the hashed
// names of the build's JS glue and wasm in data-glue and data-wasm
// (relative to the page, so the same build runs at / and under a sub-path).
//
// Then it registers sw.js (the offline cache; its scope is the page's
// folder). When the worker of a newly deployed build has taken over from
// the one this page started with (or the one the last visit recorded in
// localStorage: the new worker may take over before this script runs),
// #update says so: "this page is the new version" if the page is that build
// (its <meta name="gradlab-build">, written with the worker's file list by
// scripts/precache.mjs, equals the worker's), else "a new version is ready"
// with a Reload button. This runs before the wasm loads, so no takeover is
// missed.
const me = document.querySelector('script[data-glue]');
const url = (name) => new URL(me.getAttribute(name), document.baseURI).href;

/** The build version a service worker caches (it answers a 'build' message). */
function buildOf(worker) {
  return new Promise((ok) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => ok(event.data?.build);
    worker.postMessage('build', [channel.port2]);
  });
}

/** Shows #update: `isNew` when this page is the build now cached. */
function showUpdate(isNew) {
  const el = (id) => document.getElementById(id);
  el('update-new').hidden = !isNew;
  el('update-ready').hidden = isNew;
  el('update-reload').hidden = isNew;
  el('update').hidden = false;
  document.body.dataset.update = isNew ? 'new' : 'ready';
}

/** The last build this folder's worker was seen caching, if storage works. */
const seenKey = `gradlab-build ${new URL('.', location.href).pathname}`;
function storedBuild(value) {
  try {
    if (value !== undefined) localStorage.setItem(seenKey, value);
    return localStorage.getItem(seenKey);
  } catch {
    return null;
  }
}

if ('serviceWorker' in navigator) {
  const sw = navigator.serviceWorker;
  const page = document.querySelector('meta[name=gradlab-build]')?.content;
  let seen = storedBuild();
  const check = async () => {
    if (!sw.controller) return;
    const now = await buildOf(sw.controller);
    if (seen && now !== seen) showUpdate(now === page);
    seen = storedBuild(now) ?? now;
  };
  sw.addEventListener('controllerchange', check);
  check();
  document.getElementById('update-reload').addEventListener('click', () => location.reload());
  document.getElementById('update-close').addEventListener('click', () => {
    document.getElementById('update').hidden = true;
  });
  sw.register('sw.js', { updateViaCache: 'none' }).catch((err) => {
    // No offline copy (e.g. storage refused); the page works on.
    console.warn(`GradLab: no offline copy (${err})`);
  });
}

const bindings = await import(url('data-glue'));
await bindings.default({ module_or_path: url('data-wasm') });
window.wasmBindings = bindings;
