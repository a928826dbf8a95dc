import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { startTracing, type Tracing } from '@todo/observability';
import type { Config } from '../config';
import { APP_VERSION } from '../version';

/** OpenTelemetry for the backend when OTEL_EXPORTER_OTLP_ENDPOINT is set: fetch (the model call) and pg. */
export function startBackendTracing(config: Pick<Config, 'otlpEndpoint'>): Tracing | undefined {
  return startTracing({
    serviceName: 'todo-backend',
    serviceVersion: APP_VERSION,
    endpoint: config.otlpEndpoint,
    instrumentations: () => [new PgInstrumentation({ requireParentSpan: true })],
  });
}
