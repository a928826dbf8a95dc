import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { tasks, type TaskRow } from '../db/schema';

export type TaskFilter = 'all' | 'pending' | 'completed';

export interface TaskChanges {
  title?: string;
  /** `undefined` leaves the description as it is; `null` clears it. */
  description?: string | null;
}

const owned = (userId: string, taskId: number) => and(eq(tasks.id, taskId), eq(tasks.userId, userId));

export function listTasks(db: Db, userId: string, filter: TaskFilter = 'all'): Promise<TaskRow[]> {
  const byStatus =
    filter === 'pending' ? eq(tasks.completed, false) : filter === 'completed' ? eq(tasks.completed, true) : undefined;
  const order = filter === 'completed' ? [desc(tasks.updatedAt), desc(tasks.id)] : [desc(tasks.createdAt), desc(tasks.id)];
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.userId, userId), byStatus))
    .orderBy(...order);
}

/** The REST listing as a named prepared statement: it is the hottest query of the API. */
export function prepareTaskListing(db: Db): (userId: string) => Promise<TaskRow[]> {
  const statement = db
    .select()
    .from(tasks)
    .where(eq(tasks.userId, sql.placeholder('userId')))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .prepare('list_tasks_newest_first');
  return (userId) => statement.execute({ userId });
}

export async function findTask(db: Db, userId: string, taskId: number): Promise<TaskRow | undefined> {
  const [task] = await db.select().from(tasks).where(owned(userId, taskId)).limit(1);
  return task;
}

export async function createTask(db: Db, userId: string, title: string, description?: string | null): Promise<TaskRow> {
  const now = new Date();
  const [task] = await db
    .insert(tasks)
    .values({ userId, title, description: description ?? null, completed: false, createdAt: now, updatedAt: now })
    .returning();
  return task;
}

export async function updateTask(db: Db, userId: string, taskId: number, changes: TaskChanges): Promise<TaskRow | undefined> {
  const [task] = await db
    .update(tasks)
    .set({ title: changes.title, description: changes.description, updatedAt: new Date() })
    .where(owned(userId, taskId))
    .returning();
  return task;
}

export async function setTaskCompleted(db: Db, userId: string, taskId: number, completed: boolean): Promise<TaskRow | undefined> {
  const [task] = await db
    .update(tasks)
    .set({ completed, updatedAt: new Date() })
    .where(owned(userId, taskId))
    .returning();
  return task;
}

export async function deleteTask(db: Db, userId: string, taskId: number): Promise<boolean> {
  const deleted = await db.delete(tasks).where(owned(userId, taskId)).returning({ id: tasks.id });
  return deleted.length > 0;
}
