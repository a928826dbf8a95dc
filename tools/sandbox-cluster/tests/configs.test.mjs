import { components } from '../src/components.mjs';
import { clusterRbac, cniConflist, containerdConfig, corednsManifest, corefile, kubeletConfig, kubeProxyConfig, metricsServerManifest, registryConfig, registryHostsToml } from '../src/configs.mjs';
import { STOP_ORDER } from '../src/down.mjs';
import { firewallRules } from '../src/host.mjs';
import { normalizeImageRef, scratchDockerfile } from '../src/images.mjs';
import { clusterAddresses, clusterNodes, clusterPaths, METRICS_SERVER_IMAGE, PAUSE_IMAGE } from '../src/layout.mjs';
import { pullProbeManifest, pushedDigest } from '../src/smoke.mjs';

const cluster = clusterAddresses();
const paths = clusterPaths({ SANDBOX_CLUSTER_STATE: '/tmp/s', SANDBOX_CLUSTER_RUN: '/tmp/r', SANDBOX_CLUSTER_SHM: '/tmp/m', SANDBOX_CLUSTER_CACHE: '/tmp/c' });
const [first, second] = clusterNodes(paths, cluster, 2);
const binaries = { bin: '/b', programs: { registry: '/r/registry', 'kube-router': '/k/kube-router', traefik: '/t/traefik' } };

describe('component configuration', () => {
  it('keeps our containerd apart from dockerd: own root, state, socket, CNI dirs and the local pause image', () => {
    const toml = containerdConfig(paths, first);
    expect(toml).toContain('root = "/tmp/s/containerd"');
    expect(toml).toContain('address = "/tmp/r/containerd/containerd.sock"');
    expect(toml).toContain('conf_dir = "/tmp/s/cni/net.d"');
    expect(toml).toContain(`sandbox_image = "${PAUSE_IMAGE}"`);
    expect(toml).toContain('SystemdCgroup = false');
  });

  it("points containerd's CRI at the registry hosts folder, whose hosts.toml for the registry says plain HTTP", () => {
    expect(containerdConfig(paths, first)).toMatch(/\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]\n {4}config_path = "\/tmp\/s\/config\/registry-hosts"\n/);
    expect(cluster.registry).toBe('127.0.0.1:5001');
    const hosts = registryHostsToml(cluster, first);
    expect(hosts).toMatch(/^server = "http:\/\/127\.0\.0\.1:5001"$/m);
    expect(hosts).toMatch(/^\[host\."http:\/\/127\.0\.0\.1:5001"\]\n {2}capabilities = \["pull", "resolve"\]$/m);
    expect(hosts).not.toContain('https');
  });

  it('runs the registry on loopback with its storage under the cluster state', () => {
    const yaml = registryConfig(paths, cluster);
    expect(yaml).toMatch(/^http:\n {2}addr: 127\.0\.0\.1:5001$/m);
    expect(yaml).toMatch(/^storage:\n {2}filesystem:\n {4}rootdirectory: \/tmp\/s\/registry$/m);
    expect(yaml).not.toMatch(/debug|0\.0\.0\.0|tls/);
  });

  it('starts the registry before containerd, probes its /v2/ and stops it after containerd', () => {
    const all = components(paths, cluster, binaries);
    const names = all.map((c) => c.name);
    expect(names.indexOf('registry')).toBeLessThan(names.indexOf('containerd'));
    const registry = all.find((c) => c.name === 'registry');
    expect(registry).toMatchObject({ command: '/r/registry', args: ['serve', '/tmp/s/config/registry.yml'], probe: { kind: 'http', url: 'http://127.0.0.1:5001/v2/' } });
    expect(registry?.env).toEqual({ OTEL_TRACES_EXPORTER: 'none' });
    expect([...STOP_ORDER].sort()).toEqual([...names].sort());
    expect(STOP_ORDER.indexOf('registry')).toBeGreaterThan(STOP_ORDER.indexOf('containerd'));
  });

  it('enforces NetworkPolicy with kube-router alone (no routing, no service proxy) once kube-proxy is up', () => {
    const all = components(paths, cluster, binaries);
    const names = all.map((c) => c.name);
    expect(names.indexOf('kube-router')).toBeGreaterThan(names.indexOf('kube-proxy'));
    const router = all.find((c) => c.name === 'kube-router');
    expect(router?.command).toBe('/k/kube-router');
    expect(router?.args).toEqual(expect.arrayContaining(['--run-firewall=true', '--run-router=false', '--run-service-proxy=false', `--hostname-override=${cluster.nodeName}`, '--kubeconfig=/tmp/s/pki/kube-router.kubeconfig']));
    expect(router?.probe).toEqual({ kind: 'http', url: `http://127.0.0.1:${cluster.kubeRouterHealthPort}/healthz` });
    expect(clusterRbac()).toMatch(/name: sandbox:kube-router[\s\S]*resources: \[networkpolicies\][\s\S]*name: system:sandbox:kube-router/);
  });

  it('serves Ingresses with Traefik on loopback only: TLS on :443, :80 redirecting to https, its own identity and IngressClass', () => {
    const all = components(paths, cluster, binaries);
    const names = all.map((c) => c.name);
    expect(names.indexOf('traefik')).toBeGreaterThan(names.indexOf('kube-proxy'));
    const traefik = all.find((c) => c.name === 'traefik');
    expect(traefik?.env).toEqual({ KUBECONFIG: '/tmp/s/pki/traefik.kubeconfig' });
    expect(traefik?.args).toEqual(expect.arrayContaining([
      '--entryPoints.web.address=127.0.0.1:80', '--entryPoints.web.http.redirections.entryPoint.to=websecure',
      '--entryPoints.websecure.address=127.0.0.1:443', '--entryPoints.websecure.http.tls=true',
      '--providers.kubernetesingress=true', '--global.checknewversion=false', '--global.sendanonymoususage=false',
    ]));
    expect(traefik?.args.filter((a) => a.endsWith('.address=')).length).toBe(0);
    expect(traefik?.probe).toEqual({ kind: 'http', url: `http://127.0.0.1:${cluster.traefikPingPort}/ping` });
    expect(clusterRbac()).toMatch(/name: sandbox:traefik[\s\S]*resources: \[ingresses\/status\][\s\S]*name: system:sandbox:traefik/);
    expect(clusterRbac()).toMatch(/kind: IngressClass\nmetadata: \{name: traefik\}\nspec: \{controller: traefik.io\/ingress-controller\}/);
  });

  it('lets the API server serve aggregated APIs through a front-proxy identity of its own CA', () => {
    const apiserver = components(paths, cluster, { bin: '/b', programs: { registry: '/r', 'kube-router': '/k', traefik: '/t' } }).find((c) => c.name === 'kube-apiserver');
    expect(apiserver?.args).toEqual(expect.arrayContaining([
      '--requestheader-client-ca-file=/tmp/s/pki/front-proxy-ca.crt', '--requestheader-allowed-names=front-proxy-client',
      '--proxy-client-cert-file=/tmp/s/pki/front-proxy-client.crt', '--proxy-client-key-file=/tmp/s/pki/front-proxy-client.key',
    ]));
  });

  it('runs metrics-server from the local image, verifying kubelets against the cluster CA, behind the metrics.k8s.io APIService', () => {
    const yaml = metricsServerManifest(cluster);
    expect(yaml).toContain(`image: ${METRICS_SERVER_IMAGE}`);
    expect(yaml).toContain('imagePullPolicy: Never');
    expect(yaml).toContain('--kubelet-certificate-authority=/etc/cluster-ca/ca.crt');
    expect(yaml).not.toContain('--kubelet-insecure-tls');
    expect(yaml).toMatch(/kind: APIService\nmetadata: \{name: v1beta1\.metrics\.k8s\.io/);
    expect(kubeletConfig(paths, cluster, first)).toContain('tlsCertFile: /tmp/s/pki/kubelet.crt');
  });

  it('gives pods addresses from the node pod CIDR on their own bridge', () => {
    const conf = JSON.parse(cniConflist(cluster, first));
    const [bridge] = conf.plugins;
    expect(bridge.bridge).toBe(cluster.cniBridge);
    expect(bridge.ipam.ranges[0][0].subnet).toBe(cluster.nodePodCidr);
    // A pod keeps its own address towards pods on other nodes (what NetworkPolicies match on).
    expect(bridge.ipMasq).toBe(false);
    expect(conf.plugins.map((/** @type {{type: string}} */ p) => p.type)).toEqual(['bridge', 'portmap', 'firewall']);
  });

  it('points the kubelet at cgroupfs, our containerd socket and the cluster DNS address', () => {
    const yaml = kubeletConfig(paths, cluster, first);
    expect(yaml).toContain('cgroupDriver: cgroupfs');
    expect(yaml).toContain('cgroupRoot: /\n');
    expect(yaml).toContain('containerRuntimeEndpoint: unix:///tmp/r/containerd/containerd.sock');
    expect(yaml).toContain(`clusterDNS: [${cluster.dnsServiceIp}]`);
    expect(yaml).toContain('imageGCHighThresholdPercent: 100');
  });

  it('runs kube-proxy in iptables mode for the pod CIDR', () => {
    const yaml = kubeProxyConfig(paths, cluster, first);
    expect(yaml).toContain('mode: iptables');
    expect(yaml).toContain(`clusterCIDR: ${cluster.podCidr}`);
  });

  it('answers cluster names only: the Corefile has no forward to an upstream resolver', () => {
    expect(corefile(cluster)).toContain('kubernetes cluster.local');
    expect(corefile(cluster)).not.toMatch(/forward|proxy/);
  });

  it('deploys CoreDNS from the local image without pulling, behind the cluster DNS address', () => {
    const manifest = corednsManifest(cluster);
    expect(manifest).toContain('imagePullPolicy: Never');
    expect(manifest).toContain(`clusterIP: ${cluster.dnsServiceIp}`);
    expect(manifest).toMatch(/Corefile: \|\n {4}\.:53 \{\n/);
  });

  it('keeps the add-ons (CoreDNS, metrics-server) on the first node, so draining another never takes them away', () => {
    for (const manifest of [corednsManifest(cluster), metricsServerManifest(cluster)]) expect(manifest).toContain(`nodeSelector: {kubernetes.io/hostname: ${cluster.nodeName}}`);
  });
});

describe('a second node', () => {
  it('has its own name, address on the node network, pod CIDR and network namespace; the first keeps the host', () => {
    expect(first).toMatchObject({ name: cluster.nodeName, ip: cluster.nodeIp, podCidr: cluster.nodePodCidr, netns: undefined, suffix: '', cgroupRoot: '/' });
    expect(second).toMatchObject({ name: 'sandbox-node-2', ip: '10.250.0.2', podCidr: '10.244.1.0/24', podGateway: '10.244.1.1', netns: 'sandbox-node-2', veth: 'sbxveth2', suffix: '.sandbox-node-2', cgroupRoot: '/sandbox-node-2' });
    expect(second.apiServer).toBe(`https://${cluster.nodeIp}:${cluster.apiPort}`);
  });

  it('runs a containerd of its own: root, state, socket, runc root, CNI and registry folders apart from the first', () => {
    const toml = containerdConfig(paths, second);
    expect(toml).toContain('root = "/tmp/s/nodes/sandbox-node-2/containerd"');
    expect(toml).toContain('address = "/tmp/r/nodes/sandbox-node-2/containerd/containerd.sock"');
    expect(toml).toContain('Root = "/tmp/r/nodes/sandbox-node-2/runc"');
    expect(toml).toContain('conf_dir = "/tmp/s/nodes/sandbox-node-2/cni/net.d"');
    expect(toml).toContain('config_path = "/tmp/s/nodes/sandbox-node-2/config/registry-hosts"');
    expect(JSON.parse(cniConflist(cluster, second)).plugins[0].ipam.ranges[0][0]).toEqual({ subnet: '10.244.1.0/24', gateway: '10.244.1.1' });
  });

  it("pulls from the registry through the first node's address, which the host forwards to the registry on loopback", () => {
    const hosts = registryHostsToml(cluster, second);
    expect(hosts).toMatch(/^server = "http:\/\/127\.0\.0\.1:5001"$/m);
    expect(hosts).toMatch(/^\[host\."http:\/\/10\.250\.0\.1:5001"\]\n {2}capabilities = \["pull", "resolve"\]$/m);
    const nat = firewallRules(cluster, ['eth0']).find((rule) => rule.table === 'nat');
    expect(nat?.rules).toEqual([['-i', cluster.nodeBridge, '-d', cluster.nodeIp, '-p', 'tcp', '--dport', '5001', '-j', 'DNAT', '--to-destination', '127.0.0.1:5001']]);
  });

  it('gives its kubelet its own identity, cgroup root, pod log folder and health address', () => {
    const yaml = kubeletConfig(paths, cluster, second);
    expect(yaml).toContain('address: 10.250.0.2\n');
    expect(yaml).toContain('healthzBindAddress: 10.250.0.2\n');
    expect(yaml).toContain('tlsCertFile: /tmp/s/pki/kubelet.sandbox-node-2.crt');
    expect(yaml).toContain('cgroupRoot: /sandbox-node-2\n');
    expect(yaml).toContain('podLogsDir: /tmp/s/nodes/sandbox-node-2/pod-logs\n');
    expect(yaml).toContain('containerRuntimeEndpoint: unix:///tmp/r/nodes/sandbox-node-2/containerd/containerd.sock');
    expect(yaml).toContain('podCIDR: 10.244.1.0/24');
    expect(kubeProxyConfig(paths, cluster, second)).toMatch(/kube-proxy\.sandbox-node-2\.kubeconfig[\s\S]*hostnameOverride: sandbox-node-2\nhealthzBindAddress: 10\.250\.0\.2:10256/);
  });

  it("runs its node components in its network namespace, named after it, stopped like the first node's", () => {
    const all = components(paths, cluster, binaries, [first, second]);
    const names = all.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['kubelet', 'kubelet.sandbox-node-2', 'containerd.sandbox-node-2', 'kube-proxy.sandbox-node-2', 'kube-router.sandbox-node-2']));
    expect(names.indexOf('traefik')).toBe(names.length - 1);
    const kubelet = all.find((c) => c.name === 'kubelet.sandbox-node-2');
    expect(kubelet?.command).toBe('/usr/bin/nsenter');
    expect(kubelet?.args.slice(0, 3)).toEqual(['--net=/run/netns/sandbox-node-2', '--', '/b/kubelet']);
    expect(kubelet?.args).toEqual(expect.arrayContaining(['--hostname-override=sandbox-node-2', '--node-ip=10.250.0.2', '--kubeconfig=/tmp/s/pki/kubelet.sandbox-node-2.kubeconfig', '--root-dir=/tmp/s/nodes/sandbox-node-2/kubelet']));
    expect(kubelet?.probe).toEqual({ kind: 'http', url: 'http://10.250.0.2:10248/healthz' });
    expect(all.find((c) => c.name === 'kube-router.sandbox-node-2')?.args).toEqual(expect.arrayContaining(['--hostname-override=sandbox-node-2', '--kubeconfig=/tmp/s/pki/kube-router.sandbox-node-2.kubeconfig']));
    for (const name of names) expect(STOP_ORDER, name).toContain(name.split('.')[0]);
  });
});

describe('firewallRules', () => {
  it('drops pod, Service and node traffic leaving through each external interface', () => {
    const [forward, guard] = firewallRules(cluster, ['eth0', 'eth1']);
    expect(forward.rules).toContainEqual(['-s', cluster.podCidr, '-j', 'ACCEPT']);
    expect(guard).toMatchObject({ table: 'mangle', hook: 'POSTROUTING' });
    for (const dev of ['eth0', 'eth1']) {
      expect(guard.rules).toContainEqual(['-o', dev, '-s', cluster.podCidr, '-j', 'DROP']);
      expect(guard.rules).toContainEqual(['-o', dev, '-d', cluster.serviceCidr, '-j', 'DROP']);
    }
  });
});

describe('registry smoke', () => {
  it("reads the digest from docker push's last line", () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(pushedDigest(`The push refers to repository [127.0.0.1:5001/x]\n1: digest: ${digest} size: 527\n`)).toBe(digest);
    expect(pushedDigest('denied: requested access to the resource is denied')).toBeUndefined();
  });

  it('makes the pull probe pull every time', () => {
    const manifest = pullProbeManifest('127.0.0.1:5001/sandbox-smoke/toolbox:1', 'sandbox-node-2');
    expect(manifest).toMatch(/image: 127\.0\.0\.1:5001\/sandbox-smoke\/toolbox:1\n {4}imagePullPolicy: Always\n/);
    expect(manifest).toContain('nodeName: sandbox-node-2\n');
  });
});

describe('images', () => {
  it('names images the way containerd stores Docker short names', () => {
    expect(normalizeImageRef('todo-app/backend:abc123')).toBe('docker.io/todo-app/backend:abc123');
    expect(normalizeImageRef('busybox:1')).toBe('docker.io/library/busybox:1');
    expect(normalizeImageRef('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10');
    expect(normalizeImageRef('localhost:5000/x')).toBe('localhost:5000/x:latest');
  });

  it('wraps a static binary in a FROM scratch image', () => {
    expect(scratchDockerfile('pause', '65535:65535')).toBe('FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n');
  });
});
