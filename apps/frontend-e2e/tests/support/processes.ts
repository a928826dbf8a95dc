import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const WORKSPACE = resolve(import.meta.dirname, '../../../..');
export const BACKEND_MAIN = join(WORKSPACE, 'apps/backend/dist/main.js');
export const FRONTEND_APP = join(WORKSPACE, 'apps/frontend');
export const FRONTEND_STANDALONE = join(FRONTEND_APP, '.next/standalone/apps/frontend');

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
  /** The exit code once the process ends by itself (null: killed by a signal). */
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
}

/**
 * The Node that runs the servers: this one, or SERVER_NODE (e.g. the images' Node, from the base image's
 * cache, for `nx bench frontend`: the workspace's tooling runs on Node 20, the images on Node 24).
 */
export const SERVER_NODE = process.env.SERVER_NODE || process.execPath;

function startNode(script: string, cwd: string, env: Record<string, string>, readyUrl: string, timeoutMs: number): Promise<RunningServer> {
  const child = spawn(SERVER_NODE, [script], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const output = () => log;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const server: RunningServer = {
    url: new URL(readyUrl).origin,
    process: child,
    output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return waitForHttp(readyUrl, child, output, timeoutMs).then(
    () => server,
    async (error) => {
      await server.stop();
      throw error;
    },
  );
}

export interface BackendOptions {
  llmBaseUrl: string;
  jwtSecret: string;
  /** More environment, e.g. OTEL_EXPORTER_OTLP_ENDPOINT or LOG_LEVEL. */
  extraEnv?: Record<string, string>;
}

/** A server with its Prometheus listener on a free port of its own (METRICS_PORT). */
export type MeasuredServer = RunningServer & { metricsUrl: string };

/** The real backend from its build output, on a fresh PGlite data dir (or TEST_DATABASE_URL). */
export async function startBackend({ llmBaseUrl, jwtSecret, extraEnv = {} }: BackendOptions): Promise<MeasuredServer & { dataDir: string }> {
  const port = await freePort();
  const metricsPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'frontend-e2e-pglite-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET_KEY: jwtSecret,
    OPENAI_API_KEY: 'scripted-key',
    OPENAI_BASE_URL: llmBaseUrl,
    OPENAI_MODEL: 'scripted-model',
    LOG_LEVEL: 'warn',
    SHUTDOWN_DELAY_MS: '0',
    RATE_LIMIT_AUTH_PER_MINUTE: '1000',
    RATE_LIMIT_CHAT_PER_MINUTE: '1000',
    METRICS_PORT: String(metricsPort),
    ...extraEnv,
  };
  if (process.env.TEST_DATABASE_URL) {
    env.DATABASE_URL = process.env.TEST_DATABASE_URL;
    // PostgreSQL is migrated by `main.js migrate`, as the chart's migration Job does (only PGlite migrates itself).
    const migrated = spawnSync(process.execPath, [BACKEND_MAIN, 'migrate'], { cwd: join(WORKSPACE, 'apps/backend/dist'), env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
    if (migrated.status !== 0) throw new Error(`node main.js migrate failed (${migrated.status}):\n${migrated.stdout}${migrated.stderr}`);
  } else {
    env.PGLITE_DATA_DIR = dataDir;
  }
  // PGlite's first initdb takes up to a minute on a busy 2-core machine.
  const server = await startNode(BACKEND_MAIN, join(WORKSPACE, 'apps/backend/dist'), env, `http://127.0.0.1:${port}/ready`, 240_000);
  return {
    ...server,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    dataDir,
    async stop() {
      const code = await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Puts static assets and public/ beside the standalone server, as the image does. */
export function completeStandalone(): void {
  cpSync(join(FRONTEND_APP, '.next/static'), join(FRONTEND_STANDALONE, '.next/static'), { recursive: true });
  if (existsSync(join(FRONTEND_APP, 'public'))) {
    cpSync(join(FRONTEND_APP, 'public'), join(FRONTEND_STANDALONE, 'public'), { recursive: true });
  }
}

/**
 * The real frontend: main.js (the /api gateway in front of Next) from the standalone build, as the image
 * runs it; `script` runs another server file instead (the bench compares an older build's).
 */
export async function startFrontend(backendUrl: string, extraEnv: Record<string, string> = {}, script = join(FRONTEND_STANDALONE, 'main.js')): Promise<MeasuredServer> {
  const port = await freePort();
  const metricsPort = await freePort();
  const server = await startNode(
    script,
    dirname(script),
    {
      NODE_ENV: 'production',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      BACKEND_URL: backendUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      METRICS_PORT: String(metricsPort),
      ...extraEnv,
    },
    `http://127.0.0.1:${port}/health`,
    60_000,
  );
  return { ...server, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}
