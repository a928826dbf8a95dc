import Fastify, { type FastifyInstance } from 'fastify';

/** Builds the API; tests drive it with `inject()`, production calls `listen()`. */
export function buildApp(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ message: 'Todo AI Chatbot API', version: '0.2.0', docs: '/docs' }));
  return app;
}
