import type { NextRequest } from 'next/server';
import { NextResponse } from 'next/server';
import { refuseCrossSite } from '@/lib/server/origin-check';
import { clearSession, isHttps } from '@/lib/server/session';

/**
 * Ends the browser session. A plain form post (no JavaScript needed) gets a 303 to /login; a fetch
 * asking for JSON gets 204.
 */
export function POST(request: NextRequest) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const wantsJson = request.headers.get('accept')?.includes('application/json') ?? false;
  const response = wantsJson
    ? new NextResponse(null, { status: 204 })
    : NextResponse.redirect(new URL('/login?reason=signed-out', request.url), 303);
  clearSession(response.cookies, isHttps(request.headers));
  return response;
}
