import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { engines, openTestDatabase } from './support/databases';
import { signUp, testApp, TEST_JWT_SECRET, type Account } from './support/app';
import { users } from '../src/db/schema';
import type { Database } from '../src/db/client';

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const sign = (claims: Record<string, unknown>, secret = key, expiresIn: string | number = '1h') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(secret);

describe.each(engines)('accounts and tokens (%s)', (engine) => {
  let app: FastifyInstance;
  let database: Database;
  let dispose: () => Promise<void>;
  let alice: Account;

  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase(engine));
    app = await testApp({ database });
    alice = await signUp(app, 'Alice');
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  const tasksOf = (account: Account, headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: `/api/${account.id}/tasks`, headers });

  it('registers with 201 and the original body, storing the domain in lower case', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { name: 'Bob', email: 'Bob.Smith@Example.COM', password: 'password123' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Bob',
      email: 'Bob.Smith@example.com',
      message: 'Account created successfully',
    });
  });

  it('refuses a second account for the same e-mail in any letter case with 409', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { name: 'Bob again', email: 'BOB.SMITH@example.com', password: 'password123' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ detail: 'A user with this email already exists' });
  });

  it('answers 409 to all but one of concurrent sign-ups for one address', async () => {
    const attempts = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com'].map((email) =>
        app.inject({ method: 'POST', url: '/api/auth/register', payload: { name: 'R', email, password: 'password123' } }),
      ),
    );
    expect(attempts.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('logs in case-insensitively and returns a bearer token with sub, email, type, iat and exp', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: alice.email.toUpperCase().replace('@EXAMPLE.COM', '@example.com'), password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', user: { id: alice.id, name: 'Alice', email: alice.email } });
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: alice.id, email: alice.email, type: 'access' });
    expect(claims.exp - claims.iat).toBe(7 * 24 * 3600);
  });

  it.each([
    ['a wrong password', () => ({ email: alice.email, password: 'wrong password' })],
    ['an unknown e-mail', () => ({ email: 'nobody@example.com', password: 'whatever123' })],
  ])('rejects login with %s as 401 Incorrect email or password', async (_case, payload) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: payload() });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ detail: 'Incorrect email or password' });
  });

  it('verifies a password hash written by the original backend (argon2-cffi defaults)', async () => {
    // Made with Python argon2-cffi PasswordHasher().hash('original-password-123').
    const originalHash =
      '$argon2id$v=19$m=65536,t=3,p=4$1CIsSE5IW58uULmMv3X50w$PqYhEsbaoczBDW0ad/LHLYHaKHxOcce1D8IMQyaeLzk';
    const now = new Date();
    await database.db.insert(users).values({
      id: randomUUID(),
      name: 'Legacy',
      email: 'legacy@example.com',
      passwordHash: originalHash,
      createdAt: now,
      updatedAt: now,
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'legacy@example.com', password: 'original-password-123' },
    });
    expect(ok.statusCode).toBe(200);
    const [stored] = await database.db.select().from(users).limit(1);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
  });

  it('answers 401 Not authenticated with a Bearer challenge when the header is missing', async () => {
    const res = await tasksOf(alice, {});
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('rejects a scheme other than Bearer', async () => {
    const res = await tasksOf(alice, { authorization: `Basic ${alice.token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ detail: 'Invalid authentication credentials' });
  });

  it.each([
    ['a bad signature', () => sign({ sub: alice.id, email: alice.email, type: 'access' }, new TextEncoder().encode('another-secret-another-secret-xx'))],
    ['an expired token', () => sign({ sub: alice.id, email: alice.email, type: 'access' }, key, Math.floor(Date.now() / 1000) - 10)],
    ['a token whose type is not access', () => sign({ sub: alice.id, email: alice.email, type: 'refresh' })],
    ['a token whose sub is not a UUID', () => sign({ sub: 'not-a-uuid', email: alice.email, type: 'access' })],
    ['a token without sub', () => sign({ email: alice.email, type: 'access' })],
    ['garbage', async () => 'not.a.jwt'],
  ])('rejects %s as 401 Could not validate credentials', async (_case, token) => {
    const res = await tasksOf(alice, { authorization: `Bearer ${await token()}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ detail: 'Could not validate credentials' });
  });

  it('rejects a valid token of a user that does not exist with 401 User not found', async () => {
    const ghost = randomUUID();
    const res = await app.inject({
      method: 'GET',
      url: `/api/${ghost}/tasks`,
      headers: { authorization: `Bearer ${await sign({ sub: ghost, email: 'g@example.com', type: 'access' })}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ detail: 'User not found' });
  });

  it.each([
    ['a short password', { name: 'X', email: 'x@example.com', password: 'short' }, ['body', 'password'], 'string_too_short'],
    ['a 129-character password', { name: 'X', email: 'x@example.com', password: 'p'.repeat(129) }, ['body', 'password'], 'string_too_long'],
    ['an invalid e-mail', { name: 'X', email: 'not-an-email', password: 'password123' }, ['body', 'email'], 'value_error'],
    ['a special-use domain', { name: 'X', email: 'x@host.localhost', password: 'password123' }, ['body', 'email'], 'value_error'],
    ['an empty name', { name: '', email: 'x@example.com', password: 'password123' }, ['body', 'name'], 'string_too_short'],
    ['a 101-character name', { name: 'n'.repeat(101), email: 'x@example.com', password: 'password123' }, ['body', 'name'], 'string_too_long'],
    ['no name', { email: 'x@example.com', password: 'password123' }, ['body', 'name'], 'missing'],
  ])('rejects registration with %s as a FastAPI-style 422', async (_case, payload, loc, type) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContainEqual(expect.objectContaining({ loc, type, msg: expect.any(String) }));
  });

  it('reports a too-short login password as 422, not 401', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: alice.email, password: 'short' } });
    expect(res.statusCode).toBe(422);
  });
});
