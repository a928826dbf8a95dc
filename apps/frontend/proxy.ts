import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { clearSession, isHttpsRequest, readSession, SESSION_COOKIE } from './lib/server/session';

const PROTECTED = ['/tasks', '/chat'];
const SIGNED_OUT_ONLY = ['/login', '/register'];

function matches(pathname: string, prefixes: string[]): boolean {
  return prefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * Route protection: /tasks and /chat need a live session, /login and /register are for signed-out
 * visitors. `/login?reason=expired` also drops a session the backend has refused.
 */
export function proxy(request: NextRequest) {
  const { pathname, searchParams } = request.nextUrl;
  const session = readSession(request.cookies);
  const hadCookie = Boolean(request.cookies.get(SESSION_COOKIE)?.value);
  const secure = isHttpsRequest(request);

  if (matches(pathname, PROTECTED) && !session) {
    const login = new URL('/login', request.url);
    login.searchParams.set('reason', hadCookie ? 'expired' : 'signin');
    login.searchParams.set('next', pathname);
    const response = NextResponse.redirect(login);
    if (hadCookie) clearSession(response.cookies, secure);
    return response;
  }

  if (pathname === '/login' && searchParams.get('reason') === 'expired') {
    if (!hadCookie) return NextResponse.next();
    // Same URL again, without the cookies, so the page (and its header) renders signed out.
    const response = NextResponse.redirect(request.nextUrl);
    clearSession(response.cookies, secure);
    return response;
  }

  if (matches(pathname, SIGNED_OUT_ONLY) && session) {
    return NextResponse.redirect(new URL('/tasks', request.url));
  }
  return NextResponse.next();
}

export const config = {
  matcher: ['/tasks/:path*', '/chat/:path*', '/login', '/register'],
};
