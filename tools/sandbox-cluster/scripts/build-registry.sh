#!/usr/bin/env bash
# Builds the sandbox cluster's OCI registry (distribution's `registry`) from the Go module proxy into a
# cache keyed by its version, or reuses that cache. Prints the cached binary's path on its last line.
# usage: build-registry.sh <module> <version>   (src/layout.mjs REGISTRY holds both; src/up.mjs passes them)
# Env: SANDBOX_CLUSTER_CACHE (default ~/.cache/todo-app/sandbox-cluster).
# Separate from build.sh so that a registry change never changes the Kubernetes binaries' cache key.
set -euo pipefail
MODULE=${1:?module path, e.g. github.com/distribution/distribution/v3}
VERSION=${2:?version, e.g. v3.1.2}
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
export GOMAXPROCS=${GOMAXPROCS:-2}
KEY=$(printf '%s@%s\n' "$MODULE" "$VERSION" | cat - "$0" | sha256sum | cut -c1-10)-$(go env GOVERSION)
CACHE=${SANDBOX_CLUSTER_CACHE:-$HOME/.cache/todo-app/sandbox-cluster}
OUT="$CACHE/registry/$VERSION/$KEY"
BIN="$OUT/bin/registry"

say() { printf '[sandbox-cluster build-registry] %s\n' "$*" >&2; }

if [[ -x "$BIN" ]]; then
  say "cache hit: $BIN"
  echo "$BIN"; exit 0
fi

say "no cached registry for key $KEY; building $MODULE/cmd/registry@$VERSION into $OUT (about 1 min on 2 idle cores)"
t0=$SECONDS
TMP="$OUT.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP/bin"
trap 'rm -rf "$TMP"' EXIT
# `go install pkg@version` builds with the module's own go.mod and go.sum (checked against the checksum
# database), outside any workspace module. The version ldflag is the one distribution's Makefile sets.
GOBIN="$TMP/bin" nice -n 19 go install -trimpath \
  -ldflags "-s -w -X $MODULE/version.version=$VERSION -X $MODULE/version.mainpkg=$MODULE" \
  "$MODULE/cmd/registry@$VERSION" \
  || { say "FAILED: go install $MODULE/cmd/registry@$VERSION (is the Go module proxy reachable? output above)"; exit 1; }
"$TMP/bin/registry" --version | grep -q " $VERSION\$" \
  || { say "FAILED: $TMP/bin/registry --version does not report $VERSION: $("$TMP/bin/registry" --version 2>&1)"; exit 1; }
echo "$MODULE/cmd/registry@$VERSION $KEY built in $((SECONDS - t0))s on $(date -u +%FT%TZ)" > "$TMP/BUILD-INFO"
rm -rf "$OUT"; mv "$TMP" "$OUT"; trap - EXIT
say "built in $((SECONDS - t0))s: $(du -sh "$BIN" | cut -f1) at $BIN"
echo "$BIN"
