#!/usr/bin/env bash
# Measures GradLab's training and grid throughput on the anchor workloads
# (W1 tfp-default, W2 tfp-max, W3 digits-mlp; see docs/WORKLOADS.md):
#   - natively:        `cargo run --release -- bench`           -> engine "gradlab-native"
#   - in V8 (Node 20): the release wasm32 build (+simd128, as the page ships)
#                      loaded by bench/wasm-bench.mjs            -> engine "gradlab-wasm"
#   - the page:        bench/frame-time.mjs in headless Chromium -> median/p95
#                      frame time and epochs/s, W2 with every thumbnail live
# Prints one JSON object per line and keeps a copy in bench-results/.
#
#   ./scripts/bench.sh
#   ANCHOR_REPS=3 ANCHOR_TARGET_MS=300 ANCHOR_WARMUP_MS=200 ./scripts/bench.sh   (quick)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
./scripts/setup.sh

mkdir -p bench-results
out="bench-results/bench-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

echo "[bench] building native (release) and wasm32 (release, simd128)" >&2
cargo build --release --quiet
cargo build --release --quiet --lib --target wasm32-unknown-unknown --no-default-features
wasm-bindgen --target nodejs --out-dir target/bench-wasm \
    target/wasm32-unknown-unknown/release/gradlab.wasm

# ANCHOR_REPS / ANCHOR_TARGET_MS / ANCHOR_WARMUP_MS reach both runs through
# the environment (the native CLI reads them; wasm-bench.mjs passes them in).
echo "[bench] native" >&2
cargo run --release --quiet -- bench | tee "${out}"
echo "[bench] wasm (node $(node --version))" >&2
node bench/wasm-bench.mjs | tee -a "${out}"
# Frame time of the page itself (W2 with every thumbnail live), in headless
# Chromium on the release page build.
echo "[bench] page frame time (headless chromium)" >&2
trunk build --release --offline 1>&2
node bench/frame-time.mjs | tee -a "${out}"
echo "[bench] saved ${out}" >&2
