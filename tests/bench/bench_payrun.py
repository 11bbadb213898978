#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Whole-process benchmark of `duixian pay` over N scheduled lines.

usage: bench_payrun.py BUILD_DIR [N] [RUNS]

Writes a format-2 ruleset with one policy of four installments (at
approval, then after 12, 24 and 36 months, the last three with `requires`
on two fields and a dated parameter, 铜梁-style forfeit_rest), N / 4
applications and a checks file with one row per enterprise (90% meet the
conditions, 5% fail them, 5% lack a cell), commits one round, and then
times a payment run through a date after the last line, so the run takes
all N lines at once: each line is checked, and the run is committed as one
entry. Each timed run starts from a copy of the ledger as the round left
it. Prints the median wall and CPU time and the largest peak RSS
(wait4(2)). Nothing here is a test: it measures.
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

from wholeproc import measure

RULES = """format: duixian/2
fund:
  id: BENCH/PAY
  name: 拨付基准
  total: 1000亿元
  period: {from: 2022-01-01, to: 2022-12-31}
  shortfall: fcfs
  envelopes: {commerce: 1000亿元}
bureaus: {commerce: 区商务局}
fields:
  above_threshold: {type: bool, label: 是否限上企业}
  retail_sales: {type: money, label: 本年零售额}
params:
  min_sales: {type: money, label: 限上零售额标准, values: {2022-01-01: 500万元, 2024-01-01: 600万元}}
policies:
  - id: COM-GRAD
    name: 限下升限上企业奖励（分四年拨付）
    bureau: commerce
    basis: 基准
    award: {fixed: 12万元}
    installments:
      - {amount: 3万元, at: approval}
      - {amount: 3万元, after: 12 months, requires: [仍为限上: above_threshold, 零售额达标: retail_sales >= min_sales], on_fail: forfeit_rest}
      - {amount: 3万元, after: 24 months, requires: [仍为限上: above_threshold, 零售额达标: retail_sales >= min_sales], on_fail: forfeit_rest}
      - {rest: true, after: 36 months, requires: [仍为限上: above_threshold, 零售额达标: retail_sales >= min_sales], on_fail: forfeit_rest}
"""


def generate(work, n_apps):
    rng = random.Random(20221)
    with open(os.path.join(work, "rules.yaml"), "w", encoding="utf-8") as f:
        f.write(RULES)
    with open(os.path.join(work, "apps.csv"), "w", encoding="utf-8") as apps, \
            open(os.path.join(work, "checks.csv"), "w", encoding="utf-8") as checks:
        apps.write("app_id,enterprise_id,enterprise_name,policy,submitted_on\n")
        checks.write("enterprise_id,above_threshold,retail_sales\n")
        for i in range(n_apps):
            apps.write(f"A{i:07d},E{i:07d},企业{i},COM-GRAD,2022-03-01\n")
            r = rng.random()
            if r < 0.90:
                checks.write(f"E{i:07d},true,{rng.randrange(600, 5000)}万元\n")
            elif r < 0.95:
                checks.write(f"E{i:07d},false,{rng.randrange(100, 5000)}万元\n")
            else:
                checks.write(f"E{i:07d},true,\n")


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    dx = os.path.join(build, "examples", "duixian")
    work = tempfile.mkdtemp(prefix="dx-bench-pay-")
    try:
        generate(work, n // 4)
        ledger = os.path.join(work, "round.db")
        w, c, rss = measure([dx, "run", os.path.join(work, "rules.yaml"), os.path.join(work, "apps.csv"),
                             "--approval-date", "2022-06-30", "--ledger", ledger, "--out", os.path.join(work, "r")])
        print(f"{n:,} scheduled lines ({n // 4:,} grants of 4 installments), {runs} runs, {os.cpu_count()} cores")
        print(f"(the round that wrote them: {w:.2f} s wall, {rss:.0f} MiB)")
        print(f"{'what':<44} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
        for label, extra in [("pay, every line due, with checks", ["--checks", os.path.join(work, "checks.csv")]),
                             ("pay, every line due, no checks (held)", [])]:
            walls, cpus, peak = [], [], 0.0
            for _ in range(runs):
                db = os.path.join(work, "pay.db")
                shutil.copyfile(ledger, db)
                w, c, rss = measure([dx, "pay", os.path.join(work, "rules.yaml"), "--ledger", db,
                                     "--through", "2026-12-31", "--out", os.path.join(work, "p")] + extra)
                walls.append(w)
                cpus.append(c)
                peak = max(peak, rss)
            print(f"{label:<44} {statistics.median(walls):8.2f} {statistics.median(cpus):8.2f} {peak:13.0f}")
        out = subprocess.run(["head", "-c", "600", os.path.join(work, "p", "payments.json")],
                             capture_output=True, text=True).stdout
        print(out)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
