'use client';

import { type FormEvent, useState } from 'react';
import { FormField } from '@/components/FormField';
import { ApiError, apiRequest } from '@/lib/api-client';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import type { Task } from '@/lib/types';
import { type FieldErrors, hasErrors, validateTaskDescription, validateTaskTitle } from '@/lib/validation';

type Field = 'title' | 'description';

export function TaskForm({ onAdded, onCancel }: { onAdded: (task: Task) => void; onCancel: () => void }) {
  const [fields, setFields] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const title = String(data.get('title') ?? '');
    const description = String(data.get('description') ?? '');
    const errors: FieldErrors<Field> = { title: validateTaskTitle(title), description: validateTaskDescription(description) };
    setFields(errors);
    setFormError(undefined);
    if (hasErrors(errors)) return;
    setSaving(true);
    try {
      const task = await apiRequest<Task>('/api/tasks', {
        method: 'POST',
        body: { title: title.trim(), description: description.trim() || null },
      });
      onAdded(task);
    } catch (error) {
      if (error instanceof ApiError && Object.keys(error.fieldErrors).length) setFields(error.fieldErrors);
      else setFormError(error instanceof ApiError ? error.message : 'The task could not be saved.');
      setSaving(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card mb-4 space-y-4 p-4 sm:p-5" aria-label="New task">
      {formError && <p role="alert" className="alert-error">{formError}</p>}
      <FormField id="new-task-title" name="title" label="Title" maxLength={inputMaxLength(LIMITS.title)} required autoFocus error={fields.title} />
      <div>
        <label htmlFor="new-task-description" className="label">Description <span className="font-normal text-slate-400">(optional)</span></label>
        <textarea
          id="new-task-description"
          name="description"
          rows={3}
          maxLength={inputMaxLength(LIMITS.description)}
          className="input"
          aria-invalid={fields.description ? true : undefined}
          aria-describedby={fields.description ? 'new-task-description-error' : undefined}
        />
        {fields.description && <p id="new-task-description-error" className="field-error">{fields.description}</p>}
      </div>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onCancel} disabled={saving}>Cancel</button>
        <button type="submit" className="btn-primary" disabled={saving}>{saving ? 'Adding…' : 'Add task'}</button>
      </div>
    </form>
  );
}
