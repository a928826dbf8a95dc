-- Server-side defaults (the original set every value in the application).
ALTER TABLE users ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE users ALTER COLUMN updated_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE tasks ALTER COLUMN completed SET DEFAULT false;
ALTER TABLE tasks ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE tasks ALTER COLUMN updated_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE conversations ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE conversations ALTER COLUMN updated_at SET DEFAULT (now() AT TIME ZONE 'utc');
ALTER TABLE messages ALTER COLUMN created_at SET DEFAULT (now() AT TIME ZONE 'utc');

-- create_all left messages.content nullable; the original never wrote messages, but be safe.
UPDATE messages SET content = '' WHERE content IS NULL;
ALTER TABLE messages ALTER COLUMN content SET NOT NULL;

-- E-mail addresses are unique regardless of case. A database adopted from the original may already
-- hold addresses differing only in case; keep those rows and fall back to a plain index (the
-- application serialises registrations per address, so no new duplicates appear).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM users GROUP BY lower(email) HAVING count(*) > 1) THEN
    RAISE WARNING 'users has e-mail addresses differing only in case; lower(email) index is not unique';
    CREATE INDEX IF NOT EXISTS ix_users_email_lower ON users (lower(email));
  ELSE
    CREATE UNIQUE INDEX IF NOT EXISTS ix_users_email_lower ON users (lower(email));
  END IF;
END
$$;

CREATE INDEX IF NOT EXISTS ix_tasks_user_id_created_at ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_messages_conversation_id_id ON messages (conversation_id, id);
