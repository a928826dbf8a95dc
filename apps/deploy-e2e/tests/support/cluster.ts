import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sandboxCluster } from '@todo/sandbox-cluster';

export const WORKSPACE = resolve(import.meta.dirname, '../../../..');

/** KEY=VALUE lines the setup scripts of `npm test` wrote (tools/ci/setup/*.sh). */
function setupEnv(): Record<string, string> {
  const file = join(WORKSPACE, 'dist/test-results/env');
  if (!existsSync(file)) return {};
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1], match[2]] as const);
  return Object.fromEntries(entries);
}

const fromSetup = setupEnv();
export const setting = (name: string): string | undefined => process.env[name] || fromSetup[name] || undefined;

/** Seconds since the suite started, for the progress lines. */
const started = Date.now();
export function say(message: string) {
  console.log(`[deploy-e2e ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
}

export interface Target {
  context: string;
  /** Environment for every child process: KUBECONFIG and a PATH with kubectl. */
  env: NodeJS.ProcessEnv;
  sandbox: boolean;
  /** host:port of a plain-HTTP registry the cluster pulls from (the sandbox cluster's, or DEPLOY_E2E_REGISTRY). */
  registry?: string;
  /** Set only when the suites are left out on purpose (`SANDBOX_CLUSTER_UP=0 npm test`): why. */
  skip?: string;
}

/** No cluster to deploy to: the suites fail (never skip) with this message, which says how to get one. */
export class NoClusterError extends Error {}

/**
 * The cluster to deploy to: DEPLOY_E2E_CONTEXT (a kind or Minikube context of the user's kubeconfig), else
 * the sandbox cluster running on this machine (found through @todo/sandbox-cluster: its kubeconfig, its
 * kubectl and its registry). Without either it throws NoClusterError, so a suite run by name fails and says
 * how to start one. The one skip: `npm test` (TODO_REQUIRE_ENGINES=1) with SANDBOX_CLUSTER_UP=0.
 */
export function resolveTarget(): Target {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };
  // `npm test` runs this target with --skip-nx-cache, which Nx passes to its tasks as NX_SKIP_NX_CACHE; the deploys
  // under test are a user's `nx deploy`, with Nx's cache (else every deploy rebuilds both apps from scratch).
  delete env.NX_SKIP_NX_CACHE;
  const userContext = setting('DEPLOY_E2E_CONTEXT');
  if (userContext) return { context: userContext, env, sandbox: false, registry: setting('DEPLOY_E2E_REGISTRY') };
  if (process.env.SANDBOX_CLUSTER_UP === '0' && process.env.TODO_REQUIRE_ENGINES === '1') {
    return { context: '', env, sandbox: false, skip: 'SANDBOX_CLUSTER_UP=0 npm test leaves the sandbox cluster out, and DEPLOY_E2E_CONTEXT names no other cluster' };
  }
  const sandbox = sandboxCluster();
  if (!sandbox.running || !sandbox.bin) {
    throw new NoClusterError(
      `deploy-e2e has no cluster to deploy to: ${sandbox.reason}. Or point it at your kind or Minikube cluster: DEPLOY_E2E_CONTEXT=<kube context>` +
        (process.env.TODO_REQUIRE_ENGINES === '1' ? '. To leave the deploy suites out of npm test on purpose: SANDBOX_CLUSTER_UP=0 npm test' : ''),
    );
  }
  env.KUBECONFIG = sandbox.kubeconfig;
  env.PATH = `${sandbox.bin}:${process.env.PATH}`;
  const context = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8', env }).stdout?.trim();
  if (!context) throw new NoClusterError(`kubectl finds no current context in the sandbox cluster's kubeconfig ${sandbox.kubeconfig}; restart the cluster: npx nx run sandbox-cluster:down, then npx nx run sandbox-cluster:up`);
  return { context, env, sandbox: true, registry: sandbox.registryRunning ? sandbox.registry : undefined };
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; throws with its output unless `allowFailure`. `env` adds to the target's. */
export function run(
  target: Target,
  command: string,
  args: string[],
  options: { input?: string; allowFailure?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  const env = options.env ? { ...target.env, ...options.env } : target.env;
  const result = spawnSync(command, args, { encoding: 'utf8', env, input: options.input, cwd: options.cwd ?? WORKSPACE, maxBuffer: 64 * 1024 * 1024 });
  const out = { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  if (!options.allowFailure && result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${out.stderr.slice(-3000)}${out.stdout.slice(-2000)}`);
  }
  return out;
}

/**
 * `run` without blocking the event loop, for commands that take seconds while the suite holds connections: a
 * blocked loop reads no socket, so a keep-alive connection the server closes meanwhile (Node's 5 s idle timeout)
 * stays in fetch's pool, and the next request sent on it fails with "other side closed".
 */
export function runAsync(target: Target, command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: target.env, cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status === 0) resolvePromise({ status, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} failed (exit ${status}):\n${stderr.slice(-3000)}${stdout.slice(-2000)}`));
    });
  });
}

/**
 * Runs a long command with its output streamed to ours (nx deploy prints its steps), resolving to its exit code.
 * `extraEnv` is added to the target's environment and printed with the command: never pass a secret in it.
 */
export function stream(target: Target, command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; output: string }> {
  const shown = Object.entries(extraEnv).map(([name, value]) => `${name}=${value} `).join('');
  say(`$ ${shown}${command} ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...target.env, ...extraEnv }, cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) console.log(`    | ${line}`);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, output }));
  });
}

export function kubectl(target: Target, namespace: string, args: string[], options: { input?: string; allowFailure?: boolean } = {}) {
  return run(target, 'kubectl', ['--context', target.context, '-n', namespace, ...args], options);
}

// Kubernetes objects are untyped JSON here; each test reads the fields it asserts on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export function getJson(target: Target, namespace: string, args: string[]): K8sObject {
  return JSON.parse(kubectl(target, namespace, [...args, '-o', 'json']).stdout) as K8sObject;
}

/**
 * Polls `check` until it returns a value (not undefined), printing what it waits for and, every 15 s, the
 * latest reason it is not there yet.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, { timeoutMs = 180_000, intervalMs = 1000 } = {}): Promise<T> {
  const begun = Date.now();
  say(`waiting for ${what}`);
  let lastReport = begun;
  let lastError = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        say(`  ok after ${((Date.now() - begun) / 1000).toFixed(1)}s: ${what}`);
        return value;
      }
      lastError = '';
    } catch (error) {
      lastError = error instanceof Error ? error.message.split('\n')[0] : String(error);
    }
    if (Date.now() - begun > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    if (Date.now() - lastReport > 15_000) {
      say(`  still waiting for ${what}${lastError ? ` (${lastError})` : ''}`);
      lastReport = Date.now();
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, intervalMs));
  }
}

/** Where the cluster's NodePorts answer: DEPLOY_E2E_NODE_ADDRESS, else the first node's InternalIP. */
export function nodeAddress(target: Target): string {
  const fixed = setting('DEPLOY_E2E_NODE_ADDRESS');
  if (fixed) return fixed;
  const nodes = JSON.parse(run(target, 'kubectl', ['--context', target.context, 'get', 'nodes', '-o', 'json']).stdout) as K8sObject;
  const address = (nodes.items[0].status.addresses as K8sObject[]).find((a) => a.type === 'InternalIP')?.address;
  if (!address) throw new Error('the node reports no InternalIP; set DEPLOY_E2E_NODE_ADDRESS to an address where NodePorts answer');
  return address;
}

export interface PodState {
  name: string;
  uid: string;
  component: string;
  ready: boolean;
  restarts: number;
  image: string;
  /** The image the container runtime runs, as the kubelet reports it (a digest reference once pulled). */
  imageID: string;
  /** The node it was scheduled to ('' while pending). */
  node: string;
}

/** The release's long-running pods (not the migration Job's), by component. */
export function releasePods(target: Target, namespace: string, release: string): PodState[] {
  const list = getJson(target, namespace, ['get', 'pods', '-l', `app.kubernetes.io/instance=${release}`]);
  return (list.items as K8sObject[])
    .filter((pod) => pod.metadata.labels['app.kubernetes.io/component'] !== 'migrate' && !pod.metadata.deletionTimestamp)
    .map((pod) => ({
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      component: pod.metadata.labels['app.kubernetes.io/component'],
      ready: (pod.status.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True'),
      restarts: (pod.status.containerStatuses ?? []).reduce((sum: number, c: K8sObject) => sum + c.restartCount, 0),
      image: pod.spec.containers[0].image,
      imageID: pod.status.containerStatuses?.[0]?.imageID ?? '',
      node: pod.spec.nodeName ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The cluster's nodes by name, and whether each takes new pods (not cordoned). */
export function clusterNodes(target: Target): { name: string; schedulable: boolean }[] {
  const list = getJson(target, 'default', ['get', 'nodes']);
  return (list.items as K8sObject[])
    .map((node) => ({ name: node.metadata.name as string, schedulable: !node.spec.unschedulable }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
