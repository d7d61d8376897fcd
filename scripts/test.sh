#!/usr/bin/env bash
# The project's one test command (README): install, prepare real engines, check, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# rustup installs cargo under ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

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
mkdir -p .cache
status=0
# Where Rust has its WebAssembly target, the build must have made the WebAssembly scanner: its
# tests fail instead of skipping.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then export FKS_REQUIRE_WASM=1; fi
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json "$@" || status=$?
# One plain closing line that any CI log reader understands.
node -e '
const r = JSON.parse(require("fs").readFileSync(".cache/vitest-results.json", "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit "$status"
