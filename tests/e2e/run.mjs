// End-to-end tests of the built GradLab page in headless Chromium
// (playwright-core driving the system's /usr/bin/chromium).
//
//   node tests/e2e/run.mjs [--url http://127.0.0.1:PORT/]
//
// Without --url it serves dist/ itself (tests/e2e/static-server.mjs).
// Screenshots go to tests/e2e/artifacts/. The last line printed is
// "e2e: N passed, M failed"; the exit code is non-zero if any test failed.

import { chromium } from 'playwright-core';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const artifacts = join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TEST_TIMEOUT_MS = 60_000;
const HEX16 = /^[0-9a-f]{16}$/;

// ---------------------------------------------------------------- harness --

const results = [];
async function test(name, body) {
  const start = Date.now();
  let timer;
  try {
    await Promise.race([
      body(),
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
      }),
    ]);
    results.push({ name, ok: true });
    console.log(`ok    ${name} (${Date.now() - start} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name} (${Date.now() - start} ms)\n      ${String(err?.stack ?? err).split('\n').join('\n      ')}`);
  } finally {
    clearTimeout(timer);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Opens a page that records console errors, uncaught errors and requests. */
async function openPage(context, url) {
  const page = await context.newPage();
  const log = { errors: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => log.errors.push(`uncaught: ${err.message}`));
  page.on('request', (req) => log.requests.push(req.url()));
  page.on('response', (res) => {
    if (res.status() >= 400) log.errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('requestfailed', (req) => log.errors.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(url, { waitUntil: 'load' });
  await waitReady(page);
  return { page, log };
}

/** The app is ready once Rust enabled the Play button (or showed a crash). */
async function waitReady(page) {
  await page.waitForFunction(
    () => !document.querySelector('#play')?.disabled || !document.querySelector('#error')?.hidden,
    null,
    { timeout: 20_000 },
  );
}

const text = (page, sel) => page.locator(sel).textContent().then((t) => (t ?? '').trim());
const isHidden = (page, sel) => page.locator(sel).evaluate((el) => el.hidden);
const stepOf = async (page) => Number((await text(page, '#step')).replace(/[^0-9]/g, ''));
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Lines `<hash link>\t<steps>\t<fingerprint>` shared with the native and wasm tests. */
async function readFixtures() {
  const raw = await readFile(join(root, 'tests', 'fixtures', 'fingerprints.txt'), 'utf8').catch(() => '');
  return raw
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [link, steps, fingerprint] = l.split('\t');
      return { link, steps: Number(steps), fingerprint: fingerprint?.trim() };
    });
}

// ------------------------------------------------------------------ tests --

const urlArg = process.argv.indexOf('--url');
let server = null;
let baseUrl = urlArg >= 0 ? process.argv[urlArg + 1] : process.env.GRADLAB_URL;
if (!baseUrl) {
  server = await startServer(join(root, 'dist'));
  baseUrl = server.url;
}
const origin = new URL(baseUrl).origin;
await mkdir(artifacts, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
const logs = []; // logs of pages expected to stay error-free

try {
  let main;

  await test('page loads: title GradLab, ready, no crash banner', async () => {
    main = await openPage(context, baseUrl);
    logs.push(main.log);
    assert((await main.page.title()) === 'GradLab', `title is "${await main.page.title()}"`);
    assert(await isHidden(main.page, '#error'), `crash banner shown: ${await text(main.page, '#error')}`);
    assert(await isHidden(main.page, '#notice'), `notice shown on a clean link: ${await text(main.page, '#notice')}`);
    await main.page.screenshot({ path: join(artifacts, 'initial.png') });
  });

  let initialFingerprint;
  await test('starts paused at step 0 with a 16-hex-digit fingerprint', async () => {
    assert(main, 'page did not load');
    assert((await stepOf(main.page)) === 0, `#step is "${await text(main.page, '#step')}"`);
    assert((await text(main.page, '#play')) === 'Play', `#play says "${await text(main.page, '#play')}"`);
    initialFingerprint = await text(main.page, '#fingerprint');
    assert(HEX16.test(initialFingerprint), `#fingerprint is "${initialFingerprint}"`);
    for (const id of ['#train-loss', '#test-loss']) {
      const v = Number(await text(main.page, id));
      assert(Number.isFinite(v) && v >= 0, `${id} is "${await text(main.page, id)}"`);
    }
  });

  await test('Play trains: #step increases, losses and fingerprint update', async () => {
    assert(main, 'page did not load');
    await main.page.click('#play');
    await main.page.waitForFunction(() => Number(document.querySelector('#step').textContent) > 0, null, {
      timeout: 10_000,
    });
    const first = await stepOf(main.page);
    await sleep(700);
    const later = await stepOf(main.page);
    assert(later > first, `#step went from ${first} to ${later} in 0.7 s while playing`);
    assert((await main.page.locator('#play').getAttribute('aria-pressed')) === 'true', '#play not pressed');
    assert((await text(main.page, '#play')) === 'Pause', `#play says "${await text(main.page, '#play')}"`);
    const fingerprint = await text(main.page, '#fingerprint');
    assert(HEX16.test(fingerprint), `#fingerprint is "${fingerprint}"`);
    assert(fingerprint !== initialFingerprint, 'fingerprint did not change while training');
    const epoch = Number(await text(main.page, '#epoch'));
    assert(Number.isInteger(epoch) && epoch >= 0, `#epoch is "${await text(main.page, '#epoch')}"`);
    assert(Number.isFinite(Number(await text(main.page, '#train-loss'))), 'train loss not a number');
    await main.page.screenshot({ path: join(artifacts, 'training.png') });
  });

  await test('Pause stops training', async () => {
    assert(main, 'page did not load');
    await main.page.click('#play');
    await sleep(100); // let the frame in flight finish
    const paused = await stepOf(main.page);
    await sleep(500);
    assert((await stepOf(main.page)) === paused, 'step kept increasing after Pause');
    assert((await text(main.page, '#play')) === 'Play', `#play says "${await text(main.page, '#play')}"`);
  });

  await test('fingerprint_after is deterministic and matches tests/fixtures', async () => {
    assert(main, 'page did not load');
    const fixtures = await readFixtures();
    const cases = [{ link: '', steps: 50 }, ...fixtures];
    const got = await main.page.evaluate(
      (cs) => cs.map(({ link, steps }) => [window.wasmBindings.fingerprint_after(link, steps), window.wasmBindings.fingerprint_after(link, steps)]),
      cases.map(({ link, steps }) => ({ link, steps })),
    );
    cases.forEach((c, i) => {
      const [a, b] = got[i];
      assert(HEX16.test(a), `fingerprint_after(${JSON.stringify(c.link)}, ${c.steps}) = "${a}"`);
      assert(a === b, `two runs of ${JSON.stringify(c.link)} differ: ${a} vs ${b}`);
      if (c.fingerprint) {
        assert(a === c.fingerprint, `${JSON.stringify(c.link)} after ${c.steps} steps: page ${a}, fixture ${c.fingerprint}`);
      }
    });
    console.log(`      ${cases.length} link(s) checked, ${fixtures.length} against the fixture file`);
  });

  await test('a link with bad fields shows them in #notice and still runs', async () => {
    const bad = await openPage(context, `${baseUrl}#zz_not_a_key=1&lr=banana`);
    logs.push(bad.log);
    assert(!(await isHidden(bad.page, '#notice')), '#notice is hidden');
    const notice = await text(bad.page, '#notice');
    assert(notice.includes('zz_not_a_key'), `#notice does not name the unknown key: "${notice}"`);
    assert(await isHidden(bad.page, '#error'), 'crash banner shown');
    assert(HEX16.test(await text(bad.page, '#fingerprint')), 'no fingerprint');
    await bad.page.screenshot({ path: join(artifacts, 'notice.png') });
    await bad.page.close();
  });

  await test("a link's step fast-forwards to exactly that run", async () => {
    const ff = await openPage(context, `${baseUrl}#v=1&step=300`);
    logs.push(ff.log);
    await ff.page.waitForFunction(() => document.querySelector('#status').textContent === 'Paused', null, {
      timeout: 20_000,
    });
    assert((await stepOf(ff.page)) === 300, `#step is "${await text(ff.page, '#step')}"`);
    const shown = await text(ff.page, '#fingerprint');
    const expected = await ff.page.evaluate(() => window.wasmBindings.fingerprint_after('v=1', 300));
    assert(shown === expected, `page shows ${shown}, fingerprint_after gives ${expected}`);
    await ff.page.close();
  });

  await test('divergence stops training and says where', async () => {
    const dv = await openPage(context, `${baseUrl}#data=plane&out=linear&lr=100&net=8:relu,8:relu`);
    logs.push(dv.log);
    await dv.page.click('#play');
    await dv.page.waitForFunction(() => document.querySelector('#status').textContent === 'Diverged', null, {
      timeout: 10_000,
    });
    const notice = await text(dv.page, '#notice');
    assert(/non-finite/.test(notice), `#notice: "${notice}"`);
    assert(await dv.page.locator('#play').isDisabled(), '#play still enabled after divergence');
    assert(await isHidden(dv.page, '#error'), 'crash banner shown for a divergence');
    await dv.page.screenshot({ path: join(artifacts, 'diverged.png') });
    await dv.page.close();
  });

  await test('editing the link (hashchange) starts the new experiment', async () => {
    const hc = await openPage(context, `${baseUrl}#v=1`);
    logs.push(hc.log);
    const before = await text(hc.page, '#fingerprint');
    await hc.page.evaluate(() => {
      location.hash = 'v=1&seed=5';
    });
    await hc.page.waitForFunction((fp) => document.querySelector('#fingerprint').textContent !== fp, before, {
      timeout: 10_000,
    });
    const expected = await hc.page.evaluate(() => window.wasmBindings.fingerprint_after('v=1&seed=5', 0));
    assert((await text(hc.page, '#fingerprint')) === expected, 'fingerprint is not the new link\'s');
    assert((await stepOf(hc.page)) === 0, 'step did not restart at 0');
    await hc.page.close();
  });

  await test('a crash shows the error banner, whose button reloads the page', async () => {
    // This page is expected to log errors: its log is not checked below.
    const { page } = await openPage(context, baseUrl);
    await page.evaluate(() => {
      try {
        window.wasmBindings.trigger_panic_for_test();
      } catch {
        /* the panic surfaces as a wasm trap: expected */
      }
    });
    assert(!(await isHidden(page, '#error')), 'crash banner not shown');
    const message = await text(page, '#error-message');
    assert(message.includes('test panic'), `banner message: "${message}"`);
    await page.screenshot({ path: join(artifacts, 'crash.png') });
    await Promise.all([page.waitForEvent('load'), page.click('#reload')]);
    await waitReady(page);
    assert(await isHidden(page, '#error'), 'crash banner still shown after reload');
    await page.close();
  });

  await test('no console errors or uncaught exceptions', async () => {
    const errors = logs.flatMap((l) => l.errors);
    assert(errors.length === 0, errors.join('\n'));
  });

  await test("every request goes to the page's origin", async () => {
    const requests = logs.flatMap((l) => l.requests);
    assert(requests.length > 0, 'no requests recorded');
    const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert(foreign.length === 0, `requests to other origins:\n${foreign.join('\n')}`);
  });
} finally {
  await browser.close();
  await server?.close();
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`screenshots: ${artifacts}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
