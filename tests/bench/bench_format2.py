#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What format 2 costs: a round of rules/wuchang-2023.yaml (dated parameters,
params_on: approval, received(), received_group() and a ranked 择优 policy)
against the same round with all of that written as constants.

usage: bench_format2.py BUILD_DIR [N] [RUNS]

Writes N applications (default 1,000,000; deterministic, stdlib only,
streamed) for the 2023 rules, and a "flat" copy of the rules in which every
parameter is replaced by its value in force on the approval date, every
received(...) by 0元 (nothing was received: the round has no ledger or
history, so that is what received() reads too), params_on is dropped and the
ranked policy pays its lowest table amount to every candidate instead of
ranking. Each `duixian run` (steps 1-10, no ledger) runs once untimed, then
RUNS timed (default 5); the table shows median wall, median CPU (user +
system) and peak RSS of the whole process, and the ratio with / without.
Nothing here is a test: it measures.
"""
import os
import random
import re
import statistics
import sys
import tempfile

from wholeproc import measure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APPROVAL = "2023-06-30"

COLUMNS = ["app_id", "enterprise_id", "policy", "submitted_on", "district", "blacklisted", "employees",
           "paid_in_capital", "hq_relocated_on", "ipo_stage", "retail_sales", "retail_growth", "above_threshold"]
POLICIES = ["FIN-HQ", "IPO-ADV", "IPO-ACC", "IPO-LIST", "SHOP-GROW", "COM-TOP"]
WEIGHTS = [15, 10, 10, 10, 15, 40]
STAGES = ["辅导备案", "申报受理", "上市", ""]


def write_apps(path, n):
    """N rows, one enterprise every 3 rows (so `once` and groups have work)."""
    rnd = random.Random(2023)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(",".join(COLUMNS) + "\n")
        for i in range(n):
            e = i // 3
            er = random.Random(e)
            policy = rnd.choices(POLICIES, WEIGHTS)[0]
            day = 1 + rnd.randrange(270)
            month, mday = 3 + (day - 1) // 30, 1 + (day - 1) % 30
            growth = rnd.randrange(-3000, 9000) / 100          # percent, two decimals
            row = [
                "A%09d" % i, "E%08d" % e, policy, "2023-%02d-%02d" % (min(month, 11), min(mday, 28)),
                "武昌区" if er.random() < 0.85 else "洪山区",
                "是" if er.random() < 0.03 else "否",
                str(er.randrange(5, 3000)),
                "%d万元" % er.randrange(1000, 200000),
                "2021-%02d-15" % er.randrange(1, 13),
                STAGES[er.randrange(4)],
                "%d万元" % er.randrange(100, 50000),
                "%s%%" % growth,
                "是" if er.random() < 0.6 else "否",
            ]
            f.write(",".join(row) + "\n")
    os.replace(tmp, path)


def flat_rules(text):
    """The 2023 rules with params, params_on, received() and rank written out."""
    values = {}
    for m in re.finditer(r"^  (\S+):\s*\{type: (\w+),.*values: \{(.*)\}\}", text, re.M):
        dated = [tuple(x.strip() for x in kv.split(":", 1)) for kv in m.group(3).split(",")]
        in_force = [v for d, v in dated if d <= APPROVAL][-1]
        values[m.group(1)] = '"%s"' % in_force if m.group(2) == "text" else in_force
    out = re.sub(r"^params:\n(?:  .*\n|\s*#.*\n)*", "", text, flags=re.M)
    out = re.sub(r"^\s+params_on: .*\n", "", out, flags=re.M)
    out = re.sub(r"^\s+rank: .*\n", "", out, flags=re.M)
    out = re.sub(r"award: \{table: rank, rows: .*\}", "award: {fixed: 10万元}", out)
    out = re.sub(r'received(?:_group)?\(\\?"[^"\\]*\\?"\)', "0元", out)
    for name, v in values.items():
        out = re.sub(r"(?<![\w\u4e00-\u9fff])%s(?![\w\u4e00-\u9fff])" % re.escape(name), v, out)
    return out


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    dx = os.path.join(build, "examples", "duixian")
    rules = os.path.join(ROOT, "rules", "wuchang-2023.yaml")
    work = tempfile.mkdtemp(prefix="dx-bench-f2-")
    apps = os.path.join(tempfile.gettempdir(), f"dx-bench-apps-2023-{n}.csv")
    if not os.path.exists(apps):
        write_apps(apps, n)
    flat = os.path.join(work, "wuchang-2023-flat.yaml")
    with open(rules, encoding="utf-8") as f, open(flat, "w", encoding="utf-8") as g:
        g.write(flat_rules(f.read()))
    print(f"{n:,} applications ({os.path.getsize(apps) / 1e6:.0f} MB CSV), {runs} runs each, "
          f"{os.cpu_count()} cores; duixian run, approval date {APPROVAL}, no ledger")
    print(f"{'rules':<44} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
    results = {}
    for name, path in (("wuchang-2023 (params, received, rank)", rules), ("the same, written as constants", flat)):
        def cmd(i):
            return [dx, "run", path, apps, "--approval-date", APPROVAL, "--out", f"{work}/{len(results)}-{i}"]
        measure(cmd("warm"), ROOT)
        rs = [measure(cmd(i), ROOT) for i in range(runs)]
        wall, cpu = statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs)
        rss = max(r[2] for r in rs)
        results[name] = wall
        print(f"{name:<44} {wall:8.2f} {cpu:8.2f} {rss:13.0f}", flush=True)
    a, b = results.values()
    print(f"ratio with / without: {a / b:.2f}× wall")


if __name__ == "__main__":
    main()
