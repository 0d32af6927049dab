// GradLab's service worker: keeps the page working offline after one visit.
//
// BUILD (below) is the exact list of this build's files with their SHA-256,
// written at build time by scripts/precache.mjs (Trunk's post_build hook), and
// the build's version, a hash of every file (index.html carries it too, in
// <meta name="gradlab-build">). Each build caches its files under
// its own cache name; a new build changes this file, so the browser installs
// the new worker on the next visit, which caches the new files (each checked
// against its hash) and deletes the older builds' caches: nothing stays stale.
//
// Requests: only GET requests for this build's files inside the worker's
// scope (the page's folder) are answered, nothing cross-origin. Hashed file
// names (Trunk's content hashes) never change content, so the cache answers
// them first. The page itself and the unhashed files (check-worker.js,
// boot.js, the manifest, icons) come from the network first, the cache only
// when the network fails, answers with a server error, or has not answered
// within NETWORK_WAIT_MS (a classroom network that hangs): an online visit
// gets the deployed build, a bad network the cached one without a long wait.
const BUILD = null; // written by scripts/precache.mjs

const scope = new URL(self.registration.scope);
const prefix = `gradlab ${scope.pathname} `;
const CACHE = prefix + BUILD.version;
const FILES = new Map(BUILD.files.map((f) => [f.path, f]));

const absolute = (path) => new URL(path, scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `integrity`: a file that is not exactly this build's (a deployment in
    // progress) fails the install, which the browser retries on a later visit.
    await cache.addAll(BUILD.files.map((f) => new Request(absolute(f.path), { cache: 'no-cache', integrity: f.integrity })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(prefix) && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

/** The build file a request asks for (the page for its folder), if any. */
function fileOf(request) {
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const path = url.pathname.slice(scope.pathname.length);
  return FILES.get(path === '' ? 'index.html' : path) ?? null;
}

async function cached(file) {
  const cache = await caches.open(CACHE);
  return cache.match(absolute(file.path));
}

async function cacheFirst(file, request) {
  return (await cached(file)) ?? fetch(request);
}

/** How long the network may take to answer before the cached copy is used. */
const NETWORK_WAIT_MS = 3000;

async function networkFirst(file, request) {
  const network = fetch(request, { cache: 'no-cache' });
  network.catch(() => {}); // a late failure, after the cache answered, is no one's news
  const late = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS, null));
  try {
    const first = await Promise.race([network, late]);
    if (first?.ok) return first;
    // No answer yet, or a server error: the cached copy if there is one.
    return (await cached(file)) ?? first ?? (await network);
  } catch (err) {
    const hit = await cached(file);
    if (hit) return hit;
    throw err;
  }
}

// The page asks which build this worker caches (www/boot.js, after an update).
self.addEventListener('message', (event) => {
  if (event.data === 'build') event.ports[0]?.postMessage({ build: BUILD.version });
});

self.addEventListener('fetch', (event) => {
  const file = fileOf(event.request);
  if (!file) return; // not this build's: the browser fetches it as usual
  event.respondWith(file.immutable ? cacheFirst(file, event.request) : networkFirst(file, event.request));
});
