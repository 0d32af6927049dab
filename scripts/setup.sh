#!/usr/bin/env bash
# Installs every tool GradLab's build and tests need, each step skipping
# itself when the tool is already present at the right version, so a warm
# run takes about a second. Safe to run as root with CI=true and no stdin.
#
#   ./scripts/setup.sh
#
# Steps (each one says why it is done this way):
#   1. rustup: wasm32-unknown-unknown target, rustfmt, clippy
#   2. apt:    chromium, chromium-driver (headless tests), fonts-wqy-microhei
#              (a Chinese font, so the zh-CN screenshots show characters,
#              not boxes)
#   3. cargo:  wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock
#   4. cargo:  trunk 0.21.x (0.22 needs a newer rustc than the machine's)
#   5. npm:    `npm ci` of package-lock.json (playwright-core and axe-core for
#              the e2e tests; binaryen 132, whose wasm-opt strips the page's
#              wasm module after each build (Debian's wasm-opt 108 cannot
#              parse it); the benchmark's peers, TensorFlow.js and
#              ConvNetJS, whose wasm files come in the package: nothing is
#              downloaded when the benchmark runs)
#   6. cargo:  `cargo fetch` of Cargo.lock's crates, so `trunk ... --offline`
#              (which passes --offline to cargo) finds them all
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

# --- 1. Rust target and components -----------------------------------------
# (Captured into variables first: `grep -q` in a pipe under pipefail can
# fail the pipe with SIGPIPE even when it matched.)
installed_targets="$(rustup target list --installed)"
if ! grep -qx 'wasm32-unknown-unknown' <<<"${installed_targets}"; then
    log "adding rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi
installed_components="$(rustup component list --installed)"
for component in rustfmt clippy; do
    if ! grep -q "^${component}" <<<"${installed_components}"; then
        log "adding rustup component ${component}"
        rustup component add "${component}"
    fi
done

# --- 2. System packages: Chromium, its WebDriver, a CJK font ----------------
cjk_font=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver || ! -f "${cjk_font}" ]]; then
    SUDO=""
    if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
    log "installing chromium, chromium-driver, fonts-wqy-microhei with apt"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-wqy-microhei
fi

# --- 3. wasm-bindgen CLI pinned to Cargo.lock --------------------------------
# The CLI (and wasm-bindgen-test-runner, installed with it) must equal the
# wasm-bindgen crate version exactly, or the generated glue does not match.
wbg_version="$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
if [[ -z "${wbg_version}" ]]; then
    log "error: no wasm-bindgen package in Cargo.lock (run cargo generate-lockfile?)"
    exit 1
fi
have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "${have_wbg}" != "${wbg_version}" ]]; then
    log "installing wasm-bindgen-cli ${wbg_version} (found: ${have_wbg:-none}); takes ~4 min"
    # No --locked: one of the CLI's locked dependencies is missing from the registry.
    cargo install wasm-bindgen-cli --version "${wbg_version}" --force
fi

# --- 4. Trunk 0.21.x ----------------------------------------------------------
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "${have_trunk}" != 0.21.* ]]; then
    log "installing trunk ~0.21 (found: ${have_trunk:-none}); takes ~11 min"
    cargo install trunk --version '~0.21' --locked --no-default-features --features rustls --force
fi

# --- 5. Node packages for the end-to-end tests and the benchmark's peers -----
lock_hash="$(sha256sum package-lock.json | awk '{print $1}')"
stamp="node_modules/.gradlab-lock.sha256"
if [[ ! -f "${stamp}" || "$(cat "${stamp}")" != "${lock_hash}" ]]; then
    log "npm ci"
    npm ci --no-audit --no-fund
    echo "${lock_hash}" >"${stamp}"
fi

# --- 6. Crates for every target (quiet, no network when already cached) -----
cargo fetch --quiet

log "tools ready: $(rustc --version | awk '{print $1, $2}'), wasm-bindgen ${wbg_version}, $(trunk --version), node $(node --version)"
