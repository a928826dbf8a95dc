import {
  acceptRequestId,
  activeSpanContext,
  newTraceparent,
  otelContext,
  parseTraceparent,
  REQUEST_ID_HEADER,
  SpanStatusCode,
  startServerSpan,
  TRACEPARENT_HEADER,
  type Context,
  type Span,
  type TraceParent,
} from '@todo/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { httpRequests } from './metrics';
import { requestScope } from './request-scope';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace: its server span's when tracing is on, else the caller's traceparent (or a new one). */
    trace: TraceParent;
  }
}

interface Observed {
  span: Span;
  context: Context;
  startedAt: bigint;
}

const observed = new WeakMap<FastifyRequest, Observed>();
const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

/** Fastify's genReqId: the caller's x-request-id when it is a sane token, else a new UUID. */
export const requestIdOf = (request: { headers: Record<string, string | string[] | undefined> }) =>
  acceptRequestId(request.headers[REQUEST_ID_HEADER]);

/**
 * Per request: a server span continuing the caller's traceparent (a no-op without tracing), a log
 * child carrying trace_id, the x-request-id answered back, `http_request_duration_seconds` by route
 * template and one "request completed" log line. The span's context is made active for the handler, so database and model spans nest.
 */
export const observabilityPlugin = fp(async function observability(app: FastifyInstance) {
  app.decorateRequest('trace', undefined as unknown as TraceParent);

  app.addHook('onRequest', (request, reply, done) => {
    const route = routeOf(request);
    const { span, context } = startServerSpan(`${request.method} ${route}`, request.headers, {
      'http.request.method': request.method,
      'http.route': route,
      'url.path': request.url.split('?')[0],
    });
    request.trace = activeSpanContext(context) ?? parseTraceparent(request.headers[TRACEPARENT_HEADER]) ?? newTraceparent();
    request.log = reply.log = request.log.child({ trace_id: request.trace.traceId });
    void reply.header(REQUEST_ID_HEADER, request.id);
    observed.set(request, { span, context, startedAt: process.hrtime.bigint() });
    // Later onRequest hooks (authentication's user lookup) run inside the span's context.
    otelContext.with(context, done);
  });

  // Body parsing ran outside the context; the handler runs inside it again, with the request's scope.
  app.addHook('preHandler', (request, _reply, done) => {
    const state = observed.get(request);
    const scope = { requestId: request.id, trace: request.trace };
    if (state) otelContext.with(state.context, () => requestScope.run(scope, done));
    else requestScope.run(scope, done);
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = observed.get(request);
    if (!state) return;
    const status = reply.statusCode;
    const seconds = Number(process.hrtime.bigint() - state.startedAt) / 1e9;
    const route = routeOf(request);
    httpRequests.observe({ method: request.method, route, status_code: String(status) }, seconds);
    request.log.info(
      { req: { method: request.method, url: request.url.split('?')[0], route }, res: { statusCode: status }, responseTime: Math.round(seconds * 10_000) / 10 },
      'request completed',
    );
    state.span.setAttribute('http.response.status_code', status);
    if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
    state.span.end();
  });
});
