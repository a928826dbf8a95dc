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
  /** Sent one by one, `gapMs` apart, instead of `body` (a server-sent event stream). */
  chunks?: string[];
  gapMs?: number;
}

/**
 * An HTTP server standing in for the backend in route-handler tests: it records what the frontend
 * forwarded and answers with whatever the test queued, so any status/header can be checked.
 */
export async function startRecordingBackend() {
  const requests: RecordedRequest[] = [];
  let answer: CannedAnswer = { status: 200, body: {} };
  const progress = { written: 0, abandoned: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (answer.chunks) return void streamChunks(res, answer);
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined) headers['content-type'] ??= 'application/json';
      res.writeHead(answer.status, headers);
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  async function streamChunks(res: import('node:http').ServerResponse, { status, headers, chunks = [], gapMs = 100 }: CannedAnswer) {
    progress.written = 0;
    res.on('close', () => {
      if (!res.writableFinished) progress.abandoned++;
    });
    res.writeHead(status, { 'content-type': 'text/event-stream', ...headers });
    for (const chunk of chunks) {
      if (res.destroyed) return;
      res.write(chunk);
      progress.written++;
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    res.end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Chunks of the current stream written so far, and streams whose reader went away before their end. */
    progress,
    answerWith(next: CannedAnswer) {
      answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
