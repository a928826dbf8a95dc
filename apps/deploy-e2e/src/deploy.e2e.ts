import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserClient, steadyStream, type Task, type TaskList } from './support/browser-client.js';
import { getJson, type K8sObject, kubectl, releasePods, resolveTarget, run, say, setting, stream, waitFor, WORKSPACE, type PodState } from './support/cluster.js';
import { LLM_NAME, overlayValues, sandboxVolume, scriptedLlmManifests } from './support/fixtures.js';

/**
 * The deploy, verified on the cluster the kube context names (the sandbox cluster in CI, kind or Minikube
 * for users): `nx deploy` of both apps into a fresh namespace, a user's flows through the frontend's
 * NodePort, a backend-only rollout under load, a no-change redeploy, the database pod killed, Helm
 * rollback and uninstall. The steps build on each other, in order.
 */
const target = resolveTarget();
if (target.missing) console.warn(`deploy-e2e skipped: ${target.missing}`);

const RELEASE = 'todo-app';
const NAMESPACE = `todo-e2e-${Date.now().toString(36)}`;
const BACKEND = `${RELEASE}-backend`;
const FRONTEND = `${RELEASE}-frontend`;
const DATABASE_POD = `${RELEASE}-postgresql-0`;
const DB_CLAIM = `data-${RELEASE}-postgresql-0`;
/**
 * The backend change of step 3: a new file among the backend's sources (imported by nothing, so the app
 * behaves the same) changes the backend's Nx hash and so its image's content tag. Removed at the end.
 */
const BACKEND_CHANGE = join(WORKSPACE, 'apps/backend/src/deploy-e2e-change.ts');

const helmBinary = setting('HELM4') ?? setting('HELM3') ?? 'helm';
const work = mkdtempSync(join(tmpdir(), 'deploy-e2e-'));
const overlay = join(work, 'e2e-values.yaml');
/** The dev database's image: what POSTGRES_IMAGE names, built offline if missing; on kind/Minikube without it, the chart's default. */
let databaseImage = setting('POSTGRES_IMAGE');
let volume: { path: string; name: string } | undefined;

const k = (args: string[], options?: { input?: string; allowFailure?: boolean }) => kubectl(target, NAMESPACE, args, options);
const helm = (args: string[], allowFailure = false) =>
  run(target, helmBinary, [...args, '--namespace', NAMESPACE, '--kube-context', target.context], { allowFailure });
const helmMajor = () => Number(/^v(\d+)/.exec(run(target, helmBinary, ['version', '--short']).stdout.trim())?.[1] ?? 4);

async function deploy(app: 'backend' | 'frontend') {
  const args = ['nx', 'deploy', app, '--configuration=dev', `--namespace=${NAMESPACE}`, `--context=${target.context}`, `--values=${overlay}`, '--outputStyle=static'];
  if (databaseImage) args.push(`--db-image=${databaseImage}`, '--db-image-load=always');
  const begun = Date.now();
  const { status, output } = await stream(target, 'npx', args);
  if (status !== 0) throw new Error(`npx nx deploy ${app} failed (exit ${status}); its output is above. Last lines:\n${output.slice(-2500)}`);
  say(`deploy ${app} took ${((Date.now() - begun) / 1000).toFixed(0)}s`);
  return output;
}

function imageRecord(app: string): { ref: string; tag: string } {
  return JSON.parse(readFileSync(join(WORKSPACE, 'dist/images', `${app}.json`), 'utf8')) as { ref: string; tag: string };
}

/** Pods of the migration Job created so far (from the Job's events) and whether any run failed. */
function migrationRuns() {
  const events = getJson(target, NAMESPACE, ['get', 'events', '--field-selector', `involvedObject.kind=Job,involvedObject.name=${RELEASE}-migrate`]);
  const items = events.items as K8sObject[];
  return {
    created: items.filter((e) => e.reason === 'SuccessfulCreate').map((e) => String(e.message)),
    failed: items.filter((e) => e.reason === 'BackoffLimitExceeded' || e.reason === 'DeadlineExceeded').map((e) => String(e.message)),
  };
}

function allReady(pods: PodState[]) {
  const components = new Set(pods.filter((pod) => pod.ready).map((pod) => pod.component));
  const notReady = pods.filter((pod) => !pod.ready).map((pod) => pod.name);
  return notReady.length === 0 && ['backend', 'frontend', 'database'].every((c) => components.has(c)) ? pods : undefined;
}

/** The backend's own /ready, asked inside its pod (the NetworkPolicy lets only the frontend in). */
function backendReady(): { status: number; body: string } {
  const script = "fetch('http://127.0.0.1:8000/ready').then(async (r) => console.log(r.status, await r.text())).catch((e) => console.log(0, e.message))";
  const out = k(['exec', `deploy/${BACKEND}`, '-c', 'backend', '--', 'node', '-e', script]).stdout.trim();
  const [status, ...body] = out.split(' ');
  return { status: Number(status), body: body.join(' ') };
}

/** Ready/not-ready addresses behind the backend Service, from its EndpointSlices. */
function backendEndpoints() {
  const slices = getJson(target, NAMESPACE, ['get', 'endpointslices', '-l', `kubernetes.io/service-name=${BACKEND}`]);
  const endpoints = (slices.items as K8sObject[]).flatMap((slice) => slice.endpoints ?? []);
  return { ready: endpoints.filter((e) => e.conditions?.ready === true).length, total: endpoints.length };
}

const pods = () => releasePods(target, NAMESPACE, RELEASE);

/** True once the release runs exactly one backend pod, Ready, on `tag` (the old one gone). */
function backendOnlyOn(tag: string): true | undefined {
  const backends = pods().filter((p) => p.component === 'backend');
  return backends.length === 1 && backends[0].ready && backends[0].image.endsWith(`:${tag}`) ? true : undefined;
}

/** The user's tasks through the frontend, once it answers 200. */
async function tasksWhenServed(browser: BrowserClient): Promise<Task[] | undefined> {
  const answer = await browser.get<TaskList>('/api/tasks');
  return answer.status === 200 ? answer.body.tasks : undefined;
}

function nodeAddress(): string {
  const fixed = setting('DEPLOY_E2E_NODE_ADDRESS');
  if (fixed) return fixed;
  const nodes = JSON.parse(run(target, 'kubectl', ['--context', target.context, 'get', 'nodes', '-o', 'json']).stdout) as K8sObject;
  const address = (nodes.items[0].status.addresses as K8sObject[]).find((a) => a.type === 'InternalIP')?.address;
  if (!address) throw new Error('the node reports no InternalIP; set DEPLOY_E2E_NODE_ADDRESS to an address where NodePorts answer');
  return address;
}

const timings: [string, number][] = [];
let broken = '';
/** Each step needs the ones before it: after a failure the rest are skipped, naming the failed step. */
const timed = (name: string, body: () => Promise<void>) => async (context: { skip: (note?: string) => void }) => {
  if (broken) return context.skip(`an earlier step failed: ${broken}`);
  const begun = Date.now();
  try {
    await body();
  } catch (error) {
    broken = name;
    throw error;
  } finally {
    timings.push([name, (Date.now() - begun) / 1000]);
  }
};

describe.skipIf(Boolean(target.missing))(`deploy on ${target.context || 'no cluster'} (namespace ${NAMESPACE})`, () => {
  let browser: BrowserClient;
  let firstBackendTag = '';
  let revisionBeforeChange = 0;
  const user = { name: 'Cluster User', email: `cluster-${Date.now()}@example.com`, password: 'correct horse battery' };
  let tasksBeforeOutage: Task[] = [];

  beforeAll(() => {
    say(`cluster: context ${target.context}${target.sandbox ? ' (sandbox)' : ''}; namespace ${NAMESPACE}; helm ${helmBinary}`);
    writeFileSync(overlay, overlayValues(NAMESPACE));
    if ((!databaseImage && target.sandbox) || databaseImage?.startsWith('todo-app/postgres:')) {
      say('making sure the offline PostgreSQL image exists (tools/base-image/postgres.sh --print-ref)');
      databaseImage = run(target, 'bash', ['tools/base-image/postgres.sh', '--print-ref']).stdout.trim().split('\n').pop();
    }
    const classes = JSON.parse(run(target, 'kubectl', ['--context', target.context, 'get', 'storageclass', '-o', 'json']).stdout) as K8sObject;
    const hasDefault = (classes.items as K8sObject[]).some((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    if (!hasDefault) {
      if (!target.sandbox) throw new Error('the cluster has no default StorageClass; the dev database needs one (kind and Minikube have one)');
      const made = sandboxVolume(NAMESPACE, DB_CLAIM);
      run(target, 'kubectl', ['--context', target.context, 'apply', '-f', '-'], { input: JSON.stringify(made.manifest) });
      volume = { path: made.path, name: made.manifest.metadata.name };
      say(`no StorageClass: made PersistentVolume ${volume.name} (hostPath ${volume.path}) for claim ${DB_CLAIM}`);
    }
  });

  afterAll(() => {
    rmSync(BACKEND_CHANGE, { force: true });
    say(`timings: ${timings.map(([name, seconds]) => `${name} ${seconds.toFixed(0)}s`).join(', ')}`);
    if (setting('DEPLOY_E2E_KEEP') === '1') {
      say(`DEPLOY_E2E_KEEP=1: namespace ${NAMESPACE} left in place`);
      return;
    }
    say(`cleaning up: namespace ${NAMESPACE}${volume ? `, PersistentVolume ${volume.name}` : ''}`);
    run(target, 'kubectl', ['--context', target.context, 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=180s'], { allowFailure: true });
    if (volume) {
      run(target, 'kubectl', ['--context', target.context, 'delete', 'pv', volume.name, '--ignore-not-found'], { allowFailure: true });
      rmSync(volume.path, { recursive: true, force: true });
    }
    rmSync(work, { recursive: true, force: true });
  });

  it(
    '1. deploys backend then frontend with nx deploy into a fresh namespace: every pod Ready, the migration hook ran once per deploy',
    timed('deploy both', async () => {
      await deploy('backend');
      firstBackendTag = imageRecord('backend').tag;
      const afterBackend = migrationRuns();
      expect(afterBackend.created, 'the install ran the migration Job with exactly one pod').toHaveLength(1);

      await deploy('frontend');
      const ready = await waitFor('backend, frontend and database pods Ready', () => allReady(pods()));
      expect(ready.find((p) => p.component === 'backend')?.image).toContain(`:${firstBackendTag}`);
      expect(ready.find((p) => p.component === 'frontend')?.image).toContain(`:${imageRecord('frontend').tag}`);

      const runs = migrationRuns();
      expect(runs.created, 'one migration pod per Helm operation (install, then the frontend upgrade), none retried').toHaveLength(2);
      expect(runs.failed).toEqual([]);
      const applied = k(['exec', DATABASE_POD, '--', 'sh', '-c', 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "SELECT count(*) || \' \' || count(DISTINCT version) FROM schema_migrations"'], {
        input: undefined,
      }).stdout.trim();
      const [rows, distinct] = applied.split(' ').map(Number);
      expect(rows, 'every migration recorded exactly once').toBe(distinct);
      expect(rows).toBeGreaterThan(0);
      revisionBeforeChange = Number(JSON.parse(helm(['status', RELEASE, '-o', 'json']).stdout).version);
    }),
  );

  it(
    '2. serves a user through the frontend NodePort only: health, register, login, task CRUD and a chat turn that adds a task',
    timed('user flows', async () => {
      const service = getJson(target, NAMESPACE, ['get', 'service', FRONTEND]);
      expect(service.spec.type).toBe('NodePort');
      const origin = `http://${nodeAddress()}:${service.spec.ports[0].nodePort}`;
      say(`frontend at ${origin}`);
      browser = new BrowserClient(origin);
      await waitFor(`${origin}/ready answering 200`, async () => ((await browser.get('/ready')).status === 200 ? true : undefined), { timeoutMs: 60_000 });
      expect((await browser.get('/health')).status).toBe(200);
      const home = await browser.get('/');
      expect(home.status).toBe(200);
      expect(home.text).toContain('<html');

      expect((await browser.post('/api/auth/register', user)).status).toBe(201);
      const login = await browser.post<{ user: { email: string } }>('/api/auth/login', { email: user.email, password: user.password });
      expect(login.status).toBe(200);
      expect(login.body.user.email).toBe(user.email);
      expect((await browser.get('/tasks')).status, 'the task page renders for a signed-in user').toBe(200);

      const created = await browser.post<Task>('/api/tasks', { title: 'Deployed task', description: 'made through the NodePort' });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const edited = await browser.put<Task>(`/api/tasks/${id}`, { title: 'Deployed task, edited', description: 'still here' });
      expect(edited.status).toBe(200);
      expect(edited.body.title).toBe('Deployed task, edited');
      const completed = await browser.patch<Task>(`/api/tasks/${id}/complete`, { completed: true });
      expect(completed.status).toBe(200);
      expect(completed.body.completed).toBe(true);
      const keep = await browser.post<Task>('/api/tasks', { title: 'Survives the database outage', description: null });
      expect(keep.status).toBe(201);
      expect((await browser.delete(`/api/tasks/${keep.body.id}`)).status).toBe(204);
      expect((await browser.post<Task>('/api/tasks', { title: 'Survives the database outage' })).status).toBe(201);

      run(target, 'kubectl', ['--context', target.context, 'apply', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: scriptedLlmManifests(NAMESPACE, imageRecord('backend').ref) }),
      });
      await waitFor(`the scripted LLM provider (${LLM_NAME}) Ready`, () => {
        const status = getJson(target, NAMESPACE, ['get', 'deployment', LLM_NAME]).status;
        return status.readyReplicas === 1 ? true : undefined;
      });
      const chat = await browser.post<{ response: string; tool_calls: string[] }>('/api/chat', { message: 'add task Water the cluster plants' }, 120_000);
      expect(chat.status, chat.text).toBe(200);
      expect(chat.body.tool_calls).toContain('add_task');
      const tasks = await browser.get<TaskList>('/api/tasks');
      expect(Array.isArray(tasks.body?.tasks), `GET /api/tasks: ${tasks.status} ${tasks.text.slice(0, 300)}`).toBe(true);
      expect(tasks.body.tasks.map((t) => t.title).sort()).toEqual(['Deployed task, edited', 'Survives the database outage', 'Water the cluster plants']);
      expect(tasks.body.tasks.find((t) => t.title === 'Deployed task, edited')?.completed).toBe(true);
    }),
  );

  it(
    '3. rolls out a backend-only change with zero failed requests through the frontend, leaving the frontend pods alone',
    timed('backend rollout under load', async () => {
      const before = pods();
      const frontendBefore = before.filter((p) => p.component === 'frontend');
      writeFileSync(BACKEND_CHANGE, `// deploy-e2e: a backend change shipped at ${new Date().toISOString()}; the suite removes this file\nexport {};\n`);

      const load = steadyStream(browser);
      await deploy('backend');
      const newTag = imageRecord('backend').tag;
      expect(newTag, 'a changed backend gets a new content tag').not.toBe(firstBackendTag);
      await waitFor('the old backend pod gone and the new one Ready', () => backendOnlyOn(newTag));
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 3000));
      const { sent, failures } = await load.stop();
      say(`steady stream through the frontend during the rollout: ${sent} requests, ${failures.length} failed`);
      expect(failures, 'requests that failed during the rollout').toEqual([]);
      expect(sent).toBeGreaterThan(50);

      const after = pods();
      expect(after.filter((p) => p.component === 'frontend')).toEqual(frontendBefore);
      expect(after.find((p) => p.component === 'backend')?.uid).not.toBe(before.find((p) => p.component === 'backend')?.uid);
    }),
  );

  it(
    '4. redeploys with no change without restarting any pod',
    timed('no-change redeploy', async () => {
      const before = pods();
      const output = await deploy('backend');
      expect(output).toContain(`backend.image.tag=${imageRecord('backend').tag}`);
      rmSync(BACKEND_CHANGE, { force: true });
      // give a rollout, had one started, the time to show
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 5000));
      expect(pods()).toEqual(before);
    }),
  );

  it(
    '5. takes the backend out of the Service while the database pod is gone, and back with every task when it returns',
    timed('database outage', async () => {
      tasksBeforeOutage = (await browser.get<TaskList>('/api/tasks')).body.tasks;
      expect(tasksBeforeOutage).toHaveLength(3);
      expect(backendReady().status).toBe(200);
      // The StatefulSet would bring a killed pod back within seconds, before two readiness probes (5 s apart)
      // could fail; held at 0 replicas the database stays gone until the suite brings it back.
      say(`killing the database pod ${DATABASE_POD}, and keeping it down (StatefulSet ${RELEASE}-postgresql at 0 replicas)`);
      k(['scale', 'statefulset', `${RELEASE}-postgresql`, '--replicas=0']);
      k(['delete', 'pod', DATABASE_POD, '--grace-period=0', '--force', '--wait=false', '--ignore-not-found']);

      const notReady = await waitFor('the backend /ready answering 503', () => {
        const ready = backendReady();
        return ready.status === 503 ? ready : undefined;
      }, { timeoutMs: 120_000 });
      expect(notReady.body).toContain('database');
      await waitFor('the backend pod out of the Service endpoints', () => (backendEndpoints().ready === 0 ? true : undefined), { timeoutMs: 120_000 });
      const during = await browser.get<{ detail: string }>('/api/tasks');
      expect([502, 503, 504], `a clear error while the backend is out: ${during.text}`).toContain(during.status);
      expect(typeof during.body.detail).toBe('string');

      say('bringing the database back (1 replica)');
      k(['scale', 'statefulset', `${RELEASE}-postgresql`, '--replicas=1']);
      await waitFor('the database pod back and Ready', () => allReady(pods()), { timeoutMs: 240_000 });
      await waitFor('the backend /ready answering 200', () => (backendReady().status === 200 ? true : undefined), { timeoutMs: 120_000 });
      await waitFor('the backend pod back in the Service endpoints', () => (backendEndpoints().ready === 1 ? true : undefined), { timeoutMs: 120_000 });
      const after = await waitFor('the task list through the frontend', () => tasksWhenServed(browser));
      expect(after).toEqual(tasksBeforeOutage);
    }),
  );

  it(
    '6. rolls back to the revision before the backend change, then uninstalls leaving nothing of the release',
    timed('rollback and uninstall', async () => {
      const wait = helmMajor() >= 4 ? '--wait=watcher' : '--wait';
      say(`helm rollback ${RELEASE} ${revisionBeforeChange}`);
      helm(['rollback', RELEASE, String(revisionBeforeChange), wait, '--timeout', '5m']);
      await waitFor(`the backend back on ${firstBackendTag}`, () => backendOnlyOn(firstBackendTag));
      const tasks = await waitFor('the task list after the rollback', () => tasksWhenServed(browser));
      expect(tasks).toEqual(tasksBeforeOutage);

      say(`helm uninstall ${RELEASE}`);
      helm(['uninstall', RELEASE, '--wait', '--timeout', '5m']);
      const kinds = run(target, 'kubectl', ['--context', target.context, 'api-resources', '--verbs=list', '--namespaced', '-o', 'name']).stdout.trim().split('\n').filter((kind) => kind && !kind.startsWith('events'));
      const left = await waitFor('no object of the release left in the namespace', () => {
        const names = k(['get', kinds.join(','), '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'name', '--ignore-not-found']).stdout.trim();
        const releaseSecrets = k(['get', 'secrets', '-l', `owner=helm,name=${RELEASE}`, '-o', 'name']).stdout.trim();
        return names === '' && releaseSecrets === '' ? [] : undefined;
      }, { timeoutMs: 180_000 });
      expect(left).toEqual([]);
      expect(helm(['status', RELEASE], true).status, 'helm knows no such release').not.toBe(0);
    }),
  );
});
