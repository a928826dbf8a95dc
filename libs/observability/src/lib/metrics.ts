import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds shared by every duration histogram, from a cached read to a long model turn. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const NON_COUNTERS_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

const REGISTRIES = Symbol.for('todo-app.observability.registries');
type Global = typeof globalThis & { [REGISTRIES]?: Map<string, Registry> };

/**
 * The process's registry for `app`, with Node's process metrics (`process_*`, `nodejs_*`), every series
 * labelled `component="<app>"` (the chart's component label, so one dashboard tells the apps apart). One per process
 * and name, kept on globalThis: Next compiles instrumentation and each route into separate bundles, and
 * they must all count into the registry that the metrics port serves.
 */
export function metricsRegistry(app: string): Registry {
  const registries = ((globalThis as Global)[REGISTRIES] ??= new Map());
  let registry = registries.get(app);
  if (!registry) {
    registry = new Registry();
    registry.setDefaultLabels({ component: app });
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters (promtool's lint refuses them); the per-type gauges they sum remain.
    for (const name of NON_COUNTERS_NAMED_TOTAL) registry.removeSingleMetric(name);
    registries.set(app, registry);
  }
  return registry;
}

/** A metric by name, created on first use, so that every module asking for it shares one. */
export function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** `http_request_duration_seconds{method,route,status_code}`: what each app served, by route template. */
export function httpRequestDuration(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  return metric(registry, 'http_request_duration_seconds', () =>
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests served, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  );
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` from `registry` on a port of its own, so the app's public origin (the Service
 * and the frontend's ingress) never exposes it; the chart lets only a labelled scraper reach that port.
 */
export async function serveMetrics(registry: Registry, { host, port }: { host: string; port: number }): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found: metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method Not Allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`the metrics listener cannot use ${host}:${port} (${error.code ?? error.message}): set METRICS_PORT to a free port, or to 0 to turn metrics off`)),
    );
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const address = server.address() as { port: number };
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}/metrics`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
