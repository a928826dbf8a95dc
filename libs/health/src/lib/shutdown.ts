import type { Health } from './health.js';

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

/** Where termination signals come from; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  removeListener(signal: ShutdownSignal, listener: () => void): unknown;
}

export interface ShutdownLog {
  info(message: string): void;
  error(message: string): void;
}

export interface ShutdownOptions {
  health: Health;
  /** Readiness fails this long before anything closes, so load balancers stop sending traffic. */
  delayMs?: number;
  /** Longest wait for tracked in-flight work before the close handlers run anyway. */
  drainTimeoutMs?: number;
  /** Longest any one close handler may run. */
  handlerTimeoutMs?: number;
  signals?: SignalSource | null;
  exit?: (code: number) => void;
  log?: ShutdownLog;
  sleep?: (ms: number) => Promise<void>;
}

export interface Shutdown {
  /** Registers cleanup, run in registration order (register the HTTP server before its database). */
  onClose(name: string, close: () => Promise<unknown> | unknown): void;
  /** Counts work that must finish before close handlers run; call the returned function when done. */
  trackRequest(): () => void;
  readonly inFlight: number;
  /** Starts the sequence once; later calls return the same promise. Resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  /** Stops listening for signals (tests, or an app closed without exiting). */
  dispose(): void;
}

const SIGNALS: ShutdownSignal[] = ['SIGTERM', 'SIGINT'];

/**
 * Marks a signal listener that must run at the signal itself, beside the shutdown sequence, where a sequence
 * that takes over the signals (the frontend's installShutdown) would otherwise hold it back until its close
 * step. A registered symbol, so it is the same in every bundle of the app.
 */
export const RUNS_AT_SIGNAL: unique symbol = Symbol.for('@todo/health.runsAtSignal') as never;

/** `listener`, marked to run at the signal (RUNS_AT_SIGNAL). */
export function runsAtSignal<T extends (...args: never[]) => unknown>(listener: T): T {
  return Object.assign(listener, { [RUNS_AT_SIGNAL]: true });
}

/** Whether a listener carries the RUNS_AT_SIGNAL mark. */
export const isRunAtSignal = (listener: unknown): boolean => typeof listener === 'function' && RUNS_AT_SIGNAL in listener;

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

export function createShutdown(options: ShutdownOptions): Shutdown {
  const {
    health,
    delayMs = 0,
    drainTimeoutMs = 10_000,
    handlerTimeoutMs = 5000,
    exit = (code) => process.exit(code),
    log = { info: (m) => console.log(m), error: (m) => console.error(m) },
    sleep = defaultSleep,
  } = options;
  const signals = options.signals === undefined ? process : options.signals;
  const handlers: { name: string; close: () => Promise<unknown> | unknown }[] = [];
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let running: Promise<number> | undefined;

  // Stay subscribed (not `once`) for the whole sequence: some libraries (the OpenAI Agents SDK's
  // tracing) exit the process on a signal when they see no other listener left.
  const listeners = SIGNALS.map((signal) => {
    const listener = () => void shutdown(`received ${signal}`);
    signals?.on(signal, listener);
    return [signal, listener] as const;
  });

  function dispose() {
    for (const [signal, listener] of listeners) signals?.removeListener(signal, listener);
  }

  async function drain() {
    if (inFlight === 0) return;
    log.info(`shutdown: waiting for ${inFlight} in-flight request(s)`);
    const done = new Promise<void>((resolve) => (drained = resolve));
    await Promise.race([done, sleep(drainTimeoutMs)]);
    if (inFlight > 0) log.error(`shutdown: ${inFlight} request(s) still running after ${drainTimeoutMs} ms`);
  }

  async function runHandler(name: string, close: () => Promise<unknown> | unknown): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), handlerTimeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(close).then(() => 'ok' as const), overrun]);
      if (outcome === 'timeout') {
        log.error(`shutdown: ${name} did not close within ${handlerTimeoutMs} ms`);
        return false;
      }
      return true;
    } catch (error) {
      log.error(`shutdown: ${name} failed to close: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function sequence(reason: string): Promise<number> {
    health.markShuttingDown();
    log.info(`shutdown: ${reason}; readiness now fails, closing in ${delayMs} ms`);
    if (delayMs > 0) await sleep(delayMs);
    await drain();
    let clean = true;
    for (const { name, close } of handlers) clean = (await runHandler(name, close)) && clean;
    const code = clean ? 0 : 1;
    log.info(`shutdown: complete, exiting with ${code}`);
    dispose();
    exit(code);
    return code;
  }

  function shutdown(reason: string): Promise<number> {
    running ??= sequence(reason);
    return running;
  }

  return {
    onClose(name, close) {
      handlers.push({ name, close });
    },
    trackRequest() {
      inFlight += 1;
      let finished = false;
      return () => {
        if (finished) return;
        finished = true;
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      };
    },
    get inFlight() {
      return inFlight;
    },
    shutdown,
    dispose,
  };
}
