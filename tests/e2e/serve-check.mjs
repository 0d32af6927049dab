// Serve check: proves that the README's first command, `./scripts/serve.sh`,
// works on a fresh clone. `./scripts/test.sh` (so CI) runs it as a step.
//
//   node tests/e2e/serve-check.mjs [--repo DIR]
//
//   1. Fails at once, with a clear message, if 127.0.0.1:8080 is taken.
//   2. `git clone`s the repository's committed HEAD (this repository, or
//      --repo DIR) into a temporary folder: only committed files, no dist/,
//      target/, node_modules/ or test artifacts.
//   3. Runs `./scripts/serve.sh` there exactly as the README writes it, in a
//      process group of its own (its output goes to a log file, whose tail is
//      printed on failure). The clone runs setup.sh itself (npm ci into its
//      own node_modules, cargo fetch from the shared ~/.cargo cache) and
//      builds the release page from cold into its own target/.
//   4. Polls http://127.0.0.1:8080/ until the page answers (no fixed sleep;
//      overall timeout SERVE_CHECK_TIMEOUT_S, default 1800 s, for a cold
//      release build) and prints how long that took.
//   5. Loads the page in headless Chromium (playwright-core, the same launch
//      arguments as tests/e2e/run.mjs): Play must start training (#step
//      rises), and a `#step=5` link must fast-forward to exactly step 5;
//      the page must carry no test hooks (Cargo.toml's `test-hooks`).
//   6. Checks that Trunk built exactly once: its watcher must ignore the
//      build's own outputs (dist/, target/, ...) rather than rebuild in a loop.
//   7. Stops the server's whole process group and removes the clone, pass or
//      fail.
//
// Prints "serve-check: PASS ..." or "serve-check: FAIL: <reason>" last; the
// exit code is non-zero on failure.

import { launchChromium } from './chromium.mjs';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm, readFile, open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';
const PORT = 8080; // the README's address (Trunk.toml [serve])
const URL_ = `http://${HOST}:${PORT}/`;
const TIMEOUT_S = Number(process.env.SERVE_CHECK_TIMEOUT_S ?? 1800);

const repoArg = process.argv.indexOf('--repo');
const repo = repoArg >= 0 ? process.argv[repoArg + 1] : join(here, '..', '..');
const t0 = Date.now();
const secs = (from = t0) => ((Date.now() - from) / 1000).toFixed(1);
const say = (msg) => console.log(`serve-check: ${msg}`);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

class Fail extends Error {}

/** Whether something already listens on HOST:PORT (we cannot bind it). */
function portBusy() {
  return new Promise((ok) => {
    const probe = createServer();
    probe.once('error', (err) => ok(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? err.code : false));
    probe.listen(PORT, HOST, () => probe.close(() => ok(false)));
  });
}

/** One GET of the page: its status and body, or null if nothing answered. */
async function fetchPage() {
  try {
    const res = await fetch(URL_, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return null;
  }
}

async function logTail(path, lines = 40) {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

let workdir = null;
let server = null; // the serve.sh child (leader of its own process group)
let serverExit = null; // its exit, once it exited: { code, signal }
let logPath = null;
let ok = false;

try {
  const busy = await portBusy();
  if (busy) {
    throw new Fail(`port ${PORT} on ${HOST} is busy (${busy}): another \`./scripts/serve.sh\` or \`trunk serve\` ` +
      `is probably running. Stop it and run the check again.`);
  }

  // --- 2. fresh clone of the committed HEAD ---
  workdir = await mkdtemp(join(tmpdir(), 'gradlab-serve-check-'));
  const clone = join(workdir, 'gradlab');
  const head = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', repo, clone], { stdio: ['ignore', 'inherit', 'inherit'] });
  say(`cloned ${repo} (HEAD ${head}) into ${clone}`);

  // --- 3. the README's command, exactly ---
  logPath = join(workdir, 'serve.log');
  const log = await open(logPath, 'w');
  const env = { ...process.env };
  // A fresh clone builds into its own target/, as on a new machine.
  delete env.CARGO_TARGET_DIR;
  server = spawn('./scripts/serve.sh', [], { cwd: clone, env, detached: true, stdio: ['ignore', log.fd, log.fd] });
  server.on('exit', (code, signal) => { serverExit = { code, signal }; });
  await log.close();
  say(`started ./scripts/serve.sh (process group ${server.pid}); waiting for ${URL_} (timeout ${TIMEOUT_S} s)`);

  // --- 4. poll until the page answers ---
  const startServe = Date.now();
  let lastNote = Date.now();
  let page = null;
  for (;;) {
    if (serverExit) {
      throw new Fail(`./scripts/serve.sh exited (code ${serverExit.code}, signal ${serverExit.signal}) ` +
        `before the page answered; its log ends:\n${await logTail(logPath)}`);
    }
    page = await fetchPage();
    if (page?.status === 200 && page.body.includes('<title>GradLab</title>')) break;
    if (Date.now() - startServe > TIMEOUT_S * 1000) {
      throw new Fail(`no page on ${URL_} after ${TIMEOUT_S} s (last answer: ${page ? `HTTP ${page.status}` : 'none'}); ` +
        `the log ends:\n${await logTail(logPath)}`);
    }
    if (Date.now() - lastNote >= 60_000) {
      say(`still waiting (${secs(startServe)} s): ${(await logTail(logPath, 1)).trim().slice(0, 160)}`);
      lastNote = Date.now();
    }
    await sleep(500);
  }
  const served = secs(startServe);
  say(`the page answered ${served} s after ./scripts/serve.sh started (setup + cold release build)`);

  // --- 5. the page trains in headless Chromium ---
  const browser = await launchChromium();
  try {
    const errors = [];
    /** A new tab on `url`, once the app is ready (Play enabled, or the crash banner shown). */
    const openTab = async (url) => {
      const tab = await browser.newPage();
      tab.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
      tab.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`); });
      await tab.goto(url, { waitUntil: 'load' });
      await tab.waitForFunction(
        () => !document.querySelector('#play')?.disabled || !document.querySelector('#error')?.hidden,
        null,
        { timeout: 60_000 },
      );
      if (!(await tab.locator('#error').evaluate((el) => el.hidden))) {
        throw new Fail(`the page shows its crash banner: ${await tab.locator('#error').textContent()}`);
      }
      return tab;
    };
    const play = await openTab(URL_);
    await play.click('#play');
    await play.waitForFunction(() => Number(document.querySelector('#step').textContent) > 0, null, { timeout: 60_000 })
      .catch(() => { throw new Fail('Play did not start training: #step stayed 0'); });
    await play.click('#play');
    say(`Play trains: #step rose to ${await play.locator('#step').textContent()} before Pause`);
    await play.close();
    const link = await openTab(`${URL_}#step=5`);
    await link.waitForFunction(
      () => document.querySelector('#step').textContent === '5' && document.querySelector('#status').textContent === 'Paused' && document.body.dataset.running === '0',
      null,
      { timeout: 60_000 },
    ).catch(async () => {
      throw new Fail(`a #step=5 link shows step "${await link.locator('#step').textContent()}", ` +
        `status "${await link.locator('#status').textContent()}"`);
    });
    say('a #step=5 link fast-forwards to exactly step 5');
    // The served page is the production build: the test hooks are not in it.
    const hooks = await link.evaluate(() => typeof window.wasmBindings?.trigger_panic_for_test);
    if (hooks !== 'undefined') throw new Fail(`the served page exports a test hook (trigger_panic_for_test is ${hooks})`);
    say('the served page carries no test hooks');
    await link.close();
    if (errors.length) throw new Fail(`the page logged errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
  }

  // --- 6. one build, no rebuild loop on the build's own outputs ---
  const trunkLog = await readFile(logPath, 'utf8');
  const builds = (trunkLog.match(/starting build/g) ?? []).length;
  if (builds !== 1) {
    throw new Fail(`Trunk started ${builds} builds without any source change (expected 1: its watcher must ignore ` +
      `the build outputs); the log ends:\n${await logTail(logPath)}`);
  }
  ok = true;
} catch (err) {
  say(`FAIL: ${err instanceof Fail ? err.message : err?.stack ?? err}`);
} finally {
  // --- 7. stop the server's whole process group, remove the clone ---
  if (server && !serverExit) {
    const exited = new Promise((done) => server.once('exit', done));
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!stopped) {
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
      await Promise.race([exited, sleep(5000)]);
    }
  }
  if (server) {
    // Anything the group left behind (cargo, rustc, wasm-opt) goes too.
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* none left: expected */ }
  }
  if (workdir) await rm(workdir, { recursive: true, force: true });
}

if (ok) {
  say(`PASS (${secs()} s in all: clone, ./scripts/serve.sh until the page answered, Chromium check, cleanup)`);
  process.exit(0);
} else {
  process.exit(1);
}
