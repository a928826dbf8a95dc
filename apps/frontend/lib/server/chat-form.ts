import 'server-only';
import { type FormState, textField } from '../forms';
import { frontendConfig } from './config';
import { submitForUser } from './form-submit';
import type { Session } from './session';

/** The chat form's post: null once the turn is stored, else the form again with the message kept. */
export async function sendChatFrom(data: FormData, session: Session, from: Pick<Headers, 'get'>): Promise<FormState<'message'> | null> {
  const message = textField(data, 'message');
  if (!message.trim()) return { values: {}, fields: {}, form: 'Write a message first.' };
  const answer = await submitForUser(session, '/chat', { json: { message: message.trim() }, from, timeoutMs: frontendConfig().chatTimeoutMs });
  return answer.ok ? null : { values: { message }, fields: {}, form: answer.error.message };
}
