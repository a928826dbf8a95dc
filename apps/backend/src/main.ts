import { buildApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { openDatabase } from './db/client';
import { migrate } from './db/migrate';

async function runMigrations(config: Config): Promise<void> {
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

async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  if (config.jwt.ephemeral) {
    app.log.warn('JWT_SECRET_KEY is not set: using a random secret, tokens stop working when the process restarts');
  }
  if (!config.llm) app.log.warn('no OPENAI_API_KEY / OPENROUTER_API_KEY: chat answers 503, everything else works');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: readiness off, draining in-flight requests`);
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? 'serve';
  const config = loadConfig();
  if (command === 'migrate') return runMigrations(config);
  if (command === 'serve') return serve(config);
  throw new Error(`unknown command "${command}"; use "node main.js" to serve or "node main.js migrate"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`backend: ${message}`);
  process.exit(1);
});
