// The GitHub workflow's Nx cache (tools/ci/nx-cache-server.mjs): a task cached on one "runner" is a cache hit
// on the next, which starts with an empty local cache and its own Nx database, as a fresh hosted runner does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/nx.mjs';

const token = randomBytes(16).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'nx-cache-server-'));
const store = join(work, 'store');
let server: ChildProcess;
let url = '';

beforeAll(async () => {
  server = spawn('node', ['tools/ci/nx-cache-server.mjs', `--dir=${store}`, '--port=0'], {
    cwd: workspaceRoot,
    env: { ...process.env, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /serving .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`nx-cache-server exited ${code}: ${out}`)));
  });
});

afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

/** `nx run health:lint` as on a fresh runner: its own local cache and Nx database, the shared remote cache. */
function lintOnFreshRunner(name: string) {
  // `npm test` runs this suite under `nx run-many --skip-nx-cache`, which Nx hands down as NX_SKIP_NX_CACHE: the
  // runner under test must use its caches, as a workflow job does.
  const inherited = { ...process.env };
  delete inherited.NX_SKIP_NX_CACHE;
  const result = spawnSync('npx', ['nx', 'run', 'health:lint', '--excludeTaskDependencies', '--outputStyle=static'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    env: {
      ...inherited,
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      NX_CACHE_DIRECTORY: join(work, name, 'cache'),
      NX_WORKSPACE_DATA_DIRECTORY: join(work, name, 'workspace-data'),
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
    },
  });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  // Under `nx run-many` the colours of the calling terminal come along.
  // eslint-disable-next-line no-control-regex
  return result.stdout.replace(/\x1b\[[0-9;]*m/g, '');
}

describe('the Nx cache of the GitHub workflow (tools/ci/nx-cache-server.mjs)', () => {
  it('serves a task one runner cached to the next runner, whose local cache and database are new', () => {
    const first = lintOnFreshRunner('runner-1');
    expect(first).toMatch(/Cache:\s+0\/1 hit/);
    expect(readdirSync(store).filter((f) => f.endsWith('.tar'))).toHaveLength(1);
    const second = lintOnFreshRunner('runner-2');
    expect(second).toContain('nx run health:lint  [remote cache]');
    expect(second).toMatch(/Cache:\s+1\/1 hit/);
  });

  it('answers only with the job\'s token, and never replaces an entry', async () => {
    const entry = `${url}/v1/cache/1234567890`;
    expect((await fetch(entry)).status).toBe(401);
    expect((await fetch(entry, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(entry, { headers: auth })).status).toBe(404);
    expect((await fetch(entry, { method: 'PUT', headers: auth, body: 'first' })).status).toBe(200);
    expect((await fetch(entry, { method: 'PUT', headers: auth, body: 'second' })).status).toBe(409);
    const got = await fetch(entry, { headers: auth });
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('first');
    expect((await fetch(`${url}/v1/cache/../../etc/passwd`, { headers: auth })).status).toBe(404);
  });
});
