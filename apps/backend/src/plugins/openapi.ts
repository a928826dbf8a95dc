import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { APP_VERSION } from '../version';

/** OpenAPI 3 document generated from the route schemas, served at /openapi.json and /docs. */
export const openapiPlugin = fp(async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Todo AI Chatbot', version: APP_VERSION, description: 'Tasks, accounts and an AI assistant that manages tasks.' },
      tags: [
        { name: 'health', description: 'Liveness, readiness and startup probes' },
        { name: 'auth', description: 'Accounts and tokens' },
        { name: 'tasks', description: "The signed-in user's tasks" },
        { name: 'chat', description: 'The task assistant' },
        { name: 'mcp', description: 'Model Context Protocol server with the task tools' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
