import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import { currentUser } from '../plugins/auth';
import { runTool, ToolRunError, type ToolFailureLog } from '../tools/run-tool';
import { taskTools } from '../tools/task-tools';

const SERVER_INFO = { name: 'todo-mcp-server', version: '1.0.0' };

/** A Model Context Protocol server for the token's user, with the chat agent's five tools. */
function createMcpServer(db: Db, userId: string, log: ToolFailureLog): McpServer {
  const server = new McpServer(SERVER_INFO);
  for (const tool of taskTools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.parameters.shape }, async (args) => {
      // A failure inside the tool is told in words, never as the database's error (SQL, the user's id).
      const result = await runTool(tool, db, userId, args, log).catch((error: unknown) => {
        if (error instanceof ToolRunError) return error.result;
        throw error;
      });
      return { content: [{ type: 'text' as const, text: result.text }], isError: !result.ok };
    });
  }
  return server;
}

/**
 * Streamable HTTP at /mcp, stateless: every POST carries its own Bearer token and gets a fresh
 * server bound to that user, so nothing about one user can leak into another's session.
 */
export async function mcpRoutes(app: FastifyInstance, options: { db: Db }) {
  app.addHook('onRequest', app.authenticate);

  app.post('/mcp', { schema: { tags: ['mcp'], summary: 'MCP Streamable HTTP endpoint (JSON-RPC)', security: [{ bearer: [] }] } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const server = createMcpServer(options.db, currentUser(request).id, request.log);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  const notAllowed = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.code(405).header('allow', 'POST').send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  app.get('/mcp', { schema: { hide: true } }, notAllowed);
  app.delete('/mcp', { schema: { hide: true } }, notAllowed);
}
