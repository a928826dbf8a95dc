/**
 * The frontend's server: one Node HTTP server on PORT that answers the browser's /api/* calls itself
 * (lib/server/api-gateway.ts: cookie → Bearer token, straight to the backend over a keep-alive pool) and
 * hands every other request to Next.js. The image runs it as `node apps/frontend/main.js` from the
 * standalone build (tools/build-server.mjs bundles it there); `nx dev frontend` runs the same file in
 * development from dist/server/main.js. docs/frontend.md explains why (the measurements are in
 * docs/architecture.md).
 *
 * Next's instrumentation hook still runs (inside `prepare()`): JSON logs, request ids and trace context
 * for every request on this server, /metrics on METRICS_PORT, and the shutdown sequence, which puts
 * readiness = 503 and SHUTDOWN_DELAY_MS in front of the SIGTERM handler installed here (close the
 * listener, let in-flight requests finish, exit 0), as it does with Next's standalone server.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import next, { type NextConfig } from 'next';
import { runsAtSignal } from '@todo/health';
import { createApiGateway } from './lib/server/api-gateway';
import { frontendConfig } from './lib/server/config';

async function main(): Promise<void> {
  const dev = process.env.NODE_ENV !== 'production';
  // The standalone build has this file beside its .next/; in development it runs with cwd apps/frontend.
  const dir = dev ? process.cwd() : __dirname;
  const port = Number(process.env.PORT) || 3000;
  const { hostname } = frontendConfig();
  let conf: NextConfig | undefined;
  if (!dev) {
    // What the standalone server.js does: the build's own configuration, no next.config.js at run time.
    conf = (JSON.parse(readFileSync(join(dir, '.next', 'required-server-files.json'), 'utf8')) as { config: NextConfig }).config;
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);
    process.chdir(dir);
  }

  const app = next({ dev, dir, hostname, port, ...(conf ? { conf } : {}) });
  const gateway = createApiGateway();
  // From the signal on, every response closes its connection: a client's keep-alive sockets to this pod end
  // after their next answer, and its next request opens a connection to a pod still in the Service. Without it
  // a busy client keeps reusing them until the listener closes and may send on one just as it is closed
  // (ECONNRESET; seen draining a node under load, issue 13).
  let draining = false;
  let closed = false;
  const server = createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    if (!gateway.handle(req, res)) void handle(req, res);
  });
  if (process.env.KEEP_ALIVE_TIMEOUT) server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT);

  // Installed before prepare() runs instrumentation.ts, which puts its shutdown sequence in front of it.
  const close = () => {
    if (closed) return;
    closed = draining = true;
    server.close(() => {
      void Promise.allSettled([gateway.close(), app.close()]).then(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
  // Instrumentation's shutdown sequence takes `close` over (it runs it after SHUTDOWN_DELAY_MS); this one it
  // leaves in place, so it runs at the signal itself, for the whole delay.
  const drainConnections = runsAtSignal(() => {
    draining = true;
  });
  process.on('SIGTERM', drainConnections);
  process.on('SIGINT', drainConnections);

  await app.prepare();
  const handle = app.getRequestHandler();
  server.listen(port, hostname, () => console.log(`frontend listening on http://${hostname}:${port} (${dev ? 'development' : 'production'}; /api/* through the gateway to ${frontendConfig().backendUrl})`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
