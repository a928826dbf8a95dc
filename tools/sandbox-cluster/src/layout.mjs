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
    /** The nodes' own network: the first node (this machine's network namespace) is .1, node N is .N. */
    nodeNetwork: '10.250.0.0/24',
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

/** The most nodes `up --nodes` starts: each extra one costs a containerd, a kubelet, a kube-proxy and a kube-router. */
export const MAX_NODES = 4;
/** Extra nodes are named `sandbox-node-<N>`, and so are their network namespaces and cgroup roots. */
export const EXTRA_NODE_PREFIX = 'sandbox-node-';

/**
 * One node of the cluster. The first is this machine's own network namespace (the layout a one-node cluster has
 * always had); node N ≥ 2 is a network namespace `sandbox-node-N` on the node bridge (veth `sbxveth<N>`), with
 * its own pod CIDR, containerd, kubelet (cgroup root `/sandbox-node-N`), kube-proxy and kube-router. Its processes
 * share the host's filesystem and mounts (nsenter --net), so volumes, sockets and logs sit under its own folders.
 * @typedef {ReturnType<typeof nodeLayout>} Node
 * @param {Paths} paths
 * @param {Cluster} cluster
 * @param {number} index 1-based
 */
export function nodeLayout(paths, cluster, index) {
  const first = index === 1;
  const name = first ? cluster.nodeName : `${EXTRA_NODE_PREFIX}${index}`;
  const state = first ? paths.state : join(paths.state, 'nodes', name);
  const run = first ? paths.run : join(paths.run, 'nodes', name);
  const ip = first ? cluster.nodeIp : cluster.nodeIp.replace(/\.\d+$/, `.${index}`);
  const podPrefix = cluster.nodePodCidr.split('.').slice(0, 2).join('.');
  return {
    index,
    name,
    ip,
    podCidr: first ? cluster.nodePodCidr : `${podPrefix}.${index - 1}.0/24`,
    podGateway: first ? cluster.podGateway : `${podPrefix}.${index - 1}.1`,
    /** Its network namespace (none: the host's) and the host end of its veth on the node bridge. */
    netns: first ? undefined : name,
    veth: first ? undefined : `sbxveth${index}`,
    /** Appended to component, certificate and kubeconfig names: `kubelet`, `kubelet.sandbox-node-2`. */
    suffix: first ? '' : `.${name}`,
    /** Where its kubelet, kube-proxy and kube-router answer health checks, as seen from this machine. */
    healthHost: first ? '127.0.0.1' : ip,
    /** The API server as its components reach it: loopback on the host, the node bridge from a namespace. */
    apiServer: `https://${first ? '127.0.0.1' : cluster.nodeIp}:${cluster.apiPort}`,
    /** The kubelet's cgroup root (cgroupfs): each node's kubepods tree apart. */
    cgroupRoot: first ? '/' : `/${name}`,
    config: first ? paths.config : join(state, 'config'),
    containerdRoot: first ? paths.containerdRoot : join(state, 'containerd'),
    containerdState: first ? paths.containerdState : join(run, 'containerd'),
    containerdSocket: first ? paths.containerdSocket : join(run, 'containerd', 'containerd.sock'),
    runcRoot: first ? paths.runcRoot : join(run, 'runc'),
    cniConfDir: first ? paths.cniConfDir : join(state, 'cni', 'net.d'),
    cniIpamDir: first ? paths.cniIpamDir : join(run, 'cni-ipam'),
    kubeletRoot: first ? paths.kubeletRoot : join(state, 'kubelet'),
    registryHostsDir: first ? paths.registryHostsDir : join(state, 'config', 'registry-hosts'),
    /** The kubelet's pod log folder: the default for the first node, one of its own for each other (kubelets clean up folders of pods they do not know). */
    podLogsDir: first ? '/var/log/pods' : join(state, 'pod-logs'),
  };
}

/** @param {Paths} paths @param {Cluster} cluster @param {number} count */
export function clusterNodes(paths, cluster, count) {
  return Array.from({ length: count }, (_, i) => nodeLayout(paths, cluster, i + 1));
}

/** Where `up` records how many nodes it started, for `status`, `load-image`, `smoke` and `down`. @param {Paths} paths */
export const nodeCountFile = (paths) => join(paths.state, 'nodes.json');
