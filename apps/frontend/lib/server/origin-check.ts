import 'server-only';
import { frontendConfig } from './config';
import { isHttps } from './session';

/** Sec-Fetch-Site values of requests this site's own pages make (`none`: typed or bookmarked). */
const OWN_SITE = new Set(['same-origin', 'none']);

/** What the check reads of a request: its headers (a Fetch Request's, or the gateway's view of Node's). */
export interface RequestHeaders {
  headers: Pick<Headers, 'get'>;
}

function ownHost(request: RequestHeaders, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || request.headers.get('host');
}

/**
 * Why a state-changing request comes from another site (or origin), or null when it may go ahead.
 * Browsers say where a request comes from in `Sec-Fetch-Site` (or, older ones, `Origin`); a request
 * with neither is not a browser's cross-site request (curl, server-to-server) and is allowed.
 * SameSite=Lax alone lets a same-site sibling origin (another subdomain) through; this does not.
 */
export function crossSiteReason(request: RequestHeaders, trustProxy = frontendConfig().trustProxy): string | null {
  const site = request.headers.get('sec-fetch-site');
  if (site) return OWN_SITE.has(site) ? null : `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get('origin');
  if (!origin) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin ${origin} is not an origin`;
  }
  const host = ownHost(request, trustProxy);
  if (url.host !== host) return `Origin ${origin} is not this site (${host ?? 'no Host header'})`;
  if (isHttps(request.headers, trustProxy) && url.protocol !== 'https:') return `Origin ${origin} is not HTTPS`;
  return null;
}

/**
 * The 403 body for a cross-site request to a state-changing route, or null when it may go ahead. The
 * /api/* gateway asks it first for every POST/PUT/PATCH/DELETE (api-gateway.ts); server actions have
 * Next's own Origin check.
 */
export function crossSiteRefusal(request: RequestHeaders): { detail: string } | null {
  const reason = crossSiteReason(request);
  if (!reason) return null;
  return { detail: `Refused: this request came from another site (${reason}). Open the app itself and try again.` };
}
