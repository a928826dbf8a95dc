import 'server-only';
import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { BackendUnavailableError, backendFetch, unavailableAnswer } from './backend';
import { passThrough, requestHeaders } from './forward';
import { refuseCrossSite } from './origin-check';
import { isHttps, type Profile, type Session, sessionFromToken, writeSession } from './session';

interface LoginAnswer {
  access_token?: unknown;
  user?: Partial<Profile>;
}

export const UNEXPECTED_LOGIN_ANSWER = 'The server sent an unexpected login answer.';

/** The session and profile in the backend's 200 answer to a login, or null when it is not one. */
export function signedInFrom(answer: unknown): { session: Session; profile: Profile } | null {
  const body = answer as LoginAnswer | null;
  const session = typeof body?.access_token === 'string' ? sessionFromToken(body.access_token) : null;
  if (!session || !body?.user) return null;
  const profile: Profile = {
    id: String(body.user.id ?? session.userId),
    name: String(body.user.name ?? ''),
    email: String(body.user.email ?? ''),
  };
  return { session, profile };
}

/**
 * Logs in at the backend and, on success, keeps the token in HttpOnly cookies. The browser gets the
 * user's profile back, never the token.
 */
export async function logIn(request: NextRequest): Promise<NextResponse> {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  let answer: Response;
  try {
    answer = await backendFetch('/api/auth/login', {
      method: 'POST',
      headers: requestHeaders(request),
      body: await request.arrayBuffer(),
    });
  } catch (error) {
    if (error instanceof BackendUnavailableError) {
      const { status, detail } = unavailableAnswer(error);
      return NextResponse.json({ detail }, { status });
    }
    throw error;
  }
  if (answer.status !== 200) return passThrough(answer);

  const signedIn = signedInFrom(await answer.json().catch(() => null));
  if (!signedIn) return NextResponse.json({ detail: UNEXPECTED_LOGIN_ANSWER }, { status: 502 });
  const response = NextResponse.json({ user: signedIn.profile }, { status: 200 });
  writeSession(response.cookies, signedIn.session, signedIn.profile, isHttps(request.headers));
  return response;
}
