#!/usr/bin/env bash
# Builds a PostgreSQL server image without any container registry, for clusters that cannot pull the
# official postgres:17-alpine: Debian's postgresql-15, installed with apt in a chroot made from the cached
# minbase system (minbase.sh, shared with build.sh), trimmed, plus an entrypoint with the official
# image's env contract (postgres/docker-entrypoint.sh). The image runs as uid 1001 on a read-only root
# filesystem, as deploy/helm/templates/postgresql.yaml runs it. See docs/images.md ("Offline PostgreSQL image").
set -euo pipefail

DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
PG_MAJOR="${PG_MAJOR:-15}"               # the PostgreSQL that bookworm ships (trixie: 17)
DEBIAN_MIRROR="${DEBIAN_MIRROR:-}"
REPOSITORY="${POSTGRES_IMAGE_REPOSITORY:-todo-app/postgres}"
CACHE_ROOT="${BASE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-app/base-image}"
DOCKER="${DOCKER:-/usr/bin/docker}"
PG_UID=1001   # the chart's runAsUser/runAsGroup; the image's postgres user has this uid and gid
FORCE=0
PRINT_REF=0
REF_ONLY=0

usage() {
  cat <<EOF
Usage: tools/base-image/postgres.sh [--force] [--print-ref] [--ref] [--mirror URL]

Builds ${REPOSITORY}:${PG_MAJOR}-${DEBIAN_SUITE} (Debian's postgresql-${PG_MAJOR}, entrypoint compatible with the
official postgres image) from Debian packages only. Needs root, debootstrap (unless the minbase system
is cached) and a Docker engine.

  --force        rebuild everything (debootstrap included) and re-import the image
  --print-ref    print only the image reference on stdout (build it first if missing)
  --ref          print the image reference and exit, without building or checking anything
  --mirror URL   Debian mirror for debootstrap (default: the first one in /etc/apt sources; env DEBIAN_MIRROR)
Environment: DEBIAN_SUITE (default ${DEBIAN_SUITE}), PG_MAJOR (default ${PG_MAJOR}),
BASE_IMAGE_CACHE (default ~/.cache/todo-app/base-image), DOCKER.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --print-ref) PRINT_REF=1 ;;
    --ref) REF_ONLY=1 ;;
    --mirror) DEBIAN_MIRROR="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "postgres-image: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

REF="${REPOSITORY}:${PG_MAJOR}-${DEBIAN_SUITE}"
[ "$REF_ONLY" = 1 ] && { echo "$REF"; exit 0; }

HERE="$(cd "$(dirname "$0")" && pwd)"
ENTRYPOINT_SRC="$HERE/postgres/docker-entrypoint.sh"
LOG_NAME=postgres-image
# shellcheck source=tools/base-image/minbase.sh
. "$HERE/minbase.sh"
# The cache folder and the image label are versioned by everything that shapes the image.
RECIPE="$(printf '%s\n' "$PG_MAJOR" "$DEBIAN_SUITE" "$PG_UID" | cat - "$0" "$HERE/minbase.sh" "$ENTRYPOINT_SRC" | sha256sum | cut -c1-10)"
CACHE="${CACHE_ROOT}/${DEBIAN_SUITE}-postgres${PG_MAJOR}-${RECIPE}"
ROOTFS_TAR="${CACHE}/rootfs.tar"
APT_ARCHIVES="${CACHE_ROOT}/apt-archives-${DEBIAN_SUITE}"   # downloaded .debs, kept across recipe changes
BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
IMAGE_PATH="${BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

exit_if_image_built

[ "$(id -u)" = 0 ] || fail "apt in a chroot needs root" "run as root (sudo tools/base-image/postgres.sh)"
mkdir -p "$CACHE" "$APT_ARCHIVES"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/postgres-image.XXXXXX")"
root="$WORK/rootfs"

# Never delete the work folder while something is still mounted inside it (proc of the chroot).
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc" 2>/dev/null || umount -l "$root/proc" || true; fi
  if grep -qF " $WORK/" /proc/mounts; then
    echo "postgres-image: warning: something is still mounted under $WORK; left it in place" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# Runs a command in the chroot with a clean environment.
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

if [ "$FORCE" = 1 ] || [ ! -s "$ROOTFS_TAR" ]; then
  minbase_tree "$root" "[1/5]" "$FORCE"

  say "[2/5] apt-get install postgresql-${PG_MAJOR} in a chroot (Debian ${DEBIAN_SUITE})"
  started=$(date +%s)
  # apt inside uses the host's sources, settings and DNS; restored/removed before the image is cut.
  # (docker-clean is left out: it deletes the downloaded .debs this script keeps in its cache.)
  cp -a "$root/etc/apt" "$WORK/apt.orig"
  rm -f "$root/etc/apt/sources.list" && rm -rf "$root/etc/apt/sources.list.d"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d /etc/apt/apt.conf.d/* /etc/apt/auth.conf.d /etc/apt/keyrings /etc/apt/preferences.d; do
    [ -e "$f" ] && [ "${f##*/}" != docker-clean ] && cp -a "$f" "$root$f"
  done
  rm -f "$root/etc/resolv.conf" && cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # no service may start inside the chroot
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod 0755 "$root/usr/sbin/policy-rc.d"
  # packages installed from here on leave out manuals, docs (but copyright) and translations
  cat > "$root/etc/dpkg/dpkg.cfg.d/todo-app-trim" <<'EOF'
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/lintian/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
EOF
  mount -t proc proc "$root/proc"
  # the postgres user first, with the chart's uid/gid: postgresql-common keeps an existing user
  in_root groupadd --gid "$PG_UID" postgres
  in_root useradd --uid "$PG_UID" --gid "$PG_UID" --home-dir /var/lib/postgresql --no-create-home \
    --shell /bin/sh --comment 'PostgreSQL administrator' postgres
  find "$APT_ARCHIVES" -maxdepth 1 -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} +
  apt_log="$WORK/apt.log"
  apt_in_root() {
    in_root apt-get -q -y -o APT::Keep-Downloaded-Packages=true "$@" >> "$apt_log" 2>&1 || {
      tail -n 25 "$apt_log" >&2
      fail "apt-get $* failed in the chroot (log above)" "check that apt works on this machine: apt-get update && apt-cache policy postgresql-${PG_MAJOR}"
    }
  }
  apt_in_root update
  apt_in_root install --no-install-recommends postgresql-common
  # packages only: no cluster is created at install time (the entrypoint runs initdb in the container)
  sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' "$root/etc/postgresql-common/createcluster.conf"
  grep -qx 'create_main_cluster = false' "$root/etc/postgresql-common/createcluster.conf" \
    || fail "could not set create_main_cluster = false in createcluster.conf" "check the postgresql-common version in ${DEBIAN_SUITE}"
  apt_in_root install --no-install-recommends "postgresql-${PG_MAJOR}"
  pg_version="$(in_root dpkg-query -W -f '${Version}' "postgresql-${PG_MAJOR}")"
  cp -n "$root"/var/cache/apt/archives/*.deb "$APT_ARCHIVES/" 2>/dev/null || true
  umount "$root/proc"
  say "      postgresql-${PG_MAJOR} ${pg_version} installed in $(( $(date +%s) - started ))s ($(du -sm "$root" | cut -f1) MB)"

  say "[3/5] trimming and adding the entrypoint"
  # LLVM (for JIT compilation of queries) is a third of the size; without llvmjit.so PostgreSQL runs
  # with JIT unavailable (jit=on is then a no-op). dpkg keeps the rest consistent but for this one dependency.
  rm -f "$root/usr/lib/postgresql/${PG_MAJOR}/lib/llvmjit.so" "$root/usr/lib/postgresql/${PG_MAJOR}/lib/llvmjit_types.bc"
  rm -rf "$root/usr/lib/postgresql/${PG_MAJOR}/lib/bitcode"
  llvm="$(in_root dpkg-query -W -f '${Depends}' "postgresql-${PG_MAJOR}" | grep -oE 'libllvm[0-9]+' | head -n1 || true)"
  if [ -n "$llvm" ]; then
    llvm_deps="$(in_root dpkg-query -W -f '${Depends}' "$llvm" | tr ',' '\n' | sed -E 's/^ *([^ :]+).*/\1/')"
    in_root dpkg --purge --force-depends "$llvm" >> "$apt_log" 2>&1 \
      || { tail -n 20 "$apt_log" >&2; fail "dpkg --purge ${llvm} failed (log above)" "check the Depends of postgresql-${PG_MAJOR}"; }
    # then what only LLVM needed: dpkg refuses any package something else depends on, which stays installed
    for dep in $llvm_deps; do
      in_root dpkg --purge "$dep" >> "$apt_log" 2>&1 || echo "$dep install" | in_root dpkg --set-selections
    done
  fi
  rm -rf "$root/etc/apt" && mv "$WORK/apt.orig" "$root/etc/apt"
  rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf" "$root/etc/hostname"
  rm -rf "${root:?}"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old "$root"/var/log/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/* "$root"/usr/share/locale/* \
    "$root"/tmp/* "$root"/var/tmp/* "$root"/proc/*
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  # folders the chart mounts (data, socket) exist and belong to postgres; the socket folder is
  # world-writable like an emptyDir, because `docker run --tmpfs` copies its mode but not its owner
  install -d -o "$PG_UID" -g "$PG_UID" -m 0755 "$root/var/lib/postgresql"
  install -d -o "$PG_UID" -g "$PG_UID" -m 0700 "$root/var/lib/postgresql/data"
  install -d -o "$PG_UID" -g "$PG_UID" -m 1777 "$root/run/postgresql"
  install -m 0755 "$ENTRYPOINT_SRC" "$root/usr/local/bin/docker-entrypoint.sh"

  say "[4/5] smoke test in a chroot (initdb and postgres as uid ${PG_UID})"
  # output to stderr so `--print-ref` prints nothing but the reference
  chroot --userspec="${PG_UID}:${PG_UID}" "$root" /usr/bin/env -i PATH="$IMAGE_PATH" LANG=C.UTF-8 sh -c '
      set -e
      initdb --pgdata=/tmp/smoke --username=smoke --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
      postgres --version; pg_isready --version; psql --version
      echo "SELECT 1" | postgres --single -D /tmp/smoke -c log_checkpoints=off postgres >/dev/null' 2>&1 | sed 's/^/      /' >&2 \
    || fail "the smoke test failed (output above)" "rerun with --force; if it fails again, the Debian packages changed"
  # the engine mounts its own /dev; the image keeps the folder only
  rm -rf "${root:?}/tmp/smoke" "${root:?}"/dev/*

  tar --numeric-owner -C "$root" -cf "$WORK/rootfs.tar" .
  mv "$WORK/rootfs.tar" "$ROOTFS_TAR"
  # root filesystems of older recipes are never used again
  find "$CACHE_ROOT" -maxdepth 1 -type d -name "${DEBIAN_SUITE}-postgres${PG_MAJOR}-*" ! -path "$CACHE" -exec rm -rf '{}' +
  printf 'pg_version=%s\nsuite=%s\nbuilt=%s\n' "$pg_version" "$DEBIAN_SUITE" "$(date -u +%FT%TZ)" > "$CACHE/info"
  say "      root filesystem cached: ${ROOTFS_TAR} ($(du -m "$ROOTFS_TAR" | cut -f1) MB)"
else
  say "[1-4/5] using the cached root filesystem ${ROOTFS_TAR}"
fi
pg_version="$(sed -n 's/^pg_version=//p' "$CACHE/info")"

say "[5/5] docker import + image settings -> ${REF}"
# `docker import --change` knows no STOPSIGNAL here (Docker 20.10), so the settings come from a
# context-less build on top of the imported root filesystem.
import_ref="${REPOSITORY}:import-${RECIPE}"
"$DOCKER" import --message "postgresql ${pg_version} on debian ${DEBIAN_SUITE} (tools/base-image/postgres.sh)" \
  "$ROOTFS_TAR" "$import_ref" >/dev/null
# SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to disconnect), as in the official image.
DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --tag "$REF" - > /dev/null <<EOF || fail "docker build of the image settings failed (output above)" "rerun; if it fails again, check 'docker build' works: ${DOCKER} info"
FROM ${import_ref}
ENV PATH=${IMAGE_PATH} PG_MAJOR=${PG_MAJOR} PG_VERSION=${pg_version} LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
USER ${PG_UID}:${PG_UID}
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
STOPSIGNAL SIGINT
EXPOSE 5432
LABEL org.todo-app.base-recipe=${RECIPE}
EOF
"$DOCKER" image rm "$import_ref" >/dev/null

size() { "$DOCKER" image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1000/1000}'; }
say "done: ${REF} ($(size "$REF"), PostgreSQL ${pg_version})"
say "use it: --set postgresql.image.repository=${REF%:*} --set postgresql.image.tag=${REF##*:} (load it into the cluster first)"
[ "$PRINT_REF" = 1 ] && echo "$REF"
exit 0
