// The chart as a subchart: an umbrella chart in a temporary folder depends on it through file://, builds
// the dependency offline and renders it with globals and values under the subchart's name.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { chartDir } from '../scripts/toolchain.mjs';
import { all, describeForEachHelm, get, podSpec, type K8sObject } from './helpers.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const chartVersion = /^version:\s*(\S+)/m.exec(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'))?.[1];

describeForEachHelm('todo-app as a subchart', (helm) => {
  let dir = '';
  // Helm keeps its caches and repository list inside the temporary folder, never in the user's home.
  const env = () => ({
    ...process.env,
    HELM_CACHE_HOME: join(dir, '.helm', 'cache'),
    HELM_CONFIG_HOME: join(dir, '.helm', 'config'),
    HELM_DATA_HOME: join(dir, '.helm', 'data'),
  });
  const helmIn = (args: string[]) => execFileSync(helm, args, { cwd: dir, encoding: 'utf8', env: env(), stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'todo-umbrella-'));
    mkdirSync(join(dir, 'shop'));
    const umbrella = {
      apiVersion: 'v2',
      name: 'shop',
      version: '1.0.0',
      dependencies: [{ name: 'todo-app', version: chartVersion, repository: `file://${chartDir}` }],
    };
    writeFileSync(join(dir, 'shop', 'Chart.yaml'), stringify(umbrella));
    const values = {
      global: { imageRegistry: 'mirror.example.com', imagePullSecrets: ['mirror-pull'], storageClass: 'fast' },
      'todo-app': {
        secrets: { existingSecret: 'shop-credentials', existingSecretKeys: { databaseUrl: 'url' } },
        backend: { image: { repository: 'todo-app/backend', tag: '3f2a9c1b7d40', digest: DIGEST } },
        commonLabels: { 'shop.example.com/team': 'todo' },
      },
    };
    writeFileSync(join(dir, 'shop', 'values.yaml'), stringify(values));
    helmIn(['dependency', 'build', 'shop']);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rendered = () =>
    parseAllDocuments(helmIn(['template', 'shop', 'shop', '--namespace', 'shop']))
      .map((d) => d.toJSON() as K8sObject)
      .filter(Boolean);

  it('packages only the chart (no tests, scripts or node files) into the umbrella', () => {
    const archive = join(dir, 'shop', 'charts', `todo-app-${chartVersion}.tgz`);
    const files = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toContain('todo-app/values.schema.json');
    expect(files).toContain('todo-app/templates/_deployment.tpl');
    expect(files.filter((f) => /\/(tests|scripts|node_modules)\/|package\.json|tsconfig/.test(f))).toEqual([]);
  });

  it('renders under the umbrella: globals pass the schema, images come from global.imageRegistry, values apply', () => {
    const objects = rendered();
    const backend = get(objects, 'Deployment', 'shop-todo-app-backend');
    const frontend = get(objects, 'Deployment', 'shop-todo-app-frontend');
    const job = get(objects, 'Job', 'shop-todo-app-migrate');
    expect(podSpec(backend).containers[0].image).toBe(`mirror.example.com/todo-app/backend@${DIGEST}`);
    expect(podSpec(job).containers[0].image).toBe(`mirror.example.com/todo-app/backend@${DIGEST}`);
    expect(podSpec(frontend).containers[0].image).toBe('mirror.example.com/todo-app/frontend:0.1.0');
    for (const workload of [backend, frontend, job]) expect(podSpec(workload).imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect(podSpec(backend).containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'shop-credentials', key: 'url' });
    expect(podSpec(job).serviceAccountName).toBe('shop-todo-app-migrate');
    expect(all(objects, 'Secret')).toEqual([]);
    for (const object of objects) expect(object.metadata.labels['shop.example.com/team']).toBe('todo');
    expect(backend.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'todo-app',
      'app.kubernetes.io/instance': 'shop',
      'app.kubernetes.io/component': 'backend',
    });
  });
});
