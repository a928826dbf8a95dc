import 'server-only';
import { outgoingTraceparent, REQUEST_ID_HEADER, TRACEPARENT_HEADER } from '@todo/observability';
import { headers as incomingHeaders } from 'next/headers';
import { frontendConfig } from './config';
import { log } from './log';
import { backendCalls, backendRetries } from './metrics';
import type { Session } from './session';

/** The backend could not be reached or did not answer in time. */
export class BackendUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'unreachable') {
    super(reason === 'timeout' ? 'The server took too long to answer.' : 'The server is unreachable.');
    this.name = 'BackendUnavailableError';
  }
}

/** What the browser is told when the backend could not answer. */
export function unavailableAnswer(error: BackendUnavailableError): { status: 502 | 504; detail: string } {
  return error.reason === 'timeout'
    ? { status: 504, detail: 'The server took too long to answer. Please try again.' }
    : { status: 502, detail: 'The server is unreachable right now. Please try again shortly.' };
}

/** The backend answered with a status the caller did not expect. */
export class BackendStatusError extends Error {
  constructor(readonly status: number, readonly detail: unknown) {
    super(`Backend answered ${status}`);
    this.name = 'BackendStatusError';
  }
}

export interface BackendRequest {
  method?: string;
  session?: Session | null;
  body?: BodyInit | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** The browser's own request signal: a client that goes away (Stop) ends the backend call too. */
  signal?: AbortSignal;
}

/** Path of a per-user backend route: `/api/{user_id}/...`. */
export function userPath(session: Session, rest: string): string {
  return `/api/${encodeURIComponent(session.userId)}${rest}`;
}

/** Methods a request can be sent again with: the backend gives them the same effect however often they arrive. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Connection errors that mean the request never reached a live backend (safe to send again for any method). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Delays before the 2nd and 3rd attempt, in ms. */
const RETRY_DELAYS_MS = [50, 200];

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * Calls `${BACKEND_URL}${path}`; network failures and timeouts become BackendUnavailableError.
 *
 * During a backend rollout a pooled keep-alive connection can be closed by the old pod just as a request
 * goes out on it, and a new connection can still be sent to an address that has stopped listening. Such
 * a request is sent again (up to 3 attempts within the one timeout) when that cannot apply it twice: always
 * for idempotent methods, and for the others only when the connection was refused.
 */
export async function backendFetch(path: string, request: BackendRequest = {}): Promise<Response> {
  const config = frontendConfig();
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers, ...(await requestContextHeaders()) };
  if (request.session) headers.authorization = `Bearer ${request.session.token}`;
  const timeout = AbortSignal.timeout(request.timeoutMs ?? config.backendTimeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const stop = backendCalls.startTimer();
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${config.backendUrl}${path}`, { method, headers, body: request.body ?? null, cache: 'no-store', redirect: 'manual', signal });
      stop({ outcome: `${Math.floor(response.status / 100)}xx` });
      return response;
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      if (request.signal?.aborted) {
        // the browser went away: nobody is waiting for an answer
        stop({ outcome: 'aborted' });
        throw error;
      }
      if (name === 'TimeoutError' || name === 'AbortError') {
        stop({ outcome: 'timeout' });
        throw new BackendUnavailableError('timeout');
      }
      const again = IDEMPOTENT.has(method.toUpperCase()) || NEVER_SENT.has(errorCode(error) ?? '');
      if (!again || attempt >= RETRY_DELAYS_MS.length || signal.aborted) {
        stop({ outcome: 'unreachable' });
        throw new BackendUnavailableError('unreachable');
      }
      backendRetries.inc();
      log.warn({ reqId: headers[REQUEST_ID_HEADER], attempt: attempt + 2, code: errorCode(error) }, 'backend connection broke, sending the request again');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}

/**
 * The browser request's x-request-id and, unless a recording span is active (the fetch instrumentation
 * then sends its own), its traceparent: both set on every request by observe-requests.ts. Outside a
 * request (a test calling this directly) there are none.
 */
async function requestContextHeaders(): Promise<Record<string, string>> {
  let incoming: Headers;
  try {
    incoming = await incomingHeaders();
  } catch {
    return {};
  }
  const context: Record<string, string> = {};
  const requestId = incoming.get(REQUEST_ID_HEADER);
  if (requestId) context[REQUEST_ID_HEADER] = requestId;
  const traceparent = outgoingTraceparent(incoming.get(TRACEPARENT_HEADER) ?? undefined);
  if (traceparent) context[TRACEPARENT_HEADER] = traceparent;
  return context;
}

/** GET a per-user resource as JSON for a server component; any non-2xx becomes BackendStatusError. */
export async function backendJson<T>(session: Session, rest: string): Promise<T> {
  const response = await backendFetch(userPath(session, rest), { session });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new BackendStatusError(response.status, body);
  return body as T;
}
