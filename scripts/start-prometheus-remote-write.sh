#!/usr/bin/env bash
# Start a throw-away Prometheus (Debian package `prometheus`, 2.42 here) that scrapes one target
# every second and remote-writes what it scrapes to Pharos.
#
#   scripts/start-prometheus-remote-write.sh DIR SCRAPE_TARGET REMOTE_WRITE_URL [BEARER_TOKEN]
#
# DIR holds the config, the TSDB and prometheus.log; SCRAPE_TARGET is host:port (scraped at
# /metrics). Prints the Prometheus PID on stdout; stop it with `kill PID`.
set -euo pipefail

DIR="$1"
TARGET="$2"
URL="$3"
TOKEN="${4:-}"

if ! command -v prometheus >/dev/null 2>&1; then
  echo "installing prometheus (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y prometheus >&2
fi

mkdir -p "$DIR/data"
{
  cat <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pharos
    static_configs:
      - targets: ['${TARGET}']
remote_write:
  - url: '${URL}'
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
    metadata_config:
      send_interval: 1s
YAML
  if [ -n "$TOKEN" ]; then
    cat <<YAML
    authorization:
      credentials: '${TOKEN}'
YAML
  fi
} >"$DIR/prometheus.yml"

prometheus \
  --config.file="$DIR/prometheus.yml" \
  --storage.tsdb.path="$DIR/data" \
  --web.listen-address=127.0.0.1:0 \
  >"$DIR/prometheus.log" 2>&1 &
echo $!
