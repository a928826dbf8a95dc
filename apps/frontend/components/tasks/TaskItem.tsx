'use client';

import { type FormEvent, type MouseEvent, useActionState, useState } from 'react';
import { changeTask, updateTask } from '@/app/tasks/actions';
import { FormField } from '@/components/FormField';
import { CheckIcon } from '@/components/icons';
import { LocalTime } from '@/components/LocalTime';
import { ViewButton } from '@/components/ViewButton';
import { ApiError, apiRequest } from '@/lib/api-client';
import { emptyFormState, type TaskField, taskBody, textField } from '@/lib/forms';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import type { Task } from '@/lib/types';
import { type FieldErrors, hasErrors, validateTask } from '@/lib/validation';

export type Mode = 'view' | 'edit' | 'confirm-delete';

/** Edits within the same second are the creation itself, not an update worth showing (F11). */
function wasUpdated(task: Task): boolean {
  return new Date(task.updated_at).getTime() - new Date(task.created_at).getTime() > 1000;
}

function messageOf(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback;
}

/** Once hydrated, a button that would post runs `action` in place instead. */
const inPlace = (action: () => void) => (event: MouseEvent<HTMLButtonElement>) => {
  event.preventDefault();
  action();
};

interface TaskItemProps {
  task: Task;
  /** The mode the page URL asked for (`?edit=<id>`, `?delete=<id>`), so the buttons work without JavaScript. */
  initialMode?: Mode;
  onChanged: (task: Task) => void;
  onRemoved: (task: Task) => void;
}

/**
 * One task with its actions. Each posts to a server action (`changeTask`, `updateTask`) before
 * hydration; once hydrated it calls the same-origin API and updates the list in place.
 */
export function TaskItem({ task, initialMode = 'view', onChanged, onRemoved }: TaskItemProps) {
  const [changePosted, changeAction] = useActionState(changeTask, {});
  const [updatePosted, updateAction] = useActionState(updateTask, emptyFormState<TaskField>());
  const [mode, setMode] = useState<Mode>(initialMode);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(changePosted.error ?? updatePosted.form);
  const [fields, setFields] = useState<FieldErrors<TaskField>>(updatePosted.fields);
  const taskPath = `/api/tasks/${task.id}`;
  const ids = { title: `task-${task.id}-title`, error: `task-${task.id}-error` };

  async function run(action: () => Promise<void>, fallback: string) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(messageOf(failure, fallback));
    } finally {
      setBusy(false);
    }
  }

  const toggle = () =>
    run(async () => {
      onChanged(await apiRequest<Task>(`${taskPath}/complete`, { method: 'PATCH', body: { completed: !task.completed } }));
    }, 'The task could not be updated.');

  const remove = () =>
    run(async () => {
      await apiRequest<void>(taskPath, { method: 'DELETE' });
      onRemoved(task);
    }, 'The task could not be deleted.');

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const title = textField(data, 'title');
    const description = textField(data, 'description');
    const errors = validateTask({ title, description });
    setFields(errors);
    if (hasErrors(errors)) return;
    await run(async () => {
      const updated = await apiRequest<Task>(taskPath, { method: 'PUT', body: taskBody(title, description) });
      onChanged(updated);
      setMode('view');
    }, 'The task could not be saved.');
  }

  if (mode === 'edit') {
    return (
      <li className="card p-4">
        <form action={updateAction} onSubmit={save} noValidate className="space-y-3" aria-label={`Edit task ${task.title}`}>
          {error && <p role="alert" className="alert-error">{error}</p>}
          <input type="hidden" name="taskId" value={task.id} />
          <FormField id={`task-${task.id}-edit-title`} name="title" label="Title" defaultValue={updatePosted.values.title ?? task.title} maxLength={inputMaxLength(LIMITS.title)} autoFocus error={fields.title} />
          <div>
            <label htmlFor={`task-${task.id}-edit-description`} className="label">Description</label>
            <textarea
              id={`task-${task.id}-edit-description`}
              name="description"
              rows={3}
              maxLength={inputMaxLength(LIMITS.description)}
              defaultValue={updatePosted.values.description ?? task.description ?? ''}
              className="input"
              aria-invalid={fields.description ? true : undefined}
              aria-describedby={fields.description ? `task-${task.id}-edit-description-error` : undefined}
            />
            {fields.description && <p id={`task-${task.id}-edit-description-error`} className="field-error">{fields.description}</p>}
          </div>
          <div className="flex justify-end gap-2">
            <a
              href="/tasks"
              className="btn-secondary"
              onClick={(event) => {
                event.preventDefault();
                if (busy) return;
                setMode('view');
                setFields({});
                setError(undefined);
              }}
            >
              Cancel
            </a>
            <button type="submit" className="btn-primary" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={`card p-4 transition-colors ${task.completed ? 'bg-slate-50' : ''}`} aria-busy={busy || undefined} data-testid="task-item">
      <div className="flex items-start gap-3">
        <form action={changeAction} className="contents">
          <input type="hidden" name="taskId" value={task.id} />
          {/* A submit button, not an <input type="checkbox">, so that ticking it works before hydration. */}
          <button
            type="submit"
            name="intent"
            value={task.completed ? 'reopen' : 'complete'}
            role="checkbox"
            aria-checked={task.completed}
            onClick={inPlace(toggle)}
            disabled={busy}
            aria-labelledby={ids.title}
            aria-describedby={error ? ids.error : undefined}
            className={`mt-1 grid h-5 w-5 shrink-0 cursor-pointer place-items-center rounded border-2 ${task.completed ? 'border-brand-600 bg-brand-600 text-white' : 'border-slate-400 bg-white'}`}
          >
            {task.completed && <CheckIcon />}
          </button>
        </form>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={ids.title} className={`break-words font-medium ${task.completed ? 'text-slate-500 line-through' : 'text-slate-900'}`}>
              {task.title}
            </h3>
            {task.completed && (
              <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">Completed</span>
            )}
          </div>
          {task.description && <p className="mt-1 whitespace-pre-line break-words text-sm text-slate-600">{task.description}</p>}
          <p className="mt-2 text-xs text-slate-500">
            Created <LocalTime iso={task.created_at} format="date" />
            {wasUpdated(task) && <> · Updated <LocalTime iso={task.updated_at} format="datetime" /></>}
          </p>
          {error && <p id={ids.error} role="alert" className="field-error">{error}</p>}
        </div>
        {mode === 'view' && (
          <div className="flex shrink-0 gap-1">
            <ViewButton to="/tasks" query={{ edit: String(task.id) }} onOpen={() => setMode('edit')} className="btn-ghost px-2 py-1" disabled={busy} aria-label={`Edit “${task.title}”`}>
              Edit
            </ViewButton>
            <ViewButton
              to="/tasks"
              query={{ delete: String(task.id) }}
              onOpen={() => setMode('confirm-delete')}
              className="btn-ghost px-2 py-1 text-red-600 hover:bg-red-50 hover:text-red-700"
              disabled={busy}
              aria-label={`Delete “${task.title}”`}
            >
              Delete
            </ViewButton>
          </div>
        )}
      </div>
      {mode === 'confirm-delete' && (
        <div role="group" aria-label="Confirm deletion" className="mt-3 flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-3">
          <p className="mr-auto text-sm text-slate-700">Delete this task? This cannot be undone.</p>
          <ViewButton to="/tasks" onOpen={() => setMode('view')} className="btn-secondary" disabled={busy} autoFocus>Cancel</ViewButton>
          <form action={changeAction} className="contents">
            <input type="hidden" name="taskId" value={task.id} />
            <button type="submit" name="intent" value="delete" className="btn-danger" onClick={inPlace(remove)} disabled={busy}>
              {busy ? 'Deleting…' : 'Delete task'}
            </button>
          </form>
        </div>
      )}
    </li>
  );
}
