#!/usr/bin/env bash
# Builds the Go program in tools/NAME into $FKS_CACHE/bin/NAME. Cached like the cargo target:
# rebuilt only when its main.go, go.mod, go.sum or the Go version change.
#
# Prints the binary's path on stdout; on failure prints why on stderr and exits 1.
# Usage: bash scripts/env/go-tool.sh NAME
set -euo pipefail
NAME="${1:?usage: go-tool.sh NAME (a folder of tools/)}"
FKS_CACHE="${FKS_CACHE:-$HOME/.cache/fks}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$REPO_ROOT/tools/$NAME"
BIN_DIR="$FKS_CACHE/bin"
BIN="$BIN_DIR/$NAME"
STAMP="$BIN.sha256"
LOG="$BIN_DIR/$NAME.build.log"
[ -f "$SRC/go.mod" ] || { echo "no Go module at $SRC" >&2; exit 1; }

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
if ! (cd "$SRC" && "$GO" build -trimpath -o "$tmp" . ) >"$LOG" 2>&1; then
  echo "go build of $SRC failed: $(tail -n 1 "$LOG") (log: $LOG)" >&2
  exit 1
fi
chmod +x "$tmp"
mv -f "$tmp" "$BIN"
echo "$want" >"$STAMP"
echo "$BIN"
