-- The schema the original backend created (Alembic revision 001_create_all_tables / create_all).
-- IF NOT EXISTS everywhere: on a database made by the original backend this adopts what is there.
CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY,
  name varchar(100) NOT NULL,
  email varchar(255) NOT NULL,
  password_hash varchar(255) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_users_email ON users (email);

CREATE TABLE IF NOT EXISTS tasks (
  id serial PRIMARY KEY,
  title varchar(200) NOT NULL,
  description varchar(1000),
  completed boolean NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_tasks_user_id ON tasks (user_id);

CREATE TABLE IF NOT EXISTS conversations (
  id serial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_conversations_user_id ON conversations (user_id);

CREATE TABLE IF NOT EXISTS messages (
  id serial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  conversation_id integer NOT NULL REFERENCES conversations (id),
  role varchar(20) NOT NULL,
  content text,
  created_at timestamp without time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_messages_user_id ON messages (user_id);
CREATE INDEX IF NOT EXISTS ix_messages_conversation_id ON messages (conversation_id);
