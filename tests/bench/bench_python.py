#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Benchmark of the Python bindings (never run by `meson test`).

    DUIXIAN_LIBRARY=build/lib/libduixian.so.0 \\
        python3 tests/bench/bench_python.py [--rows 100000] [--repeat 5] [--cli build/examples/duixian]

Measures, on the same generated applications (examples/gen-applications.py):

1. a batch round, whole process: `duixian run` vs `python3 -c <load rules, run_round(CSV), write
   the three files>` (median of --repeat runs each, no ledger, the same output files);
2. the same round inside one Python process: the C call alone, and with every decision read into
   Python dataclasses;
3. the per-call cost of Ruleset.decide(dict) from Python, next to a trivial ctypes call and to the
   C library's own per-application time in a batch.
"""

import argparse
import csv
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("DUIXIAN_LIBRARY", os.path.join(ROOT, "build", "lib", "libduixian.so.0"))
os.environ["PYTHONPATH"] = os.pathsep.join([os.path.join(ROOT, "bindings", "python")] +
                                           ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))

import duixian  # noqa: E402

RULES = os.path.join(ROOT, "rules", "wuchang-2022.yaml")
DATE = "2022-06-30"

PY_ROUND = """
import sys, duixian
rules = duixian.Ruleset.load(sys.argv[1])
with rules.run_round(sys.argv[2], sys.argv[3]) as r:
    r.write_outputs(sys.argv[4])
"""


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "examples", "duixian"))
    ap.add_argument("--calls", type=int, default=20_000, help="decide() calls for the per-call figure")
    args = ap.parse_args()
    if args.repeat < 1 or args.rows < 1:
        ap.error("--rows and --repeat must be positive")

    print("library: %s" % duixian.library_path)
    print("python:  %s %s" % (sys.executable, sys.version.split()[0]))
    with tempfile.TemporaryDirectory(prefix="dx-bench-py-") as tmp:
        # Child processes import compiled bytecode, as an installed package does (meson
        # byte-compiles on install); the cache lives in the scratch dir, not the source tree.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        apps = os.path.join(tmp, "apps.csv")
        subprocess.run([sys.executable, os.path.join(ROOT, "examples", "gen-applications.py"), str(args.rows), apps],
                       check=True, stdout=subprocess.DEVNULL)
        print("applications: %d rows, %.1f MiB (examples/gen-applications.py)" % (args.rows, os.path.getsize(apps) / 2 ** 20))
        out_cli, out_py = os.path.join(tmp, "cli"), os.path.join(tmp, "py")
        os.mkdir(out_cli)
        os.mkdir(out_py)

        # 1. whole process, CLI vs Python
        def cli():
            subprocess.run([args.cli, "run", RULES, apps, "--approval-date", DATE, "--out", out_cli],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def py():
            subprocess.run([sys.executable, "-c", PY_ROUND, RULES, apps, DATE, out_py], check=True, env=os.environ)

        cli()
        py()   # warm the page cache; check the files agree
        for f in ("decisions.csv", "schedule.csv", "summary.json"):
            if not filecmp.cmp(os.path.join(out_cli, f), os.path.join(out_py, f), shallow=False):
                sys.exit("%s differs between the CLI and Python" % f)
        rows = []
        # Interleaved, so drift in machine load hits both alike.
        times = {"cli": [], "py": [], "start": []}
        for _ in range(args.repeat):
            for key, fn in (("cli", cli), ("py", py),
                            ("start", lambda: subprocess.run([sys.executable, "-c", "import duixian"], check=True,
                                                             env=os.environ))):
                t = time.perf_counter()
                fn()
                times[key].append(time.perf_counter() - t)
        t_cli, t_py, t_start = ((statistics.median(v), min(v), max(v)) for v in
                                (times["cli"], times["py"], times["start"]))
        rows.append(("round, whole process: duixian run (CLI)", t_cli))
        rows.append(("round, whole process: python3 + duixian", t_py))
        rows.append(("  of which python3 start + import duixian", t_start))

        # 2. in one process
        rules = duixian.Ruleset.load(RULES)

        def in_proc():
            with rules.run_round(apps, DATE) as r:
                r.write_outputs(out_py)

        def in_proc_read():
            with rules.run_round(apps, DATE) as r:
                n = sum(d.granted_fen for d in r.decisions)
                sum(x.amount_fen for x in r.schedule)
                r.summary
            return n

        t_in = median_time(in_proc, args.repeat)
        t_read = median_time(in_proc_read, args.repeat)
        with rules.run_round(apps, DATE) as r:
            n_dec = len(r.decisions)
        rows.append(("round in-process (run_round + write_outputs)", t_in))
        rows.append(("round in-process, every decision read as a dataclass", t_read))

        with open(apps, newline="", encoding="utf-8") as f:
            dicts = list(csv.DictReader(f))

        def from_dicts():
            with rules.run_round(dicts, DATE, ignore_unknown=True) as r:
                r.write_outputs(out_py)
        t_dicts = median_time(from_dicts, args.repeat)
        rows.append(("round in-process from a list of %d dicts" % len(dicts), t_dicts))

        print()
        print("%-58s %9s %9s %9s" % ("what (seconds, %d runs)" % args.repeat, "median", "min", "max"))
        for label, (m, lo, hi) in rows:
            print("%-58s %9.3f %9.3f %9.3f" % (label, m, lo, hi))
        print("ratio Python/CLI, whole process: %.2fx by medians, %.2fx by minimums (target <= 1.2x); %d decisions"
              % (t_py[0] / t_cli[0], t_py[1] / t_cli[1], n_dec))

        # 3. per call
        n = args.calls
        sample = dicts[:1000]
        for a in sample[:200]:
            rules.decide(a, ignore_unknown=True)
        t = time.perf_counter()
        for i in range(n):
            rules.decide(sample[i % len(sample)], ignore_unknown=True)
        per_decide = (time.perf_counter() - t) / n
        f = duixian._lib.F.dx_ruleset_get_n_policies
        p = rules._ptr
        t = time.perf_counter()
        for _ in range(n):
            f(p)
        per_ctypes = (time.perf_counter() - t) / n
        with rules.batch() as b:
            t = time.perf_counter()
            b.add_csv(apps)
            b.decide().close()
            per_c = (time.perf_counter() - t) / args.rows
        print()
        print("per call, %d calls over %d applications:" % (n, len(sample)))
        print("  Ruleset.decide(dict)                         %7.1f us" % (per_decide * 1e6))
        print("  one trivial ctypes call (for scale)          %7.2f us" % (per_ctypes * 1e6))
        print("  C only: one application in a batch (CSV)    %7.2f us" % (per_c * 1e6))
        print("  => Python overhead per decide()              %7.1f us" % ((per_decide - per_c) * 1e6))


if __name__ == "__main__":
    main()
