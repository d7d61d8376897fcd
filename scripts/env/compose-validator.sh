#!/usr/bin/env bash
# Builds tools/compose-validate (docker compose's own loader, compose-go, with schema validation
# and consistency checks) into $FKS_CACHE/bin. Cached like the Chaos Mesh validator: rebuilt only
# when main.go, go.mod, go.sum or the Go version change. The first build fetches a small module
# graph through the Go module proxy: well under a minute.
#
# Prints the binary's path on stdout; on failure prints why on stderr and exits 1.
# Usage: bash scripts/env/compose-validator.sh
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" compose-validate
