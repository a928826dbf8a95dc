'use client';

import { type FormEvent, type KeyboardEvent } from 'react';

export const MAX_MESSAGE_LENGTH = 2000;
const COUNTER_FROM = 1800;

interface ChatInputProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  /** Ends the turn being answered (shown instead of Send while waiting). */
  onStop: () => void;
  disabled: boolean;
}

/** Enter sends, Shift+Enter starts a new line; the counter appears near the 2000-character limit. */
export function ChatInput({ value, onChange, onSend, onStop, disabled }: ChatInputProps) {
  const trimmed = value.trim();
  const canSend = !disabled && trimmed.length > 0 && value.length <= MAX_MESSAGE_LENGTH;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (canSend) onSend();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <div className="flex-1">
        <label htmlFor="chat-message" className="sr-only">Message</label>
        <textarea
          id="chat-message"
          rows={1}
          value={value}
          maxLength={MAX_MESSAGE_LENGTH}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Message the assistant…"
          aria-describedby={value.length >= COUNTER_FROM ? 'chat-counter' : undefined}
          className="input max-h-40 min-h-[42px] resize-y"
        />
        {value.length >= COUNTER_FROM && (
          <p id="chat-counter" className={`mt-1 text-xs ${value.length >= MAX_MESSAGE_LENGTH ? 'text-red-600' : 'text-slate-500'}`} aria-live="polite">
            {value.length}/{MAX_MESSAGE_LENGTH} characters
          </p>
        )}
      </div>
      {/* Separate keys: were Stop's node reused as Send, the click that stopped the turn would submit the form again. */}
      {disabled ? (
        <button key="stop" type="button" className="btn-secondary h-[42px]" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button key="send" type="submit" className="btn-primary h-[42px]" disabled={!canSend}>
          Send
        </button>
      )}
    </form>
  );
}
