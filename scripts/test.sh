#!/usr/bin/env bash
# The project's one test command (README): install, prepare real engines, check, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -f scripts/env/setup.sh ]; then
  bash scripts/env/setup.sh
fi
npm run --silent build
npm run --silent schema
npm run --silent typecheck
npm run --silent lint
npm run --silent depcruise
npx vitest run "$@"
