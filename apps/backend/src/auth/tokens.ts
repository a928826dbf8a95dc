import { errors, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config';
import { fail } from '../errors';

export interface TokenSubject {
  userId: string;
  email: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenService {
  issue(subject: TokenSubject): Promise<string>;
  /** Resolves the subject of a valid access token; raises `invalid-token` otherwise. */
  verify(token: string): Promise<TokenSubject>;
}

/**
 * Remembers tokens verified in the last minute (never past their expiry): a client sends the same
 * token with every request, and checking an HMAC through WebCrypto costs more than the rest of a
 * task listing.
 */
function createVerifiedTokens(max: number) {
  const verified = new Map<string, { subject: TokenSubject; until: number }>();
  return {
    get(token: string): TokenSubject | undefined {
      const hit = verified.get(token);
      if (hit && hit.until > Date.now()) return hit.subject;
      if (hit) verified.delete(token);
      return undefined;
    },
    add(token: string, subject: TokenSubject, expiresAtSeconds: number) {
      if (verified.size >= max) verified.clear();
      verified.set(token, { subject, until: Math.min(Date.now() + 60_000, expiresAtSeconds * 1000) });
    },
  };
}

export function createTokenService(jwt: Config['jwt']): TokenService {
  const key = new TextEncoder().encode(jwt.secret);
  const recent = createVerifiedTokens(10_000);
  return {
    issue: ({ userId, email }) =>
      new SignJWT({ email, type: 'access' })
        .setProtectedHeader({ alg: jwt.algorithm, typ: 'JWT' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${jwt.expireDays}d`)
        .sign(key),
    async verify(token) {
      const known = recent.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: [jwt.algorithm], requiredClaims: ['sub', 'exp'] });
        if (payload.type !== 'access' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
          return fail({ kind: 'invalid-token' });
        }
        const subject = { userId: payload.sub.toLowerCase(), email: typeof payload.email === 'string' ? payload.email : '' };
        recent.add(token, subject, payload.exp ?? 0);
        return subject;
      } catch (error) {
        if (error instanceof errors.JOSEError || error instanceof TypeError) return fail({ kind: 'invalid-token' });
        throw error;
      }
    },
  };
}
