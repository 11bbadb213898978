#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Whole-process time of `duixian fit` on N applications of
rules/wuchang-2023.yaml (default 100,000; bench_format2.py's workload):
hq_rate fitted to a budget for the fund, and hq_cap to 1万元 steps.

usage: bench_fit.py BUILD_DIR [N] [RUNS]

Each case runs once untimed, then RUNS timed (default 3): median wall, CPU
and peak RSS, the number of values tried and the value found. Nothing here
is a test: it measures.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

from bench_format2 import write_apps
from wholeproc import measure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    dx = os.path.join(build, "examples", "duixian")
    rules = os.path.join(ROOT, "rules", "wuchang-2023.yaml")
    apps = os.path.join(tempfile.gettempdir(), f"dx-bench-apps-2023-{n}.csv")
    if not os.path.exists(apps):
        write_apps(apps, n)
    cases = [
        ("hq_rate to a 500亿元 budget, step 0.01%", ["--param", "hq_rate", "--budget", "500亿元"]),
        ("hq_cap to a 200亿元 budget, step 1万元", ["--param", "hq_cap", "--budget", "200亿元", "--step", "1万元"]),
    ]
    print(f"{n:,} applications, {runs} runs each, {os.cpu_count()} cores; approval date 2023-06-30")
    print(f"{'fit':<44} {'wall s':>7} {'CPU s':>7} {'RSS MiB':>8} {'values':>7}  value")
    for name, args in cases:
        cmd = [dx, "fit", rules, apps, "--approval-date", "2023-06-30", "--format", "json"] + args
        measure(cmd, ROOT)
        rs = [measure(cmd, ROOT) for _ in range(runs)]
        text = subprocess.run(cmd + ["--format", "text"], capture_output=True, text=True).stdout
        tried = next((l.split()[0] for l in text.splitlines() if "values tried" in l), "?")
        value = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)["value"]
        print(f"{name:<44} {statistics.median(r[0] for r in rs):7.2f} {statistics.median(r[1] for r in rs):7.2f} "
              f"{max(r[2] for r in rs):8.0f} {tried:>7}  {value}", flush=True)


if __name__ == "__main__":
    main()
