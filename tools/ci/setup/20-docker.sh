#!/usr/bin/env bash
# Docker engine for the image suites: installs Debian's docker.io if missing, starts dockerd in the
# background if no engine answers (no systemd here), then makes sure the offline Node base image exists
# (tools/base-image/build.sh) and tells the suites which images to build on:
#   NODE_IMAGE=<local base image>, DOCKER=/usr/bin/docker, and
#   POSTGRES_IMAGE=<the offline PostgreSQL image's reference>: recorded, not built here; whoever needs it
#   runs `tools/base-image/postgres.sh --print-ref`, which builds it once (images-e2e's postgres.test.ts does).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

# /usr/bin/docker (from docker.io) drives BuildKit itself; another client on PATH may lack buildx.
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
LOG=/var/log/todo-app-dockerd.log

if [ ! -x /usr/sbin/dockerd ] || [ ! -x "$DOCKER" ]; then
  echo "installing docker.io from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

if ! "$DOCKER" info >/dev/null 2>&1; then
  echo "starting dockerd (log: $LOG)"
  # niced so image builds and containers yield to the rest of the machine
  setsid nice -n 10 /usr/sbin/dockerd >>"$LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! "$DOCKER" info >/dev/null 2>&1; then
    tail -n 20 "$LOG" >&2
    echo "dockerd did not answer within 60 s (log above, full log $LOG)" >&2
    exit 1
  fi
fi
echo "docker engine $("$DOCKER" version --format '{{.Server.Version}}') is up"

base_ref="$(bash tools/base-image/build.sh --print-ref)"
postgres_ref="$(bash tools/base-image/postgres.sh --ref)"
mkdir -p dist/test-results
{
  echo "DOCKER=$DOCKER"
  echo "NODE_IMAGE=$base_ref"
  echo "POSTGRES_IMAGE=$postgres_ref"
} >> dist/test-results/env
echo "base image: NODE_IMAGE=$base_ref"
echo "PostgreSQL image (built on first use by tools/base-image/postgres.sh): POSTGRES_IMAGE=$postgres_ref"
