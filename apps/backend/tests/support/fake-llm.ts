import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A scripted OpenAI-compatible chat-completions server on 127.0.0.1: the only fake in the suites
// (we do not own the LLM provider). Each request takes the next scripted answer; unscripted
// requests get a 500 so a test never silently talks to a model it did not plan for.

export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: { function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
}

type Answer = { status: number; body: unknown };

let callCounter = 0;
const completion = (message: Record<string, unknown>, finishReason: string): Answer => ({
  status: 200,
  body: {
    id: `chatcmpl-${++callCounter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'scripted',
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  },
});

export const reply = (text: string): Answer => completion({ role: 'assistant', content: text }, 'stop');
export const callTool = (name: string, args: Record<string, unknown>): Answer =>
  completion(
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: `call_${++callCounter}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
    },
    'tool_calls',
  );
export const providerError = (status = 500): Answer => ({ status, body: { error: { message: 'upstream exploded', type: 'server_error' } } });

export interface FakeLlm {
  baseURL: string;
  requests: ChatRequest[];
  /** The headers of each request, in order (request id and trace context arrive here). */
  headers: IncomingHttpHeaders[];
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: Answer[] = [];
  const requests: ChatRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(raw) as ChatRequest);
      headers.push(req.headers);
      const answer = queue.shift() ?? providerError(500);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    script: (...answers) => void queue.push(...answers),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
