import { z } from 'zod';
import type { Db } from '../db/client';
import { observedTool } from '../observability/tools';
import { createTask, deleteTask, listTasks, setTaskCompleted, updateTask, type Task, type TaskFilter } from '../services/tasks';

/**
 * The five task tools, written once and served both to the chat agent and by the MCP server.
 * Each acts for the user it is bound to; the model never chooses the user.
 */
export interface ToolResult {
  ok: boolean;
  text: string;
}

export interface TaskTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  parameters: S;
  run(db: Db, userId: string, args: z.infer<S>): Promise<ToolResult>;
}

const defineTool = <S extends z.ZodObject>(tool: TaskTool<S>) => tool;
const ok = (text: string): ToolResult => ({ ok: true, text });
const failed = (text: string): ToolResult => ({ ok: false, text: `❌ ${text}` });
const notFound = (id: number) => failed(`Task #${id} not found or doesn't belong to you`);

// Optional arguments are nullable too: strict function-calling schemas send null for "not given".
const optionalText = (description: string) => z.string().nullable().optional().describe(description);
const taskId = z.number().int().describe('The task number, as shown by list_tasks (#12 → 12)');

function titleProblem(title: string | null | undefined): string | undefined {
  if (title === undefined || title === null) return undefined;
  if (title.trim().length === 0) return 'the title must not be empty';
  if (title.length > 200) return 'the title must be at most 200 characters';
  if (title.includes('\u0000')) return 'the title must not contain NUL characters';
  return undefined;
}

function descriptionProblem(description: string | null | undefined): string | undefined {
  if (!description) return undefined;
  if (description.length > 1000) return 'the description must be at most 1000 characters';
  return description.includes('\u0000') ? 'the description must not contain NUL characters' : undefined;
}

const filterOf = (status: string | null | undefined): TaskFilter =>
  status === 'pending' || status === 'completed' ? status : 'all';

const taskLine = (task: Task) =>
  `${task.completed ? '✅' : '⬜'} #${task.id}: ${task.title}${task.description ? ` - ${task.description}` : ''}`.trimEnd();

export const addTask = defineTool({
  name: 'add_task',
  description: 'Create a new task for the user (adding, creating or remembering something to do).',
  parameters: z.object({
    title: z.string().describe('Short title of the task (1-200 characters)'),
    description: optionalText('Optional longer description (at most 1000 characters)'),
  }),
  async run(db, userId, { title, description }) {
    const problem = titleProblem(title) ?? descriptionProblem(description);
    if (problem) return failed(`Failed to create task: ${problem}`);
    const task = await createTask(db, userId, title, description ? description : null);
    return ok(`✅ Created task #${task.id}: '${task.title}'`);
  },
});

export const listTasksTool = defineTool({
  name: 'list_tasks',
  description: "List the user's tasks; status is 'all' (default), 'pending' or 'completed'.",
  parameters: z.object({ status: optionalText("Which tasks: 'all', 'pending' or 'completed'") }),
  async run(db, userId, { status }) {
    const filter = filterOf(status);
    const found = await listTasks(db, userId, filter);
    const label = filter === 'all' ? '' : `${filter} `;
    if (found.length === 0) return ok(`📋 No ${label}tasks found.`);
    const heading = filter === 'all' ? 'All' : filter[0].toUpperCase() + filter.slice(1);
    return ok([`📋 ${heading} tasks (${found.length}):`, ...found.map(taskLine)].join('\n'));
  },
});

export const completeTask = defineTool({
  name: 'complete_task',
  description: 'Mark one of the user\'s tasks as done (completed, finished).',
  parameters: z.object({ task_id: taskId }),
  async run(db, userId, { task_id }) {
    const task = await setTaskCompleted(db, userId, task_id, true);
    return task ? ok(`✅ Marked task #${task.id} as completed: '${task.title}'`) : notFound(task_id);
  },
});

export const deleteTaskTool = defineTool({
  name: 'delete_task',
  description: "Delete (remove) one of the user's tasks.",
  parameters: z.object({ task_id: taskId }),
  async run(db, userId, { task_id }) {
    return (await deleteTask(db, userId, task_id)) ? ok(`🗑️ Deleted task #${task_id}`) : notFound(task_id);
  },
});

export const updateTaskTool = defineTool({
  name: 'update_task',
  description: "Change the title and/or description of one of the user's tasks.",
  parameters: z.object({
    task_id: taskId,
    title: optionalText('New title (1-200 characters)'),
    description: optionalText('New description (at most 1000 characters)'),
  }),
  async run(db, userId, { task_id, title, description }) {
    if (!title && !description) return failed('Please provide either title or description to update');
    const problem = titleProblem(title) ?? descriptionProblem(description);
    if (problem) return failed(`Failed to update task: ${problem}`);
    const task = await updateTask(db, userId, task_id, { title: title || undefined, description: description || undefined });
    return task ? ok(`✏️ Updated task #${task.id}: '${task.title}'`) : notFound(task_id);
  },
});

export const taskTools = ([addTask, listTasksTool, completeTask, deleteTaskTool, updateTaskTool] as TaskTool[]).map(observedTool);
