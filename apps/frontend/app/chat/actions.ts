'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { FormState } from '@/lib/forms';
import { sendChatFrom } from '@/lib/server/chat-form';
import { requireSession } from '@/lib/server/user-data';

/** The chat form's post before (or without) JavaScript: the page comes back with the reply in its history. */
export async function sendChatMessage(_previous: FormState<'message'>, data: FormData): Promise<FormState<'message'>> {
  const { session } = await requireSession();
  const failed = await sendChatFrom(data, session, await headers());
  if (failed) return failed;
  redirect('/chat');
}
