/**
 * `npx nx bench frontend`: the browser's path (the frontend's origin: cookie → gateway → backend) against
 * the backend called directly, side by side in one run on this machine, for listing 50 tasks, creating a
 * task and a streamed chat turn. Starts what the browser tests start (support/: the scripted model, the
 * built backend, and the production frontend build) and drives each path with autocannon, then prints a
 * markdown table with each path's ratio to direct. The backend runs on PostgreSQL, in a database of its
 * own created for the run on the server of BENCH_DATABASE_URL or TEST_DATABASE_URL
 * (tools/ci/setup/10-postgres.sh), else on PGlite (much slower, so the ratios say less).
 * The target (issue 19): the public path keeps >= 50% of the direct requests/s, with p99 <= 2x direct.
 *
 *   BENCH_DURATION_S (8), BENCH_CONNECTIONS (20)   autocannon's -d and -c, per scenario and path
 *   BENCH_COMPARE=<dir>/server.js                   also measure another frontend build (e.g. the route
 *                                                   handlers' Next standalone server.js) as a third path
 *   BENCH_FRONTEND_NODE_OPTIONS                     NODE_OPTIONS for the frontend (a profiler)
 *   SERVER_NODE=<path to node>                      run the backend and the frontend on that Node (the
 *                                                   images' Node 24 instead of the workspace's Node 20)
 *   BENCH_BACKEND_URL, BENCH_FRONTEND_URL           measure servers already running instead (`npm start`:
 *                                                   http://127.0.0.1:8000 and http://127.0.0.1:3000, or a cluster's
 *                                                   through port-forwards); no chat turn (no scripted model there);
 *                                                   BENCH_BACKEND_PID, BENCH_FRONTEND_PID give the CPU column
 *   --check                                         exit 1 when a scenario misses the target
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { missingPrerequisites } from '../tests/support/stack';
import { completeStandalone, type RunningServer, SERVER_NODE, startBackend, startFrontend } from '../tests/support/processes';
import { startScriptedLlm } from '../tests/support/scripted-llm';

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: Result) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const check = process.argv.includes('--check');
const say = (message: string) => console.log(`[bench] ${message}`);

const runningBackend = process.env.BENCH_BACKEND_URL;
const runningFrontend = process.env.BENCH_FRONTEND_URL;
if (Boolean(runningBackend) !== Boolean(runningFrontend)) {
  console.error('[bench] BENCH_BACKEND_URL and BENCH_FRONTEND_URL go together: set both to measure running servers, or neither to start them here');
  process.exit(1);
}
// The chat turn needs the scripted model, which only servers started here talk to.
const startedHere = !runningBackend;

const missing = missingPrerequisites().filter((line) => !line.includes('chromium'));
if (missing.length > 0) {
  console.error(`[bench] ${missing.join('; ')}`);
  process.exit(1);
}

/** CPU seconds a process has used (Linux /proc): unlike requests/s, a per-request cost other load on the machine does not change. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** One autocannon run, with the CPU ms per request that each of `pids` spent on it. */
function run(options: Record<string, unknown>, pids: (number | undefined)[]): Promise<{ result: Result; cpuMs: number[] }> {
  const before = pids.map(cpuSeconds);
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error, result) => {
      if (error) return reject(error);
      resolve({ result, cpuMs: pids.map((pid, i) => ((cpuSeconds(pid) - before[i]) * 1000) / result.requests.total) });
    });
  });
}

async function json(url: string, init: RequestInit): Promise<{ response: Response; body: unknown }> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${await response.text()}`);
  return { response, body: response.status === 204 ? null : await response.json() };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const servers: { stop(): Promise<unknown> }[] = [];
let exitCode = 0;
try {
  /** A server under measurement: its origin, and its process for the CPU column (unknown for one running already). */
  type Measured = { url: string; pid?: number };
  let backend: Measured;
  let frontends: { name: string; server: Measured }[];
  if (runningBackend && runningFrontend) {
    const pid = (value: string | undefined) => (value ? Number(value) : undefined);
    backend = { url: runningBackend.replace(/\/+$/, ''), pid: pid(process.env.BENCH_BACKEND_PID) };
    frontends = [{ name: 'public (running frontend)', server: { url: runningFrontend.replace(/\/+$/, ''), pid: pid(process.env.BENCH_FRONTEND_PID) } }];
    say(`measuring the running backend ${backend.url} and frontend ${frontends[0].server.url} (list and create; no scripted model for a chat turn)`);
  } else {
    const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (adminUrl) {
      const name = `todo_bench_${randomBytes(4).toString('hex')}`;
      await admin(adminUrl, `CREATE DATABASE ${name}`);
      servers.push({ stop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) });
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      // startBackend migrates and uses TEST_DATABASE_URL: this run's own database.
      process.env.TEST_DATABASE_URL = url.toString();
    }
    const llm = await startScriptedLlm();
    servers.push({ stop: () => llm.close() });
    say(`starting the backend (${process.env.TEST_DATABASE_URL ? 'PostgreSQL from TEST_DATABASE_URL' : 'PGlite'}) and the production frontend`);
    const started = await startBackend({
      llmBaseUrl: llm.baseUrl,
      jwtSecret: randomBytes(32).toString('hex'),
      extraEnv: { NODE_ENV: 'production', RATE_LIMIT_AUTH_PER_MINUTE: '1000000', RATE_LIMIT_CHAT_PER_MINUTE: '1000000' },
    });
    servers.push(started);
    completeStandalone();
    // BENCH_FRONTEND_NODE_OPTIONS, e.g. `--require ./profile.cjs` (an inspector profiler), for the frontend under load.
    const frontendEnv: Record<string, string> = process.env.BENCH_FRONTEND_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_FRONTEND_NODE_OPTIONS } : {};
    const startedFrontends: { name: string; server: RunningServer }[] = [{ name: 'public (gateway)', server: await startFrontend(started.url, frontendEnv) }];
    if (process.env.BENCH_COMPARE) {
      startedFrontends.push({ name: `public (${process.env.BENCH_COMPARE_NAME ?? 'compared build'})`, server: await startFrontend(started.url, {}, process.env.BENCH_COMPARE) });
    }
    servers.push(...startedFrontends.map((f) => f.server));
    // Started: their output (a JSON line per request) is no longer kept in this process, which also runs autocannon.
    for (const { process: child } of [started, ...startedFrontends.map((f) => f.server)]) {
      for (const stream of [child.stdout, child.stderr]) {
        stream?.removeAllListeners('data');
        stream?.resume();
      }
    }
    backend = { url: started.url, pid: started.process.pid };
    frontends = startedFrontends.map(({ name, server }) => ({ name, server: { url: server.url, pid: server.process.pid } }));
  }
  const front = frontends[0].server.url;
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  await json(`${front}/api/auth/register`, { method: 'POST', body: JSON.stringify({ name: 'Bench', email, password: 'bench-password' }) });
  const login = await json(`${front}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email, password: 'bench-password' }) });
  const cookie = login.response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /todo_session=([^;]+)/.exec(cookie)?.[1] ?? '';
  const userId = (login.body as { user: { id: string } }).user.id;
  for (let i = 0; i < 50; i++) {
    await json(`${backend.url}/api/${userId}/tasks`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title: `task ${i}`, description: `description of task ${i}` }) });
  }

  const direct = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const browser = { cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };
  const scenarios = [
    { name: 'list 50 tasks', direct: { url: `${backend.url}/api/${userId}/tasks` }, public: { path: '/api/tasks' }, method: 'GET' },
    { name: 'create a task', direct: { url: `${backend.url}/api/${userId}/tasks` }, public: { path: '/api/tasks' }, method: 'POST', body: JSON.stringify({ title: 'benchmark task', description: 'created by autocannon' }) },
    ...(startedHere
      ? [{ name: 'chat turn (streamed)', direct: { url: `${backend.url}/api/${userId}/chat` }, public: { path: '/api/chat' }, method: 'POST', body: JSON.stringify({ message: 'hello there' }), accept: 'text/event-stream' }]
      : []),
  ];

  say(`${CONNECTIONS} connections, ${DURATION_S} s per scenario and path; the backend direct first, then each public path`);
  const rows: string[] = [];
  for (const scenario of scenarios) {
    const extra = scenario.accept ? { accept: scenario.accept } : {};
    const base = { method: scenario.method, body: scenario.body };
    const measured = [{ name: 'direct (backend)', ...(await run({ ...base, url: scenario.direct.url, headers: { ...direct, ...extra } }, [backend.pid])) }];
    for (const { name, server } of frontends) {
      measured.push({ name, ...(await run({ ...base, url: `${server.url}${scenario.public.path}`, headers: { ...browser, ...extra } }, [backend.pid, server.pid])) });
    }
    const reference = measured[0].result;
    for (const [index, { name, result, cpuMs }] of measured.entries()) {
      const rps = result.requests.average / reference.requests.average;
      const p99 = result.latency.p99 / reference.latency.p99;
      const failures = result.errors + result.timeouts + result.non2xx;
      const met = index === 0 ? '' : rps >= 0.5 && p99 <= 2 && failures === 0 ? 'met' : 'MISSED';
      if (index === 1 && met === 'MISSED' && check) exitCode = 1;
      rows.push(
        `| ${scenario.name} | ${name} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${failures} | ${index === 0 ? '1' : rps.toFixed(2)} | ${index === 0 ? '1' : p99.toFixed(2)} | ${met} | ${cpuMs.map((ms) => (Number.isNaN(ms) ? '—' : ms.toFixed(2))).join(' + ')} |`,
      );
    }
  }
  const serverNode = startedHere ? `; servers on Node ${execFileSync(SERVER_NODE, ['--version'], { encoding: 'utf8' }).trim()}` : '';
  console.log(`\n${CONNECTIONS} connections, ${DURATION_S} s each${serverNode}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} CPUs)\n`);
  console.log('| scenario | path | req/s | p50 ms | p99 ms | errors + non-2xx | req/s ÷ direct | p99 ÷ direct | target (≥ 0.5, ≤ 2) | CPU ms/req: backend + frontend |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const row of rows) console.log(row);
} catch (error) {
  console.error(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  for (const server of servers.reverse()) await server.stop().catch(() => undefined);
}
process.exit(exitCode);
