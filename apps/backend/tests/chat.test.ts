import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app';
import type { Database } from '../src/db/client';
import { openDatabase } from '../src/db/client';
import { engines, openTestDatabase, pgliteTemplate } from './support/databases';
import { signUp, testApp, testConfig, type Account } from './support/app';
import { callTool, providerError, reply, startFakeLlm, type ChatRequest, type FakeLlm } from './support/fake-llm';

const toolMessages = (request: ChatRequest) => request.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));

describe.each(engines)('AI chat against a scripted OpenAI-compatible server (%s)', (engine) => {
  let llm: FakeLlm;
  let app: FastifyInstance;
  let database: Database;
  let dispose: () => Promise<void>;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    llm = await startFakeLlm();
    ({ database, dispose } = await openTestDatabase(engine));
    app = await testApp({ database, agent: undefined }, { llm: { apiKey: 'test-key', baseURL: llm.baseURL, model: 'scripted-model' } });
    [alice, bob] = await Promise.all([signUp(app, 'Alice'), signUp(app, 'Bob')]);
  });
  afterAll(async () => {
    await app.close();
    await dispose();
    await llm.close();
  });
  beforeEach(() => {
    llm.requests.length = 0;
  });

  const chat = (account: Account, message: string) =>
    app.inject({ method: 'POST', url: `/api/${account.id}/chat`, headers: account.auth, payload: { message } });
  const tasksOf = async (account: Account) =>
    (await app.inject({ method: 'GET', url: `/api/${account.id}/tasks`, headers: account.auth })).json().tasks as {
      id: number;
      title: string;
      description: string | null;
      completed: boolean;
    }[];
  const history = async (account: Account) =>
    (await app.inject({ method: 'GET', url: `/api/${account.id}/conversations/history`, headers: account.auth })).json();

  it('adds a task through the add_task tool and reports the real tool call', async () => {
    llm.script(callTool('add_task', { title: 'buy milk', description: null }), reply('Added "buy milk" ✅'));
    const res = await chat(alice, 'add task buy milk');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ conversation_id: `user_${alice.id}`, response: 'Added "buy milk" ✅', tool_calls: ['add_task'] });
    const [task] = await tasksOf(alice);
    expect(task).toMatchObject({ title: 'buy milk', description: null, completed: false });
    expect(toolMessages(llm.requests[1])).toEqual([`✅ Created task #${task.id}: 'buy milk'`]);
    expect(llm.requests[0].model).toBe('scripted-model');
    expect(llm.requests[0].tools?.map((t) => t.function.name).sort()).toEqual(
      ['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task'],
    );
  });

  it('sends the earlier turns to the model, so a follow-up works', async () => {
    llm.script(callTool('add_task', { title: 'bread', description: null }), reply('Added bread too.'));
    const res = await chat(alice, 'also add bread');
    expect(res.json().tool_calls).toEqual(['add_task']);
    const sent = llm.requests[0].messages.map((m) => [m.role, typeof m.content === 'string' ? m.content : JSON.stringify(m.content)]);
    expect(sent[0][0]).toBe('system');
    expect(sent.slice(1)).toEqual([
      ['user', 'add task buy milk'],
      ['assistant', 'Added "buy milk" ✅'],
      ['user', 'also add bread'],
    ]);
    expect((await tasksOf(alice)).map((t) => t.title)).toEqual(['bread', 'buy milk']);
  });

  it('lists, completes, updates and deletes tasks with the other four tools', async () => {
    const [bread, milk] = await tasksOf(alice);
    llm.script(
      callTool('list_tasks', { status: 'pending' }),
      callTool('complete_task', { task_id: milk.id }),
      callTool('update_task', { task_id: bread.id, title: 'wholemeal bread', description: 'from the bakery' }),
      callTool('delete_task', { task_id: milk.id }),
      reply('All done.'),
    );
    const res = await chat(alice, 'tidy up my list');
    expect(res.statusCode).toBe(200);
    expect(res.json().tool_calls).toEqual(['list_tasks', 'complete_task', 'update_task', 'delete_task']);
    expect(toolMessages(llm.requests[4])).toEqual([
      `📋 Pending tasks (2):\n⬜ #${bread.id}: bread\n⬜ #${milk.id}: buy milk`,
      `✅ Marked task #${milk.id} as completed: 'buy milk'`,
      `✏️ Updated task #${bread.id}: 'wholemeal bread'`,
      `🗑️ Deleted task #${milk.id}`,
    ]);
    expect(await tasksOf(alice)).toEqual([
      expect.objectContaining({ id: bread.id, title: 'wholemeal bread', description: 'from the bakery', completed: false }),
    ]);
  });

  it("cannot touch another user's task through the tools", async () => {
    const bobs = await app.inject({ method: 'POST', url: `/api/${bob.id}/tasks`, headers: bob.auth, payload: { title: 'bob private' } });
    const id = bobs.json().id;
    llm.script(callTool('delete_task', { task_id: id }), callTool('list_tasks', {}), reply('Could not find it.'));
    await chat(alice, `delete task ${id}`);
    expect(toolMessages(llm.requests[2])[0]).toBe(`❌ Task #${id} not found or doesn't belong to you`);
    expect(toolMessages(llm.requests[2])[1]).not.toContain('bob private');
    expect((await tasksOf(bob)).map((t) => t.title)).toEqual(['bob private']);
  });

  it('answers 502 when the provider fails and writes nothing, not even the tools\' changes', async () => {
    const before = await history(alice);
    llm.script(callTool('add_task', { title: 'ghost task', description: null }), providerError(500), providerError(500));
    const res = await chat(alice, 'add ghost task');
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ detail: expect.any(String) });
    expect(res.body).not.toContain('upstream exploded');
    expect((await tasksOf(alice)).map((t) => t.title)).not.toContain('ghost task');
    expect(await history(alice)).toEqual(before);
  });

  it('returns the stored history oldest first with ids and UTC timestamps, and clears it', async () => {
    const body = await history(alice);
    expect(body.conversation_id).toBe(`user_${alice.id}`);
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(body.messages[0]).toEqual({ role: 'user', content: 'add task buy milk', id: expect.any(Number), created_at: expect.stringMatching(/Z$/) });
    expect((await history(bob)).messages).toEqual([]);
    const cleared = await app.inject({ method: 'DELETE', url: `/api/${alice.id}/conversations/clear`, headers: alice.auth });
    expect(cleared.json()).toEqual({ message: 'Conversation history cleared successfully' });
    expect((await history(alice)).messages).toEqual([]);
  });

  it('rejects an empty or 2001-character message with 422 and accepts exactly 2000', async () => {
    expect((await chat(alice, '')).statusCode).toBe(422);
    const long = await chat(alice, 'x'.repeat(2001));
    expect(long.json().detail).toEqual([expect.objectContaining({ loc: ['body', 'message'], type: 'string_too_long' })]);
    llm.script(reply('ok'));
    expect((await chat(alice, 'x'.repeat(2000))).statusCode).toBe(200);
  });

  it("answers 404 for another user's chat path", async () => {
    const res = await app.inject({ method: 'POST', url: `/api/${bob.id}/chat`, headers: alice.auth, payload: { message: 'hi' } });
    expect(res.statusCode).toBe(404);
  });
});

describe('AI chat without a configured provider', () => {
  let app: FastifyInstance;
  let alice: Account;
  beforeAll(async () => {
    app = await testApp({ agent: null });
    alice = await signUp(app);
  });
  afterAll(() => app.close());

  it('answers 503 with a plain message while tasks and history keep working', async () => {
    const res = await app.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message: 'hi' } });
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toMatch(/not configured/);
    const history = await app.inject({ method: 'GET', url: `/api/${alice.id}/conversations/history`, headers: alice.auth });
    expect(history.json().messages).toEqual([]);
    const task = await app.inject({ method: 'POST', url: `/api/${alice.id}/tasks`, headers: alice.auth, payload: { title: 't' } });
    expect(task.statusCode).toBe(201);
  });
});

describe('chat history across a restart (PGlite data directory)', () => {
  let llm: FakeLlm;
  let dataDir: string;
  beforeAll(async () => {
    llm = await startFakeLlm();
    dataDir = mkdtempSync(join(tmpdir(), 'todo-restart-'));
  });
  afterAll(async () => {
    await llm.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the conversation and sends it to the model after the app restarts', async () => {
    const config = testConfig({ pgliteDataDir: dataDir, llm: { apiKey: 'k', baseURL: llm.baseURL, model: 'm' } });
    // Seed the data directory from the initdb template; the app then opens and migrates it itself.
    const seeded = await openDatabase({ pgliteDataDir: dataDir, pgliteTemplate: await pgliteTemplate() });
    await seeded.close();
    const first = await buildApp(config);
    const alice = await signUp(first);
    llm.script(reply('Hello Alice!'));
    await first.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message: 'my name is Alice' } });
    await first.close();

    const second = await buildApp(config);
    try {
      llm.requests.length = 0;
      llm.script(reply('You are Alice.'));
      const res = await second.inject({ method: 'POST', url: `/api/${alice.id}/chat`, headers: alice.auth, payload: { message: 'who am I?' } });
      expect(res.json().response).toBe('You are Alice.');
      expect(llm.requests[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      const history = await second.inject({ method: 'GET', url: `/api/${alice.id}/conversations/history`, headers: alice.auth });
      expect(history.json().messages.map((m: { content: string }) => m.content)).toEqual([
        'my name is Alice',
        'Hello Alice!',
        'who am I?',
        'You are Alice.',
      ]);
    } finally {
      await second.close();
    }
  });
});
