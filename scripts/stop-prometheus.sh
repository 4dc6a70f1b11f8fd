#!/usr/bin/env bash
# Stop the test Prometheus started by start-prometheus.sh (by its recorded pid) and delete its data.
set -euo pipefail
DIR="${PHAROS_TEST_PROM_DIR:-/tmp/pharos-test-prometheus}"
if [ -s "$DIR/pid" ]; then
  PID="$(cat "$DIR/pid")"
  if kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  fi
fi
rm -rf "$DIR"
