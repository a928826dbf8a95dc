import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDependencies } from '../../src/app';
import type { Config } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { pgliteTemplate } from './databases';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-keys';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    nodeEnv: 'test',
    host: '127.0.0.1',
    port: 0,
    pgliteDataDir: 'memory://',
    databasePoolMax: 10,
    jwt: { secret: TEST_JWT_SECRET, algorithm: 'HS256', expireDays: 7, ephemeral: false },
    chat: { llmTimeoutMs: 5000, llmMaxRetries: 1, turnBudgetMs: 10_000, maxAgentTurns: 10 },
    corsOrigins: [],
    logLevel: 'silent',
    shutdownDelayMs: 0,
    rateLimit: { authPerMinute: 1000, chatPerMinute: 1000 },
    trustProxy: false,
    metricsPort: 0,
    ...overrides,
  };
}

/** The app on the given database, or on a fresh in-memory PGlite one that closes with it. */
export async function testApp(dependencies: AppDependencies, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  let owned: Database | undefined;
  if (!dependencies.database) {
    owned = await openDatabase({ pgliteDataDir: 'memory://', pgliteTemplate: await pgliteTemplate() });
    await migrate(owned);
  }
  const app = await buildApp(testConfig(overrides), { agent: null, database: owned, ...dependencies });
  if (owned) app.addHook('onClose', () => owned.close());
  await app.ready();
  return app;
}

export interface Account {
  id: string;
  email: string;
  token: string;
  auth: { authorization: string };
}

let counter = 0;
/** Registers and logs in a fresh user (argon2 at full cost: keep these few per suite). */
export async function signUp(app: FastifyInstance, name = 'Test User'): Promise<Account> {
  const email = `user${Date.now().toString(36)}${(counter++).toString(36)}@example.com`;
  const password = 'correct horse battery';
  const registered = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { name, email, password } });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.statusCode} ${registered.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const { access_token: token, user } = login.json();
  return { id: user.id, email, token, auth: { authorization: `Bearer ${token}` } };
}
