import { createHealth } from '../src/lib/health.js';
import { healthRouteHandlers } from '../src/lib/next.js';

describe('next.js route handlers', () => {
  it('answers liveness, startup and readiness as Responses with no-store', async () => {
    const health = createHealth({ checks: [{ name: 'backend', check: () => undefined }] });
    const handlers = healthRouteHandlers(health);

    const live = await handlers.health();
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'healthy' });
    expect(live.headers.get('cache-control')).toBe('no-store');

    expect((await handlers.startup()).status).toBe(503);
    expect((await handlers.ready()).status).toBe(503);
    health.markStarted();
    expect((await handlers.startup()).status).toBe(200);
    const ready = await handlers.ready();
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { backend: { status: 'up' } } });
  });

  it('answers 503 once shutting down', async () => {
    const health = createHealth();
    health.markStarted();
    health.markShuttingDown();
    const res = await healthRouteHandlers(health).ready();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'shutting_down' });
  });
});
