// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingBackend } from './support/recording-backend';

let backend: Awaited<ReturnType<typeof startRecordingBackend>>;

beforeAll(async () => {
  backend = await startRecordingBackend();
  process.env.BACKEND_URL = backend.url;
});
afterAll(() => backend.close());

describe('health routes', () => {
  it('/startup and /ready answer 503 until instrumentation marked the server started', async () => {
    const { health } = await import('../lib/server/health');
    expect((await (await import('../app/startup/route')).GET()).status).toBe(503);
    expect((await (await import('../app/ready/route')).GET()).status).toBe(503);
    health.markStarted();
    expect((await (await import('../app/startup/route')).GET()).status).toBe(200);
  });

  it('/health answers healthy without asking the backend', async () => {
    const { GET } = await import('../app/health/route');
    const response = await GET();
    expect([response.status, await response.json()]).toEqual([200, { status: 'healthy' }]);
    expect(backend.requests).toHaveLength(0);
  });

  it('/ready is 200 while the backend\'s /health answers and 503 when it does not', async () => {
    const { GET } = await import('../app/ready/route');
    backend.answerWith({ status: 200, body: { status: 'healthy' } });
    const up = await GET();
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ready' });
    expect(backend.requests.at(-1)?.url).toBe('/health');
    backend.answerWith({ status: 500, body: { detail: 'boom' } });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s readiness cache
    const down = await GET();
    expect(down.status).toBe(503);
    expect(JSON.stringify(await down.json())).not.toContain('boom');
  });

  it('/ready turns 503 as soon as shutdown begins', async () => {
    backend.answerWith({ status: 200, body: { status: 'healthy' } });
    const { GET } = await import('../app/ready/route');
    const { health } = await import('../lib/server/health');
    health.markShuttingDown();
    expect((await GET()).status).toBe(503);
  });
});
