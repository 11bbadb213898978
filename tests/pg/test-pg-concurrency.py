#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Many writers on one fund (issue 17): 8 processes × 20 rounds committed at
once to one PostgreSQL ledger, against a real throwaway server.

    tests/pg/test-pg-concurrency.py DUIXIAN SOURCE_ROOT [PROCS] [ROUNDS]

The Wuchang demo's applications are cut into PROCS × ROUNDS slices, more
than the fund can pay; each process commits its ROUNDS slices one after
another while the others do the same. Then:
  - every round committed (a writer waits for the ledger, it is not
    refused), and `duixian verify` passes;
  - no envelope is charged past its total (`ledger --format csv`);
  - a round started while another transaction holds the ledger's lock
    waits for it and commits; `duixian ledger` meanwhile does not wait;
  - (then) PROCS processes open one new ledger at once: the schema is
    created once and every round commits;
  - the rounds, in the order the server committed them (read from the
    round headers by their input SHA-256), run one by one on a new SQLite
    ledger give each round the same decisions.csv and schedule.csv, byte
    for byte, and so the same Σ granted: what the concurrent rounds did is
    what a serial run allows. Two rounds that together would exceed an
    envelope therefore never both committed as computed.
Prints TAP; exit 0 when every check passed, 77 without server binaries.
"""
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgcluster import Cluster  # noqa: E402

WORK = []   # scratch directories, removed on every exit

cli, root = sys.argv[1], sys.argv[2]
procs = int(sys.argv[3]) if len(sys.argv) > 3 else 8
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
rules = os.path.join(root, "rules", "wuchang-2022.yaml")
apps = os.path.join(root, "examples", "applications-2022.csv")
n_test = failed = 0


def ok(cond, what, detail=""):
    global n_test, failed
    n_test += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_test, what), flush=True)
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("# " + line)
    return cond


def run(*args):
    return subprocess.run([cli] + list(args), capture_output=True, text=True)


def slices(tmp, n):
    """The applications cut into n files, dealt round-robin."""
    with open(apps, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    paths = []
    for k in range(n):
        p = os.path.join(tmp, "slice-%03d.csv" % k)
        with open(p, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(head)
            w.writerows(body[k::n])
        paths.append(p)
    return paths


def main():
    tmp = tempfile.mkdtemp(prefix="dx-pgcon-")
    WORK.append(tmp)
    with Cluster(root) as pg:
        url = pg.newdb("concurrent")
        parts = slices(tmp, procs * rounds)
        by_sha = {hashlib.sha256(open(p, "rb").read()).hexdigest(): k for k, p in enumerate(parts)}
        ok(len(by_sha) == len(parts), "%d slices, each its own input hash" % len(parts))
        results = {}

        def writer(w):
            for r in range(rounds):
                k = w * rounds + r
                res = run("run", rules, parts[k], "--approval-date", "2022-06-30", "--ledger", url,
                          "--out", os.path.join(tmp, "c-%03d" % k))
                results[k] = res

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(procs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        bad = {k: r for k, r in results.items() if r.returncode != 0}
        ok(not bad, "%d processes × %d rounds at once: every round committed" % (procs, rounds),
           "\n".join("slice %d: exit %d %s" % (k, r.returncode, r.stderr.strip()) for k, r in sorted(bad.items())))
        v = run("verify", url)
        ok(v.returncode == 0 and (" ok, %d entries" % 0) not in v.stdout, "the chain verifies", v.stdout + v.stderr)

        envs = run("ledger", url, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(envs.stdout)))
        ok(rows and all(0 <= int(r["charged_fen"]) <= int(r["total_fen"]) for r in rows),
           "no envelope is charged past its total", envs.stdout + envs.stderr)
        ok(all(int(r["remaining_fen"]) == 0 for r in rows),
           "… and demand exceeded the fund: every envelope was used up (the test bites)", envs.stdout)

        order = pg.sql("concurrent", "SELECT input_sha256 FROM entries WHERE kind = 'round' ORDER BY seq").split()
        ok(len(order) == procs * rounds and sorted(by_sha[h] for h in order if h in by_sha) == list(range(len(parts))),
           "the ledger holds each slice's round once", "%d rounds" % len(order))

        # the same rounds, one by one, in the server's commit order
        lite = os.path.join(tmp, "serial.db")
        same = True
        detail = []
        for i, h in enumerate(order):
            k = by_sha.get(h)
            if k is None:
                same = False
                break
            out = os.path.join(tmp, "s-%03d" % k)
            res = run("run", rules, parts[k], "--approval-date", "2022-06-30", "--ledger", lite, "--out", out)
            for name in ("decisions.csv", "schedule.csv"):
                a = open(os.path.join(tmp, "c-%03d" % k, name), "rb").read()
                b = open(os.path.join(out, name), "rb").read() if res.returncode == 0 else b""
                if a != b:
                    same = False
                    detail.append("round %d (slice %d): %s differs" % (i + 1, k, name))
        ok(same, "a serial run in the commit order decides every round the same, byte for byte", "\n".join(detail))

        def granted(ledger):
            r = run("ledger", ledger, "--format", "csv")
            return sum(int(x["charged_fen"]) for x in csv.DictReader(io.StringIO(r.stdout)))

        g_pg, g_lite = granted(url), granted(lite)
        ok(g_pg == g_lite and g_pg > 0, "Σ charged: %d fen concurrently, %d fen serially" % (g_pg, g_lite))
        # by hand: Σ granted of the rounds' decisions.csv (column granted_fen)
        total = 0
        for k in range(len(parts)):
            with open(os.path.join(tmp, "c-%03d" % k, "decisions.csv"), encoding="utf-8") as f:
                total += sum(int(r["granted_fen"]) for r in csv.DictReader(f))
        ok(total == g_pg, "Σ granted_fen over every round's decisions.csv (%d) is what the ledger charged" % total)

        # a writer waits for the lock; a reader does not
        holder = pg.popen_sql("concurrent", "BEGIN; LOCK TABLE entries IN SHARE ROW EXCLUSIVE MODE;"
                                            " SELECT pg_sleep(3); COMMIT;")
        time.sleep(0.5)
        t0 = time.monotonic()
        reader = run("ledger", url)
        t_read = time.monotonic() - t0
        t0 = time.monotonic()
        extra = os.path.join(tmp, "late.csv")
        with open(extra, "w", encoding="utf-8") as f:
            f.write(open(parts[0], encoding="utf-8").readline())   # the header only: a round of nothing
        writer = run("run", rules, extra, "--approval-date", "2022-06-30", "--ledger", url, "--out",
                     os.path.join(tmp, "late"))
        t_write = time.monotonic() - t0
        holder.wait()
        ok(reader.returncode == 0 and t_read < 2.0, "a reader does not wait for a writer (%.2f s)" % t_read,
           reader.stderr)
        ok(writer.returncode == 0 and t_write >= 1.5, "a writer waits for the writer before it, then commits"
           " (%.2f s)" % t_write, writer.stderr)

        # a new ledger: the schema is created once, however many open it at once
        for t in range(3):
            url = pg.newdb("created_%d" % t)
            outs = [subprocess.Popen([cli, "run", rules, apps, "--approval-date", "2022-06-30", "--ledger", url,
                                      "--out", os.path.join(tmp, "n-%d-%d" % (t, w))],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                    for w in range(procs)]
            errs = [(p.wait(), p.stderr.read()) for p in outs]
            v = run("verify", url)
            ok(all(rc == 0 for rc, _ in errs) and (" ok, %d entries" % (procs * 2)) in v.stdout,
               "try %d: %d processes open one new ledger at once: one schema, %d rounds" % (t + 1, procs, procs),
               "\n".join(e for _, e in errs) + v.stdout + v.stderr)
    print("1..%d" % n_test)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for d in WORK:
            shutil.rmtree(d, ignore_errors=True)
