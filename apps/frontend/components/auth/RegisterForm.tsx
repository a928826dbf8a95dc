'use client';

import { type FormEvent, useActionState, useState } from 'react';
import { register } from '@/app/register/actions';
import { FormField } from '@/components/FormField';
import { type RegisterField, registerFailure } from '@/lib/auth-failures';
import { apiRequest } from '@/lib/api-client';
import { emptyFormState, textField } from '@/lib/forms';
import { type FieldErrors, hasErrors, validateRegistration } from '@/lib/validation';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';

/** Posts to the `register` server action (works without JavaScript); once hydrated, checks first and uses a fetch. */
export function RegisterForm() {
  const [posted, postAction] = useActionState(register, emptyFormState<RegisterField>());
  const [fields, setFields] = useState<FieldErrors<RegisterField>>(posted.fields);
  const [formError, setFormError] = useState(posted.form);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = textField(data, 'name');
    const email = textField(data, 'email');
    const password = textField(data, 'password');
    const errors = validateRegistration({ name, email, password });
    setFields(errors);
    setFormError(undefined);
    if (hasErrors(errors)) return;
    setSubmitting(true);
    try {
      await apiRequest('/api/auth/register', {
        method: 'POST',
        body: { name: name.trim(), email: email.trim(), password },
        redirectOn401: false,
      });
      window.location.assign('/login?reason=registered');
    } catch (error) {
      const failure = registerFailure(error);
      setFields(failure.fields);
      setFormError(failure.form);
      setSubmitting(false);
    }
  }

  return (
    <form action={postAction} onSubmit={onSubmit} noValidate className="space-y-4">
      {formError && <p role="alert" className="alert-error">{formError}</p>}
      <FormField id="name" name="name" label="Full name" autoComplete="name" required maxLength={inputMaxLength(LIMITS.name)} defaultValue={posted.values.name} error={fields.name} />
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required defaultValue={posted.values.email} error={fields.email} />
      <FormField
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        required
        maxLength={inputMaxLength(LIMITS.password)}
        hint={`At least ${LIMITS.password.min} characters.`}
        error={fields.password}
      />
      <button type="submit" className="btn-primary w-full" disabled={submitting}>
        {submitting ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
