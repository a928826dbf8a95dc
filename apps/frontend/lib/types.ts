// The API's shapes are the contract's (libs/api-contract), imported as types only: nothing of the schema
// library reaches the browser.
export type { ChatReply, Task, ValidationIssue } from '@todo/api-contract';

/** A message as the chat panel shows it: from the history, or sent in this session with its tool calls. */
export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  created_at: string;
  tool_calls?: string[];
  /** A reply being streamed: its tool steps so far. */
  steps?: ToolStep[];
}

/** The task a tool step is about, as the backend names it in its chat events. */
export interface TaskRef {
  id?: number;
  title?: string;
}

/** One tool step of a streamed chat turn, as the page shows it ("Adding 'buy milk'…"). */
export interface ToolStep {
  tool: string;
  task?: TaskRef;
  state: 'running' | 'done' | 'failed';
}
