#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Faults of a server ledger (issue 17), against a real throwaway server.

    tests/pg/test-pg-faults.py DUIXIAN SOURCE_ROOT [COMMITS] [RESTARTS]

COMMITS (default 30) rounds of 20,000 generated applications
(examples/gen-applications.py) are started one after another on one
PostgreSQL ledger, and each one's connection is cut by the server
(pg_terminate_backend) after a random delay from the moment it connects,
spread over opening, reading, deciding and writing the round. Then
RESTARTS (default 3) rounds are run while the server is restarted. After
each:
  - the run either succeeded (exit 0) or failed with exit 5 and one line
    on stderr naming the ledger, without the password;
  - `duixian verify` passes (every round whole: its header's count and
    sum are its decisions entries');
  - the ledger holds exactly the rounds of the runs that succeeded (a
    connection cut during COMMIT itself is the one case where the outcome
    is unknown to the client; its message says so, and either count is
    accepted for it);
  - the next run, uncut, succeeds.
Prints TAP; exit 0 when every check passed, 77 without server binaries.
"""
import os
import random
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
commits = int(sys.argv[3]) if len(sys.argv) > 3 else 30
restarts = int(sys.argv[4]) if len(sys.argv) > 4 else 3
rules = os.path.join(root, "rules", "wuchang-2022.yaml")
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


def clean_failure(res):
    """Exit 5, one line on stderr naming the ledger, no password."""
    err = res.stderr.strip()
    return (res.returncode == 5 and len(err.splitlines()) == 1 and "postgresql://dx:***@" in err
            and "dx-secret" not in res.stderr + res.stdout)


def main():
    rng = random.Random(int(os.environ.get("DX_FAULT_SEED", "17")))
    tmp = tempfile.mkdtemp(prefix="dx-pgfault-")
    WORK.append(tmp)
    apps = os.path.join(tmp, "apps.csv")
    subprocess.run([sys.executable, os.path.join(root, "examples", "gen-applications.py"), "20000", apps],
                   check=True, capture_output=True)
    with Cluster(root) as pg:
        url = pg.newdb("faults")

        def n_rounds():
            return int(pg.sql("faults", "SELECT count(*) FROM entries WHERE kind = 'round'"))

        def one_round(k):
            return run("run", rules, apps, "--approval-date", "2022-06-30", "--ledger", url,
                       "--out", os.path.join(tmp, "r-%d" % k))

        first = one_round(0)
        ok(first.returncode == 0, "an uncut round commits", first.stderr)
        # how long a round is connected, timed inside the server, to spread
        # the cuts over all of it
        timer = subprocess.Popen([pg.psql, "-h", pg.dir, "-p", pg.port, "-U", "dx", "-d", "faults", "-qAt", "-c", """
            CREATE FUNCTION pg_temp.span() RETURNS float8 LANGUAGE plpgsql AS $$
            DECLARE t0 timestamptz; n int;
            BEGIN
                FOR i IN 1 .. 60000 LOOP
                    PERFORM pg_stat_clear_snapshot();
                    SELECT count(*) INTO n FROM pg_stat_activity
                        WHERE application_name = 'duixian' AND datname = 'faults';
                    IF n > 0 AND t0 IS NULL THEN t0 := clock_timestamp(); END IF;
                    IF n = 0 AND t0 IS NOT NULL THEN RETURN extract(epoch FROM clock_timestamp() - t0); END IF;
                    PERFORM pg_sleep(0.001);
                END LOOP;
                RETURN 1;
            END $$;
            SELECT pg_temp.span()"""], stdout=subprocess.PIPE, text=True)
        time.sleep(0.05)
        one_round(1)
        span = float(timer.communicate()[0].strip() or "1")
        print("# a round is connected for %.3f s" % span)
        messages = set()
        expected = n_rounds()
        cut = unknown = 0
        bad = []
        for k in range(commits):
            delay = rng.uniform(0.0, span * 1.2)
            # the killer waits inside the server (no client round trips):
            # from the moment the round's connection shows, @delay, then cut
            killer = pg.popen_sql("faults", """
                DO $$
                DECLARE victim int;
                BEGIN
                    FOR i IN 1 .. 20000 LOOP
                        PERFORM pg_stat_clear_snapshot();
                        SELECT pid INTO victim FROM pg_stat_activity
                            WHERE application_name = 'duixian' AND datname = 'faults';
                        IF victim IS NOT NULL THEN
                            PERFORM pg_sleep(%f);
                            PERFORM pg_terminate_backend(victim);
                            RETURN;
                        END IF;
                        PERFORM pg_sleep(0.001);
                    END LOOP;
                END $$""" % delay)
            time.sleep(0.05)   # the killer is connected
            res = one_round(100 + k)
            killer.wait()
            after = n_rounds()
            v = run("verify", url)
            if res.returncode == 0:
                expected += 1
            elif clean_failure(res):
                cut += 1
                messages.add(res.stderr.strip().split(": ", 2)[-1])
                if "during COMMIT" in res.stderr and after == expected + 1:
                    unknown += 1
                    expected += 1
            else:
                bad.append("cut %d (%.3f s): exit %d: %s" % (k, delay, res.returncode, res.stderr))
            if v.returncode != 0:
                bad.append("cut %d (%.3f s): verify: %s" % (k, delay, v.stdout + v.stderr))
            if after != expected:
                bad.append("cut %d (%.3f s): %d rounds, wanted %d (exit %d: %s)" % (k, delay, after, expected,
                                                                                 res.returncode, res.stderr))
                expected = after
        ok(not bad, "%d rounds cut at random points: each one failed cleanly or committed whole" % commits,
           "\n".join(bad))
        for m in sorted(messages):
            print("# " + m)
        ok(commits // 4 <= cut < commits, "… and the cuts bit: %d of %d rounds lost their connection (%d during COMMIT,"
           " committed), the others committed first" % (cut, commits, unknown))
        nxt = one_round(999)
        ok(nxt.returncode == 0 and n_rounds() == expected + 1, "the next, uncut, round commits", nxt.stderr)
        v = run("verify", url)
        ok(v.returncode == 0, "the ledger verifies", v.stdout + v.stderr)

        # the server restarted while a round runs
        bad = []
        failed_runs = 0
        for k in range(restarts):
            before = n_rounds()
            proc = subprocess.Popen([cli, "run", rules, apps, "--approval-date", "2022-06-30", "--ledger", url,
                                     "--out", os.path.join(tmp, "s-%d" % k)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(0.05, max(0.1, span * 0.8)))
            pg.restart()
            out, err = proc.communicate()
            res = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
            after = n_rounds()
            if res.returncode == 0:
                want = before + 1
            elif clean_failure(res):
                failed_runs += 1
                want = before + (1 if "during COMMIT" in err and after == before + 1 else 0)
            else:
                bad.append("restart %d: exit %d: %s" % (k, res.returncode, err))
                want = after
            if after != want:
                bad.append("restart %d: %d rounds, wanted %d" % (k, after, want))
            v = run("verify", url)
            if v.returncode != 0:
                bad.append("restart %d: verify: %s" % (k, v.stdout + v.stderr))
            again = one_round(2000 + k)
            if again.returncode != 0:
                bad.append("restart %d: the next round: %s" % (k, again.stderr))
        ok(not bad, "%d server restarts mid-round: a clean failure or a whole round, then the next round works"
           " (%d of them failed)" % (restarts, failed_runs), "\n".join(bad))
        stopped_dir = pg.dir
        subprocess.run(["sh", pg.script, "stop", stopped_dir], capture_output=True)
        res = one_round(3000)
        ok(clean_failure(res) and ("Connection refused" in res.stderr or "No such file" in res.stderr),
           "the server stopped: one clear line", res.stderr)
    print("1..%d" % n_test)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for d in WORK:
            shutil.rmtree(d, ignore_errors=True)
