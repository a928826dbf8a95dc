/**
 * The frontend's health state (from @todo/health): liveness is the process only; readiness needs the
 * backend's /health to answer within a short timeout and no shutdown under way; startup gates on
 * instrumentation having run. All health routes and the SIGTERM handler go through this module.
 */

import 'server-only';
import { createHealth, type Health, healthRouteHandlers } from '@todo/health';
import { frontendConfig } from './config';

async function backendAnswers(): Promise<void> {
  const { backendUrl, readinessTimeoutMs } = frontendConfig();
  const response = await fetch(`${backendUrl}/health`, {
    cache: 'no-store',
    signal: AbortSignal.timeout(readinessTimeoutMs),
  });
  if (!response.ok)
    throw new Error(`backend /health answered ${response.status}`);
}

function createFrontendHealth(): Health {
  return createHealth({
    checks: [
      {
        name: 'backend',
        critical: true,
        timeoutMs: frontendConfig().readinessTimeoutMs,
        check: backendAnswers,
      },
    ],
    cacheTtlMs: 1000,
    onCheckFailure: (name, failure) =>
      console.warn(
        `readiness: ${name} is down (${failure.kind === 'timeout' ? `no answer within ${failure.timeoutMs} ms` : String(failure.error)})`,
      ),
  });
}

// instrumentation.ts and the route handlers are separate server bundles, each with its own copy of this
// module; the one health state lives on globalThis so SIGTERM in one is seen by /ready in the other.
const SHARED = Symbol.for('@todo/frontend/health');
const registry = globalThis as typeof globalThis & { [SHARED]?: Health };
export const health: Health = (registry[SHARED] ??= createFrontendHealth());

export const healthRoutes = healthRouteHandlers(health);
