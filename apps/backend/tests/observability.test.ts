import { checkMetrics, findPromtool, parseExposition, PROMTOOL_SETUP_HINT, serveMetrics, sumOf, type MetricsServer, type Sample } from '@todo/observability';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../src/db/client';
import { registry } from '../src/observability/metrics';
import { signUp, testApp, type Account } from './support/app';
import { engines, openTestDatabase } from './support/databases';
import { callTool, providerError, reply, startFakeLlm, type FakeLlm } from './support/fake-llm';

const promtool = findPromtool();
const requirePromtool = process.env.TODO_REQUIRE_ENGINES === '1';
if (!promtool && !requirePromtool) console.warn(`promtool checks skipped: ${PROMTOOL_SETUP_HINT}`);

let metrics: MetricsServer;
beforeAll(async () => {
  metrics = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
});
afterAll(() => metrics.close());

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(metrics.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}

describe('the metrics port', () => {
  it('serves only GET /metrics', async () => {
    expect((await fetch(metrics.url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(metrics.url, { method: 'POST' })).status).toBe(405);
  });

  it.skipIf(!promtool && !requirePromtool)('passes `promtool check metrics`', async () => {
    if (!promtool) throw new Error(PROMTOOL_SETUP_HINT);
    const { text } = await scrape();
    expect(checkMetrics(promtool, text)).toEqual({ ok: true, output: '' });
  });
});

describe.each(engines)('metrics, request ids and trace context (%s)', (engine) => {
  let llm: FakeLlm;
  let app: FastifyInstance;
  let database: Database;
  let dispose: () => Promise<void>;
  let alice: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    ({ database, dispose } = await openTestDatabase(engine));
    app = await testApp(
      { database, agent: undefined },
      { llm: { apiKey: 'test-key', baseURL: llm.baseURL, model: 'scripted-model' }, rateLimit: { authPerMinute: 1000, chatPerMinute: 4 } },
    );
    alice = await signUp(app, 'Alice');
  });
  afterAll(async () => {
    await app.close();
    await dispose();
    await llm.close();
  });

  const chat = (message: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: { ...alice.auth, ...headers }, payload: { message } });

  it('answers with the caller\'s x-request-id when it is a sane token, and with a new one otherwise', async () => {
    const kept = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'req-42.a' } });
    expect(kept.headers['x-request-id']).toBe('req-42.a');
    const replaced = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'two words "quoted"' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('hands the request id and the caller\'s traceparent to the model call (tracing off: passed on unchanged)', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    llm.headers.length = 0;
    llm.script(reply('Hello!'));
    const response = await chat('hi', { 'x-request-id': 'turn-1', traceparent });
    expect(response.statusCode).toBe(200);
    expect(llm.headers.map((h) => [h['x-request-id'], h.traceparent])).toEqual([['turn-1', traceparent]]);
  });

  it('counts requests by route template and status, tool runs by outcome, model calls and tokens, and rate-limit rejections', async () => {
    const before = (await scrape()).samples;
    const tasks = `/api/${alice.id}/tasks`;
    await app.inject({ method: 'GET', url: tasks, headers: alice.auth });
    await app.inject({ method: 'GET', url: `${tasks}/999999`, headers: alice.auth });
    llm.script(callTool('add_task', { title: 'buy milk', description: null }), reply('Added ✅'));
    expect((await chat('add buy milk')).statusCode).toBe(200);
    llm.script(callTool('complete_task', { task_id: 999999 }), reply('No such task'));
    expect((await chat('complete 999999')).statusCode).toBe(200);
    llm.script(providerError(500), providerError(500));
    expect((await chat('this fails')).statusCode).toBe(502);
    expect((await chat('one too many')).statusCode).toBe(429);
    const after = (await scrape()).samples;

    const moved = (name: string, where: Record<string, string>) => sumOf(after, name, where) - sumOf(before, name, where);
    const requests = (route: string, status: string, method = 'GET') =>
      moved('http_request_duration_seconds_count', { method, route, status_code: status });
    expect(requests('/api/:user_id/tasks', '200')).toBe(1);
    expect(requests('/api/:user_id/tasks/:task_id', '404')).toBe(1);
    expect(requests('/api/:user_id/chat', '200', 'POST')).toBe(2);
    expect(requests('/api/:user_id/chat', '502', 'POST')).toBe(1);
    expect(requests('/api/:user_id/chat', '429', 'POST')).toBe(1);
    expect(moved('todo_tool_invocations_total', { tool: 'add_task', outcome: 'ok' })).toBe(1);
    expect(moved('todo_tool_invocations_total', { tool: 'complete_task', outcome: 'refused' })).toBe(1);
    expect(moved('todo_model_call_duration_seconds_count', { model: 'scripted-model', outcome: 'ok' })).toBe(4);
    expect(moved('todo_model_call_duration_seconds_count', { model: 'scripted-model', outcome: 'error' })).toBe(1);
    // The scripted provider reports 1 prompt and 1 completion token per answer.
    expect(moved('todo_model_tokens_total', { direction: 'input' })).toBe(4);
    expect(moved('todo_model_tokens_total', { direction: 'output' })).toBe(4);
    expect(moved('todo_rate_limit_rejections_total', { route: '/api/:user_id/chat' })).toBe(1);
    expect(sumOf(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sumOf(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it(`reports the database pool (${engine === 'postgres' ? 'its open connections' : 'none: PGlite has no pool'})`, async () => {
    await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth });
    const { samples } = await scrape();
    const open = sumOf(samples, 'todo_db_pool_connections');
    if (engine === 'postgres') expect(open).toBeGreaterThanOrEqual(1);
    else expect(open).toBe(0);
    expect(sumOf(samples, 'todo_db_pool_connections', { state: 'in_use' })).toBe(0);
    expect(sumOf(samples, 'todo_db_pool_waiting_requests')).toBe(0);
  });
});
