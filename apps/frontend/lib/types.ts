export interface Task {
  id: number;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  created_at: string;
  tool_calls?: string[];
  /** A reply being streamed: its tool steps so far. */
  steps?: ToolStep[];
}

export interface ChatReply {
  conversation_id: string;
  response: string;
  tool_calls: string[];
}

export interface ValidationIssue {
  loc?: (string | number)[];
  msg?: string;
  type?: string;
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
