import type { FastifyInstance } from 'fastify';

// Stand-in until @todo/health lands on main; the routes and shapes are the library's.
export interface HealthControl {
  markStarted(): void;
  markShuttingDown(): void;
}

export async function healthRoutes(app: FastifyInstance, options: { ping: () => Promise<void> }) {
  app.get('/health', { schema: { tags: ['health'] } }, async () => ({ status: 'healthy' }));
  app.get('/ready', { schema: { tags: ['health'] } }, async (_request, reply) => {
    try {
      await options.ping();
      return { status: 'ready', database: 'connected' };
    } catch {
      return reply.code(503).send({ status: 'not_ready', detail: 'Database unavailable' });
    }
  });
  app.get('/startup', { schema: { tags: ['health'] } }, async () => ({ status: 'started' }));
}
