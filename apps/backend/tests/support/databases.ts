import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const NO_POSTGRES_REASON = 'TEST_DATABASE_URL is not set: run tools/ci/setup/10-postgres.sh (or npm test) for the PostgreSQL suites';

/** Database engines every contract suite runs against: PGlite always, PostgreSQL when set up. */
export const engines: ('pglite' | 'postgres')[] = TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
if (!TEST_DATABASE_URL) console.warn(NO_POSTGRES_REASON);

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database for one suite (the test role has CREATEDB). */
export async function createScratchPostgres(): Promise<ScratchDatabase> {
  if (!TEST_DATABASE_URL) throw new Error(NO_POSTGRES_REASON);
  const name = `todo_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** An open, migrated database of the given engine, and how to dispose of it. */
export async function openTestDatabase(engine: 'pglite' | 'postgres'): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const database = await openDatabase({ pgliteDataDir: 'memory://' });
    await migrate(database);
    return { database, dispose: () => database.close() };
  }
  const scratch = await createScratchPostgres();
  const database = await openDatabase({ url: scratch.url, poolMax: 5 });
  await migrate(database);
  return {
    database,
    async dispose() {
      await database.close();
      await scratch.drop();
    },
  };
}
