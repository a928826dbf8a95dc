'use client';

import { type FormEvent, useActionState, useState } from 'react';
import { signIn } from '@/app/login/actions';
import { FormField } from '@/components/FormField';
import { type LoginField, loginFailure } from '@/lib/auth-failures';
import { apiRequest } from '@/lib/api-client';
import { emptyFormState, textField } from '@/lib/forms';
import { type FieldErrors, hasErrors, validateLogin } from '@/lib/validation';

/**
 * Posts to the `signIn` server action, so it works before hydration and without JavaScript (the
 * password never goes into a URL). Once hydrated it checks the fields first and signs in with a fetch.
 */
export function LoginForm({ next }: { next: string }) {
  const [posted, postAction] = useActionState(signIn, emptyFormState<LoginField>());
  const [fields, setFields] = useState<FieldErrors<LoginField>>(posted.fields);
  const [formError, setFormError] = useState(posted.form);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = textField(data, 'email');
    const password = textField(data, 'password');
    const errors = validateLogin({ email, password });
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
    <form action={postAction} onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={formError ? 'login-error' : undefined}>
      {formError && <p id="login-error" role="alert" className="alert-error">{formError}</p>}
      <input type="hidden" name="next" value={next} />
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={posted.values.email} error={fields.email} />
      <FormField id="password" name="password" type="password" label="Password" autoComplete="current-password" required error={fields.password} />
      <button type="submit" className="btn-primary w-full" disabled={submitting}>
        {submitting ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
