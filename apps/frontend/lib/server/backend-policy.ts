/**
 * What every call from the frontend server to the backend shares, whichever client makes it (the
 * server actions' fetch in backend.ts, the /api/* gateway's pooled undici client in api-gateway.ts):
 * when a failed call may be sent again, what the browser is told when the backend cannot answer, and
 * which headers cross in each direction. No Next.js import: the gateway runs outside Next's bundles.
 */
import 'server-only';
import { log } from './log';
import { backendRetries } from './metrics';

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

/** Methods a request can be sent again with: the backend gives them the same effect however often they arrive. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Connection errors that mean the request never reached a live backend (safe to send again for any method). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Delays before the 2nd and 3rd attempt, in ms. */
export const RETRY_DELAYS_MS = [50, 200];

/** The system error code of a failed call: on the error itself (undici's request) or its cause (fetch). */
export function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string' && !own.startsWith('UND_ERR')) return own;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof own === 'string' ? own : undefined;
}

/**
 * May a call whose connection failed with `error` be sent again? During a backend rollout a pooled
 * keep-alive connection can be closed by the old pod just as a request goes out on it, and a new
 * connection can still be sent to an address that has stopped listening. Such a request goes again
 * (up to 3 attempts within the one timeout) when that cannot apply it twice: always for idempotent
 * methods, and for the others only when the connection was refused.
 */
export function mayRetry(method: string, error: unknown, attempt: number): boolean {
  if (attempt >= RETRY_DELAYS_MS.length) return false;
  return IDEMPOTENT.has(method.toUpperCase()) || NEVER_SENT.has(errorCode(error) ?? '');
}

/**
 * Runs `send` until it answers, sending it again after a broken connection while `mayRetry` allows and
 * `signal` (the call's timeout, the browser going away) has not fired; each retry is counted and logged.
 * The last failure is thrown for the caller to classify (timeout, aborted, unreachable).
 */
export async function sendWithRetries<T>(method: string, requestId: string | undefined, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      if (signal.aborted || name === 'TimeoutError' || name === 'AbortError' || !mayRetry(method, error, attempt)) throw error;
      backendRetries.inc();
      log.warn({ reqId: requestId, attempt: attempt + 2, code: errorCode(error) }, 'backend connection broke, sending the request again');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** Response headers from the backend that the browser needs to act on an answer. */
export const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'retry-after',
  'www-authenticate',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

export const EVENT_STREAM = 'text/event-stream';

/**
 * Headers of an event stream answer: each event as it comes. no-transform keeps any compressing hop
 * (which buffers) off it, and X-Accel-Buffering tells an nginx ingress not to hold it either.
 */
export const EVENT_STREAM_HEADERS = { 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } as const;

/**
 * The browser's headers the backend should see (a server action passes `{ headers: await headers() }`,
 * where Next has already put the client's address in X-Forwarded-For when no proxy did).
 */
export function requestHeaders(request: { headers: Pick<Headers, 'get'> }): Record<string, string> {
  const headers: Record<string, string> = {};
  const contentType = request.headers.get('content-type');
  if (contentType) headers['content-type'] = contentType;
  // The backend rate-limits login and register per client address; tell it who the client is.
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  return headers;
}
