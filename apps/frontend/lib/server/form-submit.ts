import 'server-only';
import { redirect } from 'next/navigation';
import { type ApiError, apiErrorFrom, SESSION_EXPIRED_URL } from '../api-client';
import { BackendUnavailableError, backendFetch, unavailableAnswer, userPath } from './backend';
import { requestHeaders } from './backend-policy';
import type { Session } from './session';

export interface FormSubmission {
  method?: string;
  /** The JSON body; none for a DELETE. */
  json?: unknown;
  /** The browser's request headers (`await headers()`): the backend rate-limits per client address. */
  from: Pick<Headers, 'get'>;
  timeoutMs?: number;
}

export type Submitted<T> = { ok: true; body: T } | { ok: false; error: ApiError };

/** Sends what a form's server action read to the backend as JSON; a failure becomes what the form shows. */
export async function submitToBackend<T>(path: string, submission: FormSubmission & { session?: Session }): Promise<Submitted<T>> {
  const hasBody = submission.json !== undefined;
  const headers = requestHeaders({ headers: submission.from });
  // The browser posted the form as multipart; the backend gets JSON (or, for a DELETE, no body).
  delete headers['content-type'];
  if (hasBody) headers['content-type'] = 'application/json';
  let answer: Response;
  try {
    answer = await backendFetch(path, {
      method: submission.method ?? 'POST',
      session: submission.session,
      headers,
      body: hasBody ? JSON.stringify(submission.json) : null,
      timeoutMs: submission.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    const { status, detail } = unavailableAnswer(error);
    return { ok: false, error: apiErrorFrom({ status, headers: new Headers() }, { detail }) };
  }
  const body: unknown = answer.status === 204 ? null : await answer.json().catch(() => null);
  return answer.ok ? { ok: true, body: body as T } : { ok: false, error: apiErrorFrom(answer, body) };
}

/** The same for a per-user route (`/api/{user_id}` + rest); a refused session ends at /login, as pages do. */
export async function submitForUser<T>(session: Session, rest: string, submission: FormSubmission): Promise<Submitted<T>> {
  const result = await submitToBackend<T>(userPath(session, rest), { ...submission, session });
  if (!result.ok && result.error.status === 401) redirect(SESSION_EXPIRED_URL);
  return result;
}
