import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { APP_VERSION } from '../version';

/**
 * Swagger UI's page loads its scripts, styles and the OpenAPI document from this server, so it needs
 * 'self', data: images (its icons), and the hash of the one <style> element its script adds when an
 * operation opens (the Swagger UI that @fastify/swagger-ui 6 bundles; if an upgrade changes it, the browser's
 * CSP message names the new hash and the frontend-e2e /docs test fails).
 */
export const DOCS_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
};

/** OpenAPI 3 document generated from the route schemas, served at /openapi.json and /docs. */
export const openapiPlugin = fp(async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
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
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
