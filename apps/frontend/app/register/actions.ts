'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { RegisterField } from '@/lib/auth-failures';
import type { FormState } from '@/lib/forms';
import { registerWith } from '@/lib/server/auth-forms';

/** The register form's server action; a success goes on to sign-in, as the JavaScript path does. */
export async function register(_previous: FormState<RegisterField>, data: FormData): Promise<FormState<RegisterField>> {
  const failed = await registerWith(data, await headers());
  if (failed) return failed;
  redirect('/login?reason=registered');
}
