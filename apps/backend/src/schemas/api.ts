import { Type, type Static } from 'typebox';

// Request and response shapes, declared once: Fastify validates and serialises with them and the
// OpenAPI document is generated from them. Field names and order follow the original API.

// PostgreSQL text cannot hold NUL characters: refuse them up front (422) instead of failing in the database.
const NO_NUL = '^[^\\x00]*$';
const text = (options: { minLength?: number; maxLength: number }) => Type.String({ ...options, pattern: NO_NUL });
const nullableString = (options: { minLength?: number; maxLength?: number; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...(options.maxLength ? { pattern: NO_NUL } : {}), ...options });
const timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC (`Z`)' });

export const Detail = Type.Object({ detail: Type.String() }, { $id: 'Detail' });
export const ValidationDetail = Type.Object(
  {
    detail: Type.Array(
      Type.Object({
        loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
        msg: Type.String(),
        type: Type.String(),
        ctx: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
  },
  { $id: 'ValidationDetail' },
);

export const UserPath = Type.Object({ user_id: Type.String({ format: 'uuid' }) });
export const TaskPath = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  task_id: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
});
/** Accepted for compatibility with the original frontend, and ignored. */
export const LegacyQuery = Type.Object({ url_user_id: Type.Optional(Type.String()) });

export const RegisterBody = Type.Object({
  name: text({ minLength: 1, maxLength: 100 }),
  email: Type.String({ format: 'email', maxLength: 255 }),
  password: Type.String({ minLength: 8, maxLength: 128 }),
});
export const RegisterReply = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  email: Type.String(),
  message: Type.String(),
});
export const LoginBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 255 }),
  password: Type.String({ minLength: 8, maxLength: 128 }),
});
export const LoginReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('bearer'),
  user: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), email: Type.String() }),
});

export const Task = Type.Object(
  {
    title: Type.String(),
    description: nullableString(),
    id: Type.Integer(),
    user_id: Type.String({ format: 'uuid' }),
    completed: Type.Boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Task' },
);
export const TaskList = Type.Object({ tasks: Type.Array(Type.Ref('Task')) });
export const TaskCreateBody = Type.Object({
  title: text({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(nullableString({ maxLength: 1000 })),
});
export const TaskUpdateBody = Type.Object({
  title: Type.Optional(nullableString({ minLength: 1, maxLength: 200, description: 'absent or null: unchanged' })),
  description: Type.Optional(nullableString({ maxLength: 1000, description: 'absent: unchanged; null: cleared' })),
});
export const TaskStatusBody = Type.Object({ completed: Type.Boolean() });

export const ChatBody = Type.Object({ message: text({ minLength: 1, maxLength: 2000 }) });
export const ChatReply = Type.Object({
  conversation_id: Type.String(),
  response: Type.String(),
  tool_calls: Type.Array(Type.String(), { description: 'Tools the agent really invoked in this turn, in order' }),
});
export const History = Type.Object({
  conversation_id: Type.String(),
  messages: Type.Array(
    Type.Object({
      role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
      content: Type.String(),
      id: Type.Integer(),
      created_at: timestamp,
    }),
  ),
});
export const Message = Type.Object({ message: Type.String() });

export type TaskJson = Static<typeof Task>;
