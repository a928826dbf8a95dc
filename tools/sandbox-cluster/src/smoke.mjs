// `smoke`: proves the running cluster end to end with a locally built image: a Deployment serves HTTP,
// its NodePort answers from the host, a pod resolves the Service name through CoreDNS, a NetworkPolicy
// stops that request, metrics-server answers, and a pod runs an image pushed to the cluster's registry,
// pulled by containerd (never loaded).
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { dockerBinary } from '@todo/toolkit';
import { clusterImages, importImage } from './images.mjs';
import { kubectl } from './kubectl.mjs';
import { httpGet, waitUntil } from './probes.mjs';
import { manifestDigest } from './registry.mjs';

export const TOOLBOX_IMAGE = 'sandbox.local/toolbox:1';
export const SMOKE_NAMESPACE = 'sandbox-smoke';
export const SMOKE_NODE_PORT = 30080;
/** Where the smoke pushes the toolbox image in the cluster's registry. */
export const SMOKE_REPOSITORY = 'sandbox-smoke/toolbox';

/**
 * The digest `docker push` reports on its last line (`<tag>: digest: sha256:… size: N`).
 * @param {string} output
 */
export function pushedDigest(output) {
  return /: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(output)?.[1];
}

/**
 * A pod that must pull its image (imagePullPolicy: Always) on the node named, and exit 0.
 * @param {string} image
 * @param {string} nodeName
 */
export function pullProbeManifest(image, nodeName) {
  return `apiVersion: v1
kind: Pod
metadata: {name: registry-pull-${nodeName}, namespace: ${SMOKE_NAMESPACE}}
spec:
  restartPolicy: Never
  nodeName: ${nodeName}
  containers:
  - name: pulled
    image: ${image}
    imagePullPolicy: Always
    command: [/bin/busybox, echo, pulled from the registry]
    securityContext: {runAsUser: 1001, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
    resources: {requests: {cpu: 10m, memory: 8Mi}, limits: {memory: 16Mi}}
`;
}

/** A Deployment serving its pod name over HTTP with busybox httpd, behind a NodePort Service. */
export function smokeManifest() {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${SMOKE_NAMESPACE}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${SMOKE_NAMESPACE}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${TOOLBOX_IMAGE}
        imagePullPolicy: Never
        command: [/bin/busybox, sh, -c, 'echo "hello from $(hostname)" > /www/index.html && exec /bin/busybox httpd -f -p 8080 -h /www']
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
        securityContext: {runAsUser: 1001, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 32Mi}}
        volumeMounts: [{name: www, mountPath: /www}]
      volumes: [{name: www, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${SMOKE_NAMESPACE}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: ${SMOKE_NODE_PORT}}]
`;
}

/** A NetworkPolicy that selects the smoke's web pod and admits no ingress at all. */
export function denyIngressPolicy() {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-deny-all, namespace: ${SMOKE_NAMESPACE}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
`;
}

/**
 * Runs `script` in a toolbox pod until it ends; its phase and logs.
 * @param {(args: string[], input?: string) => { ok: boolean, stdout: string, stderr: string }} k
 * @param {string} name
 * @param {string} script
 */
async function probePod(k, name, script) {
  k(['-n', SMOKE_NAMESPACE, 'run', name, '--restart=Never', `--image=${TOOLBOX_IMAGE}`, '--image-pull-policy=Never', '--command', '--', '/bin/busybox', 'sh', '-c', script]);
  let phase = '';
  await waitUntil(
    async () => {
      phase = k(['-n', SMOKE_NAMESPACE, 'get', 'pod', name, '-o', 'jsonpath={.status.phase}']).stdout.trim();
      return phase === 'Succeeded' || phase === 'Failed' ? '' : `phase ${phase}`;
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  return { phase, logs: k(['-n', SMOKE_NAMESPACE, 'logs', name]).stdout.trim() };
}

/**
 * The node's CPU and memory use through the metrics API, once metrics-server has scraped it (its first
 * scrape comes up to one resolution, 15 s, after it starts).
 * @param {(args: string[], input?: string) => { ok: boolean, stdout: string, stderr: string }} k
 * @param {string} nodeName
 */
async function nodeMetrics(k, nodeName) {
  let detail = '';
  const reason = await waitUntil(
    async () => {
      const answer = k(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${nodeName}`]);
      if (!answer.ok) return (detail = answer.stderr.trim());
      const usage = JSON.parse(answer.stdout).usage ?? {};
      detail = `node ${nodeName}: cpu ${usage.cpu}, memory ${usage.memory}`;
      return usage.cpu ? '' : detail;
    },
    { timeoutMs: 60_000, intervalMs: 2000 },
  );
  return { ok: !reason, detail };
}

/** Builds the toolbox image (Debian's static busybox, FROM scratch) in Docker if it is missing. */
function ensureToolboxImage() {
  if (spawnSync(dockerBinary(), ['image', 'inspect', TOOLBOX_IMAGE], { stdio: 'ignore' }).status === 0) return;
  if (!existsSync('/bin/busybox')) throw new Error('/bin/busybox is missing: apt-get install busybox-static');
  const context = mkdtempSync(join(tmpdir(), 'sandbox-toolbox-'));
  try {
    copyFileSync('/bin/busybox', join(context, 'busybox'));
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n');
    const result = spawnSync(dockerBinary(), ['build', '-q', '-t', TOOLBOX_IMAGE, context], { encoding: 'utf8', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
    if (result.status !== 0) throw new Error(`docker build of ${TOOLBOX_IMAGE} failed: ${result.stderr}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * @param {{ paths: import('./layout.mjs').Paths, cluster: import('./layout.mjs').Cluster, bin: string, nodes: import('./layout.mjs').Node[] }} options
 * @returns {Promise<{ name: string, ok: boolean, detail: string }[]>}
 */
export async function smoke({ paths, cluster, bin, nodes }) {
  /** @type {(args: string[], input?: string) => ReturnType<typeof kubectl>} */
  const k = (args, input) => kubectl(bin, paths.kubeconfig, args, input);
  /** @type {{ name: string, ok: boolean, detail: string }[]} */
  const results = [];
  const record = (/** @type {string} */ name, /** @type {boolean} */ ok, /** @type {string} */ detail) => {
    results.push({ name, ok, detail });
    process.stderr.write(`[sandbox-cluster smoke] ${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
  };
  ensureToolboxImage();
  await importImage(TOOLBOX_IMAGE, nodes.map((node) => node.containerdSocket));
  k(['delete', 'namespace', SMOKE_NAMESPACE, '--ignore-not-found', '--wait=true']);
  const applied = k(['apply', '-f', '-'], smokeManifest());
  if (!applied.ok) throw new Error(`applying the smoke manifest failed: ${applied.stderr}`);

  const rollout = k(['-n', SMOKE_NAMESPACE, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
  const pod = k(['-n', SMOKE_NAMESPACE, 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].status.podIP}']).stdout.trim();
  record('pod from a locally built image runs and is Ready', rollout.ok, rollout.ok ? `pod ${pod}` : rollout.stderr.trim());

  let body = '';
  const nodePortReason = await waitUntil(
    async () => {
      try {
        body = (await httpGet(`http://127.0.0.1:${SMOKE_NODE_PORT}/index.html`)).body.trim();
        return body.startsWith('hello from') ? '' : `unexpected body ${body}`;
      } catch (error) {
        return /** @type {Error} */ (error).message;
      }
    },
    { timeoutMs: 30_000 },
  );
  record(`NodePort ${SMOKE_NODE_PORT} answers from the host (127.0.0.1)`, !nodePortReason, nodePortReason || `"${body}"`);

  // Debian's static busybox wget segfaults in a FROM scratch image (static glibc without NSS), so the
  // probe resolves with nslookup (its own resolver) and speaks HTTP with nc to the address found.
  const fqdn = `web.${SMOKE_NAMESPACE}.svc.${cluster.clusterDomain}`;
  const script = `ip=$(/bin/busybox nslookup ${fqdn} | /bin/busybox awk '/^Address: /{a=$2} END{print a}'); echo "resolved ${fqdn} to $ip"; printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | /bin/busybox nc -w 5 "$ip" 80`;
  const dns = await probePod(k, 'dns-probe', script);
  const service = k(['-n', SMOKE_NAMESPACE, 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}']).stdout.trim();
  const resolved = dns.phase === 'Succeeded' && dns.logs.includes(`to ${service}`) && /hello from/.test(dns.logs);
  record('a pod resolves the Service name via CoreDNS and reaches it through its ClusterIP', resolved, `${dns.phase}: ${dns.logs.split('\n').join(' | ')}`);

  // The same request once a NetworkPolicy admits nothing to the web pod: kube-router must reject it.
  k(['apply', '-f', '-'], denyIngressPolicy());
  // kube-router applies a policy within about a second of its creation; the probe retries for 10 s at most.
  const denied = await probePod(k, 'netpol-probe', `for i in 1 2 3 4 5; do sleep 2; printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | /bin/busybox nc -w 2 ${service} 80 | /bin/busybox grep -q 'hello from' || { echo "attempt $i: no answer"; exit 0; }; echo "attempt $i: answered"; done; exit 1`);
  record('a NetworkPolicy that admits nothing stops the same request (kube-router enforces it)', denied.phase === 'Succeeded', `${denied.phase}: ${denied.logs.split('\n').join(' | ')}`);

  for (const node of nodes) {
    const metrics = await nodeMetrics(k, node.name);
    record(`metrics-server answers the metrics.k8s.io API for node ${node.name} (kubectl top, the HPA)`, metrics.ok, metrics.detail);
  }

  for (const node of nodes) {
    const pulled = await registryPull({ cluster, k, node });
    record(`a pod on node ${node.name} runs an image pushed to the registry (${cluster.registry}), pulled by its containerd with imagePullPolicy: Always`, pulled.ok, pulled.detail);
  }

  k(['delete', 'namespace', SMOKE_NAMESPACE, '--wait=false']);
  return results;
}

/**
 * Pushes the toolbox image to the registry, removes it from the node's containerd (so only a pull can bring it
 * back), runs a pod on it on that node and compares the pod's imageID with the registry's digest of the tag.
 * @param {{ cluster: import('./layout.mjs').Cluster, node: import('./layout.mjs').Node, k: (args: string[], input?: string) => { ok: boolean, stdout: string, stderr: string } }} options
 */
async function registryPull({ cluster, node, k }) {
  const remote = `${cluster.registry}/${SMOKE_REPOSITORY}:1`;
  const started = Date.now();
  spawnSync(dockerBinary(), ['tag', TOOLBOX_IMAGE, remote]);
  const push = spawnSync(dockerBinary(), ['push', remote], { encoding: 'utf8' });
  const pushed = pushedDigest(push.stdout ?? '');
  if (push.status !== 0 || !pushed) return { ok: false, detail: `docker push ${remote} failed: ${push.stderr.trim() || push.stdout.trim()}` };
  const pushSeconds = ((Date.now() - started) / 1000).toFixed(1);
  const stored = await manifestDigest(cluster.registry, SMOKE_REPOSITORY, '1');
  if (stored !== pushed) return { ok: false, detail: `docker push reported ${pushed}, the registry's manifest for :1 is ${stored}` };

  spawnSync('ctr', ['--address', node.containerdSocket, '-n', 'k8s.io', 'images', 'rm', remote, `${cluster.registry}/${SMOKE_REPOSITORY}@${pushed}`], { stdio: 'ignore' });
  if (clusterImages(node.containerdSocket).some((name) => name.startsWith(`${cluster.registry}/${SMOKE_REPOSITORY}`))) {
    return { ok: false, detail: `the containerd of ${node.name} still lists ${remote} after removing it` };
  }
  const pod = `registry-pull-${node.name}`;
  const applied = k(['apply', '-f', '-'], pullProbeManifest(remote, node.name));
  if (!applied.ok) return { ok: false, detail: `applying the pull probe failed: ${applied.stderr.trim()}` };
  let state = /** @type {Record<string, any>} */ ({});
  await waitUntil(
    async () => {
      state = JSON.parse(k(['-n', SMOKE_NAMESPACE, 'get', 'pod', pod, '-o', 'json']).stdout || '{}');
      const phase = state.status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? '' : `phase ${phase}`;
    },
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  const container = state.status?.containerStatuses?.[0];
  const expected = `${cluster.registry}/${SMOKE_REPOSITORY}@${pushed}`;
  const logs = k(['-n', SMOKE_NAMESPACE, 'logs', pod]).stdout.trim();
  const ok = state.status?.phase === 'Succeeded' && container?.imageID === expected && logs === 'pulled from the registry';
  const why = ok ? '' : ` (phase ${state.status?.phase}, ${JSON.stringify(container?.state ?? {})}, logs "${logs}")`;
  return { ok, detail: `pushed ${remote} in ${pushSeconds}s as ${pushed}; pod imageID ${container?.imageID ?? 'none'}${why}` };
}
