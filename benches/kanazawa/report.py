#!/usr/bin/env python3
"""Helpers of benches/kanazawa.sh (standard library only):

  report.py bodies WORK MEMBER_ID LOCATION_ID FROM_MONTH NOW BILLS_FIRST
      writes the request bodies WORK/{svc,pg}-{Dashboard,UsageGraph,Bills}.json
  report.py check FILE            a 200 answer's body: fails unless it has data and no errors
  report.py compare WORK NOW      prints what both contenders answered, normalised, and
                                  fails unless they are the same data
  report.py wrk FILE              wrk --latency output -> "req/s p99_ms bad"
  report.py pgbench FILE          pgbench output -> "tps latency_avg_ms failed"
  report.py floorcheck SQL K=V... the floor's statements as psql PREPARE/EXECUTE
  report.py table RESULTS HEADER  the markdown table of the medians over rounds
"""
import datetime as dt
import hashlib
import json
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKLOADS = ["Dashboard", "UsageGraph", "Bills"]


def bodies(work, member_id, location_id, from_month, now, bills_first):
    work = Path(work)
    first = int(bills_first)
    # The service: trusted documents by id, as the mobile clients send them
    # (README "Trusted documents"): sha256 of the file of playground/operations/.
    service_docs = {
        "Dashboard": ("dashboard.graphql", None),
        "UsageGraph": ("usage-and-bills.graphql", {"locationId": location_id, "months": 24}),
        "Bills": ("usage-and-bills.graphql", {"locationId": location_id, "first": first, "after": None}),
    }
    for op, (file, variables) in service_docs.items():
        text = (REPO / "playground" / "operations" / file).read_bytes()
        body = {"documentId": "sha256:" + hashlib.sha256(text).hexdigest(), "operationName": op}
        if variables is not None:
            body["variables"] = variables
        (work / f"svc-{op}.json").write_text(json.dumps(body))
    # PostGraphile: the text of postgraphile.graphql (it caches parsed documents by text).
    text = (REPO / "benches" / "kanazawa" / "postgraphile.graphql").read_text()
    pg_vars = {
        "Dashboard": {"memberId": member_id, "now": now},
        "UsageGraph": {"locationId": location_id, "fromMonth": from_month},
        "Bills": {"locationId": location_id, "first": first, "after": None},
    }
    for op, variables in pg_vars.items():
        body = {"query": text, "operationName": op, "variables": variables}
        (work / f"pg-{op}.json").write_text(json.dumps(body, ensure_ascii=False))


def check(file):
    answer = json.loads(Path(file).read_text())
    if answer.get("errors") or not answer.get("data"):
        sys.exit(f"{file}: errors or no data: {json.dumps(answer, ensure_ascii=False)[:2000]}")


def instant(text):
    """An RFC 3339 time as whole seconds since the epoch (the service answers
    in +09:00 to the second, PostGraphile in +00:00 to the microsecond)."""
    return int(dt.datetime.fromisoformat(text).timestamp())


def norm_service(op, d):
    if op == "Dashboard":
        me = d["me"]
        return {
            "member": [me["id"], me["displayName"]],
            "locations": [
                [l["id"], l["customerNumber"], l["portalCustomerNumber"], l["address"],
                 l["latestBill"] and [l["latestBill"]["id"], l["latestBill"]["billingMonth"],
                                      l["latestBill"]["amountYen"], l["latestBill"]["usageCubicMeters"],
                                      l["latestBill"]["dueDate"], l["latestBill"]["paymentStatus"]]]
                for l in me["serviceLocations"]
            ],
            "notices": [[n["node"]["id"], n["node"]["title"], instant(n["node"]["publishedAt"]),
                         n["node"]["isNew"], n["node"]["isRead"]] for n in d["notices"]["edges"]],
            "moreNotices": d["notices"]["pageInfo"]["hasNextPage"],
            "lastDataUpdateAt": d["portalStatus"]["lastDataUpdateAt"]
            and instant(d["portalStatus"]["lastDataUpdateAt"]),
        }
    loc = d["serviceLocation"]
    if op == "UsageGraph":
        return {"location": [loc["id"], loc["customerNumber"]],
                "usage": [[p["billingMonth"], p["periodStart"], p["periodEnd"], p["usageCubicMeters"],
                           p["amountYen"]] for p in loc["usageHistory"]]}
    return {"location": loc["id"],
            "bills": [[b["id"], b["billingMonth"], b["periodStart"], b["periodEnd"], b["usageCubicMeters"],
                       b["waterChargeYen"], b["sewerChargeYen"], b["amountYen"], b["dueDate"],
                       b["paymentStatus"], b["paidOn"], b["paymentMethod"]]
                      for b in (e["node"] for e in loc["bills"]["edges"])],
            "more": loc["bills"]["pageInfo"]["hasNextPage"]}


def upper(v):
    return v.upper() if isinstance(v, str) else v


def norm_pg(op, d, now):
    """PostGraphile's answer in the service's shape: BigInt is a string there,
    enums are the stored lower-case text, and the client works out isNew (7
    days, src/notices/service.rs) and isRead (a read mark exists)."""
    if op == "Dashboard":
        m = d["memberByRowId"]
        locations = []
        for l in m["serviceLocationsByMemberId"]["nodes"]:
            bills = l["billsByServiceLocationId"]["nodes"]
            b = bills[0] if bills else None
            locations.append([l["rowId"], l["customerNumber"], l["portalCustomerNumber"], l["address"],
                              b and [b["rowId"], b["billingMonth"], int(b["amountYen"]), b["usageM3"],
                                     b["dueDate"], upper(b["paymentStatus"])]])
        week_ago = instant(now) - 7 * 86400
        imports = d["allDataImports"]["nodes"]
        return {
            "member": [m["rowId"], m["displayName"]],
            "locations": locations,
            "notices": [[n["node"]["rowId"], n["node"]["title"], instant(n["node"]["publishedAt"]),
                         dt.datetime.fromisoformat(n["node"]["publishedAt"]).timestamp() > week_ago,
                         bool(n["node"]["noticeReadsByNoticeId"]["nodes"])]
                        for n in d["allNotices"]["edges"]],
            "moreNotices": d["allNotices"]["pageInfo"]["hasNextPage"],
            "lastDataUpdateAt": imports[0]["importedAt"] and instant(imports[0]["importedAt"]) if imports else None,
        }
    loc = d["serviceLocationByRowId"]
    if op == "UsageGraph":
        return {"location": [loc["rowId"], loc["customerNumber"]],
                "usage": [[p["billingMonth"], p["periodStart"], p["periodEnd"], p["usageM3"], int(p["amountYen"])]
                          for p in loc["billsByServiceLocationId"]["nodes"]]}
    conn = loc["billsByServiceLocationId"]
    return {"location": loc["rowId"],
            "bills": [[b["rowId"], b["billingMonth"], b["periodStart"], b["periodEnd"], b["usageM3"],
                       int(b["waterChargeYen"]), int(b["sewerChargeYen"]), int(b["amountYen"]), b["dueDate"],
                       upper(b["paymentStatus"]), b["paidOn"], upper(b["paymentMethod"])]
                      for b in (e["node"] for e in conn["edges"])],
            "more": conn["pageInfo"]["hasNextPage"]}


def compare(work, now):
    work = Path(work)
    same = True
    for op in WORKLOADS:
        s = norm_service(op, json.loads((work / f"svc-{op}.out.json").read_text())["data"])
        p = norm_pg(op, json.loads((work / f"pg-{op}.out.json").read_text())["data"], now)
        verdict = "same" if s == p else "DIFFERENT"
        same &= s == p
        print(f"{op}: {verdict}")
        print(f"  service:      {json.dumps(s, ensure_ascii=False)}")
        print(f"  PostGraphile: {json.dumps(p, ensure_ascii=False)}")
    if not same:
        sys.exit("the contenders do not answer the same data")


def to_ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]


def wrk(file):
    text = Path(file).read_text()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    bad = re.search(r"bad responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    # post.lua counts every answer that is not a 200 or has errors; wrk's
    # socket errors (refused, reset, timed out) are added to them.
    n_bad = (int(bad.group(1)) if bad else 1) + (sum(map(int, sock.groups())) if sock else 0)
    if not rps or not p99:
        sys.exit(f"cannot read wrk's output:\n{text}")
    print(rps.group(1), f"{to_ms(p99.group(1)):.2f}", n_bad)


def pgbench(file):
    text = Path(file).read_text()
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    lat = re.search(r"latency average = ([\d.]+) ms", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    if not tps or not lat:
        sys.exit(f"cannot read pgbench's output:\n{text}")
    print(tps.group(1), lat.group(1), failed.group(1) if failed else 0)


def floorcheck(sql, *assignments):
    """The floor script's statements as psql PREPARE/EXECUTE with the same
    values (pgbench -M prepared binds them as parameters the same way), each
    followed by the number of rows it answered. The \\if'ed touch is left out."""
    values = dict(a.split("=", 1) for a in assignments)
    values.update(re.findall(r"^\\set (\w+) (\S+)", Path(sql).read_text(), re.M))
    text = re.sub(r"^\\if.*?^\\endif\n", "", Path(sql).read_text(), flags=re.M | re.S)
    statements = [s.strip() for s in re.split(r";\s*$", "\n".join(
        l for l in text.splitlines() if not l.startswith(("--", "\\"))), flags=re.M) if s.strip()]
    for i, st in enumerate(statements, 1):
        names = []

        def param(m):
            if m.group(1) not in names:
                names.append(m.group(1))
            return f"${names.index(m.group(1)) + 1}"

        body = re.sub(r"(?<!:):(\w+)", param, st)
        args = ", ".join("'" + values[n].replace("'", "''") + "'" for n in names)
        print(f"PREPARE floor{i} AS {body};")
        table = re.search(r'^(?:SELECT .*? FROM|UPDATE) "(\w+)"', st)
        print(f"\\echo statement {i} ({table.group(1) if table else '?'}):")
        print(f"EXECUTE floor{i}({args});")


def table(results, header):
    rows = [l.split("\t") for l in Path(results).read_text().splitlines() if l.strip()]
    # round, connections, workload, contender, rate, latency_ms, bad
    data = {}
    for rnd, conns, op, who, rate, lat, bad in rows:
        data.setdefault((int(conns), op, who), []).append((float(rate), float(lat), int(bad)))

    def med(key, i):
        v = [x[i] for x in data.get(key, [])]
        return statistics.median(v) if v else None

    def rng(key):
        v = [x[0] for x in data.get(key, [])]
        return f" ({min(v):,.0f}–{max(v):,.0f})" if len(v) > 1 else ""

    print(Path(header).read_text().rstrip())
    print()
    print("| workload | connections | service req/s | service p99 | PostGraphile req/s | PostGraphile p99 "
          "| service/PostGraphile | floor tps (pgbench) | service/floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    bad_total = 0
    for op in WORKLOADS:
        for conns in sorted({k[0] for k in data}):
            s, p, f = (conns, op, "service"), (conns, op, "postgraphile"), (conns, op, "floor")
            if s not in data:
                continue
            bad_total += sum(x[2] for k in (s, p, f) for x in data.get(k, []))
            sr, pr, fr = med(s, 0), med(p, 0), med(f, 0)
            cells = [op, str(conns),
                     f"{sr:,.0f}{rng(s)}", f"{med(s, 1):.1f} ms",
                     f"{pr:,.0f}{rng(p)}" if pr else "", f"{med(p, 1):.1f} ms" if pr else "",
                     f"{sr / pr:.2f}" if pr else "",
                     f"{fr:,.0f}{rng(f)} (avg {med(f, 1):.1f} ms)" if fr else "",
                     f"{sr / fr:.2f}" if fr else ""]
            print("| " + " | ".join(cells) + " |")
    print()
    print("Medians over rounds (min–max of the rounds in parentheses); p99 from `wrk --latency`, the median of "
          "the rounds' p99s. The floor is pgbench on the same database with the statements one Dashboard sends "
          "(`benches/kanazawa/dashboard-floor.sql`), 16 clients (the service's pool), whatever the wrk connections.")
    if bad_total:
        print()
        print(f"**{bad_total} bad responses (not 200, or with errors) or socket errors during the runs: "
              "the figures above are not to be trusted.**")
        sys.exit(2)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"bodies": bodies, "check": check, "compare": compare, "wrk": wrk, "pgbench": pgbench,
     "floorcheck": floorcheck, "table": table}[cmd](*args)
