'use client';

import { useActionState, useState } from 'react';
import { sendChatMessage } from '@/app/chat/actions';
import { ApiError, apiRequest } from '@/lib/api-client';
import { emptyFormState } from '@/lib/forms';
import type { ChatMessage, ChatReply } from '@/lib/types';
import { ChatInput } from './ChatInput';
import { MessageList } from './MessageList';

let localId = 0;
const nextLocalId = (prefix: string) => `${prefix}-${Date.now()}-${++localId}`;

/** The chat of /chat: history from the server, optimistic sending, errors, and clearing. */
export function ChatPanel({ initialMessages }: { initialMessages: ChatMessage[] }) {
  // Before hydration the form posts to this server action; a failed post comes back with the message kept.
  const [posted, postAction] = useActionState(sendChatMessage, emptyFormState<'message'>());
  const [messages, setMessages] = useState(initialMessages);
  const [draft, setDraft] = useState(posted.values.message ?? '');
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState(posted.form);
  const [confirmClear, setConfirmClear] = useState(false);
  const [clearing, setClearing] = useState(false);

  async function send(text: string) {
    const message = text.trim();
    if (!message || waiting) return;
    const mine: ChatMessage = { id: nextLocalId('me'), role: 'user', content: message, created_at: new Date().toISOString() };
    setMessages((current) => [...current, mine]);
    setDraft('');
    setError(undefined);
    setWaiting(true);
    try {
      const reply = await apiRequest<ChatReply>('/api/chat', { method: 'POST', body: { message } });
      setMessages((current) => [
        ...current,
        { id: nextLocalId('assistant'), role: 'assistant', content: reply.response, created_at: new Date().toISOString(), tool_calls: reply.tool_calls },
      ]);
    } catch (failure) {
      // Nothing was stored for a failed turn: take the message back so it can be resent.
      setMessages((current) => current.filter((existing) => existing.id !== mine.id));
      setDraft(message);
      setError(failure instanceof ApiError ? failure.message : 'The message could not be sent.');
    } finally {
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
      <div className="flex flex-1 flex-col overflow-y-auto bg-slate-50">
        <MessageList messages={messages} waiting={waiting} onExample={send} />
      </div>
      <ChatInput value={draft} onChange={setDraft} onSend={() => send(draft)} disabled={waiting} action={postAction} />
    </section>
  );
}
