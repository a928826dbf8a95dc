import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { releasePods, resolveTarget, run, say, setting, waitFor, WORKSPACE } from './support/cluster.js';
import { backendChange, imageRecord } from './support/deploy.js';
import { offlinePostgresImage } from './support/fixtures.js';
import { stepRunner } from './support/steps.js';

/**
 * The watch loop, as a developer runs it: `npx nx deploy backend --watch` deploys, follows the backend's
 * logs, rebuilds and rolls out on each save, and stops on Ctrl+C (SIGINT to its process group, as a
 * terminal sends it) leaving the release running. Its own namespace, removed afterwards.
 */
const target = resolveTarget();
if (target.skip) console.warn(`deploy-e2e watch skipped: ${target.skip}`);

const RELEASE = 'todo-app';
const NAMESPACE = `watch-e2e-${Date.now().toString(36)}`;
const change = backendChange('watch-e2e-change.ts');
/** The chart's database without a volume (the loop's subject is the backend), the frontend left out. */
const ARGS = ['--set=postgresql.persistence.enabled=false', '--set=frontend.replicaCount=0', '--set=frontend.service.type=ClusterIP'];

let loop: ChildProcess | undefined;
let exited: Promise<number | null> | undefined;
let output = '';

const backendPods = () => releasePods(target, NAMESPACE, RELEASE).filter((pod) => pod.component === 'backend');

/** The one Ready backend pod on `tag`, once it is the only backend pod left. */
function onlyBackendOn(tag: string) {
  const pods = backendPods();
  return pods.length === 1 && pods[0].ready && pods[0].image.endsWith(`:${tag}`) ? pods[0] : undefined;
}

/** `waiting`, unless the loop exits first: then a failure with the end of its output. */
function whileLoopRuns<T>(waiting: Promise<T>): Promise<T> {
  const died = (exited ?? Promise.resolve(null)).then((code) => {
    throw new Error(`the watch loop exited (code ${code}) while the suite waited on it; its last output:\n${output.slice(-2500)}`);
  });
  return Promise.race([waiting, died]);
}

/** What the loop printed after `mark` (an offset into its output). */
const since = (mark: number) => output.slice(mark);

/** Processes still running `kubectl ... logs -f` for this namespace (the loop's log stream). */
function logStreams(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return '';
      }
    })
    .filter((command) => command.includes(' logs -f ') && command.includes(NAMESPACE));
}

const { timed, sayTimings } = stepRunner();

describe.skipIf(Boolean(target.skip))(`nx deploy --watch on ${target.context || 'no cluster'} (namespace ${NAMESPACE})`, () => {
  let firstTag = '';
  let firstPod = '';

  beforeAll(() => {
    say(`cluster: context ${target.context}; namespace ${NAMESPACE}`);
    let databaseImage = setting('POSTGRES_IMAGE');
    if ((!databaseImage && target.sandbox) || databaseImage?.startsWith('todo-app/postgres:')) databaseImage = offlinePostgresImage(target);
    if (databaseImage) ARGS.push(`--db-image=${databaseImage}`);
  });

  afterAll(async () => {
    change.remove();
    if (loop?.pid && loop.exitCode === null && loop.signalCode === null) {
      say('the loop is still running: killing its process group');
      try {
        process.kill(-loop.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      await exited;
    }
    sayTimings();
    if (setting('DEPLOY_E2E_KEEP') === '1') return say(`DEPLOY_E2E_KEEP=1: namespace ${NAMESPACE} left in place`);
    say(`cleaning up: namespace ${NAMESPACE}`);
    run(target, 'kubectl', ['--context', target.context, 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=180s'], { allowFailure: true });
  });

  it(
    '1. npx nx deploy backend --watch deploys the backend, then streams its pod\'s logs',
    timed('first deploy and logs', async () => {
      const args = ['nx', 'deploy', 'backend', '--watch', '--configuration=dev', `--namespace=${NAMESPACE}`, `--context=${target.context}`, ...ARGS, '--outputStyle=stream'];
      say(`$ npx ${args.join(' ')}`);
      // Its own process group, so that SIGINT reaches Nx, the deploy tool and its children, as Ctrl+C does.
      const child = spawn('npx', args, { env: target.env, cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      loop = child;
      const take = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        for (const line of text.split('\n')) if (line.trim()) console.log(`    | ${line}`);
      };
      child.stdout?.on('data', take);
      child.stderr?.on('data', take);
      exited = new Promise((resolveExit) => child.on('close', (code) => resolveExit(code)));

      await whileLoopRuns(waitFor('the loop deployed the backend', () => (output.includes('watch: backend is up to date') ? true : undefined), { timeoutMs: 900_000 }));
      firstTag = imageRecord('backend').tag;
      const pod = await waitFor(`one backend pod Ready on ${firstTag}`, () => onlyBackendOn(firstTag));
      firstPod = pod.name;
      await waitFor(`the loop streams ${firstPod}'s log`, () => (output.includes(`[pod/${firstPod}/backend]`) && /Server listening/.test(output) ? true : undefined), { timeoutMs: 60_000 });
      expect(loop.exitCode, 'the loop keeps running after its first deploy').toBeNull();
    }),
  );

  it(
    '2. a saved backend change is rebuilt and rolled out: a new pod on a new content tag, whose log the loop then streams',
    timed('change rolled out', async () => {
      const mark = output.length;
      const saved = Date.now();
      change.write();
      await whileLoopRuns(waitFor('the loop to notice the save', () => (since(mark).includes('watch: changed: apps/backend/src/watch-e2e-change.ts') ? true : undefined), { timeoutMs: 60_000 }));
      const tag = await whileLoopRuns(
        waitFor('a new content tag recorded by the rebuild', () => {
          const now = imageRecord('backend').tag;
          return now !== firstTag ? now : undefined;
        }, { timeoutMs: 900_000 }),
      );
      const pod = await whileLoopRuns(waitFor(`the backend pod replaced by one Ready on ${tag}`, () => onlyBackendOn(tag), { timeoutMs: 600_000 }));
      say(`saved → new pod Ready: ${((Date.now() - saved) / 1000).toFixed(1)}s`);
      expect(pod.name).not.toBe(firstPod);
      await waitFor('the loop to report the cycle', () => (since(mark).includes('watch: backend is up to date') ? true : undefined), { timeoutMs: 120_000 });
      expect(since(mark)).toContain(`deployed: backend todo-app/backend:${tag}`);
      await waitFor(`the loop streams the new pod ${pod.name}'s log`, () => (since(mark).includes(`[pod/${pod.name}/backend]`) ? true : undefined), { timeoutMs: 60_000 });
    }),
  );

  it(
    '3. Ctrl+C stops the loop and its log stream; the release keeps running the last deploy',
    timed('Ctrl+C', async () => {
      const before = onlyBackendOn(imageRecord('backend').tag);
      expect(before, 'a Ready backend before Ctrl+C').toBeDefined();
      expect(logStreams().length, 'the loop follows the logs with kubectl logs -f').toBeGreaterThan(0);
      if (!loop?.pid) throw new Error('the loop of step 1 is not running');
      process.kill(-loop.pid, 'SIGINT');
      const code = await Promise.race([exited, new Promise((resolveLate) => setTimeout(() => resolveLate('still running'), 30_000))]);
      expect(code, 'the loop exits within 30 s of Ctrl+C').not.toBe('still running');
      // (Its last line, "watch: stopped (Ctrl+C) …", reaches a terminal; through a pipe Nx has exited before it comes.)
      await waitFor('no kubectl logs -f of the loop left', () => (logStreams().length === 0 ? true : undefined), { timeoutMs: 10_000 });
      const after = backendPods();
      expect(after.map((p) => [p.uid, p.ready])).toEqual([[before?.uid, true]]);
    }),
  );
});
