// Makes the page's wasm module smaller to load: binaryen's wasm-opt (the npm
// `binaryen` package pinned in package.json, which scripts/setup.sh installs;
// Debian's wasm-opt 108 cannot parse this module) rewrites it without its
// name section (function names, ~290 KB raw, ~85 KB gzipped) and its
// producers section. It keeps the target_features section, which tells
// wasm-opt and wasm-bindgen what the code uses. No optimization passes: the
// code is LTO'd at opt-level 3 already, and measured here, `-Os` took 65 s
// more per build for 12 KB gzipped less, `-O1` 15 s for 8 KB (README, "Page
// size").
//
//   node scripts/shrink-wasm.mjs DIR     (every *_bg.wasm in DIR, in place)
//
// Run by scripts/post-build.mjs before the service worker's hashes are
// computed. Stripping changes no instruction, so the engine's bits are the
// same (the fingerprint e2e tests compare the page with the native CLI).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_OPT = join(root, 'node_modules', 'binaryen', 'bin', 'wasm-opt');
const FLAGS = ['--strip-debug', '--strip-producers'];

const dir = process.argv[2];
if (!dir) throw new Error('shrink-wasm: no folder given');
if (!existsSync(WASM_OPT)) {
  throw new Error(`shrink-wasm: ${WASM_OPT} is missing: run ./scripts/setup.sh (it installs the npm package binaryen)`);
}
const modules = (await readdir(dir)).filter((name) => name.endsWith('_bg.wasm'));
if (modules.length === 0) throw new Error(`shrink-wasm: no *_bg.wasm in ${dir}`);
for (const name of modules) {
  const path = join(dir, name);
  const before = (await stat(path)).size;
  execFileSync(process.execPath, [WASM_OPT, ...FLAGS, path, '-o', path], { stdio: 'inherit' });
  const after = (await stat(path)).size;
  console.log(`shrink-wasm: ${name} ${before} -> ${after} bytes`);
}
