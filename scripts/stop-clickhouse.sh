#!/usr/bin/env bash
# Stop the test ClickHouse started by start-clickhouse.sh and delete its data. Idempotent.
set -euo pipefail
DIR="${PHAROS_TEST_CH_DIR:-/tmp/pharos-test-clickhouse}"
if [ -s "$DIR/server.pid" ]; then
  PID="$(cat "$DIR/server.pid")"
  if kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$PID" 2>/dev/null || true
  fi
fi
rm -rf "$DIR"
