'use client';

import { type FormEvent, useState } from 'react';
import { FormField } from '@/components/FormField';
import { ApiError, apiRequest } from '@/lib/api-client';
import { inputMaxLength, LIMITS } from '@todo/api-contract/limits';
import { type FieldErrors, hasErrors, validateEmail, validateName, validateNewPassword } from '@/lib/validation';

type Field = 'name' | 'email' | 'password';

export function RegisterForm() {
  const [fields, setFields] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get('name') ?? '');
    const email = String(data.get('email') ?? '');
    const password = String(data.get('password') ?? '');
    const errors: FieldErrors<Field> = {
      name: validateName(name),
      email: validateEmail(email),
      password: validateNewPassword(password),
    };
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
      if (error instanceof ApiError && error.status === 409) {
        setFields({ email: 'An account with this email already exists. Sign in instead?' });
      } else if (error instanceof ApiError && Object.keys(error.fieldErrors).length) {
        setFields(error.fieldErrors as FieldErrors<Field>);
      } else {
        setFormError(error instanceof ApiError ? error.message : 'Something went wrong. Please try again.');
      }
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {formError && <p role="alert" className="alert-error">{formError}</p>}
      <FormField id="name" name="name" label="Full name" autoComplete="name" required maxLength={inputMaxLength(LIMITS.name)} error={fields.name} />
      <FormField id="email" name="email" type="email" label="Email" autoComplete="email" required error={fields.email} />
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
