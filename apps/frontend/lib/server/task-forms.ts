import 'server-only';
import { type FormState, type TaskField, taskBody, textField } from '../forms';
import { hasErrors, validateTask } from '../validation';
import { submitForUser } from './form-submit';
import type { Session } from './session';

/** A task's complete, reopen and delete buttons post this `intent`. */
export type TaskChange = 'complete' | 'reopen' | 'delete';

function taskIdOf(data: FormData): number | null {
  const id = Number(textField(data, 'taskId'));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The new-task form's post: null once the task exists, else the form again with what was typed. */
export async function createTaskFrom(data: FormData, session: Session, from: Pick<Headers, 'get'>): Promise<FormState<TaskField> | null> {
  return saveTaskFrom(data, session, from, { method: 'POST', rest: '/tasks' });
}

/** The edit form's post (PUT): null once saved, else the form again. */
export async function updateTaskFrom(data: FormData, session: Session, from: Pick<Headers, 'get'>): Promise<FormState<TaskField> | null> {
  const id = taskIdOf(data);
  if (id === null) return { values: {}, fields: {}, form: 'This task no longer exists.' };
  return saveTaskFrom(data, session, from, { method: 'PUT', rest: `/tasks/${id}` });
}

async function saveTaskFrom(
  data: FormData,
  session: Session,
  from: Pick<Headers, 'get'>,
  target: { method: 'POST' | 'PUT'; rest: string },
): Promise<FormState<TaskField> | null> {
  const values = { title: textField(data, 'title'), description: textField(data, 'description') };
  const fields = validateTask(values);
  if (hasErrors(fields)) return { values, fields };
  const answer = await submitForUser(session, target.rest, { method: target.method, json: taskBody(values.title, values.description), from });
  if (answer.ok) return null;
  const known = Object.keys(answer.error.fieldErrors).length > 0;
  return known ? { values, fields: answer.error.fieldErrors } : { values, fields: {}, form: answer.error.message };
}

/** A task's complete, reopen or delete button: undefined once done, else the message to show beside the task. */
export async function changeTaskFrom(data: FormData, session: Session, from: Pick<Headers, 'get'>): Promise<string | undefined> {
  const id = taskIdOf(data);
  const intent = textField(data, 'intent') as TaskChange;
  if (id === null || !['complete', 'reopen', 'delete'].includes(intent)) return 'That change is not one this page offers.';
  const answer =
    intent === 'delete'
      ? await submitForUser(session, `/tasks/${id}`, { method: 'DELETE', from })
      : await submitForUser(session, `/tasks/${id}/complete`, { method: 'PATCH', json: { completed: intent === 'complete' }, from });
  return answer.ok ? undefined : answer.error.message;
}
