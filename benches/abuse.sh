#!/usr/bin/env bash
# Attacks of issue 8 replayed against a release build (items 1, 2 and 9):
#  1. a locked login ID flooded by 200 connections;
#  2. a flood of sign-ins that each cost a hash (unknown IDs);
#  3. 1,000 connections with half-sent headers and 100 with half-sent bodies.
# For each: a legitimate member's sign-in latency during it, and the
# service's RSS during and after. The floods carry X-Forwarded-For addresses
# from the documentation range (PORTAL_TRUST_FORWARDED_FOR=true), as many
# attackers would; every packet goes to 127.0.0.1 only.
#   bash benches/abuse.sh            (needs wrk and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/water-portal-target}"
FLOOD_SECONDS="${FLOOD_SECONDS:-30}"
port="${BENCH_PORT:-18484}"
mport=$((port + 1))
url="http://127.0.0.1:$port/graphql"
work="$(mktemp -d)"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build -q --release
start() {
DATABASE_URL="sqlite://$work/bench.db" PORTAL_LISTEN="127.0.0.1:$port" \
  PORTAL_SERVICE_HOURS=always PORTAL_TRUST_FORWARDED_FOR=true \
  PORTAL_ADDRESS_FAILURE_LIMIT=50 PORTAL_METRICS_LISTEN="127.0.0.1:$mport" PORTAL_MAIL_DIR="$work/mail" RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/water-portal" &
pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
}
# Seed the demo city, then measure a service that did not seed (as in
# production, where the database is filled by the feed, not the process).
start; kill "$pid"; wait "$pid" 2>/dev/null || true; start

login_id=$(python3 -c 'import hashlib; print("sha256:" + hashlib.sha256(open("playground/operations/login-screen.graphql","rb").read()).hexdigest())')
body() { printf '{"documentId":"%s","operationName":"Login","variables":{"loginId":"%s","password":"%s"}}' "$login_id" "$1" "$2"; }
hashes() { curl -s "http://127.0.0.1:$mport/metrics" | awk '/^portal_password_hashes_total/ {print $2}'; }
rss() { awk '/VmRSS/ {print int($2/1024) " MB"}' "/proc/$pid/status"; }
hwm() { awk '/VmHWM/ {print int($2/1024) " MB"}' "/proc/$pid/status"; }
# A member signing in from an address of their own: median and worst of 10.
member_latency() {
  for _ in $(seq 10); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'content-type: application/json' \
      -H 'x-forwarded-for: 198.51.100.7' -d "$(body demo demo-password-2024)" "$url"
    sleep 0.3
  done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "median %.0f ms, worst %.0f ms", t[int((NR+1)/2)], t[NR] }'
}
flood_script() { # name login-id prefix: every request from a new address
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = "$3." .. math.random(0, 255) .. "." .. math.random(1, 254)
  local id = "$2"
  if id == "" then id = "guess" .. n .. "x" .. math.random(1, 1000000) end
  return wrk.format(nil, nil, nil, '{"documentId":"$login_id","operationName":"Login","variables":{"loginId":"' .. id .. '","password":"wrong-password-1"}}')
end
LUA
}
flood() { # script seconds
  wrk -t2 -c200 -d"$2"s -s "$work/$1.lua" "$url" |
    awk '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {print n " requests, " r " req/s"}'
}

echo "| attack | requests (hashes computed for them) | member sign-in during | RSS during | RSS after |"
echo "| --- | --- | --- | --- | --- |"
echo "| none | | $(member_latency) | $(rss) | |"

# 1. Lock `someone`, then flood it.
for _ in 1 2 3 4 5; do
  curl -s -o /dev/null -H 'content-type: application/json' -H 'x-forwarded-for: 192.0.2.1' \
    -d "$(body someone wrong-password-1)" "$url"
done
flood_script locked someone 198.18
h0=$(hashes)
flood locked "$FLOOD_SECONDS" > "$work/out" & f=$!
sleep 3; lat=$(member_latency); during=$(rss); wait "$f"; sleep 2
echo "| 200 connections on a locked ID | $(cat "$work/out"), $(( $(hashes) - h0 - 10 )) hashes | $lat | $during | $(rss) |"

# 2. Unknown IDs: every request costs a hash.
flood_script unknown "" 198.19
h0=$(hashes)
flood unknown "$FLOOD_SECONDS" > "$work/out" & f=$!
sleep 3; lat=$(member_latency); during=$(rss); wait "$f"; sleep 2
echo "| 200 connections, unknown IDs | $(cat "$work/out"), $(( $(hashes) - h0 - 10 )) hashes | $lat | $during | $(rss) |"

# 3. Slow clients.
python3 - "$port" "$FLOOD_SECONDS" > "$work/slow.out" <<'PY' & f=$!
import socket, sys, time
port, seconds = int(sys.argv[1]), int(sys.argv[2])
socks, opened = [], 0
deadline = time.time() + seconds
while time.time() < deadline:
    # Keep 1,000 half-sent headers and 100 half-sent bodies open, reopening
    # what the service closes.
    socks = [s for s in socks if s.fileno() != -1]
    while len(socks) < 1100:
        s = socket.create_connection(("127.0.0.1", port))
        if len(socks) < 1000:
            s.send(b"POST /graphql HTTP/1.1\r\nHost: portal\r\nX-Slow: ")
        else:
            s.send(b"POST /graphql HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
        socks.append(s); opened += 1
    for s in socks:
        try:
            s.send(b"a")
        except OSError:
            s.close()
    time.sleep(1)
print(f"{opened} slow connections opened")
PY
sleep 3; lat=$(member_latency); during=$(rss); wait "$f"; sleep 2
echo "| 1,000 slow headers + 100 slow bodies | $(cat "$work/slow.out") | $lat | $during | $(rss) |"
echo
echo "Peak RSS over the run: $(hwm)"
