import { openDatabase } from '../src/db/client';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from '../src/config';
import { API_CSP } from '../src/plugins/security-headers';
import { signUp, testApp } from './support/app';

describe('probes, docs, CORS and rate limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(
      {},
      { corsOrigins: ['https://app.example.com'], rateLimit: { authPerMinute: 3, chatPerMinute: 2 } },
    );
  });
  afterAll(() => app.close());

  it('answers / with the API name, version and docs link', async () => {
    expect((await app.inject('/')).json()).toEqual({ message: 'Todo AI Chatbot API', version: '0.2.0', docs: '/docs' });
  });

  it('serves liveness, startup and a readiness that checks the database', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'healthy' });
    expect((await app.inject('/startup')).statusCode).toBe(200);
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
  });

  it('serves an OpenAPI document generated from the route schemas, and the docs UI', async () => {
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/register', '/api/auth/login', '/api/{user_id}/tasks', '/api/{user_id}/tasks/{task_id}', '/api/{user_id}/chat', '/mcp']),
    );
    const create = doc.paths['/api/{user_id}/tasks'].post;
    expect(create.requestBody.content['application/json'].schema.properties.title).toMatchObject({ maxLength: 200 });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '401', '404', '422']));
    const ui = await app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('sends nosniff and a CSP that allows nothing on API answers, errors included', async () => {
    for (const url of ['/', '/health', '/openapi.json', '/nope', '/api/00000000-0000-0000-0000-000000000000/tasks']) {
      const res = await app.inject(url);
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toBe(API_CSP);
    }
  });

  it("gives /docs a CSP that lets Swagger UI load only this server's files", async () => {
    const page = await app.inject('/docs/');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'self';/);
    expect(policy).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/]+=';/);
    expect(policy).toMatch(/frame-ancestors 'none'/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Every script and style the page names is served from /docs/static under the same policy.
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => new URL(m[1], 'http://api/docs/').pathname);
    expect(assets).toEqual(expect.arrayContaining(['/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js', '/docs/static/swagger-ui.css']));
    expect(page.body).not.toMatch(/<script>|<style>|\sstyle="|\son\w+="/);
    for (const asset of assets) expect((await app.inject(asset)).statusCode, asset).toBe(200);
  });

  it('marks every auth answer no-store, successes and errors alike', async () => {
    const email = `nostore-${Date.now()}@example.com`;
    const answers = [
      await app.inject({ method: 'POST', url: '/api/auth/register', payload: { name: 'N', email, password: 'password123' } }),
      await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.0.1', payload: { email, password: 'password123' } }),
      await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.0.2', payload: { email, password: 'wrong-password' } }),
      await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.0.3', payload: { email: 'not-an-email' } }),
    ];
    expect(answers.map((res) => res.statusCode)).toEqual([201, 200, 401, 422]);
    for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
    expect(answers[1].json().access_token).toEqual(expect.any(String));
    // The hook is the auth routes' own, not a global one.
    expect((await app.inject('/')).headers['cache-control']).toBeUndefined();
  });

  it('allows only the configured CORS origins', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/api/auth/login',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const denied = await preflight('https://evil.example.com');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps 404 for unknown paths and 405 for wrong methods beside the CORS preflight route', async () => {
    expect((await app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    const wrongMethod = await app.inject({ method: 'GET', url: '/api/auth/login' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('limits login attempts per client address with 429 and Retry-After', async () => {
    const attempt = (ip: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { email: 'x@example.com', password: 'short' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt('10.0.0.1')).statusCode);
    expect(statuses).toEqual([422, 422, 422, 429]);
    const limited = await attempt('10.0.0.1');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().detail).toMatch(/Too many requests/);
    expect((await attempt('10.0.0.2')).statusCode).toBe(422);
  });

  it('limits chat per user, not per address', async () => {
    const alice = await signUp(app, 'Alice');
    const chat = (ip: string) =>
      app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, remoteAddress: ip, headers: alice.auth, payload: { message: 'hi' } });
    expect((await chat('10.0.1.1')).statusCode).toBe(503);
    expect((await chat('10.0.1.2')).statusCode).toBe(503);
    const third = await chat('10.0.1.3');
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
  });
});

describe('database outage', () => {
  it('answers 503 with Retry-After and no internals while the database cannot be reached', async () => {
    // a PostgreSQL URL where nothing listens: every query fails to connect
    const database = await openDatabase({ url: 'postgres://todo:todo@127.0.0.1:1/todo', poolMax: 1 });
    const app = await testApp({ database });
    try {
      const register = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { name: 'N', email: 'n@example.com', password: 'correct horse battery' } });
      expect(register.statusCode).toBe(503);
      expect(register.headers['retry-after']).toBe('5');
      expect(register.json()).toEqual({ detail: 'The database is unavailable right now. Please try again shortly.' });
      expect(register.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
      expect((await app.inject('/ready')).statusCode).toBe(503);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('configuration', () => {
  it('has working defaults for a developer machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8000, host: '0.0.0.0', databaseUrl: undefined, llm: undefined, corsOrigins: [], logLevel: 'info' });
    expect(config.jwt).toMatchObject({ algorithm: 'HS256', expireDays: 7, ephemeral: true });
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'JWT_SECRET_KEY'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ACCESS_TOKEN_EXPIRE_DAYS: '0' }, 'ACCESS_TOKEN_EXPIRE_DAYS'],
    [{ JWT_ALGORITHM: 'RS256' }, 'JWT_ALGORITHM'],
    [{ BACKEND_CORS_ORIGINS: '*' }, 'BACKEND_CORS_ORIGINS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL'],
  ])('refuses %o with an error naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^invalid configuration: ${variable} `));
  });

  it('lets `migrate` run in production with only DATABASE_URL (the chart\'s migration Job has no JWT key)', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: 'postgres://todo@db:5432/todo' };
    expect(loadConfig(env, { command: 'migrate' }).databaseUrl).toBe(env.DATABASE_URL);
    expect(() => loadConfig(env, { command: 'serve' })).toThrow(/^invalid configuration: JWT_SECRET_KEY /);
  });

  it('never puts a secret value in its error messages', () => {
    try {
      loadConfig({ DATABASE_URL: 'postgres://user:hunter2@db:5432/x', PORT: 'x' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('accepts OPENROUTER_API_KEY as the LLM key, defaulting to OpenRouter', () => {
    expect(loadConfig({ OPENROUTER_API_KEY: 'sk-or' }).llm).toEqual({
      apiKey: 'sk-or',
      baseURL: 'https://openrouter.ai/api/v1',
      model: 'openai/gpt-oss-120b:free',
    });
    expect(loadConfig({ OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'm' }).llm).toEqual({
      apiKey: 'sk',
      baseURL: 'http://127.0.0.1:9/v1',
      model: 'm',
    });
  });
});
