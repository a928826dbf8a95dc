import { createHmac } from 'node:crypto';

const b64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** An HS256 access token like the backend's, for sessions the test needs to age or forge. */
export function signAccessToken(secret: string, claims: { sub: string; email: string; exp: number }): string {
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ ...claims, type: 'access' })}`;
  return `${unsigned}.${b64url(createHmac('sha256', secret).update(unsigned).digest())}`;
}
