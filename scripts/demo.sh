#!/usr/bin/env bash
# The main job on the bundled example platform: what runs where, and what to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
npm run --silent build >&2
fks() { node bin/fks.js "$@"; }
step() { printf '\n\033[1m$ fks %s\033[0m\n' "$*"; }

step services examples/platform
fks services examples/platform
