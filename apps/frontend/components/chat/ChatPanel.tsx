'use client';

import { useActionState, useRef, useState } from 'react';
import { sendChatMessage } from '@/app/chat/actions';
import { ApiError, apiErrorFor, apiErrorOf, apiRequest, navigation } from '@/lib/api-client';
import { chatEvents, EVENT_STREAM, type ChatStreamEvent } from '@/lib/chat-stream';
import { emptyFormState } from '@/lib/forms';
import type { ChatMessage, ChatReply } from '@/lib/types';
import { ChatInput } from './ChatInput';
import { MessageList } from './MessageList';

let localId = 0;
const nextLocalId = (prefix: string) => `${prefix}-${Date.now()}-${++localId}`;

/** The chat of /chat: history from the server, the reply streamed as it is written, Stop, errors, and clearing. */
export function ChatPanel({ initialMessages }: { initialMessages: ChatMessage[] }) {
  // Before hydration the form posts to this server action; a failed post comes back with the message kept.
  const [posted, postAction] = useActionState(sendChatMessage, emptyFormState<'message'>());
  const [messages, setMessages] = useState(initialMessages);
  const [draft, setDraft] = useState(posted.values.message ?? '');
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState(posted.form);
  const [confirmClear, setConfirmClear] = useState(false);
  const [clearing, setClearing] = useState(false);
  const [notice, setNotice] = useState<string>();
  const turn = useRef<AbortController>(undefined);
  const replyStarted = waiting && messages.at(-1)?.role === 'assistant';

  /** The reply being written, updated in place as its events arrive. */
  function patchReply(id: string, change: (reply: ChatMessage) => ChatMessage) {
    setMessages((current) => {
      const exists = current.some((m) => m.id === id);
      const base: ChatMessage = { id, role: 'assistant', content: '', created_at: new Date().toISOString(), steps: [] };
      return exists ? current.map((m) => (m.id === id ? change(m) : m)) : [...current, change(base)];
    });
  }

  function onEvent(replyId: string, event: ChatStreamEvent): ChatReply | undefined {
    if (event.type === 'text') patchReply(replyId, (r) => ({ ...r, content: r.content + event.delta }));
    if (event.type === 'tool-started') {
      patchReply(replyId, (r) => ({ ...r, steps: [...(r.steps ?? []), { tool: event.tool, task: event.task, state: 'running' }] }));
    }
    if (event.type === 'tool-finished') {
      patchReply(replyId, (r) => {
        const steps = [...(r.steps ?? [])];
        const index = steps.findLastIndex((step) => step.tool === event.tool && step.state === 'running');
        const finished = { tool: event.tool, task: event.task ?? steps[index]?.task, state: event.ok ? 'done' : 'failed' } as const;
        if (index >= 0) steps[index] = finished;
        else steps.push(finished);
        return { ...r, steps };
      });
    }
    if (event.type === 'error') throw apiErrorFor(event.status, event.detail);
    return event.type === 'done' ? event.reply : undefined;
  }

  /** Sends the message and reads the answer as it is written (or whole, from a server that does not stream). */
  async function converse(message: string, replyId: string, signal: AbortSignal): Promise<ChatReply> {
    const response = await fetch('/api/chat', {
      method: 'POST',
      headers: { accept: `${EVENT_STREAM}, application/json`, 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
      credentials: 'same-origin',
      signal,
    });
    if (response.status === 401) {
      navigation.toLogin();
      throw new ApiError(401, 'Your session has expired. Please sign in again.');
    }
    if (!response.ok) throw await apiErrorOf(response);
    if (!response.headers.get('content-type')?.startsWith(EVENT_STREAM) || !response.body) return (await response.json()) as ChatReply;
    for await (const event of chatEvents(response.body, signal)) {
      const reply = onEvent(replyId, event);
      if (reply) return reply;
    }
    throw new ApiError(502, 'The answer was cut off. Please try again.');
  }

  async function send(text: string) {
    const message = text.trim();
    if (!message || waiting) return;
    const mine: ChatMessage = { id: nextLocalId('me'), role: 'user', content: message, created_at: new Date().toISOString() };
    const replyId = nextLocalId('assistant');
    const controller = new AbortController();
    turn.current = controller;
    setMessages((current) => [...current, mine]);
    setDraft('');
    setError(undefined);
    setNotice(undefined);
    setWaiting(true);
    try {
      const reply = await converse(message, replyId, controller.signal);
      patchReply(replyId, (r) => ({ ...r, content: reply.response, tool_calls: reply.tool_calls, steps: undefined }));
    } catch (failure) {
      // Nothing was stored for a failed or stopped turn: take the message back so it can be resent.
      setMessages((current) => current.filter((existing) => existing.id !== mine.id && existing.id !== replyId));
      setDraft(message);
      if (controller.signal.aborted) setNotice('Stopped. Nothing was changed.');
      else if (failure instanceof ApiError) setError(failure.message);
      else setError('Cannot reach the server. Check your connection and try again.');
    } finally {
      turn.current = undefined;
      setWaiting(false);
    }
  }

  async function clear() {
    setClearing(true);
    setError(undefined);
    try {
      await apiRequest('/api/conversations/clear', { method: 'DELETE' });
      setMessages([]);
      setConfirmClear(false);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The conversation could not be cleared.');
    } finally {
      setClearing(false);
    }
  }

  return (
    <section aria-labelledby="chat-heading" className="card flex min-h-[70dvh] flex-col overflow-hidden">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <div>
          <h1 id="chat-heading" className="text-lg font-semibold text-slate-900">Task assistant</h1>
          <p className="text-xs text-slate-500">Manage your tasks in plain words.</p>
        </div>
        {messages.length > 0 && !confirmClear && (
          <button type="button" className="btn-ghost text-sm" onClick={() => setConfirmClear(true)} disabled={waiting}>
            Clear conversation
          </button>
        )}
        {confirmClear && (
          <div role="group" aria-label="Confirm clearing" className="flex flex-wrap items-center gap-2">
            <span className="text-sm text-slate-700">Delete all messages?</span>
            <button type="button" className="btn-secondary py-1" onClick={() => setConfirmClear(false)} disabled={clearing} autoFocus>Cancel</button>
            <button type="button" className="btn-danger py-1" onClick={clear} disabled={clearing}>{clearing ? 'Clearing…' : 'Clear'}</button>
          </div>
        )}
      </div>
      {error && (
        <div role="alert" className="alert-error m-3 flex items-start justify-between gap-3">
          <span>{error}</span>
          <button type="button" className="text-red-700 hover:text-red-900" onClick={() => setError(undefined)} aria-label="Dismiss error">✕</button>
        </div>
      )}
      {notice && (
        <p role="status" className="m-3 text-sm text-slate-600">
          {notice}
        </p>
      )}
      <div className="flex flex-1 flex-col overflow-y-auto bg-slate-50">
        <MessageList messages={messages} waiting={waiting && !replyStarted} onExample={send} />
      </div>
      <ChatInput value={draft} onChange={setDraft} onSend={() => send(draft)} onStop={() => turn.current?.abort()} disabled={waiting} action={postAction} />
    </section>
  );
}
