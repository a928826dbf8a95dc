import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { createHealth, healthPlugin, type Health } from '@todo/health';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createTokenService } from './auth/tokens';
import { createChatAgent, type ChatAgent } from './chat/agent';
import type { Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { DomainError } from './errors';
import { rateLimitRejections } from './observability/metrics';
import { observabilityPlugin, requestIdOf } from './observability/plugin';
import { authPlugin } from './plugins/auth';
import { errorsPlugin } from './plugins/errors';
import { openapiPlugin } from './plugins/openapi';
import { securityHeadersPlugin } from './plugins/security-headers';
import { validationPlugin } from './plugins/validation';
import { authRoutes } from './routes/auth';
import { chatRoutes } from './routes/chat';
import { mcpRoutes } from './routes/mcp';
import { taskRoutes } from './routes/tasks';
import { Detail, Task, ValidationDetail } from '@todo/api-contract';
import { APP_VERSION } from './version';

export interface AppDependencies {
  /** An already open database (the caller closes it); otherwise one is opened from the config. */
  database?: Database;
  /** Overrides the agent built from `config.llm`; `null` means chat is not configured. */
  agent?: ChatAgent | null;
  /** Counts each request as in-flight work for graceful shutdown (from @todo/health's createShutdown). */
  trackRequest?: () => () => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Probe state: `main` marks it started and, on SIGTERM, shutting down. */
    health: Health;
  }
}

const ROUTER_OPTIONS = { maxParamLength: 200 };

/** Builds the API; tests drive it with `inject()`, production calls `listen()`. */
export async function buildApp(config: Config, dependencies: AppDependencies = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: ROUTER_OPTIONS,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // observabilityPlugin logs each request once it is answered, with its trace_id (known only then).
    disableRequestLogging: true,
    // Requests the router cannot even parse (bad percent-encoding) get the API's error shape too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      void (reply as FastifyReply).code(status).send({ detail: status === 404 ? 'Not Found' : 'Bad Request' });
    },
  });

  const database = dependencies.database ?? (await openEmbeddedOrExternal(config, app));
  if (!dependencies.database) app.addHook('onClose', () => database.close());
  const { db } = database;
  const tokens = createTokenService(config.jwt);
  const agent =
    dependencies.agent === undefined
      ? config.llm && createChatAgent(config.llm, config.chat, app.log)
      : (dependencies.agent ?? undefined);

  const health = createHealth({
    checks: [{ name: 'database', critical: true, timeoutMs: 2000, check: () => database.ping() }],
    onCheckFailure: (name, failure) =>
      app.log.warn(`readiness check ${name} is down (${failure.kind === 'timeout' ? 'timed out' : 'error'})`),
  });
  app.decorate('health', health);
  app.addHook('onReady', async () => health.markStarted());
  const { trackRequest } = dependencies;
  if (trackRequest) {
    // The raw response's 'close' fires once however the exchange ends (sent, or the client went away
    // mid-request), so the in-flight count never leaks and shutdown never waits out its drain timeout.
    app.addHook('onRequest', async (_request, reply) => {
      reply.raw.once('close', trackRequest());
    });
  }

  await app.register(observabilityPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(errorsPlugin, { routerOptions: ROUTER_OPTIONS });
  await app.register(validationPlugin);
  app.addSchema(Detail);
  app.addSchema(ValidationDetail);
  app.addSchema(Task);
  await app.register(openapiPlugin);
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Protocol-Version'],
      maxAge: 600,
    });
  }
  await app.register(rateLimit, {
    global: false,
    onExceeded: (request) => rateLimitRejections.inc({ route: request.routeOptions.url ?? 'unmatched' }),
    errorResponseBuilder: (_request, context) =>
      new DomainError({ kind: 'rate-limited', retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
  await app.register(authPlugin, { db, tokens });

  await app.register(healthPlugin, { health });
  app.get('/', { schema: { hide: true } }, async () => ({ message: 'Todo AI Chatbot API', version: APP_VERSION, docs: '/docs' }));
  await app.register(authRoutes, { db, tokens, perMinute: config.rateLimit.authPerMinute });
  await app.register(taskRoutes, { database });
  await app.register(chatRoutes, { db, agent, perMinute: config.rateLimit.chatPerMinute, turnBudgetMs: config.chat.turnBudgetMs });
  await app.register(mcpRoutes, { db });
  return app;
}

/** PostgreSQL is migrated by `main.js migrate` (once per deploy); embedded PGlite migrates itself. */
async function openEmbeddedOrExternal(config: Config, app: FastifyInstance): Promise<Database> {
  const database = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir, poolMax: config.databasePoolMax });
  if (database.kind === 'pglite') {
    try {
      const report = await migrate(database);
      app.log.info({ dataDir: config.pgliteDataDir, applied: report.applied }, 'embedded PGlite database ready');
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}
