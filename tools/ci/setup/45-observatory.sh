#!/usr/bin/env bash
# Mozilla's HTTP Observatory scanner (npm @mdn/mdn-http-observatory), which the production cluster suite runs
# against the app served through the sandbox cluster's Ingress over HTTPS (docs/security.md). The version
# lives here and nowhere else; the suite reads OBSERVATORY (its scan.js) from dist/test-results/env.
# Installed outside the repository (its dependencies are a server's: PostgreSQL clients, Sentry, jsdom) with
# --ignore-scripts: its postinstall downloads the HSTS preload and TLD lists from the internet. An empty
# preload list only means no bonus for preloading, which a sandbox host cannot have anyway. Idempotent.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

CACHE="${TODO_TOOLS_CACHE:-$HOME/.cache/todo-app/tools}"
OBSERVATORY_VERSION=1.4.8
DIR="$CACHE/observatory-v$OBSERVATORY_VERSION"
PACKAGE_DIR="$DIR/node_modules/@mdn/mdn-http-observatory"
ENV_FILE=dist/test-results/env
mkdir -p "$CACHE" "$(dirname "$ENV_FILE")"

say() { printf '[45-observatory] %s\n' "$*"; }

if [ -f "$DIR/.complete" ] && [ -f "$PACKAGE_DIR/src/scan.js" ]; then
  say "HTTP Observatory $OBSERVATORY_VERSION already in $DIR"
else
  say "installing @mdn/mdn-http-observatory@$OBSERVATORY_VERSION from npm into $DIR (--ignore-scripts)"
  rm -rf "$DIR" && mkdir -p "$DIR"
  echo '{ "private": true }' > "$DIR/package.json"
  npm install --prefix "$DIR" --ignore-scripts --no-audit --no-fund --loglevel=error --engine-strict=false \
    "@mdn/mdn-http-observatory@$OBSERVATORY_VERSION" \
    || { say "FAILED: npm install @mdn/mdn-http-observatory@$OBSERVATORY_VERSION (is the npm registry reachable?)"; exit 1; }
  echo '{}' > "$PACKAGE_DIR/conf/hsts-preload.json"
  touch "$DIR/.complete"
fi
echo "OBSERVATORY=$PACKAGE_DIR/src/scan.js" >> "$ENV_FILE"
say "ok: OBSERVATORY=$PACKAGE_DIR/src/scan.js"
