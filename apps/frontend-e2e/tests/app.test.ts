import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, recordCspViolations, SCREENSHOTS, screenshot } from './support/browser';
import {
  BACKEND_MAIN,
  completeStandalone,
  FRONTEND_STANDALONE,
  type RunningServer,
  startBackend,
  startFrontend,
} from './support/processes';
import { type ScriptedLlm, STORY, startScriptedLlm } from './support/scripted-llm';
import { signAccessToken } from './support/tokens';

const JWT_SECRET = 'frontend-e2e-secret-key-that-is-long-enough-1234567890';
const missing = [
  [BACKEND_MAIN, 'run `npx nx build backend`'],
  [join(FRONTEND_STANDALONE, 'main.js'), 'run `npx nx build frontend`'],
  [CHROMIUM, 'run `bash tools/ci/setup/40-chromium.sh`'],
].filter(([path]) => !existsSync(path));
if (missing.length) console.warn(`frontend-e2e skipped: ${missing.map(([path, fix]) => `${path} is missing (${fix})`).join('; ')}`);

const run = Date.now().toString(36);
const ann = { name: 'Ann Example', email: `ann-${run}@example.com`, password: 'correct-horse-1' };
const bob = { name: 'Bob Example', email: `bob-${run}@example.com`, password: 'battery-staple-2' };

describe.skipIf(missing.length > 0)('the web app in a real browser against the real backend', () => {
  let llm: ScriptedLlm;
  let backend: RunningServer;
  let frontend: RunningServer;
  let browser: Browser;
  let annContext: BrowserContext;
  let ann$: Page;
  let annId = '';
  const cspViolations: string[] = [];

  const url = (path: string) => `${frontend.url}${path}`;

  beforeAll(async () => {
    llm = await startScriptedLlm();
    backend = await startBackend({ llmBaseUrl: llm.baseUrl, jwtSecret: JWT_SECRET });
    completeStandalone();
    frontend = await startFrontend(backend.url);
    browser = await launchChromium();
    annContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    recordCspViolations(annContext, cspViolations);
    ann$ = await annContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    const frontendExit = await frontend?.stop();
    await backend?.stop();
    await llm?.close();
    if (frontendExit !== undefined && frontendExit !== 0) console.error(frontend.output());
  });

  async function register(page: Page, user: typeof ann) {
    await page.goto(url('/register'));
    await page.getByLabel('Full name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/login\?reason=registered/);
  }

  async function logIn(page: Page, user: typeof ann) {
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/tasks$/);
  }

  it('shows the landing page and validates the register form', async () => {
    await ann$.goto(url('/'));
    await ann$.getByRole('heading', { name: /Your tasks, your way/ }).waitFor();
    await screenshot(ann$, '01-landing');
    await ann$.getByRole('link', { name: 'Get started' }).click();
    await ann$.waitForURL(/\/register$/);
    await ann$.getByRole('button', { name: 'Create account' }).click();
    const describedBy = await ann$.getByLabel('Password').getAttribute('aria-describedby');
    expect(await ann$.locator(`#${describedBy}`).textContent()).toBe('Use at least 8 characters.');
    await screenshot(ann$, '02-register-errors');
  });

  it('registers, signs in and lands on an empty task list', async () => {
    await register(ann$, ann);
    await ann$.getByText('Account created. Sign in to get started.').waitFor();
    await ann$.getByLabel('Email').fill(ann.email);
    await ann$.getByLabel('Password').fill('wrong-password');
    await ann$.getByRole('button', { name: 'Sign in' }).click();
    await ann$.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();
    await screenshot(ann$, '03-login-error');
    await logIn(ann$, ann);
    await ann$.getByText('No tasks yet').waitFor();
    expect(await ann$.getByTestId('signed-in-as').textContent()).toContain(ann.name);
    await screenshot(ann$, '04-tasks-empty');
    // The token never reaches page JavaScript.
    expect(await ann$.evaluate(() => document.cookie)).toBe('');
    const cookies = await annContext.cookies();
    const session = cookies.find((cookie) => cookie.name === 'todo_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    annId = JSON.parse(Buffer.from(String(session?.value).split('.')[1], 'base64url').toString()).sub;
  });

  it('adds, edits, completes and deletes a task, and the changes survive a reload', async () => {
    await ann$.getByRole('button', { name: 'New task' }).click();
    await ann$.getByLabel('Title').fill('write report');
    await ann$.getByLabel(/Description/).fill('quarterly numbers');
    await ann$.getByRole('button', { name: 'Add task' }).click();
    await ann$.getByRole('heading', { name: 'write report' }).waitFor();

    await ann$.getByRole('button', { name: 'Edit “write report”' }).click();
    await ann$.getByLabel('Title').fill('write the report');
    await ann$.getByRole('button', { name: 'Save' }).click();
    await ann$.getByRole('heading', { name: 'write the report' }).waitFor();

    await ann$.getByRole('checkbox', { name: 'write the report' }).click();
    await ann$.getByText('Completed', { exact: true }).waitFor();
    await ann$.reload();
    await ann$.getByRole('heading', { name: 'write the report' }).waitFor();
    expect(await ann$.getByRole('checkbox', { name: 'write the report' }).isChecked()).toBe(true);
    expect(await ann$.getByTestId('task-counts').textContent()).toMatch(/1 task · 1 completed/);
    expect(await ann$.getByText('quarterly numbers').isVisible()).toBe(true);
    await screenshot(ann$, '05-tasks-one-completed');

    await ann$.getByRole('button', { name: 'Delete “write the report”' }).click();
    await ann$.getByRole('button', { name: 'Delete task' }).click();
    await ann$.getByText('No tasks yet').waitFor();
    await ann$.reload();
    await ann$.getByText('No tasks yet').waitFor();
  });

  it('chat "add task buy milk" adds the task, shows the tool badge, and the conversation survives a reload', async () => {
    await ann$.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await ann$.waitForURL(/\/chat$/);
    await ann$.getByText('Start a conversation').waitFor();
    await screenshot(ann$, '06-chat-empty');
    await ann$.getByLabel('Message').fill('add task buy milk');
    await ann$.getByLabel('Message').press('Enter');
    await ann$.getByTestId('message-user').filter({ hasText: 'add task buy milk' }).waitFor();
    const badge = ann$.getByTestId('tool-badge');
    await badge.waitFor();
    expect(await badge.getAttribute('data-tool')).toBe('add_task');
    await ann$.getByTestId('message-assistant').filter({ hasText: 'buy milk' }).waitFor();
    await screenshot(ann$, '07-chat-tool-badge');

    await ann$.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
    await ann$.getByRole('heading', { name: 'buy milk' }).waitFor();
    await screenshot(ann$, '08-tasks-from-chat');

    await ann$.goto(url('/chat'));
    await ann$.reload();
    await ann$.getByTestId('message-user').filter({ hasText: 'add task buy milk' }).waitFor();
    await ann$.getByTestId('message-assistant').filter({ hasText: 'buy milk' }).waitFor();
  });

  it('a second user sees none of the first user\'s tasks or messages', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    recordCspViolations(context, cspViolations);
    const bob$ = await context.newPage();
    await register(bob$, bob);
    await logIn(bob$, bob);
    await bob$.getByText('No tasks yet').waitFor();
    expect(await bob$.getByText('buy milk').count()).toBe(0);
    await screenshot(bob$, '09-phone-tasks-second-user');
    await bob$.goto(url('/chat'));
    await bob$.getByText('Start a conversation').waitFor();
    expect(await bob$.getByText('add task buy milk').count()).toBe(0);
    await screenshot(bob$, '10-phone-chat-second-user');
    // Bob's session cannot reach Ann's data through the same-origin API either.
    const annTasks = await ann$.evaluate(async () => (await fetch('/api/tasks')).json());
    const annTaskId = annTasks.tasks[0].id;
    const status = await bob$.evaluate(async (id) => (await fetch(`/api/tasks/${id}`)).status, annTaskId);
    expect(status).toBe(404);
    await context.close();
  });

  it('clears the conversation', async () => {
    await ann$.goto(url('/chat'));
    await ann$.getByRole('button', { name: 'Clear conversation' }).click();
    await ann$.getByRole('button', { name: 'Clear', exact: true }).click();
    await ann$.getByText('Start a conversation').waitFor();
    await ann$.reload();
    await ann$.getByText('Start a conversation').waitFor();
  });

  it('streams a reply: the first words are on screen before the model has finished, and Stop ends the turn', async () => {
    await ann$.goto(url('/chat'));
    const stories = ann$.getByTestId('message-assistant').filter({ hasText: 'Once upon a time' });
    llm.wordDelayMs = 120;
    try {
      const sent = Date.now();
      await ann$.getByLabel('Message').fill('tell me a story');
      await ann$.getByLabel('Message').press('Enter');
      await stories.first().waitFor();
      const firstWordsMs = Date.now() - sent;
      const modelStillWriting = llm.open > 0;
      await ann$.getByRole('button', { name: 'Send' }).waitFor();
      const totalMs = Date.now() - sent;
      expect(await stories.first().textContent()).toContain(STORY);
      console.log(`streamed chat turn in the browser: first words after ${firstWordsMs} ms, whole reply after ${totalMs} ms`);
      expect(modelStillWriting).toBe(true);
      await screenshot(ann$, '10b-chat-streamed');

      // Slower, so the click surely lands while the reply is being written, however busy the machine.
      llm.wordDelayMs = 500;
      const abandoned = llm.abandoned;
      await ann$.getByLabel('Message').fill('tell me a story');
      await ann$.getByLabel('Message').press('Enter');
      await stories.nth(1).waitFor();
      await ann$.getByRole('button', { name: 'Stop' }).click();
      await ann$.getByText('Stopped. Nothing was changed.').waitFor();
      expect(await ann$.getByLabel('Message').inputValue()).toBe('tell me a story');
      await expect.poll(() => llm.abandoned, { timeout: 10_000 }).toBe(abandoned + 1);
      await ann$.reload();
      await stories.first().waitFor();
      expect(await stories.count()).toBe(1);
    } finally {
      llm.wordDelayMs = 0;
    }
  });

  it('logs out, and the protected pages send the visitor to /login', async () => {
    await ann$.getByRole('button', { name: 'Log out' }).click();
    await ann$.waitForURL(/\/login\?reason=signed-out/);
    await ann$.getByText('You have been signed out.').waitFor();
    await screenshot(ann$, '11-login-signed-out');
    expect((await annContext.cookies()).some((cookie) => cookie.name === 'todo_session')).toBe(false);
    await ann$.goto(url('/tasks'));
    await ann$.waitForURL(/\/login\?reason=signin&next=%2Ftasks/);
    await ann$.getByText('Please sign in to continue.').waitFor();
  });

  it('an expired session, or one the backend refuses, lands on /login with a message', async () => {
    const host = new URL(frontend.url).hostname;
    const now = Math.floor(Date.now() / 1000);
    for (const [name, token] of [
      ['expired', signAccessToken(JWT_SECRET, { sub: annId, email: ann.email, exp: now - 60 })],
      ['forged', signAccessToken('not-the-backend-secret', { sub: annId, email: ann.email, exp: now + 3600 })],
    ] as const) {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'todo_session', value: token, domain: host, path: '/', httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      await page.goto(url('/tasks'));
      await page.waitForURL(/\/login\?reason=expired/);
      await page.getByText('Your session has expired. Please sign in again.').waitFor();
      expect((await context.cookies()).some((cookie) => cookie.name === 'todo_session'), name).toBe(false);
      if (name === 'expired') await screenshot(page, '12-login-session-expired');
      await context.close();
    }
  });

  it('keeps first-load JavaScript of /tasks and /chat within 180 kB', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url('/login'));
    await logIn(page, bob);
    await page.close();
    const sizes: Record<string, number> = {};
    for (const path of ['/tasks', '/chat']) {
      const fresh = await context.newPage();
      await fresh.goto(url(path), { waitUntil: 'networkidle' });
      // Compressed bytes of every script the page loaded (cached chunks still report their size).
      sizes[path] = await fresh.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('.js'))
          .reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).encodedBodySize, 0) / 1000,
      );
      await fresh.close();
    }
    writeFileSync(join(SCREENSHOTS, '..', 'first-load-js.json'), JSON.stringify(sizes, null, 2));
    expect(sizes['/tasks']).toBeGreaterThan(0);
    expect(sizes['/tasks']).toBeLessThanOrEqual(180);
    expect(sizes['/chat']).toBeLessThanOrEqual(180);
    await context.close();
  });

  it('gives every page its own CSP nonce, on each of its scripts, and the browser blocked nothing in the whole run', async () => {
    const nonces = new Set<string>();
    for (const path of ['/', '/login', '/register', '/login', '/no-such-page']) {
      const response = await fetch(url(path));
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, path).toMatch(/default-src 'none'; script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(policy, path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const script of scripts) expect(script, path).toContain(` nonce="${nonce}"`);
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(5);
    // Every page, form, chat turn and hydration of the run above happened under the CSP.
    const page = await annContext.newPage();
    await page.goto(url('/no-such-page'));
    await page.getByText(/could not be found/i).waitFor();
    await page.close();
    expect(cspViolations).toEqual([]);
  });

  it("renders the backend's /docs (Swagger UI) under its own CSP", async () => {
    const context = await browser.newContext();
    const violations: string[] = [];
    recordCspViolations(context, violations);
    const page = await context.newPage();
    const response = await page.goto(`${backend.url}/docs/`);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    const login = page.locator('.opblock-summary-path', { hasText: '/api/auth/login' }).first();
    await login.click();
    // Opening an operation is when Swagger UI adds its one inline <style>.
    await page.getByRole('button', { name: 'Try it out' }).first().waitFor();
    await screenshot(page, '13-backend-docs');
    expect(violations).toEqual([]);
    await context.close();
  });

  it('on SIGTERM readiness fails at once, answers close their connections, the in-flight chat turn completes, and the server exits 0', async () => {
    const second = await startFrontend(backend.url, { SHUTDOWN_DELAY_MS: '1500' });
    try {
      const carol = { name: 'Carol', email: `carol-${run}@example.com`, password: 'shutdown-test-3' };
      const post = (path: string, body: object) =>
        fetch(`${second.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/api/auth/register', carol)).status).toBe(201);
      const login = await post('/api/auth/login', { email: carol.email, password: carol.password });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      expect((await fetch(`${second.url}/ready`)).status).toBe(200);
      llm.delayMs = 2500;
      const inFlight = fetch(`${second.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ message: 'hello there' }),
      });
      await new Promise((r) => setTimeout(r, 300));
      second.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      const ready = await fetch(`${second.url}/ready`);
      expect(ready.status).toBe(503);
      // Clients leave this server's keep-alive connections during the delay, before the listener closes them.
      expect(ready.headers.get('connection'), 'answers during the shutdown delay close their connection').toBe('close');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect((await answer.json()).response).toMatch(/Hello/);
      // Next's drain ends the process by itself once the in-flight request is done.
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('readiness now fails');
    } finally {
      llm.delayMs = 0;
      await second.stop();
    }
  });
});
