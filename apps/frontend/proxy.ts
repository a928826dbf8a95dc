import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { frontendConfig } from './lib/server/config';
import { createNonce, securityHeaders } from './lib/server/security-headers';
import { clearSession, cookieNames, isHttps, readSession } from './lib/server/session';

const PROTECTED = ['/tasks', '/chat'];
const SIGNED_OUT_ONLY = ['/login', '/register'];

function matches(pathname: string, prefixes: string[]): boolean {
  return prefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * Route protection: /tasks and /chat need a live session, /login and /register are for signed-out
 * visitors. `/login?reason=expired` also drops a session the backend has refused. Null: go on.
 */
function protectRoute(request: NextRequest, secure: boolean): NextResponse | null {
  const { pathname, searchParams } = request.nextUrl;
  const session = readSession(request.cookies, secure);
  const hadCookie = Boolean(request.cookies.get(cookieNames(secure).session)?.value);

  if (matches(pathname, PROTECTED) && !session) {
    const login = new URL('/login', request.url);
    login.searchParams.set('reason', hadCookie ? 'expired' : 'signin');
    login.searchParams.set('next', pathname);
    const response = NextResponse.redirect(login);
    if (hadCookie) clearSession(response.cookies, secure);
    return response;
  }

  if (pathname === '/login' && searchParams.get('reason') === 'expired' && hadCookie) {
    // Same URL again, without the cookies, so the page (and its header) renders signed out.
    const response = NextResponse.redirect(request.nextUrl);
    clearSession(response.cookies, secure);
    return response;
  }

  if (matches(pathname, SIGNED_OUT_ONLY) && session) {
    return NextResponse.redirect(new URL('/tasks', request.url));
  }
  return null;
}

/**
 * Every response gets the security headers, with a fresh CSP nonce; the page renderer finds the nonce
 * in the request's CSP header and puts it on Next's scripts.
 */
export function proxy(request: NextRequest) {
  const config = frontendConfig();
  const secure = isHttps(request.headers, config.trustProxy);
  const nonce = createNonce();
  const headers = securityHeaders({
    nonce,
    https: secure,
    development: !config.production,
    hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
    hstsIncludeSubDomains: config.hstsIncludeSubDomains,
  });
  let response = protectRoute(request, secure);
  if (!response) {
    const forwarded = new Headers(request.headers);
    forwarded.set('content-security-policy', headers['content-security-policy']);
    // For a server component that loads a script of its own: `<Script nonce={(await headers()).get('x-nonce')}>`.
    forwarded.set('x-nonce', nonce);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
