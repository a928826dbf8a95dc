// `npx nx bench backend`: drives the built API (apps/backend/dist/main.js) on local PostgreSQL with
// autocannon, as an authenticated user holding 50 tasks, and prints requests/s and p50/p99 latency
// for listing and creating tasks against the targets in issue 3; then BENCH_CHAT_TURNS chat turns
// (one tool call each) against an instant scripted model, printing the backend's own time per turn
// (the turn's time minus the model's, as the model server measured it). Pass --check to exit non-zero
// when a target is missed. Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (run
// tools/ci/setup/10-postgres.sh to get one).
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const CHAT_TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 200);
const TARGETS = { list: { rps: 2500, p99: 50 }, create: { rps: 1200, p99: 50 } };
// BENCH_MAIN runs another build of the backend instead (to compare before and after a change).
const main = process.env.BENCH_MAIN ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const check = process.argv.includes('--check');

const say = (message) => console.log(`[bench] ${message}`);
if (!adminUrl) {
  console.error('[bench] needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL (bash tools/ci/setup/10-postgres.sh prints one)');
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function withAdmin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitForReady(base, child) {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('backend did not become ready within 30 s');
}

async function api(base, method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

// CPU seconds the backend process has used (Linux /proc): per-request CPU cost does not depend on
// how busy the rest of the machine is, unlike requests/s.
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

// PostgreSQL's CPU seconds, all its processes (so other databases on the same server count too).
function postgresSeconds() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

// Where the machine's CPU went (Linux /proc/stat, in seconds): with other work on the same cores,
// requests/s alone cannot tell a slow backend from a busy machine.
function cpuSnapshot() {
  let busy = NaN;
  let niced = NaN;
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    busy = (user + system + irq + softirq + steal) / 100;
    niced = nice / 100;
  } catch {
    // not Linux
  }
  const own = process.cpuUsage();
  return { at: performance.now(), busy, niced, backend: cpuSeconds(child.pid), postgres: postgresSeconds(), loadGenerator: (own.user + own.system) / 1e6 };
}

function coresUsed(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const cores = (key) => (after[key] - before[key]) / seconds;
  const ours = cores('backend') + cores('postgres') + cores('loadGenerator');
  return { backend: cores('backend'), postgres: cores('postgres'), loadGenerator: cores('loadGenerator'), others: Math.max(0, cores('busy') - ours), niced: cores('niced') };
}

function run(name, options) {
  return new Promise((resolve, reject) => {
    const before = cpuSnapshot();
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error, result) => {
      if (error) return reject(error);
      const after = cpuSnapshot();
      resolve({ name, result, cpuMsPerRequest: ((after.backend - before.backend) * 1000) / result.requests.total, cores: coresUsed(before, after) });
    });
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

// An instant OpenAI-compatible model, streamed as the backend asks: the first call of a turn asks for
// complete_task on TASK_ID, the second (after the tool ran) answers in a few words. It records how long
// each answer took it, from request to last byte, so the bench can take the model's time out.
function startInstantModel(taskId) {
  const modelMs = [];
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const server = createHttpServer((req, res) => {
    const started = performance.now();
    let raw = '';
    req.on('data', (data) => (raw += data));
    req.on('end', () => {
      const toolRan = JSON.parse(raw).messages.at(-1).role === 'tool';
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (toolRan) res.write(['Done, ', 'task ', 'completed.'].map((word) => chunk({ content: word })).join('') + chunk({}, 'stop'));
      else res.write(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'complete_task', arguments: JSON.stringify({ task_id: taskId() }) } }] }) + chunk({}, 'tool_calls'));
      res.end('data: [DONE]\n\n', () => modelMs.push(performance.now() - started));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/v1`, modelMs, close: () => server.close() })));
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Sequential chat turns; each turn's time minus the time its two model calls took at the model server. */
async function runChatTurns(base, user, token, model) {
  const ownMs = [];
  const cpuBefore = cpuSeconds(child.pid);
  for (let i = 0; i < CHAT_TURNS; i++) {
    const calls = model.modelMs.length;
    const started = performance.now();
    const turn = await api(base, 'POST', `/api/${user.id}/chat`, { message: 'mark my first task as done' }, token);
    const elapsed = performance.now() - started;
    if (turn.tool_calls[0] !== 'complete_task') throw new Error(`chat turn ran ${JSON.stringify(turn.tool_calls)}`);
    const inModel = model.modelMs.slice(calls).reduce((sum, ms) => sum + ms, 0);
    ownMs.push(elapsed - inModel);
  }
  return { p50: percentile(ownMs, 50), p99: percentile(ownMs, 99), cpuMsPerTurn: ((cpuSeconds(child.pid) - cpuBefore) * 1000) / CHAT_TURNS };
}

const dbName = `todo_bench_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
let child;
let model;
let exitCode = 0;
const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ');
try {
  say(`creating database ${dbName}`);
  await withAdmin(`CREATE DATABASE ${dbName}`);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl.toString(),
    JWT_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    SHUTDOWN_DELAY_MS: '0',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
  };
  delete env.OPENROUTER_API_KEY;
  let firstTaskId;
  model = await startInstantModel(() => firstTaskId);
  Object.assign(env, { OPENAI_API_KEY: 'bench-key', OPENAI_BASE_URL: model.url, OPENAI_MODEL: 'bench', RATE_LIMIT_CHAT_PER_MINUTE: '1000000' });
  say('migrating (node main.js migrate)');
  const migrated = spawnSync(process.execPath, [main, 'migrate'], { env, stdio: 'inherit' });
  if (migrated.status !== 0) throw new Error('migration failed');

  const base = `http://127.0.0.1:${env.PORT}`;
  child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForReady(base, child);
  say(`backend ready at ${base}; creating a user with 50 tasks`);
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  await api(base, 'POST', '/api/auth/register', { name: 'Bench', email, password: 'bench-password' });
  const { access_token: token, user } = await api(base, 'POST', '/api/auth/login', { email, password: 'bench-password' });
  for (let i = 0; i < 50; i++) {
    const task = await api(base, 'POST', `/api/${user.id}/tasks`, { title: `task ${i}`, description: `description of task ${i}` }, token);
    firstTaskId ??= task.id;
  }

  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  say(`${CONNECTIONS} connections, ${DURATION_S} s per scenario`);
  const results = [
    await run('list', { url: `${base}/api/${user.id}/tasks`, headers }),
    await run('create', {
      url: `${base}/api/${user.id}/tasks`,
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'benchmark task', description: 'created by autocannon' }),
    }),
  ];

  say(`${CHAT_TURNS} chat turns, one at a time (complete_task, then a short answer)`);
  const chat = await runChatTurns(base, user, token, model);

  console.log(`\nload average before the run: ${loadBefore}; at its end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} CPUs)`);
  console.log('scenario  req/s    p50 ms  p99 ms  errors  non-2xx  backend CPU ms/req  target');
  for (const { name, result, cpuMsPerRequest } of results) {
    const target = TARGETS[name];
    const failures = result.errors + result.timeouts + result.non2xx;
    const ok = result.requests.average >= target.rps && result.latency.p99 <= target.p99 && failures === 0;
    if (!ok) exitCode = check ? 1 : 0;
    console.log(
      `${name.padEnd(8)}  ${String(Math.round(result.requests.average)).padStart(6)}  ${String(result.latency.p50).padStart(6)}  ${String(result.latency.p99).padStart(6)}  ${String(result.errors + result.timeouts).padStart(6)}  ${String(result.non2xx).padStart(7)}  ${cpuMsPerRequest.toFixed(3).padStart(18)}  ≥${target.rps} req/s, p99 ≤${target.p99} ms: ${ok ? 'met' : 'MISSED'}`,
    );
  }
  console.log(
    `\nchat turn, the backend's own time (the model's taken out): p50 ${chat.p50.toFixed(1)} ms, p99 ${chat.p99.toFixed(1)} ms, ` +
      `backend CPU ${chat.cpuMsPerTurn.toFixed(2)} ms/turn (${CHAT_TURNS} turns: history read, 2 streamed model calls, 1 tool transaction, messages written)`,
  );
  console.log('\nCPU cores used during each scenario (/proc): backend, PostgreSQL (all its databases), autocannon, other processes at normal and at low (nice) priority');
  for (const { name, cores } of results) {
    const f = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
    console.log(`${name.padEnd(8)}  backend ${f(cores.backend)}  postgres ${f(cores.postgres)}  autocannon ${f(cores.loadGenerator)}  other processes ${f(cores.others)} + niced ${f(cores.niced)}`);
  }
} catch (error) {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await withAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  model?.close();
}
process.exit(exitCode);
