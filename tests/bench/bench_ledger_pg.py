#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Committing a round to PostgreSQL against committing it to SQLite.

usage: bench_ledger_pg.py BUILD_DIR [N] [RUNS]

Generates N applications (default 1,000,000) for rules/wuchang-2022.yaml
with examples/gen-applications.py (deterministic; reused if present),
starts a throwaway server (tests/pg/pg-cluster.sh: fsync on, on this
machine's disk, over loopback TCP) and times RUNS (default 3) whole
`duixian run` processes each: without a ledger, with a new SQLite ledger,
with a new PostgreSQL database. The ledger's share is the run's time less
the run without a ledger. Prints the median wall and CPU seconds (the CPU
of duixian only; the server's is not counted) and peak RSS. Nothing here
is a test: it measures.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pg"))
from wholeproc import measure  # noqa: E402
from pgcluster import Cluster  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    build = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    dx = os.path.join(build, "examples", "duixian")
    rules = os.path.join(ROOT, "rules", "wuchang-2022.yaml")
    work = tempfile.mkdtemp(prefix="dx-bench-pg-")
    apps = os.path.join(tempfile.gettempdir(), f"dx-bench-apps-{n}.csv")
    if not os.path.exists(apps):
        subprocess.run([sys.executable, os.path.join(ROOT, "examples", "gen-applications.py"), str(n), apps],
                       check=True)
    print(f"{n:,} applications, {runs} runs each, {os.cpu_count()} cores")
    print(f"{'what':<34} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13} {'ledger s':>9}")
    base = "--approval-date", "2022-06-30"
    try:
        with Cluster(ROOT) as pg:
            dbs = [pg.newdb(f"bench_{i}") for i in range(runs)]
            cases = [
                ("run, no ledger", lambda i: [dx, "run", rules, apps, *base, "--out", f"{work}/r{i}"]),
                ("run, new SQLite ledger", lambda i: [dx, "run", rules, apps, *base,
                                                      "--ledger", f"{work}/l{i}/ledger.db", "--out", f"{work}/l{i}"]),
                ("run, new PostgreSQL ledger", lambda i: [dx, "run", rules, apps, *base,
                                                          "--ledger", dbs[i], "--out", f"{work}/p{i}"]),
            ]
            walls = {}
            for name, argv in cases:
                results = [measure(argv(i)) for i in range(runs)]
                wall = statistics.median(r[0] for r in results)
                walls[name] = wall
                share = "" if name == "run, no ledger" else f"{wall - walls['run, no ledger']:9.2f}"
                print(f"{name:<34} {wall:8.2f} {statistics.median(r[1] for r in results):8.2f} "
                      f"{max(r[2] for r in results):13.0f} {share}", flush=True)
            lite = walls["run, new SQLite ledger"] - walls["run, no ledger"]
            post = walls["run, new PostgreSQL ledger"] - walls["run, no ledger"]
            print(f"PostgreSQL / SQLite: whole run {walls['run, new PostgreSQL ledger'] / walls['run, new SQLite ledger']:.2f}x,"
                  f" the ledger's share {post / lite if lite > 0 else float('nan'):.2f}x")
            r = subprocess.run([dx, "verify", dbs[0]], capture_output=True, text=True)
            print(r.stdout.strip() or r.stderr.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
