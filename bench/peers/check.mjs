// Checks the peers of scripts/bench.sh before anyone reads their speed (no
// timing here; scripts/test.sh runs it, a few seconds):
//   1. mulberry32 gives the first outputs docs/WORKLOADS.md lists for seed 1;
//   2. the JavaScript workloads (bench/peers/workloads.mjs) are GradLab's
//      data to the bit as f32: training inputs and targets in epoch order
//      and the decision grid, against `gradlab bench --data`;
//   3. tfjs (cpu for W1 and W2, wasm for W3) and ConvNetJS train the same
//      thing: started from the same weights (tfjs's, copied into the Net),
//      their mean losses agree at the start and after a few epochs (one for
//      W3: Adam's steps on near-zero gradients let f32 and f64 part ways
//      later), and the loss has fallen — so both run the specified loss and update (SGD on
//      the batch mean of ½(o − t)²; Adam on the batch-mean cross-entropy).
//
//   node bench/peers/check.mjs [path/to/gradlab]   (default target/release/gradlab)

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, workload } from './workloads.mjs';
import { convnetTrainer } from './convnet.mjs';
import { tfjsTrainer, useBackend } from './tfjs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gradlab = process.argv[2] ?? join(root, 'target', 'release', 'gradlab');
let failures = 0;

function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

/** Where two row arrays first differ as f32 ("" when they are equal). */
function firstDifference(got, want) {
  if (got.length !== want.length) return `${got.length} rows, GradLab ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    for (let j = 0; j < want[i].length; j++) {
      if (Math.fround(got[i][j]) !== Math.fround(want[i][j])) return `row ${i} column ${j}: ${got[i][j]}, GradLab ${want[i][j]}`;
    }
  }
  return '';
}

function checkGenerator() {
  const rand = mulberry32(1);
  const first = [rand(), rand(), rand()];
  const spec = [0.6270739405881613, 0.002735721180215478, 0.5274470399599522];
  check(first.every((v, i) => v === spec[i]), `mulberry32(1) starts ${first.join(', ')}`);
}

function checkData() {
  const lines = execFileSync(gradlab, ['bench', '--data'], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n');
  for (const line of lines) {
    const theirs = JSON.parse(line);
    const ours = workload(theirs.workload.split(' ')[0]);
    for (const part of ['inputs', 'targets', 'grid']) {
      if (theirs[part] === null) {
        check(ours[part] === null, `${theirs.workload} ${part}: none in either`);
        continue;
      }
      const diff = firstDifference(ours[part], theirs[part]);
      check(diff === '', `${theirs.workload} ${part} (${theirs[part].length} rows) equal GradLab's${diff ? `: ${diff}` : ''}`);
    }
  }
}

/** Copies tfjs's dense weights into the ConvNetJS Net's fc layers. */
function copyWeights(model, net) {
  const fcs = net.layers.filter((l) => l.layer_type === 'fc');
  model.layers.forEach((dense, k) => {
    const [kernel, bias] = dense.getWeights().map((t) => t.arraySync());
    fcs[k].filters.forEach((filter, o) => {
      kernel.forEach((row, i) => {
        filter.w[i] = row[o];
      });
    });
    bias.forEach((b, o) => {
      fcs[k].biases.w[o] = b;
    });
  });
}

/**
 * Trains `key` for `epochs` epochs on tfjs (current backend) and ConvNetJS
 * from the same weights; the loss must end below `fall` × its start.
 */
function checkTraining(key, epochs, backend, fall) {
  const w = workload(key);
  const tfjs = tfjsTrainer(w);
  const convnet = convnetTrainer(w);
  copyWeights(tfjs.model, convnet.net);
  const start = [tfjs.loss(), convnet.loss()];
  for (let e = 0; e < epochs; e++) {
    tfjs.epoch();
    convnet.epoch();
  }
  const end = [tfjs.loss(), convnet.loss()];
  tfjs.dispose();
  const close = (a, b) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
  const show = (pair) => pair.map((v) => v.toFixed(6)).join(' / ');
  check(close(...start), `${w.name}: start loss tfjs-${backend} / convnetjs ${show(start)} agree`);
  check(close(...end), `${w.name}: after ${epochs} epochs ${show(end)} agree`);
  check(end[1] < fall * start[1], `${w.name}: the loss fell below ${fall} × its start, from ${start[1].toFixed(6)} to ${end[1].toFixed(6)}`);
}

async function main() {
  checkGenerator();
  checkData();
  await useBackend('cpu');
  checkTraining('W1', 4, 'cpu', 0.95);
  checkTraining('W2', 4, 'cpu', 0.95);
  await useBackend('wasm');
  // Random labels: the net can only memorize, a few per cent per epoch.
  checkTraining('W3', 1, 'wasm', 0.98);
  console.log(failures ? `peers check: ${failures} failed` : 'peers check: all passed');
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
