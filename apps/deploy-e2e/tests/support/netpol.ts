import { extraNodeNamespaces } from '@todo/sandbox-cluster';
import { kubectl, run, type K8sObject, type Target } from './cluster.js';

/**
 * NetworkPolicy checked on real packets: TCP connections made from inside pods (their network namespace, so
 * the node's policy rules apply), and, on the sandbox cluster, the packet counters of kube-router's REJECT rules on every node.
 */

/** What a TCP connect from inside a pod got: `open`, or why not (a policy's REJECT reads as `refused`). */
export type Reach = 'open' | 'refused' | 'timeout' | `error ${string}`;

/** The port the probe pod listens on: a destination no NetworkPolicy of the release allows. */
export const PROBE_PORT = 8080;
export const PROBE_NAME = 'netpol-probe';

/** A script for `node -e`: connects to host:port and prints one Reach word. */
function connectScript(host: string, port: number, timeoutMs: number) {
  return [
    `const s = require('net').connect({ host: ${JSON.stringify(host)}, port: ${port} });`,
    `const done = (word) => { console.log(word); s.destroy(); process.exit(0); };`,
    `s.setTimeout(${timeoutMs}, () => done('timeout'));`,
    `s.on('connect', () => done('open'));`,
    `s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code));`,
  ].join(' ');
}

/** A TCP connect from `pod` (any image with node: the backend's, the frontend's, the probe's) to host:port. */
export function tcpFrom(target: Target, namespace: string, pod: string, host: string, port: number, timeoutMs = 3000): Reach {
  const result = kubectl(target, namespace, ['exec', pod, '--', 'node', '-e', connectScript(host, port, timeoutMs)], { allowFailure: true });
  const word = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !word) {
    const state = kubectl(target, namespace, ['get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].restartCount} restarts, last state {.status.containerStatuses[0].lastState}'], { allowFailure: true }).stdout;
    throw new Error(`kubectl exec ${pod} -n ${namespace} (connect to ${host}:${port}) failed (exit ${result.status}): ${result.stderr.trim().slice(-500)}; pod: ${state}`);
  }
  return word as Reach;
}

/**
 * A pod outside the release, in `namespace`, on `image` (the backend image: it has node): it listens on
 * PROBE_PORT and connects wherever the suite asks it to.
 */
export function probeManifests(namespace: string, image: string): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': PROBE_NAME, 'app.kubernetes.io/part-of': 'deploy-e2e' };
  // A client that resets the connection (the connect probes close at once) must not take the listener down.
  const listen = `require('net').createServer((socket) => { socket.on('error', () => {}); socket.end('probe\\n'); }).listen(${PROBE_PORT}, () => console.log('listening on ${PROBE_PORT}'));`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'deploy-e2e' } } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: PROBE_NAME, namespace, labels },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'probe',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['node', '-e', listen],
            ports: [{ name: 'probe', containerPort: PROBE_PORT }],
            readinessProbe: { tcpSocket: { port: PROBE_PORT }, periodSeconds: 1 },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            // Room for the listener and the `node -e` connects kubectl exec starts beside it (about 50 MiB each).
            resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '384Mi' } },
          },
        ],
      },
    },
  ];
}

/**
 * The packets kube-router's REJECT rules turned away, per pod (`<namespace>/<pod>`), read from the node's
 * iptables counters (the sandbox cluster's nodes are this machine and network namespaces on it). Its rule comments name the pod.
 */
export function rejectedPackets(target: Target): Map<string, number> {
  // The first node's rules are this machine's; each other node's are in its network namespace.
  const saved = [run(target, 'iptables-save', ['-c', '-t', 'filter']).stdout, ...extraNodeNamespaces().map((netns) => run(target, 'ip', ['netns', 'exec', netns, 'iptables-save', '-c', '-t', 'filter']).stdout)].join('\n');
  const counts = new Map<string, number>();
  for (const line of saved.split('\n')) {
    const match = /^\[(\d+):\d+\] .*rule to REJECT traffic destined for POD name:(\S+) namespace: (\S+?)"? .*-j REJECT/.exec(line);
    if (!match) continue;
    const key = `${match[3]}/${match[2]}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(match[1]));
  }
  return counts;
}

/** How many more packets the REJECT rules of each pod turned away in `after` than in `before`. */
export function rejectedSince(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [pod, count] of after) if (count > (before.get(pod) ?? 0)) grown[pod] = count - (before.get(pod) ?? 0);
  return grown;
}
