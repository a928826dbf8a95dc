import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The API's answers are JSON, never a page: nothing in them may run, load or be framed. /docs (Swagger
 * UI) replaces this policy with its own (`DOCS_CSP` in ./openapi.ts).
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `nosniff` and a CSP on every response, errors and 404s included. */
export const securityHeadersPlugin = fp(async function securityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
  });
});
