/**
 * The /api/* gateway: the browser's API calls, answered by the frontend's own Node server (main.ts)
 * before Next.js sees them. It keeps every guarantee of the route handlers it replaced (docs/frontend.md):
 * one origin, the token only in HttpOnly cookies (login, register and logout set and clear them), the
 * Origin / Sec-Fetch-Site check on every state-changing request, retries across a backend rollout, chat
 * event streams unbuffered with the browser's Stop sent on, the client's address, request id and trace
 * context passed to the backend, the security headers, and plain JSON errors. What it leaves out is
 * Next's per-request work (routing, the proxy, the route module, Web-stream bodies): the backend is
 * reached over a pooled keep-alive undici client. docs/architecture.md has the measurements.
 */
import 'server-only';
import { outgoingCallContext, otelContext, REQUEST_ID_HEADER } from '@todo/observability';
import { parseCookie, ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';
import {
  BackendUnavailableError,
  EVENT_STREAM,
  EVENT_STREAM_HEADERS,
  PASSED_RESPONSE_HEADERS,
  sendWithRetries,
  unavailableAnswer,
} from './backend-policy';
import { type FrontendConfig, frontendConfig } from './config';
import { log } from './log';
import { signedInFrom, UNEXPECTED_LOGIN_ANSWER } from './login';
import { backendCalls } from './metrics';
import { crossSiteRefusal } from './origin-check';
import { type ApiRoute, routeTemplate } from './routes';
import { createNonce, securityHeaders } from './security-headers';
import { clearSession, isHttps, readSession, type Session, writeSession } from './session';

/** A browser request body larger than this is refused (413) before anything is sent on. */
export const MAX_BODY_BYTES = 1024 * 1024;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What one route and method does: forward to a backend path, or one of the session routes. */
type Action =
  | { kind: 'forward'; path: (segments: string[]) => string; perUser: boolean; stream?: boolean; chat?: boolean }
  | { kind: 'login' }
  | { kind: 'logout' };

const perUser = (path: (segments: string[]) => string, extra: { stream?: boolean; chat?: boolean } = {}): Action => ({ kind: 'forward', path, perUser: true, ...extra });
const taskPath = (segments: string[], rest = '') => `/tasks/${encodeURIComponent(decodeURIComponent(segments[2]))}${rest}`;

/**
 * The browser's API, route by route (the templates of routes.ts, as the metrics label them); the same
 * mapping the route handlers had: `/api/tasks` → `/api/{user_id}/tasks`, the user from the token's `sub`.
 */
const ACTIONS: Record<ApiRoute, Partial<Record<Method, Action>>> = {
  '/api/auth/login': { POST: { kind: 'login' } },
  '/api/auth/logout': { POST: { kind: 'logout' } },
  '/api/auth/register': { POST: { kind: 'forward', path: () => '/api/auth/register', perUser: false } },
  '/api/chat': { POST: perUser(() => '/chat', { stream: true, chat: true }) },
  '/api/conversations/clear': { DELETE: perUser(() => '/conversations/clear') },
  '/api/conversations/history': { GET: perUser(() => '/conversations/history') },
  '/api/tasks': { GET: perUser(() => '/tasks'), POST: perUser(() => '/tasks') },
  '/api/tasks/[taskId]': { GET: perUser((s) => taskPath(s)), PUT: perUser((s) => taskPath(s)), DELETE: perUser((s) => taskPath(s)) },
  '/api/tasks/[taskId]/complete': { PATCH: perUser((s) => taskPath(s, '/complete')) },
};

/** Node's request headers as the Fetch API's `get`, for the modules shared with Next (session, origin check). */
function headerReader(req: IncomingMessage): Pick<Headers, 'get'> {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    },
  };
}

class BodyTooLarge extends Error {}
/** The browser went away (Stop, a closed tab) before the answer was through. */
class ClientGone extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface ApiGateway {
  /** Answers `req` when it is one of the API's routes (true); false hands it to Next. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
}

export function createApiGateway(config: FrontendConfig = frontendConfig()): ApiGateway {
  // One keep-alive pool to the backend, opened on demand (no limit: a request never waits for a socket);
  // idle sockets kept 4 s, as fetch's global agent did (and less when the backend's Keep-Alive says so).
  // The call's own timer (BACKEND_TIMEOUT_MS, CHAT_TIMEOUT_MS) replaces undici's header and body timeouts.
  const pool = new Pool(config.backendUrl, { keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0 });

  function send(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders): void {
    const text = body === null ? '' : JSON.stringify(body);
    res.writeHead(status, { ...headers, ...(body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }) });
    res.end(text);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, action: Action, segments: string[]): Promise<void> {
    const headers = headerReader(req);
    const secure = isHttps(headers, config.trustProxy);
    const answerHeaders: OutgoingHttpHeaders = securityHeaders({
      nonce: createNonce(),
      https: secure,
      development: !config.production,
      hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
      hstsIncludeSubDomains: config.hstsIncludeSubDomains,
    });
    const cookiesOut = () => {
      const jar = new Headers();
      return { jar, writer: new ResponseCookies(jar) };
    };
    const method = req.method ?? 'GET';

    if (STATE_CHANGING.has(method)) {
      const refusal = crossSiteRefusal({ headers });
      if (refusal) return send(res, 403, refusal, answerHeaders);
    }
    if (action.kind === 'logout') {
      const { jar, writer } = cookiesOut();
      clearSession(writer, secure);
      answerHeaders['set-cookie'] = jar.getSetCookie();
      // A plain form post (no JavaScript needed) gets a 303 to /login; a fetch asking for JSON gets 204.
      // Relative: the CSP's form-action 'self' blocks a form post redirected to another origin.
      if (headers.get('accept')?.includes('application/json')) return send(res, 204, null, answerHeaders);
      return send(res, 303, null, { ...answerHeaders, location: '/login?reason=signed-out' });
    }

    let session: Session | null = null;
    if (action.kind === 'forward' && action.perUser) {
      const cookies = parseCookie(headers.get('cookie') ?? '');
      session = readSession({ get: (name) => (cookies.has(name) ? { value: cookies.get(name) ?? '' } : undefined) }, secure);
      if (!session) {
        const { jar, writer } = cookiesOut();
        clearSession(writer, secure);
        return send(res, 401, { detail: 'Not authenticated' }, { ...answerHeaders, 'www-authenticate': 'Bearer', 'set-cookie': jar.getSetCookie() });
      }
    }

    let body: Buffer | null = null;
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        body = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) return send(res, 413, { detail: 'The request is too large.' }, { ...answerHeaders, connection: 'close' });
        throw error;
      }
    }

    const stream = action.kind === 'forward' && action.stream === true;
    const outgoing: Record<string, string> = {
      accept: stream && headers.get('accept')?.includes(EVENT_STREAM) ? EVENT_STREAM : 'application/json',
      // The backend rate-limits per client address; Next put the socket's there when no proxy had.
      'x-forwarded-for': headers.get('x-forwarded-for') ?? req.socket.remoteAddress ?? '',
    };
    const contentType = headers.get('content-type');
    if (contentType) outgoing['content-type'] = contentType;
    const requestId = headers.get(REQUEST_ID_HEADER);
    if (requestId) outgoing[REQUEST_ID_HEADER] = requestId;
    if (session) outgoing.authorization = `Bearer ${session.token}`;
    const trace = outgoingCallContext(req.headers);
    if (trace.traceparent) outgoing.traceparent = trace.traceparent;

    const path = action.kind === 'login' ? '/api/auth/login' : `${session ? `/api/${encodeURIComponent(session.userId)}` : ''}${action.path(segments)}`;
    const timeoutMs = action.kind === 'forward' && action.chat ? config.chatTimeoutMs : config.backendTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new BackendUnavailableError('timeout')), timeoutMs);
    // Only a stream is ended with the browser (as the route handlers did): a write already sent goes through.
    if (stream) res.once('close', () => !res.writableFinished && controller.abort(new ClientGone()));
    /** 504 when the call's timer ran out, else 502: the backend could not be reached or broke off. */
    const answerUnavailable = () => {
      const reason: unknown = controller.signal.reason;
      const { status, detail } = unavailableAnswer(reason instanceof BackendUnavailableError ? reason : new BackendUnavailableError('unreachable'));
      send(res, status, { detail }, answerHeaders);
    };
    const stop = backendCalls.startTimer();
    try {
      let answer: Awaited<ReturnType<Pool['request']>>;
      try {
        answer = await sendWithRetries(method, requestId ?? undefined, controller.signal, () =>
          otelContext.with(trace.context, () => pool.request({ path, method: method as Method, headers: outgoing, body, signal: controller.signal })),
        );
        stop({ outcome: `${Math.floor(answer.statusCode / 100)}xx` });
      } catch (error) {
        const reason: unknown = controller.signal.reason;
        if (reason instanceof ClientGone) {
          stop({ outcome: 'aborted' });
          return;
        }
        stop({ outcome: reason instanceof BackendUnavailableError ? 'timeout' : 'unreachable' });
        if (!(reason instanceof BackendUnavailableError)) log.warn({ reqId: requestId, err: error }, 'backend unreachable');
        return answerUnavailable();
      }

      if (action.kind === 'login' && answer.statusCode === 200) {
        const signedIn = signedInFrom(await answer.body.json().catch(() => null));
        if (!signedIn) return send(res, 502, { detail: UNEXPECTED_LOGIN_ANSWER }, answerHeaders);
        const { jar, writer } = cookiesOut();
        writeSession(writer, signedIn.session, signedIn.profile, secure);
        return send(res, 200, { user: signedIn.profile }, { ...answerHeaders, 'set-cookie': jar.getSetCookie() });
      }

      for (const name of PASSED_RESPONSE_HEADERS) {
        const value = answer.headers[name];
        if (value !== undefined) answerHeaders[name] = value;
      }
      // The backend refused the token (expired, revoked): end the browser session too.
      if (session && answer.statusCode === 401) {
        const { jar, writer } = cookiesOut();
        clearSession(writer, secure);
        answerHeaders['set-cookie'] = jar.getSetCookie();
      }
      if (String(answer.headers['content-type'] ?? '').startsWith(EVENT_STREAM)) {
        // An event stream goes on chunk by chunk, as the backend writes it.
        res.writeHead(answer.statusCode, { ...answerHeaders, ...EVENT_STREAM_HEADERS });
        res.flushHeaders();
        await pipeline(answer.body, res).catch(() => {
          // the browser went away, or the backend's stream broke off: the connection is already ended
          res.destroy();
        });
        return;
      }
      // A JSON answer is read whole and sent in one write with its headers: a stream pipeline per
      // answer (its AbortController, whose abort() builds a DOMException, and a write per chunk) was ~7% of the
      // gateway's CPU under the bench (docs/architecture.md).
      let payload: Buffer | null = null;
      try {
        if (answer.statusCode === 204 || answer.statusCode === 304) await answer.body.dump();
        else payload = Buffer.from(await answer.body.arrayBuffer());
      } catch (error) {
        // The backend broke off (or timed out) in the middle of its answer: nothing has been sent yet.
        log.warn({ reqId: requestId, err: error }, 'backend answer broke off');
        return answerUnavailable();
      }
      if (payload) answerHeaders['content-length'] = payload.length;
      res.writeHead(answer.statusCode, answerHeaders);
      res.end(payload);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    handle(req, res) {
      const [pathname] = (req.url ?? '/').split('?');
      if (!pathname.startsWith('/api/')) return false;
      const route = routeTemplate(pathname) as ApiRoute | 'unmatched';
      const actions = route === 'unmatched' ? undefined : ACTIONS[route];
      if (!actions) return false;
      const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method;
      const action = actions[method];
      if (!action) {
        res.writeHead(405, { allow: Object.keys(actions).join(', '), 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Method Not Allowed' }));
        return true;
      }
      serve(req, res, action, pathname.split('/').filter(Boolean)).catch((error: unknown) => {
        log.error({ reqId: req.headers[REQUEST_ID_HEADER], err: error }, 'the API gateway failed on a request');
        if (!res.headersSent) send(res, 500, { detail: 'Something went wrong on the server. Please try again.' }, {});
        else res.destroy();
      });
      return true;
    },
    close: () => pool.close(),
  };
}
