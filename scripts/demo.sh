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

step audit routes examples/platform
fks audit routes examples/platform || true

step scaffold health --check examples/platform
fks scaffold health --check examples/platform || true

# Scaffolding edits files: show it on a scratch copy, never on the bundled example.
tmp=.cache/demo
rm -rf "$tmp" && mkdir -p "$tmp"
cp -r examples/platform "$tmp/platform"
step scaffold health --force "(on a copy)"
fks scaffold health "$tmp/platform" --force
step scaffold health --check "(the copy, after scaffolding)"
fks scaffold health --check "$tmp/platform" || true

step split-plan examples/platform/web
fks split-plan examples/platform/web
