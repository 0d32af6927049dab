// End-to-end tests of GradLab as a deployed static site (issue 12, points 4
// and 5): offline use after one visit (www/sw.js), the update of a
// redeployed build, installability (the web app manifest), the same build
// under a sub-path (/gradlab/), and the Content-Security-Policy (zero
// violations across a session). Called by run.mjs with its harness:
//
//   await offlineTests({ test, assert, browser, baseUrl, root, artifacts, h });
//
// where `h` holds run.mjs's page helpers (openPage, waitReady, ...). Each test
// uses a context of its own (its own service worker, caches and IndexedDB);
// the update and sub-path tests also serve their own copies of dist/.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './static-server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { chromium } from 'playwright-core';

/** Records Content-Security-Policy violations and CSP console messages of every page of `ctx`. */
async function watchCsp(ctx) {
  await ctx.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const consoleCsp = [];
  ctx.on('console', (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) consoleCsp.push(`${msg.type()}: ${msg.text()}`);
  });
  return { consoleCsp, of: (page) => page.evaluate(() => window.__cspViolations) };
}

/** Waits until a service worker controls `page` and has cached its build. */
const waitOffline = (page) =>
  page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 60_000 });

export async function offlineTests({ test, assert, browser, baseUrl, root, artifacts, h }) {
  const { openPage, waitReady, waitStepPaused, stepTimes, nativeRun, text, stepOf } = h;
  const viewport = { width: 1280, height: 800 };
  const runCount = (page) => page.locator('#runs-count').getAttribute('data-count').then(Number);
  const waitRuns = (page, n) =>
    page.waitForFunction((k) => Number(document.querySelector('#runs-count').dataset.count) === k, n, { timeout: 20_000 });
  const downloadJson = async (page, button) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    return JSON.parse(await readFile(await download.path(), 'utf8'));
  };
  const gradientCheck = async (page) => {
    await page.click('#check-gradients');
    await page.waitForFunction(() => document.querySelector('#gradcheck-verdict').dataset.verdict, null, { timeout: 30_000 });
    return page.locator('#gradcheck-verdict').getAttribute('data-verdict');
  };
  /** A copy of dist/ in a temporary folder. */
  const copyDist = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gradlab-dist-'));
    await cp(join(root, 'dist'), dir, { recursive: true });
    return dir;
  };

  await test('offline: after one visit, with the network off, the page reloads, trains (→ and a step=N link, as the CLI), runs the gradient check in its worker, keeps the runs and exports them', async () => {
    const ctx = await browser.newContext({ viewport, acceptDownloads: true });
    try {
      const { page, log } = await openPage(ctx, `${baseUrl}#data=xor`);
      await waitOffline(page);
      await stepTimes(page, 7);
      await waitRuns(page, 1);
      await ctx.setOffline(true);
      // The network really is off: a file of no build does not load.
      const probe = await page.evaluate(() => fetch('not-a-build-file.txt').then((r) => `HTTP ${r.status}`, () => 'failed'));
      assert(probe === 'failed', `offline fetch gave ${probe}`);
      await page.reload({ waitUntil: 'load' });
      await waitReady(page);
      assert((await text(page, '#status')) !== '' && (await page.locator('#error').evaluate((e) => e.hidden)), 'crash banner offline');
      await waitRuns(page, 1); // the run saved online is listed
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
      await waitStepPaused(page, 5);
      const link = 'data=circle&seed=4';
      await page.evaluate((hash) => { location.hash = hash; }, `${link}&step=12`);
      await waitStepPaused(page, 12);
      const fp = (await nativeRun(link, 12)).find((l) => l.fingerprint)?.fingerprint;
      assert((await text(page, '#fingerprint')) === fp, `offline fingerprint ${await text(page, '#fingerprint')}, CLI ${fp}`);
      assert((await gradientCheck(page)) === 'ok', `gradient check offline: ${await text(page, '#gradcheck-verdict')}`);
      await waitRuns(page, 3);
      const exported = await downloadJson(page, '#runs-export-json');
      const steps = exported.runs.map((r) => r.steps).sort((a, b) => a - b);
      assert(exported.schema === 'gradlab-runs' && JSON.stringify(steps) === '[5,7,12]', `export offline: ${exported.schema} steps ${steps}`);
      await page.screenshot({ path: join(artifacts, 'offline-1280x800.png') });
      // The probe's own failure is the one expected error.
      const probeError = (e) => e.includes('not-a-build-file.txt') || e === 'console.error: Failed to load resource: net::ERR_INTERNET_DISCONNECTED';
      const errors = log.errors.filter((e) => !probeError(e));
      assert(errors.length === 0 && log.errors.length <= 2, log.errors.join('\n'));
    } finally {
      await ctx.close();
    }
  }, 180_000);

  await test('installable: the manifest is linked and parses; its icons and start_url resolve in scope; Chromium reports no installability error', async () => {
    // A profile on disk: Chromium refuses to install from an incognito
    // profile, which a plain Playwright context is.
    const profile = await mkdtemp(join(tmpdir(), 'gradlab-profile-'));
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport });
    try {
      const { page } = await openPage(ctx, baseUrl);
      await waitOffline(page);
      const href = await page.evaluate(() => document.querySelector('link[rel=manifest]').href);
      const manifest = await page.evaluate((u) => fetch(u).then((r) => r.json()), href);
      const at = (u) => new URL(u, href).href;
      assert(manifest.name === 'GradLab' && manifest.display === 'standalone' && /^#[0-9a-f]{6}$/i.test(manifest.theme_color), JSON.stringify(manifest));
      assert(at(manifest.start_url) === baseUrl && at(manifest.scope) === baseUrl, `start_url ${at(manifest.start_url)}, scope ${at(manifest.scope)}`);
      const start = await page.evaluate((u) => fetch(u).then(async (r) => `${r.status} ${(await r.text()).includes('<title>GradLab</title>')}`), at(manifest.start_url));
      assert(start === '200 true', `start_url answers ${start}`);
      for (const icon of manifest.icons) {
        const got = await page.evaluate(async (u) => {
          const r = await fetch(u);
          const bytes = new Uint8Array(await r.arrayBuffer());
          return { status: r.status, type: r.headers.get('content-type'), head: [...bytes.slice(0, 4)] };
        }, at(icon.src));
        const png = JSON.stringify(got.head) === '[137,80,78,71]';
        assert(got.status === 200 && (icon.type === 'image/png' ? png : got.type.startsWith('image/svg+xml')), `${icon.src}: ${JSON.stringify(got)}`);
      }
      const cdp = await ctx.newCDPSession(page);
      const parsed = await cdp.send('Page.getAppManifest');
      assert(parsed.errors.length === 0 && parsed.url === href, `manifest errors: ${JSON.stringify(parsed.errors)}`);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert(installabilityErrors.length === 0, `installability: ${JSON.stringify(installabilityErrors)}`);
    } finally {
      await ctx.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  await test('update: a redeployed build is picked up on the next visit, which says it is the new version (an older tab: reload), the old cache is deleted, offline the new build is served', async () => {
    const [a, b] = [await copyDist(), await copyDist()];
    const version = async (dir) => {
      const worker = (await readFile(join(dir, 'sw.js'), 'utf8')).match(/"version":"([0-9a-f]{16})"/)[1];
      const page = (await readFile(join(dir, 'index.html'), 'utf8')).match(/<meta name="gradlab-build" content="([0-9a-f]{16})">/)[1];
      assert(worker === page, `${dir}: sw.js has ${worker}, index.html ${page}`);
      return worker;
    };
    const hook = (dir) => execFileSync('node', [join(root, 'scripts', 'precache.mjs'), dir], { stdio: 'ignore' });
    const va = await version(a);
    hook(a); // the hook again on the same files: the same version
    assert((await version(a)) === va, 'the version of an unchanged build changed');
    // Build B: a changed page, its worker's file list written again by the build's own hook.
    const page0 = await readFile(join(b, 'index.html'), 'utf8');
    await writeFile(join(b, 'index.html'), page0.replace('<title>GradLab</title>', '<title>GradLab</title><meta name="test-build" content="B">'));
    hook(b);
    const vb = await version(b);
    assert(va !== vb, 'build B has the same version');
    const server = await startServer(a);
    const ctx = await browser.newContext({ viewport });
    try {
      const first = await openPage(ctx, server.url);
      await waitOffline(first.page);
      const keys = () => first.page.evaluate(() => caches.keys());
      assert(JSON.stringify(await keys()) === JSON.stringify([`gradlab / ${va}`]), `caches: ${await keys()}`);
      assert(await first.page.locator('#update').evaluate((e) => e.hidden), 'an update notice on the first visit');
      server.serve(b);
      const second = await openPage(ctx, server.url);
      await second.page.waitForFunction(() => document.body.dataset.update, null, { timeout: 60_000 });
      assert((await second.page.evaluate(() => document.body.dataset.update)) === 'new', 'the new visit is not told it is the new version');
      assert((await text(second.page, '#update')).startsWith('GradLab was updated: this page is the new version.'), await text(second.page, '#update'));
      assert((await second.page.locator('meta[name=test-build]').count()) === 1, 'the updated visit does not show build B');
      // The new worker takes over as it activates; it deletes the old cache while activating.
      await first.page.waitForFunction((only) => caches.keys().then((k) => k.length === 1 && k[0] === only), `gradlab / ${vb}`, { timeout: 20_000 })
        .catch(async () => assert(false, `caches after the update: ${await keys()}`));
      await second.page.screenshot({ path: join(artifacts, 'update-notice.png') });
      // The tab opened before the update is still build A: it is told to reload.
      await first.page.waitForFunction(() => document.body.dataset.update, null, { timeout: 20_000 });
      assert((await first.page.evaluate(() => document.body.dataset.update)) === 'ready', 'the older tab is told it is new');
      assert(await first.page.locator('#update-reload').isVisible(), 'no Reload button in the older tab');
      await first.page.screenshot({ path: join(artifacts, 'update-ready.png') });
      await ctx.setOffline(true);
      await Promise.all([first.page.waitForEvent('load'), first.page.click('#update-reload')]);
      await waitReady(first.page);
      assert((await first.page.locator('meta[name=test-build]').count()) === 1, 'offline, Reload gave the old build');
      assert(await first.page.locator('#update').evaluate((e) => e.hidden), 'a notice after Reload without a new update');
      await stepTimes(first.page, 2);
      const errors = [...first.log.errors, ...second.log.errors];
      assert(errors.length === 0, errors.join('\n'));
    } finally {
      await ctx.close();
      await server.close();
      await rm(a, { recursive: true, force: true });
      await rm(b, { recursive: true, force: true });
    }
  }, 180_000);

  await test('bad network: a visited page whose host never answers opens from the cache after a short wait (the service worker stops waiting), as does one whose host answers 503; both train as the CLI does', async () => {
    const server = await startServer(join(root, 'dist'));
    const ctx = await browser.newContext({ viewport });
    try {
      const first = await openPage(ctx, `${server.url}#data=xor`);
      await waitOffline(first.page);
      const build = () => first.page.locator('meta[name=gradlab-build]').getAttribute('content');
      const version = await build();
      const link = 'data=circle&seed=4';
      const fp = (await nativeRun(link, 6)).find((l) => l.fingerprint)?.fingerprint;
      // Every request to the host: no answer at all, then HTTP 503.
      for (const fault of ['hang', 503]) {
        server.misbehave(() => fault);
        const { page, log } = await openPage(ctx, `${server.url}#${link}&step=6`);
        await waitReady(page);
        await waitStepPaused(page, 6);
        const seen = await page.locator('meta[name=gradlab-build]').getAttribute('content');
        assert(seen === version, `${fault}: build ${seen}, cached ${version}`);
        assert((await text(page, '#fingerprint')) === fp, `${fault}: fingerprint ${await text(page, '#fingerprint')}, CLI ${fp}`);
        assert(log.errors.length === 0, `${fault}: ${log.errors.join('\n')}`);
        await page.close();
      }
    } finally {
      server.misbehave(null);
      await ctx.close();
      await server.close();
    }
  }, 180_000);

  await test('sub-path: the same build served under /gradlab/ trains, runs the gradient check in its worker, shares links with the sub-path and works offline there, in Chinese and on the digits set too', async () => {
    const server = await startServer(join(root, 'dist'), 0, '/gradlab/');
    assert(server.url.endsWith('/gradlab/'), server.url);
    const ctx = await browser.newContext({ viewport, acceptDownloads: true });
    try {
      const { page, log } = await openPage(ctx, `${server.url}#data=xor&step=9`);
      await waitStepPaused(page, 9);
      const fp = (await nativeRun('data=xor', 9)).find((l) => l.fingerprint)?.fingerprint;
      assert((await text(page, '#fingerprint')) === fp, `fingerprint ${await text(page, '#fingerprint')}, CLI ${fp}`);
      assert((await gradientCheck(page)) === 'ok', 'gradient check under /gradlab/');
      await page.click('#share');
      await page.waitForFunction(() => document.querySelector('#share-link').value.includes('step=9'));
      const shared = await page.locator('#share-link').inputValue();
      assert(shared.startsWith(`${server.url}#`), `shared link ${shared}`);
      const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
      assert(scope === server.url, `worker scope ${scope}`);
      const app = await (await ctx.newCDPSession(page)).send('Page.getAppManifest');
      const manifest = JSON.parse(app.data);
      const inFolder = [manifest.start_url, manifest.scope, ...manifest.icons.map((i) => i.src)].map((u) => new URL(u, app.url).href);
      assert(app.url === `${server.url}manifest.webmanifest` && app.errors.length === 0 && inFolder.every((u) => u.startsWith(server.url)), `manifest ${app.url}: ${inFolder}`);
      await waitOffline(page);
      const outside = log.requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
      assert(outside.length === 0, `requests outside /gradlab/:\n${outside.join('\n')}`);
      // The shared link, opened offline in a new tab, reaches the same model.
      await ctx.setOffline(true);
      const again = await openPage(ctx, shared);
      await waitStepPaused(again.page, 9);
      assert((await text(again.page, '#fingerprint')) === fp, 'the shared link offline gives another model');
      assert((await stepOf(again.page)) === 9, 'shared link step');
      // The Chinese catalog, never fetched online, comes from the offline
      // cache, found beside the page under /gradlab/.
      await again.page.selectOption('#lang', 'zh-CN');
      await again.page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      assert(/[\u4e00-\u9fff]/.test(await text(again.page, '#play')), `offline in Chinese, Play reads ${await text(again.page, '#play')}`);
      // So does the digits set.
      await again.page.click('#data-digits');
      await again.page.waitForFunction(() => /(^#|&)data=digits(&|$)/.test(location.hash));
      await waitStepPaused(again.page, 0);
      assert(!(await again.page.locator('#digits-panel').evaluate((e) => e.hidden)), 'offline digits: panel hidden');
      const errors = [...log.errors, ...again.log.errors];
      assert(errors.length === 0, errors.join('\n'));
    } finally {
      await ctx.close();
      await server.close();
    }
  }, 120_000);

  await test('CSP: the policy is in force, and a session (load, train, gradient check in the worker, runs panel, export, lessons) raises zero violations', async () => {
    const ctx = await browser.newContext({ viewport, acceptDownloads: true });
    const csp = await watchCsp(ctx);
    try {
      const meta = await fetch(baseUrl).then((r) => r.text());
      assert(/<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/.test(meta), 'no CSP meta in the page');
      assert(!/<script(?![^>]*\bsrc=)[^>]*>/.test(meta) && !/\sstyle=/.test(meta) && !/<style/.test(meta), 'an inline script or style in index.html');
      const { page, log } = await openPage(ctx, `${baseUrl}#data=xor`);
      await stepTimes(page, 4);
      assert((await gradientCheck(page)) === 'ok', 'gradient check');
      await page.locator('#runs').scrollIntoViewIfNeeded();
      await waitRuns(page, 1);
      const exported = await downloadJson(page, '#runs-export-json');
      assert(exported.runs.length === (await runCount(page)), 'export');
      await page.click('#learn-button');
      await page.waitForFunction(() => !document.querySelector('#learn').hidden);
      await waitOffline(page);
      const during = await csp.of(page);
      assert(during.length === 0 && csp.consoleCsp.length === 0, `violations:\n${[...during, ...csp.consoleCsp].join('\n')}`);
      // The policy is live (and the recorder hears it): an inline script is refused.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true;';
        document.body.append(s);
      });
      await page.waitForFunction(() => window.__cspViolations.length > 0);
      const after = await csp.of(page);
      assert(after.length === 1 && after[0].startsWith('script-src') && !(await page.evaluate(() => window.__inlineRan)), `after an inline script: ${after}`);
      assert(log.errors.filter((e) => !/Content Security Policy/.test(e)).length === 0, log.errors.join('\n'));
    } finally {
      await ctx.close();
    }
  });
}
