#!/usr/bin/env bash
# Runs graphql-http's server audits (the public implementation of the
# GraphQL-over-HTTP specification's checks) against the service.
#   bash benches/graphql-http-audit.sh
# Needs node and npm (the audit package comes from the npm registry, pinned).
# The service runs with PORTAL_DOCUMENTS=any: the audits send documents of
# their own, which production refuses as untrusted.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/water-portal-target}"
work="$(mktemp -d)"
port="${AUDIT_PORT:-18181}"
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build -q
(cd "$work" && npm init -y >/dev/null && npm install -s graphql-http@1.23.1 graphql@16.15.0 >/dev/null)
DATABASE_URL="sqlite://$work/audit.db" PORTAL_LISTEN="127.0.0.1:$port" PORTAL_METRICS_LISTEN=127.0.0.1:0 \
  PORTAL_SERVICE_HOURS=always PORTAL_DOCUMENTS=any PORTAL_DEMO_LOCATIONS=10 \
  PORTAL_MAIL_DIR="$work/mail" RUST_LOG=warn \
  "$CARGO_TARGET_DIR/debug/water-portal" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

cat > "$work/audit.mjs" <<'JS'
import { serverAudits } from 'graphql-http';
let failed = 0, warned = 0, passed = 0;
for (const audit of serverAudits({ url: process.argv[2], fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === 'ok') { passed++; continue; }
  console.log(`${result.status} ${result.id} ${result.name}: ${result.reason}`);
  if (result.status === 'error') failed++; else warned++;
}
console.log(`graphql-http audits: ${passed} passed, ${failed} failed, ${warned} warnings`);
process.exit(failed + warned > 0 ? 1 : 0);
JS
(cd "$work" && node audit.mjs "http://127.0.0.1:$port/graphql")
