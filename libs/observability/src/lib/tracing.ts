import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { formatTraceparent, parseTraceparent, type TraceParent } from './request-context.js';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Built after the provider is registered (an instrumentation binds to the global provider when made). */
  instrumentations?: () => Instrumentation[];
}

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when an endpoint is configured: a tracer provider exporting OTLP/HTTP JSON
 * in batches, W3C trace-context propagation, and fetch() instrumented (undici) so every outgoing call
 * carries `traceparent`. Without an endpoint nothing is registered: the API's tracer stays a no-op and
 * a span costs a function call.
 */
export function startTracing({ serviceName, serviceVersion, endpoint, instrumentations }: TracingOptions): Tracing | undefined {
  if (!endpoint) return undefined;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: serviceVersion }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new UndiciInstrumentation(), ...(instrumentations?.() ?? [])],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/** The apps' tracer: a no-op until startTracing registered a provider. */
export function tracer(): Tracer {
  return trace.getTracer('todo-app');
}

/** A SERVER span continuing the caller's `traceparent` (a new trace when there is none). */
export function startServerSpan(name: string, headers: Record<string, string | string[] | undefined>, attributes: Attributes): { span: Span; context: Context } {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `work` in a child span of the active one; a throw marks the span as an error. */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The recording span in the active context, if tracing is on. */
export function activeSpanContext(active: Context = context.active()): TraceParent | undefined {
  const span = trace.getSpan(active);
  if (!span?.isRecording()) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { traceId, spanId, sampled: (traceFlags & 1) === 1 };
}

/**
 * The `traceparent` to send on an outgoing call: none when a recording span is active (the fetch
 * instrumentation injects that span's own), else the hop's trace context passed on unchanged, as the
 * W3C spec asks of a participant that records nothing.
 */
export function outgoingTraceparent(inherited: TraceParent | string | undefined): string | undefined {
  if (activeSpanContext()) return undefined;
  const parsed = typeof inherited === 'string' ? parseTraceparent(inherited) : inherited;
  return parsed && formatTraceparent(parsed);
}

/**
 * Where to make an outgoing call for a hop that holds only its incoming request's headers (no active
 * span, as in the frontend's /api gateway): with tracing on, in the incoming trace's context (the
 * traceparent the server span set), so the undici instrumentation's client span is its child and sends
 * its own traceparent; with tracing off, the incoming traceparent to pass on unchanged by hand.
 */
export function outgoingCallContext(incoming: Record<string, string | string[] | undefined>): { context: Context; traceparent?: string } {
  if (propagation.fields().length > 0) return { context: propagation.extract(ROOT_CONTEXT, incoming) };
  const traceparent = incoming.traceparent;
  return { context: context.active(), traceparent: outgoingTraceparent(Array.isArray(traceparent) ? traceparent[0] : traceparent) };
}

export { SpanKind, SpanStatusCode, context as otelContext, trace as otelTrace, type Span, type Context };
