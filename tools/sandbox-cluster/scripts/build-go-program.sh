#!/usr/bin/env bash
# Builds one of the sandbox cluster's Go programs beside Kubernetes (the OCI registry, kube-router,
# metrics-server) from the Go module proxy into a cache keyed by its module and version, or reuses that
# cache. Prints the cached binary's path on its last line.
# usage: build-go-program.sh <name> <module> <package> <version> [<version ldflag variable>] [<go.mod directives>]
#   go.mod directives (newline-separated `replace`/`exclude` lines, the module's own): `go install pkg@version`
#   refuses a module that has them, so the program is built in a wrapper module that repeats them.
#   (src/layout.mjs GO_PROGRAMS holds each program's values; src/up.mjs passes them)
# Env: SANDBOX_CLUSTER_CACHE (default ~/.cache/todo-app/sandbox-cluster).
# Separate from build.sh so that an add-on's change never changes the Kubernetes binaries' cache key.
set -euo pipefail
NAME=${1:?program name, e.g. registry}
MODULE=${2:?module path, e.g. github.com/distribution/distribution/v3}
PACKAGE=${3:?package path inside the module, e.g. cmd/registry}
VERSION=${4:?version, e.g. v3.1.2}
VERSION_VAR=${5:-}
GO_MOD_DIRECTIVES=${6:-}
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
export GOMAXPROCS=${GOMAXPROCS:-2}
KEY=$(printf '%s %s@%s %s\n%s\n' "$NAME" "$MODULE/$PACKAGE" "$VERSION" "$VERSION_VAR" "$GO_MOD_DIRECTIVES" | cat - "$0" | sha256sum | cut -c1-10)-$(go env GOVERSION)
CACHE=${SANDBOX_CLUSTER_CACHE:-$HOME/.cache/todo-app/sandbox-cluster}
OUT="$CACHE/$NAME/$VERSION/$KEY"
BIN="$OUT/bin/$NAME"

say() { printf '[sandbox-cluster build %s] %s\n' "$NAME" "$*" >&2; }

if [[ -x "$BIN" ]]; then
  say "cache hit: $BIN"
  echo "$BIN"; exit 0
fi

say "no cached build for key $KEY; building $MODULE/$PACKAGE@$VERSION into $OUT (1-3 min on 2 idle cores)"
t0=$SECONDS
TMP="$OUT.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP/bin"
trap 'rm -rf "$TMP"' EXIT
LDFLAGS="-s -w"
[[ -n $VERSION_VAR ]] && LDFLAGS+=" -X $VERSION_VAR=$VERSION"
if [[ -z $GO_MOD_DIRECTIVES ]]; then
  # `go install pkg@version` builds with the module's own go.mod and go.sum (checked against the checksum
  # database), outside any workspace module.
  GOBIN="$TMP/bin" nice -n 19 go install -trimpath -ldflags "$LDFLAGS" "$MODULE/$PACKAGE@$VERSION" \
    || { say "FAILED: go install $MODULE/$PACKAGE@$VERSION (is the Go module proxy reachable? output above)"; exit 1; }
  built="$TMP/bin/$(basename "$PACKAGE")"
else
  # A wrapper module requiring the program's module, with its replace/exclude lines; `go get` resolves the
  # same dependency versions the module's go.mod names (go.sum checked against the checksum database).
  mkdir -p "$TMP/wrapper"
  printf 'module sandbox.local/build/%s\n\n%s\n' "$NAME" "$GO_MOD_DIRECTIVES" > "$TMP/wrapper/go.mod"
  say "wrapper module for $MODULE's go.mod directives: $(printf '%s' "$GO_MOD_DIRECTIVES" | wc -l | tr -d ' ')+1 lines"
  (cd "$TMP/wrapper" && nice -n 19 go get "$MODULE/$PACKAGE@$VERSION" && nice -n 19 go build -trimpath -ldflags "$LDFLAGS" -o "$TMP/bin/$NAME" "$MODULE/$PACKAGE") \
    || { say "FAILED: go get/build $MODULE/$PACKAGE@$VERSION in a wrapper module (is the Go module proxy reachable? output above)"; exit 1; }
  built="$TMP/bin/$NAME"
  rm -rf "$TMP/wrapper"
fi
[[ -x $built ]] || { say "FAILED: go install produced no $built"; exit 1; }
[[ $built == "$TMP/bin/$NAME" ]] || mv "$built" "$TMP/bin/$NAME"
if [[ -n $VERSION_VAR ]]; then
  # `--version` for most programs, the `version` subcommand for Traefik.
  reported=$(timeout 10 "$TMP/bin/$NAME" --version 2>&1 | head -5 || true)
  grep -qF -- "$VERSION" <<<"$reported" || reported=$(timeout 10 "$TMP/bin/$NAME" version 2>&1 | head -5 || true)
  grep -qF -- "$VERSION" <<<"$reported" \
    || { say "FAILED: neither '$NAME --version' nor '$NAME version' reports $VERSION: $reported"; exit 1; }
fi
echo "$MODULE/$PACKAGE@$VERSION $KEY built in $((SECONDS - t0))s on $(date -u +%FT%TZ)" > "$TMP/BUILD-INFO"
rm -rf "$OUT"; mv "$TMP" "$OUT"; trap - EXIT
say "built in $((SECONDS - t0))s: $(du -sh "$BIN" | cut -f1) at $BIN"
echo "$BIN"
