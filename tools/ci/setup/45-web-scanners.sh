#!/usr/bin/env bash
# The web scanners the production cluster suite runs against the app served through the sandbox cluster's
# Ingress over HTTPS (docs/security.md): Mozilla's HTTP Observatory (npm @mdn/mdn-http-observatory) and
# Lighthouse (with Debian's chromium). Their versions are in tools/toolkit/versions.json; the suite reads OBSERVATORY
# and LIGHTHOUSE (their entry scripts) from dist/test-results/env. Each is installed outside the repository,
# in a versioned folder of the tool cache (their dependencies are large and never part of the apps), with
# --ignore-scripts: the Observatory's postinstall downloads the HSTS preload and TLD lists from the internet.
# An empty preload list only means no bonus for preloading, which a sandbox host cannot have. Idempotent.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

eval "$(node tools/toolkit/src/shell-env.mjs)"
CACHE="$TODO_TOOLS_CACHE"
ENV_FILE=dist/test-results/env
mkdir -p "$CACHE" "$(dirname "$ENV_FILE")"

say() { printf '[45-web-scanners] %s\n' "$*"; }

# install_npm NAME PACKAGE VERSION: $CACHE/NAME-vVERSION/node_modules/PACKAGE; the .complete file marks a finished install.
install_npm() {
  local name=$1 package=$2 version=$3 dir="$CACHE/$1-v$3"
  if [ -f "$dir/.complete" ] && [ -d "$dir/node_modules/$package" ]; then say "$package $version already in $dir"; return; fi
  say "installing $package@$version from npm into $dir (--ignore-scripts)"
  rm -rf "$dir" && mkdir -p "$dir"
  echo '{ "private": true }' > "$dir/package.json"
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error "$package@$version" \
    || { say "FAILED: npm install $package@$version (is the npm registry reachable?)"; exit 1; }
  touch "$dir/.complete"
}

install_npm observatory "$OBSERVATORY_NPM_PACKAGE" "$OBSERVATORY_VERSION"
OBSERVATORY_DIR="$CACHE/observatory-v$OBSERVATORY_VERSION/node_modules/@mdn/mdn-http-observatory"
[ -s "$OBSERVATORY_DIR/conf/hsts-preload.json" ] || echo '{}' > "$OBSERVATORY_DIR/conf/hsts-preload.json"
install_npm lighthouse "$LIGHTHOUSE_NPM_PACKAGE" "$LIGHTHOUSE_VERSION"
LIGHTHOUSE_CLI="$CACHE/lighthouse-v$LIGHTHOUSE_VERSION/node_modules/lighthouse/cli/index.js"

{
  echo "OBSERVATORY=$OBSERVATORY_DIR/src/scan.js"
  echo "LIGHTHOUSE=$LIGHTHOUSE_CLI"
} >> "$ENV_FILE"
say "ok: HTTP Observatory $OBSERVATORY_VERSION, Lighthouse $(node "$LIGHTHOUSE_CLI" --version)"
