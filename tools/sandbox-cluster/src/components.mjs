// The cluster's processes in start order: how each one is started and how we know it is ready.
import { join } from 'node:path';
import { KUBE_PROXY_HEALTHZ_PORT, KUBELET_HEALTHZ_PORT } from './configs.mjs';
import { nodeLayout } from './layout.mjs';

/**
 * @typedef {{ kind: 'http', url: string, insecure?: boolean, clientCert?: boolean } | { kind: 'socket', path: string }} Probe
 * @typedef {{ name: string, command: string, args: string[], env?: Record<string, string>, probe: Probe, hint: string }} Component
 * @typedef {{ bin: string, programs: { registry: string, 'kube-router': string, traefik: string } }} Binaries the Kubernetes binaries' folder
 *   and the host programs of GO_PROGRAMS (layout.mjs)
 */

/** Binaries for reading the components' names, PIDs and probes only (status, a running cluster's check). */
export const UNBUILT = /** @type {Binaries} */ ({ bin: '/nonexistent', programs: { registry: '/nonexistent', 'kube-router': '/nonexistent', traefik: '/nonexistent' } });

/** The components every node runs, in start order; another node's are named `<component>.<node>`. */
export const NODE_COMPONENTS = ['containerd', 'kubelet', 'kube-proxy', 'kube-router'];

/**
 * The control plane, the registry, each node's components and Traefik.
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {Binaries} binaries
 * @param {import('./layout.mjs').Node[]} [nodes] the first alone unless given
 * @returns {Component[]}
 */
export function components(paths, cluster, binaries, nodes = [nodeLayout(paths, cluster, 1)]) {
  const all = controlPlane(paths, cluster, binaries);
  const traefik = all.pop();
  return [...all, ...nodes.flatMap((node) => nodeComponents(paths, cluster, binaries, node)), ...(traefik ? [traefik] : [])];
}

/**
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {Binaries} binaries
 * @returns {Component[]}
 */
function controlPlane(paths, cluster, { bin, programs }) {
  const pki = (/** @type {string} */ file) => join(paths.pki, file);
  const cfg = (/** @type {string} */ file) => join(paths.config, file);
  const api = `https://127.0.0.1:${cluster.apiPort}`;
  return [
    {
      name: 'etcd',
      command: join(bin, 'etcd'),
      args: [
        '--name=sandbox', `--data-dir=${paths.etcdData}`,
        '--listen-client-urls=http://127.0.0.1:2379', '--advertise-client-urls=http://127.0.0.1:2379',
        '--listen-peer-urls=http://127.0.0.1:2380', '--initial-advertise-peer-urls=http://127.0.0.1:2380',
        '--initial-cluster=sandbox=http://127.0.0.1:2380', '--initial-cluster-state=new',
        '--listen-metrics-urls=http://127.0.0.1:2381', '--unsafe-no-fsync', '--log-level=warn',
      ],
      probe: { kind: 'http', url: 'http://127.0.0.1:2381/health' },
      hint: 'is another etcd using 127.0.0.1:2379-2381?',
    },
    {
      name: 'kube-apiserver',
      command: join(bin, 'kube-apiserver'),
      args: [
        `--advertise-address=${cluster.nodeIp}`, '--bind-address=0.0.0.0', `--secure-port=${cluster.apiPort}`,
        '--etcd-servers=http://127.0.0.1:2379',
        `--service-cluster-ip-range=${cluster.serviceCidr}`, '--service-node-port-range=30000-32767',
        `--client-ca-file=${pki('ca.crt')}`, `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`, `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
        '--kubelet-preferred-address-types=InternalIP,Hostname',
        `--service-account-issuer=https://kubernetes.default.svc.${cluster.clusterDomain}`,
        `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
        '--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction', '--allow-privileged=true',
        // API aggregation (metrics.k8s.io is served by metrics-server): the front-proxy identity it trusts, as
        // kubeadm sets it up; straight to the endpoints, so the aggregator needs no kube-proxy rule.
        `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`, '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${pki('front-proxy-client.crt')}`, `--proxy-client-key-file=${pki('front-proxy-client.key')}`,
        '--enable-aggregator-routing=true',
        '--v=1',
      ],
      probe: { kind: 'http', url: `${api}/readyz`, clientCert: true },
      hint: `is port ${cluster.apiPort} free, and is etcd healthy?`,
    },
    {
      name: 'kube-controller-manager',
      command: join(bin, 'kube-controller-manager'),
      args: [
        `--kubeconfig=${pki('kube-controller-manager.kubeconfig')}`,
        `--authentication-kubeconfig=${pki('kube-controller-manager.kubeconfig')}`,
        `--authorization-kubeconfig=${pki('kube-controller-manager.kubeconfig')}`,
        '--bind-address=127.0.0.1', '--leader-elect=false',
        `--cluster-signing-cert-file=${pki('ca.crt')}`, `--cluster-signing-key-file=${pki('ca.key')}`, `--root-ca-file=${pki('ca.crt')}`,
        `--service-account-private-key-file=${pki('sa.key')}`, '--use-service-account-credentials=true',
        '--allocate-node-cidrs=false', `--cluster-cidr=${cluster.podCidr}`,
        `--service-cluster-ip-range=${cluster.serviceCidr}`, '--v=1',
      ],
      probe: { kind: 'http', url: 'https://127.0.0.1:10257/healthz', insecure: true },
      hint: 'is port 10257 free?',
    },
    {
      name: 'kube-scheduler',
      command: join(bin, 'kube-scheduler'),
      args: [
        `--config=${cfg('kube-scheduler.yaml')}`, '--bind-address=127.0.0.1',
        `--authentication-kubeconfig=${pki('kube-scheduler.kubeconfig')}`, `--authorization-kubeconfig=${pki('kube-scheduler.kubeconfig')}`,
        '--v=1',
      ],
      probe: { kind: 'http', url: 'https://127.0.0.1:10259/healthz', insecure: true },
      hint: 'is port 10259 free?',
    },
    {
      name: 'registry',
      command: programs.registry,
      args: ['serve', cfg('registry.yml')],
      // Its OpenTelemetry exporter would send traces to localhost:4318 by default.
      env: { OTEL_TRACES_EXPORTER: 'none' },
      probe: { kind: 'http', url: `http://${cluster.registry}/v2/` },
      hint: `is ${cluster.registry} free (ss -ltnp)?`,
    },
    {
      // The Ingress controller, on loopback: :443 terminates TLS with the Ingresses' Secrets and sends each
      // request to a ready pod of the Service (its EndpointSlices); :80 answers a permanent redirect to https.
      // X-Forwarded-* from clients are replaced, not trusted (Traefik's default).
      name: 'traefik',
      command: programs.traefik,
      env: { KUBECONFIG: pki('traefik.kubeconfig') },
      args: [
        '--global.checknewversion=false', '--global.sendanonymoususage=false',
        `--entryPoints.web.address=${cluster.ingressHttp}`,
        '--entryPoints.web.http.redirections.entryPoint.to=websecure', '--entryPoints.web.http.redirections.entryPoint.scheme=https',
        `--entryPoints.websecure.address=${cluster.ingressHttps}`, '--entryPoints.websecure.http.tls=true',
        `--entryPoints.traefik.address=127.0.0.1:${cluster.traefikPingPort}`, '--ping=true',
        '--providers.kubernetesingress=true', '--log.level=INFO',
      ],
      probe: { kind: 'http', url: `http://127.0.0.1:${cluster.traefikPingPort}/ping` },
      hint: 'is something else listening on 127.0.0.1:80 or :443? (ss -ltnp)',
    },
  ];
}

/**
 * One node's containerd, kubelet, kube-proxy and kube-router. Another node's run in its network namespace
 * (`nsenter --net`, which execs them: the recorded PID is the component's), with their own configs and identities.
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {Binaries} binaries
 * @param {import('./layout.mjs').Node} node
 * @returns {Component[]}
 */
export function nodeComponents(paths, cluster, { bin, programs }, node) {
  const pki = (/** @type {string} */ file) => join(paths.pki, file);
  const cfg = (/** @type {string} */ file) => join(node.config, file);
  /** @type {Component[]} */
  const list = [
    {
      name: 'containerd',
      command: '/usr/bin/containerd',
      args: [`--config=${cfg('containerd.toml')}`],
      probe: { kind: 'socket', path: node.containerdSocket },
      hint: 'is Debian containerd installed (apt-get install containerd runc)?',
    },
    {
      name: 'kubelet',
      command: join(bin, 'kubelet'),
      args: [
        `--config=${cfg('kubelet.yaml')}`, `--kubeconfig=${pki(`kubelet${node.suffix}.kubeconfig`)}`,
        `--hostname-override=${node.name}`, `--node-ip=${node.ip}`, `--root-dir=${node.kubeletRoot}`,
        '--v=1',
      ],
      probe: { kind: 'http', url: `http://${node.healthHost}:${KUBELET_HEALTHZ_PORT}/healthz` },
      hint: 'look for cgroup or container runtime errors in the log',
    },
    {
      name: 'kube-proxy',
      command: join(bin, 'kube-proxy'),
      args: [`--config=${cfg('kube-proxy.yaml')}`, '--v=1'],
      probe: { kind: 'http', url: `http://${node.healthHost}:${KUBE_PROXY_HEALTHZ_PORT}/healthz` },
      hint: 'look for iptables errors in the log (is the conntrack package installed?)',
    },
    {
      // kube-router's network policy controller alone: each NetworkPolicy becomes iptables chains and ipsets
      // on this node (the bridge CNI does not enforce policies). Pod traffic crosses the CNI bridge, so the
      // rules see it through br_netfilter (bridge-nf-call-iptables, set by setUpHostNetwork).
      name: 'kube-router',
      command: programs['kube-router'],
      args: [
        '--run-firewall=true', '--run-router=false', '--run-service-proxy=false',
        `--kubeconfig=${pki(`kube-router${node.suffix}.kubeconfig`)}`, `--hostname-override=${node.name}`,
        `--service-cluster-ip-range=${cluster.serviceCidr}`, '--service-node-port-range=30000-32767',
        '--enable-ipv4=true', '--enable-ipv6=false',
        `--health-port=${cluster.kubeRouterHealthPort}`, '--metrics-port=0', '--v=1',
      ],
      probe: { kind: 'http', url: `http://${node.healthHost}:${cluster.kubeRouterHealthPort}/healthz` },
      hint: 'look for iptables or ipset errors in the log (is the ipset package installed?)',
    },
  ];
  if (!node.netns) return list;
  return list.map((component) => ({
    ...component,
    name: `${component.name}${node.suffix}`,
    command: NSENTER,
    args: [`--net=/run/netns/${node.netns}`, '--', component.command, ...component.args],
  }));
}

const NSENTER = '/usr/bin/nsenter';
