import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { conversations, messages, type MessageRow } from '../db/schema';

export type Role = 'user' | 'assistant';

/** The wire id of a user's (single) conversation, as the original API spelled it. */
export const conversationLabel = (userId: string) => `user_${userId}`;

/** Takes a per-user transaction lock: one chat turn at a time per user keeps history in order. */
export async function lockConversation(tx: Db, userId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'chat:' + userId}))`);
}

export async function ensureConversation(tx: Db, userId: string): Promise<number> {
  const [existing] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.userId, userId))
    .orderBy(asc(conversations.id))
    .limit(1);
  if (existing) return existing.id;
  const now = new Date();
  const [created] = await tx
    .insert(conversations)
    .values({ userId, createdAt: now, updatedAt: now })
    .returning({ id: conversations.id });
  return created.id;
}

/** The user's last `limit` messages, oldest first. */
export async function recentMessages(db: Db, userId: string, limit: number): Promise<MessageRow[]> {
  const newest = await db
    .select()
    .from(messages)
    .where(eq(messages.userId, userId))
    .orderBy(desc(messages.id))
    .limit(limit);
  return newest.reverse();
}

export async function appendMessages(
  tx: Db,
  conversationId: number,
  userId: string,
  turn: { role: Role; content: string }[],
): Promise<void> {
  const now = Date.now();
  await tx.insert(messages).values(
    turn.map((m, i) => ({ conversationId, userId, role: m.role, content: m.content, createdAt: new Date(now + i) })),
  );
  await tx.update(conversations).set({ updatedAt: new Date(now) }).where(eq(conversations.id, conversationId));
}

export async function clearConversations(db: Db, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const own = tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.userId, userId));
    await tx.delete(messages).where(and(eq(messages.userId, userId)));
    await tx.delete(messages).where(inArray(messages.conversationId, own));
    await tx.delete(conversations).where(eq(conversations.userId, userId));
  });
}
