// @vitest-environment node
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { useGatewayOnRecordingBackend } from './support/gateway';
import { tokenFor, USER_ID } from './support/tokens';

// As behind the chart's Ingress: X-Forwarded-Proto is believed.
const stack = useGatewayOnRecordingBackend({ TRUST_PROXY: 'true' });

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return stack.gateway.call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const user = { id: USER_ID, name: 'Ann', email: 'ann@example.com' };

describe('log in', () => {
  it('keeps the token in an HttpOnly SameSite=Lax cookie and never returns it to the browser', async () => {
    const token = tokenFor(USER_ID, 7 * 86400);
    stack.backend.answerWith({ status: 200, body: { access_token: token, token_type: 'bearer', user } });
    const response = await post('/api/auth/login', { email: 'ann@example.com', password: 'secret123' });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ user });
    expect(body).not.toContain(token);
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith('todo_session='));
    expect(session).toContain(`todo_session=${token}`);
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=lax/i);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/i);
    const maxAge = Number(/Max-Age=(\d+)/.exec(session ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(7 * 86400 - 60);
    expect(maxAge).toBeLessThanOrEqual(7 * 86400);
    expect(JSON.parse(stack.backend.requests[0].body)).toEqual({ email: 'ann@example.com', password: 'secret123' });
  });

  it('over HTTPS (the trusted proxy says so) names the cookies __Host- and marks them Secure', async () => {
    stack.backend.answerWith({ status: 200, body: { access_token: tokenFor(USER_ID), token_type: 'bearer', user } });
    const viaProxy = await post('/api/auth/login', { email: 'a@b.co', password: 'x' }, { 'x-forwarded-proto': 'https' });
    const cookies = viaProxy.headers.getSetCookie();
    expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['__Host-todo_session', '__Host-todo_profile']);
    // What the browser demands of a __Host- cookie: Secure, Path=/, no Domain.
    for (const cookie of cookies) {
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
      expect(cookie).not.toMatch(/Domain=/i);
    }
  });

  it('over HTTPS reads only the __Host- cookie, so one planted without the prefix signs nobody in', async () => {
    const planted = new NextRequest('http://localhost:3000/api/auth/logout', {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https', accept: 'application/json', cookie: `todo_session=${tokenFor(USER_ID)}` },
    });
    const { readSession } = await import('../lib/server/session');
    expect(readSession(planted.cookies, true)).toBeNull();
    expect(readSession(planted.cookies, false)?.userId).toBe(USER_ID);
    const cleared = (await stack.gateway.call('/api/auth/logout', { method: 'POST', headers: Object.fromEntries(planted.headers) })).headers.getSetCookie();
    expect(cleared.every((cookie) => cookie.startsWith('__Host-todo_') && /Max-Age=0/.test(cookie))).toBe(true);
  });

  it('passes a 401 for wrong credentials through and sets no cookie', async () => {
    stack.backend.answerWith({ status: 401, body: { detail: 'Incorrect email or password' }, headers: { 'www-authenticate': 'Bearer' } });
    const response = await post('/api/auth/login', { email: 'ann@example.com', password: 'wrong-one' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Incorrect email or password' });
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('passes a 429 with Retry-After through', async () => {
    stack.backend.answerWith({ status: 429, body: { detail: 'Too many attempts' }, headers: { 'retry-after': '30' } });
    const response = await post('/api/auth/login', { email: 'ann@example.com', password: 'whatever1' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
  });
});

describe('register', () => {
  it('forwards to the backend and keeps its 201 and 409 answers', async () => {
    stack.backend.answerWith({ status: 201, body: { ...user, message: 'Account created successfully' } });
    const created = await post('/api/auth/register', { name: 'Ann', email: 'ann@example.com', password: 'secret123' });
    expect(created.status).toBe(201);
    expect(stack.backend.requests[0].url).toBe('/api/auth/register');
    stack.backend.answerWith({ status: 409, body: { detail: 'A user with this email already exists' } });
    const duplicate = await post('/api/auth/register', { name: 'Ann', email: 'ann@example.com', password: 'secret123' });
    expect([duplicate.status, await duplicate.json()]).toEqual([409, { detail: 'A user with this email already exists' }]);
  });
});

describe('log out', () => {
  it('clears both session cookies and sends a form post to /login', async () => {
    const response = await stack.gateway.call('/api/auth/logout', { method: 'POST', headers: { cookie: `todo_session=${tokenFor(USER_ID)}` } });
    expect(response.status).toBe(303);
    // Relative, so it stays on whatever host the browser used (request.url names the server's own).
    expect(response.headers.get('location')).toBe('/login?reason=signed-out');
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('todo_session='))).toMatch(/todo_session=;.*Max-Age=0/);
    expect(cookies.find((c) => c.startsWith('todo_profile='))).toMatch(/todo_profile=;.*Max-Age=0/);
  });

  it('answers 204 to a fetch that asks for JSON', async () => {
    const response = await stack.gateway.call('/api/auth/logout', { method: 'POST', headers: { accept: 'application/json' } });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().some((c) => /todo_session=;.*Max-Age=0/.test(c))).toBe(true);
  });
});
