/**
 * Graceful shutdown for the standalone server. Next's own SIGTERM handler closes the listening socket
 * at once and drains in-flight requests. We put a step in front of it: readiness turns 503 immediately,
 * the server keeps serving for SHUTDOWN_DELAY_MS (so Kubernetes stops routing here), then Next's handler
 * drains and exits. See docs/frontend.md.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installShutdown } = await import('./lib/server/shutdown');
  installShutdown();
}
