// Deploy the drift, not the diff: CI's deploy job ships the apps whose recorded image (the one its build job
// pushed) the release does not run, whatever the last commit changed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deployDrift, type ReleaseState } from '../src/drift.mjs';
import { planDeploy, type App } from '../src/plan.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'drift-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = resolve(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'tools', 'deploy', 'src', 'cli.mjs');
const REGISTRY = 'ghcr.io/acme';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** What CI's build job recorded for an app: pushed, by digest. */
const pushed = (app: App, tag: string, d: string) => ({ project: app, repository: `todo-app/${app}`, tag, ref: `todo-app/${app}:${tag}`, registry: REGISTRY, digest: d });
const main = { backend: pushed('backend', 'b2b2b2b2b2b2', digest('b')), frontend: pushed('frontend', 'f2f2f2f2f2f2', digest('f')) };

/** The release's `helm get values` after a deploy of these images (what the deploy tool sets). */
function runs(images: Partial<Record<App, { tag: string; digest?: string; registry?: string; repository?: string }>>, status = 'deployed'): ReleaseState {
  const values: Record<string, unknown> = { secrets: { existingSecret: 'todo-app-credentials' } };
  for (const [app, image] of Object.entries(images)) {
    values[app] = { replicaCount: 2, image: { repository: `todo-app/${app}`, registry: REGISTRY, ...image } };
  }
  return { status, revision: 7, values };
}
const runningMain = () => runs({ backend: { tag: main.backend.tag, digest: main.backend.digest }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });

describe('the drift between what main should run and what the release runs', () => {
  it('deploys both apps on the first deploy ever (no release)', () => {
    const drift = deployDrift(main, undefined);
    expect(drift.apps).toEqual(['backend', 'frontend']);
    expect(drift.reasons.backend).toBe(`deploy ${REGISTRY}/todo-app/backend:b2b2b2b2b2b2@${digest('b')}: the release is not installed (first deploy)`);
  });

  it('deploys nothing when the release runs exactly the recorded digests, and says what each app keeps', () => {
    const drift = deployDrift(main, runningMain());
    expect(drift.apps).toEqual([]);
    expect(drift.reasons.frontend).toBe(`keep: already runs ${REGISTRY}/todo-app/frontend:f2f2f2f2f2f2@${digest('f')}`);
  });

  it('deploys only the app whose digest differs', () => {
    const release = runs({ backend: { tag: 'b1b1b1b1b1b1', digest: digest('1') }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });
    const drift = deployDrift(main, release);
    expect(drift.apps).toEqual(['backend']);
    expect(drift.reasons.backend).toContain(`it runs ${REGISTRY}/todo-app/backend:b1b1b1b1b1b1@${digest('1')}`);
  });

  it('catches up a skipped deploy: two commits whose deploys did not run are shipped by the next one, both apps', () => {
    // Release at commit 1; commit 2 changed the backend, commit 3 the frontend, neither deployed; commit 4 changes docs only.
    const atCommit1 = runs({ backend: { tag: 'b1b1b1b1b1b1', digest: digest('1') }, frontend: { tag: 'f1f1f1f1f1f1', digest: digest('2') } });
    expect(deployDrift(main, atCommit1).apps).toEqual(['backend', 'frontend']);
  });

  it('catches up a failed deploy: Helm rolled back, so the release still runs the old digest and it is deployed again', () => {
    const rolledBack = runs({ backend: { tag: 'b1b1b1b1b1b1', digest: digest('1') }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });
    expect(deployDrift(main, rolledBack).apps).toEqual(['backend']);
  });

  it('deploys every app when the release is failed or pending: its values may not be what runs', () => {
    for (const status of ['failed', 'pending-upgrade', 'pending-rollback', 'uninstalling']) {
      const drift = deployDrift(main, { ...runningMain(), status });
      expect(drift.apps, status).toEqual(['backend', 'frontend']);
      expect(drift.reasons.backend).toContain(`the release is ${status} at revision 7`);
    }
  });

  it('deploys an app the release runs by tag only (a dev-style deploy), even with the same content tag', () => {
    const byTag = runs({ backend: { tag: main.backend.tag, registry: '' }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });
    const drift = deployDrift(main, byTag);
    expect(drift.apps).toEqual(['backend']);
    expect(drift.reasons.backend).toContain('by tag, not by digest');
  });

  it('deploys an app that was installed at 0 replicas or without an image', () => {
    const zero = runningMain();
    zero.values.frontend.replicaCount = 0;
    expect(deployDrift(main, zero).apps).toEqual(['frontend']);
    const noImage = runs({ backend: { tag: main.backend.tag, digest: main.backend.digest } });
    const drift = deployDrift(main, noImage);
    expect(drift.apps).toEqual(['frontend']);
    expect(drift.reasons.frontend).toContain('runs no image of frontend yet');
  });

  it('deploys the same digest again when it runs from another registry or repository', () => {
    const otherRegistry = runs({ backend: { tag: main.backend.tag, digest: main.backend.digest, registry: '127.0.0.1:5001' }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });
    expect(deployDrift(main, otherRegistry).apps).toEqual(['backend']);
    const otherRepository = runs({ backend: { tag: main.backend.tag, digest: main.backend.digest }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest, repository: 'fork/frontend' } });
    expect(deployDrift(main, otherRepository).apps).toEqual(['frontend']);
  });

  it('compares digests, not tags: the same content tag under another digest is drift', () => {
    const sameTagOtherDigest = runs({ backend: { tag: main.backend.tag, digest: digest('9') }, frontend: { tag: main.frontend.tag, digest: main.frontend.digest } });
    expect(deployDrift(main, sameTagOtherDigest).apps).toEqual(['backend']);
  });

  it('ignores a trailing slash in the registry', () => {
    const slash = { ...main, backend: { ...main.backend, registry: `${REGISTRY}/` } };
    expect(deployDrift(slash, runningMain()).apps).toEqual([]);
  });

  it('refuses records that are not pushed images, or missing apps, naming the app', () => {
    const local = { project: 'backend', repository: 'todo-app/backend', tag: main.backend.tag, ref: main.backend.ref };
    expect(() => deployDrift({ ...main, backend: local }, undefined)).toThrow(/backend .* has no registry digest/);
    expect(() => deployDrift({ frontend: main.frontend }, undefined)).toThrow(/no image record for backend: .*every app/);
  });
});

describe('a deploy of images the build job pushed', () => {
  /** The deploy job's plan for the backend, to `registry`, of the records the build job wrote. */
  const deployBackend = (registry: string, currentValues: Record<string, unknown> | undefined) =>
    planDeploy({
      apps: ['backend'],
      environment: 'prod',
      release: 'todo-app',
      namespace: 'todo-app',
      context: 'prod-cluster',
      clusterType: 'registry',
      registry,
      records: main,
      currentValues,
      helm: { binary: 'helm', major: 4 },
      chartDir: 'deploy/helm',
    });

  it('runs the recorded digest and pushes nothing when the record was pushed to the same registry', () => {
    const plan = deployBackend(`${REGISTRY}/`, runningMain().values);
    expect(plan.pushes).toEqual([]);
    expect(plan.upgrade.command).toContain(`backend.image.digest=${main.backend.digest}`);
    expect(plan.images.backend.source).toContain(`already in ${REGISTRY}/todo-app/backend`);
  });

  it('pushes again when the record was pushed to another registry', () => {
    const plan = deployBackend('127.0.0.1:5099', undefined);
    expect(plan.pushes.map((p) => p.remote)).toEqual(['127.0.0.1:5099/todo-app/backend', '127.0.0.1:5099/todo-app/frontend']);
  });

  it('refuses a record with a digest but no registry, with the command that rebuilds it', () => {
    const images = mkdtempSync(join(scratch, 'images-'));
    writeFileSync(join(images, 'backend.json'), JSON.stringify({ ...main.backend, registry: undefined }));
    const result = spawnSync('node', [cli, '--plan', '--app=backend', '--environment=prod', '--context=prod-cluster', `--images-dir=${images}`, `--registry=${REGISTRY}`], { encoding: 'utf8', cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('a pushed image needs both "registry" and a sha256 "digest"; rebuild with `npx nx docker-build backend`');
  });

  it('--drift on a cluster that does not answer fails and writes no apps line', () => {
    const images = mkdtempSync(join(scratch, 'images-'));
    for (const app of ['backend', 'frontend'] as const) writeFileSync(join(images, `${app}.json`), JSON.stringify(main[app]));
    const output = join(images, 'github-output');
    writeFileSync(output, '');
    const kubeconfig = join(images, 'kubeconfig');
    writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'current-context: gone', 'contexts: [{name: gone, context: {cluster: gone, user: gone}}]',
      'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]', 'users: [{name: gone, user: {}}]'].join('\n'));
    const result = spawnSync('node', [cli, '--drift', `--images-dir=${images}`, `--drift-output=${output}`], { encoding: 'utf8', cwd: root, env: { ...process.env, KUBECONFIG: kubeconfig } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('deploy failed:');
    expect(readFileSync(output, 'utf8')).toBe('');
  });
});
