/**
 * Domain failures. Each is raised where it happens and mapped to an HTTP answer once, in
 * plugins/errors.ts; nothing else decides status codes for them.
 */
export type Failure =
  | { kind: 'not-authenticated' }
  | { kind: 'invalid-credentials-scheme' }
  | { kind: 'invalid-token' }
  | { kind: 'unknown-user' }
  | { kind: 'wrong-login' }
  | { kind: 'path-not-owned' }
  | { kind: 'task-not-found' }
  | { kind: 'email-taken' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'chat-not-configured' }
  | { kind: 'provider-failed' }
  | { kind: 'chat-timeout' }
  | { kind: 'chat-stopped' }
  | { kind: 'too-many-steps' };

export class DomainError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.kind);
    this.name = 'DomainError';
  }
}

export const fail = (failure: Failure): never => {
  throw new DomainError(failure);
};
