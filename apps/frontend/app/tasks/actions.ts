'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { FormState, TaskField } from '@/lib/forms';
import { changeTaskFrom, createTaskFrom, updateTaskFrom } from '@/lib/server/task-forms';
import { requireSession } from '@/lib/server/user-data';

/*
 * The task forms' server actions: what a post does before (or without) JavaScript. Once the page is
 * hydrated, the forms call the same-origin API instead and update the list in place.
 */

export async function createTask(_previous: FormState<TaskField>, data: FormData): Promise<FormState<TaskField>> {
  const { session } = await requireSession();
  const failed = await createTaskFrom(data, session, await headers());
  if (failed) return failed;
  redirect('/tasks');
}

export async function updateTask(_previous: FormState<TaskField>, data: FormData): Promise<FormState<TaskField>> {
  const { session } = await requireSession();
  const failed = await updateTaskFrom(data, session, await headers());
  if (failed) return failed;
  redirect('/tasks');
}

export async function changeTask(_previous: { error?: string }, data: FormData): Promise<{ error?: string }> {
  const { session } = await requireSession();
  const error = await changeTaskFrom(data, session, await headers());
  if (error) return { error };
  redirect('/tasks');
}
