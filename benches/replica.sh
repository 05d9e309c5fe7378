#!/usr/bin/env bash
# A real PostgreSQL streaming replica of this machine's Debian PostgreSQL 15
# cluster, for trying DATABASE_READ_URL (issue 11):
#
#   benches/replica.sh up      # pg_basebackup into $REPLICA_DIR, start it on $REPLICA_PORT
#   benches/replica.sh stop    # stop the standby (the service falls back to the primary)
#   benches/replica.sh start   # start it again (the service takes it back)
#   benches/replica.sh status  # in recovery? how far behind?
#   benches/replica.sh down    # stop it and delete its data directory
#   benches/replica.sh demo    # up, then the service on both, then stop/start, printed
#
# It lets replication connections in from loopback on the primary (one
# line appended to its pg_hba.conf, trust, as the machine's other lines)
# and runs the standby as the postgres user. Nothing here runs in CI.
set -euo pipefail

PORT=${REPLICA_PORT:-5433}
DIR=${REPLICA_DIR:-/var/tmp/water-portal-replica}
BIN=/usr/lib/postgresql/15/bin
PRIMARY="-h 127.0.0.1 -p 5432 -U postgres"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

up() {
  local hba
  hba=$(psql $PRIMARY -Atc "SHOW hba_file")
  if ! grep -q '^host replication all 127.0.0.1/32 trust' "$hba"; then
    echo 'host replication all 127.0.0.1/32 trust' >>"$hba"
    psql $PRIMARY -qAtc "SELECT pg_reload_conf()" >/dev/null
  fi
  down quiet
  mkdir -p "$DIR" && chown postgres "$DIR" 2>/dev/null || true
  chmod 700 "$DIR"
  # -R writes standby.signal and primary_conninfo: it streams from the primary.
  as_pg pg_basebackup $PRIMARY -D "$DIR" -R -X stream -c fast
  # Debian keeps the server's configuration in /etc: the copy gets its own.
  cat >"$DIR/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = 100
shared_buffers = 256MB
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$DIR/pg_hba.conf"
  chown postgres "$DIR/postgresql.conf" "$DIR/pg_hba.conf" 2>/dev/null || true
  start
}

start() { as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w start >/dev/null; status; }
stop() { as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null || true; echo "standby on $PORT stopped"; }

status() {
  psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc \
    "SELECT 'standby on $PORT: in recovery=' || pg_is_in_recovery() || ', replayed ' || pg_last_wal_replay_lsn()"
  psql $PRIMARY -Atc "SELECT 'primary sees: ' || application_name || ' ' || state || ', replay lag ' || COALESCE(replay_lag::text, '0') FROM pg_stat_replication"
}

down() {
  if [ -f "$DIR/postmaster.pid" ]; then stop; fi
  rm -rf "$DIR"
  [ "${1:-}" = quiet ] || echo "standby removed"
}

# The service on the primary with its reads on the standby; the standby
# stopped and started under it.
demo() {
  local bin=${PORTAL_BIN:-target/release/water-portal} db=wp_replica_demo port=18090
  up
  psql $PRIMARY -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db \
  DATABASE_READ_URL=postgres://postgres@127.0.0.1:$PORT/$db \
  PORTAL_LISTEN=127.0.0.1:$port PORTAL_METRICS_LISTEN=127.0.0.1:$((port + 1)) \
  PORTAL_DOCUMENTS=any PORTAL_DEMO_LOCATIONS=1000 "$bin" >/tmp/wp-replica-demo.log 2>&1 &
  service_pid=$!
  trap 'kill $service_pid 2>/dev/null || true' EXIT
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  sleep 2
  echo "healthz: $(curl -s http://127.0.0.1:$port/healthz)"
  local token
  token=$(curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -d '{"query":"mutation { login(input: {loginId: \"demo\", password: \"demo-password-2024\"}) { session { token } } }"}' |
    tee /tmp/wp-replica-login.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["session"]["token"])')
  echo "waiting out the read-your-writes window of the sign-in (10 s)"; sleep 11
  dash() {
    curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' -H "authorization: Bearer $token" \
      -d '{"query":"{ me { serviceLocations { customerNumber latestBill { amountYen } } } notices(first: 5) { edges { node { isRead } } } }"}' | head -c 120
    echo
  }
  counts() { curl -s "http://127.0.0.1:$((port + 1))/metrics" | grep -E '^portal_db_(replica_)?statements_total'; }
  echo "== the standby streaming: the member's reads go to it"
  counts; dash; counts
  echo "== the standby stopped: the probe finds it down within about 3 s; reads go to the primary"
  stop; sleep 4
  echo "healthz: $(curl -s http://127.0.0.1:$port/healthz)"
  dash; counts
  echo "== the standby started again: the next probe takes it back"
  start; sleep 2
  echo "healthz: $(curl -s http://127.0.0.1:$port/healthz)"
  dash; counts
}

"${1:-up}" 
