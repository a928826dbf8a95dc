import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import type { Health, ProbeReport } from './health.js';

export interface HealthPluginOptions {
  health: Health;
}

const noStore = (reply: FastifyReply, report: ProbeReport) =>
  reply.code(report.httpStatus).header('cache-control', 'no-store').send(report.body);

/**
 * Fastify plugin serving `/health`, `/ready` and `/startup` at the root of the app. Readiness
 * turns 503 as soon as the app starts closing; Fastify itself answers 503 once `close()` runs.
 */
export async function healthRoutes(app: FastifyInstance, { health }: HealthPluginOptions): Promise<void> {
  // `hide` keeps probes out of the OpenAPI document (@fastify/swagger reads it).
  const hide = { hide: true } as FastifySchema;
  app.get('/health', { schema: hide, logLevel: 'warn' }, (_req, reply) => noStore(reply, health.liveness()));
  app.get('/startup', { schema: hide, logLevel: 'warn' }, (_req, reply) => noStore(reply, health.startup()));
  app.get('/ready', { schema: hide, logLevel: 'warn' }, async (_req, reply) =>
    noStore(reply, await health.readiness()),
  );
  app.addHook('preClose', async () => health.markShuttingDown());
  // Keep-alive sockets would hold `close()` open after the last response; tell clients to reconnect
  // (to another replica) once shutdown has begun.
  app.addHook('onSend', async (_req, reply) => {
    if (health.isShuttingDown) reply.header('connection', 'close');
  });
}

// What fastify-plugin does: share the parent scope, so the preClose hook sees the whole app closing.
export const healthPlugin = Object.assign(healthRoutes, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'todo-health',
});
