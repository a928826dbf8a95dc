import 'server-only';
import { Counter, Histogram, httpRequestDuration, LATENCY_BUCKETS, metric, metricsRegistry } from '@todo/observability';

/** Every frontend metric, in the one registry that the metrics port (METRICS_PORT) serves. */
export const registry = metricsRegistry('frontend');

export const httpRequests = httpRequestDuration(registry);

export const backendCalls = metric(registry, 'todo_backend_call_duration_seconds', () =>
  new Histogram({
    name: 'todo_backend_call_duration_seconds',
    help: 'Calls from the frontend server to the backend, retries included, by outcome (2xx..5xx, timeout, unreachable, aborted: the browser went away)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
);

export const backendRetries = metric(registry, 'todo_backend_call_retries_total', () =>
  new Counter({
    name: 'todo_backend_call_retries_total',
    help: 'Backend calls sent again after their connection broke (a backend rollout)',
    registers: [registry],
  }),
);
