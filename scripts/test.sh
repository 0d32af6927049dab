#!/usr/bin/env bash
# Runs every check GradLab has, in the order a failure is cheapest to see:
#   formatting, lints (native + wasm32), native tests, the wasm determinism
#   test in headless Chromium, the doctor benchmark's table, the benchmark
#   peers' check (their data are GradLab's; they train), the release page
#   build (Trunk), the
#   end-to-end browser tests against that build, and the serve check: a fresh
#   `git clone` of the committed HEAD, `./scripts/serve.sh` run there as the
#   README writes it, the page loaded in Chromium until it trains
#   (tests/e2e/serve-check.mjs; needs 127.0.0.1:8080 free).
# Exits non-zero on the first failure (the end-to-end tests and the serve
# check both run, then both count). The last line is the end-to-end tally,
# "N passed, M failed" (cargo test prints its own result lines above it).
#
#   ./scripts/test.sh          (what CI runs: .ci/run calls exactly this)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_PROGRESS_WHEN=never

./scripts/setup.sh

WASM=(--target wasm32-unknown-unknown --no-default-features)  # see Cargo.toml [features]
timings=()
step() {  # step "title" command...: runs a command, records how long it took
    local title="$1"; shift
    printf '\n=== %s\n' "${title}"
    local start=${SECONDS}
    "$@"
    timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "${title}")")
}

step "rustfmt" cargo fmt --all -- --check
step "clippy (native, all targets)" cargo clippy --all-targets -- -D warnings
step "clippy (wasm32: engine lib + browser test)" \
    cargo clippy "${WASM[@]}" --lib --test wasm_determinism -- -D warnings
step "clippy (wasm32: the page's crate)" \
    cargo clippy "${WASM[@]}" -p gradlab-web --lib -- -D warnings
step "clippy (wasm32: the page's crate, with test hooks)" \
    cargo clippy "${WASM[@]}" -p gradlab-web --features test-hooks --lib -- -D warnings
step "cargo test (native)" cargo test
step "cargo test (wasm32, headless Chromium)" \
    env CHROMEDRIVER=/usr/bin/chromedriver \
    cargo test "${WASM[@]}" --test wasm_determinism
step "cargo build --release (native CLI, compared with the page end-to-end)" cargo build --release
# The doctor benchmark's table (tests/doctor_bench.rs asserts the same): exits
# non-zero unless every labelled case passes with every seed.
step "doctor benchmark (gradlab doctor --bench)" ./target/release/gradlab doctor --bench
# The benchmark's peers (no timing): their data equal `gradlab bench --data`
# to the bit, and tfjs and ConvNetJS train alike from the same weights.
step "benchmark peers check (bench/peers/check.mjs)" node bench/peers/check.mjs
# The page under test carries the test hooks (Cargo.toml: `test-hooks`);
# the serve check below builds the page as the README's first command does.
step "trunk build --release --offline (with test hooks)" \
    trunk build --release --offline --features test-hooks

# --- end-to-end: serve dist/ on a free local port, drive it with Chromium ---
server_log="$(mktemp)"
e2e_log="$(mktemp)"
node tests/e2e/static-server.mjs dist 0 >"${server_log}" 2>&1 &
server_pid=$!
trap 'kill "${server_pid}" 2>/dev/null || true; rm -f "${server_log}" "${e2e_log}"' EXIT
for _ in $(seq 1 100); do  # wait up to 10 s for "listening http://127.0.0.1:PORT/"
    grep -q '^listening ' "${server_log}" && break
    sleep 0.1
done
url="$(sed -n 's/^listening //p' "${server_log}")"
if [[ -z "${url}" ]]; then
    cat "${server_log}" >&2
    echo "static server did not start" >&2
    exit 1
fi

printf '\n=== %s\n' "end-to-end (${url})"
start=${SECONDS}
set +e
node tests/e2e/run.mjs --url "${url}" 2>&1 | tee "${e2e_log}"
e2e_status=${PIPESTATUS[0]}
set -e
timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "end-to-end")")
kill "${server_pid}" 2>/dev/null || true

# --- serve check: the README's first command on a fresh clone --------------
printf '\n=== %s\n' "serve check (fresh clone, ./scripts/serve.sh, Chromium)"
start=${SECONDS}
set +e
node tests/e2e/serve-check.mjs
serve_status=$?
set -e
timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "serve check")")

printf '\n=== timings\n'
printf '%s\n' "${timings[@]}"
printf '%5ds  total\n' "${SECONDS}"

tally="$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "${e2e_log}" | tail -n 1 | sed 's/^e2e: //')"
if [[ -z "${tally}" ]]; then
    echo "end-to-end runner printed no tally" >&2
    exit 1
fi
if [[ "${serve_status}" != 0 ]]; then
    echo "serve check FAILED (see 'serve-check: FAIL' above)" >&2
fi
echo "${tally}"
if [[ "${e2e_status}" != 0 || ! "${tally}" =~ ' 0 failed'$ || "${serve_status}" != 0 ]]; then
    exit 1
fi
