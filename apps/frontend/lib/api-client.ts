import type { ValidationIssue } from './types';

/** A failed call to the frontend's own /api routes, with what to tell the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages for individual body fields, from a 422 validation answer. */
    readonly fieldErrors: Record<string, string> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A 422's issues, read defensively: a proxy or an older backend may leave fields out. */
type IssueAsSent = Partial<ValidationIssue>;

function fieldErrorsOf(issues: IssueAsSent[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.loc?.[0] === 'body' ? issue.loc[1] : undefined;
    if (typeof field === 'string' && issue.msg && !errors[field]) errors[field] = issue.msg;
  }
  return errors;
}

function messageFor(status: number, detail: unknown, retryAfter?: number): string {
  if (status === 429) {
    return retryAfter ? `Too many requests. Try again in ${retryAfter} s.` : 'Too many requests. Try again shortly.';
  }
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail)) {
    const messages = (detail as IssueAsSent[]).map((issue) => issue.msg).filter(Boolean);
    if (messages.length) return messages.join(', ');
  }
  if (status >= 500) return 'Something went wrong on the server. Please try again.';
  return `Request failed (${status}).`;
}

export const SESSION_EXPIRED_URL = '/login?reason=expired';

/** Where the browser goes when the session ended; replaced in tests. */
export const navigation = {
  toLogin(): void {
    window.location.assign(`${SESSION_EXPIRED_URL}&next=${encodeURIComponent(window.location.pathname)}`);
  },
};

export interface ApiRequestOptions {
  method?: string;
  body?: unknown;
  /** Log-in and register answer 401 for bad credentials; that must not end in a redirect. */
  redirectOn401?: boolean;
}

/**
 * Calls the frontend's same-origin API (never the backend directly). Non-2xx answers throw ApiError;
 * a 401 on a signed-in call sends the browser to /login with a "session expired" message.
 */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 401 && options.redirectOn401 !== false) {
    navigation.toLogin();
    throw new ApiError(401, 'Your session has expired. Please sign in again.');
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw apiErrorFrom(response, body);
  return body as T;
}

/** What to tell the user about a non-2xx answer (from the same-origin API or, in server actions, the backend). */
export function apiErrorFrom(response: Pick<Response, 'status' | 'headers'>, body: unknown): ApiError {
  const detail = (body as { detail?: unknown } | null)?.detail;
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  const fields = Array.isArray(detail) ? fieldErrorsOf(detail as ValidationIssue[]) : {};
  return new ApiError(response.status, messageFor(response.status, detail, retryAfter), fields, retryAfter);
}

/** The ApiError of a non-2xx answer read from the response itself (its JSON `detail` and `Retry-After`). */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  return apiErrorFrom(response, await response.json().catch(() => null));
}

/** An answer's status and detail as the same words the rest of the app shows (a streamed chat's error event). */
export const apiErrorFor = (status: number, detail: unknown): ApiError => new ApiError(status, messageFor(status, detail));
