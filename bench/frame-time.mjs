// Frame-time benchmark of the GradLab page (not a pass/fail test).
//
//   node bench/frame-time.mjs [--url http://127.0.0.1:PORT/] [--seconds 8] [--link '<hash>']
//
// Loads the built page (serving dist/ itself unless --url is given) in
// headless Chromium, opens W2's network (7 features, 6 hidden layers x 8
// ReLU, spiral) with every neuron thumbnail live, presses Play, and records
// the time between animation frames for a few seconds. Prints one JSON line
// per run: median and p95 frame time, epochs per second, and the median
// training and drawing time the page spent inside a frame (from the page's
// `last_frame_cost` hook). The goal: median <= 16.7 ms at >= 1 epoch/s.
// Runs: with the live instruments on (the page's default: observing a few
// steps per frame, drawing the panel a few times a second) and off
// (`#live-instruments` unchecked); `inst_ms` is the instruments' share of a
// frame (observing + drawing the panel; the mean, since most frames draw no
// panel) and `p95_inst_ms` its worst frames. A third run adds the live rate
// and batch-size readout (`#cockpit-live`: a measurement per 50 steps).

import { launchChromium } from '../tests/e2e/chromium.mjs';
import { arg, pageUrl, W2 } from './page.mjs';

const link = arg('--link', W2);
const seconds = Number(arg('--seconds', process.env.FRAME_SECONDS ?? '8'));
const warmupMs = 1000;

const server = await pageUrl();
const baseUrl = server.url;

const browser = await launchChromium();
try {
  for (const instruments of ['on', 'on, rate and batch size live', 'off']) {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${baseUrl}#${link}`, { waitUntil: 'load' });
    await page.waitForFunction(() => !document.querySelector('#play')?.disabled, null, { timeout: 20_000 });
    if (instruments === 'off') await page.uncheck('#live-instruments');
    if (instruments.includes('live')) await page.check('#cockpit-live');
    const thumbnails = await page.locator('#network canvas.node').count();
    await page.click('#play');
    await page.waitForTimeout(warmupMs);
    const result = await page.evaluate(async (ms) => {
      const epoch = () => Number(document.querySelector('#epoch').textContent);
      const deltas = [];
      const costs = [];
      const e0 = epoch();
      const t0 = performance.now();
      await new Promise((done) => {
        let last = null;
        const tick = (t) => {
          if (last !== null) {
            deltas.push(t - last);
            costs.push(window.wasmBindings.last_frame_cost());
          }
          last = t;
          if (t - t0 < ms) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      const elapsed = (performance.now() - t0) / 1000;
      return { deltas, costs, epochs: epoch() - e0, elapsed };
    }, seconds * 1000);
    await page.click('#play');
    const sorted = (xs) => [...xs].sort((a, b) => a - b);
    const q = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const round = (x) => Math.round(x * 100) / 100;
    const inst = result.costs.map((c) => c.inst_ms ?? 0);
    const line = {
      bench: 'frame-time',
      workload: link === W2 ? 'W2 tfp-max (spiral, 7 features, 6x8 relu, speed=max)' : link,
      instruments,
      thumbnails,
      frames: result.deltas.length,
      median_frame_ms: round(q(result.deltas, 0.5)),
      p95_frame_ms: round(q(result.deltas, 0.95)),
      epochs_per_s: round(result.epochs / result.elapsed),
      median_train_ms: round(q(result.costs.map((c) => c.train_ms), 0.5)),
      median_draw_ms: round(q(result.costs.map((c) => c.draw_ms), 0.5)),
      inst_ms: round(mean(inst)),
      p95_inst_ms: round(q(inst, 0.95)),
      chromium: browser.version(),
    };
    console.log(JSON.stringify(line));
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
