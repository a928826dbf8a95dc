import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible provider on 127.0.0.1 (the only fake in the browser tests). It answers
 * both the Chat Completions API (streamed when asked, as the backend does) and the Responses API:
 * - a user turn "add task <title>" → a call of the add_task tool, then a confirmation once the tool ran;
 * - "tell me a story" → STORY, streamed a word every `wordDelayMs`;
 * - anything else → a plain greeting.
 * `delayMs` slows every answer (for the shutdown test).
 */
export interface ScriptedLlm {
  baseUrl: string;
  requests: unknown[];
  delayMs: number;
  wordDelayMs: number;
  /** Answers being written now, and answers whose reader hung up before their end (a stopped turn). */
  open: number;
  abandoned: number;
  close(): Promise<void>;
}

export const STORY =
  'Once upon a time a tidy fox kept every task on a list, ticked each one off before dusk, and slept well because nothing was forgotten. The end.';

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown };
type ResponsesItem = { role?: string; type?: string; content?: unknown; output?: unknown };

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('');
  return '';
};

function planFor(lastUserText: string, toolRan: boolean): { tool?: { name: string; args: object }; text?: string } {
  const add = /add task (.+)/i.exec(lastUserText);
  if (add && !toolRan) return { tool: { name: 'add_task', args: { title: add[1].trim(), description: null } } };
  if (add) return { text: `✅ Added "${add[1].trim()}" to your tasks.` };
  if (/tell me a story/i.test(lastUserText)) return { text: STORY };
  return { text: 'Hello! I can add, list, complete, update and delete your tasks.' };
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now()}_${++counter}`;

function chatCompletion(body: { model?: string; messages?: ChatMessage[] }) {
  const messages = body.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastUserIndex = messages.lastIndexOf(lastUser as ChatMessage);
  const toolRan = messages.slice(lastUserIndex + 1).some((m) => m.role === 'tool');
  const plan = planFor(textOf(lastUser?.content), toolRan);
  const message = plan.tool
    ? { role: 'assistant', content: null, tool_calls: [{ id: nextId('call'), type: 'function', function: { name: plan.tool.name, arguments: JSON.stringify(plan.tool.args) } }] }
    : { role: 'assistant', content: plan.text };
  return {
    id: nextId('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'scripted',
    choices: [{ index: 0, message, finish_reason: plan.tool ? 'tool_calls' : 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function response(body: { model?: string; input?: string | ResponsesItem[] }) {
  const input: ResponsesItem[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : (body.input ?? []);
  const lastUserIndex = input.map((item) => item.role).lastIndexOf('user');
  const toolRan = input.slice(lastUserIndex + 1).some((item) => item.type === 'function_call_output');
  const plan = planFor(textOf(input[lastUserIndex]?.content), toolRan);
  const output = plan.tool
    ? [{ type: 'function_call', id: nextId('fc'), call_id: nextId('call'), name: plan.tool.name, arguments: JSON.stringify(plan.tool.args), status: 'completed' }]
    : [{ type: 'message', id: nextId('msg'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: plan.text, annotations: [] }] }];
  return {
    id: nextId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: body.model ?? 'scripted',
    output,
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Answers written to their end (the client may hang up as soon as it has read the last chunk). */
const sentInFull = new WeakSet<ServerResponse>();

/** A chat completion as the streamed chunks of the Chat Completions API, its text a word at a time. */
async function streamCompletion(res: ServerResponse, completion: ReturnType<typeof chatCompletion>, wordDelayMs: number, includeUsage: boolean) {
  const [{ message, finish_reason: finishReason }] = completion.choices;
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk({ role: 'assistant', content: '' }));
  for (const word of (typeof message.content === 'string' ? message.content : '').match(/\S+\s*/g) ?? []) {
    if (res.destroyed) return;
    res.write(chunk({ content: word }));
    if (wordDelayMs) await sleep(wordDelayMs);
  }
  if (res.destroyed) return;
  sentInFull.add(res);
  const calls = (message as { tool_calls?: { id: string; function: object }[] }).tool_calls ?? [];
  calls.forEach((call, index) => res.write(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: call.function }] })));
  // Asked for with stream_options.include_usage (the backend does, for its token metrics): a last chunk with no choices.
  const usage = includeUsage ? `data: ${JSON.stringify({ id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, choices: [], usage: completion.usage })}\n\n` : '';
  res.end(`${chunk({}, finishReason)}${usage}data: [DONE]\n\n`);
}

/**
 * Listens on 127.0.0.1 and a free port by default. The deploy e2e runs this same file in a pod (Node strips
 * the types) with `{ host: '0.0.0.0', port: 443 }`, so it must stay free of TypeScript-only runtime syntax.
 */
export async function startScriptedLlm({ host = '127.0.0.1', port: wanted = 0 }: { host?: string; port?: number } = {}): Promise<ScriptedLlm> {
  const state = { requests: [] as unknown[], delayMs: 0, wordDelayMs: 0, open: 0, abandoned: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
      state.requests.push({ path: req.url, headers: req.headers, body });
      const answer = req.url?.endsWith('/chat/completions')
        ? chatCompletion(body)
        : req.url?.endsWith('/responses')
          ? response(body)
          : null;
      state.open++;
      res.on('close', () => {
        state.open--;
        if (!res.writableFinished && !sentInFull.has(res)) state.abandoned++;
      });
      setTimeout(() => {
        if (answer && 'choices' in answer && body.stream === true) return void streamCompletion(res, answer, state.wordDelayMs, body.stream_options?.include_usage === true);
        res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer ?? { error: { message: `scripted provider has no ${req.url}` } }));
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(wanted, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get wordDelayMs() {
      return state.wordDelayMs;
    },
    set wordDelayMs(value: number) {
      state.wordDelayMs = value;
    },
    get open() {
      return state.open;
    },
    get abandoned() {
      return state.abandoned;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
