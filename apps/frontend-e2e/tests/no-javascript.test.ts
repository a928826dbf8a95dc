import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { missingPrerequisites, type RunningStack, startStack } from './support/stack';

const JWT_SECRET = 'frontend-e2e-no-script-secret-that-is-long-enough-12345';
const missing = missingPrerequisites();
if (missing.length) console.warn(`frontend-e2e (no JavaScript) skipped: ${missing.join('; ')}`);

const run = Date.now().toString(36);
const dee = { name: 'Dee NoScript', email: `dee-${run}@example.com`, password: 'no-script-pass-4' };
const eve = { name: 'Eve Early', email: `eve-${run}@example.com`, password: 'early-submit-5' };

/** Every URL the context requested, navigated to, or was redirected to (Location), to check for credentials. */
function recordUrls(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  context.on('response', (response) => {
    const location = response.headers().location;
    if (location) urls.push(location);
  });
  context.on('page', (page) => page.on('framenavigated', (frame) => urls.push(frame.url())));
  return urls;
}

function expectNoCredentials(urls: string[], password: string) {
  expect(urls.length).toBeGreaterThan(5);
  const leaks = urls.filter((url) => url.includes(password) || url.includes(encodeURIComponent(password)) || /[?&]password=/.test(url));
  expect(leaks).toEqual([]);
}

const hydrated = (page: Page) =>
  page.evaluate(() => Object.keys(document.querySelector('form') ?? {}).some((key) => key.startsWith('__react')));

describe.skipIf(missing.length > 0)('the web app with JavaScript off, and before hydration', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack(JWT_SECRET);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('registers, signs in, adds, completes, edits and deletes a task, and chats, with JavaScript disabled; no URL ever holds the password', async () => {
    const context = await stack.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 860 } });
    const urls = recordUrls(context);
    const page = await context.newPage();
    const { url } = stack;

    // Register: a too-short password comes back as an error on the re-rendered page, name and email kept.
    await page.goto(url('/register'));
    await page.getByLabel('Full name').fill(dee.name);
    await page.getByLabel('Email').fill(dee.email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 8 characters.').waitFor();
    expect(await page.getByLabel('Full name').inputValue()).toBe(dee.name);
    expect(await page.getByLabel('Email').inputValue()).toBe(dee.email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await page.getByLabel('Password').fill(dee.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/login\?reason=registered$/);
    await page.getByText('Account created. Sign in to get started.').waitFor();

    // A wrong password: the message on the page, the email kept, the password not.
    await page.getByLabel('Email').fill(dee.email);
    await page.getByLabel('Password').fill('wrong-password-9');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(dee.email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await screenshot(page, 'nojs-01-login-error');

    await page.getByLabel('Password').fill(dee.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/tasks$/);
    await page.getByText('No tasks yet').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain(dee.name);
    expect((await context.cookies()).find((cookie) => cookie.name === 'todo_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    // New task: the button opens the form (a page load), an empty title is refused, then the task is listed.
    await page.getByRole('button', { name: 'New task' }).click();
    await page.waitForURL(/\/tasks\?new=1$/);
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByText('Give the task a title.').waitFor();
    await page.getByLabel('Title').fill('water the plants');
    await page.getByLabel(/Description/).fill('the ferns first');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.waitForURL(/\/tasks$/);
    await page.getByRole('heading', { name: 'water the plants' }).waitFor();
    expect(await page.getByText('the ferns first').isVisible()).toBe(true);
    expect(await page.getByTestId('task-counts').textContent()).toMatch(/1 task · 0 completed/);

    await page.getByRole('checkbox', { name: 'water the plants' }).click();
    await page.getByText('Completed', { exact: true }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'water the plants' }).isChecked()).toBe(true);
    expect(await page.getByTestId('task-counts').textContent()).toMatch(/1 task · 1 completed/);
    await screenshot(page, 'nojs-02-task-completed');

    await page.getByRole('button', { name: 'Edit “water the plants”' }).click();
    await page.getByLabel('Title').fill('water all the plants');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/tasks$/);
    await page.getByRole('heading', { name: 'water all the plants' }).waitFor();

    await page.getByRole('button', { name: 'Delete “water all the plants”' }).click();
    await page.getByText('Delete this task? This cannot be undone.').waitFor();
    await page.getByRole('button', { name: 'Delete task' }).click();
    await page.waitForURL(/\/tasks$/);
    await page.getByText('No tasks yet').waitFor();

    // Chat: the reply is in the server-rendered history, and the task it added is on the server-rendered list.
    await page.goto(url('/chat'));
    await page.getByLabel('Message').fill('add task buy bread');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/chat$/);
    await page.getByTestId('message-user').filter({ hasText: 'add task buy bread' }).waitFor();
    await page.getByTestId('message-assistant').filter({ hasText: 'buy bread' }).waitFor();
    await screenshot(page, 'nojs-03-chat-history');
    await page.goto(url('/tasks'));
    await page.getByRole('heading', { name: 'buy bread' }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login\?reason=signed-out$/);
    expect((await context.cookies()).some((cookie) => cookie.name === 'todo_session')).toBe(false);

    expectNoCredentials(urls, dee.password);
    await context.close();
  });

  it('a sign-in submitted before the page has hydrated posts the form, signs in, and keeps the password out of every URL', async () => {
    const context = await stack.browser.newContext();
    const urls = recordUrls(context);
    // Hold back the page's JavaScript, as a slow connection would, until the form has been sent.
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await context.route(/\/_next\/static\/.+\.js(\?.*)?$/, async (route) => {
      await released;
      await route.continue().catch(() => undefined);
    });
    const page = await context.newPage();
    const registered = await fetch(stack.url('/api/auth/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(eve),
    });
    expect(registered.status).toBe(201);

    await page.goto(stack.url('/login'), { waitUntil: 'domcontentloaded' });
    await page.getByLabel('Email').fill(eve.email);
    await page.getByLabel('Password').fill(eve.password);
    expect(await hydrated(page)).toBe(false);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // 'commit': the next page's scripts are held too, so its load event waits for the release.
    await page.waitForURL(/\/tasks$/, { waitUntil: 'commit' });
    release();
    await page.getByText('No tasks yet').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain(eve.name);

    expectNoCredentials(urls, eve.password);
    await context.close();
  });

  it('refuses a sign-in form posted from another site (Next checks the Origin of server actions) and accepts it from this one', async () => {
    const context = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(stack.url('/login'));
    // The hidden fields React rendered to name the server action, read as any other site could read them.
    const fields: [string, string][] = [];
    for (const input of await page.locator('form input[type="hidden"]').all()) {
      fields.push([String(await input.getAttribute('name')), (await input.getAttribute('value')) ?? '']);
    }
    await context.close();
    expect(fields.some(([name]) => name.startsWith('$ACTION'))).toBe(true);
    const postFrom = (origin: string) => {
      const body = new FormData();
      for (const [name, value] of [...fields, ['email', dee.email], ['password', dee.password]]) body.append(name, value);
      return fetch(stack.url('/login'), { method: 'POST', body, headers: { origin }, redirect: 'manual' });
    };
    const forged = await postFrom('https://attacker.example');
    expect(forged.status).not.toBe(303);
    expect(forged.headers.getSetCookie().filter((cookie) => cookie.startsWith('todo_session='))).toEqual([]);
    const own = await postFrom(stack.frontend.url);
    expect([own.status, own.headers.get('location')]).toEqual([303, '/tasks']);
    expect(own.headers.getSetCookie().some((cookie) => cookie.startsWith('todo_session=') && /HttpOnly/i.test(cookie))).toBe(true);
  });
});
