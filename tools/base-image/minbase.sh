# shellcheck shell=bash
# Sourced by build.sh and postgres.sh (not run on its own): what both image scripts share — messages, the
# reuse of an image the same recipe already built, and the Debian minbase system both images start from,
# made once by `debootstrap --variant=minbase` and cached as ${CACHE_ROOT}/minbase-<suite>.tar.
# The caller sets LOG_NAME (message prefix), PRINT_REF (1: stdout carries only the image reference),
# DOCKER, REF, RECIPE, FORCE, CACHE_ROOT, DEBIAN_SUITE and DEBIAN_MIRROR (may be empty).

say() { if [ "$PRINT_REF" = 1 ]; then echo "${LOG_NAME}: $*" >&2; else echo "${LOG_NAME}: $*"; fi; }
fail() { echo "${LOG_NAME}: error: $1" >&2; [ -n "${2:-}" ] && echo "${LOG_NAME}: next: $2" >&2; exit 1; }

# Needs a Docker engine. Exits 0 (printing REF with --print-ref) when REF exists, made by this very recipe
# (the label written at import), unless FORCE=1.
exit_if_image_built() {
  "$DOCKER" info >/dev/null 2>&1 || fail "no Docker engine answers on ${DOCKER}" "start one: bash tools/ci/setup/20-docker.sh"
  [ "$FORCE" = 0 ] || return 0
  [ "$("$DOCKER" image inspect -f '{{index .Config.Labels "org.todo-app.base-recipe"}}' "$REF" 2>/dev/null)" = "$RECIPE" ] || return 0
  say "${REF} already exists (use --force to rebuild)"
  if [ "$PRINT_REF" = 1 ]; then echo "$REF"; fi
  exit 0
}

# The Debian mirror apt already uses (first http(s) .../debian entry), else deb.debian.org.
default_debian_mirror() {
  local mirror
  mirror="$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null \
    | awk '{print $2}' | head -n1 || true)"
  echo "${mirror:-http://deb.debian.org/debian}"
}

# minbase_tree DEST STEP REFRESH: fills the empty folder DEST with the minbase system, from the cached
# tarball or (none cached, or REFRESH=1) from debootstrap, which then refreshes the cache.
# STEP is the progress prefix, e.g. "[1/5]".
minbase_tree() {
  local dest="$1" step="$2" refresh="$3" started log
  local tarball="${CACHE_ROOT}/minbase-${DEBIAN_SUITE}.tar"
  mkdir -p "$dest" "${CACHE_ROOT}/debs"
  if [ "$refresh" = 0 ] && [ -s "$tarball" ]; then
    say "${step} debootstrap: using the cached ${DEBIAN_SUITE} minbase system ${tarball}"
    tar -xpf "$tarball" -C "$dest"
    return 0
  fi
  command -v debootstrap >/dev/null || fail "debootstrap is not installed" "apt-get install -y debootstrap"
  [ -n "$DEBIAN_MIRROR" ] || DEBIAN_MIRROR="$(default_debian_mirror)"
  say "${step} debootstrap --variant=minbase ${DEBIAN_SUITE} from ${DEBIAN_MIRROR} (about 4 minutes)"
  started=$(date +%s)
  log="$(dirname "$dest")/debootstrap.log"
  if ! debootstrap --variant=minbase --cache-dir="${CACHE_ROOT}/debs" "$DEBIAN_SUITE" "$dest" "$DEBIAN_MIRROR" > "$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "debootstrap failed (log above)" "check that ${DEBIAN_MIRROR} answers, or pass --mirror URL of a reachable Debian mirror"
  fi
  say "      minbase ready in $(( $(date +%s) - started ))s ($(du -sm "$dest" | cut -f1) MB before trimming)"
  tar --numeric-owner -C "$dest" -cf "${tarball}.part" . && mv "${tarball}.part" "$tarball"
}
