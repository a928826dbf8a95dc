import { Type, type Static } from 'typebox';
import { LIMITS, TEXT_RULES } from './limits.js';

// Request and response shapes, declared once: the backend validates and serialises with them, the
// OpenAPI document and the task tools' parameters are generated from them, and the clients take their
// static types. Field names and order follow the original API.

interface TextLimit {
  min?: number;
  max: number;
}

/** JSON Schema keywords of a text field: its length limit, no NUL, and (`notBlank`) a non-whitespace character. */
const textKeywords = (limit: TextLimit, notBlank: boolean) => ({
  ...(limit.min === undefined ? {} : { minLength: limit.min }),
  maxLength: limit.max,
  pattern: TEXT_RULES.noNul.pattern,
  ...(notBlank ? { allOf: [{ pattern: TEXT_RULES.notBlank.pattern }] } : {}),
});
const text = (limit: TextLimit, options: { notBlank?: boolean; description?: string } = {}) =>
  Type.String({ ...textKeywords(limit, options.notBlank ?? false), ...(options.description ? { description: options.description } : {}) });
const nullableText = (limit: TextLimit, options: { notBlank?: boolean; description: string }) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...textKeywords(limit, options.notBlank ?? false), description: options.description });
const timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC (`Z`)' });
const uuid = () => Type.String({ format: 'uuid' });

// Error shapes: `{ detail: string }` for every failure but validation, which lists its issues as
// FastAPI/pydantic did (what the original frontend parses).
export const Detail = Type.Object({ detail: Type.String() }, { $id: 'Detail' });
export const ValidationIssue = Type.Object({
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
  msg: Type.String(),
  type: Type.String(),
  ctx: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export const ValidationDetail = Type.Object({ detail: Type.Array(ValidationIssue) }, { $id: 'ValidationDetail' });

export const UserPath = Type.Object({ user_id: uuid() });
export const TaskId = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });
export const TaskPath = Type.Object({ user_id: uuid(), task_id: TaskId });
/** Accepted for compatibility with the original frontend, and ignored. */
export const LegacyQuery = Type.Object({ url_user_id: Type.Optional(Type.String()) });

const email = Type.String({ format: 'email', maxLength: LIMITS.email.max });
const password = Type.String({ minLength: LIMITS.password.min, maxLength: LIMITS.password.max });
export const RegisterBody = Type.Object({ name: text(LIMITS.name, { notBlank: true }), email, password });
export const RegisterReply = Type.Object({ id: uuid(), name: Type.String(), email: Type.String(), message: Type.String() });
export const LoginBody = Type.Object({ email, password });
export const LoginReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  user: Type.Object({ id: uuid(), name: Type.String(), email: Type.String() }),
});

export const Task = Type.Object(
  {
    title: Type.String(),
    description: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
    id: Type.Integer(),
    user_id: uuid(),
    completed: Type.Boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Task' },
);
export const TaskList = Type.Object({ tasks: Type.Array(Type.Ref('Task')) });
export const TaskCreateBody = Type.Object({
  title: text(LIMITS.title, { notBlank: true, description: `Short title of the task (${LIMITS.title.min}-${LIMITS.title.max} characters)` }),
  description: Type.Optional(nullableText(LIMITS.description, { description: `Optional longer description (at most ${LIMITS.description.max} characters)` })),
});
export const TaskUpdateBody = Type.Object({
  title: Type.Optional(nullableText(LIMITS.title, { notBlank: true, description: `New title (${LIMITS.title.min}-${LIMITS.title.max} characters); absent or null: unchanged` })),
  description: Type.Optional(nullableText(LIMITS.description, { description: `New description (at most ${LIMITS.description.max} characters); absent: unchanged; null: cleared` })),
});
export const TaskStatusBody = Type.Object({ completed: Type.Boolean() });

export const ChatBody = Type.Object({ message: text(LIMITS.chatMessage, { notBlank: true }) });
export const ChatReply = Type.Object({
  conversation_id: Type.String(),
  response: Type.String(),
  tool_calls: Type.Array(Type.String(), { description: 'Tools the agent really invoked in this turn, in order' }),
});
export const HistoryMessage = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.String(),
  id: Type.Integer(),
  created_at: timestamp,
});
export const History = Type.Object({ conversation_id: Type.String(), messages: Type.Array(HistoryMessage) });
export const Message = Type.Object({ message: Type.String() });

export type Detail = Static<typeof Detail>;
export type ValidationIssue = Static<typeof ValidationIssue>;
export type ValidationDetail = Static<typeof ValidationDetail>;
export type RegisterBody = Static<typeof RegisterBody>;
export type RegisterReply = Static<typeof RegisterReply>;
export type LoginBody = Static<typeof LoginBody>;
export type LoginReply = Static<typeof LoginReply>;
export type Task = Static<typeof Task>;
export interface TaskList {
  tasks: Task[];
}
export type TaskCreateBody = Static<typeof TaskCreateBody>;
export type TaskUpdateBody = Static<typeof TaskUpdateBody>;
export type TaskStatusBody = Static<typeof TaskStatusBody>;
export type ChatBody = Static<typeof ChatBody>;
export type ChatReply = Static<typeof ChatReply>;
export type HistoryMessage = Static<typeof HistoryMessage>;
export type History = Static<typeof History>;
export type Message = Static<typeof Message>;
