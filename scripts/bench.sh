#!/usr/bin/env bash
# Measures GradLab's training and grid throughput on the anchor workloads
# (W1 tfp-default, W2 tfp-max, W3 digits-mlp; see docs/WORKLOADS.md):
#   - natively:        `cargo run --release -- bench`           -> engine "gradlab-native"
#   - in V8 (Node 20): the release wasm32 build (+simd128, as the page ships)
#                      loaded by bench/wasm-bench.mjs            -> engine "gradlab-wasm"
#   - the peers, in the same run on the same data (bench/peers/, packages
#     pinned in package-lock.json): TensorFlow.js 4.22.0 on its cpu and wasm
#     (SIMD, one thread) backends -> "tfjs-cpu", "tfjs-wasm"; ConvNetJS
#     0.3.0 -> "convnetjs"
#   - the page:        bench/frame-time.mjs in headless Chromium -> median/p95
#                      frame time and epochs/s, W2 with every thumbnail live;
#                      bench/first-heatmap.mjs -> ms from navigation to the
#                      first heatmap, and the page's bytes (raw, gzipped)
# Prints one JSON object per line and keeps a copy in bench-results/, then
# the table of GradLab-wasm's ratio to each peer with the machine, the date
# and the load average (bench/ratios.mjs; kept beside it as -ratios.md).
#
#   ./scripts/bench.sh
#   ANCHOR_REPS=3 ANCHOR_TARGET_MS=300 ANCHOR_WARMUP_MS=200 ./scripts/bench.sh   (quick)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
./scripts/setup.sh

mkdir -p bench-results
out="bench-results/bench-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
LOADAVG_START="$(cat /proc/loadavg)"
export LOADAVG_START

echo "[bench] building native (release) and wasm32 (release, simd128)" >&2
cargo build --release --quiet
cargo build --release --quiet --lib --target wasm32-unknown-unknown -p gradlab-web
rm -rf target/bench-wasm
wasm-bindgen --target experimental-nodejs-module --out-dir target/bench-wasm \
    target/wasm32-unknown-unknown/release/gradlab_web.wasm

# ANCHOR_REPS / ANCHOR_TARGET_MS / ANCHOR_WARMUP_MS reach every run through
# the environment (the native CLI and the peers read them; wasm-bench.mjs
# passes them in).
echo "[bench] native" >&2
cargo run --release --quiet -- bench | tee "${out}"
echo "[bench] wasm (node $(node --version))" >&2
node bench/wasm-bench.mjs | tee -a "${out}"
# The peers on the same workloads; bench/peers/check.mjs first confirms their
# data are GradLab's and that they train (no timing in it).
echo "[bench] peers: check (data equal GradLab's, training agrees)" >&2
node bench/peers/check.mjs 1>&2
for backend in cpu wasm; do
    echo "[bench] peer tfjs-${backend}" >&2
    node bench/peers/tfjs.mjs "${backend}" | tee -a "${out}"
done
echo "[bench] peer convnetjs" >&2
node bench/peers/convnet.mjs | tee -a "${out}"
# Frame time of the page itself (W2 with every thumbnail live), in headless
# Chromium on the release page build.
echo "[bench] page frame time (headless chromium)" >&2
trunk build --release --offline 1>&2
node bench/frame-time.mjs | tee -a "${out}"
# Time to the first heatmap after navigation (a first visit, five times) and
# the size of every file the page loads, raw and gzipped.
echo "[bench] page first heatmap and size (headless chromium)" >&2
node bench/first-heatmap.mjs | tee -a "${out}"
echo "[bench] saved ${out}" >&2
echo >&2
node bench/ratios.mjs "${out}" | tee "${out%.jsonl}-ratios.md"
