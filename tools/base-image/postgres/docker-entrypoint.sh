#!/bin/sh
# Entrypoint of todo-app/postgres (tools/base-image/postgres.sh), with the official postgres image's env
# contract: POSTGRES_PASSWORD (needed to create the database), POSTGRES_USER (default postgres),
# POSTGRES_DB (default $POSTGRES_USER), PGDATA, POSTGRES_INITDB_ARGS. On an empty $PGDATA it runs initdb
# as the current user and creates $POSTGRES_DB; then it execs postgres, which becomes PID 1 and gets the
# stop signal itself. Runs as uid 1001 (the image's postgres user), or as root, then drops to postgres.
set -eu

say() { echo "docker-entrypoint: $*"; }
die() { echo "docker-entrypoint: error: $*" >&2; exit 1; }

# `docker run IMAGE -c work_mem=64MB` means postgres with those options; any other command just runs
case "${1:-}" in -*) set -- postgres "$@" ;; esac
[ "${1:-}" = postgres ] || exec "$@"

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA
socket_dir=/var/run/postgresql

if [ "$(id -u)" = 0 ]; then
  # root: hand the data and socket folders to postgres, then run this script again as postgres
  mkdir -p "$PGDATA" "$socket_dir" || die "cannot create $PGDATA as root"
  find "$PGDATA" "$socket_dir" ! -user postgres -exec chown postgres:postgres '{}' + \
    || die "cannot give $PGDATA to the postgres user (chown needs CAP_CHOWN); run as uid 1001 instead"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

uid="$(id -u)"; gid="$(id -g)"
id -un >/dev/null 2>&1 \
  || die "uid $uid has no entry in /etc/passwd, so initdb cannot run; run as 1001:1001 (the image's postgres user) or as root"
hint="mount a volume writable by uid $uid (Kubernetes: securityContext.fsGroup: $gid)"
if [ ! -d "$PGDATA" ]; then
  mkdir -p "$PGDATA" 2>/dev/null || die "data directory $PGDATA cannot be created by uid $uid gid $gid: $(dirname "$PGDATA") is not writable; $hint"
fi
[ -O "$PGDATA" ] || die "data directory $PGDATA belongs to uid $(stat -c %u "$PGDATA"), not to uid $uid that runs PostgreSQL; $hint, with PGDATA a subdirectory of it"
[ -w "$PGDATA" ] || die "data directory $PGDATA is not writable by uid $uid; $hint"
# PostgreSQL wants 0700 (a volume's group permissions, e.g. from fsGroup, make it refuse to start)
chmod 0700 "$PGDATA"
[ -d "$socket_dir" ] && [ -w "$socket_dir" ] \
  || die "$socket_dir (socket and lock files) is not writable by uid $uid; mount an emptyDir or tmpfs there"

if [ -s "$PGDATA/PG_VERSION" ]; then
  say "PostgreSQL database directory appears to contain a database; skipping initialization"
else
  [ -n "${POSTGRES_PASSWORD:-}" ] \
    || die "POSTGRES_PASSWORD is not set; a new database needs a password for $POSTGRES_USER (Kubernetes: from a Secret)"
  say "initializing a new database in $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)"
  # the password reaches initdb through a pipe: never an argument, a file or a log line
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, split on purpose
  printf '%s\n' "$POSTGRES_PASSWORD" | initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile=/dev/stdin \
    --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions \
    ${POSTGRES_INITDB_ARGS:-}
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  printf '\nhost all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"

  if [ "$POSTGRES_DB" != postgres ]; then
    # a temporary server on the Unix socket only, so nothing can connect over TCP before the database exists
    pg_ctl --pgdata="$PGDATA" --wait --silent --options="-c listen_addresses=''" start
    if ! printf 'CREATE DATABASE :"db";\n' | psql -X -q -v ON_ERROR_STOP=1 --host="$socket_dir" \
        --username="$POSTGRES_USER" --dbname=postgres --set=db="$POSTGRES_DB"; then
      pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop
      die "could not create database $POSTGRES_DB (message above)"
    fi
    pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop
    say "created database $POSTGRES_DB"
  fi
  say "initialization done; starting PostgreSQL"
fi

unset POSTGRES_PASSWORD
exec "$@"
