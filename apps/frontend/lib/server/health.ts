/**
 * The frontend's health state: liveness (process only), readiness (the backend's /health answers
 * within a short timeout, and we are not shutting down) and startup. All health routes and the
 * SIGTERM handler go through this one module.
 */
import { frontendConfig } from './config';

type Report = { status: string; checks?: Record<string, { status: string }> };

let started = false;
let shuttingDown = false;

async function backendAnswers(): Promise<boolean> {
  const { backendUrl, readinessTimeoutMs } = frontendConfig();
  try {
    const response = await fetch(`${backendUrl}/health`, {
      cache: 'no-store',
      signal: AbortSignal.timeout(readinessTimeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function json(status: number, body: Report): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

export function markStarted(): void {
  started = true;
}

export function markShuttingDown(): void {
  shuttingDown = true;
}

export const healthRoutes = {
  health: async () => json(200, { status: 'healthy' }),
  ready: async () => {
    if (shuttingDown) return json(503, { status: 'shutting_down' });
    const backend = await backendAnswers();
    return backend
      ? json(200, { status: 'ready', checks: { backend: { status: 'up' } } })
      : json(503, { status: 'not_ready', checks: { backend: { status: 'down' } } });
  },
  startup: async () => json(started ? 200 : 503, { status: started ? 'started' : 'starting' }),
};
