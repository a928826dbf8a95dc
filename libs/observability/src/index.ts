export { LATENCY_BUCKETS, httpRequestDuration, metric, metricsRegistry, serveMetrics, type MetricsServer } from './lib/metrics.js';
export {
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
  acceptRequestId,
  formatTraceparent,
  newTraceparent,
  parseTraceparent,
  type TraceParent,
} from './lib/request-context.js';
export {
  activeSpanContext,
  inSpan,
  otelContext,
  otelTrace,
  outgoingCallContext,
  outgoingTraceparent,
  SpanKind,
  SpanStatusCode,
  startServerSpan,
  startTracing,
  tracer,
  type Context,
  type Span,
  type Tracing,
  type TracingOptions,
} from './lib/tracing.js';
export { Counter, Gauge, Histogram, type Registry } from 'prom-client';
export { parseExposition, sumOf, type Sample } from './lib/exposition.js';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './lib/otlp-receiver.js';
export { checkMetrics, findPromtool, PROMTOOL_SETUP_HINT } from './lib/promtool.js';
