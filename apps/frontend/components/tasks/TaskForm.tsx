'use client';

import { type FormEvent, useActionState, useState } from 'react';
import { createTask } from '@/app/tasks/actions';
import { FormField } from '@/components/FormField';
import { ApiError, apiRequest } from '@/lib/api-client';
import { emptyFormState, type TaskField, taskBody, textField } from '@/lib/forms';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import type { Task } from '@/lib/types';
import { type FieldErrors, hasErrors, validateTask } from '@/lib/validation';

/** Posts to the `createTask` server action before hydration; once hydrated, adds the task with a fetch, in place. */
export function TaskForm({ onAdded, onCancel }: { onAdded: (task: Task) => void; onCancel: () => void }) {
  const [posted, postAction] = useActionState(createTask, emptyFormState<TaskField>());
  const [fields, setFields] = useState<FieldErrors<TaskField>>(posted.fields);
  const [formError, setFormError] = useState(posted.form);
  const [saving, setSaving] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const title = textField(data, 'title');
    const description = textField(data, 'description');
    const errors = validateTask({ title, description });
    setFields(errors);
    setFormError(undefined);
    if (hasErrors(errors)) return;
    setSaving(true);
    try {
      const task = await apiRequest<Task>('/api/tasks', { method: 'POST', body: taskBody(title, description) });
      onAdded(task);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length) setFields(error.fieldErrors);
      else setFormError(error instanceof ApiError ? error.message : 'The task could not be saved.');
      setSaving(false);
    }
  }

  return (
    <form action={postAction} onSubmit={onSubmit} noValidate className="card mb-4 space-y-4 p-4 sm:p-5" aria-label="New task">
      {formError && <p role="alert" className="alert-error">{formError}</p>}
      <FormField id="new-task-title" name="title" label="Title" maxLength={inputMaxLength(LIMITS.title)} required autoFocus defaultValue={posted.values.title} error={fields.title} />
      <div>
        <label htmlFor="new-task-description" className="label">Description <span className="font-normal text-slate-400">(optional)</span></label>
        <textarea
          id="new-task-description"
          name="description"
          rows={3}
          maxLength={inputMaxLength(LIMITS.description)}
          className="input"
          defaultValue={posted.values.description}
          aria-invalid={fields.description ? true : undefined}
          aria-describedby={fields.description ? 'new-task-description-error' : undefined}
        />
        {fields.description && <p id="new-task-description-error" className="field-error">{fields.description}</p>}
      </div>
      <div className="flex justify-end gap-2">
        <a
          href="/tasks"
          className="btn-secondary"
          aria-disabled={saving || undefined}
          onClick={(event) => {
            event.preventDefault();
            if (!saving) onCancel();
          }}
        >
          Cancel
        </a>
        <button type="submit" className="btn-primary" disabled={saving}>{saving ? 'Adding…' : 'Add task'}</button>
      </div>
    </form>
  );
}
