import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenService } from '../auth/tokens';
import type { Db } from '../db/client';
import { fail } from '../errors';
import { userExists } from '../services/users';

export interface CurrentUser {
  id: string;
  email: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    currentUser: CurrentUser | null;
  }
  interface FastifyInstance {
    /** onRequest hook: resolves the Bearer token to `request.currentUser` or answers 401. */
    authenticate(request: FastifyRequest): Promise<void>;
    /** preHandler hook: the `user_id` in the path must be the token's user (else 404, as the original). */
    requireOwnPath(request: FastifyRequest): Promise<void>;
  }
}

export function currentUser(request: FastifyRequest): CurrentUser {
  return request.currentUser ?? fail({ kind: 'not-authenticated' });
}

/**
 * Users cannot be deleted through the API, so a user seen recently still exists; remembering that
 * for a short while saves a query on every authenticated request.
 */
function createKnownUsers(ttlMs: number, max: number) {
  const seen = new Map<string, number>();
  return {
    has: (id: string) => (seen.get(id) ?? 0) > Date.now(),
    add(id: string) {
      if (seen.size >= max) seen.clear();
      seen.set(id, Date.now() + ttlMs);
    },
  };
}

export const authPlugin = fp(async function auth(app: FastifyInstance, options: { db: Db; tokens: TokenService }) {
  const knownUsers = createKnownUsers(30_000, 10_000);
  app.decorateRequest('currentUser', null);

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header || !header.trim()) return fail({ kind: 'not-authenticated' });
    const [scheme, token, ...rest] = header.trim().split(/\s+/);
    if (scheme.toLowerCase() !== 'bearer' || rest.length > 0) return fail({ kind: 'invalid-credentials-scheme' });
    if (!token) return fail({ kind: 'not-authenticated' });
    const subject = await options.tokens.verify(token);
    if (!knownUsers.has(subject.userId)) {
      if (!(await userExists(options.db, subject.userId))) return fail({ kind: 'unknown-user' });
      knownUsers.add(subject.userId);
    }
    request.currentUser = { id: subject.userId, email: subject.email };
  });

  app.decorate('requireOwnPath', async (request: FastifyRequest) => {
    const pathUser = (request.params as { user_id?: string }).user_id;
    if (!pathUser || pathUser.toLowerCase() !== currentUser(request).id) fail({ kind: 'path-not-owned' });
  });
});
