#!/usr/bin/env bash
# Builds the sandbox cluster's binaries from the Go module proxy into a versioned cache outside the
# repository, or reuses that cache. Prints the cache directory's bin/ path on its last line.
# Env: SANDBOX_CLUSTER_CACHE (default ~/.cache/todo-app/sandbox-cluster), BUILD_JOBS (default 2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
export GOMAXPROCS=${GOMAXPROCS:-2}
JOBS=${BUILD_JOBS:-2}
# `go mod tidy` may move a require into a block, so match "k8s.io/kubernetes vX" anywhere.
K8S_VERSION=$(awk '{ for (i = 1; i < NF; i++) if ($i == "k8s.io/kubernetes") { print $(i + 1); exit } }' "$ROOT/go/go.mod")
COREDNS_VERSION=$(awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/coredns/coredns") { print $(i + 1); exit } }' "$ROOT/go-coredns/go.mod")
[[ $K8S_VERSION == v1.* && $COREDNS_VERSION == v1.* ]] || { echo "cannot read versions from go.mod files" >&2; exit 1; }
KEY=$(cat "$ROOT"/go/go.mod "$ROOT"/go/go.sum "$ROOT"/go-coredns/go.mod "$ROOT"/go-coredns/go.sum \
  "$ROOT"/go-coredns/main.go "$0" | sha256sum | cut -c1-10)-$(go env GOVERSION)
CACHE=${SANDBOX_CLUSTER_CACHE:-$HOME/.cache/todo-app/sandbox-cluster}
OUT="$CACHE/$K8S_VERSION/$KEY"
BIN="$OUT/bin"

say() { printf '[sandbox-cluster build] %s\n' "$*" >&2; }

# go build -v names each package it compiles; turn that into a progress line every 50 packages.
progress() { # label total
  local label=$1 total=$2 n=0 start=$SECONDS
  while IFS= read -r line; do
    case "$line" in
      *:*|'#'*) printf '%s\n' "$line" >&2 ;;  # compiler errors and notes pass through
      *) n=$((n + 1)); if (( n % 50 == 0 )); then say "$label: compiled $n/~$total packages ($((SECONDS - start))s)"; fi ;;
    esac
  done
  say "$label: compiled $n packages in $((SECONDS - start))s"
}

build_group() { # label dir ldflags out(dir/ or file) packages...
  local label=$1 dir=$2 ldflags=$3 out=$4; shift 4
  local total
  total=$(cd "$dir" && go list -deps "$@" 2>/dev/null | wc -l)
  say "$label: building $* (about $total packages; cached packages are skipped)"
  (cd "$dir" && nice -n 19 go build -p "$JOBS" -v -trimpath -ldflags "$ldflags" -o "$out" "$@" 2>&1) \
    | progress "$label" "$total"
  return "${PIPESTATUS[0]}"
}

if [[ -x "$BIN/kubelet" && -x "$BIN/etcd" && -x "$BIN/coredns" && -f "$BIN/pause" ]]; then
  say "cache hit: $BIN"
  echo "$BIN"; exit 0
fi

say "no cached build for key $KEY; building Kubernetes $K8S_VERSION, etcd and CoreDNS $COREDNS_VERSION into $OUT"
say "a cold build takes tens of minutes on 2 cores; later runs reuse $OUT"
t0=$SECONDS
TMP="$OUT.tmp.$$"
rm -rf "$TMP"; mkdir -p "$TMP/bin"
trap 'rm -rf "$TMP"' EXIT

(cd "$ROOT/go" && go mod download) || { say "FAILED: go mod download in $ROOT/go (is the Go module proxy reachable?)"; exit 1; }
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
P=k8s.io/component-base/version; C=k8s.io/client-go/pkg/version
LDF="-s -w -X $P.gitVersion=$K8S_VERSION -X $P.gitMajor=1 -X $P.gitMinor=$MINOR -X $P.gitTreeState=clean"
LDF+=" -X $P.buildDate=2026-01-01T00:00:00Z -X $C.gitVersion=$K8S_VERSION -X $C.gitMajor=1 -X $C.gitMinor=$MINOR"
build_group kubernetes "$ROOT/go" "$LDF" "$TMP/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet \
  k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl \
  || { say "FAILED: compiling Kubernetes (output above)"; exit 1; }
say "kubernetes done at $((SECONDS - t0))s"
build_group etcd "$ROOT/go" "-s -w" "$TMP/bin/etcd" go.etcd.io/etcd/server/v3 \
  || { say "FAILED: compiling etcd"; exit 1; }
say "etcd done at $((SECONDS - t0))s"
(cd "$ROOT/go-coredns" && go mod download) || { say "FAILED: go mod download in $ROOT/go-coredns"; exit 1; }
build_group coredns "$ROOT/go-coredns" "-s -w" "$TMP/bin/coredns" . || { say "FAILED: compiling CoreDNS"; exit 1; }
say "coredns done at $((SECONDS - t0))s"

# The pause container: upstream's static C program from the k8s module zip, as its Makefile builds it.
PAUSE_SRC=$(cd "$ROOT/go" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c
gcc -Os -Wall -Werror -static -DVERSION=v3.10-sandbox -o "$TMP/bin/pause" "$PAUSE_SRC" \
  || { say "FAILED: compiling pause from $PAUSE_SRC (needs gcc and libc6-dev)"; exit 1; }
strip "$TMP/bin/pause"

"$TMP/bin/kube-apiserver" --version | grep -qx "Kubernetes $K8S_VERSION" \
  || { say "FAILED: kube-apiserver --version does not report $K8S_VERSION"; exit 1; }
echo "$K8S_VERSION $KEY built in $((SECONDS - t0))s on $(date -u +%FT%TZ)" > "$TMP/BUILD-INFO"
rm -rf "$OUT"; mv "$TMP" "$OUT"; trap - EXIT
say "built in $((SECONDS - t0))s: $(du -sh "$BIN" | cut -f1) in $BIN"
echo "$BIN"
