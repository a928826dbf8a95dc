'use client';

import { type FormEvent, useState } from 'react';
import { FormField } from '@/components/FormField';
import { ApiError, apiRequest } from '@/lib/api-client';
import { type FieldErrors, hasErrors, validateEmail } from '@/lib/validation';

type Field = 'email' | 'password';

const BAD_CREDENTIALS = 'Incorrect email or password.';

/** Maps a failed login to what the user should read; a too-short password is a wrong password (F11). */
function loginFailure(error: unknown): { form?: string; fields: FieldErrors<Field> } {
  if (!(error instanceof ApiError)) return { form: 'Something went wrong. Please try again.', fields: {} };
  if (error.status === 401) return { form: BAD_CREDENTIALS, fields: {} };
  if (error.status === 422) {
    return error.fieldErrors.email
      ? { fields: { email: 'Enter a valid email address, like name@example.com.' } }
      : { form: BAD_CREDENTIALS, fields: {} };
  }
  return { form: error.message, fields: {} };
}

export function LoginForm({ next }: { next: string }) {
  const [fields, setFields] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get('email') ?? '');
    const password = String(data.get('password') ?? '');
    const errors: FieldErrors<Field> = {
      email: validateEmail(email),
      password: password ? undefined : 'Enter your password.',
    };
    setFields(errors);
    setFormError(undefined);
    if (hasErrors(errors)) return;
    setSubmitting(true);
    try {
      await apiRequest('/api/auth/login', {
        method: 'POST',
        body: { email: email.trim(), password },
        redirectOn401: false,
      });
      // A full navigation, so the server-rendered header picks up the new session.
      window.location.assign(next);
    } catch (error) {
      const failure = loginFailure(error);
      setFields(failure.fields);
      setFormError(failure.form);
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={formError ? 'login-error' : undefined}>
      {formError && <p id="login-error" role="alert" className="alert-error">{formError}</p>}
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required error={fields.email} />
      <FormField id="password" name="password" type="password" label="Password" autoComplete="current-password" required error={fields.password} />
      <button type="submit" className="btn-primary w-full" disabled={submitting}>
        {submitting ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
