/**
 * The security headers of every frontend response (set by `proxy.ts`). The Content-Security-Policy
 * allows only scripts that carry this response's nonce (Next puts it on its own scripts when it finds
 * it in the request's CSP header) and what they load in turn ('strict-dynamic').
 * docs/security.md explains each header and how to allow another origin.
 */
import 'server-only';
import { randomBytesPooled } from '@todo/observability/random';

/** 128 random bits, base64: a new one for every response. */
export function createNonce(): string {
  return Buffer.from(randomBytesPooled(16)).toString('base64');
}

export interface PolicyOptions {
  /** `next dev` evaluates code for its overlay and fast refresh, and injects inline styles. */
  development: boolean;
  /** Ask the browser to fetch any http:// subresource over HTTPS. */
  https: boolean;
}

export function contentSecurityPolicy(nonce: string, { development, https }: PolicyOptions): string {
  const directives = [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    `style-src 'self'${development ? " 'unsafe-inline'" : ` 'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${development ? ' ws:' : ''}`,
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ];
  if (https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

export interface HeaderOptions extends PolicyOptions {
  nonce: string;
  hstsMaxAgeSeconds: number;
  hstsIncludeSubDomains: boolean;
}

export function securityHeaders(options: HeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(options.nonce, options),
    'x-content-type-options': 'nosniff',
    // Older browsers that do not know frame-ancestors.
    'x-frame-options': 'DENY',
    // Same-origin requests keep the Referer (and a POST its Origin); other sites learn nothing.
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin',
  };
  // Browsers ignore HSTS received over plain HTTP, and sending it there would only mislead.
  if (options.https && options.hstsMaxAgeSeconds > 0) {
    headers['strict-transport-security'] =
      `max-age=${options.hstsMaxAgeSeconds}${options.hstsIncludeSubDomains ? '; includeSubDomains' : ''}`;
  }
  return headers;
}
