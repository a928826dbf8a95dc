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
  /** Address the server listens on (Next's HOSTNAME); the metrics listener uses it too. */
  hostname: string;
  /** Port of the Prometheus /metrics listener, apart from the public port; 0 turns it off. */
  metricsPort: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: with it, traces go there over OTLP/HTTP; without it tracing is off. */
  otlpEndpoint?: string;
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

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new Error(`${name} must be a port number (0-65535, 0 = off), got "${value}"`);
  return parsed;
}

function otlpEndpoint(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute URL such as http://otel-collector:4318, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`OTEL_EXPORTER_OTLP_ENDPOINT must use http or https, got "${value}"`);
  }
  return value;
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
    hostname: env.HOSTNAME || '0.0.0.0',
    metricsPort: port(env.METRICS_PORT, 9465, 'METRICS_PORT'),
    otlpEndpoint: otlpEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT),
  };
}

let current: FrontendConfig | undefined;

/** The process-wide configuration, loaded on first use. */
export function frontendConfig(): FrontendConfig {
  current ??= loadConfig(process.env);
  return current;
}
