import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE, type K8sObject } from './cluster.js';

export const LLM_NAME = 'scripted-llm';

/**
 * The scripted OpenAI-compatible provider (the browser suite's, apps/frontend-e2e) as an in-cluster
 * Service on port 443, the only egress port the backend's NetworkPolicy allows. It runs in the backend
 * image (Node strips the file's types) as a non-root user allowed to bind low ports.
 */
export function scriptedLlmManifests(namespace: string, image: string): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': LLM_NAME, 'app.kubernetes.io/part-of': 'deploy-e2e' };
  const source = readFileSync(join(WORKSPACE, 'apps/frontend-e2e/src/support/scripted-llm.ts'), 'utf8');
  const start = "const { startScriptedLlm } = await import('/llm/scripted-llm.ts'); const llm = await startScriptedLlm({ host: '0.0.0.0', port: 443 }); console.log('scripted LLM on', llm.baseUrl);";
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

/** The overlay every deploy of the suite passes (`--values`): a free NodePort and the scripted provider. */
export function overlayValues(namespace: string): string {
  return [
    'frontend:',
    '  service:',
    '    nodePort: null   # any free port: the suite must not clash with a release already on the cluster',
    'backend:',
    '  config:',
    `    OPENAI_BASE_URL: http://${LLM_NAME}.${namespace}.svc.cluster.local:443/v1`,
    '    OPENAI_MODEL: scripted',
    'secrets:',
    '  openaiApiKey: sk-deploy-e2e-scripted',
    '',
  ].join('\n');
}
