import 'server-only';
import { format } from 'node:util';
import pino from 'pino';

/** The frontend server's JSON log lines, in the backend's (pino's) shape: one object per line on stdout. */
export const log = pino({ base: { service: 'todo-frontend' } });

/**
 * Sends console output (Next's own error reports, a library's warnings) through the JSON logger too, so
 * every line the server prints after start-up is one JSON object.
 */
export function logConsoleAsJson(): void {
  console.log = console.info = (...args: unknown[]) => log.info(format(...args));
  console.warn = (...args: unknown[]) => log.warn(format(...args));
  console.error = (...args: unknown[]) => log.error(format(...args));
  console.debug = (...args: unknown[]) => log.debug(format(...args));
}
