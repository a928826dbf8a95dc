// `npx nx bench deploy-e2e`: how long `npx nx deploy backend` takes on a real cluster (the sandbox cluster
// running on this machine, or DEPLOY_E2E_CONTEXT), against issue 16's targets:
//   - a no-op deploy (nothing changed) ≤ 3 s, wall time of the whole command, BENCH_NOOP_RUNS times;
//   - a backend source change → the new backend pod Ready ≤ 20 s, from the moment the file is written.
// Prints where the time goes: each Nx task's share (from when `--outputStyle=stream` announces it) and the
// deploy tool's steps. First deploys once into a namespace of its own (BENCH_NAMESPACE, default
// deploy-bench-<id>), deleted at the end. --check exits non-zero when a target is missed.
// The Nx daemon is on, as on a developer's machine (NX_DAEMON=true: Nx leaves it off by default inside a
// container or CI, this machine included); BENCH_NX_DAEMON=false runs the whole bench without it. The no-op is
// also timed without the daemon (as CI and the suites run Nx) for comparison.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxCluster } from '@todo/sandbox-cluster';
import { sandboxVolume } from '../tests/support/fixtures.ts';

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TARGETS = { noopSeconds: 3, changeSeconds: 20 };
const NOOP_RUNS = Number(process.env.BENCH_NOOP_RUNS ?? 3);
const check = process.argv.includes('--check');
const began = Date.now();
const say = (message) => console.log(`[deploy-bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)}s] ${message}`);

/** KEY=VALUE lines of the setup (dist/test-results/env): NODE_IMAGE, POSTGRES_IMAGE, HELM… */
function setupEnv() {
  const file = join(WORKSPACE, 'dist/test-results/env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

const env = { ...setupEnv(), ...process.env, NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NX_DAEMON: process.env.BENCH_NX_DAEMON === 'false' ? 'false' : 'true' };
delete env.NX_SKIP_NX_CACHE;
let context = env.DEPLOY_E2E_CONTEXT;
if (!context) {
  const sandbox = sandboxCluster();
  if (!sandbox.running || !sandbox.bin) {
    console.error(`[deploy-bench] no cluster: ${sandbox.reason}; or DEPLOY_E2E_CONTEXT=<kube context> for your kind or Minikube cluster`);
    process.exit(1);
  }
  env.KUBECONFIG = sandbox.kubeconfig;
  env.PATH = `${sandbox.bin}:${env.PATH}`;
  context = spawnSync('kubectl', ['config', 'current-context'], { encoding: 'utf8', env }).stdout.trim();
}
const namespace = env.BENCH_NAMESPACE ?? `deploy-bench-${Date.now().toString(36)}`;
const databaseImage = env.POSTGRES_IMAGE;
const deployArgs = [
  `--namespace=${namespace}`,
  `--context=${context}`,
  '--set=frontend.service.type=ClusterIP',
  ...(databaseImage ? [`--db-image=${databaseImage}`] : []),
];
const changeFile = join(WORKSPACE, 'apps/backend/src/deploy-bench-change.ts');

const kubectl = (args) => spawnSync('kubectl', ['--context', context, '-n', namespace, ...args], { encoding: 'utf8', env });

/**
 * `npx nx deploy backend …`: wall time, output, and each output line with the second it arrived.
 * @param {NodeJS.ProcessEnv} extraEnv
 * @param {(line: string) => void} [onLine]
 */
function nxDeploy(extraEnv = {}, onLine) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn('npx', ['nx', 'deploy', 'backend', ...deployArgs, '--outputStyle=stream'], { cwd: WORKSPACE, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {[number, string][]} */
    const lines = [];
    let rest = '';
    const take = (chunk) => {
      const text = rest + chunk.toString();
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lines.push([(Date.now() - started) / 1000, line]);
        onLine?.(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (status) => {
      if (rest) lines.push([(Date.now() - started) / 1000, rest]);
      resolvePromise({ status, seconds: (Date.now() - started) / 1000, lines, output: lines.map(([, line]) => line).join('\n') });
    });
  });
}

/** Where a deploy's time went: from start to Nx's first task, each task (until the next starts), the deploy tool's steps. */
function breakdown({ seconds, lines }) {
  const starts = lines.filter(([, line]) => /^> nx run \S+/.test(line)).map(([at, line]) => [at, /^> nx run (\S+)/.exec(line)[1]]);
  const parts = [];
  if (starts.length) parts.push(`nx start-up and task graph ${starts[0][0].toFixed(1)}s`);
  starts.forEach(([at, task], i) => parts.push(`${task} ${((starts[i + 1]?.[0] ?? seconds) - at).toFixed(1)}s`));
  const steps = lines.map(([, line]) => line.replace(/^backend:\s*/, '')).filter((line) => /^\s*(done in|\+\d+(\.\d+)?s |nothing to deploy|helm upgrade needed|\[\d+\] )/.test(line));
  return { parts: parts.join(', '), steps };
}

function backendPods() {
  const result = kubectl(['get', 'pods', '-l', 'app.kubernetes.io/instance=todo-app,app.kubernetes.io/component=backend', '-o', 'json']);
  if (result.status !== 0) return [];
  return JSON.parse(result.stdout).items.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => ({
    name: pod.metadata.name,
    image: pod.spec.containers[0].image,
    ready: (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

let failed = false;
/** @type {{ name: string, path: string } | undefined} */
let volume;
try {
  say(`cluster context ${context}, namespace ${namespace}, Nx daemon ${env.NX_DAEMON === 'false' ? 'off' : 'on'}; load average ${load()}`);
  // The dev database keeps its data, as values-dev.yaml has it (so a change with the same migrations skips
  // the migration Job). The sandbox cluster has no volume provisioner: its claim gets a hostPath volume.
  if (!env.DEPLOY_E2E_CONTEXT) {
    const made = sandboxVolume(namespace, 'data-todo-app-postgresql-0');
    const applied = spawnSync('kubectl', ['--context', context, 'apply', '-f', '-'], { input: JSON.stringify(made.manifest), encoding: 'utf8', env });
    if (applied.status !== 0) throw new Error(`could not make the database's PersistentVolume: ${applied.stderr}`);
    volume = { name: made.manifest.metadata.name, path: made.path };
  }
  say('setup: first deploy of the backend (not timed against a target)');
  const first = await nxDeploy();
  if (first.status !== 0) throw new Error(`the first deploy failed (exit ${first.status}):\n${first.output.slice(-3000)}`);
  say(`  first deploy ${first.seconds.toFixed(1)}s: ${breakdown(first).parts}`);
  // The first no-op after an install checks with Helm's dry run and records the inputs; the ones after read them.
  const settle = await nxDeploy();
  say(`  first redeploy (Helm's dry run, records the deploy's inputs) ${settle.seconds.toFixed(1)}s`);

  const noops = [];
  for (let i = 1; i <= NOOP_RUNS; i++) {
    const run = await nxDeploy();
    if (run.status !== 0 || !run.output.includes('nothing to deploy')) throw new Error(`no-op deploy ${i} did not report "nothing to deploy" (exit ${run.status}):\n${run.output.slice(-3000)}`);
    noops.push(run.seconds);
    say(`no-op deploy ${i}: ${run.seconds.toFixed(1)}s (${breakdown(run).parts}); load average ${load()}`);
  }
  const withoutDaemon = await nxDeploy({ NX_DAEMON: 'false' });
  say(`no-op deploy without the Nx daemon (NX_DAEMON=false, as CI runs it): ${withoutDaemon.seconds.toFixed(1)}s (${breakdown(withoutDaemon).parts})`);

  const before = backendPods().map((pod) => pod.image);
  say(`change: writing ${changeFile.slice(WORKSPACE.length + 1)}, then npx nx deploy backend; polling for a new backend pod Ready`);
  const saved = Date.now();
  writeFileSync(changeFile, `// deploy-bench: a backend change at ${new Date().toISOString()}; the bench removes this file\nexport {};\n`);
  let readyAfter;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const fresh = backendPods().find((pod) => pod.ready && !before.includes(pod.image));
      if (fresh) {
        readyAfter = (Date.now() - saved) / 1000;
        say(`  new pod ${fresh.name} Ready on ${fresh.image} ${readyAfter.toFixed(1)}s after the save`);
        return;
      }
      await sleep(500);
    }
  })();
  const changed = await nxDeploy();
  await Promise.race([poll, sleep(30_000)]); // Helm returns once the pod is Ready; the poll may see it a little later
  polling = false;
  await poll;
  if (changed.status !== 0) throw new Error(`the change deploy failed (exit ${changed.status}):\n${changed.output.slice(-3000)}`);
  const { parts, steps } = breakdown(changed);
  say(`change deploy: command ${changed.seconds.toFixed(1)}s (${parts})`);
  for (const step of steps) say(`  deploy tool: ${step.trim()}`);

  const noop = median(noops);
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log(`\nno-op nx deploy backend: median ${noop.toFixed(1)}s of ${noops.map((s) => s.toFixed(1)).join(', ')} (target ≤ ${TARGETS.noopSeconds}s: ${verdict(noop <= TARGETS.noopSeconds)}); without the daemon ${withoutDaemon.seconds.toFixed(1)}s`);
  console.log(`backend change → new pod Ready: ${readyAfter === undefined ? 'never' : `${readyAfter.toFixed(1)}s`} (target ≤ ${TARGETS.changeSeconds}s: ${verdict(readyAfter !== undefined && readyAfter <= TARGETS.changeSeconds)})`);
  console.log(`load average at the end: ${load()} (${process.env.BENCH_NOTE ?? 'other work on the machine counts in these times'})`);
  failed = noop > TARGETS.noopSeconds || readyAfter === undefined || readyAfter > TARGETS.changeSeconds;
} catch (error) {
  console.error(`[deploy-bench] ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  rmSync(changeFile, { force: true });
  if (env.BENCH_KEEP === '1') say(`BENCH_KEEP=1: namespace ${namespace} left in place`);
  else {
    say(`cleaning up: namespace ${namespace}${volume ? `, PersistentVolume ${volume.name}` : ''}`);
    kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=180s']);
    if (volume) {
      spawnSync('kubectl', ['--context', context, 'delete', 'pv', volume.name, '--ignore-not-found'], { env });
      rmSync(volume.path, { recursive: true, force: true });
    }
  }
}
if (check && failed) process.exitCode = 1;
