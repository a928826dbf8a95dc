import 'server-only';
import { type Profile, type Session, sessionFromToken } from './session';

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
