// The benchmark workloads of docs/WORKLOADS.md in JavaScript, for the peer
// engines (tfjs, ConvNetJS) that scripts/bench.sh runs beside GradLab:
// mulberry32, TF Playground's circle and spiral generators with its shuffle
// and 50 % split, the seven planar features, W3's random digits, the
// 100×100 decision grid, and the timing method (a warm-up, then `reps`
// repetitions of about `targetMs` each; median, min and max). The data are
// GradLab's to the bit as f32 (bench/peers/check.mjs compares them with
// `gradlab bench --data`).
//
// A workload's data: `{ name, sizes, hidden, inputs, targets, labels, grid,
// batch, epochSamples }`, with `inputs` and `targets` arrays of rows
// (numbers, f64) in epoch order, `grid` 10 000 rows or null.

/** mulberry32 (docs/WORKLOADS.md): a function returning uniforms in [0, 1). */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** TF Playground's `randUniform(a, b)`. */
const uniform = (rand, a, b) => rand() * (b - a) + a;

/** TF Playground `classifyCircleData(n, noise)`: points `[x, y, ±1]`. */
export function circle(n, noise, rand) {
  const radius = 5;
  const points = [];
  const ring = (rMin, rMax) => {
    for (let i = 0; i < n / 2; i++) {
      const r = uniform(rand, rMin, rMax);
      const angle = uniform(rand, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = uniform(rand, -radius, radius) * noise;
      const noiseY = uniform(rand, -radius, radius) * noise;
      const [dx, dy] = [x + noiseX, y + noiseY];
      const inside = Math.sqrt(dx * dx + dy * dy) < radius * 0.5;
      points.push([x, y, inside ? 1 : -1]);
    }
  };
  ring(0, radius * 0.5);
  ring(radius * 0.7, radius);
  return points;
}

/** TF Playground `classifySpiralData(n, noise)`: points `[x, y, ±1]`. */
export function spiral(n, noise, rand) {
  const half = n / 2;
  const points = [];
  const arm = (deltaT, label) => {
    for (let i = 0; i < half; i++) {
      const r = (i / half) * 5;
      const t = ((1.75 * i) / half) * 2 * Math.PI + deltaT;
      const x = r * Math.sin(t) + uniform(rand, -1, 1) * noise;
      const y = r * Math.cos(t) + uniform(rand, -1, 1) * noise;
      points.push([x, y, label]);
    }
  };
  arm(0, 1);
  arm(Math.PI, -1);
  return points;
}

/** TF Playground's Fisher–Yates `shuffle`, in place. */
export function shuffle(items, rand) {
  for (let c = items.length; c > 0; c--) {
    const i = Math.floor(rand() * c);
    [items[c - 1], items[i]] = [items[i], items[c - 1]];
  }
  return items;
}

/** The seven planar features in GradLab's order. */
const FEATURES = [
  (x, _y) => x,
  (_x, y) => y,
  (x, _y) => x * x,
  (_x, y) => y * y,
  (x, y) => x * y,
  (x, _y) => Math.sin(x),
  (_x, y) => Math.sin(y),
];

/** The 100×100 grid, i-major: point (i, j) at (−6 + 12i/99, 6 − 12j/99). */
export function gridPoints() {
  const points = [];
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 100; j++) points.push([-6 + (12 * i) / 99, 6 - (12 * j) / 99]);
  }
  return points;
}

/** W1 / W2: generate, shuffle with the same stream, keep the first half. */
function planar(name, generate, nFeatures, hidden, activation) {
  const rand = mulberry32(1);
  const points = shuffle(generate(500, 0, rand), rand).slice(0, 250);
  const features = FEATURES.slice(0, nFeatures);
  const featurize = ([x, y]) => features.map((f) => f(x, y));
  return {
    name,
    sizes: [nFeatures, ...hidden, 1],
    activation,
    inputs: points.map(featurize),
    targets: points.map((p) => [p[2]]),
    labels: null,
    grid: gridPoints().map(featurize),
    batch: 10,
    lr: 0.03,
    epochSamples: 250,
  };
}

/** W3: per sample 64 pixels floor(rand·17)/16, then a label floor(rand·10). */
function digits() {
  const rand = mulberry32(1);
  const inputs = [];
  const labels = [];
  for (let i = 0; i < 1797; i++) {
    const row = [];
    for (let j = 0; j < 64; j++) row.push(Math.floor(rand() * 17) / 16);
    inputs.push(row);
    labels.push(Math.floor(rand() * 10));
  }
  const targets = labels.map((c) => Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0)));
  return {
    name: 'W3 digits-mlp',
    sizes: [64, 128, 64, 10],
    activation: 'relu',
    inputs,
    targets,
    labels,
    grid: null,
    batch: 32,
    lr: 1e-3,
    epochSamples: 1792,
  };
}

/** The workload named `W1`, `w2`, `digits-mlp`, ... (or undefined). */
export function workload(key) {
  const k = String(key).toLowerCase();
  if (k === 'w1' || k === 'tfp-default') return planar('W1 tfp-default', circle, 2, [4, 2], 'tanh');
  if (k === 'w2' || k === 'tfp-max') return planar('W2 tfp-max', spiral, 7, [8, 8, 8, 8, 8, 8], 'relu');
  if (k === 'w3' || k === 'digits-mlp') return digits();
  return undefined;
}

export const WORKLOADS = ['W1', 'W2', 'W3'];

/** Adam of docs/WORKLOADS.md (W3). */
export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** A positive number from the environment, or `fallback`. */
function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`ignoring ${name}=${raw}: not a positive number`);
    return fallback;
  }
  return value;
}

/** Repetition settings: 7 reps of ≈ 1 s after 0.7 s (env ANCHOR_*). */
export function benchOptions() {
  return {
    reps: Math.round(envNumber('ANCHOR_REPS', 7)),
    targetMs: envNumber('ANCHOR_TARGET_MS', 1000),
    warmupMs: envNumber('ANCHOR_WARMUP_MS', 700),
  };
}

/** Units per second of `unit()` (which returns its units) over ≥ `targetMs`. */
function rate(targetMs, unit) {
  const start = performance.now();
  let done = 0;
  for (;;) {
    done += unit();
    const elapsed = performance.now() - start;
    if (elapsed >= targetMs) return done / (elapsed / 1000);
  }
}

/** `[median, min, max]` of repeated rates after a warm-up (as src/engine/bench.rs). */
export function measure(opts, unit) {
  rate(opts.warmupMs, unit);
  const rates = [];
  for (let r = 0; r < Math.max(1, opts.reps); r++) rates.push(rate(opts.targetMs, unit));
  rates.sort((a, b) => a - b);
  return [rates[Math.floor(rates.length / 2)], rates[0], rates[rates.length - 1]];
}

/** One figure line, the shape of GradLab's (`BenchFigure`). */
export function figure(engine, name, train, grid, reps) {
  return {
    engine,
    workload: name,
    samples_per_s: train[0],
    samples_per_s_min: train[1],
    samples_per_s_max: train[2],
    grid_frames_per_s: grid ? grid[0] : null,
    grid_frames_per_s_min: grid ? grid[1] : null,
    grid_frames_per_s_max: grid ? grid[2] : null,
    reps,
  };
}

/** Workload keys from argv (default all), each checked. */
export function chosenWorkloads(argv) {
  const keys = argv.length ? argv : WORKLOADS;
  for (const k of keys) {
    if (!workload(k)) throw new Error(`unknown workload ${JSON.stringify(k)}; expected W1, W2 or W3`);
  }
  return keys;
}
