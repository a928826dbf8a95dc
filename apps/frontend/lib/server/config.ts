/** Runtime configuration of the frontend server, read once from the environment (never at build time). */

import 'server-only';
export interface FrontendConfig {
  /** Where the route handlers forward `/api/...` calls; one image serves every environment. */
  backendUrl: string;
  /** Timeout for ordinary API calls to the backend. */
  backendTimeoutMs: number;
  /** Chat turns wait on the LLM provider: longer than the backend's CHAT_TURN_BUDGET_MS (45 s), shorter than the pod's drain. */
  chatTimeoutMs: number;
  /** Timeout of the readiness probe's call to the backend's /health. */
  readinessTimeoutMs: number;
  /** Time between readiness turning 503 on SIGTERM and the server closing. */
  shutdownDelayMs: number;
  /**
   * Believe `X-Forwarded-Proto` / `X-Forwarded-Host`: only when every request comes through a proxy
   * that sets them (the Ingress). Otherwise any client could claim HTTPS.
   */
  trustProxy: boolean;
  /** `Strict-Transport-Security` max-age in seconds on HTTPS responses; 0 sends none. */
  hstsMaxAgeSeconds: number;
  hstsIncludeSubDomains: boolean;
  production: boolean;
}

function positiveInt(value: string | undefined, fallback: number, name: string, unit = 'milliseconds'): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative integer (${unit}), got "${value}"`);
  }
  return parsed;
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  const normalised = value.trim().toLowerCase();
  if (normalised !== 'true' && normalised !== 'false') throw new Error(`${name} must be true or false, got "${value}"`);
  return normalised === 'true';
}


export function loadConfig(env: NodeJS.ProcessEnv): FrontendConfig {
  const production = env.NODE_ENV === 'production';
  const backendUrl = (env.BACKEND_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
  try {
    new URL(backendUrl);
  } catch {
    throw new Error(`BACKEND_URL must be an absolute URL such as http://backend:8000, got "${backendUrl}"`);
  }
  return {
    backendUrl,
    backendTimeoutMs: positiveInt(env.BACKEND_TIMEOUT_MS, 15_000, 'BACKEND_TIMEOUT_MS'),
    chatTimeoutMs: positiveInt(env.CHAT_TIMEOUT_MS, 50_000, 'CHAT_TIMEOUT_MS'),
    readinessTimeoutMs: positiveInt(env.READINESS_TIMEOUT_MS, 2_000, 'READINESS_TIMEOUT_MS'),
    shutdownDelayMs: positiveInt(env.SHUTDOWN_DELAY_MS, production ? 5_000 : 0, 'SHUTDOWN_DELAY_MS'),
    trustProxy: flag(env.TRUST_PROXY, 'TRUST_PROXY'),
    hstsMaxAgeSeconds: positiveInt(env.HSTS_MAX_AGE_SECONDS, 0, 'HSTS_MAX_AGE_SECONDS', 'seconds'),
    hstsIncludeSubDomains: flag(env.HSTS_INCLUDE_SUBDOMAINS, 'HSTS_INCLUDE_SUBDOMAINS'),
    production,
  };
}

let current: FrontendConfig | undefined;

/** The process-wide configuration, loaded on first use. */
export function frontendConfig(): FrontendConfig {
  current ??= loadConfig(process.env);
  return current;
}
