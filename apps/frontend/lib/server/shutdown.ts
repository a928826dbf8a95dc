import 'server-only';
import { createShutdown, isRunAtSignal, type ShutdownSignal } from '@todo/health';
import { frontendConfig } from './config';
import { health } from './health';

const SIGNALS: ShutdownSignal[] = ['SIGTERM', 'SIGINT'];
type SignalHandler = (signal: ShutdownSignal) => void;

/**
 * Puts the shared shutdown sequence in front of the handlers Next's standalone server installed before
 * instrumentation ran: readiness fails at once, the server keeps serving for SHUTDOWN_DELAY_MS, then
 * Next's own handler closes the listener, drains in-flight requests and exits 0. Without Next's
 * handlers (NEXT_MANUAL_SIG_HANDLE, or not the standalone server) the sequence exits by itself.
 */
export function installShutdown(delayMs = frontendConfig().shutdownDelayMs): void {
  // Listeners marked runsAtSignal (main.ts: answers close their connections from the signal on) stay where they are.
  const nextHandlers = SIGNALS.flatMap((signal) => {
    const handlers = (process.listeners(signal) as SignalHandler[]).filter((handler) => !isRunAtSignal(handler));
    for (const handler of handlers) process.removeListener(signal, handler);
    return handlers.map((handler) => () => handler(signal));
  });
  const shutdown = createShutdown({
    health,
    delayMs,
    // Next's handler ends the process once the server has drained; exiting here would cut requests off.
    exit: nextHandlers.length > 0 ? () => undefined : (code) => process.exit(code),
  });
  if (nextHandlers.length > 0) {
    // Next registers the same cleanup for SIGTERM and SIGINT and guards against running it twice.
    shutdown.onClose('next-server', () => nextHandlers[0]());
  }
  health.markStarted();
}
