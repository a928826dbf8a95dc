import { LIMITS } from '@todo/api-contract';
import { boolean, integer, pgTable, serial, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

// Tables and column types match the original backend (naive UTC timestamps), so its databases can
// be adopted by migration 0001 instead of being recreated.
const naiveUtc = (name: string) => timestamp(name, { mode: 'date', withTimezone: false });

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  name: varchar('name', { length: LIMITS.name.max }).notNull(),
  email: varchar('email', { length: LIMITS.email.max }).notNull(),
  passwordHash: varchar('password_hash', { length: 255 }).notNull(),
  createdAt: naiveUtc('created_at').notNull(),
  updatedAt: naiveUtc('updated_at').notNull(),
});

export const tasks = pgTable('tasks', {
  id: serial('id').primaryKey(),
  title: varchar('title', { length: LIMITS.title.max }).notNull(),
  description: varchar('description', { length: LIMITS.description.max }),
  completed: boolean('completed').notNull(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  createdAt: naiveUtc('created_at').notNull(),
  updatedAt: naiveUtc('updated_at').notNull(),
});

export const conversations = pgTable('conversations', {
  id: serial('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  createdAt: naiveUtc('created_at').notNull(),
  updatedAt: naiveUtc('updated_at').notNull(),
});

export const messages = pgTable('messages', {
  id: serial('id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  conversationId: integer('conversation_id')
    .notNull()
    .references(() => conversations.id),
  role: varchar('role', { length: 20 }).$type<'user' | 'assistant'>().notNull(),
  content: text('content').notNull(),
  createdAt: naiveUtc('created_at').notNull(),
});

export const schema = { users, tasks, conversations, messages };
export type UserRow = typeof users.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
