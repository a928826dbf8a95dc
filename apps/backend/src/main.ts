import { ConfigError, loadConfig } from './config';
import { startBackendTracing } from './observability/tracing';

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? 'serve';
  if (command !== 'serve' && command !== 'migrate') {
    throw new Error(`unknown command "${command}"; use "node main.js" to serve or "node main.js migrate"`);
  }
  const config = loadConfig(process.env, { command });
  // Tracing instruments pg as it is loaded, so it starts before the modules that use the database.
  const tracing = command === 'serve' ? startBackendTracing(config) : undefined;
  const { runMigrations, serve } = await import('./commands.js');
  return command === 'migrate' ? runMigrations(config) : serve(config, tracing);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`backend: ${message}`);
  process.exit(1);
});
