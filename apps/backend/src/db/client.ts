import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { DEFAULT_DATABASE_POOL_MAX } from '../config';
import { observePool } from '../observability/metrics';
import { schema } from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Raw SQL access used by the migrator (multi-statement scripts, advisory locks). */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Runs a prepared statement with its parameters; rows come as the driver builds them. */
export type PreparedQuery<Row> = (params: unknown[]) => Promise<Row[]>;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  /**
   * A named statement, parsed and planned once per connection, whose rows skip the ORM's mapping:
   * for hot reads whose selected columns are already named and shaped as the caller wants them.
   */
  prepare<Row>(name: string, query: { sql: string }): PreparedQuery<Row>;
  /** Runs `work` on one dedicated connection (advisory locks are per connection). */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; without it an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. */
  pgliteDataDir?: string;
  poolMax?: number;
  /** A PGlite data directory dump to start from instead of running initdb (tests use one, it is much faster). */
  pgliteTemplate?: Blob;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolMax ?? DEFAULT_DATABASE_POOL_MAX)
    : openPglite(options.pgliteDataDir ?? 'memory://', options.pgliteTemplate);
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const unobservePool = observePool(pool);
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  let closed = false;
  return {
    kind: 'postgres',
    db,
    prepare: <Row>(name: string, { sql: text }: { sql: string }) =>
      async (values: unknown[]) => (await pool.query<Row & pg.QueryResultRow>({ name, text, values })).rows,
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      unobservePool();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string, template?: Blob): Promise<Database> {
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, loadDataDir: template });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  // PGlite has one connection, on which advisory locks are re-entrant: take turns in-process instead.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    db,
    // PGlite runs in-process: there is no round trip or plan to save, only the ORM's mapping.
    prepare: <Row>(_name: string, { sql: text }: { sql: string }) =>
      async (values: unknown[]) => (await client.query<Row>(text, values)).rows,
    withSession(work) {
      const session = {
        exec: async (sql: string) => void (await client.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
      };
      const result = turn.then(() => work(session));
      turn = result.catch(() => undefined);
      return result;
    },
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
