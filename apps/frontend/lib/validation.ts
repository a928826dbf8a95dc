/** Client-side checks matching the backend's rules, so most mistakes are caught before a round trip. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export function validateEmail(email: string): string | undefined {
  if (!email.trim()) return 'Enter your email address.';
  if (!EMAIL.test(email.trim())) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function validateNewPassword(password: string): string | undefined {
  if (password.length < 8) return 'Use at least 8 characters.';
  if (password.length > 128) return 'Use at most 128 characters.';
  return undefined;
}

export function validateName(name: string): string | undefined {
  if (!name.trim()) return 'Enter your name.';
  if (name.length > 100) return 'Use at most 100 characters.';
  return undefined;
}

export function validateTaskTitle(title: string): string | undefined {
  if (!title.trim()) return 'Give the task a title.';
  if (title.trim().length > 200) return 'Keep the title to 200 characters or fewer.';
  return undefined;
}

export function validateTaskDescription(description: string): string | undefined {
  if (description.trim().length > 1000) return 'Keep the description to 1000 characters or fewer.';
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
