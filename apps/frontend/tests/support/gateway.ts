import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiGateway } from '../../lib/server/api-gateway';
import type { FrontendConfig } from '../../lib/server/config';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startRecordingBackend } from './recording-backend';

export interface GatewayCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * The /api gateway on a real Node server, as main.ts runs it (a request it does not answer gets 404
 * "next"). Create it after setting BACKEND_URL: the configuration is read once. `call` sends any header
 * (Host included, which fetch cannot) and hands back a Fetch Response.
 */
export async function startGateway(config?: FrontendConfig) {
  const gateway = createApiGateway(config);
  const server: Server = createServer((req, res) => {
    if (!gateway.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  function call(path: string, init: GatewayCall = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const headers = { ...init.headers, ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }) };
      const req = httpRequest(`${url}${path}`, { method: init.method ?? 'GET', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
          }
          const status = res.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
        });
      });
      req.on('error', reject);
      req.end(init.body);
    });
  }
  return {
    url,
    call,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

/**
 * A test file's recording backend and the gateway in front of it: started before the file's tests (with
 * BACKEND_URL and any `env` set first), closed after them, and the backend's record emptied before each test.
 */
export function useGatewayOnRecordingBackend(env: Record<string, string> = {}) {
  const stack = {} as { backend: Awaited<ReturnType<typeof startRecordingBackend>>; gateway: Awaited<ReturnType<typeof startGateway>> };
  beforeAll(async () => {
    stack.backend = await startRecordingBackend();
    Object.assign(process.env, { BACKEND_URL: stack.backend.url, ...env });
    stack.gateway = await startGateway();
  });
  afterAll(async () => {
    await stack.gateway.close();
    await stack.backend.close();
  });
  beforeEach(() => {
    stack.backend.requests.length = 0;
  });
  return stack;
}
