import { expect } from 'vitest';
import { BrowserClient, steadyStream, type Task, type TaskList } from './browser-client.js';
import { say, waitFor } from './cluster.js';
import { sleep } from './steps.js';

export interface User {
  name: string;
  email: string;
  password: string;
}

export const newUser = (label: string): User => ({ name: 'Cluster User', email: `${label}-${Date.now()}@example.com`, password: 'correct horse battery' });

/** The titles the journey leaves in the user's task list. */
export const JOURNEY_TASKS = ['Deployed task, edited', 'Kept task', 'Water the cluster plants'];

/**
 * A user's flows through the frontend only, as a browser: /ready, /health, /, register, log in (cookie session),
 * the task page, create / edit / complete / delete tasks, and a chat turn "add task …" that the scripted model
 * answers with the add_task tool (it must be running). Resolves to the task list it leaves (JOURNEY_TASKS).
 */
export async function userJourney(browser: BrowserClient, user: User): Promise<Task[]> {
  await waitFor(`${browser.origin}/ready answering 200`, async () => ((await browser.get('/ready')).status === 200 ? true : undefined), { timeoutMs: 60_000 });
  expect((await browser.get('/health')).status).toBe(200);
  const home = await browser.get('/');
  expect(home.status).toBe(200);
  expect(home.text).toContain('<html');

  expect((await browser.post('/api/auth/register', user)).status).toBe(201);
  const login = await browser.post<{ user: { email: string } }>('/api/auth/login', { email: user.email, password: user.password });
  expect(login.status).toBe(200);
  expect(login.body.user.email).toBe(user.email);
  expect((await browser.get('/tasks')).status, 'the task page renders for a signed-in user').toBe(200);

  const created = await browser.post<Task>('/api/tasks', { title: 'Deployed task', description: 'made through the frontend' });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const edited = await browser.put<Task>(`/api/tasks/${id}`, { title: 'Deployed task, edited', description: 'still here' });
  expect(edited.status).toBe(200);
  expect(edited.body.title).toBe('Deployed task, edited');
  const completed = await browser.patch<Task>(`/api/tasks/${id}/complete`, { completed: true });
  expect(completed.status).toBe(200);
  expect(completed.body.completed).toBe(true);
  const throwaway = await browser.post<Task>('/api/tasks', { title: 'Kept task', description: null });
  expect(throwaway.status).toBe(201);
  expect((await browser.delete(`/api/tasks/${throwaway.body.id}`)).status).toBe(204);
  expect((await browser.post<Task>('/api/tasks', { title: 'Kept task' })).status).toBe(201);

  const chat = await browser.post<{ response: string; tool_calls: string[] }>('/api/chat', { message: 'add task Water the cluster plants' }, 120_000);
  expect(chat.status, chat.text).toBe(200);
  expect(chat.body.tool_calls).toContain('add_task');
  const tasks = await browser.get<TaskList>('/api/tasks');
  expect(Array.isArray(tasks.body?.tasks), `GET /api/tasks: ${tasks.status} ${tasks.text.slice(0, 300)}`).toBe(true);
  expect(tasks.body.tasks.map((t) => t.title).sort()).toEqual(JOURNEY_TASKS);
  expect(tasks.body.tasks.find((t) => t.title === 'Deployed task, edited')?.completed).toBe(true);
  return tasks.body.tasks;
}

/** The user's tasks through the frontend, once it answers 200. */
export async function tasksWhenServed(browser: BrowserClient): Promise<Task[] | undefined> {
  const answer = await browser.get<TaskList>('/api/tasks');
  return answer.status === 200 ? answer.body.tasks : undefined;
}

/**
 * Runs `deploy` while 3 loops send GET /api/tasks through the frontend, waits until `settled` says the rollout
 * is over (and 3 s more), and asserts that no request failed and that enough were sent to mean something.
 */
export async function rolloutUnderLoad(browser: BrowserClient, deploy: () => Promise<unknown>, settled: { what: string; check: () => true | undefined }) {
  const load = steadyStream(browser);
  try {
    await deploy();
    await waitFor(settled.what, settled.check);
    await sleep(3000);
  } finally {
    await load.stop();
  }
  say(`steady stream through the frontend during the rollout: ${load.sent} requests, ${load.failures.length} failed`);
  expect(load.failures, 'requests that failed during the rollout').toEqual([]);
  expect(load.sent).toBeGreaterThan(50);
}
