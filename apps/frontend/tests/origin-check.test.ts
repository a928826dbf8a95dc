// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { crossSiteReason } from '../lib/server/origin-check';
import { useGatewayOnRecordingBackend } from './support/gateway';
import { tokenFor, USER_ID } from './support/tokens';

const stack = useGatewayOnRecordingBackend();

const SITE = 'todo.example.com';

function fromBrowser(method: string, path: string, headers: Record<string, string>) {
  return stack.gateway.call(path, {
    method,
    headers: { host: SITE, 'content-type': 'application/json', cookie: `todo_session=${tokenFor(USER_ID)}`, ...headers },
    body: method === 'GET' ? undefined : JSON.stringify({ title: 'x', email: 'a@b.co', password: 'password1', name: 'A', message: 'hi' }),
  });
}

const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
const sameSite = { 'sec-fetch-site': 'same-site', origin: 'https://other.example.com' };

describe('state-changing routes refuse other sites', () => {
  const routes: [string, (headers: Record<string, string>) => Promise<Response>][] = [
    ['POST /api/tasks', (h) => fromBrowser('POST', '/api/tasks', h)],
    ['PUT /api/tasks/1', (h) => fromBrowser('PUT', '/api/tasks/1', h)],
    ['DELETE /api/tasks/1', (h) => fromBrowser('DELETE', '/api/tasks/1', h)],
    ['PATCH /api/tasks/1/complete', (h) => fromBrowser('PATCH', '/api/tasks/1/complete', h)],
    ['DELETE /api/conversations/clear', (h) => fromBrowser('DELETE', '/api/conversations/clear', h)],
    ['POST /api/chat', (h) => fromBrowser('POST', '/api/chat', h)],
    ['POST /api/auth/login', (h) => fromBrowser('POST', '/api/auth/login', h)],
    ['POST /api/auth/register', (h) => fromBrowser('POST', '/api/auth/register', h)],
    ['POST /api/auth/logout', (h) => fromBrowser('POST', '/api/auth/logout', h)],
  ];

  it.each(routes)('%s answers a cross-site or same-site sibling request with 403, without reaching the backend or touching cookies', async (_name, call) => {
    for (const headers of [crossSite, sameSite]) {
      const response = await call(headers);
      expect(response.status).toBe(403);
      expect((await response.json()).detail).toMatch(/^Refused: this request came from another site \(Sec-Fetch-Site is (cross|same)-site\)/);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(stack.backend.requests).toHaveLength(0);
  });

  it.each(routes)('%s lets the site\'s own pages through', async (_name, call) => {
    stack.backend.answerWith({ status: 201, body: {} });
    const response = await call({ 'sec-fetch-site': 'same-origin', origin: `http://${SITE}` });
    expect(response.status).not.toBe(403);
  });

  it('lets reading routes through whatever the site (the browser keeps the answer from the other site)', async () => {
    stack.backend.answerWith({ status: 200, body: { tasks: [] } });
    expect((await fromBrowser('GET', '/api/tasks', crossSite)).status).toBe(200);
  });
});

describe('where a request comes from', () => {
  const request = (headers: Record<string, string>) => new Request(`http://${SITE}/api/tasks`, { method: 'POST', headers: { host: SITE, ...headers } });

  it('goes by Sec-Fetch-Site when the browser sends it', () => {
    expect(crossSiteReason(request({ 'sec-fetch-site': 'same-origin' }), false)).toBeNull();
    expect(crossSiteReason(request({ 'sec-fetch-site': 'none' }), false)).toBeNull();
    expect(crossSiteReason(request({ 'sec-fetch-site': 'same-site' }), false)).toBe('Sec-Fetch-Site is same-site');
  });

  it('falls back to comparing Origin with the Host the request was sent to', () => {
    expect(crossSiteReason(request({ origin: `http://${SITE}` }), false)).toBeNull();
    expect(crossSiteReason(request({ origin: 'http://app.example.com' }), false)).toBe(`Origin http://app.example.com is not this site (${SITE})`);
    expect(crossSiteReason(request({ origin: 'null' }), false)).toBe('Origin null is not an origin');
  });

  it('behind a trusted proxy uses its X-Forwarded-Host and wants an https Origin for an HTTPS request', () => {
    const viaProxy = { host: 'todo-app-frontend:3000', 'x-forwarded-host': SITE, 'x-forwarded-proto': 'https' };
    expect(crossSiteReason(request({ ...viaProxy, origin: `https://${SITE}` }), true)).toBeNull();
    expect(crossSiteReason(request({ ...viaProxy, origin: `http://${SITE}` }), true)).toBe(`Origin http://${SITE} is not HTTPS`);
    // Without trust, X-Forwarded-Host is somebody's claim and the Host header decides.
    expect(crossSiteReason(request({ ...viaProxy, origin: `https://${SITE}` }), false)).toMatch(/is not this site \(todo-app-frontend:3000\)/);
  });

  it('lets a request with neither header through: not a browser (curl, a script), so no ambient cookie to abuse', () => {
    expect(crossSiteReason(request({}), false)).toBeNull();
  });
});
