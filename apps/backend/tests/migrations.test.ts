import { randomUUID } from 'node:crypto';
import type { Database } from '../src/db/client';
import { openDatabase } from '../src/db/client';
import { loadMigrations, migrate } from '../src/db/migrate';
import { createScratchPostgres, engines, pgliteTemplate, type ScratchDatabase } from './support/databases';
import { testApp } from './support/app';

// The schema exactly as the original backend's SQLModel create_all left it (reference §3.3):
// naive timestamps, no server defaults, messages.content nullable.
const ORIGINAL_SCHEMA = `
CREATE TABLE users (
  id UUID NOT NULL, name VARCHAR(100) NOT NULL, email VARCHAR(255) NOT NULL, password_hash VARCHAR(255) NOT NULL,
  created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE TABLE conversations (
  id SERIAL NOT NULL, user_id UUID NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id));
CREATE INDEX ix_conversations_user_id ON conversations (user_id);
CREATE TABLE tasks (
  id SERIAL NOT NULL, title VARCHAR(200) NOT NULL, description VARCHAR(1000), completed BOOLEAN NOT NULL,
  user_id UUID NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
  PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id));
CREATE INDEX ix_tasks_user_id ON tasks (user_id);
CREATE TABLE messages (
  id SERIAL NOT NULL, user_id UUID NOT NULL, conversation_id INTEGER NOT NULL, role VARCHAR(20) NOT NULL, content TEXT,
  created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id),
  FOREIGN KEY(conversation_id) REFERENCES conversations (id));
CREATE INDEX ix_messages_user_id ON messages (user_id);
CREATE INDEX ix_messages_conversation_id ON messages (conversation_id);
`;
// argon2-cffi PasswordHasher().hash('original-password-123')
const ORIGINAL_HASH = '$argon2id$v=19$m=65536,t=3,p=4$1CIsSE5IW58uULmMv3X50w$PqYhEsbaoczBDW0ad/LHLYHaKHxOcce1D8IMQyaeLzk';

describe.each(engines)('migrations (%s)', (engine) => {
  const opened: { database: Database; scratch?: ScratchDatabase }[] = [];
  async function emptyDatabase(): Promise<Database> {
    if (engine === 'pglite') {
      const database = await openDatabase({ pgliteDataDir: 'memory://', pgliteTemplate: await pgliteTemplate() });
      opened.push({ database });
      return database;
    }
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ url: scratch.url, poolMax: 4 });
    opened.push({ database, scratch });
    return database;
  }
  const rows = <T>(database: Database, sql: string) => database.withSession((s) => s.query<T>(sql));

  afterAll(async () => {
    for (const { database, scratch } of opened) {
      await database.close();
      await scratch?.drop();
    }
  });

  it('brings an empty database to the current version, and a second run applies nothing', async () => {
    const database = await emptyDatabase();
    const first = await migrate(database);
    expect(first.applied).toEqual(loadMigrations().map((m) => m.name));
    const tables = await rows<{ table_name: string }>(
      database,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['conversations', 'messages', 'schema_migrations', 'tasks', 'users']);
    expect((await migrate(database)).applied).toEqual([]);
  });

  it('is safe when two migrators run at once', async () => {
    const database = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(database), migrate(database)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(loadMigrations().map((m) => m.name).sort());
    const versions = await rows<{ version: number }>(database, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => Number(v.version))).toEqual(loadMigrations().map((m) => m.version));
  });

  it('adopts a database created by the original backend, keeping its rows and logins', async () => {
    const database = await emptyDatabase();
    const userId = randomUUID();
    await database.withSession(async (s) => {
      await s.exec(ORIGINAL_SCHEMA);
      await s.query(
        `INSERT INTO users VALUES ($1, 'Original', 'Original@Example.com', $2, '2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.123456')`,
        [userId, ORIGINAL_HASH],
      );
      await s.query(
        `INSERT INTO tasks (title, description, completed, user_id, created_at, updated_at) VALUES
         ('old task', '', false, $1, '2026-01-03 10:00:00.500999', '2026-01-03 10:00:00.500999'),
         ('done task', NULL, true, $1, '2026-01-04 10:00:00', '2026-01-05 11:00:00')`,
        [userId],
      );
      await s.query(`INSERT INTO conversations (user_id, created_at, updated_at) VALUES ($1, '2026-01-06', '2026-01-06')`, [userId]);
      await s.query(
        `INSERT INTO messages (user_id, conversation_id, role, content, created_at) VALUES ($1, 1, 'user', NULL, '2026-01-06'), ($1, 1, 'assistant', 'hi', '2026-01-06')`,
        [userId],
      );
    });

    expect((await migrate(database)).applied).toEqual(loadMigrations().map((m) => m.name));

    const app = await testApp({ database });
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'original@example.com', password: 'original-password-123' },
      });
      expect(login.statusCode).toBe(200);
      const auth = { authorization: `Bearer ${login.json().access_token}` };
      const tasks = await app.inject({ method: 'GET', url: `/api/${userId}/tasks`, headers: auth });
      expect(tasks.json().tasks).toEqual([
        expect.objectContaining({ title: 'done task', description: null, completed: true, created_at: '2026-01-04T10:00:00.000Z', updated_at: '2026-01-05T11:00:00.000Z' }),
        expect.objectContaining({ title: 'old task', description: '', created_at: '2026-01-03T10:00:00.500Z' }),
      ]);
      const history = await app.inject({ method: 'GET', url: `/api/${userId}/conversations/history`, headers: auth });
      expect(history.json().messages.map((m: { content: string }) => m.content)).toEqual(['', 'hi']);
      const created = await app.inject({ method: 'POST', url: `/api/${userId}/tasks`, headers: auth, payload: { title: 'new' } });
      expect(created.json().id).toBe(3);
      const duplicate = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { name: 'Copy', email: 'ORIGINAL@example.com', password: 'password123' },
      });
      expect(duplicate.statusCode).toBe(409);
    } finally {
      await app.close();
    }
  });
});
