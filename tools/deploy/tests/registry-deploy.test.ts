import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { changedImage, planDeploy, type App, type PlanInput } from '../src/plan.mjs';
import { pulledDigest, pushedDigest } from '../src/registry.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'registry-deploy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = resolve(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'tools', 'deploy', 'src', 'cli.mjs');

const BACKEND_TAG = '0123456789ab';
const FRONTEND_TAG = 'fedcba987654';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

const record = (app: App, tag: string) => ({ project: app, repository: `todo-app/${app}`, tag, ref: `todo-app/${app}:${tag}` });

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    apps: ['backend'],
    environment: 'prod',
    release: 'todo-app',
    namespace: 'todo-prod',
    context: 'sandbox',
    clusterType: 'sandbox',
    records: { backend: record('backend', BACKEND_TAG) },
    currentValues: undefined,
    helm: { binary: 'helm', major: 4 },
    chartDir: 'deploy/helm',
    ...overrides,
  };
}

/** The `--set-string` values of an upgrade command for one app's image, in order. */
function imageSettings(command: string[], app: App) {
  return command.filter((arg, i) => command[i - 1] === '--set-string' && arg.startsWith(`${app}.image.`));
}

describe('deploy through a registry', () => {
  it('pushes when a registry is given even to a cluster it could load into, and loads nothing', () => {
    const images = mkdtempSync(join(scratch, 'images-'));
    writeFileSync(join(images, 'backend.json'), JSON.stringify(record('backend', BACKEND_TAG)));
    const result = spawnSync('node', [cli, '--plan', '--json', '--app=backend', '--environment=prod', '--context=sandbox', `--images-dir=${images}`], {
      encoding: 'utf8',
      cwd: root,
      env: { ...process.env, TODO_REGISTRY: '127.0.0.1:5099/' },
    });
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.loads).toEqual([]);
    expect(plan.pushes.map((p: { pushStep: { command: string[] } }) => p.pushStep.command)).toEqual([['docker', 'push', `127.0.0.1:5099/todo-app/backend:${BACKEND_TAG}`]]);
    expect(plan.notes.join('\n')).not.toContain('normally pushes');
  });

  it('passes the chart exactly the registry, the repository, the content tag and the digest the push returned', () => {
    const plan = planDeploy(input({ registry: '127.0.0.1:5099/team', digests: { backend: DIGEST } }));
    expect(imageSettings(plan.upgrade.command, 'backend')).toEqual([
      `backend.image.tag=${BACKEND_TAG}`,
      'backend.image.repository=todo-app/backend',
      'backend.image.registry=127.0.0.1:5099/team',
      `backend.image.digest=${DIGEST}`,
    ]);
    expect(plan.pushes[0].remote).toBe('127.0.0.1:5099/team/todo-app/backend');
    expect(plan.images.backend).toMatchObject({ registry: '127.0.0.1:5099/team', repository: 'todo-app/backend', digest: DIGEST });
  });

  it('keeps the image of the app not deployed exactly as it runs, registry and digest included', () => {
    const currentValues = {
      backend: { image: { registry: '127.0.0.1:5099', repository: 'todo-app/backend', tag: 'aaaaaaaaaaaa', digest: OTHER_DIGEST } },
      frontend: { image: { registry: '127.0.0.1:5099', repository: 'todo-app/frontend', tag: FRONTEND_TAG, digest: DIGEST } },
    };
    const plan = planDeploy(input({ registry: '127.0.0.1:5099', digests: { backend: DIGEST }, currentValues }));
    expect(imageSettings(plan.upgrade.command, 'frontend')).toEqual([
      `frontend.image.tag=${FRONTEND_TAG}`,
      'frontend.image.repository=todo-app/frontend',
      'frontend.image.registry=127.0.0.1:5099',
      `frontend.image.digest=${DIGEST}`,
    ]);
    expect(plan.pushes.map((p) => p.app)).toEqual(['backend']);
    // A chart-only deploy keeps both.
    const chartOnly = planDeploy(input({ apps: [], currentValues }));
    expect(imageSettings(chartOnly.upgrade.command, 'backend')).toContain(`backend.image.digest=${OTHER_DIGEST}`);
    expect(chartOnly.loads).toEqual([]);
  });

  it('clears the digest and registry of an earlier registry deploy when the image is loaded instead', () => {
    const currentValues = { backend: { image: { registry: '127.0.0.1:5099', repository: 'todo-app/backend', tag: 'aaaaaaaaaaaa', digest: OTHER_DIGEST } } };
    const plan = planDeploy(input({ currentValues }));
    expect(plan.loads.map((step) => step.command.join(' '))).toEqual([`node tools/sandbox-cluster/src/cli.mjs load-image --image=todo-app/backend:${BACKEND_TAG}`]);
    expect(imageSettings(plan.upgrade.command, 'backend')).toEqual([
      `backend.image.tag=${BACKEND_TAG}`,
      'backend.image.repository=todo-app/backend',
      'backend.image.registry=',
      'backend.image.digest=',
    ]);
    // Nothing to clear on a release that never ran by digest.
    expect(imageSettings(planDeploy(input({})).upgrade.command, 'backend')).toEqual([`backend.image.tag=${BACKEND_TAG}`, 'backend.image.repository=todo-app/backend']);
  });

  it('loads into a local cluster for prod without a registry, and says that prod normally pushes and runs by digest', () => {
    const prod = planDeploy(input({}));
    expect(prod.pushes).toEqual([]);
    expect(prod.notes.join('\n')).toContain('prod normally pushes to a registry and runs images by digest (TODO_REGISTRY=<host/path> or --registry)');
    expect(planDeploy(input({ environment: 'dev' })).notes.join('\n')).not.toContain('normally pushes');
  });
});

describe('the digest of a push', () => {
  // What docker 20.10 printed pushing to `crane registry serve` on 127.0.0.1, and what docker inspect listed after it.
  const pushOutput = `The push refers to repository [127.0.0.1:5099/deploytool/pause]
115479b176f8: Preparing
115479b176f8: Pushed
3.10: digest: sha256:a30e9274aaa12faf4996edd1db79de0f2c4e1e7704f9591e1bedba881006b51e size: 526
`;
  const pushed = 'sha256:a30e9274aaa12faf4996edd1db79de0f2c4e1e7704f9591e1bedba881006b51e';
  const remote = '127.0.0.1:5099/deploytool/pause';

  it('is the digest docker push printed for the tag, when docker inspect lists it for the pushed repository', () => {
    const repoDigests = [`${remote}@${pushed}`, `otherhost:5000/deploytool/pause@${OTHER_DIGEST}`];
    expect(pushedDigest({ pushOutput, repoDigests, remote, tag: '3.10' })).toBe(pushed);
  });

  it('refuses a printed digest that docker inspect does not list for the repository (the tag moved meanwhile)', () => {
    expect(() => pushedDigest({ pushOutput, repoDigests: [`${remote}@${OTHER_DIGEST}`], remote, tag: '3.10' })).toThrow(
      `docker push printed digest ${pushed} for ${remote}:3.10, but docker inspect lists ${OTHER_DIGEST} for ${remote}`,
    );
  });

  it('falls back to the one digest docker inspect lists for the repository, matching Docker Hub names as Docker shortens them', () => {
    expect(pushedDigest({ pushOutput: '', repoDigests: [`you/todo-app/backend@${DIGEST}`], remote: 'docker.io/you/todo-app/backend', tag: BACKEND_TAG })).toBe(DIGEST);
    expect(pushedDigest({ pushOutput: '', repoDigests: [`postgres@${DIGEST}`], remote: 'docker.io/library/postgres', tag: '17' })).toBe(DIGEST);
  });

  it('never guesses between several digests or from another repository', () => {
    expect(() => pushedDigest({ pushOutput: '', repoDigests: [`${remote}@${DIGEST}`, `${remote}@${OTHER_DIGEST}`], remote, tag: '3.10' })).toThrow('which one was pushed is unknown');
    expect(() => pushedDigest({ pushOutput: '', repoDigests: [`127.0.0.1:5099/other@${DIGEST}`], remote, tag: '3.10' })).toThrow('docker inspect lists none');
    // A digest printed for another tag of the same push output is not this tag's.
    expect(() => pushedDigest({ pushOutput: pushOutput.replace('3.10:', 'latest:'), repoDigests: [], remote, tag: '3.10' })).toThrow('printed no digest');
  });
});

describe('the digest of an image already in the registry', () => {
  // What docker 20.10 printed pulling from distribution's registry 3.1.2 on 127.0.0.1 (2026-12-01), and what
  // docker inspect listed after it (the same image had been pushed to a second registry before).
  const remote = '127.0.0.1:5098/ci-test/toolbox';
  const pulled = 'sha256:24036b69039f32b65c22b41555a0a798b968032e6269fc308dd432b6daaad9a8';
  const pullOutput = `t1: Pulling from ci-test/toolbox
Digest: ${pulled}
Status: Downloaded newer image for ${remote}:t1
${remote}:t1`;
  const repoDigests = [`127.0.0.1:5001/sandbox-smoke/toolbox@${pulled}`, `${remote}@${pulled}`];

  it('is the digest docker pull printed, when docker inspect lists it for that repository', () => {
    expect(pulledDigest({ pullOutput, repoDigests, remote, tag: 't1' })).toBe(pulled);
    expect(pulledDigest({ pullOutput: pullOutput.replace(/Status: .*/, 'Status: Image is up to date for x'), repoDigests, remote, tag: 't1' })).toBe(pulled);
  });

  it('refuses a digest listed only for another repository, or none printed', () => {
    expect(() => pulledDigest({ pullOutput, repoDigests: [repoDigests[0]], remote, tag: 't1' })).toThrow(`docker pull ${remote}:t1 printed digest ${pulled} and docker inspect lists none`);
    expect(() => pulledDigest({ pullOutput: 'Status: Downloaded', repoDigests, remote, tag: 't1' })).toThrow('printed no digest');
  });
});

describe('an image change needs no dry run', () => {
  const running = (tag: string, digest?: string) => ({
    backend: { image: { repository: 'todo-app/backend', tag, ...(digest ? { registry: '127.0.0.1:5099', digest } : {}) } },
    frontend: { image: { repository: 'todo-app/frontend', tag: FRONTEND_TAG } },
  });

  it('names the app whose tag or digest the plan changes', () => {
    const plan = planDeploy(input({ currentValues: running('aaaaaaaaaaaa') }));
    expect(changedImage(plan, running('aaaaaaaaaaaa'))).toBe(`backend image todo-app/backend:aaaaaaaaaaaa → todo-app/backend:${BACKEND_TAG}`);
    const pinned = planDeploy(input({ registry: '127.0.0.1:5099', digests: { backend: DIGEST }, currentValues: running(BACKEND_TAG, OTHER_DIGEST) }));
    expect(changedImage(pinned, running(BACKEND_TAG, OTHER_DIGEST))).toContain(`@${DIGEST}`);
  });

  it('finds none when every image is the one running, or on a first install (the dry run and Helm decide)', () => {
    const same = planDeploy(input({ currentValues: running(BACKEND_TAG) }));
    expect(changedImage(same, running(BACKEND_TAG))).toBeUndefined();
    expect(changedImage(planDeploy(input({})), undefined)).toBeUndefined();
  });
});
