#!/usr/bin/env bash
# Builds GradLab (release) and serves it at http://127.0.0.1:8080/ with Trunk,
# rebuilding and reloading the page when a source file changes.
#
#   ./scripts/serve.sh
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/setup.sh

echo "GradLab will be served at http://127.0.0.1:8080/ (first build takes a minute; Ctrl-C stops it)"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
