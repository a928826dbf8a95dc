import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { createScratchPostgres, NO_POSTGRES_REASON, TEST_DATABASE_URL, type ScratchDatabase } from './support/databases';
import { signUp, testApp, type Account } from './support/app';
import { callTool, reply, startFakeLlm, type FakeLlm } from './support/fake-llm';

const POOL = 4;
const SLOW_TURNS = POOL + 2;
const MODEL_DELAY_MS = 3000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

describe.skipIf(!TEST_DATABASE_URL)(`slow chat turns on PostgreSQL (${TEST_DATABASE_URL ? 'pool of 4' : NO_POSTGRES_REASON})`, () => {
  let llm: FakeLlm;
  let scratch: ScratchDatabase;
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    scratch = await createScratchPostgres();
    database = await openDatabase({ url: scratch.url, poolMax: POOL });
    await migrate(database);
    app = await testApp(
      { database, agent: undefined },
      {
        databasePoolMax: POOL,
        llm: { apiKey: 'k', baseURL: llm.baseURL, model: 'scripted' },
        chat: { llmTimeoutMs: 15_000, llmMaxRetries: 0, turnBudgetMs: 30_000, maxAgentTurns: 4 },
      },
    );
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    [alice, bob] = await Promise.all([signUp(app, 'Alice'), signUp(app, 'Bob')]);
    await app.inject({ method: 'POST', url: `/api/${bob.id}/tasks`, headers: bob.auth, payload: { title: 'bob reads this' } });
    // Warm, as a serving backend is: open connections (SCRAM) and code paths loaded once are not what this measures.
    await Promise.all(Array.from({ length: POOL }, () => database.db.execute('SELECT pg_sleep(0.05)')));
    llm.script(callTool('list_tasks', {}), reply('Nothing yet.'));
    const warm = await fetch(`${base}/api/${alice.id}/chat`, {
      method: 'POST',
      headers: { ...alice.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'what is on my list?' }),
    });
    expect(warm.status).toBe(200);
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/api/${bob.id}/tasks`, { headers: bob.auth })).arrayBuffer();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await scratch?.drop();
    await llm?.close();
  });

  it("keeps another user's task list fast and /ready 200 while 6 turns wait on the model", async () => {
    expect(SLOW_TURNS).toBe(6); // the name says so
    // Each turn: a slow call that asks for add_task, the tool's short transaction, then a slow final answer.
    llm.script(
      ...Array.from({ length: SLOW_TURNS }, (_, i) => callTool('add_task', { title: `slow task ${i}` }, { delayMs: MODEL_DELAY_MS })),
      ...Array.from({ length: SLOW_TURNS }, () => reply('Added.', { delayMs: MODEL_DELAY_MS })),
    );
    const turns = Promise.all(
      Array.from({ length: SLOW_TURNS }, () =>
        fetch(`${base}/api/${alice.id}/chat`, {
          method: 'POST',
          headers: { ...alice.auth, 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'add a slow task' }),
        }).then((r) => r.status),
      ),
    );
    let done = false;
    void turns.finally(() => (done = true));

    const listTimes: number[] = [];
    const listStatuses = new Set<number>();
    const readyStatuses: number[] = [];
    const readiness = (async () => {
      while (!done) {
        readyStatuses.push((await fetch(`${base}/ready`)).status);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${base}/api/${bob.id}/tasks`, { headers: bob.auth });
      await res.arrayBuffer();
      listTimes.push(performance.now() - started);
      listStatuses.add(res.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await readiness;

    const sorted = [...listTimes].sort((a, b) => a - b);
    const figures = { requests: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
    console.log(
      `${SLOW_TURNS} slow turns on a pool of ${POOL}: other user's GET /tasks ×${figures.requests} p50 ${figures.p50.toFixed(1)} ms, ` +
        `p99 ${figures.p99.toFixed(1)} ms, max ${figures.max?.toFixed(1)} ms; /ready ×${readyStatuses.length} all ${[...new Set(readyStatuses)].join(',')}`,
    );
    expect(await turns).toEqual(Array(SLOW_TURNS).fill(200));
    expect([...listStatuses]).toEqual([200]);
    expect(new Set(readyStatuses)).toEqual(new Set([200]));
    expect(figures.p99).toBeLessThan(200);
    const tasks = await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth });
    expect(tasks.json().tasks).toHaveLength(SLOW_TURNS);
  });
});
