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
    : // Relative: request.url names the server's own address (localhost:3000), not the host the browser used,
      // and the CSP's form-action 'self' blocks a form post redirected to another origin.
      new NextResponse(null, { status: 303, headers: { location: '/login?reason=signed-out' } });
  clearSession(response.cookies, isHttps(request.headers));
  return response;
}
