import 'server-only';
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { BackendUnavailableError, backendFetch, unavailableAnswer, userPath } from './backend';
import { frontendConfig } from './config';
import { refuseCrossSite } from './origin-check';
import { clearSession, isHttps, readSession } from './session';

/** Response headers from the backend that the browser needs to act on an answer. */
const PASSED_RESPONSE_HEADERS = [
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

export interface ForwardOptions {
  /** Backend path; for per-user routes the part after `/api/{user_id}`. */
  path: string;
  /** Per-user route: needs the session cookie, `/api/{user_id}` is prepended. */
  perUser?: boolean;
  timeoutMs?: number;
  /**
   * The route may answer as server-sent events: the browser's Accept goes to the backend, an event
   * stream comes back unbuffered, and the browser going away ends the backend call.
   */
  stream?: boolean;
}

const EVENT_STREAM = 'text/event-stream';

function jsonError(status: number, detail: string, headers?: HeadersInit): NextResponse {
  return NextResponse.json({ detail }, { status, headers });
}

/** The browser's headers the backend should see (a server action passes `{ headers: await headers() }`). */
export function requestHeaders(request: { headers: Pick<Headers, 'get'> }): Record<string, string> {
  const headers: Record<string, string> = {};
  const contentType = request.headers.get('content-type');
  if (contentType) headers['content-type'] = contentType;
  // The backend rate-limits login and register per client address; tell it who the client is.
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  return headers;
}

function streamAccept(request: NextRequest): Record<string, string> {
  return request.headers.get('accept')?.includes(EVENT_STREAM) ? { accept: EVENT_STREAM } : {};
}

export async function passThrough(response: Response): Promise<NextResponse> {
  const headers = new Headers();
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (headers.get('content-type')?.startsWith(EVENT_STREAM)) {
    // Each event as it comes: no-transform keeps Next's compression (which buffers) off it, and
    // X-Accel-Buffering tells an nginx ingress not to hold it either.
    headers.set('cache-control', 'no-cache, no-transform');
    headers.set('x-accel-buffering', 'no');
    return new NextResponse(response.body, { status: response.status, headers });
  }
  const bodyless = response.status === 204 || response.status === 304;
  const body = bodyless ? null : await response.arrayBuffer();
  return new NextResponse(body, { status: response.status, headers });
}

/**
 * Sends the browser's request on to the backend and hands back its status, body and the headers that
 * matter. The session cookie becomes the Authorization header; a 401 from the backend also ends the
 * browser session, so the next page load goes to /login.
 */
export async function forwardToBackend(request: NextRequest, options: ForwardOptions): Promise<NextResponse> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const refused = hasBody ? refuseCrossSite(request) : null;
  if (refused) return refused;
  const secure = isHttps(request.headers);
  const session = options.perUser ? readSession(request.cookies, secure) : null;
  if (options.perUser && !session) {
    const response = jsonError(401, 'Not authenticated', { 'www-authenticate': 'Bearer' });
    clearSession(response.cookies, secure);
    return response;
  }
  let backendResponse: Response;
  try {
    backendResponse = await backendFetch(session ? userPath(session, options.path) : options.path, {
      method: request.method,
      session,
      headers: { ...requestHeaders(request), ...(options.stream ? streamAccept(request) : {}) },
      body: hasBody ? await request.arrayBuffer() : null,
      timeoutMs: options.timeoutMs ?? frontendConfig().backendTimeoutMs,
      signal: options.stream ? request.signal : undefined,
    });
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      const { status, detail } = unavailableAnswer(error);
      return jsonError(status, detail);
    }
    throw error;
  }
  const response = await passThrough(backendResponse);
  if (options.perUser && backendResponse.status === 401) clearSession(response.cookies, secure);
  return response;
}
