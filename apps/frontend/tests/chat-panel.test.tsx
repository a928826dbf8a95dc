import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatPanel } from '../components/chat/ChatPanel';
import type { ChatMessage } from '../lib/types';
import { fakeApi } from './support/fake-api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const history: ChatMessage[] = [
  { id: '1', role: 'user', content: 'hello', created_at: '2026-11-25T10:00:00Z' },
  { id: '2', role: 'assistant', content: 'Hi! How can I help?', created_at: '2026-11-25T10:00:01Z' },
];

function typeAndSend(text: string) {
  const input = screen.getByLabelText('Message');
  fireEvent.change(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter' });
}

/** A chat answer as server-sent events that the test writes one by one; the stream errors when the turn is aborted. */
function fakeEventStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const signals: AbortSignal[] = [];
  vi.stubGlobal('fetch', vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    if (init?.signal) signals.push(init.signal);
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }));
  return {
    signals,
    send: (event: string, data: unknown) => act(async () => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))),
  };
}

describe('ChatPanel', () => {
  it('offers example prompts when the conversation is empty', () => {
    render(<ChatPanel initialMessages={[]} />);
    expect(screen.getByRole('button', { name: 'add task buy groceries' })).toBeTruthy();
  });

  it('shows the message at once with a typing indicator, then the reply with its tool badges', async () => {
    let reply!: () => void;
    const calls = fakeApi(() => new Promise((resolve) => {
      reply = () => resolve({ status: 200, body: { conversation_id: 'c', response: 'Added "buy milk".', tool_calls: ['add_task'] } });
    }));
    render(<ChatPanel initialMessages={history} />);
    typeAndSend('add task buy milk');
    expect(screen.getAllByTestId('message-user').at(-1)?.textContent).toMatch(/add task buy milk/);
    expect(screen.getByTestId('typing-indicator')).toBeTruthy();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('');
    await act(async () => reply());
    await screen.findByText('Added "buy milk".');
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
    expect(screen.getByTestId('tool-badge').getAttribute('data-tool')).toBe('add_task');
    expect(calls[0]).toEqual({ method: 'POST', path: '/api/chat', body: { message: 'add task buy milk' } });
  });

  it('takes a failed message back into the input and shows why', async () => {
    fakeApi(() => ({ status: 503, body: { detail: 'The assistant is not configured on this server.' } }));
    render(<ChatPanel initialMessages={history} />);
    typeAndSend('add task buy milk');
    expect((await screen.findByRole('alert')).textContent).toMatch(/not configured/);
    expect(screen.getAllByTestId('message-user')).toHaveLength(1);
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('add task buy milk');
  });

  it('explains a rate limit with its wait time', async () => {
    fakeApi(() => ({ status: 429, body: { detail: 'Too many requests' }, headers: { 'retry-after': '12' } }));
    render(<ChatPanel initialMessages={[]} />);
    typeAndSend('hi');
    expect((await screen.findByRole('alert')).textContent).toMatch(/Try again in 12 s/);
  });

  it('shows the character counter near the 2000-character limit and never sends a blank message', () => {
    const calls = fakeApi(() => ({ status: 200 }));
    render(<ChatPanel initialMessages={[]} />);
    const input = screen.getByLabelText('Message');
    fireEvent.change(input, { target: { value: 'x'.repeat(1799) } });
    expect(screen.queryByText(/characters/)).toBeNull();
    fireEvent.change(input, { target: { value: 'x'.repeat(1900) } });
    expect(screen.getByText('1900/2000 characters')).toBeTruthy();
    typeAndSend('   ');
    expect(calls).toHaveLength(0);
    expect(input.getAttribute('maxLength')).toBe(String(inputMaxLength(LIMITS.chatMessage)));
  });

  it('clears the conversation after confirmation', async () => {
    const calls = fakeApi(() => ({ status: 200, body: { message: 'Conversation history cleared successfully' } }));
    render(<ChatPanel initialMessages={history} />);
    fireEvent.click(screen.getByRole('button', { name: 'Clear conversation' }));
    expect(calls).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(screen.queryByText('hello')).toBeNull());
    expect(calls[0]).toEqual({ method: 'DELETE', path: '/api/conversations/clear', body: undefined });
    expect(screen.getByText('Start a conversation')).toBeTruthy();
  });

  it('shows each tool step and the words as they stream in, then the finished reply', async () => {
    const stream = fakeEventStream();
    render(<ChatPanel initialMessages={history} />);
    typeAndSend('add buy milk');
    await stream.send('tool-started', { tool: 'add_task', task: { title: 'buy milk' } });
    expect((await screen.findByTestId('tool-step')).textContent).toBe("Adding 'buy milk'…");
    await stream.send('tool-finished', { tool: 'add_task', ok: true, task: { id: 4, title: 'buy milk' } });
    expect(screen.getByTestId('tool-step').textContent).toBe("Added 'buy milk'");
    await stream.send('text', { delta: 'Added ' });
    await screen.findByText('Added');
    expect(screen.queryByTestId('typing-indicator')).toBeNull();
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
    await stream.send('done', { conversation_id: 'c', response: 'Added buy milk.', tool_calls: ['add_task'] });
    await screen.findByText('Added buy milk.');
    expect(screen.getByTestId('tool-badge').getAttribute('data-tool')).toBe('add_task');
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('stops a turn: the request is aborted and the message goes back into the input', async () => {
    const stream = fakeEventStream();
    render(<ChatPanel initialMessages={history} />);
    typeAndSend('add buy milk');
    await stream.send('text', { delta: 'Working on it' });
    await screen.findByText('Working on it');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Stop' })));
    expect(stream.signals[0].aborted).toBe(true);
    expect((await screen.findByText('Stopped. Nothing was changed.'))).toBeTruthy();
    expect(screen.queryByText('Working on it')).toBeNull();
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('add buy milk');
  });

  it('shows the error of a failed streamed turn', async () => {
    const stream = fakeEventStream();
    render(<ChatPanel initialMessages={history} />);
    typeAndSend('hello');
    await stream.send('error', { status: 504, detail: 'The AI assistant took too long to answer; nothing was changed. Please try again.' });
    expect((await screen.findByRole('alert')).textContent).toMatch(/took too long/);
  });
});
