import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { migrationsChecksum } from '../src/migrations.mjs';
import { findDeployHelm } from '../src/helm.mjs';

// Every temporary folder of this file is made inside scratch, which is removed when the file's tests end.
const scratch = mkdtempSync(join(tmpdir(), 'deploy-plan-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = resolve(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'tools', 'deploy', 'src', 'cli.mjs');
const helm = findDeployHelm();
const helmBinary = helm?.binary ?? 'helm';

type PlanJson = {
  context: string;
  builds: string[];
  images: Record<string, { repository: string; tag: string; source: string }>;
  loads: { command: string[] }[];
  pushes: { app: string; remote: string; tagStep: { command: string[] }; pushStep: { command: string[] } }[];
  upgrade: { command: string[] };
  notes: string[];
};

/** Image records as `docker-build` writes them, in a scratch folder. */
function imagesDir(records: Record<string, string>) {
  const dir = mkdtempSync(join(scratch, 'images-'));
  for (const [project, tag] of Object.entries(records)) {
    const repository = `todo-app/${project}`;
    writeFileSync(join(dir, `${project}.json`), JSON.stringify({ project, repository, tag, ref: `${repository}:${tag}` }));
  }
  return dir;
}

/** What `helm get values todo-app -o json` returns for an installed release. */
function currentValues(tags: Record<string, string>) {
  const file = join(mkdtempSync(join(scratch, 'values-')), 'current.json');
  const values = Object.fromEntries(Object.entries(tags).map(([app, tag]) => [app, { image: { repository: `todo-app/${app}`, tag } }]));
  writeFileSync(file, JSON.stringify(values));
  return file;
}

function plan(args: string[]) {
  const result = spawnSync('node', [cli, '--plan', '--json', '--db-image-load=never', ...args], { encoding: 'utf8', cwd: root });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as PlanJson;
}

/** The `--set-string` values of an upgrade command that start with prefix, in order. */
function setStrings(command: string[], prefix: string) {
  return command.filter((arg, i) => command[i - 1] === '--set-string' && arg.startsWith(prefix));
}

function affectedDeploys(files: string[]) {
  const out = execFileSync('npx', ['nx', 'show', 'projects', '--affected', `--files=${files.join(',')}`, '--with-target=deploy', '--json'], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  return (JSON.parse(out) as string[]).sort();
}

const BACKEND_TAG = '0123456789ab';
const FRONTEND_TAG = 'fedcba987654';

describe('deploy of a change set, up to the cluster boundary', () => {
  it('deploys only the backend when only backend sources change, building its image and keeping the frontend tag', () => {
    const affected = affectedDeploys(['apps/backend/src/main.ts']);
    expect(affected).toEqual(['backend']);

    const result = plan([
      ...affected.map((app) => `--app=${app}`),
      '--context=kind-todo',
      `--images-dir=${imagesDir({ backend: BACKEND_TAG, frontend: 'notusedxxxxx' })}`,
      `--current-values=${currentValues({ backend: 'aaaaaaaaaaaa', frontend: FRONTEND_TAG })}`,
    ]);
    expect(result.builds).toEqual(['nx docker-build backend']);
    expect(result.images).toEqual({
      backend: { repository: 'todo-app/backend', tag: BACKEND_TAG, source: 'built by nx docker-build backend' },
      frontend: { repository: 'todo-app/frontend', tag: FRONTEND_TAG, source: 'kept from release todo-app' },
    });
    expect(result.loads.map((l) => l.command)).toEqual([['kind', 'load', 'docker-image', `todo-app/backend:${BACKEND_TAG}`, '--name', 'todo']]);
    expect(result.upgrade.command.slice(1)).toEqual([
      'upgrade', '--install', 'todo-app', 'deploy/helm',
      '--namespace', 'todo-app', '--create-namespace', '--kube-context', 'kind-todo',
      '-f', 'deploy/helm/values-dev.yaml',
      '--set-string', `backend.image.tag=${BACKEND_TAG}`, '--set-string', 'backend.image.repository=todo-app/backend',
      '--set-string', `frontend.image.tag=${FRONTEND_TAG}`, '--set-string', 'frontend.image.repository=todo-app/frontend',
      // dev records which migrations the backend ships (tests/migrations-skip.test.ts)
      '--set-string', `migrations.checksum=${migrationsChecksum(root)}`,
      ...(helm?.major === 3 ? ['--atomic', '--wait'] : ['--rollback-on-failure', '--wait=watcher']),
      '--timeout', '10m', '--history-max', '10',
    ]);
  });

  it('deploys nothing when only the chart changes (a chart change ships through helm-deploy)', () => {
    expect(affectedDeploys(['deploy/helm/values.yaml'])).toEqual([]);
  });

  it('deploys the frontend when frontend sources change, once the frontend has an image to deploy', () => {
    // The frontend becomes deployable when its Dockerfile lands (images issue); until then it has no deploy target.
    const expected = existsSync(join(root, 'apps', 'frontend', 'Dockerfile')) ? ['frontend'] : [];
    expect(affectedDeploys(['apps/frontend/app/page.tsx'])).toEqual(expected);
  });

  it('loads into Minikube with the profile named by the context', () => {
    const result = plan(['--app=frontend', '--context=minikube', `--images-dir=${imagesDir({ frontend: FRONTEND_TAG })}`, `--current-values=${currentValues({ backend: BACKEND_TAG, frontend: 'old000000000' })}`]);
    expect(result.loads.map((l) => l.command)).toEqual([['minikube', 'image', 'load', `todo-app/frontend:${FRONTEND_TAG}`, '--profile', 'minikube']]);
    expect(result.upgrade.command).toContain(`backend.image.tag=${BACKEND_TAG}`);
    expect(result.upgrade.command).toContain(`frontend.image.tag=${FRONTEND_TAG}`);
  });

  it('loads into the sandbox cluster with its load-image command', () => {
    const result = plan(['--app=backend', '--context=sandbox-cluster', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`, `--current-values=${currentValues({ backend: 'a', frontend: FRONTEND_TAG })}`]);
    expect(result.loads.map((l) => l.command)).toEqual([['node', 'tools/sandbox-cluster/src/cli.mjs', 'load-image', `--image=todo-app/backend:${BACKEND_TAG}`]]);
  });

  it('pushes to the configured registry for any other cluster and pins the pushed image by the digest of the push', () => {
    const result = plan(['--app=backend', '--environment=prod', '--context=prod-eu', '--registry=registry.example.com/team', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`, `--current-values=${currentValues({ backend: 'a', frontend: FRONTEND_TAG })}`]);
    expect(result.loads).toEqual([]);
    expect(result.pushes.map((p) => [p.tagStep.command, p.pushStep.command])).toEqual([
      [
        ['docker', 'tag', `todo-app/backend:${BACKEND_TAG}`, `registry.example.com/team/todo-app/backend:${BACKEND_TAG}`],
        ['docker', 'push', `registry.example.com/team/todo-app/backend:${BACKEND_TAG}`],
      ],
    ]);
    expect(result.upgrade.command).toContain('deploy/helm/values-prod.yaml');
    expect(setStrings(result.upgrade.command, 'backend.image.')).toEqual([
      `backend.image.tag=${BACKEND_TAG}`,
      'backend.image.repository=todo-app/backend',
      'backend.image.registry=registry.example.com/team',
      // --plan cannot know it: the deploy reads it from the push, then plans again
      'backend.image.digest=<digest of the push>',
    ]);
  });

  it('refuses to guess a registry and says what to pass', () => {
    const result = spawnSync('node', [cli, '--plan', '--app=backend', '--context=prod-eu', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`], { encoding: 'utf8', cwd: root, env: { ...process.env, TODO_REGISTRY: '' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--registry=<host/path>');
  });

  it('fails with the build command to run when the image record is missing', () => {
    const result = spawnSync('node', [cli, '--plan', '--app=backend', '--context=kind-todo', `--images-dir=${imagesDir({})}`], { encoding: 'utf8', cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npx nx docker-build backend');
  });

  it('on first install ships the other app’s last build too, or keeps it at zero replicas when it has none', () => {
    const both = plan(['--app=backend', '--context=kind-todo', `--images-dir=${imagesDir({ backend: BACKEND_TAG, frontend: FRONTEND_TAG })}`]);
    expect(both.loads.map((l) => l.command[3])).toEqual([`todo-app/backend:${BACKEND_TAG}`, `todo-app/frontend:${FRONTEND_TAG}`]);
    const alone = plan(['--app=backend', '--context=kind-todo', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`]);
    expect(alone.upgrade.command).toContain('frontend.replicaCount=0');
    expect(alone.notes[0]).toContain('npx nx deploy frontend');
    expect(alone.upgrade.command).not.toContain('migrations.enabled=false');
    // The frontend first, with no backend image yet: no backend pods and no migration hook to run.
    const frontendFirst = plan(['--app=frontend', '--context=kind-todo', `--images-dir=${imagesDir({ frontend: FRONTEND_TAG })}`]);
    expect(frontendFirst.upgrade.command.join(' ')).toContain('--set backend.replicaCount=0 --set migrations.enabled=false');
  });

  it('passes extra chart values through, after the image tags', () => {
    const result = plan(['--app=backend', '--context=sandbox', '--set=postgresql.persistence.enabled=false', `--images-dir=${imagesDir({ backend: BACKEND_TAG, frontend: FRONTEND_TAG })}`]);
    const command = result.upgrade.command;
    expect(command.slice(command.indexOf('postgresql.persistence.enabled=false') - 1, command.indexOf('postgresql.persistence.enabled=false') + 1)).toEqual(['--set', 'postgresql.persistence.enabled=false']);
    expect(command.indexOf('postgresql.persistence.enabled=false')).toBeGreaterThan(command.indexOf(`frontend.image.tag=${FRONTEND_TAG}`));
  });

  it('runs and loads another database image in dev when --db-image names one', () => {
    const result = plan(['--app=backend', '--context=sandbox', '--db-image=todo-app/postgres:15-bookworm', '--db-image-load=always', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`]);
    const command = result.upgrade.command;
    expect(command).toEqual(expect.arrayContaining(['--set-string', 'postgresql.image.repository=todo-app/postgres']));
    expect(command[command.indexOf('postgresql.image.tag=15-bookworm') - 1]).toBe('--set-string');
    expect(result.loads.map((step) => step.command.join(' '))).toContain('node tools/sandbox-cluster/src/cli.mjs load-image --image=todo-app/postgres:15-bookworm');

    const bad = spawnSync('node', [cli, '--plan', '--app=backend', '--context=sandbox', '--db-image=postgres'], { encoding: 'utf8', cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--db-image must be REPOSITORY:TAG');
  });

  it('passes extra values files after the environment values file, and refuses one that does not exist', () => {
    const overlay = join(mkdtempSync(join(scratch, 'values-')), 'overlay.yaml');
    writeFileSync(overlay, 'backend:\n  config:\n    LOG_LEVEL: info\n');
    const result = plan(['--app=backend', '--context=sandbox', `--values=${overlay}`, `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`]);
    const command = result.upgrade.command;
    expect(command[command.indexOf(overlay) - 1]).toBe('-f');
    expect(command.indexOf(overlay)).toBeGreaterThan(command.indexOf('deploy/helm/values-dev.yaml'));

    const missing = spawnSync('node', [cli, '--plan', '--app=backend', '--context=sandbox', '--values=/nonexistent/overlay.yaml'], { encoding: 'utf8', cwd: root });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--values file /nonexistent/overlay.yaml does not exist');
  });

  it('chart-only deploys keep both running images and load nothing', () => {
    const result = plan(['--chart-only', '--context=kind-todo', `--images-dir=${imagesDir({ backend: 'zzzzzzzzzzzz' })}`, `--current-values=${currentValues({ backend: BACKEND_TAG, frontend: FRONTEND_TAG })}`]);
    expect(result.builds).toEqual([]);
    expect(result.loads).toEqual([]);
    expect(result.upgrade.command).toContain(`backend.image.tag=${BACKEND_TAG}`);
  });

  describe.skipIf(!helm)('the planned helm command rendered by real Helm', () => {
    type Rendered = { kind: string; metadata: { name: string } };
    const render = (upgrade: string[]): Rendered[] => {
      // Same chart, values and --set flags as the planned upgrade, rendered offline.
      const args = upgrade.slice(1);
      const flags = args.slice(4).filter((a, i, all) => !['--create-namespace', '--rollback-on-failure', '--wait=watcher', '--atomic', '--wait'].includes(a) && all[i - 1] !== '--kube-context' && a !== '--kube-context' && all[i - 1] !== '--timeout' && a !== '--timeout' && all[i - 1] !== '--history-max' && a !== '--history-max');
      const out = execFileSync(helmBinary, ['template', args[2], args[3], ...flags, '--set', 'secrets.jwtSecretKey=' + 'k'.repeat(40), '--set', 'postgresql.auth.password=pw'], { encoding: 'utf8', cwd: root });
      return parseAllDocuments(out).map((d) => d.toJSON()).filter(Boolean);
    };
    const deployment = (objects: Rendered[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);

    it('leaves the frontend Deployment as it was when only the backend is deployed', () => {
      const before = render(plan(['--chart-only', '--context=kind-todo', `--images-dir=${imagesDir({})}`, `--current-values=${currentValues({ backend: 'aaaaaaaaaaaa', frontend: FRONTEND_TAG })}`]).upgrade.command);
      const after = render(plan(['--app=backend', '--context=kind-todo', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`, `--current-values=${currentValues({ backend: 'aaaaaaaaaaaa', frontend: FRONTEND_TAG })}`]).upgrade.command);
      expect(deployment(after, 'todo-app-frontend')).toEqual(deployment(before, 'todo-app-frontend'));
      expect(JSON.stringify(deployment(after, 'todo-app-backend'))).toContain(`todo-app/backend:${BACKEND_TAG}`);
    });

    it('lets a --set win over the value the tool sets for the same key (Helm applies --set-string after --set)', () => {
      const result = plan(['--app=backend', '--context=kind-todo', '--set=backend.image.tag=override0001', `--images-dir=${imagesDir({ backend: BACKEND_TAG })}`]);
      expect(JSON.stringify(deployment(render(result.upgrade.command), 'todo-app-backend'))).toContain('todo-app/backend:override0001');
      expect(result.notes).toContain(`your --set backend.image.tag replaces the deploy tool's backend.image.tag=${BACKEND_TAG}`);
    });
  });
});
