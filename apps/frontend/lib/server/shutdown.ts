import { frontendConfig } from './config';
import { markShuttingDown, markStarted } from './health';

type SignalHandler = (signal: NodeJS.Signals) => void;

/**
 * Wraps the SIGTERM/SIGINT handlers Next's standalone server installed before instrumentation ran:
 * first readiness fails, then after the delay Next's handlers close the server (draining in-flight
 * requests) and exit 0. Without Next's handlers (NEXT_MANUAL_SIG_HANDLE) we exit after the delay.
 */
export function installShutdown(
  { delayMs = frontendConfig().shutdownDelayMs, exit = (code: number) => process.exit(code) } = {},
): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const nextHandlers = process.listeners(signal) as SignalHandler[];
    process.removeAllListeners(signal);
    let handling = false;
    process.on(signal, () => {
      if (handling) return;
      handling = true;
      markShuttingDown();
      console.log(`${signal} received: readiness now fails; closing in ${delayMs} ms`);
      setTimeout(() => {
        if (nextHandlers.length === 0) exit(0);
        for (const handler of nextHandlers) handler(signal);
      }, delayMs);
    });
  }
  markStarted();
}
