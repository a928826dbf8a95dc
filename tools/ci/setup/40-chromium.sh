#!/usr/bin/env bash
# Chromium for the browser end-to-end tests (frontend-e2e drives it with playwright-core) and for Lighthouse
# in the production cluster suite, which reads CHROMIUM_PATH from dist/test-results/env.
# Idempotent: installs Debian's chromium only when /usr/bin/chromium is missing.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
mkdir -p dist/test-results

if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"
  echo "CHROMIUM_PATH=/usr/bin/chromium" >> dist/test-results/env
  exit 0
fi

echo "installing Debian's chromium (apt-get)..."
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: install Chromium by hand and set CHROMIUM_PATH for the e2e suite." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
/usr/bin/chromium --version
echo "CHROMIUM_PATH=/usr/bin/chromium" >> dist/test-results/env
