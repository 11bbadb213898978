#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Whole-process benchmark of `duixian decide` and `duixian run`.

usage: bench_round.py BUILD_DIR [N] [RUNS]

Generates N applications for rules/wuchang-2022.yaml with
examples/gen-applications.py (deterministic; reused if present), then runs
each command RUNS times (default 5) and prints the median wall time, the
median CPU time (user + system) and the largest peak RSS of the process,
measured with wait4(2). A round with a ledger starts from a new ledger each
time. Nothing here is a test: it measures.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from wholeproc import measure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    dx = os.path.join(build, "examples", "duixian")
    rules = os.path.join(ROOT, "rules", "wuchang-2022.yaml")
    work = tempfile.mkdtemp(prefix="dx-bench-")
    apps = os.path.join(tempfile.gettempdir(), f"dx-bench-apps-{n}.csv")
    if not os.path.exists(apps):
        subprocess.run([sys.executable, os.path.join(ROOT, "examples", "gen-applications.py"), str(n), apps],
                       check=True)
    size = os.path.getsize(apps) / 1e6
    print(f"{n:,} applications ({size:.0f} MB CSV), {runs} runs each, {os.cpu_count()} cores")
    print(f"{'what':<36} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
    cases = [
        ("decide (steps 1-6)", lambda i: [dx, "decide", rules, apps, "--out", f"{work}/d{i}"]),
        ("run, no ledger (steps 1-10)", lambda i: [dx, "run", rules, apps, "--approval-date", "2022-06-30",
                                                   "--out", f"{work}/r{i}"]),
        ("run with a new ledger (commit)", lambda i: [dx, "run", rules, apps, "--approval-date", "2022-06-30",
                                                      "--ledger", f"{work}/l{i}/ledger.db", "--out", f"{work}/l{i}"]),
        ("decide, --threads 2", lambda i: [dx, "decide", rules, apps, "--out", f"{work}/d{i}", "--threads", "2"]),
        ("run with a new ledger, --threads 2", lambda i: [dx, "run", rules, apps, "--approval-date", "2022-06-30",
                                                          "--ledger", f"{work}/t{i}/ledger.db", "--out", f"{work}/t{i}",
                                                          "--threads", "2"]),
    ]
    try:
        for name, argv in cases:
            results = [measure(argv(i)) for i in range(runs)]
            print(f"{name:<36} {statistics.median(r[0] for r in results):8.2f} "
                  f"{statistics.median(r[1] for r in results):8.2f} {max(r[2] for r in results):13.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
