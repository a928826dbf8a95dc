/**
 * The browser session: the backend's JWT in an HttpOnly cookie plus a small HttpOnly profile cookie
 * (display name). Client code never sees either; server code reads them through this module only.
 */
import 'server-only';
import { frontendConfig } from './config';

/**
 * The cookies' names. Over HTTPS they carry the `__Host-` prefix: the browser then only accepts them
 * Secure, for Path=/ and without a Domain, so a sibling subdomain cannot plant or overwrite a session.
 */
export function cookieNames(secure: boolean): { session: string; profile: string } {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}todo_session`, profile: `${prefix}todo_profile` };
}

export interface Profile {
  id: string;
  name: string;
  email: string;
}

export interface Session {
  token: string;
  userId: string;
  /** Expiry as epoch seconds, from the token's `exp` claim. */
  expiresAt: number;
}

interface CookieReader {
  get(name: string): { value: string } | undefined;
}

interface HeaderReader {
  get(name: string): string | null;
}

interface CookieWriter {
  set(name: string, value: string, options: CookieOptions): unknown;
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: '/';
  maxAge: number;
}

// Node's Buffer (the proxy and the server both run on Node): atob and a byte-by-byte copy were 4% of
// the gateway's CPU per request.
function decodeBase64Url(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('utf8');
}

function encodeBase64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * Reads `sub` and `exp` from a JWT without verifying it: the backend verifies every call; the
 * frontend only needs to know whose token it is and when it stops being worth sending.
 */
export function sessionFromToken(token: string): Session | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(decodeBase64Url(parts[1])) as { sub?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    return { token, userId: claims.sub, expiresAt: claims.exp };
  } catch {
    return null;
  }
}

export function isExpired(session: Session, nowMs = Date.now()): boolean {
  return session.expiresAt * 1000 <= nowMs;
}

/**
 * The signed-in user's session, or null when there is none or it has expired. `secure`: the request
 * came over HTTPS (`isHttps`), so only the `__Host-` cookie counts.
 */
export function readSession(cookies: CookieReader, secure: boolean, nowMs = Date.now()): Session | null {
  const token = cookies.get(cookieNames(secure).session)?.value;
  if (!token) return null;
  const session = sessionFromToken(token);
  if (!session || isExpired(session, nowMs)) return null;
  return session;
}

export function readProfile(cookies: CookieReader, secure: boolean): Profile | null {
  const raw = cookies.get(cookieNames(secure).profile)?.value;
  if (!raw || !readSession(cookies, secure)) return null;
  try {
    const profile = JSON.parse(decodeBase64Url(raw)) as Partial<Profile>;
    if (typeof profile.name !== 'string' || typeof profile.email !== 'string') return null;
    return { id: String(profile.id ?? ''), name: profile.name, email: profile.email };
  } catch {
    return null;
  }
}

/**
 * Did the browser reach us over HTTPS? Next's standalone server speaks plain HTTP only, so TLS ends at a
 * proxy, and its `X-Forwarded-Proto` is believed only with TRUST_PROXY=true (Next itself fills the
 * header from the socket when a request has none, so without a trusted proxy the answer is no).
 * Pass `request.headers`, or `await headers()` in a server component.
 */
export function isHttps(headers: HeaderReader, trustProxy = frontendConfig().trustProxy): boolean {
  if (!trustProxy) return false;
  return headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

function cookieOptions(secure: boolean, maxAge: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge };
}

export function writeSession(
  cookies: CookieWriter,
  session: Session,
  profile: Profile,
  secure: boolean,
  nowMs = Date.now(),
): void {
  const maxAge = Math.max(0, Math.floor(session.expiresAt - nowMs / 1000));
  const names = cookieNames(secure);
  cookies.set(names.session, session.token, cookieOptions(secure, maxAge));
  cookies.set(names.profile, encodeBase64Url(JSON.stringify(profile)), cookieOptions(secure, maxAge));
}

export function clearSession(cookies: CookieWriter, secure: boolean): void {
  const names = cookieNames(secure);
  cookies.set(names.session, '', cookieOptions(secure, 0));
  cookies.set(names.profile, '', cookieOptions(secure, 0));
}
