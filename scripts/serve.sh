#!/usr/bin/env bash
# Builds GradLab (release) and serves it at http://127.0.0.1:8080/ with Trunk,
# rebuilding and reloading the page when a source file changes.
#
#   ./scripts/serve.sh
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/setup.sh

# Trunk 0.21 refuses to start unless every path in Trunk.toml's [watch]
# ignore list exists (it takes each one's canonical path), and most of them
# (dist/, target/, test artifacts, bench results) appear only after a build or
# a test run: create the missing ones. The list is read from Trunk.toml (one
# line, `ignore = ["a", "b/c"]`), so the two cannot drift apart.
ignored="$(sed -n '/^\[watch\]/,/^\[/s/^ignore *= *\[\(.*\)\].*/\1/p' Trunk.toml | tr -d '" ' | tr ',' ' ')"
for path in ${ignored}; do
    [[ -e "${path}" ]] || mkdir -p "${path}"
done

echo "GradLab will be served at http://127.0.0.1:8080/ (first build takes a minute; Ctrl-C stops it)"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
