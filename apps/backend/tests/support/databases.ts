import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const TEMPLATE_DIR = join(__dirname, '../../../../node_modules/.cache/backend-tests');
let template: Promise<Blob> | undefined;

/**
 * A freshly initialised, empty PGlite data directory as a tarball. initdb in WebAssembly takes
 * seconds, so it runs once and is cached on disk for every suite (keyed by the PGlite version).
 */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const entry = require.resolve('@electric-sql/pglite');
    const manifest = join(entry.slice(0, entry.lastIndexOf('/dist/')), 'package.json');
    const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
    const file = join(TEMPLATE_DIR, `pglite-${version}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const fresh = await PGlite.create('memory://');
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    mkdirSync(TEMPLATE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return template;
}

/** An open, migrated database of the given engine, and how to dispose of it. */
export async function openTestDatabase(engine: 'pglite' | 'postgres'): Promise<{ database: Database; dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const database = await openDatabase({ pgliteDataDir: 'memory://', pgliteTemplate: await pgliteTemplate() });
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
