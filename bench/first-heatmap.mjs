// Time to the first heatmap, and the page's size (not a pass/fail test).
//
//   node bench/first-heatmap.mjs [--url http://127.0.0.1:PORT/] [--runs 5] [--link '<hash>']
//
// Loads the built page (serving dist/ itself unless --url is given) in
// headless Chromium, each time in a fresh browser context (a first visit:
// no HTTP cache, no service worker yet), and reads when the output heatmap
// was first painted: the page sets the performance mark
// `gradlab-first-heatmap` then, so its startTime is milliseconds after
// navigation began (download, wasm compile, the first run built and drawn).
// Prints one JSON line per load and a summary with the median, and the
// size of every file the page loaded, raw and gzipped (level 9, as a
// static host would compress it; the local server sends them raw), and
// what the service worker caches for offline use (`offline_cache`).

import { launchChromium } from '../tests/e2e/chromium.mjs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer } from '../tests/e2e/static-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('--runs', '5'));
const link = arg('--link', '');
const MARK = 'gradlab-first-heatmap';

let server = null;
let baseUrl = arg('--url', process.env.GRADLAB_URL);
const dist = join(root, 'dist');
if (!baseUrl) {
  server = await startServer(dist);
  baseUrl = server.url;
}

const browser = await launchChromium();
const times = [];
const loaded = new Map();
try {
  for (let k = 0; k < runs; k++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('response', async (res) => {
      if (res.url().startsWith(baseUrl) && res.status() === 200) loaded.set(new URL(res.url()).pathname, res.url());
    });
    await page.goto(`${baseUrl}#${link}`);
    const ms = await page.evaluate((mark) => new Promise((resolve) => {
      const read = () => {
        const entry = performance.getEntriesByName(mark)[0];
        if (entry) resolve(entry.startTime);
        else setTimeout(read, 20);
      };
      read();
    }), MARK);
    times.push(ms);
    console.log(JSON.stringify({ bench: 'first-heatmap', load: k + 1, ms: Math.round(ms) }));
    await context.close();
  }
} finally {
  await browser.close();
  await server?.close?.();
}

// Sizes of the files the page loaded, read from dist/ when it was served here.
const files = [];
for (const path of [...loaded.keys()].sort()) {
  const name = path.replace(/^.*\//, '') || 'index.html';
  try {
    const body = await readFile(join(dist, name));
    files.push({ file: name, bytes: body.length, gzip_bytes: gzipSync(body, { level: 9 }).length });
  } catch {
    // Served from elsewhere (--url): sizes unknown here.
  }
}
// What the service worker caches for offline use after the first visit:
// every file of the build's list in dist/sw.js (the page's files and those
// it fetches only when chosen: another language's catalog, the digits set),
// gzipped as above (the digits file is gzip already).
let offline = null;
try {
  const sw = await readFile(join(dist, 'sw.js'), 'utf8');
  const build = JSON.parse(sw.match(/^const BUILD = (.*);/m)[1]);
  let gzip = 0;
  for (const f of build.files) gzip += gzipSync(await readFile(join(dist, f.path)), { level: 9 }).length;
  offline = { files: build.files.length, gzip_bytes: gzip };
} catch {
  // Served from elsewhere (--url), or no service worker list: unknown here.
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({
  bench: 'first-heatmap', link, loads: runs,
  median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]), min_ms: Math.round(sorted[0]), max_ms: Math.round(sorted.at(-1)),
  page_bytes: files.reduce((s, f) => s + f.bytes, 0), page_gzip_bytes: files.reduce((s, f) => s + f.gzip_bytes, 0),
  offline_cache: offline, files,
}));
