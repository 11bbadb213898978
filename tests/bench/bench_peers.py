#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""duixian and the peer engines side by side, on the same decisions.

usage: bench_peers.py BUILD_DIR [WORK_DIR] [--n N] [--runs R] [--slow-n N] [--slow-runs R]
                      [--threads T] [--block ROWS] [--skip ENGINE,...]

The peers are tests/bench/peers: the workload generator gen.py, the Python
reference ref.py, GoRules Zen zen.js and json-rules-engine jre.js, all built
from its policies.json. WORK_DIR (default BUILD_DIR/peers) takes the large
files: WORK_DIR/data/apps-N.{csv,jsonl} and WORK_DIR/out/ENGINE-N.csv.
Missing pieces are made: `npm install` in tests/bench/peers if its
node_modules is absent (it is ignored by git), `gen.py N --out WORK_DIR/data`
if the workload is absent (deterministic: a fixed seed). duixian runs
tests/bench/dx-peers with rules/bench-peers-20.yaml on apps-N.csv; the peers
read apps-N.jsonl.

Every engine runs 1 untimed warm-up, then R timed runs of the whole process
(start-up, reading, deciding, writing app_id,eligible,award_fen in input
order). Wall time is a monotonic clock around the process; CPU (user + system)
and peak RSS come from wait4(2). Cells are medians, with the wall range.
Every output is compared byte for byte with ref.py's. The slow peers (Zen,
json-rules-engine: 20-30 s per run at 1,000,000) run --slow-runs times; if
--slow-n is given they run at that N instead and the ratio is per application.
Ratios are the peer's median over duixian's: single-threaded whole batch
(× wall, × CPU) and on --threads (× wall tT).
The limit comes first: `cat apps-N.csv > /dev/null` and the CSV reader alone
over the same file (dx-bench read: split into cells, nothing decided); the
× reader column is each row's wall time over the reader's. --register adds
`duixian match RULES REGISTER --out DIR` on 1 and --threads threads over a
register of N enterprises made from apps-N.csv by gen_register.py (every
enterprise × the 20 policies: 20 N decisions, 20 files), its outputs
compared with each other, and its own reader and cat rows on that file.
Nothing here is a test: it measures.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

from wholeproc import measure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.path.join(ROOT, "tests", "bench", "peers")


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def ensure_data(work, n):
    data = os.path.join(work, "data")
    if not all(os.path.exists(os.path.join(data, f"apps-{n}.{ext}")) for ext in ("csv", "jsonl")):
        subprocess.run([sys.executable, os.path.join(PEERS, "gen.py"), str(n), "--out", data], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("work", nargs="?", help="where data/ and out/ go (default: BUILD_DIR/peers)")
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-n", type=int, default=0, help="N for zen/jre (default: --n)")
    ap.add_argument("--slow-runs", type=int, default=0, help="runs for zen/jre (default: --runs)")
    ap.add_argument("--threads", type=int, default=2, help="the threaded duixian row (default 2)")
    ap.add_argument("--block", type=int, default=65536, help="the streamed duixian row (default 65536)")
    ap.add_argument("--skip", default="", help="engines to leave out, e.g. zen-batch,jre")
    ap.add_argument("--register", action="store_true", help="also time duixian match over a register")
    args = ap.parse_args()
    work = os.path.abspath(args.work or os.path.join(args.build, "peers"))
    peers = PEERS
    zen, jre = os.path.join(peers, "zen.js"), os.path.join(peers, "jre.js")
    n, slow_n = args.n, args.slow_n or args.n
    slow_runs = args.slow_runs or args.runs
    dx = os.path.abspath(os.path.join(args.build, "tests", "bench", "dx-peers"))
    dx_bench = os.path.abspath(os.path.join(args.build, "tests", "bench", "dx-bench"))
    dx_cli = os.path.abspath(os.path.join(args.build, "examples", "duixian"))
    rules = os.path.join(ROOT, "rules", "bench-peers-20.yaml")
    skip = set(filter(None, args.skip.split(",")))

    if not os.path.isdir(os.path.join(peers, "node_modules")) and not {"zen-batch", "jre"} <= skip:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peers, check=True,
                       stdout=subprocess.DEVNULL)
    for size in {n, slow_n}:
        ensure_data(work, size)
    os.makedirs(os.path.join(work, "out"), exist_ok=True)

    def out(name, size):
        return os.path.join(work, "out", f"{name}-{size}.csv")

    def data(size, ext):
        return os.path.join(work, "data", f"apps-{size}.{ext}")

    def ref(s):
        return [sys.executable, os.path.join(peers, "ref.py"), data(s, "jsonl"), out("ref", s)]

    def register(s):
        path = os.path.join(work, "data", f"register-{s}.csv")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "bench", "gen_register.py"),
                            data(s, "csv"), path], check=True)
        return path

    def match(s, t):
        return [dx_cli, "match", rules, register(s), "--out", os.path.join(work, "out", f"match-t{t}-{s}"),
                "--date", "2022-06-30", "--threads", str(t)]

    engines = [
        # name, N, runs, argv; the limit first, then duixian: the ratios are over their times
        ("cat", n, args.runs, lambda s: ["sh", "-c", 'cat "$1" > /dev/null', "cat", data(s, "csv")]),
        ("csv-reader", n, args.runs, lambda s: [dx_bench, "read", data(s, "csv")]),
        ("duixian", n, args.runs, lambda s: [dx, rules, data(s, "csv"), out("duixian", s)]),
        (f"duixian-t{args.threads}", n, args.runs,
         lambda s: [dx, rules, data(s, "csv"), out(f"duixian-t{args.threads}", s), "--threads", str(args.threads)]),
        ("duixian-stream", n, args.runs,
         lambda s: [dx, rules, data(s, "csv"), out("duixian-stream", s), "--block", str(args.block)]),
        ("ref", n, args.runs, ref),
        ("zen-batch", slow_n, slow_runs,
         lambda s: ["node", zen, data(s, "jsonl"), out("zen-batch", s), "--batch", "1000"]),
        ("jre", slow_n, slow_runs, lambda s: ["node", jre, data(s, "jsonl"), out("jre", s)]),
    ]
    if args.register:
        engines += [
            ("register-cat", n, args.runs, lambda s: ["sh", "-c", 'cat "$1" > /dev/null', "cat", register(s)]),
            ("register-reader", n, args.runs, lambda s: [dx_bench, "read", register(s)]),
            ("match-t1", n, args.runs, lambda s: match(s, 1)),
            (f"match-t{args.threads}", n, args.runs, lambda s: match(s, args.threads)),
        ]
    if slow_n != n:
        engines.insert(4, ("ref", slow_n, slow_runs, ref))
    for size in {n, slow_n}:   # the oracle's output, for the comparisons
        if not os.path.exists(out("ref", size)):
            subprocess.run(ref(size), cwd=peers, check=True, stderr=subprocess.DEVNULL)
    try:
        load = os.getloadavg()
    except OSError:
        load = (0, 0, 0)
    print(f"{os.cpu_count()} cores; load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"1 warm-up + R timed runs; medians")
    print(f"{'engine':<16} {'N':>9} {'R':>2} {'wall s':>8} {'(range)':>15} {'CPU s':>8} {'RSS MiB':>8} "
          f"{'apps/s wall':>12} {'× wall':>7} {'× CPU':>7} {'× wall t' + str(args.threads):>10} {'× reader':>9}  output")
    base = {}
    base_t = None
    reader = {}   # wall per row of the CSV reader, per file kind
    for name, size, runs, argv in engines:
        if name in skip:
            continue
        cmd = argv(size)
        measure(cmd, peers)   # warm-up, also writes the output checked below
        results = [measure(cmd, peers) for _ in range(runs)]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        rss = statistics.median(r[2] for r in results)
        rate = size / wall
        if name == "duixian":
            base = {"wall": wall / size, "cpu": cpu / size}
        if name == f"duixian-t{args.threads}":
            base_t = wall / size
        if name in ("csv-reader", "register-reader"):
            reader[name] = wall / size
        kind = "register-reader" if name.startswith(("register", "match")) else "csv-reader"
        xr = f"{(wall / size) / reader[kind]:.1f}" if kind in reader else "-"
        if name == "ref":
            verdict = "the reference"
        elif name.endswith(("cat", "reader")):
            verdict = "the limit: reads only"
        elif name.startswith("match"):
            verdict = "20 files, 20 N rows"
            if name != "match-t1":
                a, b = os.path.join(work, "out", f"match-t1-{size}"), cmd[5]
                same = all(same_file(os.path.join(a, f), os.path.join(b, f)) for f in sorted(os.listdir(a)))
                verdict += ", same as match-t1" if same else ", DIFFERS from match-t1"
        else:
            verdict = "same as ref.py" if same_file(cmd[3], out("ref", size)) else "DIFFERS from ref.py"
        xw = f"{(wall / size) / base['wall']:.1f}" if base else "-"
        xc = f"{(cpu / size) / base['cpu']:.1f}" if base else "-"
        xt = f"{(wall / size) / base_t:.1f}" if base_t else "-"
        if kind == "register-reader":   # per enterprise × 20 policies, not per application
            xw = xc = xt = "-"
        rng = f"[{min(r[0] for r in results):.2f}-{max(r[0] for r in results):.2f}]"
        print(f"{name:<16} {size:>9} {runs:>2} {wall:8.2f} {rng:>15} {cpu:8.2f} {rss:8.0f} {rate:12.0f} "
              f"{xw:>7} {xc:>7} {xt:>10} {xr:>9}  {verdict}", flush=True)
    try:
        load = os.getloadavg()
        print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass
    print("× = the engine's wall (CPU) time per application over duixian's (one thread, whole batch); "
          f"× wall t{args.threads}: over duixian's on {args.threads} threads; × reader: wall over the CSV "
          "reader's on the same file (apps-N.csv, or register-N.csv for the register rows)")


if __name__ == "__main__":
    main()
