#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python bindings on a PostgreSQL ledger (issue 17), against a real
throwaway server: ``Ledger.open("postgresql://…")`` commits the Wuchang
demo round, which the CLI then reads back from the server (same head, the
charged amounts the round's own decisions.csv sums to); a wrong password
raises LedgerError with the password as ***. Prints TAP; exit 77 without
server binaries. Needs DUIXIAN_LIBRARY and PYTHONPATH (meson sets them).
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgcluster import Cluster  # noqa: E402

WORK = []   # scratch directories, removed on every exit

cli, root = sys.argv[1], sys.argv[2]
n_test = failed = 0


def ok(cond, what, detail=""):
    global n_test, failed
    n_test += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_test, what), flush=True)
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("# " + line)


def main():
    import duixian
    tmp = tempfile.mkdtemp(prefix="dx-pgpy-")
    WORK.append(tmp)
    rules = duixian.Ruleset.load(os.path.join(root, "rules", "wuchang-2022.yaml"))
    apps = os.path.join(root, "examples", "applications-2022.csv")
    with Cluster(root) as pg:
        url = pg.newdb("py")
        with duixian.Ledger.open(url) as ledger:
            with rules.run_round(apps, "2022-06-30", ledger=ledger) as r:
                r.write_outputs(tmp)
                round_id = r.round_id
            head = ledger.head_hash
            ok(round_id == 1 and ledger.n_rounds == 1, "Ledger.open(postgresql://…) commits a round")
            with open(os.path.join(tmp, "decisions.csv"), encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
            for env, bureau in (("commerce", "commerce"), ("finance", "finance")):
                want = sum(int(x["granted_fen"]) for x in rows if x["bureau"] == bureau)
                got = ledger.charged_fen("GZXX/344001/004", env)
                ok(got == want and want > 0, "charged to %s: %d fen, the round's decisions.csv sums %d" % (env, got, want))
            ok(ledger.verify() == 2, "verify: 2 entries")
        with duixian.Ledger.open(url, readonly=True) as ro:
            ok(ro.head_hash == head, "a read-only open sees the same head")
        v = subprocess.run([cli, "verify", url], capture_output=True, text=True)
        ok(v.returncode == 0 and v.stdout.strip().endswith("head " + head), "the CLI reads the same head",
           v.stdout + v.stderr)
        bad = url.replace(":dx-secret@", ":wrong-pw@")
        try:
            duixian.Ledger.open(bad)
            ok(False, "a wrong password raises LedgerError")
        except duixian.LedgerError as e:
            ok("password authentication failed" in str(e) and "wrong-pw" not in str(e) and ":***@" in str(e),
               "a wrong password raises LedgerError, the password as ***", str(e))
    print("1..%d" % n_test)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for d in WORK:
            shutil.rmtree(d, ignore_errors=True)
