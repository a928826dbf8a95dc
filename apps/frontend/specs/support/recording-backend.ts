import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CannedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * An HTTP server standing in for the backend in route-handler tests: it records what the frontend
 * forwarded and answers with whatever the test queued, so any status/header can be checked.
 */
export async function startRecordingBackend() {
  const requests: RecordedRequest[] = [];
  let answer: CannedAnswer = { status: 200, body: {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined) headers['content-type'] ??= 'application/json';
      res.writeHead(answer.status, headers);
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next: CannedAnswer) {
      answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
