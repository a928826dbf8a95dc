/**
 * Runs once when the standalone server starts (Node.js runtime only).
 *
 * Observability first, so every later line is JSON and every request is seen: request ids, trace
 * context, /metrics on METRICS_PORT and, with OTEL_EXPORTER_OTLP_ENDPOINT, traces (docs/observability.md).
 *
 * Graceful shutdown: Next's own SIGTERM handler closes the listening socket at once and drains in-flight
 * requests. We put a step in front of it: readiness turns 503 immediately, the server keeps serving for
 * SHUTDOWN_DELAY_MS (so Kubernetes stops routing here), then Next's handler drains and exits. See
 * docs/frontend.md.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startObservability } = await import('./lib/server/observability');
  await startObservability();
  const { installShutdown } = await import('./lib/server/shutdown');
  installShutdown();
}
