import 'server-only';
import { serveMetrics, startTracing, type MetricsServer } from '@todo/observability';
import type { Server } from 'node:http';
import { frontendConfig } from './config';
import { log, logConsoleAsJson } from './log';
import { registry } from './metrics';
import { observeRequests } from './observe-requests';

/**
 * Started once from instrumentation.ts in the Node.js runtime: JSON logs, request ids and trace context
 * on every request, OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, and /metrics on
 * METRICS_PORT (apart from the public port, which never serves it).
 */
export async function startObservability(): Promise<void> {
  const config = frontendConfig();
  logConsoleAsJson();
  const tracing = startTracing({ serviceName: 'todo-frontend', serviceVersion: process.env.npm_package_version ?? '0.0.1', endpoint: config.otlpEndpoint });
  if (tracing) process.once('beforeExit', () => void tracing.shutdown());
  let metrics: MetricsServer | undefined;
  observeRequests((): Server[] => (metrics ? [metrics.server] : []));
  if (config.metricsPort > 0) {
    metrics = await serveMetrics(registry, { host: config.hostname, port: config.metricsPort });
    log.info(`metrics on port ${config.metricsPort} at /metrics`);
  }
  if (tracing) log.info(`tracing: spans go to ${config.otlpEndpoint}`);
}
