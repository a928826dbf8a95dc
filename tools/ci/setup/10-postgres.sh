#!/usr/bin/env bash
# Installs Debian's PostgreSQL if missing, starts a cluster on 127.0.0.1:5432 without systemd,
# creates role todo/todo (CREATEDB, so suites can make per-suite databases) and database todo_test,
# then records TEST_DATABASE_URL for the suites. Safe to run again: each step checks first.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
ENV_FILE=dist/test-results/env
URL=postgres://todo:todo@127.0.0.1:5432/todo_test

say() { printf '[10-postgres] %s\n' "$*"; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  say "installing postgresql with apt-get (a minute or two)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  say "creating cluster $version/main"
  pg_createcluster "$version" main --port 5432 >/dev/null
fi

if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  say "starting cluster $version/main on 127.0.0.1:5432"
  # pg_ctlcluster runs pg_ctl as the cluster owner; no systemd needed.
  pg_ctlcluster "$version" main start -- -o "-c listen_addresses=127.0.0.1 -c port=5432" \
    || pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { say "PostgreSQL did not come up; see /var/log/postgresql/"; exit 1; }

psql_admin() { su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p 5432 $*"; }
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_roles WHERE rolname='todo'\"")" != "1" ]; then
  say "creating role todo"
  psql_admin "-c \"CREATE ROLE todo LOGIN PASSWORD 'todo' CREATEDB\""
fi
if [ "$(psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname='todo_test'\"")" != "1" ]; then
  say "creating database todo_test"
  psql_admin "-c \"CREATE DATABASE todo_test OWNER todo\""
fi

PGPASSWORD=todo psql -X -q -h 127.0.0.1 -p 5432 -U todo -d todo_test -tAc 'SELECT 1' >/dev/null \
  || { say "cannot log in as todo over TCP; check pg_hba.conf of cluster $version/main"; exit 1; }

mkdir -p "$(dirname "$ENV_FILE")"
touch "$ENV_FILE"
grep -qx "TEST_DATABASE_URL=$URL" "$ENV_FILE" || echo "TEST_DATABASE_URL=$URL" >> "$ENV_FILE"
say "ready: TEST_DATABASE_URL=$URL"
