import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LegacyQuery, TaskCreateBody, TaskList, TaskPath, TaskStatusBody, TaskUpdateBody, UserPath } from '@todo/api-contract';
import { Type } from 'typebox';
import type { Database } from '../db/client';
import { fail } from '../errors';
import { currentUser } from '../plugins/auth';
import { deleteTask, findTask, prepareTaskCreation, prepareTaskListing, setTaskCompleted, updateTask, type Task } from '../services/tasks';

const found = (task: Task | undefined) => task ?? fail({ kind: 'task-not-found' });

const failures = {
  401: Type.Ref('Detail'),
  404: Type.Ref('Detail'),
  422: Type.Ref('ValidationDetail'),
};

/** R6–R11: a user's tasks. `?url_user_id=` is accepted and ignored. */
export async function taskRoutes(parent: FastifyInstance, options: { database: Database }) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = options.database;
  const listTasks = prepareTaskListing(options.database);
  const createTask = prepareTaskCreation(db);
  app.addHook('onRequest', app.authenticate);
  app.addHook('preHandler', app.requireOwnPath);
  const common = { tags: ['tasks'], security: [{ bearer: [] }], querystring: LegacyQuery };

  app.get(
    '/api/:user_id/tasks',
    { schema: { ...common, summary: 'List tasks, newest first', params: UserPath, response: { 200: TaskList, ...failures } } },
    async (request) => ({ tasks: await listTasks(currentUser(request).id) }),
  );

  app.post(
    '/api/:user_id/tasks',
    {
      schema: {
        ...common,
        summary: 'Create a task',
        params: UserPath,
        body: TaskCreateBody,
        response: { 201: Type.Ref('Task'), ...failures },
      },
    },
    async (request, reply) => {
      const { title, description } = request.body;
      return reply.code(201).send(await createTask(currentUser(request).id, title, description));
    },
  );

  app.get(
    '/api/:user_id/tasks/:task_id',
    { schema: { ...common, summary: 'Get one task', params: TaskPath, response: { 200: Type.Ref('Task'), ...failures } } },
    async (request) => found(await findTask(db, currentUser(request).id, request.params.task_id)),
  );

  app.put(
    '/api/:user_id/tasks/:task_id',
    {
      schema: {
        ...common,
        summary: 'Update title and/or description (absent: unchanged; description null: cleared)',
        params: TaskPath,
        body: TaskUpdateBody,
        response: { 200: Type.Ref('Task'), ...failures },
      },
    },
    async (request) => {
      const { title, description } = request.body;
      const changes = { title: title ?? undefined, description };
      return found(await updateTask(db, currentUser(request).id, request.params.task_id, changes));
    },
  );

  app.patch(
    '/api/:user_id/tasks/:task_id/complete',
    {
      schema: {
        ...common,
        summary: 'Mark a task completed or not',
        params: TaskPath,
        body: TaskStatusBody,
        response: { 200: Type.Ref('Task'), ...failures },
      },
    },
    async (request) => found(await setTaskCompleted(db, currentUser(request).id, request.params.task_id, request.body.completed)),
  );

  app.delete(
    '/api/:user_id/tasks/:task_id',
    { schema: { ...common, summary: 'Delete a task', params: TaskPath, response: { 204: Type.Null(), ...failures } } },
    async (request, reply) => {
      if (!(await deleteTask(db, currentUser(request).id, request.params.task_id))) fail({ kind: 'task-not-found' });
      return reply.code(204).send(null);
    },
  );
}
