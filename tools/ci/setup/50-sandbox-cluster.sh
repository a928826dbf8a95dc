#!/usr/bin/env bash
# Sandbox Kubernetes cluster (tools/sandbox-cluster, docs/sandbox-cluster.md).
# Always: installs the Debian packages it runs on (containerd, runc, CNI plugins, conntrack, ipset) if missing.
# Then, unless SANDBOX_CLUSTER_UP=0 (or not root, or DEPLOY_E2E_CONTEXT names another cluster): brings the
# cluster up (a cold build compiles Kubernetes from source,
# see the measured times in the doc) and writes SANDBOX_KUBECONFIG, SANDBOX_BIN (its kubectl) and
# SANDBOX_REGISTRY (its registry's host:port) to dist/test-results/env for the deploy-e2e suites. Other
# suites keep the user's own KUBECONFIG.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

need=()
for pair in /usr/bin/containerd:containerd /usr/sbin/runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
            /usr/sbin/conntrack:conntrack /usr/sbin/iptables:iptables /usr/sbin/ipset:ipset /usr/bin/openssl:openssl \
            /usr/bin/gcc:gcc /usr/include/stdio.h:libc6-dev /bin/busybox:busybox-static; do
  [ -e "${pair%%:*}" ] || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "sandbox-cluster: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian containerd package may start a system containerd; ours is a separate instance, so that is harmless.
command -v go >/dev/null || { echo "sandbox-cluster: Go is required to build the cluster binaries" >&2; exit 1; }

# Default: start it when the deploy suite has no other cluster to use (DEPLOY_E2E_CONTEXT) and we are root.
if [ -z "${SANDBOX_CLUSTER_UP:-}" ]; then
  if [ -n "${DEPLOY_E2E_CONTEXT:-}" ]; then SANDBOX_CLUSTER_UP=0; why="DEPLOY_E2E_CONTEXT=$DEPLOY_E2E_CONTEXT is the deploy suite's cluster"
  elif [ "$(id -u)" != 0 ]; then SANDBOX_CLUSTER_UP=0; why="it needs root (containerd, kubelet, iptables); run as root or set DEPLOY_E2E_CONTEXT=<kind/minikube context>"
  else SANDBOX_CLUSTER_UP=1; fi
fi
if [ "$SANDBOX_CLUSTER_UP" != "1" ]; then
  echo "sandbox-cluster: not starting the cluster: ${why:-SANDBOX_CLUSTER_UP=$SANDBOX_CLUSTER_UP}; the deploy-e2e suites run only against a cluster" \
    "(with SANDBOX_CLUSTER_UP=0 they are reported as skipped; otherwise they fail unless DEPLOY_E2E_CONTEXT names one)"
  exit 0
fi
# Two nodes, so the production suite sees replicas spread over nodes and a node drained under load.
nodes=${SANDBOX_CLUSTER_NODES:-2}
echo "sandbox-cluster: starting with $nodes nodes (cached binaries: ~1-2 min; a cold build compiles Kubernetes, see docs/sandbox-cluster.md)"
out=$(node tools/sandbox-cluster/src/cli.mjs up --nodes="$nodes") || { echo "sandbox-cluster: up failed (see the messages above)" >&2; exit 1; }
echo "$out"
mkdir -p dist/test-results
{
  echo "$out" | sed -n 's/^export KUBECONFIG=\(.*\)$/SANDBOX_KUBECONFIG=\1/p'
  echo "$out" | sed -n 's/^export PATH=\(.*\):\$PATH$/SANDBOX_BIN=\1/p'
  echo "$out" | sed -n 's/^export SANDBOX_REGISTRY=\(.*\)$/SANDBOX_REGISTRY=\1/p'
} >> dist/test-results/env
