'use client';

import { characterCount, inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import { type FormEvent, type KeyboardEvent } from 'react';
import { useHydrated } from '@/lib/use-hydrated';
import { validateChatMessage } from '@/lib/validation';

const MAX_MESSAGE_LENGTH = LIMITS.chatMessage.max;
/** The counter appears within a tenth of the limit. */
const COUNTER_FROM = MAX_MESSAGE_LENGTH * 0.9;

interface ChatInputProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  /** Ends the turn being answered (shown instead of Send while waiting). */
  onStop: () => void;
  disabled: boolean;
  /** The server action the form posts to before hydration (the hydrated form sends with `onSend`). */
  action: (data: FormData) => void;
}

/** Enter sends, Shift+Enter starts a new line; the counter appears near the character limit. */
export function ChatInput({ value, onChange, onSend, onStop, disabled, action }: ChatInputProps) {
  const hydrated = useHydrated();
  const length = characterCount(value);
  const canSend = !disabled && !validateChatMessage(value);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (canSend) onSend();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form action={action} onSubmit={submit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <div className="flex-1">
        <label htmlFor="chat-message" className="sr-only">Message</label>
        <textarea
          id="chat-message"
          name="message"
          required
          rows={1}
          value={value}
          maxLength={inputMaxLength(LIMITS.chatMessage)}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Message the assistant…"
          aria-describedby={length >= COUNTER_FROM ? 'chat-counter' : undefined}
          className="input max-h-40 min-h-[42px] resize-y"
        />
        {length >= COUNTER_FROM && (
          <p id="chat-counter" className={`mt-1 text-xs ${length > MAX_MESSAGE_LENGTH ? 'text-red-600' : 'text-slate-500'}`} aria-live="polite">
            {length}/{MAX_MESSAGE_LENGTH} characters
          </p>
        )}
      </div>
      {/* Separate keys: were Stop's node reused as Send, the click that stopped the turn would submit the form again. */}
      {disabled ? (
        <button key="stop" type="button" className="btn-secondary h-[42px]" onClick={onStop}>
          Stop
        </button>
      ) : (
        // Before hydration typing does not reach `value`, so the button cannot wait for it.
        <button key="send" type="submit" className="btn-primary h-[42px]" disabled={hydrated && !canSend}>
          Send
        </button>
      )}
    </form>
  );
}
