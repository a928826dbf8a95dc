'use client';

import { useEffect, useRef } from 'react';
import { LocalTime } from '@/components/LocalTime';
import type { ChatMessage } from '@/lib/types';
import { ToolBadges } from './ToolBadges';
import { ToolSteps } from './ToolSteps';

export const EXAMPLE_PROMPTS = [
  'add task buy groceries',
  'show me all pending tasks',
  'mark task 3 as done',
  'delete the meeting task',
];

interface MessageListProps {
  messages: ChatMessage[];
  waiting: boolean;
  onExample: (prompt: string) => void;
}

export function MessageList({ messages, waiting, onExample }: MessageListProps) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, messages.at(-1)?.content.length, waiting]);

  if (messages.length === 0 && !waiting) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center px-4 py-10 text-center">
        <p className="text-lg font-semibold text-slate-900">Start a conversation</p>
        <p className="mt-1 max-w-sm text-sm text-slate-600">Ask the assistant to add, list, complete, update or delete your tasks. Try one of these:</p>
        <ul className="mt-4 flex flex-wrap justify-center gap-2">
          {EXAMPLE_PROMPTS.map((prompt) => (
            <li key={prompt}>
              <button type="button" className="btn-secondary rounded-full" onClick={() => onExample(prompt)}>
                {prompt}
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }

  return (
    <ol className="flex flex-1 flex-col gap-3 px-3 py-4 sm:px-4" aria-label="Conversation" aria-live="polite" aria-relevant="additions">
      {messages.map((message) => {
        const mine = message.role === 'user';
        return (
          <li key={message.id} className={`flex ${mine ? 'justify-end' : 'justify-start'}`} data-testid={`message-${message.role}`}>
            <div
              className={`max-w-[85%] rounded-2xl px-4 py-2.5 text-sm shadow-sm ${
                mine ? 'rounded-br-md bg-brand-600 text-white' : 'rounded-bl-md border border-slate-200 bg-white text-slate-900'
              }`}
            >
              <span className="sr-only">{mine ? 'You' : 'Assistant'}: </span>
              {message.steps && <ToolSteps steps={message.steps} />}
              <p className="whitespace-pre-wrap break-words">{message.content}</p>
              {message.tool_calls && <ToolBadges tools={message.tool_calls} />}
              <p className={`mt-1 text-right text-[11px] ${mine ? 'text-brand-100' : 'text-slate-400'}`}>
                <LocalTime iso={message.created_at} format="time" />
              </p>
            </div>
          </li>
        );
      })}
      {waiting && (
        <li className="flex justify-start" data-testid="typing-indicator">
          <div className="flex items-center gap-1 rounded-2xl rounded-bl-md border border-slate-200 bg-white px-4 py-3" role="status">
            <span className="sr-only">The assistant is typing…</span>
            <span aria-hidden="true" className="typing-dot h-2 w-2 rounded-full bg-slate-400" />
            <span aria-hidden="true" className="typing-dot h-2 w-2 rounded-full bg-slate-400" />
            <span aria-hidden="true" className="typing-dot h-2 w-2 rounded-full bg-slate-400" />
          </div>
        </li>
      )}
      <div ref={end} />
    </ol>
  );
}
