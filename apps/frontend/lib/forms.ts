import type { FieldErrors } from './validation';

/**
 * What a form's server action answers when it did not redirect: the messages to show and the values to
 * put back (never a password). Without JavaScript the page is rendered again with it.
 */
export interface FormState<F extends string> {
  values: Partial<Record<F, string>>;
  fields: FieldErrors<F>;
  form?: string;
}

export function emptyFormState<F extends string>(): FormState<F> {
  return { values: {}, fields: {} };
}

/** A text field of a submitted form ('' when absent or a file). */
export function textField(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

export type TaskField = 'title' | 'description';

/** The body of a task create or update: trimmed, and an emptied description is cleared (null). */
export function taskBody(title: string, description: string): { title: string; description: string | null } {
  return { title: title.trim(), description: description.trim() || null };
}
