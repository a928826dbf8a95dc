#!/usr/bin/env bash
# promtool, for the tests that check both apps' /metrics exposition with `promtool check metrics`.
# Built once with `go install` through the Go module proxy (about 3 minutes cold on this 2-core machine)
# and cached by version beside Helm and kubeconform (30-helm.sh); writes PROMTOOL=<path> to the env file.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

# The versions (tools/toolkit/versions.json) and the cache folder are the toolkit's, as shell variables.
eval "$(node tools/toolkit/src/shell-env.mjs)"
CACHE=$TODO_TOOLS_CACHE
# PROMETHEUS_VERSION and PROMETHEUS_MODULE_VERSION: the Go module's v0.316.0 is Prometheus 3.16.0 (the
# module tags v0.<major*100+minor>.<patch>).
ENV_FILE=dist/test-results/env
DIR="$CACHE/promtool-v$PROMETHEUS_VERSION"
mkdir -p "$CACHE" "$(dirname "$ENV_FILE")"

say() { printf '[35-promtool] %s\n' "$*"; }

if [ -x "$DIR/promtool" ] && "$DIR/promtool" --version 2>/dev/null | grep -q "version $PROMETHEUS_VERSION"; then
  say "promtool $PROMETHEUS_VERSION already in $DIR"
else
  if ! command -v go >/dev/null; then
    say "go is not installed: install Go 1.26 or newer (https://go.dev/doc/install), then run this again" >&2
    exit 1
  fi
  say "building promtool $PROMETHEUS_VERSION with go install (about 3 minutes the first time)"
  rm -rf "$DIR.partial"
  GOBIN="$DIR.partial" CGO_ENABLED=0 nice -n 10 go install \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@v$PROMETHEUS_MODULE_VERSION"
  rm -rf "$DIR" && mv "$DIR.partial" "$DIR"
fi
"$DIR/promtool" --version | head -1
echo "PROMTOOL=$DIR/promtool" >> "$ENV_FILE"
say "ok: promtool $PROMETHEUS_VERSION"
