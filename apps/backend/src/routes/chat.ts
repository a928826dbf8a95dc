import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ChatBody, ChatReply, History, Message, UserPath } from '@todo/api-contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { PassThrough } from 'node:stream';
import type { ChatAgent, ChatEvent } from '../chat/agent';
import type { Db } from '../db/client';
import { DomainError, fail } from '../errors';
import { answerFor } from '../plugins/errors';
import { currentUser } from '../plugins/auth';
import {
  appendMessages,
  clearConversations,
  conversationLabel,
  ensureConversation,
  lockConversation,
  recentMessages,
} from '../services/conversations';
import { undoTaskChanges, type TaskChange } from '../services/task-changes';

/** Messages of earlier turns sent to the model with each new one. */
const MODEL_HISTORY = 20;
/** Messages returned by the history endpoint. */
const HISTORY_PAGE = 100;

export interface ChatRouteOptions {
  db: Db;
  /** Absent when no LLM key is configured: chat answers 503, history still works. */
  agent?: ChatAgent;
  perMinute: number;
  /** A whole turn's time (CHAT_TURN_BUDGET_MS): every model call and tool run of one message. */
  turnBudgetMs: number;
}

const INTERNAL_ERROR = { status: 500, detail: 'Internal Server Error' };

const wantsEventStream = (request: FastifyRequest) => /\btext\/event-stream\b/.test(request.headers.accept ?? '');

const failures = { 401: Type.Ref('Detail'), 404: Type.Ref('Detail'), 422: Type.Ref('ValidationDetail') };

/** R12–R14: the AI chat, with its history stored in `conversations` / `messages`. */
export async function chatRoutes(parent: FastifyInstance, options: ChatRouteOptions) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db, agent } = options;
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', app.requireOwnPath);
  const common = { tags: ['chat'], security: [{ bearer: [] }], params: UserPath };

  /**
   * One turn. No connection or transaction is held while the model thinks: history is read, each tool
   * run commits in a short transaction of its own, and the messages are written at the end. A turn
   * that fails or is stopped puts back what its tools changed, so it leaves nothing half-written.
   */
  async function runTurn(agent: ChatAgent, userId: string, message: string, signal: AbortSignal, onEvent?: (event: ChatEvent) => void) {
    const history = await recentMessages(db, userId, MODEL_HISTORY);
    const changes: TaskChange[] = [];
    try {
      const reply = await agent.reply({ db, userId, history, message, signal, onEvent, onChanges: (c) => changes.push(...c) });
      if (signal.aborted) fail({ kind: 'chat-stopped' });
      await db.transaction(async (tx) => {
        await lockConversation(tx, userId);
        const conversationId = await ensureConversation(tx, userId);
        await appendMessages(tx, conversationId, userId, [
          { role: 'user', content: message },
          { role: 'assistant', content: reply.response },
        ]);
      });
      return { conversation_id: conversationLabel(userId), response: reply.response, tool_calls: reply.toolCalls };
    } catch (error) {
      await undoTaskChanges(db, userId, changes).catch((undoError: unknown) =>
        app.log.error({ err: undoError }, 'chat: could not undo the tool changes of a failed turn'),
      );
      throw error;
    }
  }

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
        summary: 'Send a message to the task assistant (JSON, or server-sent events with Accept: text/event-stream)',
        body: ChatBody,
        response: { 200: ChatReply, ...failures, 429: Type.Ref('Detail'), 502: Type.Ref('Detail'), 503: Type.Ref('Detail'), 504: Type.Ref('Detail') },
      },
    },
    async (request, reply) => {
      if (!agent) return fail({ kind: 'chat-not-configured' });
      const userId = currentUser(request).id;
      const { message } = request.body;
      // The client going away (the Stop button) ends the turn: no further model call, nothing kept.
      const stop = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) stop.abort();
      });
      const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(options.turnBudgetMs)]);
      if (!wantsEventStream(request)) return runTurn(agent, userId, message, signal);

      const events = new PassThrough();
      const send = (event: string, data: unknown) => events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      void runTurn(agent, userId, message, signal, ({ type, ...data }) => send(type, data))
        .then((result) => send('done', result))
        .catch((error: unknown) => {
          if (!(error instanceof DomainError)) request.log.error({ err: error }, 'chat turn failed');
          const { status, detail } = error instanceof DomainError ? answerFor(error.failure) : INTERNAL_ERROR;
          send('error', { status, detail });
        })
        .finally(() => events.end());
      return reply
        .type('text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no') // nginx ingress: pass each event on as it comes
        .send(events);
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
