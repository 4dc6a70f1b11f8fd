#!/usr/bin/env bash
# Start a throw-away ClickHouse (Debian clickhouse-server, 18.16 here) for tests, on loopback with
# its own ports and its own generated configuration under a temporary directory, so it never
# collides with a server the Debian package may have started (ports 8123/9000, /var/lib/clickhouse).
# Idempotent: installs the Debian package when missing, reuses a running server.
# Prints the HTTP URL on stdout.
#
#   PHAROS_TEST_CH_DIR        data, logs and config   (default /tmp/pharos-test-clickhouse)
#   PHAROS_TEST_CH_HTTP_PORT  HTTP interface          (default 18123)
#   PHAROS_TEST_CH_TCP_PORT   native protocol         (default 19000; shards talk over it)
#   PHAROS_TEST_CH_CLUSTERS   optional XML placed inside <remote_servers> (cluster tests)
set -euo pipefail

DIR="${PHAROS_TEST_CH_DIR:-/tmp/pharos-test-clickhouse}"
HTTP_PORT="${PHAROS_TEST_CH_HTTP_PORT:-18123}"
TCP_PORT="${PHAROS_TEST_CH_TCP_PORT:-19000}"
CLUSTERS="${PHAROS_TEST_CH_CLUSTERS:-}"
URL="http://127.0.0.1:${HTTP_PORT}"

find_bin() {
  command -v clickhouse-server 2>/dev/null || { [ -x /usr/sbin/clickhouse-server ] && echo /usr/sbin/clickhouse-server; } || true
}

BIN="$(find_bin)"
if [ -z "$BIN" ]; then
  echo "installing clickhouse-server (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y clickhouse-server >&2
  BIN="$(find_bin)"
fi

ping_server() {
  curl -fsS --max-time 2 "$URL/ping" >/dev/null 2>&1
}

if ping_server; then
  echo "$URL"
  exit 0
fi

mkdir -p "$DIR/data" "$DIR/tmp" "$DIR/user_files" "$DIR/format_schemas" "$DIR/log"

cat >"$DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$DIR/log/server.log</log>
    <errorlog>$DIR/log/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$HTTP_PORT</http_port>
  <tcp_port>$TCP_PORT</tcp_port>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>$DIR/data/</path>
  <tmp_path>$DIR/tmp/</tmp_path>
  <user_files_path>$DIR/user_files/</user_files_path>
  <format_schema_path>$DIR/format_schemas/</format_schema_path>
  <users_config>$DIR/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <remote_servers>$CLUSTERS</remote_servers>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
XML

# The test user: password 'pharos', loopback only. 'readonly' is a profile the guarded SQL path
# may switch to per query; the default profile must allow changing settings for that.
cat >"$DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
    <pharos>
      <password>pharos</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </pharos>
  </users>
  <quotas>
    <default>
      <interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
    </default>
  </quotas>
</yandex>
XML

if [ "$(id -u)" = "0" ] && id clickhouse >/dev/null 2>&1; then
  chown -R clickhouse:clickhouse "$DIR"
  RUN=(runuser -u clickhouse --)
else
  RUN=()
fi

"${RUN[@]}" "$BIN" --config-file="$DIR/config.xml" --pid-file="$DIR/server.pid" --daemon \
  >"$DIR/launch.log" 2>&1 || { cat "$DIR/launch.log" >&2; exit 1; }

for _ in $(seq 1 150); do
  if ping_server; then
    echo "$URL"
    exit 0
  fi
  sleep 0.2
done
echo "clickhouse-server did not answer on $URL within 30 s" >&2
tail -n 30 "$DIR/log/server.err.log" >&2 2>/dev/null || true
exit 1
