import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { tasks } from '../db/schema';

type TaskRow = typeof tasks.$inferSelect;

/** What one tool run did to the user's tasks: the row before (absent: created) and after (absent: deleted). */
export interface TaskChange {
  before?: TaskRow;
  after?: TaskRow;
}

/** The user's tasks by id, as stored (for a before/after comparison around one tool run). */
export async function snapshotTasks(db: Db, userId: string): Promise<Map<number, TaskRow>> {
  const rows = await db.select().from(tasks).where(eq(tasks.userId, userId));
  return new Map(rows.map((row) => [row.id, row]));
}

const sameRow = (a: TaskRow, b: TaskRow) =>
  a.title === b.title && a.description === b.description && a.completed === b.completed && a.updatedAt.getTime() === b.updatedAt.getTime();

export function diffTasks(before: Map<number, TaskRow>, after: Map<number, TaskRow>): TaskChange[] {
  const changes: TaskChange[] = [];
  for (const [id, row] of after) {
    const old = before.get(id);
    if (!old || !sameRow(old, row)) changes.push({ before: old, after: row });
  }
  for (const [id, row] of before) if (!after.has(id)) changes.push({ before: row });
  return changes;
}

/**
 * Puts back what a failed or stopped chat turn changed, newest change first, in one transaction. A row
 * someone changed since (its updated_at moved on) is left as they made it.
 */
export async function undoTaskChanges(db: Db, userId: string, changes: TaskChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.transaction(async (tx) => {
    for (const { before, after } of [...changes].reverse()) {
      const untouchedSince = after && and(eq(tasks.id, after.id), eq(tasks.userId, userId), eq(tasks.updatedAt, after.updatedAt));
      if (!before && untouchedSince) await tx.delete(tasks).where(untouchedSince);
      else if (before && untouchedSince) {
        const { title, description, completed, updatedAt } = before;
        await tx.update(tasks).set({ title, description, completed, updatedAt }).where(untouchedSince);
      } else if (before) await tx.insert(tasks).values(before).onConflictDoNothing();
    }
  });
}
