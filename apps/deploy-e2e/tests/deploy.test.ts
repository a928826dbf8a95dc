import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserClient, type Task, type TaskList } from './support/browser-client.js';
import { getJson, type K8sObject, kubectl, nodeAddress, releasePods, resolveTarget, run, say, setting, waitFor, type PodState } from './support/cluster.js';
import { type App, backendChange, helmFor, imageRecord, mustDeploy } from './support/deploy.js';
import { LLM_WORD_DELAY_MS, offlinePostgresImage, overlayValues, sandboxVolume, startScriptedLlm } from './support/fixtures.js';
import { type Counted, counterDeltas, METRICS_PORTS, scrapeFromCluster } from './support/metrics.js';
import { newUser, rolloutUnderLoad, tasksWhenServed, userJourney } from './support/flows.js';
import { sleep, stepRunner } from './support/steps.js';

/**
 * The deploy, verified on the cluster the kube context names (the sandbox cluster in CI, kind or Minikube
 * for users): `nx deploy` of both apps into a fresh namespace, a user's flows through the frontend's
 * NodePort, a backend-only rollout under load, a no-change redeploy, the database pod killed, Helm
 * rollback and uninstall. The steps build on each other, in order.
 */
const target = resolveTarget();
if (target.skip) console.warn(`deploy-e2e skipped: ${target.skip}`);

const RELEASE = 'todo-app';
const NAMESPACE = `todo-e2e-${Date.now().toString(36)}`;
const BACKEND = `${RELEASE}-backend`;
const FRONTEND = `${RELEASE}-frontend`;
const DATABASE_POD = `${RELEASE}-postgresql-0`;
const DB_CLAIM = `data-${RELEASE}-postgresql-0`;
/** The backend change of step 3 (removed at the end). */
const change = backendChange('deploy-e2e-change.ts');

const work = mkdtempSync(join(tmpdir(), 'deploy-e2e-'));
const overlay = join(work, 'e2e-values.yaml');
/** The dev database's image: what POSTGRES_IMAGE names, built offline if missing; on kind/Minikube without it, the chart's default. */
let databaseImage = setting('POSTGRES_IMAGE');
let volume: { path: string; name: string } | undefined;

const k = (args: string[], options?: { input?: string; allowFailure?: boolean }) => kubectl(target, NAMESPACE, args, options);
const helm = helmFor(target, NAMESPACE);

function deploy(app: App) {
  const args = [`--values=${overlay}`];
  if (databaseImage) args.push(`--db-image=${databaseImage}`, '--db-image-load=always');
  return mustDeploy(target, app, { configuration: 'dev', namespace: NAMESPACE, args });
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

/** Both apps' metrics, scraped from inside the cluster through the NetworkPolicies (docs/observability.md). */
async function scrapeBoth() {
  const image = imageRecord('backend').ref;
  return {
    backend: await scrapeFromCluster(target, NAMESPACE, RELEASE, { component: 'backend', port: METRICS_PORTS.backend }, image),
    frontend: await scrapeFromCluster(target, NAMESPACE, RELEASE, { component: 'frontend', port: METRICS_PORTS.frontend }, image),
  };
}

/** What step 2's flows do, as counters: 3 tasks created, 2 chat turns (one adding a task), 3 model calls. */
const COUNTED: Record<'backend' | 'frontend', Counted[]> = {
  backend: [
    { name: 'http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/auth/register', status_code: '201' } },
    { name: 'http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/:user_id/tasks', status_code: '201' } },
    { name: 'http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/:user_id/chat', status_code: '200' } },
    { name: 'todo_tool_invocations_total', labels: { tool: 'add_task', outcome: 'ok' } },
    { name: 'todo_model_call_duration_seconds_count', labels: { outcome: 'ok' } },
  ],
  frontend: [
    { name: 'http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/tasks', status_code: '201' } },
    { name: 'http_request_duration_seconds_count', labels: { method: 'POST', route: '/api/chat', status_code: '200' } },
  ],
};
const EXPECTED_MOVES = {
  backend: {
    'http_request_duration_seconds_count{method="POST",route="/api/auth/register",status_code="201"}': 1,
    'http_request_duration_seconds_count{method="POST",route="/api/:user_id/tasks",status_code="201"}': 3,
    'http_request_duration_seconds_count{method="POST",route="/api/:user_id/chat",status_code="200"}': 2,
    'todo_tool_invocations_total{tool="add_task",outcome="ok"}': 1,
    'todo_model_call_duration_seconds_count{outcome="ok"}': 3,
  },
  frontend: {
    'http_request_duration_seconds_count{method="POST",route="/api/tasks",status_code="201"}': 3,
    'http_request_duration_seconds_count{method="POST",route="/api/chat",status_code="200"}': 2,
  },
};

function counterMoves(before: Awaited<ReturnType<typeof scrapeBoth>>, after: Awaited<ReturnType<typeof scrapeBoth>>) {
  return {
    backend: counterDeltas(before.backend, after.backend, COUNTED.backend),
    frontend: counterDeltas(before.frontend, after.frontend, COUNTED.frontend),
  };
}

const { timed, sayTimings } = stepRunner();

describe.skipIf(Boolean(target.skip))(`deploy on ${target.context || 'no cluster'} (namespace ${NAMESPACE})`, () => {
  let browser: BrowserClient;
  let firstBackendTag = '';
  let revisionBeforeChange = 0;
  const user = newUser('cluster');
  let tasksBeforeOutage: Task[] = [];

  beforeAll(() => {
    say(`cluster: context ${target.context}${target.sandbox ? ' (sandbox)' : ''}; namespace ${NAMESPACE}; helm ${helm.binary}`);
    writeFileSync(overlay, overlayValues(NAMESPACE));
    if ((!databaseImage && target.sandbox) || databaseImage?.startsWith('todo-app/postgres:')) {
      databaseImage = offlinePostgresImage(target);
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
    change.remove();
    sayTimings();
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
    '1. deploys backend then frontend with nx deploy into a fresh namespace: every pod Ready, the migration hook ran once (the frontend upgrade, with the same migrations, skips it)',
    timed('deploy both', async () => {
      await deploy('backend');
      firstBackendTag = imageRecord('backend').tag;
      const afterBackend = migrationRuns();
      expect(afterBackend.created, 'the install ran the migration Job with exactly one pod').toHaveLength(1);

      const frontendOutput = await deploy('frontend');
      const ready = await waitFor('backend, frontend and database pods Ready', () => allReady(pods()));
      expect(ready.find((p) => p.component === 'backend')?.image).toContain(`:${firstBackendTag}`);
      expect(ready.find((p) => p.component === 'frontend')?.image).toContain(`:${imageRecord('frontend').tag}`);

      const runs = migrationRuns();
      // The frontend deploy skips Helm when the install already shipped the frontend's last build (nothing to
      // deploy); when it upgrades, the release has applied these migrations, so it runs no migration Job.
      if (!frontendOutput.includes('nothing to deploy: release')) expect(frontendOutput).toContain('the migration Job is not run');
      expect(runs.created, 'one migration pod (the install), none retried').toHaveLength(1);
      expect(runs.failed).toEqual([]);
      const applied = k(['exec', DATABASE_POD, '--', 'sh', '-c', 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "SELECT count(*) || \' \' || count(DISTINCT version) FROM schema_migrations"'], {
        input: undefined,
      }).stdout.trim();
      const [rows, distinct] = applied.split(' ').map(Number);
      expect(rows, 'every migration recorded exactly once').toBe(distinct);
      expect(rows).toBeGreaterThan(0);
      revisionBeforeChange = Number(JSON.parse(helm.run(['status', RELEASE, '-o', 'json']).stdout).version);
    }),
  );

  it(
    '2. serves a user through the frontend NodePort only: health, register, login, task CRUD and a chat turn that adds a task',
    timed('user flows', async () => {
      const service = getJson(target, NAMESPACE, ['get', 'service', FRONTEND]);
      expect(service.spec.type).toBe('NodePort');
      const origin = `http://${nodeAddress(target)}:${service.spec.ports[0].nodePort}`;
      say(`frontend at ${origin}`);
      browser = new BrowserClient(origin);
      await startScriptedLlm(target, NAMESPACE, imageRecord('backend').ref);
      const before = await scrapeBoth();
      await userJourney(browser, user);

      // A streamed turn: the story comes a word every LLM_WORD_DELAY_MS through the backend, the frontend pod
      // and the NodePort; unbuffered, its first words arrive long before its end.
      const story = await browser.streamChat('tell me a story');
      const texts = story.events.filter((e) => e.type === 'text');
      const doneAt = story.events.find((e) => e.type === 'done')?.atMs ?? Number.NaN;
      expect(story.status).toBe(200);
      expect(doneAt, `a done event: ${JSON.stringify(story.events.slice(-2))}`).not.toBeNaN();
      const text = texts.map((e) => (e.data as { delta: string }).delta).join('');
      const words = text.split(/\s+/).length;
      expect(text, 'the scripted story, whole').toMatch(/^Once upon a time .+ The end\.$/);
      say(`streamed chat turn through the frontend: ${texts.length} text events, first at ${texts[0].atMs} ms, done at ${doneAt} ms (${words} words, one every ${LLM_WORD_DELAY_MS} ms)`);
      expect(doneAt - texts[0].atMs, 'the first words came well before the end (nothing buffered the stream)').toBeGreaterThan((words * LLM_WORD_DELAY_MS) / 2);

      // Scraped from inside the cluster as Prometheus would, the counters moved by what the user did.
      const moved = counterMoves(before, await scrapeBoth());
      say(`metrics moved during the user flows: ${JSON.stringify(moved)}`);
      expect(moved).toEqual(EXPECTED_MOVES);
    }),
  );

  it(
    '3. rolls out a backend-only change with zero failed requests through the frontend, leaving the frontend pods alone',
    timed('backend rollout under load', async () => {
      const before = pods();
      const frontendBefore = before.filter((p) => p.component === 'frontend');
      change.write();
      let newTag = '';
      await rolloutUnderLoad(
        browser,
        async () => {
          const output = await deploy('backend');
          // A source change with the same migrations: no migration Job before the rollout (tools/deploy/src/migrations.mjs).
          expect(output).toContain('the migration Job is not run');
          newTag = imageRecord('backend').tag;
          expect(newTag, 'a changed backend gets a new content tag').not.toBe(firstBackendTag);
        },
        { what: 'the old backend pod gone and the new one Ready', check: () => backendOnlyOn(newTag) },
      );

      const after = pods();
      expect(migrationRuns().created, 'still the install\'s one migration pod').toHaveLength(1);
      expect(after.filter((p) => p.component === 'frontend')).toEqual(frontendBefore);
      expect(after.find((p) => p.component === 'backend')?.uid).not.toBe(before.find((p) => p.component === 'backend')?.uid);
    }),
  );

  it(
    '4. redeploys with no change without restarting any pod',
    timed('no-change redeploy', async () => {
      const before = pods();
      const output = await deploy('backend');
      // The newest revision carries the fingerprint of these inputs: one read, no Helm (tools/deploy fingerprint.mjs).
      expect(output).toMatch(/nothing to deploy: release \S+ revision \d+ was deployed from exactly these inputs/);
      expect(output).toContain(`running: backend ${imageRecord('backend').ref}`);
      change.remove();
      // give a rollout, had one started, the time to show
      await sleep(5000);
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
      const wait = helm.major() >= 4 ? '--wait=watcher' : '--wait';
      say(`helm rollback ${RELEASE} ${revisionBeforeChange}`);
      helm.run(['rollback', RELEASE, String(revisionBeforeChange), wait, '--timeout', '5m']);
      await waitFor(`the backend back on ${firstBackendTag}`, () => backendOnlyOn(firstBackendTag));
      const tasks = await waitFor('the task list after the rollback', () => tasksWhenServed(browser));
      expect(tasks).toEqual(tasksBeforeOutage);

      say(`helm uninstall ${RELEASE}`);
      helm.run(['uninstall', RELEASE, '--wait', '--timeout', '5m']);
      const kinds = run(target, 'kubectl', ['--context', target.context, 'api-resources', '--verbs=list', '--namespaced', '-o', 'name']).stdout.trim().split('\n').filter((kind) => kind && !kind.startsWith('events'));
      const left = await waitFor('no object of the release left in the namespace', () => {
        const names = k(['get', kinds.join(','), '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'name', '--ignore-not-found']).stdout.trim();
        const releaseSecrets = k(['get', 'secrets', '-l', `owner=helm,name=${RELEASE}`, '-o', 'name']).stdout.trim();
        return names === '' && releaseSecrets === '' ? [] : undefined;
      }, { timeoutMs: 180_000 });
      expect(left).toEqual([]);
      expect(helm.run(['status', RELEASE], true).status, 'helm knows no such release').not.toBe(0);
    }),
  );
});
