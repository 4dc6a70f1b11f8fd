#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 for tests on port 5433 (a stopped system cluster owns 5432).
# Idempotent: installs the Debian package when missing, reuses a running server.
# Prints the connection URL on stdout. Data lives under ${PHAROS_TEST_PG_DIR:-/tmp/pharos-test-postgres}.
set -euo pipefail

PORT="${PHAROS_TEST_PG_PORT:-5433}"
DIR="${PHAROS_TEST_PG_DIR:-/tmp/pharos-test-postgres}"
URL="postgres://pharos:pharos@127.0.0.1:${PORT}/pharos"

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "installing postgresql (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
  BIN="$(find_bin)"
fi

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -s "$DIR/data/PG_VERSION" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$DIR"
  # trust on loopback only (a test server); the URL still carries a password like a real one.
  as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
fi

if ! as_postgres "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
fi

as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qtAc \
  "SELECT 1 FROM pg_roles WHERE rolname='pharos'" | grep -q 1 ||
  as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc \
    "CREATE ROLE pharos LOGIN PASSWORD 'pharos' CREATEDB" >&2
as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qtAc \
  "SELECT 1 FROM pg_database WHERE datname='pharos'" | grep -q 1 ||
  as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc \
    "CREATE DATABASE pharos OWNER pharos" >&2

echo "$URL"
