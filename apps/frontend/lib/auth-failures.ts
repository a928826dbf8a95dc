import { ApiError } from './api-client';
import type { FieldErrors } from './validation';

/** What a failed sign-in or registration tells the user, whether the browser or a server action asked. */
export interface Failure<F extends string> {
  form?: string;
  fields: FieldErrors<F>;
}

const BAD_CREDENTIALS = 'Incorrect email or password.';
const SOMETHING_WRONG = 'Something went wrong. Please try again.';

/** A too-short password is a wrong password (F11), not a validation error to show. */
export function loginFailure(error: unknown): Failure<LoginField> {
  if (!(error instanceof ApiError)) return { form: SOMETHING_WRONG, fields: {} };
  if (error.status === 401) return { form: BAD_CREDENTIALS, fields: {} };
  if (error.status === 422) {
    return error.fieldErrors.email
      ? { fields: { email: 'Enter a valid email address, like name@example.com.' } }
      : { form: BAD_CREDENTIALS, fields: {} };
  }
  return { form: error.message, fields: {} };
}

export function registerFailure(error: unknown): Failure<RegisterField> {
  if (error instanceof ApiError && error.status === 409) {
    return { fields: { email: 'An account with this email already exists. Sign in instead?' } };
  }
  if (error instanceof ApiError && Object.keys(error.fieldErrors).length) return { fields: error.fieldErrors };
  return { form: error instanceof ApiError ? error.message : SOMETHING_WRONG, fields: {} };
}

export type LoginField = 'email' | 'password';
export type RegisterField = 'name' | 'email' | 'password';
