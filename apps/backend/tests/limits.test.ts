import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { edgesOf } from '@todo/api-contract/edges';
import type { FastifyInstance } from 'fastify';
import { signUp, testApp, type Account } from './support/app';
import { callTool, mcpClient, type TextResult } from './support/mcp';

/**
 * Every limit's edges (libs/api-contract's table) through REST and through the MCP tools: each accepts
 * exactly what the table calls valid. The frontend's checks run the same table (apps/frontend/specs),
 * and the contract's own schemas too, so all of them agree.
 */
describe('the limits at their edges, through REST and MCP', () => {
  let app: FastifyInstance;
  let alice: Account;
  let mcp: Client;
  let taskId: number;

  const rest = (method: 'POST' | 'PUT', path: string, payload: object) =>
    app.inject({ method, url: `/api/${alice.id}${path}`, headers: alice.auth, payload });
  const tool = (name: string, args: Record<string, unknown>) => callTool(mcp, name, args);
  const stored = async (id: number) => (await app.inject({ method: 'GET', url: `/api/${alice.id}/tasks/${id}`, headers: alice.auth })).json();
  const createdId = (result: TextResult) => Number(/#(\d+)/.exec(result.content[0].text)?.[1]);

  beforeAll(async () => {
    app = await testApp({});
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    alice = await signUp(app, 'Alice');
    mcp = await mcpClient(base, alice);
    taskId = (await rest('POST', '/tasks', { title: 'the task edited below', description: 'kept' })).json().id;
  });
  afterAll(async () => {
    await mcp?.close();
    await app?.close();
  });

  describe.each(['title', 'description'] as const)('a task %s', (field) => {
    const withField = (value: string) => (field === 'title' ? { title: value } : { title: 'with a description', description: value });

    it.each(edgesOf(field).map((edge) => [edge.label, edge] as const))('%s: REST create and update', async (_label, edge) => {
      const created = await rest('POST', '/tasks', withField(edge.value));
      expect(created.statusCode, created.body).toBe(edge.valid ? 201 : 422);
      if (edge.valid) expect(created.json()[field]).toBe(edge.value);
      const updated = await rest('PUT', `/tasks/${taskId}`, { [field]: edge.value });
      expect(updated.statusCode, updated.body).toBe(edge.valid ? 200 : 422);
      if (!edge.valid) expect(updated.json().detail[0].loc).toEqual(['body', field]);
    });

    it.each(edgesOf(field).map((edge) => [edge.label, edge] as const))('%s: MCP add_task and update_task', async (_label, edge) => {
      const added = await tool('add_task', withField(edge.value));
      expect(added.isError ?? false, added.content[0].text).toBe(!edge.valid);
      if (edge.valid) expect((await stored(createdId(added)))[field]).toBe(edge.value);
      else expect(added.content[0].text).toMatch(new RegExp(`^❌ Failed to create task: ${field}: `));
      // an empty description clears it in update_task (checked below), so it is no edge there
      if (field === 'description' && edge.value === '') return;
      const updated = await tool('update_task', { task_id: taskId, [field]: edge.value });
      expect(updated.isError ?? false, updated.content[0].text).toBe(!edge.valid);
    });
  });

  it('clears a description: REST with null, MCP with an empty string', async () => {
    await rest('PUT', `/tasks/${taskId}`, { description: 'to be cleared' });
    expect((await rest('PUT', `/tasks/${taskId}`, { description: null })).json().description).toBeNull();
    await rest('PUT', `/tasks/${taskId}`, { description: 'to be cleared again' });
    const cleared = await tool('update_task', { task_id: taskId, description: '' });
    expect(cleared.isError ?? false, cleared.content[0].text).toBe(false);
    expect((await stored(taskId)).description).toBeNull();
    // null is "not given" for a model's strict function call: it leaves the description as it is
    await rest('PUT', `/tasks/${taskId}`, { description: 'kept' });
    await tool('update_task', { task_id: taskId, title: 'renamed', description: null });
    expect(await stored(taskId)).toMatchObject({ title: 'renamed', description: 'kept' });
  });

  it.each(edgesOf('chatMessage').map((edge) => [edge.label, edge] as const))('a chat message, %s: REST', async (_label, edge) => {
    // no LLM is configured here: a valid message gets past validation to the 503 that says so
    const answer = await rest('POST', '/chat', { message: edge.value });
    expect(answer.statusCode, answer.body).toBe(edge.valid ? 503 : 422);
  });

  it.each([...edgesOf('name'), ...edgesOf('password')].map((edge) => [edge.field, edge.label, edge] as const))(
    'a %s, %s: REST register',
    async (field, _label, edge) => {
      const account = { name: 'Someone', email: `edge-${Math.random().toString(36).slice(2)}@example.com`, password: 'long enough', [field]: edge.value };
      const answer = await app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
      expect(answer.statusCode, answer.body).toBe(edge.valid ? 201 : 422);
    },
  );
});
