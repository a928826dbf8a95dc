// Where the sandbox cluster lives on this machine and which addresses it uses. Every address is local:
// the node IP sits on a bridge of its own, pods and Services use CIDRs that only exist on this host.
import { join, resolve } from 'node:path';
import { cacheDir, VERSIONS } from '@todo/toolkit';

/** The Kubernetes the cluster runs: go/go.mod requires it, versions.json names it (a toolkit test compares them). */
export const K8S_VERSION = `v${VERSIONS.kubernetes.version}`;
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
export const COREDNS_IMAGE = 'sandbox.local/coredns:v1.12.1';
/**
 * Go programs built beside Kubernetes with `go install module/package@version`, each cached by its version
 * (scripts/build-go-program.sh, 1-3 min each on 2 idle cores); their versions are in the toolkit's versions.json.
 * - registry: the cluster's OCI registry, distribution's `registry` (CNCF Distribution), the reference
 *   implementation that Docker Hub, GitLab's container registry and Harbor build on, here with filesystem
 *   storage: pushes, manifests, digests and errors behave as in production. Chosen over go-containerregistry's
 *   `crane registry serve`, a test server for unit tests (manifests always in memory, blobs too unless --disk).
 * - kube-router: NetworkPolicy enforcement, kube-router's network policy controller alone (--run-firewall, no
 *   routing, no service proxy), which renders policies as iptables rules and ipsets, as k3s embeds it. The
 *   newest version the module proxy serves here; see docs/sandbox-cluster.md for the advisories of that
 *   version and why they do not reach this IPv4-only, firewall-only use.
 * - metrics-server: the resource metrics API (metrics.k8s.io) behind `kubectl top` and the
 *   HorizontalPodAutoscaler.
 */
/** @type {import('@todo/toolkit').Versions['goPrograms']} */
export const GO_PROGRAMS = VERSIONS.goPrograms;
/** The IngressClass that the sandbox's Traefik serves (the chart's `ingress.className`). */
export const INGRESS_CLASS = 'traefik';
export const REGISTRY_VERSION = GO_PROGRAMS.registry.version;
export const METRICS_SERVER_IMAGE = `sandbox.local/metrics-server:${GO_PROGRAMS['metrics-server'].version}`;

/** @typedef {ReturnType<typeof clusterAddresses>} Cluster */
export function clusterAddresses() {
  return {
    nodeName: 'sandbox-node',
    nodeIp: '10.250.0.1',
    nodeBridge: 'sbxnode0',
    podCidr: '10.244.0.0/16',
    nodePodCidr: '10.244.0.0/24',
    podGateway: '10.244.0.1',
    cniBridge: 'sbxcni0',
    serviceCidr: '10.96.0.0/16',
    apiServiceIp: '10.96.0.1',
    dnsServiceIp: '10.96.0.10',
    clusterDomain: 'cluster.local',
    apiPort: 6443,
    kubeRouterHealthPort: 20244,
    /** Traefik's entry points, on loopback only: https://localhost reaches the cluster's Ingresses. */
    ingressHttp: '127.0.0.1:80',
    ingressHttps: '127.0.0.1:443',
    /** Traefik's own entry point (GET /ping answers once it is up). */
    traefikPingPort: 20245,
    /**
     * The registry's host:port, on loopback only: plain HTTP, which Docker pushes to 127.0.0.0/8 without
     * daemon configuration and the node's containerd (on the host network) pulls from through hosts.toml.
     */
    registry: '127.0.0.1:5001',
  };
}

/** @typedef {ReturnType<typeof clusterPaths>} Paths */
/** @param {NodeJS.ProcessEnv} env */
export function clusterPaths(env = process.env) {
  const state = resolve(env.SANDBOX_CLUSTER_STATE ?? '/var/lib/sandbox-cluster');
  const run = resolve(env.SANDBOX_CLUSTER_RUN ?? '/run/sandbox-cluster');
  const cache = resolve(env.SANDBOX_CLUSTER_CACHE ?? cacheDir('sandbox-cluster', env));
  return {
    state,
    run,
    cache,
    pki: join(state, 'pki'),
    config: join(state, 'config'),
    logs: join(state, 'logs'),
    pids: join(run, 'pids'),
    kubeconfig: join(state, 'kubeconfig'),
    /** The registry's filesystem storage: removed by `down` with the rest of the state. */
    registryData: join(state, 'registry'),
    /** containerd's registry.config_path: one <host:port>/hosts.toml per registry. */
    registryHostsDir: join(state, 'config', 'registry-hosts'),
    etcdData: join(env.SANDBOX_CLUSTER_SHM ?? '/dev/shm/sandbox-cluster', 'etcd'),
    shm: resolve(env.SANDBOX_CLUSTER_SHM ?? '/dev/shm/sandbox-cluster'),
    containerdRoot: join(state, 'containerd'),
    containerdState: join(run, 'containerd'),
    containerdSocket: join(run, 'containerd', 'containerd.sock'),
    runcRoot: join(run, 'runc'),
    cniConfDir: join(state, 'cni', 'net.d'),
    cniIpamDir: join(run, 'cni-ipam'),
    kubeletRoot: join(state, 'kubelet'),
    cniBinDir: env.SANDBOX_CLUSTER_CNI_BIN ?? '/usr/lib/cni',
  };
}
