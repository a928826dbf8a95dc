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

export function createTokenService(jwt: Config['jwt']): TokenService {
  const key = new TextEncoder().encode(jwt.secret);
  return {
    issue: ({ userId, email }) =>
      new SignJWT({ email, type: 'access' })
        .setProtectedHeader({ alg: jwt.algorithm, typ: 'JWT' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${jwt.expireDays}d`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: [jwt.algorithm], requiredClaims: ['sub', 'exp'] });
        if (payload.type !== 'access' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
          return fail({ kind: 'invalid-token' });
        }
        return { userId: payload.sub.toLowerCase(), email: typeof payload.email === 'string' ? payload.email : '' };
      } catch (error) {
        if (error instanceof errors.JOSEError || error instanceof TypeError) return fail({ kind: 'invalid-token' });
        throw error;
      }
    },
  };
}
