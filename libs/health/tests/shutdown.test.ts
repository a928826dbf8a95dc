import { EventEmitter } from 'node:events';
import { createHealth } from '../src/lib/health.js';
import { createShutdown, isRunAtSignal, runsAtSignal, type ShutdownOptions } from '../src/lib/shutdown.js';

function setup(overrides: Partial<ShutdownOptions> = {}) {
  const health = createHealth();
  health.markStarted();
  const signals = new EventEmitter();
  const exit = vi.fn();
  const logs: string[] = [];
  const shutdown = createShutdown({
    health,
    signals,
    exit,
    delayMs: 0,
    log: { info: (m) => logs.push(m), error: (m) => logs.push(`ERROR ${m}`) },
    ...overrides,
  });
  return { health, signals, exit, logs, shutdown };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('shutdown controller', () => {
  it('on SIGTERM fails readiness at once, waits the delay, closes, and exits 0', async () => {
    const order: string[] = [];
    const { health, signals, exit, shutdown } = setup({ delayMs: 50 });
    shutdown.onClose('server', () => void order.push('server'));
    shutdown.onClose('database', () => void order.push('database'));

    signals.emit('SIGTERM');
    expect((await health.readiness()).httpStatus).toBe(503);
    await tick(20);
    expect(order).toEqual([]);
    expect(exit).not.toHaveBeenCalled();

    expect(await shutdown.shutdown('again')).toBe(0);
    expect(order).toEqual(['server', 'database']);
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('handles SIGINT the same way', async () => {
    const { signals, exit, shutdown } = setup();
    signals.emit('SIGINT');
    await shutdown.shutdown('test');
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('runs the sequence once however many times it is asked', async () => {
    const close = vi.fn();
    const { signals, exit, shutdown } = setup();
    shutdown.onClose('server', close);
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    await Promise.all([shutdown.shutdown('a'), shutdown.shutdown('b')]);
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('waits for in-flight requests to finish before closing', async () => {
    const order: string[] = [];
    const { shutdown } = setup();
    shutdown.onClose('database', () => void order.push('closed'));
    const done = shutdown.trackRequest();
    expect(shutdown.inFlight).toBe(1);
    const finished = shutdown.shutdown('test');
    await tick(20);
    expect(order).toEqual([]);
    order.push('request finished');
    done();
    done(); // finishing twice counts once
    await finished;
    expect(order).toEqual(['request finished', 'closed']);
    expect(shutdown.inFlight).toBe(0);
  });

  it('stops waiting for in-flight work after the drain timeout', async () => {
    const { shutdown, exit, logs } = setup({ drainTimeoutMs: 30 });
    shutdown.trackRequest();
    const started = Date.now();
    await shutdown.shutdown('test');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(exit).toHaveBeenCalledWith(0);
    expect(logs.some((l) => l.includes('still running'))).toBe(true);
  });

  it('abandons a close handler that overruns its timeout, still runs the rest, and exits 1', async () => {
    const later = vi.fn();
    const { shutdown, exit, logs } = setup({ handlerTimeoutMs: 30 });
    shutdown.onClose('stuck pool', () => new Promise(() => undefined));
    shutdown.onClose('cache', later);
    const started = Date.now();
    expect(await shutdown.shutdown('test')).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(later).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(logs).toContain('ERROR shutdown: stuck pool did not close within 30 ms');
  });

  it('keeps going when a close handler throws, and exits 1', async () => {
    const later = vi.fn();
    const { shutdown, exit } = setup();
    shutdown.onClose('broken', () => {
      throw new Error('boom');
    });
    shutdown.onClose('next', later);
    await shutdown.shutdown('test');
    expect(later).toHaveBeenCalled();
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('finishes well within a grace period when every step is bounded', async () => {
    const { shutdown, exit } = setup({ delayMs: 20, drainTimeoutMs: 30, handlerTimeoutMs: 30 });
    shutdown.trackRequest();
    shutdown.onClose('stuck', () => new Promise(() => undefined));
    const started = Date.now();
    await shutdown.shutdown('test');
    expect(Date.now() - started).toBeLessThan(500);
    expect(exit).toHaveBeenCalled();
  });

  it('keeps its signal listeners during shutdown, so libraries that exit when they are the last listener do not', async () => {
    const { signals, exit, shutdown } = setup({ delayMs: 30 });
    const otherListenerSaw: number[] = [];
    signals.on('SIGTERM', () => otherListenerSaw.push(signals.listenerCount('SIGTERM')));
    signals.emit('SIGTERM');
    expect(otherListenerSaw).toEqual([2]);
    await shutdown.shutdown('test');
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('stops listening for signals once disposed', async () => {
    const { signals, exit, shutdown } = setup();
    shutdown.dispose();
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    signals.emit('SIGTERM');
    await tick(10);
    expect(exit).not.toHaveBeenCalled();
  });
});

describe('runsAtSignal', () => {
  it('marks a listener with a registered symbol that any bundle of the app reads, and returns the same function', () => {
    const listener = () => undefined;
    expect(isRunAtSignal(listener)).toBe(false);
    expect(runsAtSignal(listener)).toBe(listener);
    expect(isRunAtSignal(listener)).toBe(true);
    expect((listener as unknown as Record<symbol, unknown>)[Symbol.for('@todo/health.runsAtSignal')]).toBe(true);
    expect(isRunAtSignal(undefined)).toBe(false);
  });
});
