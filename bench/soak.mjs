// Soak benchmark of the GradLab page (not a pass/fail test): W2 at
// `speed=max` in headless Chromium for a long time (10 minutes by default),
// sampling what could grow:
//   - the JS heap after a forced garbage collection (CDP
//     `HeapProfiler.collectGarbage` then `Runtime.getHeapUsage`);
//   - the wasm module's linear memory (`wasm_memory_bytes`, exported by the
//     page; it only ever grows, so flat means nothing leaks on the Rust side);
//   - the runs store: how many runs the panel lists (the running run is one
//     record, saved again every 2 s) and the origin's storage use
//     (`navigator.storage.estimate()`).
// Prints one JSON line per sample and a summary line with each figure at the
// first sample after the warm-up and at the end.
//
//   node bench/soak.mjs [--minutes 10] [--every 30] [--url http://127.0.0.1:PORT/] [--link '<hash>']
// Env: SOAK_MINUTES, SOAK_EVERY_S (the same, for scripts).

import { launchChromium } from '../tests/e2e/chromium.mjs';
import { arg, pageUrl, W2 } from './page.mjs';

const link = arg('--link', W2);
const minutes = Number(arg('--minutes', process.env.SOAK_MINUTES ?? '10'));
const everyS = Number(arg('--every', process.env.SOAK_EVERY_S ?? '30'));
// Samples before this are warm-up (the heap and memory settle once the
// views, instruments and history buffers have filled).
const warmupS = Math.min(60, (minutes * 60) / 4);

const server = await pageUrl();
const baseUrl = server.url;

const browser = await launchChromium();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${baseUrl}#${link}`, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.querySelector('#play')?.disabled, null, { timeout: 20_000 });
  await page.click('#play');
  const t0 = Date.now();
  const samples = [];
  for (;;) {
    const t = (Date.now() - t0) / 1000;
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const page_ = await page.evaluate(async () => ({
      step: Number(document.querySelector('#step').textContent),
      wasm: window.wasmBindings.wasm_memory_bytes(),
      runs: Number(document.querySelector('#runs-count')?.dataset.count ?? NaN),
      storage: (await navigator.storage.estimate()).usage ?? null,
      mode: document.querySelector('#status')?.dataset.mode ?? '',
    }));
    const sample = { t_s: Math.round(t), step: page_.step, js_heap_bytes: usedSize, wasm_memory_bytes: page_.wasm, runs: page_.runs, storage_bytes: page_.storage, mode: page_.mode };
    samples.push(sample);
    console.log(JSON.stringify(sample));
    if (t >= minutes * 60) break;
    await sleep(Math.min(everyS, minutes * 60 - t + 0.5) * 1000);
  }
  const settled = samples.find((s) => s.t_s >= warmupS) ?? samples[0];
  const end = samples.at(-1);
  const figure = (key) => ({ after_warmup: settled[key], end: end[key], growth: settled[key] ? +(end[key] / settled[key] - 1).toFixed(4) : null });
  console.log(JSON.stringify({
    bench: 'soak', link, minutes, steps: end.step, warmup_s: warmupS,
    js_heap_bytes: figure('js_heap_bytes'), wasm_memory_bytes: figure('wasm_memory_bytes'),
    runs: figure('runs'), storage_bytes: figure('storage_bytes'),
  }));
} finally {
  await browser.close();
  server.close();
}
