import 'server-only';
import { outgoingTraceparent, REQUEST_ID_HEADER, TRACEPARENT_HEADER } from '@todo/observability';
import { headers as incomingHeaders } from 'next/headers';
import { frontendConfig } from './config';
import { BackendUnavailableError, sendWithRetries } from './backend-policy';
import { backendCalls } from './metrics';
import type { Session } from './session';

export { BackendUnavailableError, unavailableAnswer } from './backend-policy';

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

/**
 * Calls `${BACKEND_URL}${path}` for a server component or action; network failures and timeouts become
 * BackendUnavailableError, and a broken connection is sent again as `mayRetry` (backend-policy.ts) allows.
 */
export async function backendFetch(path: string, request: BackendRequest = {}): Promise<Response> {
  const config = frontendConfig();
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers, ...(await requestContextHeaders()) };
  if (request.session) headers.authorization = `Bearer ${request.session.token}`;
  const timeout = AbortSignal.timeout(request.timeoutMs ?? config.backendTimeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const stop = backendCalls.startTimer();
  try {
    const response = await sendWithRetries(method, headers[REQUEST_ID_HEADER], signal, () =>
      fetch(`${config.backendUrl}${path}`, { method, headers, body: request.body ?? null, cache: 'no-store', redirect: 'manual', signal }),
    );
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
    stop({ outcome: 'unreachable' });
    throw new BackendUnavailableError('unreachable');
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
