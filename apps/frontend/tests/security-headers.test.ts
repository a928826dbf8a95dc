// @vitest-environment node
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/server/config';
import { contentSecurityPolicy, securityHeaders } from '../lib/server/security-headers';
import { isHttps } from '../lib/server/session';
import { proxy } from '../proxy';
import { tokenFor, USER_ID } from './support/tokens';

// As the chart's prod values run it: behind the Ingress, HSTS for two years.
process.env.TRUST_PROXY = 'true';
process.env.HSTS_MAX_AGE_SECONDS = '63072000';
Object.assign(process.env, { NODE_ENV: 'production' });

function visit(path: string, headers: Record<string, string> = {}) {
  return proxy(new NextRequest(`http://localhost:3000${path}`, { headers }));
}

const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? '')?.[1];

describe('security headers on every response', () => {
  it.each(['/', '/login', '/tasks', '/api/tasks', '/health', '/_next/static/chunks/main.js'])('%s carries the full set', (path) => {
    const response = visit(path);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('permissions-policy')).toMatch(/camera=\(\), microphone=\(\), geolocation=\(\)/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  });

  it('keeps them on the proxy\'s own redirects', () => {
    const response = visit('/tasks');
    expect(response.status).toBe(307);
    expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('allows no inline or eval\'d script, no plugin, no framing, no <base>, and forms only to this site', () => {
    const policy = visit('/login').headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(directives['style-src']).not.toMatch(/unsafe-inline/);
    expect(directives['object-src']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(directives['form-action']).toBe("'self'");
  });

  it('uses a new nonce for every response and hands the same one to the page renderer', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const response = visit('/login');
      const policy = response.headers.get('content-security-policy');
      const nonce = nonceOf(policy);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      // Next reads the nonce from the request's CSP header (x-middleware-request-* is how the proxy passes it on).
      expect(response.headers.get('x-middleware-request-content-security-policy')).toBe(policy);
      expect(response.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
      nonces.add(nonce ?? '');
    }
    expect(nonces.size).toBe(20);
  });

  it('sends HSTS only when the trusted proxy says the browser came over HTTPS', () => {
    expect(visit('/', { 'x-forwarded-proto': 'https' }).headers.get('strict-transport-security')).toBe('max-age=63072000');
    expect(visit('/', { 'x-forwarded-proto': 'http' }).headers.get('strict-transport-security')).toBeNull();
    expect(visit('/').headers.get('strict-transport-security')).toBeNull();
    expect(visit('/', { 'x-forwarded-proto': 'https' }).headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', () => {
    const claimsHttps = new Headers({ 'x-forwarded-proto': 'https' });
    expect(isHttps(claimsHttps, true)).toBe(true);
    expect(isHttps(claimsHttps, false)).toBe(false);
    expect(isHttps(new Headers({ 'x-forwarded-proto': 'https, http' }), true)).toBe(true);
    expect(isHttps(new Headers(), true)).toBe(false);
  });

  it('builds HSTS from the configuration, and none when max-age is 0', () => {
    const base = { nonce: 'n', development: false, https: true, hstsIncludeSubDomains: false };
    expect(securityHeaders({ ...base, hstsMaxAgeSeconds: 0 })['strict-transport-security']).toBeUndefined();
    expect(securityHeaders({ ...base, hstsMaxAgeSeconds: 300, hstsIncludeSubDomains: true })['strict-transport-security']).toBe(
      'max-age=300; includeSubDomains',
    );
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ trustProxy: false, hstsMaxAgeSeconds: 0 });
    expect(() => loadConfig({ NODE_ENV: 'production', TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY must be true or false, got "yes"/);
    expect(() => loadConfig({ NODE_ENV: 'production', HSTS_MAX_AGE_SECONDS: '-1' })).toThrow(/HSTS_MAX_AGE_SECONDS must be a non-negative integer \(seconds\)/);
  });

  it('lets next dev evaluate code and inline styles, and nothing else', () => {
    const development = contentSecurityPolicy('n', { development: true, https: false });
    expect(development).toMatch(/script-src 'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval'/);
    expect(contentSecurityPolicy('n', { development: false, https: false })).not.toMatch(/unsafe/);
  });

  it('over HTTPS only the __Host- session cookie opens the protected pages', () => {
    const token = tokenFor(USER_ID);
    const https = { 'x-forwarded-proto': 'https' };
    expect(visit('/tasks', { ...https, cookie: `__Host-todo_session=${token}` }).headers.get('location')).toBeNull();
    expect(new URL(visit('/tasks', { ...https, cookie: `todo_session=${token}` }).headers.get('location') ?? '').pathname).toBe('/login');
  });
});
