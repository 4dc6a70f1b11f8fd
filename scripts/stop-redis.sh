#!/usr/bin/env bash
# Stop the test Redis started by start-redis.sh and delete its directory. Idempotent.
set -euo pipefail
DIR="${PHAROS_TEST_REDIS_DIR:-/tmp/pharos-test-redis}"
if [ -s "$DIR/redis.pid" ]; then
  PID="$(cat "$DIR/redis.pid")"
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
fi
rm -rf "$DIR"
