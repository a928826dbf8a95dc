// @vitest-environment node
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type { FrontendConfig } from '../lib/server/config';
import { startGateway, useGatewayOnRecordingBackend } from './support/gateway';
import { startRecordingBackend } from './support/recording-backend';
import { tokenFor, USER_ID } from './support/tokens';

const TOKEN = tokenFor(USER_ID);
const stack = useGatewayOnRecordingBackend();

/** What the browser sends to the frontend's origin: the session cookie and, with a body, JSON. */
function browser(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token) headers.cookie = `todo_session=${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return stack.gateway.call(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

describe('same-origin API forwarding', () => {
  it('sends the session token as a Bearer header to the signed-in user\'s backend route', async () => {
    stack.backend.answerWith({ status: 200, body: { tasks: [{ id: 1, title: 'a' }] } });
    const response = await browser('/api/tasks');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tasks: [{ id: 1, title: 'a' }] });
    expect(stack.backend.requests[0].url).toBe(`/api/${USER_ID}/tasks`);
    expect(stack.backend.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps the backend\'s 201 and body when a task is created, and forwards the JSON body', async () => {
    stack.backend.answerWith({ status: 201, body: { id: 7, title: 'buy milk', description: null } });
    const response = await browser('/api/tasks', { method: 'POST', body: { title: 'buy milk', description: null } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: 7, title: 'buy milk' });
    expect(stack.backend.requests[0].method).toBe('POST');
    expect(JSON.parse(stack.backend.requests[0].body)).toEqual({ title: 'buy milk', description: null });
    expect(stack.backend.requests[0].headers['content-type']).toBe('application/json');
  });

  it('passes 422 validation details through unchanged', async () => {
    const detail = [{ loc: ['body', 'title'], msg: 'String should have at least 1 character', type: 'string_too_short' }];
    stack.backend.answerWith({ status: 422, body: { detail } });
    const response = await browser('/api/tasks/3', { method: 'PUT', body: { title: '' } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail });
    expect(stack.backend.requests[0].url).toBe(`/api/${USER_ID}/tasks/3`);
  });

  it('answers 204 with an empty body when a task is deleted', async () => {
    stack.backend.answerWith({ status: 204 });
    const response = await browser('/api/tasks/3', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(stack.backend.requests[0].method).toBe('DELETE');
  });

  it('forwards completion toggles to the /complete route', async () => {
    stack.backend.answerWith({ status: 200, body: { id: 3, completed: true } });
    const response = await browser('/api/tasks/3/complete', { method: 'PATCH', body: { completed: true } });
    expect(response.status).toBe(200);
    expect(stack.backend.requests[0]).toMatchObject({ method: 'PATCH', url: `/api/${USER_ID}/tasks/3/complete` });
  });

  it('keeps Retry-After and the detail of a 429 from the chat rate limit', async () => {
    stack.backend.answerWith({ status: 429, body: { detail: 'Too many requests' }, headers: { 'retry-after': '42' } });
    const response = await browser('/api/chat', { method: 'POST', body: { message: 'hi' } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('42');
    expect(await response.json()).toEqual({ detail: 'Too many requests' });
  });

  it('forwards a chat event stream as it comes, and ends the backend call when the browser goes away', async () => {
    const events = ['event: text\ndata: {"delta":"Hel"}\n\n', 'event: text\ndata: {"delta":"lo"}\n\n', 'event: done\ndata: {}\n\n'];
    stack.backend.answerWith({ status: 200, chunks: events, gapMs: 300 });
    const tab = new AbortController();
    const response = await fetch(`${stack.gateway.url}/api/chat`, {
      method: 'POST',
      headers: { cookie: `todo_session=${TOKEN}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'hi' }),
      signal: tab.signal,
    });
    expect(stack.backend.requests[0].headers.accept).toBe('text/event-stream');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    if (!response.body) throw new Error('the stream has no body');
    const reader = response.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe(events[0]);
    expect(stack.backend.progress.written).toBeLessThan(events.length);
    tab.abort();
    await reader.cancel().catch(() => undefined);
    await vi.waitFor(() => expect(stack.backend.progress.abandoned).toBe(1), { timeout: 3000 });
  });

  it('passes 503 "chat not configured" and 502 provider failures through', async () => {
    stack.backend.answerWith({ status: 503, body: { detail: 'Chat is not configured' } });
    const notConfigured = await browser('/api/chat', { method: 'POST', body: { message: 'hi' } });
    expect([notConfigured.status, await notConfigured.json()]).toEqual([503, { detail: 'Chat is not configured' }]);
    stack.backend.answerWith({ status: 502, body: { detail: 'The AI provider failed' } });
    const failed = await browser('/api/chat', { method: 'POST', body: { message: 'hi' } });
    expect([failed.status, await failed.json()]).toEqual([502, { detail: 'The AI provider failed' }]);
  });

  it('ends the browser session when the backend answers 401', async () => {
    stack.backend.answerWith({ status: 401, body: { detail: 'Could not validate credentials' }, headers: { 'www-authenticate': 'Bearer' } });
    const response = await browser('/api/conversations/clear', { method: 'DELETE' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Could not validate credentials' });
    const cookies = response.headers.getSetCookie().join('\n');
    expect(cookies).toMatch(/todo_session=;.*Max-Age=0/);
  });

  it('answers 401 without calling the backend when there is no session cookie', async () => {
    const response = await browser('/api/tasks', { token: null });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Not authenticated' });
    expect(stack.backend.requests).toHaveLength(0);
  });

  it('treats an expired session cookie as no session', async () => {
    const response = await browser('/api/tasks', { token: tokenFor(USER_ID, -60) });
    expect(response.status).toBe(401);
    expect(stack.backend.requests).toHaveLength(0);
  });

  it('forwards the client address so per-client rate limits see the real client', async () => {
    stack.backend.answerWith({ status: 200, body: { tasks: [] } });
    await browser('/api/tasks', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(stack.backend.requests[0].headers['x-forwarded-for']).toBe('203.0.113.9');
  });
});

describe('what the gateway adds and refuses', () => {
  it('tells the backend the client\'s own address when no proxy named one, and passes the request id on', async () => {
    stack.backend.answerWith({ status: 200, body: { tasks: [] } });
    await browser('/api/tasks', { headers: { 'x-request-id': 'browser-7' } });
    expect(stack.backend.requests[0].headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(stack.backend.requests[0].headers['x-request-id']).toBe('browser-7');
    expect(stack.backend.requests[0].headers.traceparent).toBeUndefined();
  });

  it('passes the browser\'s trace context on unchanged while tracing is off', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    stack.backend.answerWith({ status: 200, body: { tasks: [] } });
    await browser('/api/tasks', { headers: { traceparent } });
    expect(stack.backend.requests[0].headers.traceparent).toBe(traceparent);
  });

  it('puts the security headers on its answers, as the proxy does on every page', async () => {
    stack.backend.answerWith({ status: 200, body: { tasks: [] } });
    const response = await browser('/api/tasks');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });

  it('answers 405 with Allow for a method the route does not have, and leaves unknown paths to Next', async () => {
    const wrong = await browser('/api/tasks/3/complete', { method: 'GET' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'PATCH']);
    const unknown = await browser('/api/nothing-here');
    expect([unknown.status, await unknown.text()]).toEqual([404, 'next']);
    expect(stack.backend.requests).toHaveLength(0);
  });

  it('refuses a body over 1 MiB with 413 without sending it on', async () => {
    const response = await browser('/api/tasks', { method: 'POST', body: { title: 'x'.repeat(1024 * 1024) } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ detail: 'The request is too large.' });
    expect(stack.backend.requests).toHaveLength(0);
  });
});

describe('when the backend is down', () => {
  it('answers 502 with a plain message', async () => {
    const down = await startRecordingBackend();
    await down.close();
    const { frontendConfig } = await import('../lib/server/config');
    const unreachable = await startGateway({ ...frontendConfig(), backendUrl: down.url });
    try {
      const response = await unreachable.call('/api/tasks', { headers: { cookie: `todo_session=${TOKEN}` } });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ detail: 'The server is unreachable right now. Please try again shortly.' });
    } finally {
      await unreachable.close();
    }
  });

  /** GET /api/tasks through a gateway whose backend answers with `handler`, both closed afterwards. */
  async function listThrough(handler: RequestListener, config: Partial<FrontendConfig> = {}) {
    const { frontendConfig } = await import('../lib/server/config');
    const backend = createServer(handler);
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const gateway = await startGateway({ ...frontendConfig(), backendUrl: `http://127.0.0.1:${(backend.address() as AddressInfo).port}`, ...config });
    try {
      const response = await gateway.call('/api/tasks', { headers: { cookie: `todo_session=${TOKEN}` } });
      return { status: response.status, body: (await response.json()) as unknown };
    } finally {
      await gateway.close();
      backend.closeAllConnections();
      backend.close();
    }
  }

  it('answers 504 when the backend does not answer within the timeout', async () => {
    const answer = await listThrough(() => undefined, { backendTimeoutMs: 300 });
    expect(answer.status).toBe(504);
    expect(answer.body).toEqual({ detail: 'The server took too long to answer. Please try again.' });
  });

  it('answers 502 when the backend breaks off in the middle of a JSON answer, sending none of it', async () => {
    // Headers promising 1,000 bytes, ten of them, then the connection gone.
    const answer = await listThrough((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"tasks":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({ detail: 'The server is unreachable right now. Please try again shortly.' });
  });
});
