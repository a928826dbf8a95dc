/**
 * The frontend's health state (from @todo/health): liveness is the process only; readiness needs the
 * backend's /health to answer within a short timeout and no shutdown under way; startup gates on
 * instrumentation having run. All health routes and the SIGTERM handler go through this module.
 */
import { createHealth, healthRouteHandlers } from '@todo/health';
import { frontendConfig } from './config';

async function backendAnswers(): Promise<void> {
  const { backendUrl, readinessTimeoutMs } = frontendConfig();
  const response = await fetch(`${backendUrl}/health`, { cache: 'no-store', signal: AbortSignal.timeout(readinessTimeoutMs) });
  if (!response.ok) throw new Error(`backend /health answered ${response.status}`);
}

export const health = createHealth({
  checks: [{ name: 'backend', critical: true, timeoutMs: frontendConfig().readinessTimeoutMs, check: backendAnswers }],
  cacheTtlMs: 1000,
  onCheckFailure: (name, failure) =>
    console.warn(
      `readiness: ${name} is down (${failure.kind === 'timeout' ? `no answer within ${failure.timeoutMs} ms` : String(failure.error)})`,
    ),
});

export const healthRoutes = healthRouteHandlers(health);
