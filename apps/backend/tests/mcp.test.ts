import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { FastifyInstance } from 'fastify';
import { signUp, testApp, type Account } from './support/app';
import { callTool as call, mcpClient } from './support/mcp';

describe('MCP server over Streamable HTTP at /mcp', () => {
  let app: FastifyInstance;
  let base: string;
  let alice: Account;
  let bob: Account;
  let client: Client;

  const connect = (account: Account) => mcpClient(base, account);

  beforeAll(async () => {
    app = await testApp({});
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    [alice, bob] = await Promise.all([signUp(app, 'Alice'), signUp(app, 'Bob')]);
    client = await connect(alice);
  });
  afterAll(async () => {
    await client?.close();
    await app.close();
  });

  it('lists the five task tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task']);
    const add = tools.find((t) => t.name === 'add_task');
    expect(add?.inputSchema.required).toEqual(['title']);
  });

  it('manages the token user\'s tasks with each tool', async () => {
    const added = await call(client, 'add_task', { title: 'write report', description: 'quarterly' });
    const id = Number(/#(\d+)/.exec(added.content[0].text)?.[1]);
    expect(added.content[0].text).toBe(`✅ Created task #${id}: 'write report'`);
    expect((await call(client, 'list_tasks', {})).content[0].text).toBe(`📋 All tasks (1):\n⬜ #${id}: write report - quarterly`);
    expect((await call(client, 'update_task', { task_id: id, title: 'write the report' })).content[0].text).toBe(
      `✏️ Updated task #${id}: 'write the report'`,
    );
    expect((await call(client, 'complete_task', { task_id: id })).content[0].text).toBe(
      `✅ Marked task #${id} as completed: 'write the report'`,
    );
    expect((await call(client, 'list_tasks', { status: 'completed' })).content[0].text).toContain(`✅ #${id}: write the report`);
    const rest = await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks`, headers: alice.auth });
    expect(rest.json().tasks).toEqual([expect.objectContaining({ id, title: 'write the report', description: 'quarterly', completed: true })]);
    expect((await call(client, 'delete_task', { task_id: id })).content[0].text).toBe(`🗑️ Deleted task #${id}`);
    expect((await call(client, 'list_tasks', {})).content[0].text).toBe('📋 No tasks found.');
  });

  it("does not see or change another user's task", async () => {
    const bobs = await app.inject({ method: 'POST', url: `/api/${bob.id}/tasks`, headers: bob.auth, payload: { title: 'bob secret' } });
    const id = bobs.json().id;
    const result = await call(client, 'complete_task', { task_id: id });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toBe(`❌ Task #${id} not found or doesn't belong to you`);
    expect((await call(client, 'delete_task', { task_id: id })).isError).toBe(true);
    expect((await call(client, 'list_tasks', {})).content[0].text).not.toContain('bob secret');
    const bobClient = await connect(bob);
    expect((await call(bobClient, 'list_tasks', {})).content[0].text).toContain(`⬜ #${id}: bob secret`);
    await bobClient.close();
  });

  it('reports invalid tool input as a tool error', async () => {
    const result = await call(client, 'add_task', { title: '' });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/^❌ Failed to create task/);
  });

  it('refuses requests without a valid Bearer token with 401', async () => {
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const missing = await fetch(`${base}/mcp`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const forged = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...headers, authorization: 'Bearer nope' }, body: JSON.stringify(body) });
    expect(forged.status).toBe(401);
  });
});
