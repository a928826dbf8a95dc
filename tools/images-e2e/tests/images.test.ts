// Builds both app images the way users and CI do (`npx nx run-many -t docker-build`), then runs them
// together on a user-defined Docker network and checks them from the outside.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  docker,
  dockerOk,
  engineAvailable,
  hostPort,
  nx,
  readImageRecord,
  slowRequest,
  waitFor,
  type ImageRecord,
} from './support/engine.js';

const BUDGET_BYTES = { backend: 150_000_000, frontend: 200_000_000 } as const;
// Names a secret file would have; matched against every path in every layer.
const SECRET_FILE = /(^|\/)(\.env(\.[^/]*)?|[^/]*\.(pem|key|p12|pfx|token)|id_(rsa|ecdsa|ed25519)[^/]*|\.npmrc|\.netrc|\.git-credentials|credentials\.json)$/;

if (!engineAvailable) console.warn('images-e2e: no Docker engine; run `bash tools/ci/setup/20-docker.sh` first');

describe.skipIf(!engineAvailable)('app images', () => {
  const run = randomBytes(4).toString('hex');
  const network = `todo-images-e2e-${run}`;
  const backend = `todo-e2e-backend-${run}`;
  const frontend = `todo-e2e-frontend-${run}`;
  const images: Record<'backend' | 'frontend', ImageRecord> = {} as never;
  let buildOutput = '';
  let frontendUrl = '';
  let backendPort = 0;

  beforeAll(async () => {
    const build = nx('run-many', '-t', 'docker-build', '--projects=backend,frontend', '--outputStyle=static');
    buildOutput = build.stdout + build.stderr;
    if (build.status !== 0) throw new Error(`npx nx run-many -t docker-build failed:\n${buildOutput.slice(-4000)}`);
    images.backend = readImageRecord('backend');
    images.frontend = readImageRecord('frontend');

    dockerOk('network', 'create', network);
    dockerOk(
      'run', '--detach', '--name', backend, '--network', network, '--network-alias', 'backend',
      '--read-only', '--tmpfs', '/tmp', '--publish', '127.0.0.1::8000',
      '--env', `JWT_SECRET_KEY=${randomBytes(32).toString('hex')}`,
      images.backend.ref,
    );
    dockerOk(
      'run', '--detach', '--name', frontend, '--network', network,
      '--read-only', '--tmpfs', '/tmp', '--tmpfs', '/app/apps/frontend/.next/cache:uid=1001,gid=1001',
      '--publish', '127.0.0.1::3000', '--env', 'BACKEND_URL=http://backend:8000',
      images.frontend.ref,
    );
    backendPort = hostPort(backend, 8000);
    frontendUrl = `http://127.0.0.1:${hostPort(frontend, 3000)}`;
    // PGlite compiles its WebAssembly at start: seconds on an idle machine, a minute on a busy one
    await waitFor('the frontend to answer /ready', async () => (await fetch(`${frontendUrl}/ready`, { signal: AbortSignal.timeout(5_000) })).status === 200, 300_000);
  });

  afterAll(() => {
    for (const name of [frontend, backend]) {
      if (docker('inspect', name).status === 0) {
        const logs = docker('logs', '--tail', '30', name);
        if (process.env.IMAGES_E2E_LOGS) console.log(`--- ${name}\n${logs.stdout}${logs.stderr}`);
        docker('rm', '--force', name);
      }
    }
    docker('network', 'rm', network);
  });

  it('records a 12-hex content tag for each app and tags the same image :local', () => {
    for (const project of ['backend', 'frontend'] as const) {
      const record = images[project];
      expect(record).toMatchObject({ project, repository: `todo-app/${project}` });
      expect(record.tag).toMatch(/^[0-9a-f]{12}$/);
      expect(record.ref).toBe(`todo-app/${project}:${record.tag}`);
      const id = dockerOk('image', 'inspect', '--format', '{{.Id}}', record.ref);
      expect(dockerOk('image', 'inspect', '--format', '{{.Id}}', `todo-app/${project}:local`)).toBe(id);
    }
  });

  it('keeps the tags when nothing changed and the images are built again', () => {
    const again = nx('run-many', '-t', 'docker-build', '--projects=backend,frontend', '--outputStyle=static');
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(readImageRecord('backend').tag).toBe(images.backend.tag);
    expect(readImageRecord('frontend').tag).toBe(images.frontend.tag);
  });

  it.each(['backend', 'frontend'] as const)('keeps the %s image within its size budget', (project) => {
    const bytes = Number(dockerOk('image', 'inspect', '--format', '{{.Size}}', images[project].ref));
    console.log(`${project}: ${(bytes / 1e6).toFixed(1)} MB (budget ${BUDGET_BYTES[project] / 1e6} MB)`);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES[project]);
  });

  it.each(['backend', 'frontend'] as const)('ships no .env, key or token file in any %s layer', (project) => {
    const dir = mkdtempSync(join(tmpdir(), `images-e2e-${project}-`));
    try {
      dockerOk('save', '--output', join(dir, 'image.tar'), images[project].ref);
      const unpack = spawnSync('tar', ['-xf', 'image.tar'], { cwd: dir });
      expect(unpack.status).toBe(0);
      const layers = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('layer.tar'));
      expect(layers.length).toBeGreaterThan(1);
      const found: string[] = [];
      let files = 0;
      for (const layer of layers) {
        const list = spawnSync('tar', ['-tf', join(dir, layer)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
        expect(list.status).toBe(0);
        for (const path of list.stdout.split('\n').filter(Boolean)) {
          files++;
          if (SECRET_FILE.test(path.replace(/\/$/, ''))) found.push(`${layer}: ${path}`);
        }
      }
      expect(files).toBeGreaterThan(100);
      expect(found).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['backend', () => backend],
    ['frontend', () => frontend],
  ] as const)('runs the %s processes as uid 1001', (_project, name) => {
    expect(dockerOk('inspect', '--format', '{{.Config.User}}', name())).toBe('1001:1001');
    const uids = dockerOk(
      'exec', name(), 'node', '-e',
      "const fs=require('fs');for (const p of fs.readdirSync('/proc').filter(d=>/^\\d+$/.test(d))) " +
        "{ try { console.log(/^Uid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/'+p+'/status','utf8'))[1]) } catch {} }",
    ).split('\n');
    expect(uids.length).toBeGreaterThan(0);
    expect(new Set(uids)).toEqual(new Set(['1001']));
  });

  it('answers /health and /ready through the frontend', async () => {
    const health = await fetch(`${frontendUrl}/health`, { signal: AbortSignal.timeout(15_000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
    const ready = await fetch(`${frontendUrl}/ready`, { signal: AbortSignal.timeout(15_000) });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('registers, logs in, creates a task and lists it through the frontend', async () => {
    const email = `e2e-${run}@example.com`;
    const password = 'correct horse battery';
    const json = { 'content-type': 'application/json' };
    const register = await fetch(`${frontendUrl}/api/auth/register`, {
      method: 'POST', headers: json, body: JSON.stringify({ name: 'Image Test', email, password }), signal: AbortSignal.timeout(30_000),
    });
    expect(register.status, await register.clone().text()).toBe(201);

    const login = await fetch(`${frontendUrl}/api/auth/login`, {
      method: 'POST', headers: json, body: JSON.stringify({ email, password }), signal: AbortSignal.timeout(30_000),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).not.toBe('');

    const title = `ship the images ${run}`;
    const created = await fetch(`${frontendUrl}/api/tasks`, {
      method: 'POST', headers: { ...json, cookie }, body: JSON.stringify({ title }), signal: AbortSignal.timeout(30_000),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const list = await fetch(`${frontendUrl}/api/tasks`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain(title);
  });

  it('exits non-zero with a one-line message when JWT_SECRET_KEY is missing in production', () => {
    const result = docker('run', '--rm', '--env', 'NODE_ENV=production', images.backend.ref);
    expect(result.status).not.toBe(0);
    const lines = (result.stdout + result.stderr).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/JWT_SECRET_KEY/);
  });

  // Last: these stop the running containers.
  it.each([
    ['frontend', () => frontend, () => Number(new URL(frontendUrl).port)],
    ['backend', () => backend, () => backendPort],
  ] as const)('lets a slow %s request finish on SIGTERM and exits 0 within 10 s', async (_p, name, port) => {
    let signalledAt = 0;
    const body = JSON.stringify({ name: 'Slow Client', email: `slow-${_p}-${run}@example.com`, password: 'correct horse battery' });
    const answer = await slowRequest(port(), '/api/auth/register', body, 1_500, () => {
      signalledAt = Date.now();
      dockerOk('kill', '--signal', 'TERM', name());
    });
    expect(answer.status, answer.raw.slice(0, 300)).toBe(201);
    const exitCode = dockerOk('wait', name());
    const seconds = (Date.now() - signalledAt) / 1000;
    expect(exitCode).toBe('0');
    expect(seconds).toBeLessThan(10);
  });
});
