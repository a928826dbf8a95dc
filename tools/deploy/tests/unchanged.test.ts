// A deploy that would change nothing skips Helm: the release (`helm status -o json`) against a server-side
// dry run of the same upgrade (`helm upgrade ... --dry-run=server -o json`), in the shape Helm prints both.
import { planDeploy } from '../src/plan.mjs';
import { dryRunCommand, upgradeChanges, type HelmRelease } from '../src/unchanged.mjs';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const deployment = (digest: string) => `---
# Source: todo-app/templates/backend-deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: todo-app-backend
spec:
  template:
    spec:
      containers:
        - name: backend
          image: "ghcr.io/acme/todo-app/backend@${digest}"`;
const service = `---
# Source: todo-app/templates/backend-service.yaml
apiVersion: v1
kind: Service
metadata:
  name: todo-app-backend`;
const migrate = { name: 'todo-app-migrate', kind: 'Job', path: 'todo-app/templates/migrate-job.yaml', manifest: `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: todo-app-migrate` };
const serviceAccount = { name: 'todo-app-migrate', kind: 'ServiceAccount', path: 'todo-app/templates/serviceaccount.yaml', manifest: 'apiVersion: v1\nkind: ServiceAccount' };
const values = (digest: string) => ({
  secrets: { existingSecret: 'todo-app-credentials', openaiApiKey: 'sk-very-secret' },
  backend: { replicaCount: 2, image: { registry: 'ghcr.io/acme', repository: 'todo-app/backend', tag: '0123456789ab', digest } },
});

function release(digest = DIGEST, overrides: Partial<HelmRelease> = {}): HelmRelease {
  return { info: { status: 'deployed' }, version: 4, config: values(digest), manifest: `${service}\n${deployment(digest)}\n`, hooks: [serviceAccount, migrate], ...overrides };
}

describe('a deploy that would change nothing', () => {
  it('skips Helm when the dry run renders the release as it is, and says which revision runs it', () => {
    // Helm lists hooks in its own order, the dry run may list them in another; its own status plays no part.
    const verdict = upgradeChanges(release(), { ...release(), hooks: [migrate, serviceAccount], info: { status: 'pending-upgrade' } });
    expect(verdict).toEqual({ unchanged: true, reason: 'revision 4 already runs these images and values, and the chart renders the same' });
  });

  it('runs Helm on a first install or a release that is not deployed', () => {
    expect(upgradeChanges(undefined, release())).toEqual({ unchanged: false, reason: 'the release is not installed' });
    for (const status of ['failed', 'pending-upgrade', 'superseded']) {
      expect(upgradeChanges(release(DIGEST, { info: { status } }), release()).reason).toBe(`the release is ${status}`);
    }
  });

  it('runs Helm for another image digest, naming the value and never its content', () => {
    const other = `sha256:${'b'.repeat(64)}`;
    expect(upgradeChanges(release(), release(other))).toEqual({ unchanged: false, reason: 'values differ: backend.image.digest' });
    const rotated = release();
    rotated.config = { ...values(DIGEST), secrets: { existingSecret: 'todo-app-credentials', openaiApiKey: 'sk-rotated' } };
    const verdict = upgradeChanges(release(), rotated);
    expect(verdict.reason).toBe('values differ: secrets.openaiApiKey');
    expect(verdict.reason).not.toContain('sk-');
  });

  it('runs Helm for a value added or removed (a --set given once and not again)', () => {
    const added = release();
    added.config = { ...values(DIGEST), frontend: { replicaCount: 0 } };
    expect(upgradeChanges(release(), added).reason).toBe('values differ: frontend');
    expect(upgradeChanges(added, release()).reason).toBe('values differ: frontend');
  });

  it('runs Helm when the chart renders differently with the same values, naming the templates', () => {
    const changed = release(DIGEST, { manifest: `${service}\n  labels: {tier: api}\n${deployment(DIGEST)}\n` });
    expect(upgradeChanges(release(), changed).reason).toBe('the chart renders differently: todo-app/templates/backend-service.yaml');
    const removed = release(DIGEST, { manifest: `${deployment(DIGEST)}\n` });
    expect(upgradeChanges(release(), removed).reason).toBe('the chart renders differently: todo-app/templates/backend-service.yaml');
  });

  it('runs Helm when only a hook renders differently', () => {
    const changedHook = release(DIGEST, { hooks: [serviceAccount, { ...migrate, manifest: `${migrate.manifest}\nspec:\n  backoffLimit: 3` }] });
    expect(upgradeChanges(release(), changedHook)).toEqual({ unchanged: false, reason: 'the chart renders its hooks differently' });
  });
});

describe('the dry run of the upgrade', () => {
  it('is the deploy\'s own upgrade (chart, values files, image values) without waiting or rolling back, printing JSON', () => {
    for (const major of [3, 4]) {
      const plan = planDeploy({
        apps: ['backend'],
        environment: 'prod',
        release: 'todo-app',
        namespace: 'todo-app',
        context: 'prod',
        clusterType: 'registry',
        registry: 'ghcr.io/acme',
        records: { backend: { project: 'backend', repository: 'todo-app/backend', tag: '0123456789ab', ref: 'todo-app/backend:0123456789ab', registry: 'ghcr.io/acme', digest: DIGEST } },
        currentValues: undefined,
        helm: { binary: 'helm', major },
        chartDir: 'deploy/helm',
      });
      const command = dryRunCommand(plan.upgrade.command);
      expect(command.slice(0, 4)).toEqual(['helm', 'upgrade', '--install', 'todo-app']);
      expect(command).toContain(`backend.image.digest=${DIGEST}`);
      expect(command).toContain('deploy/helm/values-prod.yaml');
      expect(command.filter((arg) => /^--(wait|atomic|rollback-on-failure)/.test(arg))).toEqual([]);
      expect(command.slice(-3)).toEqual(['--dry-run=server', '-o', 'json']);
    }
  });
});
