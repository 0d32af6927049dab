// TensorFlow.js 4.22.0 (tfjs-core + tfjs-layers) on the workloads of
// docs/WORKLOADS.md, as that file says a TensorFlow.js peer runs them:
// a `tf.sequential` of `dense` layers (Glorot-uniform with seed 2, bias 0),
// one `optimizer.minimize` per mini-batch on batch tensors built before the
// clock starts (SGD lr 0.03 on ½(o − t)² averaged over the batch for W1/W2;
// Adam on the batch-mean softmax cross-entropy for W3), and a grid frame
// `model.predict(grid[10000×d], {batchSize: 10000}).dataSync()` on a
// precomputed feature tensor. Backends: `cpu` (tfjs-backend-cpu) and
// `wasm` (tfjs-backend-wasm with SIMD, one thread: its multithreaded build
// is switched off before the backend starts).
//
//   node bench/peers/tfjs.mjs cpu|wasm [W1 W2 W3]
// Prints one JSON line per workload (engine `tfjs-cpu` / `tfjs-wasm`), the
// shape of GradLab's; env ANCHOR_REPS, ANCHOR_TARGET_MS, ANCHOR_WARMUP_MS.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ADAM, benchOptions, chosenWorkloads, figure, measure, workload } from './workloads.mjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
require('@tensorflow/tfjs-backend-cpu');
const wasmBackend = require('@tensorflow/tfjs-backend-wasm');

/**
 * Starts backend `cpu` or `wasm` (SIMD, single thread); returns a short
 * description of what runs.
 */
export async function useBackend(name) {
  if (name === 'wasm') {
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasmBackend.setWasmPaths(join(dist, '/'));
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  } else if (name !== 'cpu') {
    throw new Error(`unknown backend ${JSON.stringify(name)}; expected cpu or wasm`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not start`);
  await tf.ready();
  if (name === 'wasm') {
    const threads = wasmBackend.getThreadsCount();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    if (threads !== 1 || !simd) throw new Error(`tfjs-wasm runs ${threads} threads, SIMD ${simd}; expected 1 thread with SIMD`);
    return `tfjs ${tf.version_core} wasm (SIMD, ${threads} thread)`;
  }
  return `tfjs ${tf.version_core} cpu`;
}

/** The workload's network: dense layers, hidden activation, tanh or logits out. */
export function buildModel(w) {
  const model = tfl.sequential();
  const [nIn, ...widths] = w.sizes;
  widths.forEach((units, k) => {
    const last = k === widths.length - 1;
    model.add(
      tfl.layers.dense({
        units,
        inputShape: k === 0 ? [nIn] : undefined,
        activation: last ? (w.labels ? 'linear' : 'tanh') : w.activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        biasInitializer: 'zeros',
      }),
    );
  });
  return model;
}

/** Mean loss of `model` on inputs `x` and targets `t` (tensors). */
function lossOf(w, model, x, t) {
  const out = model.apply(x, { training: true });
  return w.labels ? tf.losses.softmaxCrossEntropy(t, out) : tf.mul(0.5, tf.mean(tf.square(tf.sub(out, t))));
}

/**
 * A trainer on `w` for the current backend: `epoch()` trains one epoch
 * (returns its samples), `gridFrame()` predicts the grid (returns 1),
 * `loss()` is the mean loss over the epoch's samples, `dispose()` frees it.
 */
export function tfjsTrainer(w) {
  const model = buildModel(w);
  const optimizer = w.labels ? tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps) : tf.train.sgd(w.lr);
  const n = w.epochSamples;
  const x = tf.tensor2d(w.inputs.slice(0, n));
  const t = tf.tensor2d(w.targets.slice(0, n));
  const batches = [];
  for (let s = 0; s < n; s += w.batch) {
    const size = Math.min(w.batch, n - s);
    batches.push([tf.slice(x, [s, 0], [size, -1]), tf.slice(t, [s, 0], [size, -1])]);
  }
  const grid = w.grid ? tf.tensor2d(w.grid) : null;
  return {
    model,
    epoch() {
      for (const [xb, tb] of batches) optimizer.minimize(() => lossOf(w, model, xb, tb));
      return n;
    },
    gridFrame() {
      const out = model.predict(grid, { batchSize: 10000 });
      out.dataSync();
      out.dispose();
      return 1;
    },
    loss() {
      return tf.tidy(() => lossOf(w, model, x, t).dataSync()[0]);
    },
    dispose() {
      for (const [xb, tb] of batches) tf.dispose([xb, tb]);
      tf.dispose([x, t, grid].filter(Boolean));
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Measures every chosen workload on `backend`; one JSON line each. */
async function main() {
  const [backend, ...keys] = process.argv.slice(2);
  const about = await useBackend(backend);
  console.error(`[tfjs] ${about}`);
  const opts = benchOptions();
  for (const key of chosenWorkloads(keys)) {
    const w = workload(key);
    const trainer = tfjsTrainer(w);
    const train = measure(opts, () => trainer.epoch());
    const loss = trainer.loss();
    if (!Number.isFinite(loss)) throw new Error(`${w.name}: tfjs-${backend} training diverged (loss ${loss})`);
    const grid = w.grid ? measure(opts, () => trainer.gridFrame()) : null;
    trainer.dispose();
    console.log(JSON.stringify(figure(`tfjs-${backend}`, w.name, train, grid, opts.reps)));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
