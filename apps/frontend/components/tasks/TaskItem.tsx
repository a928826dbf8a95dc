'use client';

import { type FormEvent, useState } from 'react';
import { FormField } from '@/components/FormField';
import { LocalTime } from '@/components/LocalTime';
import { ApiError, apiRequest } from '@/lib/api-client';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import type { Task } from '@/lib/types';
import { type FieldErrors, hasErrors, validateTaskDescription, validateTaskTitle } from '@/lib/validation';

type Mode = 'view' | 'edit' | 'confirm-delete';
type Field = 'title' | 'description';

/** Edits within the same second are the creation itself, not an update worth showing (F11). */
function wasUpdated(task: Task): boolean {
  return new Date(task.updated_at).getTime() - new Date(task.created_at).getTime() > 1000;
}

function messageOf(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback;
}

interface TaskItemProps {
  task: Task;
  onChanged: (task: Task) => void;
  onRemoved: (task: Task) => void;
}

export function TaskItem({ task, onChanged, onRemoved }: TaskItemProps) {
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldErrors<Field>>({});
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
    const title = String(data.get('title') ?? '');
    const description = String(data.get('description') ?? '');
    const errors: FieldErrors<Field> = { title: validateTaskTitle(title), description: validateTaskDescription(description) };
    setFields(errors);
    if (hasErrors(errors)) return;
    await run(async () => {
      const updated = await apiRequest<Task>(taskPath, {
        method: 'PUT',
        // An emptied description is cleared (null), not kept.
        body: { title: title.trim(), description: description.trim() || null },
      });
      onChanged(updated);
      setMode('view');
    }, 'The task could not be saved.');
  }

  if (mode === 'edit') {
    return (
      <li className="card p-4">
        <form onSubmit={save} noValidate className="space-y-3" aria-label={`Edit task ${task.title}`}>
          {error && <p role="alert" className="alert-error">{error}</p>}
          <FormField id={`task-${task.id}-edit-title`} name="title" label="Title" defaultValue={task.title} maxLength={inputMaxLength(LIMITS.title)} autoFocus error={fields.title} />
          <div>
            <label htmlFor={`task-${task.id}-edit-description`} className="label">Description</label>
            <textarea
              id={`task-${task.id}-edit-description`}
              name="description"
              rows={3}
              maxLength={inputMaxLength(LIMITS.description)}
              defaultValue={task.description ?? ''}
              className="input"
              aria-invalid={fields.description ? true : undefined}
              aria-describedby={fields.description ? `task-${task.id}-edit-description-error` : undefined}
            />
            {fields.description && <p id={`task-${task.id}-edit-description-error`} className="field-error">{fields.description}</p>}
          </div>
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => { setMode('view'); setFields({}); setError(undefined); }} disabled={busy}>Cancel</button>
            <button type="submit" className="btn-primary" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={`card p-4 transition-colors ${task.completed ? 'bg-slate-50' : ''}`} aria-busy={busy || undefined} data-testid="task-item">
      <div className="flex items-start gap-3">
        <input
          type="checkbox"
          checked={task.completed}
          onChange={toggle}
          disabled={busy}
          aria-labelledby={ids.title}
          aria-describedby={error ? ids.error : undefined}
          className="mt-1 h-5 w-5 shrink-0 cursor-pointer accent-brand-600"
        />
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
            <button type="button" className="btn-ghost px-2 py-1" onClick={() => setMode('edit')} disabled={busy} aria-label={`Edit “${task.title}”`}>
              Edit
            </button>
            <button type="button" className="btn-ghost px-2 py-1 text-red-600 hover:bg-red-50 hover:text-red-700" onClick={() => setMode('confirm-delete')} disabled={busy} aria-label={`Delete “${task.title}”`}>
              Delete
            </button>
          </div>
        )}
      </div>
      {mode === 'confirm-delete' && (
        <div role="group" aria-label="Confirm deletion" className="mt-3 flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-3">
          <p className="mr-auto text-sm text-slate-700">Delete this task? This cannot be undone.</p>
          <button type="button" className="btn-secondary" onClick={() => setMode('view')} disabled={busy} autoFocus>Cancel</button>
          <button type="button" className="btn-danger" onClick={remove} disabled={busy}>{busy ? 'Deleting…' : 'Delete task'}</button>
        </div>
      )}
    </li>
  );
}
