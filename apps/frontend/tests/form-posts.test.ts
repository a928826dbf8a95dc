// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingBackend } from './support/recording-backend';
import { tokenFor, USER_ID } from './support/tokens';

/*
 * What the forms' server actions do with a post that arrives before (or without) JavaScript: the
 * functions behind them, against a recording HTTP backend.
 */
let backend: Awaited<ReturnType<typeof startRecordingBackend>>;
let auth: typeof import('../lib/server/auth-forms');
let tasks: typeof import('../lib/server/task-forms');
let chat: typeof import('../lib/server/chat-form');
let sessions: typeof import('../lib/server/session');

beforeAll(async () => {
  backend = await startRecordingBackend();
  process.env.BACKEND_URL = backend.url;
  auth = await import('../lib/server/auth-forms');
  tasks = await import('../lib/server/task-forms');
  chat = await import('../lib/server/chat-form');
  sessions = await import('../lib/server/session');
});
afterAll(() => backend.close());
beforeEach(() => {
  backend.requests.length = 0;
});

const browser = new Headers({ 'content-type': 'multipart/form-data; boundary=x', 'x-forwarded-for': '203.0.113.7' });
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};
const user = { id: USER_ID, name: 'Ann', email: 'ann@example.com' };
const session = () => {
  const live = sessions.sessionFromToken(tokenFor(USER_ID));
  if (!live) throw new Error('tokenFor() made a token sessionFromToken() cannot read');
  return live;
};

/** The digest of the redirect that next/navigation's redirect() threw, e.g. 'NEXT_REDIRECT;replace;/login;307;'. */
async function redirectOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (failure: { digest?: string }) => failure);
  return String(error?.digest);
}

describe('the sign-in post', () => {
  it('refuses invalid fields without calling the backend, and gives back the email only', async () => {
    const outcome = await auth.signInWith(form({ email: 'not-an-email', password: '' }), browser);
    expect(outcome).toEqual({
      state: {
        values: { email: 'not-an-email' },
        fields: { email: 'Enter a valid email address, like name@example.com.', password: 'Enter your password.' },
      },
    });
    expect(backend.requests).toHaveLength(0);
  });

  it('sends the credentials as JSON with the client address and returns the session and a same-site next page', async () => {
    const token = tokenFor(USER_ID);
    backend.answerWith({ status: 200, body: { access_token: token, token_type: 'bearer', user } });
    const outcome = await auth.signInWith(form({ email: ' ann@example.com ', password: 'secret123', next: '//evil.example/steal' }), browser);
    expect(outcome).toMatchObject({ session: { token, userId: USER_ID }, profile: user, next: '/tasks' });
    const [sent] = backend.requests;
    expect([sent.method, sent.url, sent.headers['content-type'], sent.headers['x-forwarded-for']]).toEqual([
      'POST', '/api/auth/login', 'application/json', '203.0.113.7',
    ]);
    expect(JSON.parse(sent.body)).toEqual({ email: 'ann@example.com', password: 'secret123' });
  });

  it('shows a wrong password as a credential error and keeps the email, never the password', async () => {
    backend.answerWith({ status: 401, body: { detail: 'Incorrect email or password' } });
    const outcome = await auth.signInWith(form({ email: 'ann@example.com', password: 'wrong-secret', next: '/chat' }), browser);
    expect(outcome).toEqual({ state: { values: { email: 'ann@example.com' }, fields: {}, form: 'Incorrect email or password.' } });
    expect(JSON.stringify(outcome)).not.toContain('wrong-secret');
  });

  it('explains a rate limit with its wait time', async () => {
    backend.answerWith({ status: 429, body: { detail: 'Too many attempts' }, headers: { 'retry-after': '30' } });
    const limited = await auth.signInWith(form({ email: 'ann@example.com', password: 'secret123' }), browser);
    expect(limited).toMatchObject({ state: { form: 'Too many requests. Try again in 30 s.' } });
  });
});

describe('the register post', () => {
  it('keeps name and email and puts a taken email on its field', async () => {
    backend.answerWith({ status: 409, body: { detail: 'A user with this email already exists' } });
    const failed = await auth.registerWith(form({ name: 'Ann', email: 'ann@example.com', password: 'secret123' }), browser);
    expect(failed).toEqual({
      values: { name: 'Ann', email: 'ann@example.com' },
      fields: { email: 'An account with this email already exists. Sign in instead?' },
    });
    backend.answerWith({ status: 201, body: user });
    expect(await auth.registerWith(form({ name: ' Ann ', email: 'ann@example.com', password: 'secret123' }), browser)).toBeNull();
    expect(JSON.parse(backend.requests[1].body)).toEqual({ name: 'Ann', email: 'ann@example.com', password: 'secret123' });
  });

  it('checks the fields itself before any call', async () => {
    const failed = await auth.registerWith(form({ name: '', email: 'ann@example.com', password: 'short' }), browser);
    expect(failed?.fields).toEqual({ name: 'Enter your name.', password: 'Use at least 8 characters.' });
    expect(backend.requests).toHaveLength(0);
  });
});

describe('the task posts', () => {
  it('creates a task with a trimmed title and a cleared empty description', async () => {
    backend.answerWith({ status: 201, body: { id: 1 } });
    // One session: a second tokenFor() a second later would carry another `exp`.
    const signedIn = session();
    expect(await tasks.createTaskFrom(form({ title: '  water the plants ', description: '  ' }), signedIn, browser)).toBeNull();
    const [sent] = backend.requests;
    expect([sent.method, sent.url, sent.headers.authorization]).toEqual(['POST', `/api/${USER_ID}/tasks`, `Bearer ${signedIn.token}`]);
    expect(JSON.parse(sent.body)).toEqual({ title: 'water the plants', description: null });
  });

  it('gives the form back with what was typed when the title is missing or the backend refuses it', async () => {
    expect(await tasks.createTaskFrom(form({ title: ' ', description: 'notes' }), session(), browser)).toEqual({
      values: { title: ' ', description: 'notes' },
      fields: { title: 'Give the task a title.' },
    });
    expect(backend.requests).toHaveLength(0);
    backend.answerWith({ status: 422, body: { detail: [{ loc: ['body', 'title'], msg: 'Title is too long' }] } });
    const refused = await tasks.createTaskFrom(form({ title: 'x', description: '' }), session(), browser);
    expect(refused?.fields).toEqual({ title: 'Title is too long' });
  });

  it('completes, reopens and deletes (a DELETE without a body), and shows the backend\'s reason on failure', async () => {
    backend.answerWith({ status: 200, body: { id: 7 } });
    expect(await tasks.changeTaskFrom(form({ taskId: '7', intent: 'complete' }), session(), browser)).toBeUndefined();
    expect(await tasks.changeTaskFrom(form({ taskId: '7', intent: 'reopen' }), session(), browser)).toBeUndefined();
    backend.answerWith({ status: 204 });
    expect(await tasks.changeTaskFrom(form({ taskId: '7', intent: 'delete' }), session(), browser)).toBeUndefined();
    const [complete, reopen, remove] = backend.requests;
    expect([complete.method, complete.url, JSON.parse(complete.body)]).toEqual(['PATCH', `/api/${USER_ID}/tasks/7/complete`, { completed: true }]);
    expect(JSON.parse(reopen.body)).toEqual({ completed: false });
    expect([remove.method, remove.url, remove.body, remove.headers['content-type']]).toEqual(['DELETE', `/api/${USER_ID}/tasks/7`, '', undefined]);
    backend.answerWith({ status: 404, body: { detail: 'Task not found' } });
    expect(await tasks.changeTaskFrom(form({ taskId: '7', intent: 'delete' }), session(), browser)).toBe('Task not found');
  });

  it('refuses an intent or task id the page never offers, without a call', async () => {
    expect(await tasks.changeTaskFrom(form({ taskId: '7', intent: 'drop-table' }), session(), browser)).toBe('That change is not one this page offers.');
    expect(await tasks.changeTaskFrom(form({ taskId: '-1', intent: 'delete' }), session(), browser)).toBe('That change is not one this page offers.');
    expect(backend.requests).toHaveLength(0);
  });

  it('ends a session the backend refuses at /login, as a page load does', async () => {
    backend.answerWith({ status: 401, body: { detail: 'Not authenticated' } });
    expect(await redirectOf(tasks.createTaskFrom(form({ title: 'x', description: '' }), session(), browser))).toContain(';/login?reason=expired;');
  });
});

describe('the chat post', () => {
  it('sends the message and, when the turn fails, gives it back with the reason', async () => {
    backend.answerWith({ status: 200, body: { conversation_id: 'c', response: 'ok', tool_calls: [] } });
    expect(await chat.sendChatFrom(form({ message: ' hello ' }), session(), browser)).toBeNull();
    expect([backend.requests[0].url, JSON.parse(backend.requests[0].body)]).toEqual([`/api/${USER_ID}/chat`, { message: 'hello' }]);
    backend.answerWith({ status: 502, body: { detail: 'The AI provider did not answer' } });
    expect(await chat.sendChatFrom(form({ message: 'hello again' }), session(), browser)).toEqual({
      values: { message: 'hello again' },
      fields: {},
      form: 'The AI provider did not answer',
    });
  });

  it('sends nothing for a blank message', async () => {
    expect(await chat.sendChatFrom(form({ message: '   ' }), session(), browser)).toMatchObject({ form: 'Write a message first.' });
    expect(backend.requests).toHaveLength(0);
  });
});
