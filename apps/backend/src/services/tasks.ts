import type { Task } from '@todo/api-contract';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { tasks } from '../db/schema';

export type TaskFilter = 'all' | 'pending' | 'completed';

export interface TaskChanges {
  title?: string;
  /** `undefined` leaves the description as it is; `null` clears it. */
  description?: string | null;
}

/**
 * The naive-UTC column as the API writes it (`2026-01-02T03:04:05.123Z`, milliseconds truncated
 * like `Date#toISOString`): formatting in PostgreSQL saves a Date parse and format per timestamp.
 */
const isoUtc = (column: typeof tasks.createdAt, name: string): SQL.Aliased<string> =>
  sql<string>`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as(name);

/**
 * Tasks are read in the API's shape and field order, for every query and RETURNING clause; the
 * result columns carry the API's names, so the driver's own rows are already API tasks.
 */
const taskFields = {
  title: tasks.title,
  description: tasks.description,
  id: tasks.id,
  user_id: tasks.userId,
  completed: tasks.completed,
  created_at: isoUtc(tasks.createdAt, 'created_at'),
  updated_at: isoUtc(tasks.updatedAt, 'updated_at'),
};

export type { Task };

const owned = (userId: string, taskId: number) => and(eq(tasks.id, taskId), eq(tasks.userId, userId));

export function listTasks(db: Db, userId: string, filter: TaskFilter = 'all'): Promise<Task[]> {
  const byStatus =
    filter === 'pending' ? eq(tasks.completed, false) : filter === 'completed' ? eq(tasks.completed, true) : undefined;
  const order = filter === 'completed' ? [desc(tasks.updatedAt), desc(tasks.id)] : [desc(tasks.createdAt), desc(tasks.id)];
  return db
    .select(taskFields)
    .from(tasks)
    .where(and(eq(tasks.userId, userId), byStatus))
    .orderBy(...order);
}

/**
 * The REST listing, the hottest query of the API: a named prepared statement whose rows go to the
 * response as the driver returns them (the ORM's per-field mapping cost as much as the query).
 */
export function prepareTaskListing(database: Database): (userId: string) => Promise<Task[]> {
  const query = database.db
    .select(taskFields)
    .from(tasks)
    .where(eq(tasks.userId, sql.placeholder('userId')))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .toSQL();
  const run = database.prepare<Task>('list_tasks_newest_first', query);
  return (userId) => run([userId]);
}

export async function findTask(db: Db, userId: string, taskId: number): Promise<Task | undefined> {
  const [task] = await db.select(taskFields).from(tasks).where(owned(userId, taskId)).limit(1);
  return task;
}

export type CreateTask = (userId: string, title: string, description?: string | null) => Promise<Task>;

/** Creating a task as a named prepared statement: building the INSERT cost Drizzle more than running it. */
export function prepareTaskCreation(db: Db): CreateTask {
  const statement = db
    .insert(tasks)
    .values({
      userId: sql.placeholder('userId'),
      title: sql.placeholder('title'),
      description: sql.placeholder('description'),
      completed: false,
      createdAt: sql.placeholder('now'),
      updatedAt: sql.placeholder('now'),
    })
    .returning(taskFields)
    .prepare('create_task');
  return async (userId, title, description) => {
    const [task] = await statement.execute({ userId, title, description: description ?? null, now: new Date() });
    return task;
  };
}

export const createTask = (db: Db, userId: string, title: string, description?: string | null): Promise<Task> =>
  prepareTaskCreation(db)(userId, title, description);

export async function updateTask(db: Db, userId: string, taskId: number, changes: TaskChanges): Promise<Task | undefined> {
  const [task] = await db
    .update(tasks)
    .set({ title: changes.title, description: changes.description, updatedAt: new Date() })
    .where(owned(userId, taskId))
    .returning(taskFields);
  return task;
}

export async function setTaskCompleted(db: Db, userId: string, taskId: number, completed: boolean): Promise<Task | undefined> {
  const [task] = await db
    .update(tasks)
    .set({ completed, updatedAt: new Date() })
    .where(owned(userId, taskId))
    .returning(taskFields);
  return task;
}

export async function deleteTask(db: Db, userId: string, taskId: number): Promise<boolean> {
  const deleted = await db.delete(tasks).where(owned(userId, taskId)).returning({ id: tasks.id });
  return deleted.length > 0;
}
