import type { FastifyInstance } from 'fastify';
import { engines, openTestDatabase } from './support/databases';
import { signUp, testApp, type Account } from './support/app';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.each(engines)('task routes (%s)', (engine) => {
  let app: FastifyInstance;
  let dispose: () => Promise<void>;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    const opened = await openTestDatabase(engine);
    dispose = opened.dispose;
    app = await testApp({ database: opened.database });
    [alice, bob] = await Promise.all([signUp(app, 'Alice'), signUp(app, 'Bob')]);
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  const call = (account: Account, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, payload?: unknown) =>
    app.inject({ method, url: `/api/${account.id}${path}`, headers: account.auth, payload: payload as never });
  const create = async (account: Account, payload: Record<string, unknown>) => {
    const res = await call(account, 'POST', '/tasks', payload);
    expect(res.statusCode).toBe(201);
    return res.json();
  };

  it('creates a task with 201, the original field order and RFC 3339 UTC timestamps', async () => {
    const res = await call(alice, 'POST', `/tasks?url_user_id=${alice.id}`, { title: 'Buy milk', description: '2 litres', completed: true });
    expect(res.statusCode).toBe(201);
    expect(Object.keys(res.json())).toEqual(['title', 'description', 'id', 'user_id', 'completed', 'created_at', 'updated_at']);
    expect(res.json()).toMatchObject({ title: 'Buy milk', description: '2 litres', user_id: alice.id, completed: false });
    expect(res.json().created_at).toMatch(RFC3339_UTC);
    expect(res.json().created_at).toBe(res.json().updated_at);
    expect(Math.abs(Date.parse(res.json().created_at) - Date.now())).toBeLessThan(60_000);
  });

  it('lists only the caller\'s tasks, newest first', async () => {
    await create(alice, { title: 'first' });
    await create(alice, { title: 'second' });
    await create(bob, { title: 'bob only' });
    const res = await call(alice, 'GET', '/tasks');
    expect(res.statusCode).toBe(200);
    const titles = res.json().tasks.map((t: { title: string }) => t.title);
    expect(titles.slice(0, 2)).toEqual(['second', 'first']);
    expect(titles).not.toContain('bob only');
  });

  it('gets one task and answers 404 Task not found for another user\'s or a missing task', async () => {
    const mine = await create(alice, { title: 'mine' });
    const theirs = await create(bob, { title: 'theirs' });
    expect((await call(alice, 'GET', `/tasks/${mine.id}`)).json()).toEqual(mine);
    for (const id of [theirs.id, 2147483647]) {
      const res = await call(alice, 'GET', `/tasks/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Task not found' });
    }
    for (const [method, payload] of [['PUT', { title: 'x' }], ['PATCH', { completed: true }], ['DELETE', undefined]] as const) {
      const path = method === 'PATCH' ? `/tasks/${theirs.id}/complete` : `/tasks/${theirs.id}`;
      expect((await call(alice, method, path, payload)).statusCode).toBe(404);
    }
    expect((await call(bob, 'GET', `/tasks/${theirs.id}`)).json().title).toBe('theirs');
  });

  it('answers 404 Not found when the path names another user', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/${bob.id}/tasks`, headers: alice.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'Not found' });
  });

  it('accepts the path user id in upper case', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/${alice.id.toUpperCase()}/tasks`, headers: alice.auth });
    expect(res.statusCode).toBe(200);
  });

  it('updates with PUT: absent fields stay, null clears the description, updated_at moves', async () => {
    const task = await create(alice, { title: 'old', description: 'keep me' });
    await new Promise((r) => setTimeout(r, 5));
    const renamed = (await call(alice, 'PUT', `/tasks/${task.id}`, { title: 'new' })).json();
    expect(renamed).toMatchObject({ title: 'new', description: 'keep me' });
    expect(Date.parse(renamed.updated_at)).toBeGreaterThan(Date.parse(task.updated_at));
    const cleared = (await call(alice, 'PUT', `/tasks/${task.id}`, { description: null })).json();
    expect(cleared).toMatchObject({ title: 'new', description: null });
    const untouched = await call(alice, 'PUT', `/tasks/${task.id}`, { title: null });
    expect(untouched.json()).toMatchObject({ title: 'new', description: null });
    expect((await call(alice, 'PUT', `/tasks/${task.id}`, {})).statusCode).toBe(200);
  });

  it('completes and reopens with PATCH, bumping updated_at', async () => {
    const task = await create(alice, { title: 'finish me' });
    await new Promise((r) => setTimeout(r, 5));
    const done = await call(alice, 'PATCH', `/tasks/${task.id}/complete?url_user_id=${alice.id}`, { completed: true });
    expect(done.statusCode).toBe(200);
    expect(done.json().completed).toBe(true);
    expect(Date.parse(done.json().updated_at)).toBeGreaterThan(Date.parse(task.updated_at));
    expect((await call(alice, 'PATCH', `/tasks/${task.id}/complete`, { completed: false })).json().completed).toBe(false);
  });

  it('deletes with 204 and an empty body, then the task is gone', async () => {
    const task = await create(alice, { title: 'delete me' });
    const res = await call(alice, 'DELETE', `/tasks/${task.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await call(alice, 'GET', `/tasks/${task.id}`)).statusCode).toBe(404);
    expect((await call(alice, 'DELETE', `/tasks/${task.id}`)).statusCode).toBe(404);
  });

  it.each([
    ['an empty title', { title: '' }, ['body', 'title'], 'string_too_short'],
    ['a 201-character title', { title: 't'.repeat(201) }, ['body', 'title'], 'string_too_long'],
    ['a 1001-character description', { title: 'ok', description: 'd'.repeat(1001) }, ['body', 'description'], 'string_too_long'],
    ['no title', { description: 'x' }, ['body', 'title'], 'missing'],
    ['a numeric title', { title: 42 }, ['body', 'title'], 'string_type'],
  ])('rejects a new task with %s as 422', async (_case, payload, loc, type) => {
    const res = await call(alice, 'POST', '/tasks', payload);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContainEqual(expect.objectContaining({ loc, type }));
  });

  it('accepts titles of exactly 200 and descriptions of exactly 1000 characters, unicode included', async () => {
    const title = '✓'.repeat(199) + 'é';
    const task = await create(alice, { title, description: '日'.repeat(1000) });
    expect(task.title).toBe(title);
    expect(task.description).toHaveLength(1000);
  });

  it('reports every invalid field at once', async () => {
    const res = await call(alice, 'POST', '/tasks', { title: '', description: 'd'.repeat(1001) });
    expect(res.json().detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(['body.title', 'body.description']);
  });

  it('rejects a non-integer task id and a non-UUID user id with 422 naming the path parameter', async () => {
    const badTask = await call(alice, 'GET', '/tasks/abc');
    expect(badTask.statusCode).toBe(422);
    expect(badTask.json().detail).toEqual([expect.objectContaining({ loc: ['path', 'task_id'], type: 'int_parsing' })]);
    const badUser = await app.inject({ method: 'GET', url: '/api/not-a-uuid/tasks', headers: alice.auth });
    expect(badUser.statusCode).toBe(422);
    expect(badUser.json().detail).toEqual([expect.objectContaining({ loc: ['path', 'user_id'], type: 'uuid_parsing' })]);
  });

  it('checks authentication before validation', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/not-a-uuid/tasks', payload: { title: '' } });
    expect(res.statusCode).toBe(401);
  });
});
