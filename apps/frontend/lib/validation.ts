import { characterCount, isBlank, LIMITS } from '@todo/api-contract/limits';

/**
 * Client-side checks of the backend's rules, from the same limits (libs/api-contract), so most mistakes
 * are caught before a round trip. Lengths are counted as the backend counts them (code points).
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

const tooLong = (value: string, limit: { max: number }) => characterCount(value) > limit.max;

export function validateEmail(email: string): string | undefined {
  if (!email.trim()) return 'Enter your email address.';
  if (!EMAIL.test(email.trim())) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function validateNewPassword(password: string): string | undefined {
  if (characterCount(password) < LIMITS.password.min) return `Use at least ${LIMITS.password.min} characters.`;
  if (tooLong(password, LIMITS.password)) return `Use at most ${LIMITS.password.max} characters.`;
  return undefined;
}

export function validateName(name: string): string | undefined {
  if (isBlank(name)) return 'Enter your name.';
  if (tooLong(name, LIMITS.name)) return `Use at most ${LIMITS.name.max} characters.`;
  return undefined;
}

/** The title as it is sent: trimmed. */
export function validateTaskTitle(title: string): string | undefined {
  if (isBlank(title)) return 'Give the task a title.';
  if (tooLong(title.trim(), LIMITS.title)) return `Keep the title to ${LIMITS.title.max} characters or fewer.`;
  return undefined;
}

/** The description as it is sent: trimmed, and an empty one clears it. */
export function validateTaskDescription(description: string): string | undefined {
  if (tooLong(description.trim(), LIMITS.description)) return `Keep the description to ${LIMITS.description.max} characters or fewer.`;
  return undefined;
}

/** The chat message as it is sent: trimmed. */
export function validateChatMessage(message: string): string | undefined {
  if (isBlank(message)) return 'Type a message.';
  if (tooLong(message.trim(), LIMITS.chatMessage)) return `Keep the message to ${LIMITS.chatMessage.max} characters or fewer.`;
  return undefined;
}

/** The checks of each form, shared by its client-side submit and its server action. */
export function validateLogin({ email, password }: { email: string; password: string }): FieldErrors<'email' | 'password'> {
  return { email: validateEmail(email), password: password ? undefined : 'Enter your password.' };
}

export function validateRegistration({ name, email, password }: { name: string; email: string; password: string }): FieldErrors<'name' | 'email' | 'password'> {
  return { name: validateName(name), email: validateEmail(email), password: validateNewPassword(password) };
}

export function validateTask({ title, description }: { title: string; description: string }): FieldErrors<'title' | 'description'> {
  return { title: validateTaskTitle(title), description: validateTaskDescription(description) };
}

export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNextPath(next: string | null | undefined): string {
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) return next;
  return '/tasks';
}
