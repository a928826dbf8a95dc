// Where the sandbox cluster lives on this machine and which addresses it uses. Every address is local:
// the node IP sits on a bridge of its own, pods and Services use CIDRs that only exist on this host.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const K8S_VERSION = 'v1.34.4';
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
export const COREDNS_IMAGE = 'sandbox.local/coredns:v1.12.1';
/**
 * @typedef {{ module: string, package: string, version: string, versionVar?: string, goMod?: readonly string[] }} GoProgram
 * Go programs built beside Kubernetes with `go install module/package@version`, each cached by its version
 * (scripts/build-go-program.sh, 1-3 min each on 2 idle cores). `versionVar` is the variable the upstream
 * Makefile sets with -X; the build checks that `--version` (or `version`) reports it. `goMod`: the module's
 * own `replace`/`exclude` directives, which `go install pkg@version` refuses; with them the program is built
 * in a wrapper module that repeats them.
 */
export const GO_PROGRAMS = /** @type {const} */ ({
  /**
   * The cluster's OCI registry: distribution's `registry` (CNCF Distribution), the reference implementation
   * that Docker Hub, GitLab's container registry and Harbor build on, here with filesystem storage: pushes,
   * manifests, digests and errors behave as in production. Chosen over go-containerregistry's
   * `crane registry serve`, a test server for unit tests (manifests always in memory, blobs too unless --disk).
   */
  registry: { module: 'github.com/distribution/distribution/v3', package: 'cmd/registry', version: 'v3.1.2', versionVar: 'github.com/distribution/distribution/v3/version.version' },
  /**
   * NetworkPolicy enforcement: kube-router's network policy controller alone (--run-firewall, no routing, no
   * service proxy), which renders policies as iptables rules and ipsets, as k3s embeds it. The newest version
   * the module proxy serves here; see docs/sandbox-cluster.md for the advisories of that version and why they
   * do not reach this IPv4-only, firewall-only use.
   */
  'kube-router': { module: 'github.com/cloudnativelabs/kube-router/v2', package: 'cmd/kube-router', version: 'v2.1.0', versionVar: 'github.com/cloudnativelabs/kube-router/v2/pkg/version.Version' },
  /** The resource metrics API (metrics.k8s.io) behind `kubectl top` and the HorizontalPodAutoscaler. */
  'metrics-server': { module: 'sigs.k8s.io/metrics-server', package: 'cmd/metrics-server', version: 'v0.9.0', versionVar: 'k8s.io/client-go/pkg/version.gitVersion' },
  /**
   * The Ingress controller: Traefik's Kubernetes Ingress provider, as a host process that terminates TLS on
   * 127.0.0.1:443 (certificates from the Ingresses' `kubernetes.io/tls` Secrets) and redirects :80 to it.
   * v3.6.12 is the newest that builds from the module proxy here (docs/sandbox-cluster.md); its go.mod's
   * replace and exclude directives are repeated in a wrapper module.
   */
  traefik: {
    module: 'github.com/traefik/traefik/v3',
    package: 'cmd/traefik',
    version: 'v3.6.12',
    versionVar: 'github.com/traefik/traefik/v3/pkg/version.Version',
    goMod: [
      'replace github.com/abbot/go-http-auth => github.com/containous/go-http-auth v0.4.1-0.20200324110947-a37a7636d23e',
      'replace github.com/gorilla/mux => github.com/containous/mux v0.0.0-20250523120546-41b6ec3aed59',
      'replace github.com/mailgun/minheap => github.com/containous/minheap v0.0.0-20190809180810-6e71eb837595',
      'exclude github.com/tencentcloud/tencentcloud-sdk-go v3.0.83+incompatible',
    ],
  },
});
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
  const cache = resolve(env.SANDBOX_CLUSTER_CACHE ?? join(homedir(), '.cache/todo-app/sandbox-cluster'));
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
