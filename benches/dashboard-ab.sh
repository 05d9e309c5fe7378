#!/usr/bin/env bash
# Interleaved A/B of service binaries under the member's Dashboard (issue 11:
# the figures of a change measured against the build before it, in one run).
#
#   bash benches/dashboard-ab.sh OLD_BINARY NEW_BINARY [MORE...]
#
# Builds a demo city of LOCATIONS (2000) locations in the PostgreSQL database
# wp_bench_ab once (with the first binary), then for ROUNDS (3) rounds starts
# each binary in turn on it, signs the demo member in (trusted Login by
# documentId), warms up 3 s and runs wrk -t2 --latency for DURATION (8) s at
# each of CONNECTIONS ("16 32") with the Dashboard by documentId and bearer
# token (benches/kanazawa/post.lua), printing one line per run. Fails if any
# answer was not a 200 or had errors. The database is dropped at the end.
# Needs: psql, wrk, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bash benches/dashboard-ab.sh OLD_BINARY NEW_BINARY [MORE...]" >&2; exit 2; }
LOCATIONS=${LOCATIONS:-2000} ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} CONNECTIONS=${CONNECTIONS:-16 32}
PORT=${SERVICE_PORT:-18480} PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
db=wp_bench_ab url="http://127.0.0.1:$PORT"
work=$(mktemp -d) pid=''
sql() { psql -h "$PGHOST" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt -d postgres "$@"; }
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
doc_id() { echo "sha256:$(sha256sum "playground/operations/$1" | cut -d' ' -f1)"; }
start() {
  DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/$db" PORTAL_DEMO_DATA=true PORTAL_DEMO_LOCATIONS=$LOCATIONS \
    PORTAL_LISTEN="127.0.0.1:$PORT" PORTAL_METRICS_LISTEN="127.0.0.1:$((PORT + 1))" PORTAL_SERVICE_HOURS=always \
    PORTAL_MAIL_DIR="$work/mail" RUST_LOG=warn "$1" >>"$work/service.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "$url/healthz"; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$work/service.log" >&2; exit 1; }
    sleep 0.3
  done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=''; }
echo "{\"documentId\":\"$(doc_id dashboard.graphql)\",\"operationName\":\"Dashboard\"}" >"$work/dashboard.json"
sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
echo "seeding $LOCATIONS locations in $db" >&2
start "$1"; stop
echo "| round | binary | connections | req/s | p99 |"
echo "| ---: | --- | ---: | ---: | ---: |"
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    start "$bin"
    token=$(curl -sf "$url/graphql" -H 'content-type: application/json' \
      -d "{\"documentId\":\"$(doc_id login-screen.graphql)\",\"operationName\":\"Login\",\"variables\":{\"loginId\":\"demo\",\"password\":\"demo-password-2024\"}}" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["session"]["token"])')
    BODY="$work/dashboard.json" TOKEN=$token wrk -t2 -c16 -d3s -s benches/kanazawa/post.lua "$url/graphql" >/dev/null
    for c in $CONNECTIONS; do
      out=$(BODY="$work/dashboard.json" TOKEN=$token wrk -t2 -c"$c" -d"${DURATION}s" --latency -s benches/kanazawa/post.lua "$url/graphql")
      bad=$(echo "$out" | sed -n 's/^bad responses: //p')
      [ "${bad:-1}" = 0 ] || { echo "$out" >&2; echo "bad responses from $bin" >&2; exit 1; }
      echo "| $round | $bin | $c | $(echo "$out" | awk '/Requests\/sec/ {print $2}') | $(echo "$out" | awk '$1 == "99%" {print $2}') |"
    done
    stop
  done
done
