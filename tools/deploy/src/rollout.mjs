// @ts-check
// The parts of a deploy that talk to the cluster while it changes: pushing an image and reading its digest,
// running Helm with the status check beside it, and putting the release back when the deploy fails.
// The decisions are pure (status.mjs, recovery.mjs, registry.mjs); this file polls, prints and acts.
import { beginStep, capture, captureAsync, DeployFailure, runStep, secondsSince, show, startStreaming, stepFailure } from './process.mjs';
import { APPS, imageReference } from './plan.mjs';
import { leftovers, recoveryPlan } from './recovery.mjs';
import { pulledDigest, pushedDigest } from './registry.mjs';
import { assessRollout, findingAfterHelmFailed, statusBaseline } from './status.mjs';

const POLL_MS = 1500;
/** How long Helm gets to roll back after SIGTERM before it is killed (the tool then rolls back itself). */
const HELM_STOP_GRACE_MS = 90_000;
const LOG_LINES = 20;

/** @typedef {{ context: string, namespace: string, release: string }} Target */

/**
 * `docker tag` and `docker push`; returns the digest the registry now serves for the tag.
 * @param {import('./plan.mjs').Push} push
 * @returns {Promise<string>} sha256:…
 */
export async function pushImage(push) {
  runStep(push.tagStep.title, push.tagStep.command);
  const { number, started } = beginStep(push.pushStep.title, push.pushStep.command);
  const run = startStreaming(push.pushStep.command);
  const { code, error } = await run.exited;
  if (code !== 0) throw stepFailure({ number, started }, error?.message ?? `exit code ${code}`, push.pushStep);
  const target = `${push.remote}:${push.tag}`;
  const repoDigests = JSON.parse(capture('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', target]) || '[]') ?? [];
  const digest = pushedDigest({ pushOutput: run.output(), repoDigests, remote: push.remote, tag: push.tag });
  console.log(`    pushed ${push.remote}@${digest} in ${secondsSince(started)}s`);
  return digest;
}

/**
 * The image `<remote>:<tag>` from the registry, when the registry has it: pulled, with the digest it has there.
 * Any failure to pull counts as "not there" (the caller builds and pushes), with the reason printed.
 * @param {string} remote e.g. ghcr.io/owner/todo-app/backend
 * @param {string} tag content tag
 * @returns {string | undefined} sha256:…, or undefined when it could not be pulled
 */
export function pullImage(remote, tag) {
  const ref = `${remote}:${tag}`;
  let pullOutput;
  try {
    pullOutput = capture('docker', ['pull', ref]);
  } catch (error) {
    const reason = String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).trim().split('\n').pop();
    console.log(`    ${ref} is not in the registry (docker pull: ${reason})`);
    return undefined;
  }
  const repoDigests = JSON.parse(capture('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref]) || '[]') ?? [];
  return pulledDigest({ pullOutput, repoDigests, remote, tag });
}

/** @param {Target} target */
function kubectlArgs({ context, namespace }) {
  return ['--context', context, '-n', namespace];
}

/**
 * @param {Target} target
 * @returns {Promise<import('./status.mjs').Snapshot>}
 */
async function pollRelease(target) {
  const [objects, events] = await Promise.all([
    captureAsync('kubectl', [...kubectlArgs(target), 'get', 'jobs,pods,deployments,replicasets,statefulsets', '-l', `app.kubernetes.io/instance=${target.release}`, '-o', 'json']),
    captureAsync('kubectl', [...kubectlArgs(target), 'get', 'events', '--field-selector', 'type=Warning', '-o', 'json']),
  ]);
  return { objects: JSON.parse(objects).items ?? [], events: JSON.parse(events).items ?? [] };
}

/**
 * @param {Target} target
 * @param {import('./status.mjs').LogRef} log
 */
async function containerLog(target, log) {
  try {
    const text = await captureAsync('kubectl', [...kubectlArgs(target), 'logs', log.pod, '-c', log.container, `--tail=${LOG_LINES}`, ...(log.previous ? ['--previous'] : [])]);
    return text.trimEnd() || '(the container printed nothing)';
  } catch (error) {
    return `(no log: ${error instanceof Error ? error.message : error})`;
  }
}

/**
 * @param {import('./status.mjs').LogRef} log
 * @param {string} text
 */
function printLog(log, text) {
  console.log(`  last ${LOG_LINES} log lines of container ${log.container} in pod ${log.pod}${log.previous ? ' (the instance that crashed)' : ''}, ${log.exit}:`);
  for (const line of text.split('\n')) console.log(`    | ${line}`);
}

/**
 * Helm's last `Error:` and the lines that belong to it (a schema error names the value on the next lines).
 * @param {string} output
 */
function helmErrorOf(output) {
  const lines = output.split('\n');
  const start = lines.map((line) => line.startsWith('Error: ')).lastIndexOf(true);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && !line.trim());
  return lines.slice(start, end < 0 ? undefined : end).map((line) => line.trim()).join(' ').slice('Error: '.length);
}

/**
 * The last line a container printed; of a JSON log line (pino), its msg.
 * @param {string} text
 */
function lastMessage(text) {
  const line = text.split('\n').filter((l) => l.trim()).at(-1)?.trim() ?? '';
  try {
    const message = JSON.parse(line).msg;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: the line itself
  }
  return line.slice(0, 300);
}

/**
 * Runs `helm upgrade --install` and, while it waits, the status check. On a state that cannot recover it stops
 * Helm, which then rolls back; the release is checked and put back if Helm did not finish the job.
 * @param {{ upgrade: import('./plan.mjs').Step, target: Target, helm: string, timeout: string, before: number | undefined, cwd: string }} input
 *   before: the release's revision before this deploy (undefined: not installed)
 */
export async function upgradeWithStatusCheck({ upgrade, target, helm, timeout, before, cwd }) {
  const { number, started } = beginStep(upgrade.title, upgrade.command);
  const check = new StatusCheck(target, await pollRelease(target), started);
  console.log(`    status check: polls the release's Jobs, Pods, Deployments and events every ${POLL_MS / 1000}s; stops the deploy on a state that cannot recover`);
  const run = startStreaming(upgrade.command, { cwd });
  const { exit, fatal: found, interrupted } = await watch(run, check);
  if (exit?.code === 0) {
    await check.poll(); // the state Helm accepted, for the record
    console.log(`    done in ${secondsSince(started)}s`);
    return;
  }
  const after = secondsSince(started);
  const helmError = helmErrorOf(run.output()) ?? `exit code ${exit?.code}`;
  // Helm can fail first (its own wait saw a failed hook and deleted it, or it timed out): one more look, then what the check saw.
  const fatal = found ?? (exit && ((await check.poll()) ?? findingAfterHelmFailed(check.state, helmError)));
  console.log(interrupted ? `\ninterrupted after ${after}s` : exit ? `\nhelm failed after ${after}s${fatal ? '; what the status check saw:' : ''}` : `\nthe status check stopped the deploy after ${after}s`);
  const lastWords = fatal ? await printFinding(fatal, check) : undefined;
  if (!exit) await stopHelm(run);
  const recovered = await putReleaseBack({ target, helm, timeout, before, cwd });
  if (interrupted) throw new DeployFailure(`interrupted ${after}s into step ${number} (${recovered})`, 'deploy again when you are ready');
  if (fatal) throw new DeployFailure(`${fatal.cause}${lastWords ? `: ${lastWords}` : ''} (found ${after}s into step ${number}; ${recovered})`, fatal.next);
  throw new DeployFailure(`step ${number} failed after ${after}s: ${helmError} (${recovered})`, upgrade.hint ?? 'read the output above');
}

/** The status check's state across polls, the progress it prints and the logs it fetches. */
class StatusCheck {
  /** @param {Target} target @param {import('./status.mjs').Snapshot} baseline the release before Helm starts @param {number} started ms */
  constructor(target, baseline, started) {
    this.target = target;
    this.state = statusBaseline(baseline);
    this.started = started;
    /** @type {Map<string, Promise<string>>} logs fetched as soon as a container ended in an error */
    this.logs = new Map();
    this.pollFailure = '';
  }

  /** One poll; prints what changed and returns the finding that stops the deploy, if any. */
  async poll() {
    let snapshot;
    try {
      snapshot = await pollRelease(this.target);
      this.pollFailure = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.pollFailure) console.log(`    status check: could not read the release (${message}); Helm still waits`);
      this.pollFailure = message;
      return undefined;
    }
    const result = assessRollout(this.state, snapshot, Date.now());
    this.state = result.state;
    for (const line of result.lines) console.log(`    +${secondsSince(this.started)}s ${line}`);
    for (const log of result.logs) this.logs.set(log.key, containerLog(this.target, log));
    return result.fatal;
  }

  /** @param {import('./status.mjs').LogRef} log */
  log(log) {
    return this.logs.get(log.key) ?? containerLog(this.target, log);
  }
}

/**
 * Polls until Helm exits, the check finds a state that cannot recover, or the user interrupts (Ctrl-C reaches
 * Helm too, which cancels and rolls back).
 * @param {import('./process.mjs').Streaming} run
 * @param {StatusCheck} check
 */
async function watch(run, check) {
  /** @type {import('./process.mjs').Exit | undefined} */
  let exit;
  run.exited.then((result) => (exit = result));
  let interrupted = false;
  /** @type {(value?: unknown) => void} */
  let wake = () => undefined;
  const interruption = new Promise((resolve) => (wake = resolve));
  const onSignal = () => {
    interrupted = true;
    wake();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  /** @type {import('./status.mjs').Finding | undefined} */
  let fatal;
  try {
    while (!exit && !fatal && !interrupted) {
      await Promise.race([run.exited, interruption, new Promise((resolve) => setTimeout(resolve, POLL_MS).unref())]);
      if (!exit && !interrupted) fatal = await check.poll();
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  return { exit: /** @type {import('./process.mjs').Exit | undefined} */ (exit), fatal, interrupted };
}

/**
 * Prints the object, Kubernetes' reason and message, and the failing container's last log lines.
 * @param {import('./status.mjs').Finding} fatal
 * @param {StatusCheck} check
 * @returns {Promise<string | undefined>} the container's last message, for the one-line cause
 */
async function printFinding(fatal, check) {
  console.log(`  object:  ${fatal.object}\n  reason:  ${fatal.reason}\n  message: ${fatal.message}`);
  if (!fatal.log) return undefined;
  const text = await check.log(fatal.log);
  printLog(fatal.log, text);
  return text.startsWith('(') ? undefined : lastMessage(text);
}

/**
 * SIGTERM: Helm 3 with --atomic and Helm 4 with --rollback-on-failure cancel and roll back.
 * @param {import('./process.mjs').Streaming} run
 */
async function stopHelm(run) {
  const started = Date.now();
  console.log(`\nstopping helm (SIGTERM, pid ${run.child.pid}); it rolls the release back`);
  run.child.kill('SIGTERM');
  const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), HELM_STOP_GRACE_MS));
  if ((await Promise.race([run.exited, timer])) === 'timeout') {
    console.log(`helm did not stop within ${HELM_STOP_GRACE_MS / 1000}s: killing it; the release is put back below`);
    run.child.kill('SIGKILL');
    await run.exited;
  }
  const { code, signal } = await run.exited;
  console.log(`helm stopped after ${secondsSince(started)}s (${signal ? `signal ${signal}` : `exit code ${code}`})`);
}

/**
 * Checks the release after a failed deploy and finishes what Helm left undone; returns what the release runs now.
 * @param {{ target: Target, helm: string, timeout: string, before: number | undefined, cwd: string }} input
 */
export async function putReleaseBack({ target, helm, timeout, before, cwd }) {
  const { release, namespace, context } = target;
  const scope = ['-n', namespace, '--kube-context', context];
  const history = releaseHistory(helm, target);
  const recovery = recoveryPlan({ before, history });
  console.log(`release ${release}: ${recovery.summary}`);
  if (recovery.action === 'rollback') {
    runStep(`roll ${release} back to revision ${recovery.revision}`, [helm, 'rollback', release, String(recovery.revision), ...scope, '--wait', '--timeout', timeout], {
      cwd,
      hint: `helm history ${release} -n ${namespace}; then helm rollback ${release} <revision> -n ${namespace}`,
    });
  } else if (recovery.action === 'uninstall') {
    runStep(`uninstall ${release} (its first install failed)`, [helm, 'uninstall', release, ...scope, '--wait', '--timeout', timeout], {
      cwd,
      hint: `helm uninstall ${release} -n ${namespace}`,
    });
  }
  const objects = JSON.parse(capture('kubectl', [...kubectlArgs(target), 'get', 'jobs,secrets,serviceaccounts', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json'])).items ?? [];
  const remove = leftovers(objects, { release, installed: recovery.installed });
  if (remove.length) runStep(`remove what the failed deploy left: ${remove.join(', ')}`, ['kubectl', ...kubectlArgs(target), 'delete', ...remove, '--ignore-not-found', '--cascade=foreground', '--wait', '--timeout=60s']);
  if (!recovery.installed) {
    const left = capture('kubectl', [...kubectlArgs(target), 'get', 'all,jobs,secrets,serviceaccounts,configmaps', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name']).split('\n').filter(Boolean);
    return `release ${release} is not installed; ${left.length ? `still in namespace ${namespace}: ${left.join(', ')}` : `nothing of it is left in namespace ${namespace}`}`;
  }
  const now = releaseHistory(helm, target).at(-1);
  const values = JSON.parse(capture(helm, ['get', 'values', release, ...scope, '-o', 'json']) || '{}') ?? {};
  const images = APPS
    .filter((app) => values[app]?.image?.tag || values[app]?.image?.digest)
    .map((app) => `${app} ${imageReference({ ...values[app].image, tag: values[app].image.tag ?? '', source: '' })}`);
  return `release ${release} is ${now?.status} at revision ${now?.revision} (${now?.description})${images.length ? `, running ${images.join(', ')}` : ''}`;
}

/**
 * @param {string} helm
 * @param {Target} target
 * @returns {import('./recovery.mjs').Revision[]}
 */
function releaseHistory(helm, { release, namespace, context }) {
  const command = [helm, 'history', release, '-n', namespace, '--kube-context', context, '-o', 'json', '--max', '20'];
  try {
    return JSON.parse(capture(command[0], command.slice(1)) || '[]') ?? [];
  } catch (error) {
    if (String(/** @type {{ stderr?: string }} */ (error).stderr ?? error).includes('not found')) return [];
    throw new DeployFailure(`could not read the release's history (${show(command)}): ${error}`, `check the release by hand: helm status ${release} -n ${namespace}`);
  }
}
