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
