import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlSession } from './client';

/** Fixed key for pg_advisory_lock: two migrators at once take turns instead of racing. */
const MIGRATION_LOCK_KEY = 7_202_611;
const MIGRATIONS_DIR = join(__dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationReport {
  applied: string[];
  current: number;
}

/** Versioned migrations shipped beside this module: `NNNN_name.sql`, applied in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

export async function migrate(database: Database, migrations = loadMigrations()): Promise<MigrationReport> {
  return database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(session, migrations);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyPending(session: SqlSession, migrations: Migration[]): Promise<MigrationReport> {
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Set(
    (await session.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => Number(row.version)),
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await session.exec('BEGIN');
    try {
      await session.exec(migration.sql);
      await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK');
      throw new MigrationError(migration.name, error);
    }
    applied.push(migration.name);
  }
  const current = Math.max(0, ...migrations.map((m) => m.version).filter((v) => done.has(v) || applied.some((a) => a.startsWith(String(v).padStart(4, '0')))));
  return { applied, current };
}

export class MigrationError extends Error {
  constructor(readonly migration: string, cause: unknown) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
