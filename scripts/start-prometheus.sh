#!/usr/bin/env bash
# Start a throw-away Prometheus 2.42 (Debian package) as the PromQL reference for tests: own
# loopback port (never the package's own daemon on :9090), remote-write receiver on, a fresh
# TSDB under a temp directory, no scrape jobs. Idempotent: reuses a server it started before.
# Prints the base URL (http://127.0.0.1:PORT) on stdout.
set -euo pipefail

DIR="${PHAROS_TEST_PROM_DIR:-/tmp/pharos-test-prometheus}"
BIN="${PROMETHEUS_BIN:-/usr/bin/prometheus}"

if [ ! -x "$BIN" ]; then
  echo "installing prometheus (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y prometheus >&2
fi

if [ -s "$DIR/pid" ] && [ -s "$DIR/port" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
  echo "http://127.0.0.1:$(cat "$DIR/port")"
  exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR/data"
cat >"$DIR/prometheus.yml" <<'YAML'
global:
  evaluation_interval: 1m
scrape_configs: []
YAML

# A free loopback port: ask the kernel for one.
PORT="${PHAROS_TEST_PROM_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"

nohup "$BIN" \
  --config.file="$DIR/prometheus.yml" \
  --storage.tsdb.path="$DIR/data" \
  --web.listen-address="127.0.0.1:$PORT" \
  --web.enable-remote-write-receiver \
  --storage.tsdb.retention.time=1d \
  --query.lookback-delta=5m \
  >"$DIR/server.log" 2>&1 </dev/null &
echo $! >"$DIR/pid"
echo "$PORT" >"$DIR/port"

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; then
    echo "http://127.0.0.1:$PORT"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    cat "$DIR/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "prometheus did not become ready on port $PORT" >&2
cat "$DIR/server.log" >&2
exit 1
