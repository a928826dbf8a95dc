import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

// A scripted OpenAI-compatible chat-completions server on 127.0.0.1: the only fake in the suites
// (we do not own the LLM provider). Each request takes the next scripted answer; unscripted
// requests get a 500 so a test never silently talks to a model it did not plan for. Requests with
// `stream: true` (the backend sends only those) get the answer as server-sent chunks, text word by word.

export interface ChatRequest {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages: { role: string; content?: unknown; tool_calls?: { function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  tools?: { function: { name: string; parameters?: unknown } }[];
}

interface ScriptedMessage {
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

export interface Answer {
  status: number;
  /** A completion's message (200) or an error body. */
  message?: ScriptedMessage;
  error?: unknown;
  /** Sent as is with status 200 instead of a completion (a malformed reply). */
  raw?: string;
  /** Wait before the response starts. */
  delayMs?: number;
  /** Wait between streamed chunks (the words of the text). */
  chunkDelayMs?: number;
  /** Never answer (until the client gives up). */
  hang?: boolean;
}

let callCounter = 0;

export const reply = (text: string, timing: Pick<Answer, 'delayMs' | 'chunkDelayMs'> = {}): Answer => ({
  status: 200,
  message: { content: text },
  ...timing,
});
/** A call of `name`; a string is sent as the raw argument text (bad JSON, oversized). */
export const callTool = (name: string, args: Record<string, unknown> | string, timing: Pick<Answer, 'delayMs'> = {}): Answer => ({
  status: 200,
  message: {
    content: null,
    tool_calls: [{ id: `call_${++callCounter}`, type: 'function', function: { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) } }],
  },
  ...timing,
});
export const providerError = (status = 500): Answer => ({ status, error: { error: { message: 'upstream exploded', type: 'server_error' } } });
/** A 200 whose body is no completion at all. */
export const malformedReply = (): Answer => ({ status: 200, raw: '{"unexpected":"shape"}' });
export const hang = (): Answer => ({ status: 200, hang: true });

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({
    id: `chatcmpl-${callCounter}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: 'scripted',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  })}\n\n`;

/** The scripted provider reports 1 prompt and 1 completion token per answer. */
const USAGE = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Answers written to their end (the client may hang up as soon as it has read the last chunk). */
const sentInFull = new WeakSet<ServerResponse>();

async function streamCompletion(res: ServerResponse, message: ScriptedMessage, chunkDelayMs: number, includeUsage: boolean): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(chunk({ role: 'assistant', content: '' }));
  for (const word of (message.content ?? '').match(/\S+\s*/g) ?? []) {
    if (chunkDelayMs) await sleep(chunkDelayMs);
    if (res.destroyed) return;
    res.write(chunk({ content: word }));
  }
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    res.write(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: call.function }] }));
  }
  if (res.destroyed) return;
  sentInFull.add(res);
  res.write(chunk({}, message.tool_calls ? 'tool_calls' : 'stop'));
  // Asked for with stream_options.include_usage, as OpenAI sends it: a last chunk with no choices.
  if (includeUsage) res.write(`data: ${JSON.stringify({ id: `chatcmpl-${callCounter}`, object: 'chat.completion.chunk', choices: [], usage: USAGE })}\n\n`);
  res.end('data: [DONE]\n\n');
}

function sendCompletion(res: ServerResponse, message: ScriptedMessage): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      id: `chatcmpl-${++callCounter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'scripted',
      choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
      usage: USAGE,
    }),
  );
}

async function answer(res: ServerResponse, scripted: Answer, request: ChatRequest): Promise<void> {
  if (scripted.hang) return;
  if (scripted.delayMs) await sleep(scripted.delayMs);
  if (res.destroyed) return;
  if (scripted.raw !== undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end(scripted.raw);
  if (scripted.status !== 200 || !scripted.message) {
    return void res.writeHead(scripted.status, { 'content-type': 'application/json' }).end(JSON.stringify(scripted.error ?? {}));
  }
  if (request.stream === true) {
    return streamCompletion(res, scripted.message, scripted.chunkDelayMs ?? 0, request.stream_options?.include_usage === true);
  }
  sendCompletion(res, scripted.message);
}

export interface FakeLlm {
  baseURL: string;
  requests: ChatRequest[];
  /** Requests whose client went away before the answer was complete (a timeout, a stopped turn). */
  abandoned: number;
  /** Answers being sent right now (a streamed reply not yet finished). */
  open: number;
  /** The headers of each request, in order (request id and trace context arrive here). */
  headers: IncomingHttpHeaders[];
  script(...answers: Answer[]): void;
  /** Answers used for every request once the script is empty (a load test's endless slow model). */
  setDefault(answer: Answer | undefined): void;
  /** Forgets the requests, the script and the default (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: Answer[] = [];
  const requests: ChatRequest[] = [];
  const sockets = new Set<Socket>();
  let fallback: Answer | undefined;
  const fake = { abandoned: 0, open: 0 };
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (data) => (raw += data));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(raw) as ChatRequest;
      requests.push(request);
      headers.push(req.headers);
      fake.open++;
      res.on('close', () => {
        fake.open--;
        if (!res.writableFinished && !sentInFull.has(res)) fake.abandoned++;
      });
      void answer(res, queue.shift() ?? fallback ?? providerError(500), request);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    script: (...answers: Answer[]) => void queue.push(...answers),
    setDefault: (answer: Answer | undefined) => void (fallback = answer),
    reset: () => {
      requests.length = 0;
      headers.length = 0;
      queue.length = 0;
      fallback = undefined;
      fake.abandoned = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}
