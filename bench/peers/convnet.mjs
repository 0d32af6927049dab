// ConvNetJS 0.3.0 on the workloads of docs/WORKLOADS.md, as that file says
// a ConvNetJS peer runs them: a `Net` of `fc` layers. W1/W2 end in `fc(1)`,
// a `TanhLayer` inserted before the `regression` layer (loss ½(o − t)²),
// trained by `Trainer{method: 'sgd', momentum: 0, batch_size: 10}` with one
// `trainer.train` per sample. W3 ends in `softmax` and is trained by a
// standard Adam update applied to the Net's gradients accumulated over 32
// samples (ConvNetJS 0.3.0 has no 'adam' method), divided by 32 as the
// batch-mean cross-entropy wants. A grid frame is `net.forward` of each of
// the 10 000 precomputed feature rows through one reused `Vol`, the outputs
// copied into one Float32Array.
// ConvNetJS draws its initial weights from Math.random; here Math.random is
// mulberry32(2) while the Net is built (the init seed of docs/WORKLOADS.md),
// so runs start from the same weights.
//
//   node bench/peers/convnet.mjs [W1 W2 W3]
// Prints one JSON line per workload (engine `convnetjs`), the shape of
// GradLab's; env ANCHOR_REPS, ANCHOR_TARGET_MS, ANCHOR_WARMUP_MS.

import { createRequire } from 'node:module';
import { ADAM, benchOptions, chosenWorkloads, figure, measure, mulberry32, workload } from './workloads.mjs';

const convnetjs = createRequire(import.meta.url)('convnetjs');

/** The result of `build()` with Math.random replaced by mulberry32(seed). */
function withSeededRandom(seed, build) {
  const random = Math.random;
  Math.random = mulberry32(seed);
  try {
    return build();
  } finally {
    Math.random = random;
  }
}

/** The workload's Net (seeded), with W1/W2's output TanhLayer inserted. */
export function buildNet(w) {
  const [nIn, ...widths] = w.sizes;
  const hidden = widths.slice(0, -1);
  const defs = [{ type: 'input', out_sx: 1, out_sy: 1, out_depth: nIn }];
  for (const units of hidden) defs.push({ type: 'fc', num_neurons: units, activation: w.activation });
  defs.push(w.labels ? { type: 'softmax', num_classes: 10 } : { type: 'regression', num_neurons: 1 });
  const net = withSeededRandom(2, () => {
    const n = new convnetjs.Net();
    n.makeLayers(defs);
    return n;
  });
  if (!w.labels) {
    // makeLayers put fc(1) before the regression layer; tanh goes between.
    const tanh = new convnetjs.TanhLayer({ in_sx: 1, in_sy: 1, in_depth: 1 });
    net.layers.splice(net.layers.length - 1, 0, tanh);
  }
  return net;
}

/** A Vol holding one feature row. */
function vol(row) {
  const v = new convnetjs.Vol(1, 1, row.length, 0);
  row.forEach((value, k) => {
    v.w[k] = value;
  });
  return v;
}

/**
 * Adam on a Net's accumulated gradients: `step(batch)` divides them by the
 * batch size, updates every parameter and zeroes the gradients.
 */
function adam(net) {
  const groups = net.getParamsAndGrads();
  const m = groups.map((g) => new Float64Array(g.params.length));
  const v = groups.map((g) => new Float64Array(g.params.length));
  let t = 0;
  return {
    step(batch) {
      t += 1;
      const c1 = 1 - ADAM.beta1 ** t;
      const c2 = 1 - ADAM.beta2 ** t;
      groups.forEach(({ params, grads }, i) => {
        const [mi, vi] = [m[i], v[i]];
        for (let j = 0; j < params.length; j++) {
          const g = grads[j] / batch;
          mi[j] = ADAM.beta1 * mi[j] + (1 - ADAM.beta1) * g;
          vi[j] = ADAM.beta2 * vi[j] + (1 - ADAM.beta2) * g * g;
          params[j] -= (ADAM.lr * (mi[j] / c1)) / (Math.sqrt(vi[j] / c2) + ADAM.eps);
          grads[j] = 0;
        }
      });
    },
  };
}

/**
 * A trainer on `w`: `epoch()` trains one epoch (returns its samples),
 * `gridFrame()` runs the grid (returns 1), `loss()` is the mean loss over
 * the epoch's samples.
 */
export function convnetTrainer(w) {
  const net = buildNet(w);
  const n = w.epochSamples;
  const xs = w.inputs.slice(0, n).map(vol);
  let epoch;
  if (w.labels) {
    const optimizer = adam(net);
    epoch = () => {
      for (let s = 0; s < n; s++) {
        net.forward(xs[s], true);
        net.backward(w.labels[s]);
        if ((s + 1) % w.batch === 0) optimizer.step(w.batch);
      }
      return n;
    };
  } else {
    const trainer = new convnetjs.Trainer(net, { method: 'sgd', momentum: 0, batch_size: w.batch, learning_rate: w.lr, l2_decay: 0, l1_decay: 0 });
    const ys = w.targets.slice(0, n);
    epoch = () => {
      for (let s = 0; s < n; s++) trainer.train(xs[s], ys[s]);
      return n;
    };
  }
  const point = w.grid ? new convnetjs.Vol(1, 1, w.sizes[0], 0) : null;
  const out = new Float32Array(10000);
  return {
    net,
    epoch,
    gridFrame() {
      const d = w.sizes[0];
      for (let k = 0; k < 10000; k++) {
        const row = w.grid[k];
        for (let j = 0; j < d; j++) point.w[j] = row[j];
        out[k] = net.forward(point, false).w[0];
      }
      return 1;
    },
    loss() {
      let sum = 0;
      for (let s = 0; s < n; s++) {
        const o = net.forward(xs[s], false).w;
        sum += w.labels ? -Math.log(o[w.labels[s]]) : 0.5 * (o[0] - w.targets[s][0]) ** 2;
      }
      return sum / n;
    },
  };
}

/** Measures every chosen workload; one JSON line each. */
function main() {
  const opts = benchOptions();
  console.error(`[convnetjs] convnetjs ${createRequire(import.meta.url)('convnetjs/package.json').version}`);
  for (const key of chosenWorkloads(process.argv.slice(2))) {
    const w = workload(key);
    const trainer = convnetTrainer(w);
    const train = measure(opts, () => trainer.epoch());
    const loss = trainer.loss();
    if (!Number.isFinite(loss)) throw new Error(`${w.name}: convnetjs training diverged (loss ${loss})`);
    const grid = w.grid ? measure(opts, () => trainer.gridFrame()) : null;
    console.log(JSON.stringify(figure('convnetjs', w.name, train, grid, opts.reps)));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main();
  } catch (err) {
    console.error(err?.stack ?? err);
    process.exit(1);
  }
}
