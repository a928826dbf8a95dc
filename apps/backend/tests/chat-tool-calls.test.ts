import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import type { ChatLimits } from '../src/config';
import type { Database } from '../src/db/client';
import { engines, openTestDatabase } from './support/databases';
import { signUp, testApp, type Account } from './support/app';
import { callTool, hang, malformedReply, providerError, reply, startFakeLlm, type ChatRequest, type FakeLlm } from './support/fake-llm';

const toolMessages = (request: ChatRequest) => request.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
/** What must never reach the model, a response or the user: the database's words and the user's id. */
const leaks = (text: string, account: Account) => [/select|update|insert|delete from|where|"tasks"/i, new RegExp(account.id)].filter((re) => re.test(text));

async function chatApp(llm: FakeLlm, database: Database | undefined, chat: Partial<ChatLimits> = {}) {
  const limits: ChatLimits = { llmTimeoutMs: 5000, llmMaxRetries: 1, turnBudgetMs: 10_000, maxAgentTurns: 10, ...chat };
  return testApp({ database, agent: undefined }, { llm: { apiKey: 'test-key', baseURL: llm.baseURL, model: 'scripted' }, chat: limits });
}

describe.each(engines)('chat with a model that calls tools badly (%s)', (engine) => {
  let llm: FakeLlm;
  let app: FastifyInstance;
  let dispose: () => Promise<void>;
  let alice: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    const opened = await openTestDatabase(engine);
    dispose = opened.dispose;
    app = await chatApp(llm, opened.database);
    alice = await signUp(app, 'Alice');
  });
  afterAll(async () => {
    await app.close();
    await dispose();
    await llm.close();
  });
  beforeEach(() => llm.reset());

  const chat = (message: string) => app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message } });
  const titles = async () =>
    ((await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json().tasks as { title: string }[]).map((t) => t.title);

  it('answers invalid JSON arguments with a tool error, lets the model correct itself and lists only the call that ran', async () => {
    llm.script(callTool('add_task', '{"title": "buy milk"'), callTool('add_task', { title: 'buy milk' }), reply('Added buy milk.'));
    const res = await chat('add buy milk');
    expect(res.statusCode).toBe(200);
    expect(res.json().tool_calls).toEqual(['add_task']);
    expect(toolMessages(llm.requests[1])).toEqual(['❌ add_task was not run: its arguments are not valid JSON; send a JSON object']);
    expect(await titles()).toEqual(['buy milk']);
  });

  it('answers an unknown tool and schema-invalid arguments with tool errors, not a 502', async () => {
    llm.script(callTool('drop_tables', {}), callTool('add_task', { title: 42 }), callTool('update_task', { task_id: 'one' }), reply('Sorry.'));
    const res = await chat('do something odd');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ response: 'Sorry.', tool_calls: [] });
    const [unknown, badTitle, badId] = toolMessages(llm.requests[3]);
    expect(unknown).toBe('❌ There is no tool named "drop_tables"; the tools are add_task, list_tasks, complete_task, delete_task, update_task');
    expect(badTitle).toMatch(/^❌ add_task was not run: invalid arguments: .*title/);
    expect(badId).toMatch(/^❌ update_task was not run: invalid arguments: .*task_id/);
  });

  it('refuses oversized arguments without running the tool', async () => {
    llm.script(callTool('add_task', { title: 'x'.repeat(20_000) }), reply('Too long.'));
    const res = await chat('add a huge task');
    expect(res.json().tool_calls).toEqual([]);
    expect(toolMessages(llm.requests[1])[0]).toMatch(/^❌ add_task was not run: its arguments are longer than 16384 characters$/);
  });

  it('answers an out-of-range task id with a tool error that holds no SQL and no user id', async () => {
    llm.script(callTool('complete_task', { task_id: 2147483648 }), reply('That id does not exist.'));
    const res = await chat('complete task 2147483648');
    expect(res.statusCode).toBe(200);
    expect(res.json().tool_calls).toEqual([]);
    const [result] = toolMessages(llm.requests[1]);
    // Refused by the task id's schema (a 32-bit integer, as REST checks it) before any SQL runs.
    expect(result).toMatch(/^❌ complete_task was not run: invalid arguments: .*task_id/);
    expect(leaks(result, alice)).toEqual([]);
    expect(leaks(res.json().response, alice)).toEqual([]);
  });

  it('answers a malformed 200 reply from the provider with 502 after one call', async () => {
    llm.script(malformedReply(), malformedReply(), malformedReply());
    const res = await chat('hello');
    expect(res.statusCode).toBe(502);
    expect(llm.requests.length).toBeLessThanOrEqual(2);
    expect(res.json()).toEqual({ detail: 'The AI provider did not answer. Please try again in a moment.' });
  });

  it('undoes every change of a turn whose provider fails after the tools ran', async () => {
    const [milk] = (await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json().tasks;
    llm.script(
      callTool('update_task', { task_id: milk.id, title: 'oat milk' }),
      callTool('complete_task', { task_id: milk.id }),
      callTool('add_task', { title: 'ghost' }),
      callTool('delete_task', { task_id: milk.id }),
      providerError(500),
      providerError(500),
    );
    const before = (await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json();
    expect((await chat('rework my list')).statusCode).toBe(502);
    expect((await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth })).json()).toEqual(before);
  });
});

describe('chat turn limits (timeouts, retries, agent turns)', () => {
  let llm: FakeLlm;
  let app: FastifyInstance;
  let alice: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    app = await chatApp(llm, undefined, { llmTimeoutMs: 1000, llmMaxRetries: 1, turnBudgetMs: 2500, maxAgentTurns: 3 });
    alice = await signUp(app, 'Alice');
  });
  afterAll(async () => {
    await app.close();
    await llm.close();
  });
  beforeEach(() => llm.reset());
  const chat = (message: string) => app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message } });

  it('gives up on a hanging provider after LLM_TIMEOUT_MS and LLM_MAX_RETRIES with 504, writing nothing', async () => {
    llm.script(hang(), hang());
    const res = await chat('hello?');
    expect(res.statusCode).toBe(504);
    expect(res.json().detail).toMatch(/took too long/);
    expect(llm.requests).toHaveLength(2);
    const history = await app.inject({ method: 'GET', url: `/api/${alice.id}/conversations/history`, headers: alice.auth });
    expect(history.json().messages).toEqual([]);
  });

  it('retries a provider error once, then answers', async () => {
    llm.script(providerError(503), reply('Hi!'));
    const res = await chat('hello');
    expect(res.json().response).toBe('Hi!');
    expect(llm.requests).toHaveLength(2);
  });

  it('stops a turn whose model keeps calling tools after CHAT_MAX_AGENT_TURNS calls, undoing its changes', async () => {
    llm.setDefault(callTool('add_task', { title: 'again' }));
    const res = await chat('loop forever');
    expect(res.statusCode).toBe(502);
    expect(res.json().detail).toMatch(/too many steps/);
    expect(llm.requests).toHaveLength(3);
    const tasks = await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth });
    expect(tasks.json().tasks).toEqual([]);
  });

  it('ends a turn at CHAT_TURN_BUDGET_MS even when every call is within LLM_TIMEOUT_MS', async () => {
    llm.setDefault(callTool('list_tasks', {}, { delayMs: 900 }));
    const res = await chat('slowly');
    expect(res.statusCode).toBe(504);
    expect(llm.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('MCP tools with an out-of-range id', () => {
  it('return a tool error without SQL or the user id', async () => {
    const app = await testApp({});
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const alice = await signUp(app, 'Alice');
      const client = new Client({ name: 'range-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: alice.auth } }));
      const result = (await client.callTool({ name: 'complete_task', arguments: { task_id: 2147483648 } })) as {
        content: { text: string }[];
        isError?: boolean;
      };
      await client.close();
      expect(result.isError).toBe(true);
      expect(leaks(result.content[0].text, alice)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
