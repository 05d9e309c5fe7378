#!/usr/bin/env python3
"""Writes a synthetic billing feed for the import benchmark.

usage: generate_feed.py DIR [LOCATIONS]

LOCATIONS new service locations (default 10,000), each with two bimonthly
meter readings, two bills (on the portal's tariff) and a payment for the
first bill: one night's feed, scaled up. Deterministic: the same arguments
give the same files.
"""

import os
import random
import sys

WATER = [(10, 50), (20, 77), (40, 136), (100, 180), (None, 215)]
SEWER = [(10, 70), (20, 81), (50, 120), (100, 150), (None, 170)]


def usage_charge(usage, months, tiers):
    charged, lower = 0, 0
    for upper, rate in tiers:
        upper = 10**9 if upper is None else upper * months
        if usage <= lower:
            break
        charged += (min(usage, upper) - lower) * rate
        lower = upper
    return charged


def charges(usage, months=2):
    wb, sb = 1000 * months, 900 * months
    wu, su = usage_charge(usage, months, WATER), usage_charge(usage, months, SEWER)
    wt, st = (wb + wu) * 10 // 100, (sb + su) * 10 // 100
    return wb + wu + wt, sb + su + st, wt + st


def luhn(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261124)
    periods = [
        ("2026-09", "2026-07-08", "2026-09-07", "2026-09-08", "2026-09-30"),
        ("2026-11", "2026-09-08", "2026-11-07", "2026-11-08", "2026-11-30"),
    ]
    with open(f"{out}/service_locations.csv", "w") as loc, \
            open(f"{out}/meter_readings.csv", "w") as rd, \
            open(f"{out}/bills.csv", "w") as bl, \
            open(f"{out}/payments.csv", "w") as pay:
        loc.write("customer_number,portal_customer_number,holder_name,address,"
                  "meter_diameter_mm,use_type,reading_month_parity\n")
        rd.write("customer_number,read_on,previous_reading,current_reading\n")
        bl.write("customer_number,billing_month,period_start,period_end,read_on,usage_m3,"
                 "water_charge_yen,sewer_charge_yen,tax_yen,amount_yen,due_date,payment_method\n")
        pay.write("customer_number,billing_month,paid_on,payment_method\n")
        for i in range(count):
            number = f"{4_000_000_000 + i:010d}"
            body = f"{40_000_000_000 + i * 7:011d}"
            loc.write(f"{number},{body}{luhn(body)},利用者 {i},"
                      f"石川県金沢市テスト町{i % 50 + 1}丁目{i % 30 + 1}番,20,household,1\n")
            meter = rng.randint(100, 5000)
            for month, start, end, read_on, due in periods:
                used = rng.randint(10, 80)
                rd.write(f"{number},{read_on},{meter},{meter + used}\n")
                meter += used
                water, sewer, tax = charges(used)
                bl.write(f"{number},{month},{start},{end},{read_on},{used},{water},{sewer},{tax},"
                         f"{water + sewer},{due},account_transfer\n")
            pay.write(f"{number},2026-09,2026-09-30,account_transfer\n")


if __name__ == "__main__":
    main()
