import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// argon2-cffi PasswordHasher defaults, so hashes written by the original backend verify.
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum, not importable under isolatedModules)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 65536, timeCost: 3, parallelism: 4, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function passwordMatches(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash is a mismatch, not a crash
  }
}

let decoy: Promise<string> | undefined;
/** Spends the same time as a real check so unknown e-mails are not told apart by timing. */
export async function spendPasswordCheckTime(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await passwordMatches(await decoy, password);
}
