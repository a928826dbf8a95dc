import { createShutdown } from '@todo/health';
import { serveMetrics, type Tracing } from '@todo/observability';
import { buildApp } from './app';
import type { Config } from './config';
import { openDatabase } from './db/client';
import { migrate } from './db/migrate';
import { registry } from './observability/metrics';

export async function runMigrations(config: Config): Promise<void> {
  const database = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir, poolMax: 1 });
  try {
    const target = database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.pgliteDataDir}`;
    console.log(`migrate: applying migrations to ${target}`);
    const report = await migrate(database);
    console.log(
      report.applied.length ? `migrate: applied ${report.applied.join(', ')}` : 'migrate: database already up to date',
    );
  } finally {
    await database.close();
  }
}

/** Serves the API on config.port and, apart from it, /metrics on config.metricsPort. */
export async function serve(config: Config, tracing?: Tracing): Promise<void> {
  let trackRequest: () => () => void = () => () => undefined;
  const app = await buildApp(config, { trackRequest: () => trackRequest() });
  const shutdown = createShutdown({
    health: app.health,
    delayMs: config.shutdownDelayMs,
    // A chat turn in flight ends within its budget: let it finish rather than cut it off.
    drainTimeoutMs: config.chat.turnBudgetMs + 5000,
    handlerTimeoutMs: 15_000,
    log: { info: (m) => app.log.info(m), error: (m) => app.log.error(m) },
  });
  trackRequest = shutdown.trackRequest;
  // Closing the app waits for in-flight requests, then closes the database pool (an onClose hook).
  shutdown.onClose('http server and database', () => app.close());
  if (tracing) shutdown.onClose('trace export', () => tracing.shutdown());
  if (config.jwt.ephemeral) {
    app.log.warn('JWT_SECRET_KEY is not set: using a random secret, tokens stop working when the process restarts');
  }
  if (!config.llm) app.log.warn('no OPENAI_API_KEY / OPENROUTER_API_KEY: chat answers 503, everything else works');
  await app.listen({ host: config.host, port: config.port });
  if (config.metricsPort > 0) {
    const metrics = await serveMetrics(registry, { host: config.host, port: config.metricsPort });
    shutdown.onClose('metrics listener', () => metrics.close());
    app.log.info(`metrics on port ${config.metricsPort} at /metrics (${metrics.url})`);
  }
}
