const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT shaped like the backend's (the frontend never verifies signatures, the backend does). */
export function tokenFor(userId: string, expiresInSeconds = 3600): string {
  const exp = Math.floor(Date.now() / 1000) + expiresInSeconds;
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: userId, email: 'ann@example.com', exp, type: 'access' })}.signature`;
}

export const USER_ID = '0b6f4a52-3c1e-4d43-9a8e-8f2a1c3d5e7f';
