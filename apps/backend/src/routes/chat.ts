import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ChatBody, ChatReply, History, Message, UserPath } from '@todo/api-contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ChatAgent } from '../chat/agent';
import type { Db } from '../db/client';
import { fail } from '../errors';
import { currentUser } from '../plugins/auth';
import {
  appendMessages,
  clearConversations,
  conversationLabel,
  ensureConversation,
  lockConversation,
  recentMessages,
} from '../services/conversations';

/** Messages of earlier turns sent to the model with each new one. */
const MODEL_HISTORY = 20;
/** Messages returned by the history endpoint. */
const HISTORY_PAGE = 100;

export interface ChatRouteOptions {
  db: Db;
  /** Absent when no LLM key is configured: chat answers 503, history still works. */
  agent?: ChatAgent;
  perMinute: number;
}

const failures = { 401: Type.Ref('Detail'), 404: Type.Ref('Detail'), 422: Type.Ref('ValidationDetail') };

/** R12–R14: the AI chat, with its history stored in `conversations` / `messages`. */
export async function chatRoutes(parent: FastifyInstance, options: ChatRouteOptions) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db, agent } = options;
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', app.requireOwnPath);
  const common = { tags: ['chat'], security: [{ bearer: [] }], params: UserPath };

  app.post(
    '/api/:user_id/chat',
    {
      config: {
        rateLimit: {
          max: options.perMinute,
          timeWindow: 60_000,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `chat:${currentUser(request).id}`,
        },
      },
      schema: {
        ...common,
        summary: 'Send a message to the task assistant',
        body: ChatBody,
        response: { 200: ChatReply, ...failures, 429: Type.Ref('Detail'), 502: Type.Ref('Detail'), 503: Type.Ref('Detail') },
      },
    },
    async (request) => {
      if (!agent) return fail({ kind: 'chat-not-configured' });
      const userId = currentUser(request).id;
      const { message } = request.body;
      // One transaction per turn: if the provider fails midway, the tools' changes and the
      // messages are rolled back together, so nothing is half-written.
      return db.transaction(async (tx) => {
        await lockConversation(tx, userId);
        const conversationId = await ensureConversation(tx, userId);
        const history = await recentMessages(tx, userId, MODEL_HISTORY);
        const reply = await agent.reply({ db: tx, userId, history, message });
        await appendMessages(tx, conversationId, userId, [
          { role: 'user', content: message },
          { role: 'assistant', content: reply.response },
        ]);
        return { conversation_id: conversationLabel(userId), response: reply.response, tool_calls: reply.toolCalls };
      });
    },
  );

  app.get(
    '/api/:user_id/conversations/history',
    { schema: { ...common, summary: 'The conversation so far, oldest first', response: { 200: History, ...failures } } },
    async (request) => {
      const userId = currentUser(request).id;
      const messages = await recentMessages(db, userId, HISTORY_PAGE);
      return {
        conversation_id: conversationLabel(userId),
        messages: messages.map((m) => ({ role: m.role, content: m.content, id: m.id, created_at: m.createdAt.toISOString() })),
      };
    },
  );

  app.delete(
    '/api/:user_id/conversations/clear',
    { schema: { ...common, summary: 'Forget the conversation', response: { 200: Message, ...failures } } },
    async (request) => {
      await clearConversations(db, currentUser(request).id);
      return { message: 'Conversation history cleared successfully' };
    },
  );
}
