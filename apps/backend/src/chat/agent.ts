import type { FastifyBaseLogger } from 'fastify';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ChatLimits, Config } from '../config';
import type { Db } from '../db/client';
import { fail } from '../errors';
import { observedModel } from '../observability/model';
import type { Role } from '../services/conversations';
import { diffTasks, snapshotTasks, type TaskChange } from '../services/task-changes';
import { parseToolArguments, runTool, ToolRunError } from '../tools/run-tool';
import { taskTools, type TaskTool } from '../tools/task-tools';
import { createModelClient, ProviderError, type ModelClient, type RequestedToolCall } from './provider';

const INSTRUCTIONS = `You are a helpful task management assistant. You help users manage their todo list through natural language.

Available actions:
- Add tasks when the user mentions adding, creating or remembering something.
- List tasks, filtered by status: all, pending or completed.
- Complete tasks when the user says done or finished.
- Delete tasks when the user says remove or delete.
- Update tasks to change a title or description.

Guidelines:
- Always confirm actions with a friendly response.
- Use emojis: ✅ completed, ⬜ pending, 📋 lists, 🗑️ deleted, ✏️ updated.
- If a task ID is mentioned, use it directly; if the user describes a task without an ID, list tasks first to find it.
- If a tool answers with ❌, read why, correct the call or tell the user.
- Be conversational and helpful, concise but informative.
- When listing, show status icons and descriptions.`;

/** The task a tool step is about, as far as it is known (from the arguments, then from what changed). */
export interface TaskRef {
  id?: number;
  title?: string;
}

/** What the user can watch while a turn runs (the streamed chat sends each as a server-sent event). */
export type ChatEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool-started'; tool: string; task?: TaskRef }
  | { type: 'tool-finished'; tool: string; ok: boolean; task?: TaskRef };

export interface ChatTurn {
  db: Db;
  userId: string;
  history: { role: Role; content: string }[];
  message: string;
  /** Aborted when the user stops the turn or its budget is spent: no further model call or tool run. */
  signal: AbortSignal;
  onEvent?(event: ChatEvent): void;
  /** Receives what each tool run changed, committed at once, so a failed turn can be undone. */
  onChanges(changes: TaskChange[]): void;
}

export interface ChatReply {
  response: string;
  /** The tools that really ran, in order (not calls refused for bad arguments or unknown names). */
  toolCalls: string[];
}

export interface ChatAgent {
  reply(turn: ChatTurn): Promise<ChatReply>;
}

export type AgentLog = Pick<FastifyBaseLogger, 'warn' | 'debug'>;

const byName = new Map<string, TaskTool>(taskTools.map((t) => [t.name, t]));

function toolDefinition(tool: TaskTool): ChatCompletionTool {
  const parameters: Record<string, unknown> = z.toJSONSchema(tool.parameters, { io: 'input' });
  delete parameters.$schema;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}

const TOOL_DEFINITIONS = taskTools.map(toolDefinition);

function taskFromArguments(args: unknown): TaskRef | undefined {
  const { task_id: id, title } = (args ?? {}) as { task_id?: unknown; title?: unknown };
  const ref = { id: typeof id === 'number' ? id : undefined, title: typeof title === 'string' && title ? title : undefined };
  return ref.id === undefined && ref.title === undefined ? undefined : ref;
}

function taskFromChanges(changes: TaskChange[]): TaskRef | undefined {
  const row = changes[0]?.after ?? changes[0]?.before;
  return row && { id: row.id, title: row.title };
}

/** Stops the turn when its signal fired: the user pressed Stop or the turn budget is spent. */
function throwIfStopped(signal: AbortSignal): void {
  if (!signal.aborted) return;
  const timedOut = signal.reason instanceof Error && signal.reason.name === 'TimeoutError';
  fail({ kind: timedOut ? 'chat-timeout' : 'chat-stopped' });
}

/** An agent on any OpenAI-compatible chat-completions endpoint; tools act on `turn.db` for `turn.userId`. */
export function createChatAgent(llm: NonNullable<Config['llm']>, limits: ChatLimits, log: AgentLog): ChatAgent {
  return createAgentOn(observedModel(createModelClient(llm, limits), llm.model), limits, log);
}

export function createAgentOn(model: ModelClient, limits: ChatLimits, log: AgentLog): ChatAgent {
  /** One requested call: refused with a readable reason, or run in a short transaction of its own. */
  async function runRequested(call: RequestedToolCall, turn: ChatTurn): Promise<{ text: string; ran?: string }> {
    const tool = byName.get(call.name);
    if (!tool) {
      const known = taskTools.map((t) => t.name).join(', ');
      return { text: `❌ There is no tool named "${call.name.slice(0, 64)}"; the tools are ${known}` };
    }
    const parsed = parseToolArguments(tool, call.arguments);
    if (!parsed.ok) return { text: parsed.text };
    throwIfStopped(turn.signal);
    turn.onEvent?.({ type: 'tool-started', tool: tool.name, task: taskFromArguments(parsed.args) });
    try {
      const { result, changes } = await turn.db.transaction(
        async (tx) => {
          const before = await snapshotTasks(tx, turn.userId);
          const result = await runTool(tool, tx, turn.userId, parsed.args, log);
          return { result, changes: diffTasks(before, await snapshotTasks(tx, turn.userId)) };
        },
        { isolationLevel: 'repeatable read' },
      );
      turn.onChanges(changes);
      turn.onEvent?.({ type: 'tool-finished', tool: tool.name, ok: result.ok, task: taskFromChanges(changes) ?? taskFromArguments(parsed.args) });
      return { text: result.text, ran: tool.name };
    } catch (error) {
      if (!(error instanceof ToolRunError)) throw error;
      turn.onEvent?.({ type: 'tool-finished', tool: tool.name, ok: false, task: taskFromArguments(parsed.args) });
      return { text: error.result.text };
    }
  }

  async function callModel(messages: ChatCompletionMessageParam[], turn: ChatTurn, onText: (delta: string) => void) {
    try {
      return await model.complete({ messages, tools: TOOL_DEFINITIONS, signal: turn.signal, onText });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      throwIfStopped(turn.signal);
      log.warn(`chat provider failed: ${error.message}`);
      return fail({ kind: error.reason === 'timeout' ? 'chat-timeout' : 'provider-failed' });
    }
  }

  return {
    async reply(turn) {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: INSTRUCTIONS },
        ...turn.history.map((m) => ({ role: m.role, content: m.content })),
        { role: 'user', content: turn.message },
      ];
      const parts: string[] = [];
      const ran: string[] = [];
      for (let step = 0; step < limits.maxAgentTurns; step++) {
        throwIfStopped(turn.signal);
        let startedText = false;
        const answer = await callModel(messages, turn, (delta) => {
          // Text of an earlier step (said before calling a tool) and this one are separate paragraphs.
          if (!startedText && parts.length > 0) turn.onEvent?.({ type: 'text', delta: '\n\n' });
          startedText = true;
          turn.onEvent?.({ type: 'text', delta });
        });
        if (answer.text) parts.push(answer.text);
        if (answer.toolCalls.length === 0) return { response: parts.join('\n\n'), toolCalls: ran };
        messages.push({
          role: 'assistant',
          content: answer.text || null,
          tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
        });
        for (const call of answer.toolCalls) {
          const outcome = await runRequested(call, turn);
          if (outcome.ran) ran.push(outcome.ran);
          messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.text });
        }
      }
      log.warn(`chat turn stopped after ${limits.maxAgentTurns} model calls (CHAT_MAX_AGENT_TURNS)`);
      return fail({ kind: 'too-many-steps' });
    },
  };
}
