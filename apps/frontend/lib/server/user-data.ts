import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ChatMessage, Task } from '../types';
import { BackendStatusError, backendJson } from './backend';
import { isHttps, readProfile, readSession, type Profile, type Session } from './session';

/** The signed-in user for a protected page (the proxy already redirected everybody else). */
export async function requireSession(): Promise<{ session: Session; profile: Profile | null }> {
  const jar = await cookies();
  const secure = isHttps(await headers());
  const session = readSession(jar, secure);
  if (!session) redirect('/login?reason=signin');
  return { session, profile: readProfile(jar, secure) };
}

async function loadForUser<T>(session: Session, rest: string): Promise<T> {
  try {
    return await backendJson<T>(session, rest);
  } catch (error) {
    // The backend refused the token (expired, revoked, unknown user): end the session at /login.
    if (error instanceof BackendStatusError && error.status === 401) redirect('/login?reason=expired');
    throw error;
  }
}

export async function loadTasks(session: Session): Promise<Task[]> {
  const body = await loadForUser<{ tasks: Task[] }>(session, '/tasks');
  return body.tasks;
}

export async function loadConversation(session: Session): Promise<ChatMessage[]> {
  const body = await loadForUser<{ messages: ChatMessage[] }>(session, '/conversations/history');
  return body.messages.map((message, index) => ({
    ...message,
    id: String(message.id ?? `history-${index}`),
  }));
}
