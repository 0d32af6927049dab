// Prints the same-run comparison of one ./scripts/bench.sh run: reads the
// run's JSONL (GradLab's figures and the peers', bench/peers/) and prints,
// as Markdown, the machine (CPU model from /proc/cpuinfo, cores, Node
// version, load average at the start of the run and now) and the date, a
// table of GradLab-wasm's ratio to each peer — samples/s and grid frames/s
// on W1, W2, W3: the ratio of the medians, and in brackets the ratio of
// GradLab's slowest repetition to the peer's fastest and of its fastest to
// the peer's slowest — and the absolute figures beside it.
//
//   node bench/ratios.mjs bench-results/bench-<date>.jsonl
// Env LOADAVG_START: /proc/loadavg as scripts/bench.sh read it at the start.

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const BASE = 'gradlab-wasm';
const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'convnetjs'];
const ENGINES = ['gradlab-native', BASE, ...PEERS];
const COLUMNS = [
  ['W1 tfp-default', 'samples_per_s', 'W1 samples/s'],
  ['W2 tfp-max', 'samples_per_s', 'W2 samples/s'],
  ['W3 digits-mlp', 'samples_per_s', 'W3 samples/s'],
  ['W1 tfp-default', 'grid_frames_per_s', 'W1 grid frames/s'],
  ['W2 tfp-max', 'grid_frames_per_s', 'W2 grid frames/s'],
];

/** The run's figures, keyed `engine|workload`. */
function readFigures(path) {
  const figures = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const f = JSON.parse(line);
    if (f.engine && f.workload && 'samples_per_s' in f) figures.set(`${f.engine}|${f.workload}`, f);
  }
  return figures;
}

/** `[median, min, max]` of one measure, or null. */
function triple(figures, engine, workload, key) {
  const f = figures.get(`${engine}|${workload}`);
  if (!f || f[key] === null || f[key] === undefined) return null;
  return [f[key], f[`${key}_min`], f[`${key}_max`]];
}

/** Two significant figures at least, thousands separated by thin spaces. */
function number(v) {
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return v.toFixed(digits).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

function ratioCell(base, peer) {
  if (!base || !peer) return '–';
  const [bMed, bMin, bMax] = base;
  const [pMed, pMin, pMax] = peer;
  return `${number(bMed / pMed)}× (${number(bMin / pMax)}–${number(bMax / pMin)})`;
}

function absoluteCell(t) {
  return t ? `${number(t[0])} (${number(t[1])}–${number(t[2])})` : '–';
}

function machine() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const start = (process.env.LOADAVG_START ?? '').split(' ').slice(0, 3).join(' ');
  return [
    `Machine: ${model}, ${cpus().length} cores, Node ${process.version}.`,
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `Load average (1, 5, 15 min): ${start ? `${start} at the start, ` : ''}${load} at the end.`,
  ];
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i ? '---:' : '---'))), ...rows.map(line)];
}

function main() {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: node bench/ratios.mjs <run.jsonl>');
    process.exit(2);
  }
  const figures = readFigures(path);
  const header = COLUMNS.map(([, , title]) => title);
  const ratios = PEERS.map((peer) => [
    peer,
    ...COLUMNS.map(([w, key]) => ratioCell(triple(figures, BASE, w, key), triple(figures, peer, w, key))),
  ]);
  const absolute = ENGINES.map((engine) => [engine, ...COLUMNS.map(([w, key]) => absoluteCell(triple(figures, engine, w, key)))]);
  const out = [
    ...machine(),
    '',
    `GradLab-wasm ÷ peer, same run (median ratio; in brackets slowest/fastest and fastest/slowest repetitions), from ${path}:`,
    '',
    ...table(['GradLab-wasm ÷', ...header], ratios),
    '',
    'Absolute figures of the same run (median, min–max):',
    '',
    ...table(['engine', ...header], absolute),
  ];
  console.log(out.join('\n'));
  const missing = PEERS.concat(BASE).filter((e) => !COLUMNS.some(([w, key]) => triple(figures, e, w, key)));
  if (missing.length) {
    console.error(`no figures for ${missing.join(', ')} in ${path}`);
    process.exit(1);
  }
}

main();
