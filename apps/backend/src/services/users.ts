import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users, type UserRow } from '../db/schema';
import { fail } from '../errors';
import { hashPassword, passwordMatches, spendPasswordCheckTime } from '../auth/passwords';

export interface NewUser {
  name: string;
  email: string;
  password: string;
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error || (e && typeof e === 'object'); e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
    if (!(e as { cause?: unknown }).cause) break;
  }
  return false;
}

/** Creates an account; e-mail addresses are unique regardless of case, even under concurrent sign-ups. */
export async function registerUser(db: Db, input: NewUser): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  try {
    return await db.transaction(async (tx) => {
      // Serialises sign-ups for one address, so the check below cannot race (also on adopted
      // databases whose lower(email) index could not be made unique).
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'register:' + input.email.toLowerCase()}))`);
      const taken = await tx
        .select({ id: users.id })
        .from(users)
        .where(sql`lower(${users.email}) = lower(${input.email})`)
        .limit(1);
      if (taken.length > 0) return fail({ kind: 'email-taken' });
      const [user] = await tx
        .insert(users)
        .values({ id: randomUUID(), name: input.name, email: input.email, passwordHash, createdAt: now, updatedAt: now })
        .returning();
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return fail({ kind: 'email-taken' });
    throw error;
  }
}

/** Returns the user whose e-mail and password match, or raises `wrong-login`. */
export async function authenticate(db: Db, email: string, password: string): Promise<UserRow> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    // An adopted database may hold case-variants of one address: prefer the exact spelling.
    .orderBy(sql`${users.email} = ${email} DESC`)
    .limit(1);
  if (!user) {
    await spendPasswordCheckTime(password);
    return fail({ kind: 'wrong-login' });
  }
  if (!(await passwordMatches(user.passwordHash, password))) return fail({ kind: 'wrong-login' });
  return user;
}

export async function userExists(db: Db, id: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1);
  return rows.length > 0;
}
