import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGRESS_CLASS, manifestDigest } from '@todo/sandbox-cluster';
import { BrowserClient, steadyStream, type Task } from './support/browser-client.js';
import { clusterNodes, getJson, kubectl, nodeAddress, releasePods, resolveTarget, run, runAsync, say, setting, waitFor, type PodState } from './support/cluster.js';
import { type App, backendChange, helmFor, imageRecord, mustDeploy, nxDeploy } from './support/deploy.js';
import { externalPostgresManifests, LLM_NAME, offlinePostgresImage, POSTGRES_NAME, prodOverlayValues, startScriptedLlm } from './support/fixtures.js';
import { newUser, rolloutUnderLoad, tasksWhenServed, userJourney } from './support/flows.js';
import { PROBE_NAME, PROBE_PORT, probeManifests, type Reach, rejectedPackets, rejectedSince, tcpFrom } from './support/netpol.js';
import { every, stepRunner } from './support/steps.js';
import { fetchTrusting, makeTestTls } from './support/tls.js';

/**
 * The production path, as a team that copies this workspace runs it (issue 12): an external PostgreSQL in a
 * namespace of its own, the Secret made by `npx todo-secrets --from-env`, `TODO_REGISTRY=<registry> npx nx
 * deploy <app> --configuration=prod` pushing to a real registry and pinning the pods by digest, two replicas
 * with PDBs, a user's flows through the frontend Service, a backend rollout under load, three broken deploys
 * that must fail fast, say why and leave the release serving, and an uninstall that leaves nothing behind.
 */
const target = resolveTarget();
if (target.skip) console.warn(`deploy-e2e (prod) skipped: ${target.skip}`);

const RELEASE = 'todo-app';
const ID = Date.now().toString(36);
const NAMESPACE = `todo-prod-${ID}`;
/** What the release reaches outside itself: the database and the scripted LLM provider. */
const DEPENDENCIES = `${NAMESPACE}-deps`;
/** A namespace with nothing of the release in it, whose pod must not reach the backend or the database. */
const OUTSIDER = `${NAMESPACE}-outsider`;
const SECRET = 'todo-app-credentials';
const FRONTEND = `${RELEASE}-frontend`;
const APPS: App[] = ['backend', 'frontend'];
/** A broken deploy must stop within this many seconds (issue 12). */
const BROKEN_DEPLOY_LIMIT_S = 120;
/** Helm's own timeout for the broken deploys: above the limit, so a pass proves the status check stopped them. */
const BROKEN_HELM_TIMEOUT = '150s';
const OPENAI_API_KEY = 'sk-deploy-e2e-scripted';
const DB_PASSWORD = randomBytes(18).toString('base64url');
const DATABASE_URL = `postgresql://todo:${DB_PASSWORD}@${POSTGRES_NAME}.${DEPENDENCIES}.svc.cluster.local:5432/todo`;

const change = backendChange('prod-e2e-change.ts');
const work = mkdtempSync(join(tmpdir(), 'deploy-e2e-prod-'));
const overlay = join(work, 'prod-e2e-values.yaml');
const autoscalingValues = join(work, 'prod-e2e-autoscaling.yaml');
/** The most backend replicas the suite's HPA may start. */
const HPA_MAX = 4;
/**
 * On the sandbox cluster the chart's Ingress is on, served by its Traefik at https://localhost with a certificate
 * from the suite's test CA; Mozilla's HTTP Observatory scans that host (it scans ports 80 and 443 only).
 */
const INGRESS = target.sandbox ? { className: INGRESS_CLASS, host: 'localhost', secretName: `${RELEASE}-tls` } : undefined;
const tls = INGRESS ? makeTestTls(target, work, INGRESS.host) : undefined;
const k = (args: string[], options?: { input?: string; allowFailure?: boolean }) => kubectl(target, NAMESPACE, args, options);
const helm = helmFor(target, NAMESPACE);
const { timed, sayTimings } = stepRunner();
const brokenTimes: [string, number][] = [];

/** The registry the cluster pulls from; the suite cannot run without one. */
function registry(): string {
  if (target.registry) return target.registry;
  throw new Error(
    target.sandbox
      ? "the sandbox cluster runs without its registry (started before it existed, or it died): 'npx nx run sandbox-cluster:down', then 'npx nx run sandbox-cluster:up'"
      : 'the production suite needs a plain-HTTP registry your cluster pulls from: DEPLOY_E2E_REGISTRY=<host:port> (e.g. kind with a local registry)',
  );
}

/** Pushes a local Docker image to the registry under `repository:tag`; the reference by the registry's digest. */
async function push(localRef: string, repository: string, tag: string): Promise<string> {
  const remote = `${registry()}/${repository}:${tag}`;
  const begun = Date.now();
  run(target, 'docker', ['tag', localRef, remote]);
  run(target, 'docker', ['push', remote]);
  const digest = await manifestDigest(registry(), repository, tag);
  if (!digest) throw new Error(`docker push ${remote} succeeded, but the registry has no manifest for it`);
  say(`pushed ${remote} in ${((Date.now() - begun) / 1000).toFixed(1)}s: ${digest}`);
  return `${registry()}/${repository}@${digest}`;
}

/** `npx todo-secrets … --from-env` with DATABASE_URL and OPENAI_API_KEY in its environment; its output. */
function todoSecrets(databaseUrl: string, extraArgs: string[] = []) {
  const args = ['todo-secrets', '--namespace', NAMESPACE, '--secret-name', SECRET, '--from-env', ...extraArgs];
  say(`$ DATABASE_URL=<external database> OPENAI_API_KEY=<scripted> npx ${args.join(' ')}`);
  // JWT_SECRET_KEY empty: not taken from the caller's environment (todo-secrets ignores empty values).
  const result = run(target, 'npx', args, { env: { DATABASE_URL: databaseUrl, OPENAI_API_KEY, JWT_SECRET_KEY: '' } });
  const output = `${result.stdout}${result.stderr}`;
  for (const line of output.trim().split('\n')) say(`    | ${line}`);
  expect(output, 'todo-secrets prints key names, never values').not.toContain(DB_PASSWORD);
  return output;
}

function secretValue(key: string): string {
  return Buffer.from(k(['get', 'secret', SECRET, '-o', `jsonpath={.data.${key}}`]).stdout, 'base64').toString('utf8');
}

/** How every deploy of this suite runs: prod, the suite's overlay, pushing to the registry; `args` after those. */
const prodDeploy = (args: string[] = []) => ({ configuration: 'prod' as const, namespace: NAMESPACE, args: [`--values=${overlay}`, ...args], env: { TODO_REGISTRY: registry() } });

/** A deploy that may fail (the broken ones): its status, output and wall time. */
function deploy(app: App, args: string[] = []) {
  return nxDeploy(target, app, prodDeploy(args));
}

const pods = () => releasePods(target, NAMESPACE, RELEASE);

/** `<registry>/todo-app/<app>@<digest>`, the digest being the registry's own for the tag docker-build recorded. */
async function pushedImage(app: App): Promise<string> {
  const { tag } = imageRecord(app);
  const digest = await manifestDigest(registry(), `todo-app/${app}`, tag);
  if (!digest) throw new Error(`the registry ${registry()} has no todo-app/${app}:${tag}: the deploy did not push it`);
  return `${registry()}/todo-app/${app}@${digest}`;
}

/**
 * Whether the kubelet reports a pod as running `image` (`<registry>/<repository>@<digest>`): its imageID is a
 * digest reference into the same registry with the same digest. The repository may differ: containerd keeps one
 * record per content, and the kubelet names the first repository it was pulled or pushed under.
 */
function runsDigestOf(pod: PodState, image: string) {
  const digest = image.slice(image.indexOf('@'));
  return pod.imageID.startsWith(`${registry()}/`) && pod.imageID.endsWith(digest);
}

/**
 * The release's pods once they are exactly two Ready replicas per app, each running the image `images` names
 * (its spec, and the digest the kubelet reports); undefined until then.
 */
function runningExactly(images: Record<App, string>): PodState[] | undefined {
  const current = pods();
  const settled = APPS.every((app) => {
    const mine = current.filter((p) => p.component === app);
    return mine.length === 2 && mine.every((p) => p.ready && p.image === images[app] && runsDigestOf(p, images[app]));
  });
  return settled && current.length === 4 ? current : undefined;
}

function describePods(list: PodState[]) {
  return list.map((p) => `${p.name} ${p.ready ? 'Ready' : 'not ready'} on ${p.node || 'no node'} ${p.image} (imageID ${p.imageID || 'none'})`).join('\n');
}

/** The nodes each app's pods run on. */
const nodesOf = (list: PodState[]) => Object.fromEntries(APPS.map((app) => [app, list.filter((p) => p.component === app).map((p) => p.node).sort()])) as Record<App, string[]>;

/**
 * The node the suite keeps its dependencies (the external database, the scripted model) on, and so never drains:
 * the first by name. The suite needs a second one for its replicas to spread to and for it to drain.
 */
function dependencyNode(): string {
  const nodes = clusterNodes(target);
  if (nodes.length < 2) {
    throw new Error(
      `the production suite needs a cluster of at least 2 nodes (replicas on different nodes, a node drained under load); ${target.context} has ${nodes.length}` +
        (target.sandbox ? ": 'npx nx run sandbox-cluster:down', then 'npx nx run sandbox-cluster:up --nodes=2'" : ''),
    );
  }
  return nodes[0].name;
}

/** `kubectl create` of an Eviction for `pod`: the API's answer (refused with 429 when a PodDisruptionBudget allows no more). */
function evict(pod: string) {
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: NAMESPACE } };
  const result = run(target, 'kubectl', ['--context', target.context, 'create', '--raw', `/api/v1/namespaces/${NAMESPACE}/pods/${pod}/eviction`, '-f', '-'], { input: JSON.stringify(eviction), allowFailure: true });
  return { accepted: result.status === 0, answer: (result.stderr || result.stdout).trim() };
}

function helmHistory(): { revision: number; status: string; description: string }[] {
  return JSON.parse(helm.run(['history', RELEASE, '-o', 'json']).stdout) as { revision: number; status: string; description: string }[];
}

describe.skipIf(Boolean(target.skip))(`production deploy on ${target.context || 'no cluster'} (namespace ${NAMESPACE}, database in ${DEPENDENCIES})`, () => {
  let browser: BrowserClient;
  let images = {} as Record<App, string>;
  let tasks: Task[] = [];
  const user = newUser('prod');
  /** Where the database and the model run (set in step 1). */
  let keptNode = '';

  /**
   * A deploy that must fail: non-zero exit within BROKEN_DEPLOY_LIMIT_S, every `causes` pattern in its output,
   * and the previous release still serving meanwhile and after (no failed request, same tasks, same digests,
   * Helm's history ending in a rollback).
   */
  async function brokenDeploy(name: string, args: string[], causes: RegExp[]) {
    const revisionBefore = helmHistory().at(-1)?.revision ?? 0;
    const load = steadyStream(browser, 2);
    const result = await deploy('backend', [...args, `--timeout=${BROKEN_HELM_TIMEOUT}`]).finally(() => load.stop());
    brokenTimes.push([name, result.seconds]);
    say(`broken deploy "${name}": exit ${result.status} after ${result.seconds.toFixed(1)}s; ${load.sent} requests meanwhile, ${load.failures.length} failed`);
    expect(result.status, 'the broken deploy exits non-zero').not.toBe(0);
    expect(result.seconds, `the broken deploy stops within ${BROKEN_DEPLOY_LIMIT_S}s`).toBeLessThan(BROKEN_DEPLOY_LIMIT_S);
    for (const cause of causes) expect(result.output, `the deploy's output names the cause (${cause})`).toMatch(cause);
    expect(load.failures, 'requests that failed while the broken deploy ran').toEqual([]);

    await waitFor('the previous release alone again: 2 Ready pods per app on the same digests', () => runningExactly(images), { timeoutMs: 120_000 });
    expect(await waitFor('the task list through the frontend', () => tasksWhenServed(browser))).toEqual(tasks);
    const history = helmHistory();
    const last = history.at(-1);
    expect(last?.revision, 'a new revision: the rollback').toBeGreaterThan(revisionBefore);
    expect(last?.status).toBe('deployed');
    expect(last?.description, `helm history ends in a rollback: ${JSON.stringify(history.slice(-3))}`).toMatch(/^Rollback to \d+/);
    // Hook objects (the migration's Job, ServiceAccount, Secret) go with the failed hook; Helm never uninstalls them.
    const hookObjects = k(['get', 'jobs,serviceaccounts,secrets', '-l', `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=migrate`, '-o', 'name']).stdout.trim();
    expect(hookObjects, 'hook objects left by the broken deploy').toBe('');
  }

  beforeAll(() => {
    say(`cluster: context ${target.context}${target.sandbox ? ' (sandbox)' : ''}; registry ${registry()}; namespaces ${NAMESPACE}, ${DEPENDENCIES}; helm ${helm.binary}`);
    writeFileSync(overlay, prodOverlayValues(DEPENDENCIES, { nodePort: !target.sandbox, ingress: INGRESS }));
    if (!INGRESS) console.warn('deploy-e2e (prod): not the sandbox cluster, so step 10 (the Ingress over HTTPS) is skipped: it needs the sandbox\'s Traefik');
  });

  afterAll(() => {
    change.remove();
    say(`broken deploys (wall time of nx deploy until it exited): ${brokenTimes.map(([name, seconds]) => `${name} ${seconds.toFixed(1)}s`).join(', ') || 'none ran'}`);
    sayTimings();
    if (setting('DEPLOY_E2E_KEEP') === '1') {
      say(`DEPLOY_E2E_KEEP=1: namespaces ${NAMESPACE}, ${DEPENDENCIES} and ${OUTSIDER} left in place`);
      return;
    }
    say(`cleaning up: namespaces ${NAMESPACE}, ${DEPENDENCIES}, ${OUTSIDER}`);
    run(target, 'kubectl', ['--context', target.context, 'delete', 'namespace', NAMESPACE, DEPENDENCIES, OUTSIDER, '--ignore-not-found', '--wait=true', '--timeout=180s'], { allowFailure: true });
    rmSync(work, { recursive: true, force: true });
  });

  it(
    '1. runs an external PostgreSQL in its own namespace, from the registry, that accepts connections through its Service',
    timed('external database', async () => {
      keptNode = dependencyNode();
      say(`nodes: ${clusterNodes(target).map((node) => node.name).join(', ')}; the database and the scripted model run on ${keptNode}`);
      const local = setting('POSTGRES_IMAGE') ?? offlinePostgresImage(target);
      const image = await push(local, 'todo-app/postgres', local.slice(local.lastIndexOf(':') + 1));
      run(target, 'kubectl', ['--context', target.context, 'apply', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: externalPostgresManifests(DEPENDENCIES, image, DB_PASSWORD, NAMESPACE, { 'kubernetes.io/hostname': keptNode }) }),
      });
      await waitFor(`PostgreSQL in ${DEPENDENCIES} Ready`, () => (getJson(target, DEPENDENCIES, ['get', 'deployment', POSTGRES_NAME]).status.readyReplicas === 1 ? true : undefined));
      const host = `${POSTGRES_NAME}.${DEPENDENCIES}.svc.cluster.local`;
      // Through the Service's DNS name and TCP, with the password, as the backend will connect.
      const answer = kubectl(target, DEPENDENCIES, ['exec', `deploy/${POSTGRES_NAME}`, '--', 'sh', '-c', `PGPASSWORD="$POSTGRES_PASSWORD" psql -h ${host} -U todo -d todo -tAc "SELECT 'accepts ' || current_user"`]);
      expect(answer.stdout.trim()).toBe('accepts todo');
    }),
  );

  it(
    '2. deploys backend then frontend with TODO_REGISTRY and the todo-secrets Secret: 2 Ready replicas each with PDBs, on different nodes, every pod on <registry>/todo-app/<app>@<pushed digest>',
    timed('secret and deploy both', async () => {
      const made = todoSecrets(DATABASE_URL, ['--generate-jwt-secret-key']);
      expect(made).toMatch(/created/);
      const secret = getJson(target, NAMESPACE, ['get', 'secret', SECRET]);
      expect(Object.keys(secret.data).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET_KEY', 'OPENAI_API_KEY']);

      if (INGRESS && tls) {
        say(`TLS for https://${INGRESS.host}: Secret ${INGRESS.secretName} (kubernetes.io/tls) with a certificate from the suite's test CA`);
        k(['create', 'secret', 'tls', INGRESS.secretName, `--cert=${tls.cert}`, `--key=${tls.key}`]);
      }
      const outputs: string[] = [];
      for (const app of APPS) outputs.push(await mustDeploy(target, app, prodDeploy()));
      expect(outputs.join('\n'), 'images go through the registry, not load-image').not.toContain('load-image');
      images = { backend: await pushedImage('backend'), frontend: await pushedImage('frontend') };
      say(`pushed: ${images.backend}, ${images.frontend}`);
      const running = await waitFor('2 Ready pods per app, each on its pushed digest', () => runningExactly(images), { timeoutMs: 240_000 }).catch((error: Error) => {
        throw new Error(`${error.message}\npods now:\n${describePods(pods())}`);
      });
      const placed = nodesOf(running);
      say(`placement: ${APPS.map((app) => `${app} on ${placed[app].join(' and ')}`).join('; ')}`);
      for (const app of APPS) expect(new Set(placed[app]).size, `the 2 ${app} replicas on different nodes (the chart's topologySpreadConstraints):\n${describePods(running)}`).toBe(2);

      for (const app of APPS) {
        const deployment = getJson(target, NAMESPACE, ['get', 'deployment', `${RELEASE}-${app}`]);
        expect(deployment.spec.replicas).toBe(2);
        expect(deployment.status.readyReplicas).toBe(2);
        const pdb = getJson(target, NAMESPACE, ['get', 'poddisruptionbudget', `${RELEASE}-${app}`]);
        expect(pdb.spec.selector.matchLabels['app.kubernetes.io/component']).toBe(app);
        expect(pdb.status.expectedPods, `PDB ${RELEASE}-${app} covers both replicas`).toBe(2);
        expect(pdb.status.disruptionsAllowed).toBe(1);
      }
      // The migration hook ran against the external database.
      const migrated = kubectl(target, DEPENDENCIES, ['exec', `deploy/${POSTGRES_NAME}`, '--', 'psql', '-U', 'todo', '-d', 'todo', '-tAc', 'SELECT count(*) FROM schema_migrations']);
      expect(Number(migrated.stdout.trim())).toBeGreaterThan(0);
    }),
  );

  it(
    '3. serves a user through the frontend Service: register, log in, task CRUD and a chat turn with the scripted model',
    timed('user flows', async () => {
      await startScriptedLlm(target, DEPENDENCIES, images.backend, { 'kubernetes.io/hostname': keptNode });
      const service = getJson(target, NAMESPACE, ['get', 'service', FRONTEND]);
      // The sandbox cluster's host reaches ClusterIPs through kube-proxy's iptables rules (nat OUTPUT);
      // elsewhere the overlay made the Service a NodePort.
      expect(service.spec.type).toBe(target.sandbox ? 'ClusterIP' : 'NodePort');
      const origin = target.sandbox ? `http://${service.spec.clusterIP}:${service.spec.ports[0].port}` : `http://${nodeAddress(target)}:${service.spec.ports[0].nodePort}`;
      say(`frontend Service ${FRONTEND} (${service.spec.type}) at ${origin}`);
      browser = new BrowserClient(origin);
      tasks = await userJourney(browser, user);
    }),
  );

  it(
    '4. rolls out a backend change under load: new content tag, new digest in the registry, 2 replicas on it, 0 failed requests',
    timed('backend rollout under load', async () => {
      const frontendBefore = pods().filter((p) => p.component === 'frontend');
      const before = { tag: imageRecord('backend').tag, image: images.backend };
      change.write();
      await rolloutUnderLoad(
        browser,
        async () => {
          await mustDeploy(target, 'backend', prodDeploy());
          expect(imageRecord('backend').tag, 'a changed backend gets a new content tag').not.toBe(before.tag);
          images = { ...images, backend: await pushedImage('backend') };
          expect(images.backend, 'a new tag is a new digest').not.toBe(before.image);
        },
        { what: 'both backend replicas on the new digest, the old ones gone', check: () => (runningExactly(images) ? true : undefined) },
      );
      expect(pods().filter((p) => p.component === 'frontend'), 'the frontend pods are left alone').toEqual(frontendBefore);
      expect(await tasksWhenServed(browser)).toEqual(tasks);
    }),
  );

  it(
    "5. enforces the chart's NetworkPolicies on real packets: the backend and the database closed to other namespaces, the frontend kept from the database, the backend's egress limited to the database, DNS and the model port",
    timed('network policies', async () => {
      run(target, 'kubectl', ['--context', target.context, 'apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: probeManifests(OUTSIDER, images.backend) }) });
      await waitFor(`the probe pod in ${OUTSIDER} Ready`, () => (getJson(target, OUTSIDER, ['get', 'pod', PROBE_NAME]).status.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True') || undefined);
      const podOf = (app: App) => pods().find((p) => p.component === app && p.ready)?.name ?? '';
      const ipOf = (namespace: string, pod: string) => getJson(target, namespace, ['get', 'pod', pod]).status.podIP as string;
      const backend = podOf('backend');
      const frontend = podOf('frontend');
      const backendPort = getJson(target, NAMESPACE, ['get', 'pod', backend]).spec.containers[0].ports[0].containerPort as number;
      const frontendPort = getJson(target, NAMESPACE, ['get', 'pod', frontend]).spec.containers[0].ports[0].containerPort as number;
      const backendService = getJson(target, NAMESPACE, ['get', 'service', `${RELEASE}-backend`]).spec;
      const database = getJson(target, DEPENDENCIES, ['get', 'pods', '-l', `app.kubernetes.io/name=${POSTGRES_NAME}`]).items[0].status.podIP as string;
      const probe = ipOf(OUTSIDER, PROBE_NAME);
      const apiService = getJson(target, 'default', ['get', 'service', 'kubernetes']).spec.clusterIP as string;
      const dnsService = getJson(target, 'kube-system', ['get', 'service', 'kube-dns']).spec.clusterIP as string;
      const from = { outsider: [OUTSIDER, PROBE_NAME], frontend: [NAMESPACE, frontend], backend: [NAMESPACE, backend] } as const;
      // [what, from, host, port, expected]: every closed path has an open one beside it, so a broken probe cannot pass.
      const paths: [string, keyof typeof from, string, number, 'open' | 'closed'][] = [
        ['another namespace -> backend pod', 'outsider', ipOf(NAMESPACE, backend), backendPort, 'closed'],
        ['another namespace -> backend Service', 'outsider', backendService.clusterIP, backendService.ports[0].port, 'closed'],
        ['another namespace -> database', 'outsider', database, 5432, 'closed'],
        ['another namespace -> frontend pod (open to anyone on http)', 'outsider', ipOf(NAMESPACE, frontend), frontendPort, 'open'],
        ['another namespace -> itself (the probe listens)', 'outsider', probe, PROBE_PORT, 'open'],
        ['frontend -> database', 'frontend', database, 5432, 'closed'],
        ['frontend -> backend Service', 'frontend', backendService.clusterIP, backendService.ports[0].port, 'open'],
        ['backend -> database', 'backend', database, 5432, 'open'],
        ['backend -> DNS (kube-dns Service, TCP 53)', 'backend', dnsService, 53, 'open'],
        ['backend -> model port (scripted LLM Service, 443)', 'backend', `${LLM_NAME}.${DEPENDENCIES}.svc.cluster.local`, 443, 'open'],
        [`backend -> a pod in another namespace (port ${PROBE_PORT})`, 'backend', probe, PROBE_PORT, 'closed'],
        ['backend -> Kubernetes API (kubernetes Service)', 'backend', apiService, 443, 'closed'],
        ['backend -> frontend pod', 'backend', ipOf(NAMESPACE, frontend), frontendPort, 'closed'],
      ];
      const before = target.sandbox ? rejectedPackets(target) : new Map<string, number>();
      const seen: [string, 'open' | 'closed', Reach][] = paths.map(([what, source, host, port, expected]) => [what, expected, tcpFrom(target, from[source][0], from[source][1], host, port)]);
      for (const [what, expected, reach] of seen) say(`  ${reach === 'open' ? 'open  ' : 'closed'} (${reach.padEnd(8)}) ${what}${(reach === 'open') === (expected === 'open') ? '' : `   <-- expected ${expected}`}`);
      expect(seen.map(([what, , reach]) => [what, reach === 'open' ? 'open' : 'closed']), 'TCP connections from inside the pods').toEqual(seen.map(([what, expected]) => [what, expected]));
      if (target.sandbox) {
        // Where the refusals came from: kube-router's REJECT rules on the node. Shown, not asserted: each of its
        // resyncs rewrites the pod chains with iptables-restore, which resets their counters (seen: 7 packets in
        // one run, 1 in the next). The proof is the pairs above: the same destination open to an allowed source.
        say(`  packets rejected by kube-router's rules meanwhile (counters reset by its resyncs): ${JSON.stringify(rejectedSince(before, rejectedPackets(target)))}`);
      }
      // Everything the app needs still works under the policies (step 3 ran its flows and a chat turn under them).
      // Through waitFor: the connections the client kept alive over these seconds may have been closed by the server.
      expect(await waitFor('the task list through the frontend', () => tasksWhenServed(browser))).toEqual(tasks);
    }),
  );

  it(
    `6. stops a deploy whose Secret's DATABASE_URL host does not resolve within ${BROKEN_DEPLOY_LIMIT_S}s, naming the host; the release keeps serving`,
    timed('broken: database host', async () => {
      const missingHost = `${POSTGRES_NAME}.${NAMESPACE}-missing.svc.cluster.local`;
      todoSecrets(`postgresql://todo:${DB_PASSWORD}@${missingHost}:5432/todo`);
      try {
        // Only the Secret changed, which the chart does not render: without --force-upgrade the deploy would find
        // nothing to deploy (the same images, values and manifests) and leave Helm, and so the migration hook, alone.
        await brokenDeploy('database host does not resolve', ['--force-upgrade'], [/ENOTFOUND/, new RegExp(missingHost.replace(/\./g, '\\.'))]);
      } finally {
        todoSecrets(DATABASE_URL);
        expect(secretValue('DATABASE_URL'), 'the Secret restored').toBe(DATABASE_URL);
      }
    }),
  );

  it(
    `7. stops a deploy of an image that is not in the registry within ${BROKEN_DEPLOY_LIMIT_S}s, naming it; the release keeps serving`,
    timed('broken: image not in the registry', async () => {
      const missing = `sha256:${'0'.repeat(64)}`;
      await brokenDeploy('image not in the registry', [`--set=backend.image.digest=${missing}`], [new RegExp(missing), /ErrImagePull|ImagePullBackOff|manifest unknown|not found/]);
    }),
  );

  it(
    `8. stops a deploy of a backend that exits at start-up within ${BROKEN_DEPLOY_LIMIT_S}s, showing its log; the release keeps serving`,
    timed('broken: backend exits at start-up', async () => {
      // Valid for the chart's schema (a number), rejected by the backend's config check (1-365); the
      // migration Job does not read it, so only the new backend pods fail.
      await brokenDeploy('backend exits at start-up', ['--set=backend.config.ACCESS_TOKEN_EXPIRE_DAYS=1000'], [
        /invalid configuration: ACCESS_TOKEN_EXPIRE_DAYS must be between 1 and 365, got 1000/,
      ]);
    }),
  );

  it(
    '9. scales the backend with its HorizontalPodAutoscaler on metrics-server: from 2 replicas up under load through the frontend and back to 2 after it, with 0 failed requests',
    timed('autoscaling', async () => {
      const hpaName = `${RELEASE}-backend`;
      // The test values: a low target so the suite's load crosses it, and a 15 s scale-down window instead of 300 s.
      writeFileSync(autoscalingValues, [
        'backend:',
        '  autoscaling:',
        '    enabled: true',
        `    minReplicas: 2`,
        `    maxReplicas: ${HPA_MAX}`,
        '    targetCPUUtilizationPercentage: 50',
        '    behavior:',
        '      scaleUp: {stabilizationWindowSeconds: 0}',
        '      scaleDown:',
        '        stabilizationWindowSeconds: 15',
        '        policies: [{type: Percent, value: 100, periodSeconds: 15}]',
        '',
      ].join('\n'));
      await mustDeploy(target, 'backend', prodDeploy([`--values=${autoscalingValues}`]));
      const hpa = () => getJson(target, NAMESPACE, ['get', 'hpa', hpaName]).status as { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] };
      const utilization = () => hpa().currentMetrics?.[0]?.resource?.current?.averageUtilization;
      await waitFor('the HPA reading CPU use from metrics-server', () => (utilization() !== undefined ? true : undefined), { timeoutMs: 180_000 });
      const ready = () => pods().filter((p) => p.component === 'backend' && p.ready).length;
      const timeline: string[] = [];
      const begun = Date.now();
      const sample = () => {
        const status = hpa();
        timeline.push(`${((Date.now() - begun) / 1000).toFixed(0)}s: ${ready()} ready, HPA ${status.currentReplicas}->${status.desiredReplicas} at ${status.currentMetrics?.[0]?.resource?.current?.averageUtilization ?? '?'}% CPU`);
      };
      const sampler = every(5000, sample);
      let peak = 0;
      const heavy = steadyStream(browser, 8);
      try {
        await waitFor(`the HPA scaling the backend above 2 replicas under load (target 50% of the CPU request)`, () => {
          peak = Math.max(peak, ready());
          return peak > 2 ? true : undefined;
        }, { timeoutMs: 300_000, intervalMs: 2000 });
      } finally {
        await heavy.stop();
      }
      say(`under load: ${heavy.sent} requests, ${heavy.failures.length} failed; ${peak} backend replicas Ready`);
      // A request every 250 ms: enough to see a failure while pods go away, too little to hold the CPU above the target.
      const light = steadyStream(browser, 1, 250);
      try {
        await waitFor('the HPA back at 2 replicas once the load is gone', () => {
          peak = Math.max(peak, ready());
          const status = hpa();
          return status.desiredReplicas === 2 && pods().filter((p) => p.component === 'backend').length === 2 ? true : undefined;
        }, { timeoutMs: 300_000, intervalMs: 2000 });
      } finally {
        await light.stop();
        await sampler.stop();
        sample();
        // Printed even when a wait timed out: the replicas and CPU use over time say why.
        for (const line of timeline) say(`  ${line}`);
      }
      say(`scaling down: ${light.sent} requests, ${light.failures.length} failed`);
      expect(peak, 'backend replicas at the peak').toBeGreaterThan(2);
      expect(peak).toBeLessThanOrEqual(HPA_MAX);
      expect([...heavy.failures, ...light.failures], 'requests that failed while the HPA scaled').toEqual([]);
      expect(await tasksWhenServed(browser)).toEqual(tasks);
    }),
  );

  it.skipIf(!INGRESS)(
    "10. serves the user through the chart's Ingress over HTTPS (Traefik, the test CA's certificate): plain HTTP redirects to HTTPS, the user's flows pass with __Host- cookies, Mozilla's HTTP Observatory grades it A+ and Lighthouse's best practices are 100",
    timed('ingress over https', async () => {
      if (!INGRESS || !tls) return;
      const ingress = getJson(target, NAMESPACE, ['get', 'ingress', RELEASE]);
      expect(ingress.spec.ingressClassName).toBe(INGRESS.className);
      expect(ingress.spec.tls).toEqual([{ hosts: [INGRESS.host], secretName: INGRESS.secretName }]);
      const origin = `https://${INGRESS.host}`;
      const trusting = await fetchTrusting(tls.ca);
      const https = new BrowserClient(origin, trusting.fetch);
      await waitFor(`${origin}/ready through the Ingress`, async () => ((await https.get('/ready').catch(() => undefined))?.status === 200 ? true : undefined), { timeoutMs: 60_000 });

      const plain = await fetch(`http://${INGRESS.host}/login?next=%2Ftasks`, { redirect: 'manual' });
      say(`http://${INGRESS.host}/login?next=%2Ftasks → ${plain.status} ${plain.headers.get('location')}`);
      expect([301, 308], 'plain HTTP answers a permanent redirect').toContain(plain.status);
      expect(plain.headers.get('location')).toBe(`${origin}/login?next=%2Ftasks`);
      const page = await https.get('/login');
      expect(page.status).toBe(200);

      const ingressUser = newUser('ingress');
      await userJourney(https, ingressUser);
      say(`cookies over ${origin}: ${https.cookieNames.join(', ')}`);
      expect(https.cookieNames.length).toBeGreaterThan(0);
      for (const name of https.cookieNames) expect(name, 'a Secure session cookie is a __Host- one').toMatch(/^__Host-/);

      const scanner = setting('OBSERVATORY');
      if (!scanner) throw new Error('OBSERVATORY is not set: run bash tools/ci/setup/45-web-scanners.sh (it installs the scanner and writes OBSERVATORY to dist/test-results/env)');
      say(`$ NODE_EXTRA_CA_CERTS=<test CA> node ${scanner} ${INGRESS.host}`);
      const scanned = run(target, process.execPath, [scanner, INGRESS.host], { env: { NODE_EXTRA_CA_CERTS: tls.ca }, allowFailure: true });
      const report = JSON.parse(scanned.stdout || '{}') as { error?: string; scan?: { grade: string; score: number; testsPassed: number; testsQuantity: number }; tests?: Record<string, { result: string; scoreModifier: number; pass: boolean }> };
      expect(report.error, `the scan ran: ${scanned.stderr.slice(-500)}`).toBeUndefined();
      for (const [name, test] of Object.entries(report.tests ?? {})) say(`    ${test.pass ? 'pass' : 'FAIL'} ${name}: ${test.result} (${test.scoreModifier >= 0 ? '+' : ''}${test.scoreModifier})`);
      say(`HTTP Observatory on ${origin}: grade ${report.scan?.grade}, score ${report.scan?.score}, ${report.scan?.testsPassed}/${report.scan?.testsQuantity} tests passed`);
      expect(report.scan?.grade).toBe('A+');
      await trusting.close();

      // Lighthouse with the CSP on: best practices must be 100. Performance is printed, not asserted: on a shared
      // CI machine the other work decides its total blocking time (docs/security.md has quiet-machine numbers).
      const lighthouse = setting('LIGHTHOUSE');
      const chromium = setting('CHROMIUM_PATH');
      if (!lighthouse || !chromium) throw new Error('LIGHTHOUSE or CHROMIUM_PATH is not set: run bash tools/ci/setup/40-chromium.sh and tools/ci/setup/45-web-scanners.sh');
      for (const path of ['/', '/login']) {
        const reportFile = join(work, `lighthouse${path.replace(/\//g, '_')}.json`);
        const args = [
          lighthouse, `${origin}${path}`, '--preset=desktop', '--only-categories=performance,best-practices', '--output=json', `--output-path=${reportFile}`, '--quiet',
          // The test CA is not in Chromium's trust store; the Observatory above checked the certificate chain.
          '--chrome-flags=--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors',
        ];
        // Two failures of the browser, not of the page, are run again, up to 3 times; any other fails the step:
        // a trace Lighthouse could not record (NO_NAVSTART, seen under CI load), which ends with its own advice
        // "Please run Lighthouse again", and a Chromium that did not open its DevTools port in time under load
        // ("Unable to connect to Chrome", seen once in a gate on 2026-12-02).
        for (let attempt = 1; ; attempt += 1) {
          const audited = run(target, process.execPath, args, { env: { CHROME_PATH: chromium }, allowFailure: true });
          if (audited.status === 0) break;
          const again = /Please run Lighthouse again|Unable to connect to Chrome/.test(audited.stderr);
          if (!again || attempt === 3) throw new Error(`Lighthouse on ${origin}${path} failed (exit ${audited.status}, attempt ${attempt}):\n${audited.stderr.slice(-2000)}`);
          say(`Lighthouse on ${path}: ${audited.stderr.trim().split('\n').pop()}; running it again (attempt ${attempt + 1} of 3)`);
        }
        const { categories } = JSON.parse(readFileSync(reportFile, 'utf8')) as { categories: Record<string, { score: number | null }> };
        const score = (name: string) => Math.round((categories[name]?.score ?? 0) * 100);
        say(`Lighthouse (desktop) ${origin}${path}: performance ${score('performance')}, best practices ${score('best-practices')}`);
        expect(score('best-practices'), `Lighthouse best practices on ${path}`).toBe(100);
      }
    }),
  );

  it(
    '11. drains a node while loops send requests: 0 failed requests, one Ready replica per app at every moment (the PDBs), the pods moved off the node; after uncordon, an eviction past a PDB is refused',
    timed('node drain under load', async () => {
      const before = pods();
      const hosted = (node: string) => before.filter((p) => p.node === node).length;
      const [drained] = clusterNodes(target).map((node) => node.name).filter((node) => node !== keptNode && hosted(node) > 0).sort((a, b) => hosted(b) - hosted(a));
      if (!drained) throw new Error(`no node other than ${keptNode} (the database's) runs a replica of the release:\n${describePods(before)}`);
      say(`draining ${drained}, which runs ${before.filter((p) => p.node === drained).map((p) => p.name).join(', ')}`);
      // A pod no controller manages stops a drain (kubectl drain refuses it without --force); step 5's probe has done its work.
      // Not blocking the event loop meanwhile: the client must see the server close its idle keep-alive
      // connections (seen: a request sent on one as the load began, "other side closed", before any eviction).
      await runAsync(target, 'kubectl', ['--context', target.context, '-n', OUTSIDER, 'delete', 'pod', PROBE_NAME, '--ignore-not-found', '--wait=true']);

      const timeline: string[] = [];
      const lowest: Record<App, number> = { backend: 2, frontend: 2 };
      const begun = Date.now();
      const sample = () => {
        const now = pods();
        const ready = Object.fromEntries(APPS.map((app) => [app, now.filter((p) => p.component === app && p.ready)])) as Record<App, PodState[]>;
        for (const app of APPS) lowest[app] = Math.min(lowest[app], ready[app].length);
        timeline.push(`${((Date.now() - begun) / 1000).toFixed(1)}s: ${APPS.map((app) => `${app} ${ready[app].length} Ready (${ready[app].map((p) => p.node).join(', ') || 'none'})`).join(', ')}`);
      };
      const sampler = every(500, sample);
      const load = steadyStream(browser, 3);
      let drainOutput = '';
      try {
        const drain = await runAsync(target, 'kubectl', ['--context', target.context, 'drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s']);
        drainOutput = `${drain.stdout}${drain.stderr}`;
        await waitFor(`2 Ready pods per app again, none on ${drained}`, () => {
          const now = runningExactly(images);
          return now && now.every((p) => p.node !== drained) ? true : undefined;
        }, { timeoutMs: 180_000, intervalMs: 1000 });
      } finally {
        await load.stop();
        await sampler.stop();
        run(target, 'kubectl', ['--context', target.context, 'uncordon', drained], { allowFailure: true });
      }
      for (const line of drainOutput.trim().split('\n')) say(`    | ${line}`);
      for (const line of timeline) say(`  ${line}`);
      say(`drain of ${drained}: ${load.sent} requests, ${load.failures.length} failed; fewest Ready replicas meanwhile: ${APPS.map((app) => `${app} ${lowest[app]}`).join(', ')}`);
      expect(load.failures, 'requests that failed while the node was drained').toEqual([]);
      for (const app of APPS) expect(lowest[app], `${app}: Ready replicas never below what its PDB keeps (maxUnavailable 1 of 2)`).toBeGreaterThanOrEqual(1);
      expect(drainOutput).toMatch(new RegExp(`node/${drained} drained`));

      // The budget itself, on the API: of two evictions back to back, the first is let through, the second
      // (its replacement not Ready yet) is refused. Under load again, with the node back, so the evicted ones spread.
      const again = steadyStream(browser, 2);
      try {
        for (const app of APPS) {
          const [first, second] = pods().filter((p) => p.component === app && p.ready);
          const allowed = evict(first.name);
          const refused = evict(second.name);
          say(`${app}: evicting ${first.name}: ${allowed.accepted ? 'accepted' : `refused (${allowed.answer})`}; then ${second.name}: ${refused.accepted ? 'accepted' : `refused (${refused.answer})`}`);
          expect(allowed.accepted, `the first eviction of a ${app} pod, within the PDB: ${allowed.answer}`).toBe(true);
          expect(refused.accepted, `the second eviction of a ${app} pod, past the PDB`).toBe(false);
          expect(refused.answer).toMatch(/disruption budget/);
        }
        await waitFor('2 Ready pods per app after the evictions', () => runningExactly(images), { timeoutMs: 180_000 });
      } finally {
        await again.stop();
      }
      say(`evictions: ${again.sent} requests, ${again.failures.length} failed; placement now ${JSON.stringify(nodesOf(pods()))}`);
      expect(again.failures, 'requests that failed around the evictions').toEqual([]);
      expect(await tasksWhenServed(browser)).toEqual(tasks);
    }),
  );

  it(
    "12. helm uninstall leaves nothing but the user's Secrets (credentials, TLS): no Jobs, hook Secrets, ServiceAccounts, ConfigMaps or release records",
    timed('uninstall', async () => {
      helm.run(['uninstall', RELEASE, '--wait', '--timeout', '5m']);
      const kinds = run(target, 'kubectl', ['--context', target.context, 'api-resources', '--verbs=list', '--namespaced', '-o', 'name']).stdout.trim().split('\n').filter((kind) => kind && !kind.startsWith('events'));
      // What a namespace holds by itself (its default ServiceAccount and CA bundle) and the user's own Secrets.
      const expected = ['configmap/kube-root-ca.crt', `secret/${SECRET}`, ...(INGRESS ? [`secret/${INGRESS.secretName}`] : []), 'serviceaccount/default'];
      let left: string[] = [];
      await waitFor(`namespace ${NAMESPACE} holding only ${expected.join(', ')}`, () => {
        left = k(['get', kinds.join(','), '-o', 'name']).stdout.trim().split('\n').filter(Boolean).sort();
        return JSON.stringify(left) === JSON.stringify(expected) ? true : undefined;
      }, { timeoutMs: 120_000 }).catch((error: Error) => {
        throw new Error(`${error.message}; left: ${left.join(', ')}`);
      });
      expect(helm.run(['status', RELEASE], true).status, 'helm knows no such release').not.toBe(0);
      expect(secretValue('DATABASE_URL'), "the user's Secret is untouched").toBe(DATABASE_URL);
    }),
  );
});
