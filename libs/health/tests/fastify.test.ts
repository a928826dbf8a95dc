import Fastify, { type FastifyInstance } from 'fastify';
import { createHealth, type Health } from '../src/lib/health.js';
import { createShutdown } from '../src/lib/shutdown.js';
import { healthPlugin } from '../src/lib/fastify.js';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

function appWith(health: Health) {
  app = Fastify();
  app.register(healthPlugin, { health });
  return app;
}

describe('fastify health plugin', () => {
  it('serves liveness with the original shape', async () => {
    const res = await appWith(createHealth()).inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'healthy' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('gates /startup until the app is started', async () => {
    const health = createHealth();
    appWith(health);
    expect((await app.inject('/startup')).statusCode).toBe(503);
    health.markStarted();
    expect((await app.inject('/startup')).json()).toEqual({ status: 'started' });
  });

  it('reports ready with its dependency checks', async () => {
    const health = createHealth({ checks: [{ name: 'database', check: () => undefined }] });
    health.markStarted();
    const res = await appWith(health).inject('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
  });

  it('answers 503 without internals when the database is down', async () => {
    const health = createHealth({
      checks: [{ name: 'database', check: () => Promise.reject(new Error('FATAL: password authentication failed for user "todo"')) }],
    });
    health.markStarted();
    const res = await appWith(health).inject('/ready');
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('password');
    expect(res.json()).toMatchObject({ status: 'not_ready', checks: { database: { status: 'down' } } });
  });

  it('turns readiness off as soon as the app starts closing', async () => {
    const health = createHealth();
    health.markStarted();
    appWith(health);
    await app.ready();
    expect(health.isShuttingDown).toBe(false);
    await app.close();
    expect(health.isShuttingDown).toBe(true);
  });

  it('on SIGTERM fails readiness during the delay, lets a slow request finish, then exits 0', async () => {
    const health = createHealth();
    const signals = new (await import('node:events')).EventEmitter();
    const exit = vi.fn();
    appWith(health);
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { done: true };
    });
    const shutdown = createShutdown({ health, signals, exit, delayMs: 100, log: { info: () => undefined, error: () => undefined } });
    shutdown.onClose('http server', () => app.close());
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    health.markStarted();

    const slow = fetch(`${address}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    signals.emit('SIGTERM');
    const ready = await fetch(`${address}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'shutting_down' });

    expect(await slow).toEqual({ status: 200, body: { done: true } });
    expect(await shutdown.shutdown('wait')).toBe(0);
    expect(exit).toHaveBeenCalledWith(0);
    await expect(fetch(`${address}/health`)).rejects.toThrow();
  });
});
