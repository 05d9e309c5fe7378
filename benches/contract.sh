#!/usr/bin/env bash
# The GraphQL contract under load (issue 7), release build, SQLite demo city:
#  1. the trusted Dashboard by documentId against the same by full text,
#     interleaved over ROUNDS rounds;
#  2. the 25-alias cost bomb from 8 connections at once (as a member with
#     PORTAL_DOCUMENTS=any, and as staff) while a Dashboard client measures
#     its latency, against the same Dashboard client idle; the service's
#     RSS during and after.
#   bash benches/contract.sh            (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/water-portal-target}"
ROUNDS="${ROUNDS:-3}"
SECONDS_EACH="${SECONDS_EACH:-5}"
LOCATIONS="${LOCATIONS:-1000}"
port="${BENCH_PORT:-18282}"
url="http://127.0.0.1:$port/graphql"
work="$(mktemp -d)"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build -q --release
bin="$CARGO_TARGET_DIR/release/water-portal"
DATABASE_URL="sqlite://$work/bench.db" PORTAL_LISTEN="127.0.0.1:$port" PORTAL_METRICS_LISTEN=127.0.0.1:0 \
  PORTAL_SERVICE_HOURS=always PORTAL_DOCUMENTS=any PORTAL_DEMO_LOCATIONS="$LOCATIONS" \
  PORTAL_MAIL_DIR="$work/mail" RUST_LOG=warn "$bin" &
pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

post() { curl -s -H 'content-type: application/json' "$@" "$url"; }
token_of() { python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print((d.get("login") or d.get("staffLogin"))["session"]["token"])'; }
member=$(post -d '{"query":"mutation { login(input:{loginId:\"demo\",password:\"demo-password-2024\"}) { session { token } } }"}' | token_of)
staff=$(post -d '{"query":"mutation { staffLogin(input:{loginId:\"staff\",password:\"staff-password-2024\"}) { session { token } } }"}' | token_of)

python3 - "$work" <<'PY'
import hashlib, json, sys
work = sys.argv[1]
text = open("playground/operations/dashboard.graphql", "rb").read()
doc_id = "sha256:" + hashlib.sha256(text).hexdigest()
bodies = {
    "by-id": {"documentId": doc_id, "operationName": "Dashboard"},
    "by-text": {"query": text.decode(), "operationName": "Dashboard"},
}
inner = ("me { serviceLocations { bills(first: 100) { edges { node { id amountYen "
         "serviceLocation { bills(first: 100) { edges { node { id lineItems { label amountYen } } } } } } } } } }")
bodies["bomb"] = {"query": "{ " + " ".join(f"a{i}: {inner}" for i in range(25)) + " }"}
for name, body in bodies.items():
    open(f"{work}/{name}.json", "w").write(json.dumps(body))
PY
lua() { # name token
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $2"
local f = io.open("$work/$1.json"); wrk.body = f:read("*a"); f:close()
LUA
}
lua by-id "$member"; lua by-text "$member"; lua bomb-member "$member"; lua bomb-staff "$staff"
cp "$work/bomb.json" "$work/bomb-member.json"; cp "$work/bomb.json" "$work/bomb-staff.json"
post -H "authorization: Bearer $member" -d @"$work/bomb.json" | grep -q QUERY_TOO_COSTLY
post -H "authorization: Bearer $member" -d @"$work/by-id.json" | grep -q '"displayName"'

run() { # script connections seconds -> "req/s p50 p99"
  wrk -t2 -c"$2" -d"$3"s --latency -s "$work/$1.lua" "$url" |
    awk '/Requests\/sec/ {r=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} END {print r, p50, p99}'
}
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' "/proc/$pid/status"; }

echo "## Dashboard by documentId against by full text ($ROUNDS rounds, 16 connections, ${SECONDS_EACH}s each)"
echo
echo "| round | by documentId req/s (p50, p99) | by text req/s (p50, p99) | ratio id/text |"
echo "| --- | --- | --- | --- |"
for round in $(seq "$ROUNDS"); do
  # Alternate which goes first, so warming up favours neither.
  if [ $((round % 2)) -eq 1 ]; then
    read -r a a50 a99 <<<"$(run by-id 16 "$SECONDS_EACH")"
    read -r b b50 b99 <<<"$(run by-text 16 "$SECONDS_EACH")"
  else
    read -r b b50 b99 <<<"$(run by-text 16 "$SECONDS_EACH")"
    read -r a a50 a99 <<<"$(run by-id 16 "$SECONDS_EACH")"
  fi
  echo "| $round | $a ($a50, $a99) | $b ($b50, $b99) | $(python3 -c "print(f'{$a/$b:.2f}')") |"
done
echo
echo "## Cost bomb (25 aliases, 4.5 KB) from 8 connections, Dashboard from 2 connections beside it"
echo
echo "| load | Dashboard req/s (p50, p99) | bomb refusals/s | RSS during |"
echo "| --- | --- | --- | --- |"
read -r i i50 i99 <<<"$(run by-id 2 "$SECONDS_EACH")"
echo "| idle | $i ($i50, $i99) | | $(rss) |"
for who in member staff; do
  run "bomb-$who" 8 "$SECONDS_EACH" > "$work/bomb.out" &
  bomber=$!
  sleep 0.5
  read -r d d50 d99 <<<"$(run by-id 2 "$((SECONDS_EACH - 1))")"
  during=$(rss)
  wait "$bomber"
  read -r bombs _ <"$work/bomb.out"
  echo "| 8 bombs as $who | $d ($d50, $d99) | $bombs | $during |"
done
echo
echo "RSS after: $(rss); peak: $(awk '/VmHWM/ {print int($2/1024) " MB"}' "/proc/$pid/status")"
