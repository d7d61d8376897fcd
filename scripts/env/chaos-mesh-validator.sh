#!/usr/bin/env bash
# Builds tools/chaos-mesh-validate (the Chaos Mesh v1alpha1 API's own defaulting and validation,
# without a cluster) into $FKS_CACHE/bin. Cached like the cargo target: rebuilt only when
# main.go, go.mod, go.sum or the Go version change. The first build fetches the module graph
# through the Go module proxy and compiles client-go: about 3-5 minutes.
#
# Prints the binary's path on stdout; on failure prints why on stderr and exits 1.
# Usage: bash scripts/env/chaos-mesh-validator.sh
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" chaos-mesh-validate
