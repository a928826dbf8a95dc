import type { TaskList } from '@todo/api-contract';

/**
 * What a user's browser does against the frontend's NodePort, minus the rendering: same-origin calls to
 * the frontend's API routes, with the HttpOnly session cookies the frontend sets. The test never talks to
 * the backend directly.
 */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** One server-sent event of a chat turn (`text`, `tool-started`, `tool-finished`, `done`, `error`) and when it came. */
export interface StreamedEvent {
  type: string;
  data: unknown;
  atMs: number;
}

export class BrowserClient {
  private readonly cookies = new Map<string, string>();

  /** `fetchFn`: Node's fetch unless given, e.g. one that trusts a test CA for an https:// origin (tls.ts). */
  constructor(
    readonly origin: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** The names of the cookies the frontend has set so far. */
  get cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  private send(method: string, path: string, body: unknown, timeoutMs: number, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { accept, origin: this.origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' as const, signal: AbortSignal.timeout(timeoutMs) };
    return this.fetchFn(new URL(path, this.origin), init);
  }

  /**
   * POST /api/chat asking for server-sent events, as the chat page does: each event with the time it arrived
   * (ms after the request was sent), so a hop that buffers the stream shows as every event arriving at once.
   */
  async streamChat(message: string, timeoutMs = 120_000): Promise<{ status: number; events: StreamedEvent[]; totalMs: number }> {
    const sent = performance.now();
    const response = await this.send('POST', '/api/chat', { message }, timeoutMs, 'text/event-stream');
    const events: StreamedEvent[] = [];
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return { status: response.status, events, totalMs: performance.now() - sent };
    }
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const lines = buffered.slice(0, end).split('\n');
        buffered = buffered.slice(end + 2);
        const type = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        events.push({ type, data: data ? JSON.parse(data) : null, atMs: Math.round(performance.now() - sent) });
      }
    }
    return { status: response.status, events, totalMs: Math.round(performance.now() - sent) };
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Answer<T>> {
    const response = await this.send(method, path, body, timeoutMs);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value.join('=') === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // HTML pages and plain text stay text
    }
    return { status: response.status, body: parsed as T, text };
  }

  get = <T = unknown>(path: string) => this.request<T>('GET', path);
  post = <T = unknown>(path: string, body: unknown, timeoutMs?: number) => this.request<T>('POST', path, body, timeoutMs);
  put = <T = unknown>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  patch = <T = unknown>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = unknown>(path: string) => this.request<T>('DELETE', path);
}

/** The API's shapes (libs/api-contract); GET /api/tasks answers a TaskList, newest first. */
export type { Task, TaskList } from '@todo/api-contract';

/**
 * Sends GET /api/tasks through the frontend, `concurrency` at a time (each loop pausing `pauseMs` between
 * requests), until stopped; every answer that is not a 200 with a task list is kept, with when it came, its
 * status and the start of its body.
 */
export function steadyStream(client: BrowserClient, concurrency = 3, pauseMs = 0) {
  let running = true;
  let sent = 0;
  const failures: string[] = [];
  const loop = async () => {
    while (running) {
      sent += 1;
      try {
        const answer = await client.get<TaskList>('/api/tasks');
        if (answer.status !== 200 || !Array.isArray(answer.body?.tasks)) failures.push(`${new Date().toISOString()} ${answer.status} ${answer.text.slice(0, 200)}`);
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? ` (${(error.cause as NodeJS.ErrnoException).code ?? error.cause.name}: ${error.cause.message})` : '';
        failures.push(`${new Date().toISOString()} ${error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error)}`);
      }
      if (pauseMs > 0) await new Promise((resolvePause) => setTimeout(resolvePause, pauseMs));
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    get sent() {
      return sent;
    },
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { sent, failures };
    },
  };
}
