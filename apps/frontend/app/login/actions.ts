'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { LoginField } from '@/lib/auth-failures';
import type { FormState } from '@/lib/forms';
import { signInWith } from '@/lib/server/auth-forms';
import { isHttps, writeSession } from '@/lib/server/session';

/** The sign-in form's server action: it works before (and without) JavaScript; a success answers 303. */
export async function signIn(_previous: FormState<LoginField>, data: FormData): Promise<FormState<LoginField>> {
  const from = await headers();
  const outcome = await signInWith(data, from);
  if ('state' in outcome) return outcome.state;
  writeSession(await cookies(), outcome.session, outcome.profile, isHttps(from));
  redirect(outcome.next);
}
