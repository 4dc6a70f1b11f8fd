#!/usr/bin/env bash
# Start a throw-away Redis (Debian redis-server) for tests on loopback, its own port and directory.
# Idempotent: installs the Debian package when missing, reuses a running server.
# Prints the redis:// URL on stdout.
#
#   PHAROS_TEST_REDIS_DIR   pid file, log           (default /tmp/pharos-test-redis)
#   PHAROS_TEST_REDIS_PORT  port                    (default 16379)
set -euo pipefail

DIR="${PHAROS_TEST_REDIS_DIR:-/tmp/pharos-test-redis}"
PORT="${PHAROS_TEST_REDIS_PORT:-16379}"
URL="redis://127.0.0.1:${PORT}"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y redis-server >&2
fi

if redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; then
  echo "$URL"
  exit 0
fi

mkdir -p "$DIR"
redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --dir "$DIR" \
  --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save '' --appendonly no >&2

for _ in $(seq 1 100); do
  if redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; then
    echo "$URL"
    exit 0
  fi
  sleep 0.1
done
echo "redis-server did not answer on $URL" >&2
tail -n 20 "$DIR/redis.log" >&2 || true
exit 1
