// agents-core + agents-openai rather than the @openai/agents umbrella: the realtime (voice) package is
// not needed and would add 14 MB to the image.
import { Agent, run, setTracingDisabled, tool, type AgentInputItem } from '@openai/agents-core';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { fail } from '../errors';
import { fetchWithRequestContext, observedModel } from '../observability/model';
import { taskTools } from '../tools/task-tools';
import type { Role } from '../services/conversations';

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
- Be conversational and helpful, concise but informative.
- When listing, show status icons and descriptions.`;

export interface ChatTurn {
  db: Db;
  userId: string;
  history: { role: Role; content: string }[];
  message: string;
}

export interface ChatReply {
  response: string;
  toolCalls: string[];
}

export interface ChatAgent {
  reply(turn: ChatTurn): Promise<ChatReply>;
}

export interface ChatAgentOptions {
  log?: (message: string) => void;
  timeoutMs?: number;
}

/** An agent on any OpenAI-compatible chat-completions endpoint; tools act on `turn.db` for `turn.userId`. */
export function createChatAgent(llm: NonNullable<Config['llm']>, options: ChatAgentOptions = {}): ChatAgent {
  setTracingDisabled(true); // never export traces to a third party
  const client = new OpenAI({
    apiKey: llm.apiKey,
    baseURL: llm.baseURL,
    maxRetries: 1,
    timeout: options.timeoutMs ?? 60_000,
    fetch: fetchWithRequestContext,
  });
  const model = observedModel(new OpenAIChatCompletionsModel(client, llm.model), llm.model);

  return {
    async reply({ db, userId, history, message }) {
      let toolFailure: unknown;
      const tools = taskTools.map((t) =>
        tool({
          name: t.name,
          description: t.description,
          parameters: t.parameters,
          execute: async (args) => {
            try {
              return (await t.run(db, userId, args as never)).text;
            } catch (error) {
              toolFailure = error;
              throw error;
            }
          },
          errorFunction: null, // a failing tool aborts the turn (and its transaction) instead of being papered over
        }),
      );
      const agent = new Agent({ name: 'TaskManager', instructions: INSTRUCTIONS, model, tools });
      const input: AgentInputItem[] = [
        ...history.map(toInputItem),
        { role: 'user', content: message },
      ];
      let result;
      try {
        result = await run(agent, input, { maxTurns: 10 });
      } catch (error) {
        if (toolFailure) throw toolFailure; // our own failure (e.g. the database), not the provider's
        options.log?.(`chat provider failed: ${error instanceof Error ? error.name + ': ' + error.message : String(error)}`);
        return fail({ kind: 'provider-failed' });
      }
      const toolCalls = result.newItems.flatMap((item) =>
        item.type === 'tool_call_item' && 'name' in item.rawItem ? [item.rawItem.name] : [],
      );
      const response = typeof result.finalOutput === 'string' ? result.finalOutput : '';
      return { response, toolCalls };
    },
  };
}

function toInputItem(message: { role: Role; content: string }): AgentInputItem {
  return message.role === 'user'
    ? { role: 'user', content: message.content }
    : { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: message.content }] };
}
