#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole benchmark suite, in one run (nothing here is a test: it measures).
#
#   tests/bench/run.sh BUILD_DIR [PEERS_DIR] [N] [SLOW_RUNS]
#
# BUILD_DIR: a debugoptimized build. PEERS_DIR: where the peer workload
# (data/) and the engines' outputs (out/) go, hundreds of MB at 1,000,000
# (default BUILD_DIR/peers; a second argument made of digits only is N).
# The peer harness itself is tests/bench/peers (gen.py, ref.py, zen.js,
# jre.js); bench_peers.py runs npm install there and gen.py if needed.
# N: applications (default 1,000,000). SLOW_RUNS: timed runs of Zen and
# json-rules-engine (default 5; each takes 20-30 s at 1,000,000).
#   1. ruleset load (dx-bench load, median of 500 loads)
#   2. decide throughput, applications in memory, 1 and 2 threads (median of 5)
#   3. a whole round with ledger and schedule (bench_round.py, median of 5)
#   4. end to end CSV -> decisions file, duixian and the peers side by side,
#      with the limit (cat, the CSV reader alone) and register matching
#      (duixian match REGISTER --out DIR, 1 and 2 threads) (bench_peers.py
#      --register, median of 5, ratios, peak RSS)
set -eu
cd "$(dirname "$0")/../.."
B=${1:?usage: tests/bench/run.sh BUILD_DIR [PEERS_DIR] [N] [SLOW_RUNS]}
shift
case ${1:-} in
  '' | *[!0-9]*) P=${1:-$B/peers}; [ $# -eq 0 ] || shift ;;
  *) P=$B/peers ;;
esac
N=${1:-1000000}
SLOW=${2:-5}

echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(free -g | awk '/^Mem/ {print $2}') GiB RAM, $(uname -sr)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# how much of a second core is free right now (2 spinning threads vs 1: 2.0 = idle machine)
python3 - <<'PY'
import os, time, threading, resource
def spin(n):
    x = 0
    for i in range(n):
        x += i
def wall(k, n=3_000_000):
    pids = []
    t0 = time.monotonic()
    for _ in range(k):
        pid = os.fork()
        if pid == 0:
            spin(n); os._exit(0)
        pids.append(pid)
    for p in pids:
        os.waitpid(p, 0)
    return time.monotonic() - t0
one, two = min(wall(1) for _ in range(3)), min(wall(2) for _ in range(3))
print(f"parallel capacity now: {2 * one / two:.2f} cores (two busy processes vs one)")
PY

echo
echo "== 1. load"
"$B/tests/bench/dx-bench" load rules/bench-peers-20.yaml 500
"$B/tests/bench/dx-bench" load rules/wuchang-2022.yaml 500

echo
echo "== 2. decide, applications in memory (steps 1-5 per application; median of 5)"
for rules_csv in "rules/wuchang-2022.yaml examples/applications-2022.csv" \
                 "rules/bench-peers-20.yaml $P/data/apps-100000.csv"; do
  [ -f "${rules_csv#* }" ] || python3 tests/bench/peers/gen.py 100000 --out "$P/data"
  for t in 1 2; do
    # shellcheck disable=SC2086
    for _ in 1 2 3 4 5; do "$B/tests/bench/dx-bench" decide $rules_csv 1000000 $t; done |
      python3 -c '
import re, statistics, sys
what, t = sys.argv[1], int(sys.argv[2])
text = sys.stdin.read()
rows = [tuple(map(float, m)) for m in re.findall(r"steps 1-5 per application: ([0-9.]+) s \(CPU ([0-9.]+) s\), ([0-9]+)", text)]
rss = max(float(x) for x in re.findall(r"peak RSS: ([0-9.]+)", text))
med = [statistics.median(r[i] for r in rows) for i in range(3)]
plural = " " if t == 1 else "s"
print(f"{what:<28} {t} thread{plural}: steps 1-5 {med[0]:.3f} s wall, {med[1]:.3f} s CPU, "
      f"{med[2]:,.0f} applications/s (median of {len(rows)}), peak RSS {rss:.0f} MiB")' "${rules_csv%% *}" "$t"
  done
done

echo
echo "== 3. whole round (wuchang-2022, $N applications)"
python3 tests/bench/bench_round.py "$B" "$N" 5

echo
echo "== 4. end to end, the peer workload ($N applications)"
python3 tests/bench/bench_peers.py "$B" "$P" --n "$N" --runs 5 --slow-runs "$SLOW" --register
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
