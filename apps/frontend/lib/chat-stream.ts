import type { ChatReply, TaskRef } from './types';

/** The backend's server-sent events for one chat turn (POST /api/chat with Accept: text/event-stream). */
export type ChatStreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool-started'; tool: string; task?: TaskRef }
  | { type: 'tool-finished'; tool: string; ok: boolean; task?: TaskRef }
  | { type: 'done'; reply: ChatReply }
  | { type: 'error'; status: number; detail: string };

export const EVENT_STREAM = 'text/event-stream';

function parseBlock(block: string): ChatStreamEvent | undefined {
  const event = /^event: ?(.*)$/m.exec(block)?.[1];
  const data = /^data: ?(.*)$/m.exec(block)?.[1];
  if (!event || data === undefined) return undefined;
  const payload = JSON.parse(data);
  return event === 'done' ? { type: 'done', reply: payload as ChatReply } : ({ type: event, ...payload } as ChatStreamEvent);
}

/** Yields each event as soon as its bytes have arrived; ends (without a `done` event) when `signal` aborts. */
export async function* chatEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
  const reader = body.getReader();
  // Chromium leaves a pending read of an aborted fetch's body unsettled: cancel it ourselves.
  signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const event = parseBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) yield event;
    }
  }
}
