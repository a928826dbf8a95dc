import { type CheckFailure, type CheckResult, type HealthCheck, runCheck } from './checks.js';

export type Phase = 'starting' | 'running' | 'shutting-down';

/** What a probe endpoint answers: an HTTP status and a JSON body without internal error text. */
export interface ProbeReport {
  httpStatus: 200 | 503;
  body: Record<string, unknown>;
}

export interface HealthOptions {
  checks?: HealthCheck[];
  /** Readiness results are reused this long, so frequent probes never pile load on a dependency. */
  cacheTtlMs?: number;
  now?: () => number;
  /** Receives the reason a check was down (for logs; never sent to clients). */
  onCheckFailure?: (name: string, failure: CheckFailure) => void;
}

export interface Health {
  readonly phase: Phase;
  readonly isShuttingDown: boolean;
  addCheck(check: HealthCheck): void;
  markStarted(): void;
  markShuttingDown(): void;
  /** Process-only: answers without I/O, so a dependency outage never restarts the pod. */
  liveness(): ProbeReport;
  /** Started, not shutting down, and every critical check up. */
  readiness(): Promise<ProbeReport>;
  startup(): ProbeReport;
}

export const DEFAULT_CACHE_TTL_MS = 1000;

export function createHealth(options: HealthOptions = {}): Health {
  const checks = [...(options.checks ?? [])];
  const cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const now = options.now ?? (() => performance.now());
  const onCheckFailure = options.onCheckFailure ?? (() => undefined);
  let phase: Phase = 'starting';
  let cached: { at: number; results: CheckResult[] } | undefined;
  let inFlight: Promise<CheckResult[]> | undefined;

  async function checkResults(): Promise<CheckResult[]> {
    if (cached && now() - cached.at < cacheTtlMs) return cached.results;
    // Concurrent probes share one round of checks instead of each starting their own.
    inFlight ??= Promise.all(checks.map((check) => runCheck(check, now, onCheckFailure))).then(
      (results) => {
        cached = { at: now(), results };
        inFlight = undefined;
        return results;
      },
    );
    return inFlight;
  }

  return {
    get phase() {
      return phase;
    },
    get isShuttingDown() {
      return phase === 'shutting-down';
    },
    addCheck(check) {
      checks.push(check);
      cached = undefined;
    },
    markStarted() {
      if (phase === 'starting') phase = 'running';
    },
    markShuttingDown() {
      phase = 'shutting-down';
    },
    liveness() {
      return { httpStatus: 200, body: { status: 'healthy' } };
    },
    startup() {
      return phase === 'starting'
        ? { httpStatus: 503, body: { status: 'starting' } }
        : { httpStatus: 200, body: { status: 'started' } };
    },
    async readiness() {
      if (phase === 'starting') return { httpStatus: 503, body: { status: 'starting' } };
      if (phase === 'shutting-down') return { httpStatus: 503, body: { status: 'shutting_down' } };
      const results = await checkResults();
      // Shutdown may have begun while the checks ran.
      if (isShuttingDown(phase)) return { httpStatus: 503, body: { status: 'shutting_down' } };
      const summary = Object.fromEntries(
        results.map((r) => [r.name, { status: r.status, latencyMs: r.latencyMs }]),
      );
      const failing = results.filter((r) => r.critical && r.status === 'down').map((r) => r.name);
      return failing.length === 0
        ? { httpStatus: 200, body: { status: 'ready', checks: summary } }
        : {
            httpStatus: 503,
            body: { status: 'not_ready', detail: `Unavailable: ${failing.join(', ')}`, checks: summary },
          };
    },
  };
}

function isShuttingDown(phase: Phase): boolean {
  return phase === 'shutting-down';
}
