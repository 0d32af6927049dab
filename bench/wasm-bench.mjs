// Runs GradLab's anchor-workload benchmark inside V8 (Node >= 20): loads the
// release wasm32 build that scripts/bench.sh produced with
// `wasm-bindgen --target experimental-nodejs-module --out-dir target/bench-wasm`
// (an ES module: the glue reads `import.meta.url`, which CommonJS cannot
// parse, since the page's Web Worker needs it) and prints the
// figure its exported `bench_json` returns (a JS object, engine "gradlab-wasm")
// as one JSON line per workload, like the native CLI.
// The clock is performance.now(), read from inside the wasm module.
//
//   node bench/wasm-bench.mjs [W1 W2 W3 | tfp-default ...]
// Env: ANCHOR_REPS, ANCHOR_TARGET_MS, ANCHOR_WARMUP_MS (optional; the
// engine's defaults otherwise: 0.7 s warm-up, 7 repetitions of ~1 s).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const glue = join(root, 'target', 'bench-wasm', 'gradlab_web.js');
if (!existsSync(glue)) {
  console.error(`missing ${glue}: run ./scripts/bench.sh (it builds the wasm module first)`);
  process.exit(2);
}
// The glue instantiates the module synchronously when it is imported.
const gradlab = await import(pathToFileURL(glue).href);
// The module does not carry the digits set (W3): the page fetches the
// shipped file; here it is read from disk and installed the same way.
gradlab.install_digits(readFileSync(join(root, 'data', 'digits.csv.gz')));

/** A positive number from the environment, or undefined (engine default). */
function envNumber(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`ignoring ${name}=${raw}: not a positive number`);
    return undefined;
  }
  return value;
}

const reps = envNumber('ANCHOR_REPS');
const targetMs = envNumber('ANCHOR_TARGET_MS');
const warmupMs = envNumber('ANCHOR_WARMUP_MS');
const workloads = process.argv.slice(2);

let failed = false;
for (const workload of workloads.length ? workloads : ['W1', 'W2', 'W3']) {
  try {
    const figure = gradlab.bench_json(workload, reps === undefined ? undefined : Math.round(reps), targetMs, warmupMs);
    console.log(JSON.stringify(figure));
  } catch (err) {
    failed = true;
    console.error(`${workload}: ${err?.message ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
