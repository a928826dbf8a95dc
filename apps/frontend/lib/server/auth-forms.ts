import 'server-only';
import { type LoginField, loginFailure, type RegisterField, registerFailure } from '../auth-failures';
import { type FormState, textField } from '../forms';
import { hasErrors, safeNextPath, validateLogin, validateRegistration } from '../validation';
import { submitToBackend } from './form-submit';
import { signedInFrom, UNEXPECTED_LOGIN_ANSWER } from './login';
import type { Profile, Session } from './session';

export type SignInOutcome = { state: FormState<LoginField> } | { session: Session; profile: Profile; next: string };

/** The sign-in form's post: the session to keep and where to go next, or the form again with why (email kept). */
export async function signInWith(data: FormData, from: Pick<Headers, 'get'>): Promise<SignInOutcome> {
  const email = textField(data, 'email');
  const password = textField(data, 'password');
  const values = { email };
  const fields = validateLogin({ email, password });
  if (hasErrors(fields)) return { state: { values, fields } };
  const answer = await submitToBackend('/api/auth/login', { json: { email: email.trim(), password }, from });
  if (!answer.ok) return { state: { values, ...loginFailure(answer.error) } };
  const signedIn = signedInFrom(answer.body);
  if (!signedIn) return { state: { values, fields: {}, form: UNEXPECTED_LOGIN_ANSWER } };
  return { ...signedIn, next: safeNextPath(textField(data, 'next')) };
}

/** The register form's post: null once the account exists, else the form again (name and email kept). */
export async function registerWith(data: FormData, from: Pick<Headers, 'get'>): Promise<FormState<RegisterField> | null> {
  const name = textField(data, 'name');
  const email = textField(data, 'email');
  const password = textField(data, 'password');
  const values = { name, email };
  const fields = validateRegistration({ name, email, password });
  if (hasErrors(fields)) return { values, fields };
  const answer = await submitToBackend('/api/auth/register', { json: { name: name.trim(), email: email.trim(), password }, from });
  return answer.ok ? null : { values, ...registerFailure(answer.error) };
}
