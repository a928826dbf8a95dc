// @ts-check
// The status check that runs while Helm waits (as Skaffold's does): from what the cluster shows of a release
// (its Jobs, Pods, Deployments, ReplicaSets, StatefulSets and Warning events) and the time, the progress lines
// to print and, when a state cannot recover, the finding that stops the deploy. Pure: the CLI polls and acts.

/**
 * @typedef {object} Snapshot one poll of the cluster
 * @property {any[]} objects items of `kubectl get jobs,pods,deployments,replicasets,statefulsets -l app.kubernetes.io/instance=<release> -o json`
 * @property {any[]} events items of `kubectl get events --field-selector type=Warning -o json` in the namespace
 */

/**
 * @typedef {object} LogRef a container instance that ended in an error, whose log the CLI fetches at once
 * (Helm deletes a failed hook Job and its pods right away)
 * @property {string} key identifies the instance (its containerID)
 * @property {string} pod
 * @property {string} container
 * @property {boolean} previous the instance has been replaced: `kubectl logs --previous`
 * @property {string} exit e.g. "exit code 1 (Error)"
 * @property {string} [finishedAt] when it ended (Kubernetes' time)
 * @property {string} [owner] kind/name of the pod's controller, e.g. Job/todo-app-migrate
 * @property {string} [component] app.kubernetes.io/component of the pod, e.g. migrate
 */

/**
 * @typedef {object} Finding why the deploy cannot succeed
 * @property {string} object kind/name, e.g. Job/todo-app-migrate
 * @property {string} reason Kubernetes' reason, e.g. FailedCreate, CrashLoopBackOff
 * @property {string} message Kubernetes' message
 * @property {string} cause one line: what failed
 * @property {string} next the next thing to try
 * @property {LogRef} [log] the failing container's log to print
 */

/**
 * @typedef {object} StatusState what the check remembers between polls
 * @property {Record<string, true>} preexisting uids of the pods and Jobs there before the deploy (the running release's)
 * @property {Record<string, number>} occurrences per Warning event uid, how often it had happened when last seen
 * @property {Record<string, { kind: string, name: string }>} seen every release object observed, by uid (its events outlive it)
 * @property {Record<string, string>} printed last progress line per object
 * @property {Record<string, number>} notReadySince per container instance, when it was first seen running and not ready (ms)
 * @property {Record<string, LogRef>} failures per pod and per Job uid, its latest container instance that ended in an error
 * @property {Record<string, true>} logsRequested
 * @property {LogRef | undefined} lastFailure the latest container instance that ended in an error, for when Helm fails first
 */

const COMPONENT = 'app.kubernetes.io/component';
const PENDING_WAITING = new Set(['ContainerCreating', 'PodInitializing']);
/** A container not ready for this long gets a progress line (most become ready sooner). */
const SLOW_READY_SECONDS = 10;
/** FailedCreate messages that clear up by themselves (a surge pod over quota, an API hiccup). */
const TRANSIENT_CREATE = /exceeded quota|context deadline exceeded|timed? ?out|try again|connection refused|the object has been modified/i;
/** ErrImagePull that no retry can fix: the reference does not exist in the registry. */
const IMAGE_NOT_FOUND = /not found|manifest unknown|name unknown/i;

/**
 * Waiting reasons that no wait cures, with what to say about them.
 * @type {Record<string, (c: { subject: string, image: string }) => { cause: string, next: string }>}
 */
const FATAL_WAITING = {
  ImagePullBackOff: ({ subject, image }) => ({
    cause: `${subject} cannot pull its image ${image}`,
    next: 'check that the image exists: with a registry, that the push went to the registry the cluster pulls from; without one, that the load step loaded it into this cluster (docs/troubleshooting.md#image-not-in-the-cluster)',
  }),
  ErrImagePull: ({ subject, image }) => ({
    cause: `${subject}: the registry does not have ${image}`,
    next: 'push the image again (deploy again; the push step prints the digest) and check that the cluster pulls from the registry you pushed to',
  }),
  ErrImageNeverPull: ({ subject, image }) => ({
    cause: `${subject}: ${image} is not in the node's image store and its pull policy is Never`,
    next: 'load the image into the cluster (deploy again: its load step does) or push it to a registry (--registry)',
  }),
  InvalidImageName: ({ subject, image }) => ({
    cause: `${subject}: "${image}" is not a valid image reference`,
    next: 'check <app>.image.registry, .repository, .tag and .digest in your values and --set flags',
  }),
  CreateContainerConfigError: ({ subject }) => ({
    cause: `${subject} cannot start: a Secret or ConfigMap (or a key in it) that it reads is missing`,
    next: 'create what the message names, e.g. `npx todo-secrets --namespace <ns> --secret-name <name> --from-env` (docs/secrets.md), then deploy again',
  }),
  CrashLoopBackOff: ({ subject }) => ({
    cause: `${subject} keeps exiting at start-up`,
    next: 'its log above says why (the backend names the invalid setting); fix the value or the Secret, then deploy again (docs/troubleshooting.md#crashloopbackoff-from-missing-or-invalid-configuration)',
  }),
};

/**
 * How long a running container may stay not ready before its readiness counts as failed for good: what its
 * startup probe allows (initialDelaySeconds + failureThreshold × periodSeconds), for dependencies still coming
 * up, plus what its readiness probe needs to fail by Kubernetes' own rule (initialDelaySeconds +
 * failureThreshold × periodSeconds + timeoutSeconds). Kubernetes' defaults apply to unset fields.
 * @param {any} container a pod spec container
 * @returns {number | undefined} seconds; undefined without a readiness probe
 */
export function readinessBudgetSeconds(container) {
  const probe = container?.readinessProbe;
  if (!probe) return undefined;
  /** @param {any} p */
  const failing = (p) => (p.initialDelaySeconds ?? 0) + (p.failureThreshold ?? 3) * (p.periodSeconds ?? 10);
  return (container.startupProbe ? failing(container.startupProbe) : 0) + failing(probe) + (probe.timeoutSeconds ?? 1);
}

/** @param {any} event */
function occurrences(event) {
  return event.count ?? event.series?.count ?? 1;
}

/**
 * The state before the deploy changes anything: what exists already is the running release's, not this deploy's.
 * @param {Snapshot} snapshot
 * @returns {StatusState}
 */
export function statusBaseline(snapshot) {
  return {
    preexisting: Object.fromEntries(snapshot.objects.filter((o) => o.kind === 'Pod' || o.kind === 'Job').map((o) => [o.metadata.uid, true])),
    occurrences: Object.fromEntries(snapshot.events.map((e) => [e.metadata.uid, occurrences(e)])),
    seen: Object.fromEntries(snapshot.objects.map((o) => [o.metadata.uid, { kind: o.kind, name: o.metadata.name }])),
    // The workloads as the running release has them: only their changes are news.
    printed: Object.fromEntries(snapshot.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [o.metadata.uid, workloadLine(o)])),
    notReadySince: {},
    failures: {},
    logsRequested: {},
    lastFailure: undefined,
  };
}

/** @param {any} object */
function componentOf(object) {
  return object.metadata?.labels?.[COMPONENT] ?? object.metadata.name;
}

/** @param {any} object */
function ownerUid(object) {
  return object.metadata?.ownerReferences?.find((/** @type {any} */ o) => o.controller)?.uid;
}

/** @param {any} job @param {string} type */
function condition(job, type) {
  return job.status?.conditions?.find((/** @type {any} */ c) => c.type === type && c.status === 'True');
}

/** @param {any} terminated */
function exitText(terminated) {
  return `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`;
}

/**
 * A pod that will not run again: failed, or (restartPolicy Never) a container ended in an error and the phase has
 * not caught up yet.
 * @param {any} pod
 */
function podFailed(pod) {
  if (pod.status?.phase === 'Failed') return true;
  return pod.spec?.restartPolicy === 'Never' && (pod.status?.containerStatuses ?? []).some((/** @type {any} */ c) => c.state?.terminated?.exitCode);
}

/** @param {LogRef} failure @param {LogRef | undefined} than */
function endedLater(failure, than) {
  return !than || String(failure.finishedAt ?? '') >= String(than.finishedAt ?? '');
}

/** @param {any} deployment @param {any[]} replicaSets */
function currentReplicaSet(deployment, replicaSets) {
  const revision = deployment.metadata.annotations?.['deployment.kubernetes.io/revision'];
  return replicaSets.find((rs) => ownerUid(rs) === deployment.metadata.uid && rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision);
}

/** @param {any} deployment */
function deploymentLine(deployment) {
  const desired = deployment.spec?.replicas ?? 1;
  const s = deployment.status ?? {};
  const ready = s.readyReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const done = (s.observedGeneration ?? 0) >= deployment.metadata.generation && updated === desired && ready === desired && (s.replicas ?? 0) === desired;
  return `${componentOf(deployment)} ${ready}/${desired} ready${done ? '' : ` (${updated} updated)`}`;
}

/** @param {any} workload a Deployment or StatefulSet */
function workloadLine(workload) {
  return workload.kind === 'Deployment' ? deploymentLine(workload) : `${componentOf(workload)} ${workload.status?.readyReplicas ?? 0}/${workload.spec?.replicas ?? 1} ready`;
}

/**
 * A Job's attempts as its pods show them; the pods are ahead of the Job's status by a poll or two.
 * @param {any} job
 * @param {any[]} pods
 */
function jobAttempts(job, pods) {
  const own = pods.filter((p) => ownerUid(p) === job.metadata.uid);
  const active = own.filter((p) => !p.metadata.deletionTimestamp && !podFailed(p) && p.status?.phase !== 'Succeeded');
  return {
    /** The Job's own verdict, when Kubernetes has given one. */
    verdict: condition(job, 'Failed') ?? condition(job, 'FailureTarget'),
    allowed: (job.spec?.backoffLimit ?? 6) + 1,
    failed: Math.max(job.status?.failed ?? 0, own.filter(podFailed).length),
    succeeded: Boolean(condition(job, 'Complete')) || (job.status?.succeeded ?? 0) >= (job.spec?.completions ?? 1) || own.some((p) => p.status?.phase === 'Succeeded'),
    newest: active.sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))).at(-1),
  };
}

/** @param {any} job @param {any[]} pods */
function jobLine(job, pods) {
  const name = `${componentOf(job)} job`;
  const { verdict, allowed, failed, succeeded, newest } = jobAttempts(job, pods);
  if (succeeded) return `${name}: complete`;
  if (verdict) return `${name}: failed (${verdict.reason})`;
  if (failed >= allowed) return `${name}: all ${allowed} attempts failed`;
  const retries = failed ? `, ${failed} of ${allowed} attempts failed` : '';
  if (newest) return `${name}: ${newest.status?.phase === 'Running' ? 'running' : 'starting'} (pod ${newest.metadata.name})${retries}`;
  return failed ? `${name}: next attempt after ${failed} of ${allowed} failed` : `${name}: waiting for its pod`;
}

/**
 * One poll: what changed since the last one, and whether the deploy can still succeed.
 * @param {StatusState} previous
 * @param {Snapshot} snapshot
 * @param {number} now ms
 * @returns {{ state: StatusState, lines: string[], logs: LogRef[], fatal: Finding | undefined }}
 */
export function assessRollout(previous, snapshot, now) {
  const state = {
    ...previous,
    seen: { ...previous.seen },
    printed: { ...previous.printed },
    notReadySince: {},
    failures: { ...previous.failures },
    logsRequested: { ...previous.logsRequested },
    occurrences: { ...previous.occurrences },
  };
  /** @type {string[]} */
  const lines = [];
  /** @type {LogRef[]} */
  const logs = [];
  /** @type {Finding[]} */
  const findings = [];
  /** @param {string} key @param {string} line */
  const report = (key, line) => {
    if (state.printed[key] !== line) lines.push(line);
    state.printed[key] = line;
  };
  const of = (/** @type {string} */ kind) => snapshot.objects.filter((o) => o.kind === kind);
  const [jobs, pods, deployments, replicaSets, statefulSets] = ['Job', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet'].map(of);
  for (const object of snapshot.objects) state.seen[object.metadata.uid] = { kind: object.kind, name: object.metadata.name };

  const newJobs = jobs.filter((j) => !previous.preexisting[j.metadata.uid]);
  const newPods = pods.filter((p) => !previous.preexisting[p.metadata.uid] && !p.metadata.deletionTimestamp);
  const currentReplicaSets = new Set(deployments.map((d) => currentReplicaSet(d, replicaSets)?.metadata.uid).filter(Boolean));

  for (const job of newJobs) report(job.metadata.uid, jobLine(job, pods));
  for (const workload of [...deployments, ...statefulSets]) report(workload.metadata.uid, workloadLine(workload));

  findings.push(...refusedCreations(snapshot.events, { state, previous, currentReplicaSets, report }));
  for (const pod of newPods) assessPod(pod, { state, previous, now, report, logs, findings, events: snapshot.events });
  findings.push(...failedJobs(newJobs, pods, state));
  return { state, lines, logs, fatal: findings[0] };
}

/**
 * Pod creation the API refused (a missing ServiceAccount, an admission policy): the controller only retries the
 * same refusal. Only new occurrences on this deploy's Jobs and ReplicaSets count.
 * @param {any[]} events
 * @param {{ state: StatusState, previous: StatusState, currentReplicaSets: Set<string>, report: (key: string, line: string) => void }} context
 * @returns {Finding[]}
 */
function refusedCreations(events, { state, previous, currentReplicaSets, report }) {
  /** @type {Finding[]} */
  const findings = [];
  for (const event of events) {
    const involved = event.involvedObject ?? {};
    const count = occurrences(event);
    const fresh = count > (state.occurrences[event.metadata.uid] ?? 0);
    state.occurrences[event.metadata.uid] = count;
    if (!fresh || event.reason !== 'FailedCreate') continue;
    const ours =
      involved.kind === 'Job' ? involved.uid in state.seen && !previous.preexisting[involved.uid]
      : involved.kind === 'ReplicaSet' ? currentReplicaSets.has(involved.uid)
      : involved.kind === 'StatefulSet' && involved.uid in state.seen;
    if (!ours) continue;
    const object = `${involved.kind}/${involved.name}`;
    if (TRANSIENT_CREATE.test(event.message ?? '')) {
      report(`${involved.uid}/create`, `${object}: ${event.reason}: ${event.message} (Kubernetes retries)`);
      continue;
    }
    findings.push({
      object,
      reason: event.reason,
      message: event.message ?? '',
      cause: `${object} cannot create its pods: ${event.message}`,
      next: /service ?account/i.test(event.message ?? '')
        ? 'the pod names a ServiceAccount that does not exist when it is created (a hook runs before the chart creates it); fix the chart or create the ServiceAccount, then deploy again'
        : 'fix what the message names (a missing ServiceAccount, Secret or a policy that refuses the pod), then deploy again',
    });
  }
  return findings;
}

/**
 * This deploy's Jobs that failed, or whose last allowed attempt failed: Helm deletes a failed hook at once,
 * so the check does not wait for the Job's own verdict.
 * @param {any[]} jobs
 * @param {any[]} pods
 * @param {StatusState} state
 * @returns {Finding[]}
 */
function failedJobs(jobs, pods, state) {
  return jobs.flatMap((job) => {
    const { verdict, allowed, failed } = jobAttempts(job, pods);
    if (!verdict && failed < allowed) return [];
    return [
      jobFinding({
        object: `Job/${job.metadata.name}`,
        component: componentOf(job),
        reason: verdict?.reason ?? 'BackoffLimitExceeded',
        message: verdict?.message ?? `all ${allowed} attempts failed (backoffLimit ${allowed - 1})`,
        log: state.failures[job.metadata.uid],
      }),
    ];
  });
}

/**
 * @param {{ object: string, component: string | undefined, reason: string, message: string, log: LogRef | undefined }} failure
 * @returns {Finding}
 */
function jobFinding({ object, component, reason, message, log }) {
  return {
    object,
    reason,
    message,
    log,
    cause: `${object} failed (${[reason === 'Failed' ? '' : reason, log ? `last pod: ${log.exit}` : ''].filter(Boolean).join(', ')})`,
    next:
      component === 'migrate'
        ? 'the migration log above says why; check DATABASE_URL in the Secret (host, port, credentials; `npx todo-secrets --from-env` sets it) and that the database accepts connections from the cluster, then deploy again'
        : 'the Job log above says why; fix it, then deploy again',
  };
}

/**
 * What to tell the user when Helm failed before the status check found a reason (Helm's own watcher can see a
 * failed hook Job first, and deletes it): the last container that ended in an error, if there was one.
 * @param {StatusState} state
 * @param {string} helmError Helm's last `Error:` line
 * @returns {Finding | undefined}
 */
export function findingAfterHelmFailed(state, helmError) {
  const log = state.lastFailure;
  if (!log) return undefined;
  if (log.owner?.startsWith('Job/')) return jobFinding({ object: log.owner, component: log.component, reason: 'Failed', message: helmError, log });
  return {
    object: `Pod/${log.pod}`,
    reason: log.exit,
    message: helmError,
    log,
    cause: `container ${log.container} of pod ${log.pod} ended with ${log.exit}`,
    next: 'its log above says why; fix it, then deploy again',
  };
}

/**
 * @param {any} pod
 * @param {{ state: StatusState, previous: StatusState, now: number, report: (key: string, line: string) => void, logs: LogRef[], findings: Finding[], events: any[] }} context
 */
function assessPod(pod, context) {
  const { state, report, logs, findings } = context;
  const prefix = `${componentOf(pod)} pod ${pod.metadata.name}`;
  const unschedulable = pod.status?.conditions?.find((/** @type {any} */ c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unschedulable) report(`${pod.metadata.uid}/scheduled`, `${prefix}: not scheduled (${unschedulable.reason}: ${unschedulable.message})`);
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const key = `${pod.metadata.uid}/${status.name}`;
    const failure = recordFailedInstance(pod, status, state);
    if (failure && !state.logsRequested[failure.key]) logs.push(failure);
    if (failure) state.logsRequested[failure.key] = true;
    if (failure && !failure.previous) report(key, `${prefix}: ${status.name} exited with ${failure.exit}`);
    const waiting = status.state?.waiting;
    if (waiting?.reason && !PENDING_WAITING.has(waiting.reason)) {
      report(key, `${prefix}: ${status.name} ${waiting.reason}${status.restartCount ? ` (restarted ${status.restartCount}×, last ${state.failures[pod.metadata.uid]?.exit ?? 'exit unknown'})` : ''}`);
      findings.push(...waitingFinding(pod, status, state.failures[pod.metadata.uid]));
    }
    findings.push(...readinessFinding(pod, status, specs.find((c) => c.name === status.name), { ...context, key, prefix }));
  }
}

/**
 * Remembers a container instance that ended in an error (its log is fetched at once, before Helm or Kubernetes
 * delete the pod), for the pod, its controller and the deploy.
 * @param {any} pod
 * @param {any} status a container status
 * @param {StatusState} state
 * @returns {LogRef | undefined}
 */
function recordFailedInstance(pod, status, state) {
  const current = status.state?.terminated;
  const ended = current?.exitCode ? current : status.lastState?.terminated?.exitCode ? status.lastState.terminated : undefined;
  if (!ended) return undefined;
  const controller = pod.metadata.ownerReferences?.find((/** @type {any} */ o) => o.controller);
  /** @type {LogRef} */
  const failure = {
    key: ended.containerID ?? `${pod.metadata.uid}/${status.name}/${status.restartCount}`,
    pod: pod.metadata.name,
    container: status.name,
    previous: ended !== current,
    exit: exitText(ended),
    finishedAt: ended.finishedAt,
    owner: controller ? `${controller.kind}/${controller.name}` : undefined,
    component: pod.metadata.labels?.[COMPONENT],
  };
  state.failures[pod.metadata.uid] = failure;
  if (controller && endedLater(failure, state.failures[controller.uid])) state.failures[controller.uid] = failure;
  if (endedLater(failure, state.lastFailure)) state.lastFailure = failure;
  return failure;
}

/**
 * @param {any} pod
 * @param {any} status a container status whose state is waiting
 * @param {LogRef | undefined} lastFailure
 * @returns {Finding[]}
 */
function waitingFinding(pod, status, lastFailure) {
  const waiting = status.state.waiting;
  const describe = FATAL_WAITING[waiting.reason];
  if (!describe || (waiting.reason === 'ErrImagePull' && !IMAGE_NOT_FOUND.test(waiting.message ?? ''))) return [];
  const lastExit = status.lastState?.terminated ? `; last exit: ${exitText(status.lastState.terminated)}` : '';
  return [
    {
      object: `Pod/${pod.metadata.name}`,
      reason: waiting.reason,
      message: `${waiting.message ?? ''}${lastExit}`.replace(/^; /, ''),
      log: waiting.reason === 'CrashLoopBackOff' ? lastFailure : undefined,
      ...describe({ subject: `container ${status.name} of pod ${pod.metadata.name}`, image: status.image }),
    },
  ];
}

/**
 * A running container not ready for longer than readinessBudgetSeconds allows, counted from when the check
 * first saw this instance running and not ready.
 * @param {any} pod
 * @param {any} status a container status
 * @param {any} spec the container's spec
 * @param {{ state: StatusState, previous: StatusState, now: number, report: (key: string, line: string) => void, events: any[], key: string, prefix: string }} context
 * @returns {Finding[]}
 */
function readinessFinding(pod, status, spec, { state, previous, now, report, events, key, prefix }) {
  const budget = readinessBudgetSeconds(spec);
  if (!status.state?.running || status.ready || budget === undefined) return [];
  const instance = `${key}/${status.restartCount}`;
  const since = previous.notReadySince[instance] ?? now;
  state.notReadySince[instance] = since;
  if (now - since >= SLOW_READY_SECONDS * 1000) report(key, `${prefix}: ${status.name} running, not ready yet (the status check allows ${budget}s)`);
  if (now - since <= budget * 1000) return [];
  const probeEvent = events
    .filter((e) => e.involvedObject?.uid === pod.metadata.uid && e.reason === 'Unhealthy' && /readiness/i.test(e.message ?? ''))
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
    .at(-1);
  return [
    {
      object: `Pod/${pod.metadata.name}`,
      reason: 'ReadinessProbeFailing',
      message: probeEvent?.message ?? 'the readiness probe has not passed',
      log: { key: `${instance}/running`, pod: pod.metadata.name, container: status.name, previous: false, exit: 'still running' },
      cause: `container ${status.name} of pod ${pod.metadata.name} is running but not ready after ${((now - since) / 1000).toFixed(1)}s, past what its probes allow (${budget}s)`,
      next: 'its log above says what it waits for (the backend: the database; the frontend: the backend); check that dependency, then deploy again (docs/troubleshooting.md#readiness-failing-on-the-database)',
    },
  ];
}
