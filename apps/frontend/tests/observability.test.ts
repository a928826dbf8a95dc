// @vitest-environment node
import { checkMetrics, findPromtool, parseExposition, PROMTOOL_SETUP_HINT, sumOf } from '@todo/observability';
import { readdirSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, backendFetch } from '../lib/server/backend';
import { registry } from '../lib/server/metrics';
import { observeRequests } from '../lib/server/observe-requests';
import { API_ROUTES, ROUTES, routeTemplate } from '../lib/server/routes';

const promtool = findPromtool();
const requirePromtool = process.env.TODO_REQUIRE_ENGINES === '1';
if (!promtool && !requirePromtool) console.warn(`promtool check skipped: ${PROMTOOL_SETUP_HINT}`);

const listen = (server: Server | ReturnType<typeof createTcpServer>) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
const samples = async () => parseExposition(await registry.metrics());

/** Every page.tsx and route.ts under app/, as a route template (`app/tasks/page.tsx` → `/tasks`). */
function appRoutes(dir = join(import.meta.dirname, '../app')): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /(^|\/)(page\.tsx|route\.ts)$/.test(file.split(sep).join('/')))
    .map((file) => `/${relative('.', file).split(sep).slice(0, -1).join('/')}`)
    .sort();
}

describe('route templates', () => {
  it('list every page and route handler under app/, and the API the gateway answers', () => {
    expect([...ROUTES].sort()).toEqual([...appRoutes(), ...API_ROUTES].sort());
    expect(appRoutes().filter((route) => route.startsWith('/api/'))).toEqual([]);
  });

  it('label a path by its template, Next assets as one, anything else as unmatched', () => {
    expect(routeTemplate('/api/tasks/17/complete')).toBe('/api/tasks/[taskId]/complete');
    expect(routeTemplate('/tasks')).toBe('/tasks');
    expect(routeTemplate('/_next/static/chunks/abc.js')).toBe('/_next/*');
    expect(routeTemplate('/wp-admin/setup.php')).toBe('unmatched');
  });
});

describe('every request the server answers', () => {
  let server: Server;
  let base = '';
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    observeRequests();
    server = createHttpServer((request, response) => {
      seen.push({ ...request.headers });
      response.writeHead(request.url?.startsWith('/api/tasks/') ? 404 : 200).end('ok');
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('keeps the browser\'s request id and trace context, and answers with the id', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await fetch(`${base}/tasks`, { headers: { 'x-request-id': 'browser-1', traceparent } });
    expect(response.headers.get('x-request-id')).toBe('browser-1');
    expect(seen.at(-1)).toMatchObject({ 'x-request-id': 'browser-1', traceparent });
  });

  it('gives a request without them a new id and a new root traceparent', async () => {
    const response = await fetch(`${base}/chat`, { headers: { 'x-request-id': 'has spaces, so replaced' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.at(-1)?.['x-request-id']).toBe(id);
    expect(seen.at(-1)?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('counts requests by route template and status', async () => {
    const before = await samples();
    await fetch(`${base}/api/tasks/41`);
    await fetch(`${base}/api/tasks/42`);
    const after = await samples();
    const where = { method: 'GET', route: '/api/tasks/[taskId]', status_code: '404' };
    expect(sumOf(after, 'http_request_duration_seconds_count', where) - sumOf(before, 'http_request_duration_seconds_count', where)).toBe(2);
  });
});

describe('calls to the backend', () => {
  let resets = 0;
  const backend = createTcpServer((socket) => {
    socket.once('data', () => {
      if (resets-- > 0) return void socket.resetAndDestroy();
      socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
  });

  beforeAll(async () => {
    process.env.BACKEND_URL = `http://127.0.0.1:${await listen(backend)}`;
  });
  afterAll(() => {
    backend.close();
  });

  it('are counted by outcome, with each retry counted', async () => {
    const moved = (before: Awaited<ReturnType<typeof samples>>, after: typeof before, name: string, where = {}) =>
      sumOf(after, name, where) - sumOf(before, name, where);
    const before = await samples();
    resets = 1;
    expect((await backendFetch('/api/u/tasks')).status).toBe(503);
    resets = 1;
    await expect(backendFetch('/api/u/tasks', { method: 'POST', body: '{}' })).rejects.toEqual(new BackendUnavailableError('unreachable'));
    const after = await samples();
    expect(moved(before, after, 'todo_backend_call_duration_seconds_count', { outcome: '5xx' })).toBe(1);
    expect(moved(before, after, 'todo_backend_call_duration_seconds_count', { outcome: 'unreachable' })).toBe(1);
    expect(moved(before, after, 'todo_backend_call_retries_total')).toBe(1);
  });
});

describe('the exposition', () => {
  it.skipIf(!promtool && !requirePromtool)('passes `promtool check metrics`', async () => {
    if (!promtool) throw new Error(PROMTOOL_SETUP_HINT);
    expect(checkMetrics(promtool, await registry.metrics())).toEqual({ ok: true, output: '' });
  });
});
