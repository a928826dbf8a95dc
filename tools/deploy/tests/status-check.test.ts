import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessRollout, findingAfterHelmFailed, readinessBudgetSeconds, statusBaseline, type Finding, type LogRef, type Snapshot, type StatusState } from '../src/status.mjs';

// Real polls of the sandbox cluster during real deploys (see tests/fixtures/README.md).
type Poll = Snapshot & { at: number };
type Fixture = { scenario: string; polls: { at: number; objects: string[]; events: string[] }[]; store: Record<string, unknown> };

function polls(name: string): Poll[] {
  const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8')) as Fixture;
  return fixture.polls.map((poll) => ({ at: poll.at, objects: poll.objects.map((key) => fixture.store[key]), events: poll.events.map((key) => fixture.store[key]) }));
}

/** The status check over a recorded deploy: the first poll is what ran before it, the others come at their real times. */
function replay(name: string) {
  const [before, ...during] = polls(name);
  let state: StatusState = statusBaseline(before);
  const lines: string[] = [];
  const logs: LogRef[] = [];
  for (const poll of during) {
    const result = assessRollout(state, poll, poll.at * 1000);
    state = result.state;
    lines.push(...result.lines);
    logs.push(...result.logs);
    if (result.fatal) return { lines, logs, state, fatal: result.fatal as Finding, at: poll.at };
  }
  return { lines, logs, state, fatal: undefined, at: undefined };
}

describe('status check while Helm waits', () => {
  it('prints the progress of a first install that succeeds and finds nothing to stop it', () => {
    const run = replay('first-install-healthy');
    expect(run.fatal).toBeUndefined();
    expect(run.lines).toEqual([
      'migrate job: starting (pod todo-app-migrate-z7r5g)',
      'migrate job: running (pod todo-app-migrate-z7r5g)',
      'migrate job: complete',
      'backend 0/2 ready (2 updated)',
      'frontend 0/2 ready (2 updated)',
      'backend 2/2 ready',
      'frontend 1/2 ready (2 updated)',
      'frontend 2/2 ready',
    ]);
    expect(run.logs).toEqual([]);
  });

  it('stops at once when a hook Job cannot create its pod because its ServiceAccount does not exist', () => {
    const run = replay('first-install-serviceaccount-missing');
    expect(run.fatal).toMatchObject({ object: 'Job/todo-app-migrate', reason: 'FailedCreate' });
    expect(run.fatal?.message).toContain('error looking up service account deploytool-sa/todo-app: serviceaccount "todo-app" not found');
    expect(run.fatal?.next).toContain('ServiceAccount');
    // The first poll that saw the Job.
    expect(run.at).toBe(polls('first-install-serviceaccount-missing')[1].at);
  });

  it('takes a FailedCreate that Kubernetes retries by itself (over quota) as progress, not as a stop', () => {
    const [before, failed] = polls('first-install-serviceaccount-missing');
    const quota = structuredClone(failed);
    quota.events[0].message = 'Error creating: pods "todo-app-migrate-x" is forbidden: exceeded quota: compute, requested: cpu=50m, used: cpu=2, limited: cpu=2';
    const result = assessRollout(statusBaseline(before), quota, 0);
    expect(result.fatal).toBeUndefined();
    expect(result.lines).toContain(`Job/todo-app-migrate: FailedCreate: ${quota.events[0].message} (Kubernetes retries)`);
  });

  it('stops when the registry does not have the image (ErrImagePull: not found)', () => {
    const run = replay('upgrade-image-not-in-registry');
    expect(run.fatal).toMatchObject({ object: 'Pod/todo-app-migrate-bsk6v', reason: 'ErrImagePull' });
    expect(run.fatal?.message).toMatch(/backend@sha256:0{64}: not found$/);
    expect(run.fatal?.cause).toBe(`container migrate of pod todo-app-migrate-bsk6v: the registry does not have 127.0.0.1:5001/deploytool/todo-app/backend@sha256:${'0'.repeat(64)}`);
  });

  it('waits through an ErrImagePull that a retry may cure, and stops on the ImagePullBackOff that follows', () => {
    const run = replay('upgrade-image-pull-backoff');
    expect(run.lines).toContain('migrate pod todo-app-migrate-qxmgh: migrate ErrImagePull');
    expect(run.fatal).toMatchObject({ object: 'Pod/todo-app-migrate-qxmgh', reason: 'ImagePullBackOff' });
    expect(run.fatal?.cause).toBe('container migrate of pod todo-app-migrate-qxmgh cannot pull its image todo-app/backend:doesnotexist1');
    expect(run.at).toBeGreaterThan(polls('upgrade-image-pull-backoff').find((poll) => JSON.stringify(poll.objects).includes('"ErrImagePull"'))?.at ?? Infinity);
  });

  it('stops on an image the node does not have with pull policy Never', () => {
    const run = replay('upgrade-image-never-pull');
    expect(run.fatal).toMatchObject({
      object: 'Pod/todo-app-migrate-q4j8l',
      reason: 'ErrImageNeverPull',
      message: 'Container image "todo-app/backend:doesnotexist1" is not present with pull policy of Never',
    });
  });

  it('stops on CrashLoopBackOff with the log of the crashed instance, asked for as soon as it exited', () => {
    const run = replay('upgrade-backend-exits');
    expect(run.fatal).toMatchObject({ object: 'Pod/todo-app-backend-5cdcc8bcfb-9sgmz', reason: 'CrashLoopBackOff' });
    expect(run.fatal?.message).toContain('back-off 10s restarting failed container=backend');
    expect(run.fatal?.message).toContain('last exit: exit code 1 (Error)');
    expect(run.lines).toContain('backend pod todo-app-backend-5cdcc8bcfb-9sgmz: backend exited with exit code 1 (Error)');
    // Its log is the previous instance's, and the CLI had already been asked to fetch it.
    expect(run.fatal?.log).toMatchObject({ pod: 'todo-app-backend-5cdcc8bcfb-9sgmz', container: 'backend', previous: true });
    expect(run.logs.map((log) => log.key)).toContain(run.fatal?.log?.key);
    expect(run.logs[0]).toMatchObject({ previous: false, exit: 'exit code 1 (Error)' });
  });

  it('stops when the hook Job has failed its last attempt, before Helm deletes it, with that attempt’s log', () => {
    const run = replay('upgrade-migration-fails');
    expect(run.fatal).toMatchObject({ object: 'Job/todo-app-migrate', reason: 'BackoffLimitExceeded', message: 'all 2 attempts failed (backoffLimit 1)' });
    expect(run.fatal?.log).toMatchObject({ pod: 'todo-app-migrate-h7kgp', container: 'migrate', previous: false });
    expect(run.fatal?.next).toContain('DATABASE_URL');
    expect(run.lines).toContain('migrate job: running (pod todo-app-migrate-h7kgp), 1 of 2 attempts failed');
    // Each failed attempt's log was asked for when it ended, while the pod still existed.
    expect(run.logs.map((log) => log.pod)).toEqual(['todo-app-migrate-2nd6c', 'todo-app-migrate-h7kgp']);
  });

  it('after Helm failed first, names the failed hook Job from the pods it saw', () => {
    const all = polls('upgrade-migration-fails');
    // As if Helm had seen the verdict first and deleted the Job: the check saw only the polls before its own verdict.
    let state = statusBaseline(all[0]);
    for (const poll of all.slice(1)) {
      const result = assessRollout(state, poll, poll.at * 1000);
      if (result.fatal) break;
      state = result.state;
    }
    const finding = findingAfterHelmFailed(state, 'UPGRADE FAILED: pre-upgrade hooks failed: resource Job/deploytool-prod/todo-app-migrate not ready. status: Failed');
    expect(finding).toMatchObject({ object: 'Job/todo-app-migrate', log: { pod: 'todo-app-migrate-2nd6c' } });
    expect(finding?.cause).toBe('Job/todo-app-migrate failed (last pod: exit code 1 (Error))');
    expect(findingAfterHelmFailed(statusBaseline(all[0]), 'timed out waiting for the condition')).toBeUndefined();
  });

  it('never blames the running release: its pods and events from before the deploy', () => {
    const all = polls('upgrade-backend-exits');
    const crashing = all.find((poll) => JSON.stringify(poll.objects).includes('"CrashLoopBackOff"'));
    if (!crashing) throw new Error('fixture has no CrashLoopBackOff');
    // A deploy that starts while a pod crash-loops (a fix being shipped) is not stopped by that pod.
    const result = assessRollout(statusBaseline(crashing), crashing, 0);
    expect(result.fatal).toBeUndefined();
    expect(result.lines).toEqual([]);
  });
});

describe('readiness past the probe budget', () => {
  const pod = (fixture: string, name: string) => polls(fixture).flatMap((poll) => poll.objects).find((o) => o.kind === 'Pod' && o.metadata.name === name);

  it('allows what the startup probe allows plus what the readiness probe needs to fail: initialDelay + failureThreshold × period (+ timeout)', () => {
    // The chart's backend probes: startup 60 × 2 s; readiness 2 × 5 s + 3 s timeout.
    expect(readinessBudgetSeconds(pod('first-install-healthy', 'todo-app-backend-6d78dc6-f92xz').spec.containers[0])).toBe(60 * 2 + 2 * 5 + 3);
    // The same with --set backend.probes.startup.failureThreshold=3.
    expect(readinessBudgetSeconds(pod('upgrade-readiness-fails', 'todo-app-backend-69d874c8bf-9sn2f').spec.containers[0])).toBe(3 * 2 + 2 * 5 + 3);
    // Kubernetes' defaults for unset fields; no readiness probe, no budget.
    expect(readinessBudgetSeconds({ readinessProbe: {} })).toBe(3 * 10 + 1);
    expect(readinessBudgetSeconds({ readinessProbe: { initialDelaySeconds: 5 }, startupProbe: { periodSeconds: 1, failureThreshold: 30 } })).toBe(30 + 5 + 30 + 1);
    expect(readinessBudgetSeconds({ name: 'migrate' })).toBeUndefined();
  });

  it('stops once a started container has stayed not ready for longer than its budget, not sooner', () => {
    const all = polls('upgrade-readiness-fails');
    const firstSeen = all.find((poll) => poll !== all[0] && poll.objects.some((o) => o.metadata.name === 'todo-app-backend-69d874c8bf-9sn2f'));
    // The last poll before Helm's rollback began to delete it.
    const notReady = [...all].reverse().find((poll) => poll.objects.some((o) => o.metadata.name === 'todo-app-backend-69d874c8bf-9sn2f' && !o.metadata.deletionTimestamp && o.status.containerStatuses?.[0]?.state?.running));
    if (!firstSeen || !notReady) throw new Error('fixture lacks the new backend pod');
    let state = statusBaseline(all[0]);
    const at = (poll: Poll, seconds: number) => {
      const result = assessRollout(state, poll, seconds * 1000);
      state = result.state;
      return result;
    };
    expect(at(firstSeen, firstSeen.at).fatal).toBeUndefined();
    expect(at(notReady, firstSeen.at + 10).lines).toContain('backend pod todo-app-backend-69d874c8bf-9sn2f: backend running, not ready yet (the status check allows 19s)');
    expect(at(notReady, firstSeen.at + 19).fatal).toBeUndefined();
    const late = at(notReady, firstSeen.at + 19.5).fatal;
    expect(late).toMatchObject({ object: 'Pod/todo-app-backend-69d874c8bf-9sn2f', reason: 'ReadinessProbeFailing', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' });
    expect(late?.cause).toBe('container backend of pod todo-app-backend-69d874c8bf-9sn2f is running but not ready after 19.5s, past what its probes allow (19s)');
    expect(late?.log).toMatchObject({ container: 'backend', previous: false });
  });
});
