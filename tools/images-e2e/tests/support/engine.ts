// Small helpers over the real Docker engine and the workspace's Nx, for the image suites.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { dockerBinary } from '@todo/toolkit';

export const workspaceRoot = resolve(import.meta.dirname, '../../../..');
export const DOCKER = dockerBinary();

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}): Result {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  return { status: result.status, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

export function docker(...args: string[]): Result {
  return run(DOCKER, args, { env: { ...process.env, DOCKER_BUILDKIT: '1' } });
}

/** Runs a docker command that must succeed and returns its trimmed stdout. */
export function dockerOk(...args: string[]): string {
  const result = docker(...args);
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

export const engineAvailable = docker('info', '--format', '{{.ServerVersion}}').status === 0;

/** Nx in the workspace, with the caller's --skip-nx-cache dropped so builds reuse the cache. */
export function nx(...args: string[]): Result {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' };
  delete env.NX_SKIP_NX_CACHE;
  return run('npx', ['nx', ...args], { cwd: workspaceRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ImageRecord {
  project: string;
  repository: string;
  tag: string;
  ref: string;
}

export function readImageRecord(project: string): ImageRecord {
  return JSON.parse(readFileSync(join(workspaceRoot, 'dist', 'images', `${project}.json`), 'utf8')) as ImageRecord;
}

export function hostPort(container: string, port: number): number {
  const mapping = dockerOk('port', container, `${port}/tcp`).split('\n')[0];
  return Number(mapping.slice(mapping.lastIndexOf(':') + 1));
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface RawResponse {
  status: number;
  raw: string;
}

/**
 * Sends a request whose body arrives slowly: the headers and the first half of the body at once,
 * then `onStarted` runs (e.g. to send SIGTERM), then the rest after `pauseMs`. Resolves with the
 * HTTP status the server finally answers.
 */
export function slowRequest(
  port: number,
  path: string,
  body: string,
  pauseMs: number,
  onStarted: () => void,
): Promise<RawResponse> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8');
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
    socket.on('data', (chunk) => (raw += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      resolvePromise({ status, raw });
    });
    socket.on('connect', () => {
      const half = Math.floor(body.length / 2);
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
      );
      setTimeout(onStarted, 200);
      setTimeout(() => socket.write(body.slice(half)), pauseMs);
    });
  });
}
