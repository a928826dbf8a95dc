/** A dependency check: resolves when the dependency is usable, throws (or hangs) when it is not. */
export interface HealthCheck {
  name: string;
  /** A critical check failing makes the instance not ready; a non-critical one is only reported. */
  critical?: boolean;
  /** How long the check may take before it counts as down. */
  timeoutMs?: number;
  check: (signal: AbortSignal) => Promise<unknown> | unknown;
}

export type CheckStatus = 'up' | 'down';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  critical: boolean;
  latencyMs: number;
}

/** Why a check was down; kept out of every HTTP response and handed to the logger only. */
export type CheckFailure = { kind: 'timeout'; timeoutMs: number } | { kind: 'error'; error: unknown };

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

export async function runCheck(
  check: HealthCheck,
  now: () => number,
  onFailure: (name: string, failure: CheckFailure) => void,
): Promise<CheckResult> {
  const critical = check.critical ?? true;
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const started = now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<CheckFailure>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout', timeoutMs }), timeoutMs);
  });
  const settled = Promise.resolve()
    .then(() => check.check(controller.signal))
    .then(
      () => undefined,
      (error: unknown): CheckFailure => ({ kind: 'error', error }),
    );
  try {
    const failure = await Promise.race([settled, timedOut]);
    const status: CheckStatus = failure ? 'down' : 'up';
    if (failure) {
      controller.abort();
      onFailure(check.name, failure);
    }
    return { name: check.name, status, critical, latencyMs: Math.max(0, Math.round(now() - started)) };
  } finally {
    clearTimeout(timer);
  }
}
