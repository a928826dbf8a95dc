// @vitest-environment node
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '../proxy';
import { tokenFor, USER_ID } from './support/tokens';

function visit(path: string, token?: string) {
  return proxy(new NextRequest(`http://localhost:3000${path}`, { headers: token ? { cookie: `todo_session=${token}` } : {} }));
}

function redirectTarget(response: Response): URL | null {
  const location = response.headers.get('location');
  return location ? new URL(location) : null;
}

describe('route protection', () => {
  it.each(['/tasks', '/chat'])('sends a signed-out visitor of %s to /login and remembers where they were going', (path) => {
    const response = visit(path);
    expect(response.status).toBe(307);
    const target = redirectTarget(response);
    expect(target?.pathname).toBe('/login');
    expect(target?.searchParams.get('reason')).toBe('signin');
    expect(target?.searchParams.get('next')).toBe(path);
  });

  it('sends an expired session to /login with the expiry message and drops the cookie', () => {
    const response = visit('/tasks', tokenFor(USER_ID, -5));
    const target = redirectTarget(response);
    expect(target?.pathname).toBe('/login');
    expect(target?.searchParams.get('reason')).toBe('expired');
    expect(response.headers.getSetCookie().join('\n')).toMatch(/todo_session=;.*Max-Age=0/);
  });

  it('lets a signed-in user through to /tasks and /chat', () => {
    expect(redirectTarget(visit('/tasks', tokenFor(USER_ID)))).toBeNull();
    expect(redirectTarget(visit('/chat', tokenFor(USER_ID)))).toBeNull();
  });

  it.each(['/login', '/register'])('sends a signed-in user at %s to /tasks', (path) => {
    expect(redirectTarget(visit(path, tokenFor(USER_ID)))?.pathname).toBe('/tasks');
  });

  it('drops a session the backend refused when /login is opened with reason=expired', () => {
    const response = visit('/login?reason=expired', tokenFor(USER_ID));
    const target = redirectTarget(response);
    expect(target?.pathname).toBe('/login');
    expect(target?.searchParams.get('reason')).toBe('expired');
    expect(response.headers.getSetCookie().join('\n')).toMatch(/todo_session=;.*Max-Age=0/);
    expect(redirectTarget(visit('/login?reason=expired'))).toBeNull();
  });

  it('ignores a cookie that is not a token', () => {
    expect(redirectTarget(visit('/tasks', 'not-a-jwt'))?.pathname).toBe('/login');
  });

  it('lets every other path through untouched (assets, the API, health checks)', () => {
    for (const path of ['/', '/api/tasks', '/health', '/_next/static/chunks/app.js', '/favicon.ico']) {
      const response = visit(path);
      expect(redirectTarget(response), path).toBeNull();
      expect(response.headers.get('x-middleware-next'), path).toBe('1');
    }
  });
});
