// The migration hook must work on the first install and on every upgrade: Helm runs pre-* hooks before it
// creates the release's own objects, so a hook pod that names one of them never starts (FailedCreate).
import { CONFIGURATIONS } from '../scripts/configurations.mjs';
import { hookReferenceViolations, podReferences } from '../scripts/policy.mjs';
import { all, describeForEachHelm, get, podSpec, renderWith, type K8sObject } from './helpers.js';

const hooks = (objects: K8sObject[]) => objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);

describeForEachHelm('the migration hook', (helm) => {
  const render = (name: string) => {
    const config = CONFIGURATIONS.find((c) => c.name === name);
    if (!config) throw new Error(`no configuration ${name}`);
    return renderWith(helm, config.valuesFiles, config.set);
  };

  it.each(CONFIGURATIONS.map((c) => c.name))('in %s, every hook pod names only objects that exist at its hook phase', (name) => {
    const objects = render(name);
    const job = get(objects, 'Job', 'todo-todo-app-migrate');
    expect(podReferences(podSpec(job)).length).toBeGreaterThan(1);
    expect(hookReferenceViolations(objects)).toEqual([]);
  });

  it('runs the Job under a hook-scoped ServiceAccount of its phases, created first, without a token', () => {
    for (const objects of [render('dev'), render('prod'), render('defaults-with-database-url')]) {
      const job = get(objects, 'Job', 'todo-todo-app-migrate');
      const account = get(objects, 'ServiceAccount', 'todo-todo-app-migrate');
      expect(podSpec(job).serviceAccountName).toBe('todo-todo-app-migrate');
      expect(account.metadata.annotations['helm.sh/hook']).toBe(job.metadata.annotations['helm.sh/hook']);
      expect(Number(account.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations['helm.sh/hook-weight']));
      expect(account.automountServiceAccountToken).toBe(false);
      // the apps keep the release's own ServiceAccount
      expect(podSpec(get(objects, 'Deployment', 'todo-todo-app-backend')).serviceAccountName).toBe('todo-todo-app');
    }
  });

  it('gives the hook ServiceAccount the annotations of the release\'s (e.g. a cloud IAM binding)', () => {
    const objects = renderWith(helm, ['values-prod.yaml'], { 'serviceAccount.annotations.iam\\.example\\.com/role': 'todo-db' });
    expect(get(objects, 'ServiceAccount', 'todo-todo-app').metadata.annotations).toEqual({ 'iam.example.com/role': 'todo-db' });
    expect(get(objects, 'ServiceAccount', 'todo-todo-app-migrate').metadata.annotations['iam.example.com/role']).toBe('todo-db');
  });

  it('runs every pod, the Job included, under the existing ServiceAccount when serviceAccount.create is false', () => {
    const objects = render('dev-existing-service-account');
    expect(all(objects, 'ServiceAccount')).toEqual([]);
    for (const workload of [...all(objects, 'Deployment'), ...all(objects, 'StatefulSet'), ...all(objects, 'Job')]) {
      expect(podSpec(workload).serviceAccountName).toBe('todo-runner');
    }
  });

  it.each(CONFIGURATIONS.map((c) => c.name))('in %s, deletes every hook object after success and after failure', (name) => {
    const hookObjects = hooks(render(name));
    expect(hookObjects.map((o) => o.kind)).toContain('Job');
    for (const object of hookObjects) {
      expect(object.metadata.annotations['helm.sh/hook-delete-policy'], `${object.kind}/${object.metadata.name}`).toBe(
        'before-hook-creation,hook-succeeded,hook-failed',
      );
    }
  });

  it('fails a migration that cannot reach its database after one retry, and has Helm 4 print its log', () => {
    const job = get(render('prod'), 'Job', 'todo-todo-app-migrate');
    expect(job.spec.backoffLimit).toBe(1);
    expect(job.metadata.annotations['helm.sh/hook-output-log-policy']).toBe('hook-failed');
  });

  it('reads the database URL from the existing Secret under the key secrets.existingSecretKeys.databaseUrl names', () => {
    const job = get(render('prod-registry-digest-extras'), 'Job', 'todo-todo-app-migrate');
    const databaseUrl = podSpec(job).containers[0].env.find((e: K8sObject) => e.name === 'DATABASE_URL');
    expect(databaseUrl.valueFrom.secretKeyRef).toEqual({ name: 'todo-app-credentials', key: 'database-url' });
  });
});

describe('the hook reference rule', () => {
  const hook = (name: string, phase: string, weight: number, extra: K8sObject = {}) => ({
    metadata: { name, annotations: { 'helm.sh/hook': phase, 'helm.sh/hook-weight': String(weight) } },
    ...extra,
  });
  const job = (phase: string, pod: K8sObject) => ({ kind: 'Job', ...hook('migrate', phase, 0), spec: { template: { spec: pod } } });
  const pod = { serviceAccountName: 'app', containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'creds' } }] }] };

  it('flags a pre-install hook pod that names a release object, and says why', () => {
    const objects = [job('pre-install,pre-upgrade', pod), { kind: 'ServiceAccount', metadata: { name: 'app' } }];
    expect(hookReferenceViolations(objects)).toEqual([
      'Job/migrate (pre-install hook) serviceAccountName names ServiceAccount/app, a release object, created only after the pre-* hooks',
      'Job/migrate (pre-upgrade hook) serviceAccountName names ServiceAccount/app, a release object, created only after the pre-* hooks',
    ]);
  });

  it('accepts release objects in post-install hooks, and objects the chart does not render in any hook', () => {
    const objects = [job('post-install', pod), { kind: 'ServiceAccount', metadata: { name: 'app' } }];
    expect(hookReferenceViolations(objects)).toEqual([]);
  });

  it('accepts a hook object of the same phase with a lower weight, and flags one of another phase or weight', () => {
    const account = (phase: string, weight: number) => ({ kind: 'ServiceAccount', ...hook('app', phase, weight) });
    expect(hookReferenceViolations([job('pre-install', pod), account('pre-install', -10)])).toEqual([]);
    expect(hookReferenceViolations([job('pre-install', pod), account('pre-install', 0)])).toHaveLength(1);
    expect(hookReferenceViolations([job('pre-install', pod), account('post-install', -10)])).toHaveLength(1);
  });

  it('follows env, envFrom, volumes and pull secrets to the objects they name', () => {
    const refs = podReferences({
      serviceAccountName: 'sa',
      imagePullSecrets: [{ name: 'pull' }],
      initContainers: [{ name: 'init', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm-a', key: 'a' } } }] }],
      containers: [
        {
          name: 'main',
          env: [{ name: 'B', valueFrom: { secretKeyRef: { name: 'secret-b', key: 'b' } } }, { name: 'C', value: 'c' }],
          envFrom: [{ configMapRef: { name: 'cm-all' } }, { secretRef: { name: 'secret-all' } }],
        },
      ],
      volumes: [
        { name: 'v1', secret: { secretName: 'secret-vol' } },
        { name: 'v2', configMap: { name: 'cm-vol' } },
        { name: 'v3', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'v4', projected: { sources: [{ secret: { name: 'secret-proj' } }, { configMap: { name: 'cm-proj' } }] } },
        { name: 'v5', emptyDir: {} },
      ],
    });
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual([
      'ServiceAccount/sa',
      'Secret/pull',
      'ConfigMap/cm-a',
      'Secret/secret-b',
      'ConfigMap/cm-all',
      'Secret/secret-all',
      'Secret/secret-vol',
      'ConfigMap/cm-vol',
      'PersistentVolumeClaim/data',
      'Secret/secret-proj',
      'ConfigMap/cm-proj',
    ]);
  });
});
