import { createHealth } from '../src/lib/health.js';
import type { HealthCheck } from '../src/lib/checks.js';

const up = (name = 'database', extra: Partial<HealthCheck> = {}): HealthCheck => ({ name, check: () => undefined, ...extra });

describe('liveness', () => {
  it('answers healthy without touching any dependency', () => {
    const check = vi.fn();
    const health = createHealth({ checks: [{ name: 'database', check }] });
    expect(health.liveness()).toEqual({ httpStatus: 200, body: { status: 'healthy' } });
    expect(check).not.toHaveBeenCalled();
  });

  it('stays healthy while shutting down, so the pod is not restarted mid-drain', () => {
    const health = createHealth();
    health.markStarted();
    health.markShuttingDown();
    expect(health.liveness().httpStatus).toBe(200);
  });
});

describe('startup', () => {
  it('fails until the app marks itself started', () => {
    const health = createHealth();
    expect(health.startup()).toEqual({ httpStatus: 503, body: { status: 'starting' } });
    health.markStarted();
    expect(health.startup()).toEqual({ httpStatus: 200, body: { status: 'started' } });
  });
});

describe('readiness', () => {
  it('is not ready before start-up finished, and runs no checks then', async () => {
    const check = vi.fn();
    const health = createHealth({ checks: [{ name: 'database', check }] });
    expect(await health.readiness()).toEqual({ httpStatus: 503, body: { status: 'starting' } });
    expect(check).not.toHaveBeenCalled();
  });

  it('is ready when every critical check is up, reporting each with its latency', async () => {
    const health = createHealth({ checks: [up('database'), up('cache')] });
    health.markStarted();
    const report = await health.readiness();
    expect(report.httpStatus).toBe(200);
    expect(report.body).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' }, cache: { status: 'up' } },
    });
    expect((report.body['checks'] as Record<string, { latencyMs: number }>)['database'].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails with 503 when a critical check throws, without the error text in the body', async () => {
    const failures: unknown[] = [];
    const health = createHealth({
      checks: [{ name: 'database', check: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2')) }],
      onCheckFailure: (name, failure) => failures.push({ name, failure }),
    });
    health.markStarted();
    const report = await health.readiness();
    expect(report.httpStatus).toBe(503);
    expect(report.body).toMatchObject({ status: 'not_ready', checks: { database: { status: 'down' } } });
    const text = JSON.stringify(report.body);
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    expect(failures).toEqual([{ name: 'database', failure: { kind: 'error', error: expect.any(Error) } }]);
  });

  it('counts a check that hangs past its timeout as down, and aborts it', async () => {
    let aborted = false;
    const health = createHealth({
      checks: [
        {
          name: 'database',
          timeoutMs: 30,
          check: (signal) =>
            new Promise(() => signal.addEventListener('abort', () => (aborted = true))),
        },
      ],
    });
    health.markStarted();
    const started = Date.now();
    const report = await health.readiness();
    const elapsed = Date.now() - started;
    expect(report.httpStatus).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
    expect(aborted).toBe(true);
    expect(report.body).toMatchObject({ checks: { database: { status: 'down' } } });
  });

  it('stays ready when only a non-critical check is down, and reports it', async () => {
    const health = createHealth({
      checks: [up('database'), { name: 'llm', critical: false, check: () => { throw new Error('no key'); } }],
    });
    health.markStarted();
    const report = await health.readiness();
    expect(report.httpStatus).toBe(200);
    expect(report.body).toMatchObject({ status: 'ready', checks: { llm: { status: 'down' } } });
  });

  it('reuses results within the cache window and checks again after it', async () => {
    let clock = 0;
    const check = vi.fn();
    const health = createHealth({ checks: [{ name: 'database', check }], cacheTtlMs: 1000, now: () => clock });
    health.markStarted();
    await health.readiness();
    clock = 999;
    await health.readiness();
    expect(check).toHaveBeenCalledTimes(1);
    clock = 1000;
    await health.readiness();
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('lets concurrent probes share one round of checks', async () => {
    let release!: () => void;
    const check = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const health = createHealth({ checks: [{ name: 'database', check }] });
    health.markStarted();
    const probes = Promise.all([health.readiness(), health.readiness(), health.readiness()]);
    await Promise.resolve();
    await Promise.resolve();
    release();
    const reports = await probes;
    expect(check).toHaveBeenCalledTimes(1);
    expect(reports.map((r) => r.httpStatus)).toEqual([200, 200, 200]);
  });

  it('flips to 503 the moment shutdown begins, even with healthy dependencies', async () => {
    const health = createHealth({ checks: [up()] });
    health.markStarted();
    expect((await health.readiness()).httpStatus).toBe(200);
    health.markShuttingDown();
    expect(await health.readiness()).toEqual({ httpStatus: 503, body: { status: 'shutting_down' } });
    expect(health.isShuttingDown).toBe(true);
  });

  it('answers shutting_down when shutdown begins while a check is running', async () => {
    let release!: () => void;
    const health = createHealth({ checks: [{ name: 'database', check: () => new Promise<void>((r) => (release = r)) }] });
    health.markStarted();
    const pending = health.readiness();
    await Promise.resolve();
    await Promise.resolve();
    health.markShuttingDown();
    release();
    expect((await pending).body).toEqual({ status: 'shutting_down' });
  });

  it('includes checks added after creation', async () => {
    const health = createHealth();
    health.markStarted();
    health.addCheck({ name: 'database', check: () => { throw new Error('down'); } });
    expect((await health.readiness()).httpStatus).toBe(503);
  });
});
