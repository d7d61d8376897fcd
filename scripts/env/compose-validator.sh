#!/usr/bin/env bash
# Builds tools/compose-validate (docker compose's own loader, compose-go, with schema validation
# and consistency checks) into $FKS_CACHE/bin. Cached like the Chaos Mesh validator: rebuilt only
# when main.go, go.mod, go.sum or the Go version change. The first build fetches a small module
# graph through the Go module proxy: well under a minute.
#
# Prints the binary's path on stdout; on failure prints why on stderr and exits 1.
# Usage: bash scripts/env/compose-validator.sh
set -euo pipefail
FKS_CACHE="${FKS_CACHE:-$HOME/.cache/fks}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$REPO_ROOT/tools/compose-validate"
BIN_DIR="$FKS_CACHE/bin"
BIN="$BIN_DIR/compose-validate"
STAMP="$BIN.sha256"

GO="$(command -v go || true)"
[ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; }
[ -n "$GO" ] || { echo "no Go toolchain (go not on PATH, no /usr/local/go/bin/go) to build $SRC" >&2; exit 1; }

want="$(cat "$SRC/main.go" "$SRC/go.mod" "$SRC/go.sum" <("$GO" version) | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$BIN_DIR"
# Two worktrees may build at once: each builds to its own file, the rename is atomic.
tmp="$(mktemp "$BIN.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
if ! (cd "$SRC" && "$GO" build -trimpath -o "$tmp" . ) >"$BIN_DIR/compose-validate.build.log" 2>&1; then
  echo "go build of $SRC failed: $(tail -n 1 "$BIN_DIR/compose-validate.build.log") (log: $BIN_DIR/compose-validate.build.log)" >&2
  exit 1
fi
chmod +x "$tmp"
mv -f "$tmp" "$BIN"
echo "$want" >"$STAMP"
echo "$BIN"
