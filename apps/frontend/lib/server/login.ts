import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { BackendUnavailableError, backendFetch } from './backend';
import { passThrough, requestHeaders } from './forward';
import { refuseCrossSite } from './origin-check';
import { isHttps, type Profile, sessionFromToken, writeSession } from './session';

interface LoginAnswer {
  access_token?: unknown;
  user?: Partial<Profile>;
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
      return NextResponse.json({ detail: 'The server is unreachable right now. Please try again shortly.' }, { status: 502 });
    }
    throw error;
  }
  if (answer.status !== 200) return passThrough(answer);

  const body = (await answer.json().catch(() => null)) as LoginAnswer | null;
  const session = typeof body?.access_token === 'string' ? sessionFromToken(body.access_token) : null;
  if (!session || !body?.user) {
    return NextResponse.json({ detail: 'The server sent an unexpected login answer.' }, { status: 502 });
  }
  const profile: Profile = {
    id: String(body.user.id ?? session.userId),
    name: String(body.user.name ?? ''),
    email: String(body.user.email ?? ''),
  };
  const response = NextResponse.json({ user: profile }, { status: 200 });
  writeSession(response.cookies, session, profile, isHttps(request.headers));
  return response;
}
