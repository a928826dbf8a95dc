import type { FastifyInstance, InjectOptions } from 'fastify';
import { signUp, testApp, type Account } from './support/app';

// Whatever a client sends, the answer is a 4xx with a JSON `detail` and no internals.
describe('bad input never causes a 500', () => {
  let app: FastifyInstance;
  let alice: Account;
  let taskUrl: string;

  beforeAll(async () => {
    app = await testApp({});
    alice = await signUp(app);
    const task = await app.inject({ method: 'POST', url: `/api/${alice.id}/tasks`, headers: alice.auth, payload: { title: 't' } });
    taskUrl = `/api/${alice.id}/tasks/${task.json().id}`;
  });
  afterAll(() => app.close());

  const expectClientError = async (options: InjectOptions, status?: number) => {
    const res = await app.inject(options);
    expect(res.statusCode, `${options.method} ${options.url} → ${res.statusCode} ${res.body}`).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    if (status) expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toHaveProperty('detail');
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+|node_modules|FST_|SyntaxError|Unexpected token/);
    return res;
  };
  const json = { 'content-type': 'application/json' };

  it('answers malformed JSON with a 422 json_invalid entry', async () => {
    const res = await expectClientError(
      { method: 'POST', url: `/api/${alice.id}/tasks`, headers: { ...alice.auth, ...json }, payload: '{"title": "x",' },
      422,
    );
    expect(res.json().detail).toEqual([expect.objectContaining({ loc: ['body'], type: 'json_invalid' })]);
    await expectClientError({ method: 'POST', url: '/api/auth/login', headers: json, payload: '{{{' }, 422);
  });

  it('answers an empty JSON body and a missing body with 422 missing', async () => {
    const empty = await expectClientError({ method: 'POST', url: '/api/auth/login', headers: json, payload: '' }, 422);
    expect(empty.json().detail[0].type).toBe('missing');
    await expectClientError({ method: 'POST', url: '/api/auth/login' }, 422);
  });

  it('answers a body that is not an object with 422', async () => {
    for (const payload of ['[]', '"text"', '42', 'null', 'true']) {
      await expectClientError({ method: 'POST', url: '/api/auth/register', headers: json, payload }, 422);
    }
  });

  it('rejects content types other than JSON without a 500', async () => {
    await expectClientError({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, 415);
    await expectClientError({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'email=x' });
    await expectClientError({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a@b.com&password=12345678',
    });
  });

  it('answers an oversize body with 413', async () => {
    const huge = JSON.stringify({ title: 'x'.repeat(200_000) });
    await expectClientError({ method: 'POST', url: `/api/${alice.id}/tasks`, headers: { ...alice.auth, ...json }, payload: huge }, 413);
  });

  it('answers wrong JSON types with 422', async () => {
    const cases: [string, 'POST' | 'PUT' | 'PATCH', unknown][] = [
      [`/api/${alice.id}/tasks`, 'POST', { title: ['a'] }],
      [`/api/${alice.id}/tasks`, 'POST', { title: 'ok', description: 5 }],
      [taskUrl, 'PUT', { title: { nested: true } }],
      [`${taskUrl}/complete`, 'PATCH', { completed: 'maybe' }],
      [`${taskUrl}/complete`, 'PATCH', {}],
      ['/api/auth/register', 'POST', { name: 1, email: true, password: null }],
    ];
    for (const [url, method, payload] of cases) {
      await expectClientError({ method, url, headers: alice.auth, payload: payload as object }, 422);
    }
  });

  it('answers unknown routes with 404 Not Found', async () => {
    for (const url of ['/nope', '/api', '/api/tasks', `/api/${alice.id}/unknown`, '/%E0%A4%A']) {
      const res = await expectClientError({ method: 'GET', url, headers: alice.auth });
      expect(res.statusCode === 404 || res.statusCode === 400).toBe(true);
    }
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.json()).toEqual({ detail: 'Not Found' });
  });

  it('answers a known path with the wrong method with 405 Method Not Allowed and the methods it allows', async () => {
    const cases = [
      ['PUT', `/api/${alice.id}/tasks`, 'GET, HEAD, POST'],
      ['PATCH', taskUrl, 'DELETE, GET, HEAD, PUT'],
      ['GET', `${taskUrl}/complete`, 'PATCH'],
      ['GET', '/api/auth/login', 'POST'],
      ['DELETE', '/ready', 'GET, HEAD'],
    ] as const;
    for (const [method, url, allow] of cases) {
      // Routing comes first, as in the original: no credentials needed to learn the allowed methods.
      const res = await expectClientError({ method, url: `${url}?url_user_id=x` }, 405);
      expect(res.json()).toEqual({ detail: 'Method Not Allowed' });
      expect(res.headers.allow).toBe(allow);
    }
    expect((await app.inject({ method: 'DELETE', url: `/api/${alice.id}/unknown` })).json()).toEqual({ detail: 'Not Found' });
  });

  it('answers bad path parameters with 422, including out-of-range and huge ids', async () => {
    for (const id of ['abc', '1.5', '-', '99999999999999999999', '2147483648', "1'; DROP TABLE tasks;--"]) {
      await expectClientError({ method: 'GET', url: `/api/${alice.id}/tasks/${encodeURIComponent(id)}`, headers: alice.auth }, 422);
    }
    for (const user of ['123', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', 'x'.repeat(150)]) {
      await expectClientError({ method: 'GET', url: `/api/${user}/tasks`, headers: alice.auth }, 422);
    }
  });

  it('stores huge-but-allowed and unusual unicode strings faithfully', async () => {
    const title = ('𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧪 \u202Ertl\u202C <script>x</script> ' + 'é'.repeat(200)).slice(0, 200);
    const res = await app.inject({ method: 'POST', url: `/api/${alice.id}/tasks`, headers: alice.auth, payload: { title } });
    expect(res.statusCode).toBe(201);
    expect(res.json().title).toBe(title);
    await expectClientError(
      { method: 'POST', url: `/api/${alice.id}/tasks`, headers: alice.auth, payload: { title: 'nul \u0000 byte' } },
      422,
    );
  });

  it('answers garbage Authorization headers with 401', async () => {
    for (const authorization of ['Bearer', 'Bearer  ', 'Bearer a b', 'bearer ' + 'x'.repeat(5000), '🙂']) {
      await expectClientError({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: { authorization } }, 401);
    }
  });
});
