import type { FastifyInstance } from 'fastify';
import { signUp, testApp, type Account } from './support/app';
import { callTool, providerError, reply, startFakeLlm, type FakeLlm } from './support/fake-llm';

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

const parseEvents = (body: string): StreamEvent[] =>
  body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1] ?? '', data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') }));

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads a live event stream, handing each event to `onEvent` as it arrives. */
async function readEvents(response: Response, onEvent: (event: StreamEvent) => void): Promise<void> {
  if (!response.body) throw new Error(`no body (status ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const event of parseEvents(blocks.join('\n\n'))) onEvent(event);
  }
}

describe('chat as server-sent events (Accept: text/event-stream)', () => {
  let llm: FakeLlm;
  let app: FastifyInstance;
  let base: string;
  let alice: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    app = await testApp({ agent: undefined }, { llm: { apiKey: 'k', baseURL: llm.baseURL, model: 'scripted' } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    alice = await signUp(app, 'Alice');
  });
  afterAll(async () => {
    await app.close();
    await llm.close();
  });
  beforeEach(() => llm.reset());

  const streamed = { accept: 'text/event-stream' };
  const titles = async () =>
    ((await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json().tasks as { title: string }[]).map((t) => t.title);
  const historyLength = async () =>
    (await app.inject({ method: 'GET', url: `/api/${alice.id}/conversations/history`, headers: alice.auth })).json().messages.length as number;

  it('streams text deltas, a tool-started and tool-finished event naming the task, then the final event', async () => {
    llm.script(callTool('add_task', { title: 'buy milk' }), reply('Added buy milk for you.'));
    const res = await app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: { ...alice.auth, ...streamed }, payload: { message: 'add buy milk' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(res.body);
    const [task] = (await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json().tasks;
    expect(events.slice(0, 2)).toEqual([
      { event: 'tool-started', data: { tool: 'add_task', task: { title: 'buy milk' } } },
      { event: 'tool-finished', data: { tool: 'add_task', ok: true, task: { id: task.id, title: 'buy milk' } } },
    ]);
    const deltas = events.filter((e) => e.event === 'text').map((e) => e.data.delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Added buy milk for you.');
    expect(events.at(-1)).toEqual({
      event: 'done',
      data: { conversation_id: `user_${alice.id}`, response: 'Added buy milk for you.', tool_calls: ['add_task'] },
    });
  });

  it('sends the first words while the model is still writing the rest', async () => {
    llm.script(reply('one two three four five', { chunkDelayMs: 200 }));
    const response = await fetch(`${base}/api/${alice.id}/chat`, {
      method: 'POST',
      headers: { ...alice.auth, ...streamed, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'count' }),
    });
    let modelStillWriting: boolean | undefined;
    const events: StreamEvent[] = [];
    await readEvents(response, (event) => {
      if (event.event === 'text' && modelStillWriting === undefined) modelStillWriting = llm.open === 1;
      events.push(event);
    });
    expect(modelStillWriting).toBe(true);
    expect(events.at(-1)?.event).toBe('done');
  });

  it('stops calling the model and keeps nothing of the turn when the client goes away (Stop)', async () => {
    const before = await historyLength();
    llm.script(
      callTool('add_task', { title: 'stop me' }),
      reply('this reply is slow and will be cut off before it ends', { chunkDelayMs: 300 }),
      reply('a third call that must never be made'),
    );
    const stop = new AbortController();
    const response = await fetch(`${base}/api/${alice.id}/chat`, {
      method: 'POST',
      headers: { ...alice.auth, ...streamed, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'add stop me' }),
      signal: stop.signal,
    });
    const seen: string[] = [];
    await readEvents(response, (event) => {
      seen.push(event.event);
      if (event.event === 'text') stop.abort();
    }).catch((error: Error) => expect(error.name).toBe('AbortError'));
    expect(seen).toEqual(['tool-started', 'tool-finished', 'text']);
    await eventually(() => llm.abandoned === 1, 'the backend hangs up on the model');
    await eventually(async () => !(await titles()).includes('stop me'), "the stopped turn's task is taken back");
    expect(llm.requests).toHaveLength(2);
    expect(await historyLength()).toBe(before);
  });

  it('ends the stream with an error event when the provider fails', async () => {
    llm.script(providerError(500), providerError(500));
    const res = await app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: { ...alice.auth, ...streamed }, payload: { message: 'hi' } });
    expect(parseEvents(res.body)).toEqual([
      { event: 'error', data: { status: 502, detail: 'The AI provider did not answer. Please try again in a moment.' } },
    ]);
  });

  it('answers JSON as before without the header', async () => {
    llm.script(reply('plain'));
    const res = await app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message: 'hi' } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ conversation_id: `user_${alice.id}`, response: 'plain', tool_calls: [] });
  });
});
