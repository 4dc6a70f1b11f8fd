#!/usr/bin/env bash
# Stop the test PostgreSQL started by start-postgres.sh and delete its data. Idempotent.
set -euo pipefail
DIR="${PHAROS_TEST_PG_DIR:-/tmp/pharos-test-postgres}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -n "$BIN" ] && [ -s "$DIR/data/PG_VERSION" ]; then
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
  else
    "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
  fi
fi
rm -rf "$DIR"
