#!/usr/bin/env bash
# The README's test command (`npm test`): installs and starts what the suites need, runs every
# suite, then prints one closing line "N passed, N failed[, N skipped]" counted from real results.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0
# Under npm test every engine-backed suite must run: a suite whose engine is missing fails instead of skipping.
export TODO_REQUIRE_ENGINES=1

step() { printf '\n==> %s\n' "$*"; }

rm -rf dist/test-results && mkdir -p dist/test-results
# Each setup script installs and starts one thing (PostgreSQL, Docker, Helm, Chromium...) if missing,
# and may append KEY=VALUE lines to dist/test-results/env for the suites below.
: > dist/test-results/env
for setup in tools/ci/setup/*.sh; do
  [ -e "$setup" ] || continue
  step "setup: ${setup##*/}"
  if ! bash "$setup"; then
    echo "setup step ${setup##*/} failed: fix the error above, then run 'npm test' again." >&2
    exit 1
  fi
done
set -a; . dist/test-results/env; set +a

status=0
step "nx sync:check (TypeScript project references are committed)"
npx nx sync:check || { echo "run 'npx nx sync' and commit the result" >&2; status=1; }

step "lint, typecheck, build, test on every project"
npx nx run-many -t lint typecheck build test --outputStyle=static --skip-nx-cache || status=1

# Suites that need real services or engines (images, chart, browser, cluster) run as their own targets.
for target in $(node tools/ci/extra-targets.mjs); do
  step "nx run-many -t $target"
  npx nx run-many -t "$target" --outputStyle=static --skip-nx-cache || status=1
done

step "summary"
node tools/ci/summarize.mjs || status=1
exit $status
