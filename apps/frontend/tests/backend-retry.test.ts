// @vitest-environment node
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, backendFetch } from '../lib/server/backend';
import { startGateway } from './support/gateway';
import { tokenFor, USER_ID } from './support/tokens';

/**
 * A backend that drops the connection of the next `resets` requests as soon as they arrive (what a pod
 * going away does to a pooled keep-alive connection), then answers 200. The frontend reads BACKEND_URL once,
 * so one server on one port serves every test; `stopListening` makes the port refuse connections.
 */
let resets = 0;
let seen = 0;
const sockets = new Set<Socket>();
const server: Server = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.once('data', () => {
    seen += 1;
    if (seen <= resets) {
      socket.resetAndDestroy();
      return;
    }
    const body = JSON.stringify({ attempt: seen });
    socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
  });
});
let port = 0;
const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const stopListening = () =>
  new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });

beforeAll(async () => {
  await listen();
  port = (server.address() as { port: number }).port;
  process.env.BACKEND_URL = `http://127.0.0.1:${port}`;
});
afterAll(() => stopListening());
beforeEach(() => {
  seen = 0;
});

describe('backendFetch when a connection breaks under a request (a backend rollout)', () => {
  it('sends an idempotent request again and returns the answer of the attempt that worked', async () => {
    resets = 1;
    const response = await backendFetch('/api/u/tasks', { method: 'GET' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ attempt: 2 });
    expect(seen).toBe(2);
  });

  it('never sends a POST twice once it may have reached the backend', async () => {
    resets = 1;
    await expect(backendFetch('/api/u/tasks', { method: 'POST', body: '{"title":"once"}' })).rejects.toEqual(new BackendUnavailableError('unreachable'));
    expect(seen).toBe(1);
  });

  it('gives up after three attempts and reports the backend unreachable', async () => {
    resets = 10;
    await expect(backendFetch('/api/u/tasks/1', { method: 'DELETE' })).rejects.toEqual(new BackendUnavailableError('unreachable'));
    expect(seen).toBe(3);
  });

  it('sends even a POST again when the connection was refused (nothing listened, so nothing was applied)', async () => {
    await stopListening();
    try {
      const started = Date.now();
      await expect(backendFetch('/api/auth/login', { method: 'POST', body: '{}' })).rejects.toEqual(new BackendUnavailableError('unreachable'));
      expect(Date.now() - started, 'waited out the two retry delays').toBeGreaterThanOrEqual(240);
    } finally {
      await listen();
    }
  });
});

describe('the /api gateway when a connection breaks under a request', () => {
  const cookie = `todo_session=${tokenFor(USER_ID)}`;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway.close());

  it('sends a GET again and answers with the attempt that worked', async () => {
    resets = 1;
    const response = await gateway.call('/api/tasks', { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ attempt: 2 });
    expect(seen).toBe(2);
  });

  it('never sends a POST twice once it may have reached the backend, and says the backend is unreachable', async () => {
    resets = 1;
    const response = await gateway.call('/api/tasks', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"title":"once"}' });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ detail: 'The server is unreachable right now. Please try again shortly.' });
    expect(seen).toBe(1);
  });

  it('sends even a POST again when the connection was refused, then gives up after three attempts', async () => {
    await stopListening();
    try {
      const started = Date.now();
      const response = await gateway.call('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(502);
      expect(Date.now() - started, 'waited out the two retry delays').toBeGreaterThanOrEqual(240);
    } finally {
      await listen();
    }
  });
});
