import 'server-only';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  acceptRequestId,
  activeSpanContext,
  formatTraceparent,
  newTraceparent,
  parseTraceparent,
  REQUEST_ID_HEADER,
  SpanStatusCode,
  startServerSpan,
  TRACEPARENT_HEADER,
  type Span,
} from '@todo/observability';
import { log } from './log';
import { httpRequests } from './metrics';
import { routeTemplate } from './routes';

interface Observed {
  requestId: string;
  traceId: string;
  route: string;
  span: Span;
  startedAt: bigint;
}

interface ChannelMessage {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

/**
 * Watches every request the Node HTTP server(s) of this process answer, except on the servers in
 * `ignore` (the metrics listener), through Node's http diagnostics channels, so no Next internals are
 * patched. Before Next sees a request it gets its x-request-id (the browser's when sane, else new) and a
 * traceparent: a server span's when tracing is on, else the browser's or a new root, which Next's route
 * handlers then send on to the backend. When it ends: `http_request_duration_seconds` by route template,
 * the span ended, one JSON log line.
 */
export function observeRequests(ignore: () => Server[] = () => []): void {
  const observed = new WeakMap<ServerResponse, Observed>();

  subscribe('http.server.request.start', (message) => {
    const { request, response, server } = message as ChannelMessage;
    if (ignore().includes(server)) return;
    const route = routeTemplate((request.url ?? '/').split('?')[0]);
    const requestId = acceptRequestId(request.headers[REQUEST_ID_HEADER]);
    request.headers[REQUEST_ID_HEADER] = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const { span, context } = startServerSpan(`${request.method} ${route}`, request.headers, {
      'http.request.method': request.method ?? 'GET',
      'http.route': route,
      'url.path': (request.url ?? '/').split('?')[0],
    });
    const trace = activeSpanContext(context) ?? parseTraceparent(request.headers[TRACEPARENT_HEADER]) ?? newTraceparent();
    request.headers[TRACEPARENT_HEADER] = formatTraceparent(trace);
    observed.set(response, { requestId, traceId: trace.traceId, route, span, startedAt: process.hrtime.bigint() });
  });

  subscribe('http.server.response.finish', (message) => {
    const { request, response } = message as ChannelMessage;
    const state = observed.get(response);
    if (!state) return;
    const seconds = Number(process.hrtime.bigint() - state.startedAt) / 1e9;
    const status = response.statusCode;
    httpRequests.observe({ method: request.method ?? 'GET', route: state.route, status_code: String(status) }, seconds);
    state.span.setAttribute('http.response.status_code', status);
    if (status >= 500) state.span.setStatus({ code: SpanStatusCode.ERROR });
    state.span.end();
    log.info(
      {
        reqId: state.requestId,
        trace_id: state.traceId,
        req: { method: request.method, url: request.url?.split('?')[0], route: state.route },
        res: { statusCode: status },
        responseTime: Math.round(seconds * 1000 * 10) / 10,
      },
      'request completed',
    );
  });
}
