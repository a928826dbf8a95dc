import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { clearSession, isHttpsRequest } from '@/lib/server/session';

/**
 * Ends the browser session. A plain form post (no JavaScript needed) gets a 303 to /login; a fetch
 * asking for JSON gets 204.
 */
export function POST(request: NextRequest) {
  const wantsJson = request.headers.get('accept')?.includes('application/json') ?? false;
  const response = wantsJson
    ? new NextResponse(null, { status: 204 })
    : NextResponse.redirect(new URL('/login?reason=signed-out', request.url), 303);
  clearSession(response.cookies, isHttpsRequest(request));
  return response;
}
