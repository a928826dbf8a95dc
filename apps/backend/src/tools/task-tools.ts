import { LIMITS, TaskCreateBody, TaskId, TaskUpdateBody } from '@todo/api-contract';
import { Type, type Static, type TObject } from 'typebox';
import { z } from 'zod';
import type { Db } from '../db/client';
import { compileBodyCheck } from '../plugins/validation';
import { createTask, deleteTask, listTasks, setTaskCompleted, updateTask, type Task, type TaskFilter } from '../services/tasks';

/**
 * The five task tools, written once and served both to the chat agent and by the MCP server.
 * Each acts for the user it is bound to; the model never chooses the user.
 *
 * A tool's arguments are checked with the API's own schemas (libs/api-contract), compiled by the same
 * validator as the REST bodies, so a title or description is accepted by a tool exactly when REST
 * accepts it. `parameters`, what a model or an MCP client is shown, is generated from the same schema.
 */
export interface ToolResult {
  ok: boolean;
  text: string;
}

export interface TaskTool {
  name: string;
  description: string;
  parameters: z.ZodObject;
  /** What the tool's schema refuses in `args` (the limits REST applies), in words; undefined when it accepts them. */
  check(args: unknown): string | undefined;
  /** Checks `args` first: a refused call answers a `❌` result and touches nothing. */
  run(db: Db, userId: string, args: unknown): Promise<ToolResult>;
}

interface ToolSpec<S extends TObject> {
  name: string;
  description: string;
  schema: S;
  /** What the answer starts with when the arguments are refused. */
  refusal?: string;
  run(db: Db, userId: string, args: Static<S>): Promise<ToolResult>;
}

const ok = (text: string): ToolResult => ({ ok: true, text });
const failed = (text: string): ToolResult => ({ ok: false, text: `❌ ${text}` });
const notFound = (id: number) => failed(`Task #${id} not found or doesn't belong to you`);

/**
 * The zod shape a schema is shown as: its fields' types and descriptions. Optional fields are nullable
 * too (strict function-calling schemas send null for "not given"). The limits are not repeated here:
 * the schema itself checks them, in `run`.
 */
function parametersOf(schema: TObject): z.ZodObject {
  const required = new Set<string>(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([key, property]) => {
    const { type, description } = property as { type?: string | string[]; description?: string };
    const types = [type].flat();
    let field: z.ZodType = types.includes('integer') ? z.number().int() : z.string();
    if (types.includes('null') || !required.has(key)) field = field.nullable();
    if (!required.has(key)) field = field.optional();
    return [key, description ? field.describe(description) : field] as const;
  });
  return z.object(Object.fromEntries(fields));
}

function defineTool<S extends TObject>(spec: ToolSpec<S>): TaskTool {
  const problemIn = compileBodyCheck(spec.schema);
  return {
    name: spec.name,
    description: spec.description,
    parameters: parametersOf(spec.schema),
    check: problemIn,
    async run(db, userId, args) {
      const problem = problemIn(args);
      if (problem) return failed(spec.refusal ? `${spec.refusal}: ${problem}` : problem);
      return spec.run(db, userId, args as Static<S>);
    },
  };
}

/** A schema's field with the wording a tool needs (the limits stay the schema's). */
const described = <T extends object>(property: T, description: string): T => ({ ...property, description });

const taskId = Type.Integer({ ...TaskId, description: 'The task number, as shown by list_tasks (#12 → 12)' });

const filterOf = (status: string | null | undefined): TaskFilter =>
  status === 'pending' || status === 'completed' ? status : 'all';

const taskLine = (task: Task) =>
  `${task.completed ? '✅' : '⬜'} #${task.id}: ${task.title}${task.description ? ` - ${task.description}` : ''}`.trimEnd();

export const addTask = defineTool({
  name: 'add_task',
  description: 'Create a new task for the user (adding, creating or remembering something to do).',
  schema: TaskCreateBody,
  refusal: 'Failed to create task',
  async run(db, userId, { title, description }) {
    const task = await createTask(db, userId, title, description ? description : null);
    return ok(`✅ Created task #${task.id}: '${task.title}'`);
  },
});

export const listTasksTool = defineTool({
  name: 'list_tasks',
  description: "List the user's tasks; status is 'all' (default), 'pending' or 'completed'.",
  schema: Type.Object({
    status: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], description: "Which tasks: 'all', 'pending' or 'completed'" })),
  }),
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
  description: "Mark one of the user's tasks as done (completed, finished).",
  schema: Type.Object({ task_id: taskId }),
  async run(db, userId, { task_id }) {
    const task = await setTaskCompleted(db, userId, task_id, true);
    return task ? ok(`✅ Marked task #${task.id} as completed: '${task.title}'`) : notFound(task_id);
  },
});

export const deleteTaskTool = defineTool({
  name: 'delete_task',
  description: "Delete (remove) one of the user's tasks.",
  schema: Type.Object({ task_id: taskId }),
  async run(db, userId, { task_id }) {
    return (await deleteTask(db, userId, task_id)) ? ok(`🗑️ Deleted task #${task_id}`) : notFound(task_id);
  },
});

const { title, description } = TaskUpdateBody.properties;
export const updateTaskTool = defineTool({
  name: 'update_task',
  description: "Change the title and/or description of one of the user's tasks; an empty description clears it.",
  schema: Type.Object({
    task_id: taskId,
    title: Type.Optional(described(title, `New title (${LIMITS.title.min}-${LIMITS.title.max} characters); null: unchanged`)),
    description: Type.Optional(described(description, `New description (at most ${LIMITS.description.max} characters); an empty string clears it; null: unchanged`)),
  }),
  refusal: 'Failed to update task',
  async run(db, userId, { task_id, title, description }) {
    const given = (value: string | null | undefined) => value !== undefined && value !== null;
    if (!given(title) && !given(description)) return failed('Please provide either title or description to update');
    const changes = { title: title ?? undefined, description: description === '' ? null : (description ?? undefined) };
    const task = await updateTask(db, userId, task_id, changes);
    return task ? ok(`✏️ Updated task #${task.id}: '${task.title}'`) : notFound(task_id);
  },
});

export const taskTools: TaskTool[] = [addTask, listTasksTool, completeTask, deleteTaskTool, updateTaskTool];
