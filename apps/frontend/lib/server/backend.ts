import { frontendConfig } from './config';
import type { Session } from './session';

/** The backend could not be reached or did not answer in time. */
export class BackendUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'unreachable') {
    super(reason === 'timeout' ? 'The server took too long to answer.' : 'The server is unreachable.');
    this.name = 'BackendUnavailableError';
  }
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
}

/** Path of a per-user backend route: `/api/{user_id}/...`. */
export function userPath(session: Session, rest: string): string {
  return `/api/${encodeURIComponent(session.userId)}${rest}`;
}

/** Calls `${BACKEND_URL}${path}`; network failures and timeouts become BackendUnavailableError. */
export async function backendFetch(path: string, request: BackendRequest = {}): Promise<Response> {
  const config = frontendConfig();
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.session) headers.authorization = `Bearer ${request.session.token}`;
  try {
    return await fetch(`${config.backendUrl}${path}`, {
      method: request.method ?? 'GET',
      headers,
      body: request.body ?? null,
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs ?? config.backendTimeoutMs),
    });
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    throw new BackendUnavailableError(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable');
  }
}

/** GET a per-user resource as JSON for a server component; any non-2xx becomes BackendStatusError. */
export async function backendJson<T>(session: Session, rest: string): Promise<T> {
  const response = await backendFetch(userPath(session, rest), { session });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new BackendStatusError(response.status, body);
  return body as T;
}
