import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, run, say, type Target, waitFor, WORKSPACE, type K8sObject } from './cluster.js';

export const LLM_NAME = 'scripted-llm';
/** The in-cluster scripted provider streams its text a word every this many ms, so a buffered hop would show. */
export const LLM_WORD_DELAY_MS = 100;

/**
 * The scripted OpenAI-compatible provider (the browser suite's, apps/frontend-e2e) as an in-cluster
 * Service on port 443, the only egress port the backend's NetworkPolicy allows. It runs in the backend
 * image (Node strips the file's types) as a non-root user allowed to bind low ports.
 */
export function scriptedLlmManifests(namespace: string, image: string, nodeSelector?: Record<string, string>): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': LLM_NAME, 'app.kubernetes.io/part-of': 'deploy-e2e' };
  const source = readFileSync(join(WORKSPACE, 'apps/frontend-e2e/tests/support/scripted-llm.ts'), 'utf8');
  const start = `const { startScriptedLlm } = await import('/llm/scripted-llm.ts'); const llm = await startScriptedLlm({ host: '0.0.0.0', port: 443 }); llm.wordDelayMs = ${LLM_WORD_DELAY_MS}; console.log('scripted LLM on', llm.baseUrl);`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: LLM_NAME, namespace, labels }, data: { 'scripted-llm.ts': source } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: LLM_NAME, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            ...(nodeSelector && { nodeSelector }),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1001,
              runAsGroup: 1001,
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            containers: [
              {
                name: 'llm',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', '--input-type=module', '-e', start],
                ports: [{ name: 'https', containerPort: 443 }],
                readinessProbe: { tcpSocket: { port: 443 }, periodSeconds: 1 },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                volumeMounts: [{ name: 'script', mountPath: '/llm' }],
              },
            ],
            volumes: [{ name: 'script', configMap: { name: LLM_NAME } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: LLM_NAME, namespace, labels },
      spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: 443 }] },
    },
  ];
}

/**
 * Applies the scripted provider in `namespace` (running `image`, a backend image) and waits until it is Ready;
 * `nodeSelector` places it (the production suite keeps its dependencies off the node it drains).
 */
export async function startScriptedLlm(target: Target, namespace: string, image: string, nodeSelector?: Record<string, string>) {
  run(target, 'kubectl', ['--context', target.context, 'apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: scriptedLlmManifests(namespace, image, nodeSelector) }),
  });
  await waitFor(`the scripted LLM provider (${LLM_NAME}) Ready`, () => {
    const status = getJson(target, namespace, ['get', 'deployment', LLM_NAME]).status;
    return status.readyReplicas === 1 ? true : undefined;
  });
}

/** The offline PostgreSQL image (tools/base-image/postgres.sh, docs/images.md), built if missing; its reference. */
export function offlinePostgresImage(target: Target): string {
  say('making sure the offline PostgreSQL image exists (tools/base-image/postgres.sh --print-ref)');
  const ref = run(target, 'bash', ['tools/base-image/postgres.sh', '--print-ref']).stdout.trim().split('\n').pop();
  if (!ref) throw new Error('tools/base-image/postgres.sh --print-ref printed no image reference');
  return ref;
}

export const POSTGRES_NAME = 'postgres';

/**
 * A PostgreSQL outside the release, in a namespace of its own, standing in for a managed database: the offline
 * image (docs/images.md: POSTGRES_PASSWORD/USER/DB, runs as uid 1001, stops on SIGINT), data on an emptyDir,
 * its password in a Secret, a Service named `postgres`. Ready when pg_isready answers on TCP. A NetworkPolicy,
 * as docs/deploy.md §7 advises for a database in the cluster, admits only the release's backend and migration
 * pods of `clientNamespace`.
 */
export function externalPostgresManifests(namespace: string, image: string, password: string, clientNamespace: string, nodeSelector?: Record<string, string>): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': POSTGRES_NAME, 'app.kubernetes.io/part-of': 'deploy-e2e' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'deploy-e2e' } } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: POSTGRES_NAME, namespace, labels }, type: 'Opaque', stringData: { POSTGRES_PASSWORD: password } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: POSTGRES_NAME, namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            ...(nodeSelector && { nodeSelector }),
            securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'postgres',
                image,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'POSTGRES_USER', value: 'todo' },
                  { name: 'POSTGRES_DB', value: 'todo' },
                  { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: POSTGRES_NAME, key: 'POSTGRES_PASSWORD' } } },
                  { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                ],
                ports: [{ name: 'postgres', containerPort: 5432 }],
                readinessProbe: { exec: { command: ['pg_isready', '-q', '-h', '127.0.0.1', '-U', 'todo', '-d', 'todo'] }, periodSeconds: 2 },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                volumeMounts: [
                  { name: 'data', mountPath: '/var/lib/postgresql/data' },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'run', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: POSTGRES_NAME, namespace, labels },
      spec: { selector: labels, ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: POSTGRES_NAME, namespace, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': clientNamespace } },
                podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: ['backend', 'migrate'] }] },
              },
            ],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      },
    },
  ];
}

/**
 * The sandbox cluster has no volume provisioner, so the dev database's claim gets a hostPath volume made
 * for it (pre-bound to the claim the StatefulSet will create). Other clusters use their default StorageClass.
 */
export function sandboxVolume(namespace: string, claim: string): { manifest: K8sObject; path: string } {
  const path = join('/var/lib/sandbox-cluster/volumes', namespace);
  mkdirSync(path, { recursive: true });
  chownSync(path, 1001, 1001);
  chmodSync(path, 0o700);
  return {
    path,
    manifest: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${namespace}-db`, labels: { 'app.kubernetes.io/part-of': 'deploy-e2e' } },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace, name: claim },
        hostPath: { path, type: 'Directory' },
      },
    },
  };
}

/** The backend's settings for the scripted provider running in `llmNamespace`. */
const scriptedLlmConfig = (llmNamespace: string) => [
  'backend:',
  '  config:',
  `    OPENAI_BASE_URL: http://${LLM_NAME}.${llmNamespace}.svc.cluster.local:443/v1`,
  '    OPENAI_MODEL: scripted',
];

const ANY_NODE_PORT = '    nodePort: null   # any free port: the suite must not clash with a release already on the cluster';

/** The overlay every dev deploy of the suite passes (`--values`): a free NodePort and the scripted provider. */
export function overlayValues(namespace: string): string {
  return ['frontend:', '  service:', ANY_NODE_PORT, ...scriptedLlmConfig(namespace), 'secrets:', '  openaiApiKey: sk-deploy-e2e-scripted', ''].join('\n');
}

/** What the production suite's Ingress serves: the chart's Ingress for `host`, TLS from the Secret `secretName`. */
export interface IngressOverlay {
  className: string;
  host: string;
  secretName: string;
}

/**
 * The overlay of the production suite's deploys: only the scripted provider's address (its key is in the
 * Secret todo-secrets made). `nodePort` makes the frontend Service a NodePort, for clusters whose ClusterIPs
 * the host cannot reach (kind, Minikube); the sandbox cluster's host reaches them through kube-proxy's rules.
 * `ingress` turns the chart's Ingress on, with TLS.
 */
export function prodOverlayValues(llmNamespace: string, { nodePort, ingress }: { nodePort: boolean; ingress?: IngressOverlay }): string {
  const service = nodePort ? ['frontend:', '  service:', '    type: NodePort', ANY_NODE_PORT] : [];
  const routed = ingress
    ? ['ingress:', '  enabled: true', `  className: ${ingress.className}`, `  host: ${ingress.host}`, '  tls:', '    enabled: true', `    secretName: ${ingress.secretName}`]
    : [];
  return [...service, ...scriptedLlmConfig(llmNamespace), ...routed, ''].join('\n');
}
