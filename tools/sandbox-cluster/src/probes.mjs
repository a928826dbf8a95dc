// Readiness checks: one HTTP(S) GET or a socket that accepts a connection, polled until a deadline.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @param {string} url
 * @param {{ caFile?: string, certFile?: string, keyFile?: string, insecure?: boolean }} tls
 * @returns {Promise<{ status: number, body: string }>}
 */
export function httpGet(url, tls = {}) {
  const client = url.startsWith('https:') ? https : http;
  /** @type {https.RequestOptions} */
  const options = { timeout: 3000 };
  if (url.startsWith('https:')) {
    if (tls.insecure) options.rejectUnauthorized = false;
    if (tls.caFile) options.ca = readFileSync(tls.caFile);
    if (tls.certFile && tls.keyFile) {
      options.cert = readFileSync(tls.certFile);
      options.key = readFileSync(tls.keyFile);
    }
  }
  return new Promise((resolve, reject) => {
    const request = client.get(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after 3s: ${url}`)));
    request.on('error', reject);
  });
}

/** @param {string} path */
export function socketAccepts(path) {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false);
    const socket = net.connect(path);
    socket.once('connect', () => { socket.end(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * One check of a component's probe; resolves to an empty string when ready, else why not.
 * @param {import('./components.mjs').Probe} probe
 * @param {string} pkiDir
 */
export async function checkProbe(probe, pkiDir) {
  if (probe.kind === 'socket') return (await socketAccepts(probe.path)) ? '' : `socket ${probe.path} does not accept connections`;
  const tls = probe.clientCert
    ? { caFile: join(pkiDir, 'ca.crt'), certFile: join(pkiDir, 'admin.crt'), keyFile: join(pkiDir, 'admin.key') }
    : { insecure: probe.insecure };
  try {
    const { status, body } = await httpGet(probe.url, tls);
    return status === 200 ? '' : `${probe.url} answered ${status}: ${body.slice(0, 300)}`;
  } catch (error) {
    return `${probe.url}: ${/** @type {Error} */ (error).message}`;
  }
}

/**
 * Polls `check` (empty string = done) until timeoutMs; `alive` lets a crashed process fail fast.
 * @param {() => Promise<string>} check
 * @param {{ timeoutMs: number, intervalMs?: number, alive?: () => boolean }} options
 * @returns {Promise<string>} empty when ready, else the last reason
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 500, alive = () => true }) {
  const deadline = Date.now() + timeoutMs;
  let reason = 'not checked';
  while (Date.now() < deadline) {
    reason = await check();
    if (reason === '') return '';
    if (!alive()) return `the process exited (${reason})`;
    await sleep(intervalMs);
  }
  return `not ready after ${Math.round(timeoutMs / 1000)}s: ${reason}`;
}
