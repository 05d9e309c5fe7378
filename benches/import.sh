#!/usr/bin/env bash
# The billing feed's import at Kanazawa's scale (issue 11): wall clock and
# peak memory for 10k, 50k and 230k-location feeds (two months each: two
# readings, two bills and a payment a location) into an empty database, on
# SQLite and on PostgreSQL, then the same feed again (nothing to change).
#
#   bash benches/import.sh                 # sizes 10000 50000 230000
#   SIZES="10000 50000" bash benches/import.sh
#
# Uses the release binary (built here unless PORTAL_BIN is given) and a
# scratch database per run (a file under $WORK, PostgreSQL `wp_import`;
# the first import also runs the migrations, well under a second).
# Prints a markdown table. Nothing here runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"10000 50000 230000"}
WORK=${WORK:-/var/tmp/water-portal-import}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/water-portal-target}"
if [ -z "${PORTAL_BIN:-}" ]; then
  cargo build --release -q
  PORTAL_BIN="$CARGO_TARGET_DIR/release/water-portal"
fi
mkdir -p "$WORK"

# Runs one import; prints "seconds KB".
run() {
  local url=$1 dir=$2 out
  out=$(DATABASE_URL="$url" PORTAL_DEMO_DATA=false /usr/bin/time -f "%e %M" \
    "$PORTAL_BIN" import "$dir" 2>&1 >/dev/null | tail -1)
  echo "$out"
}

fresh_pg() {
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS wp_import WITH (FORCE)" >/dev/null 2>&1
  psql "$PG/postgres" -qc "CREATE DATABASE wp_import" >/dev/null
}

fresh_sqlite() {
  rm -f "$WORK/import.db" "$WORK/import.db-wal" "$WORK/import.db-shm"
}

echo "| engine | locations | import | peak RSS | again (no changes) | peak RSS | per 10k locations |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
  dir="$WORK/feed$n"
  [ -f "$dir/bills.csv" ] || python3 benches/generate_feed.py "$dir" "$n" >/dev/null
  for engine in sqlite postgres; do
    if [ "$engine" = sqlite ]; then fresh_sqlite; url="sqlite://$WORK/import.db"; else fresh_pg; url="$PG/wp_import"; fi
    read -r t1 m1 <<<"$(run "$url" "$dir")"
    read -r t2 m2 <<<"$(run "$url" "$dir")"
    printf '| %s | %s | %s s | %s MB | %s s | %s MB | %.2f s |\n' "$engine" "$n" "$t1" "$((m1 / 1024))" "$t2" "$((m2 / 1024))" \
      "$(python3 -c "print($t1 * 10000 / $n)")"
  done
done
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS wp_import WITH (FORCE)" >/dev/null 2>&1 || true
