#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run one fund round on rules/wuchang-2022.yaml and print the per-bureau summary.

    PYTHONPATH=bindings/python python3 examples/python/round_summary.py \
        [RULES] [APPLICATIONS.csv] [--approval-date 2022-06-30] [--ledger out/ledger.db]

Without --ledger the round is computed on its own (nothing is recorded).
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))   # run from a checkout without installing

import duixian  # noqa: E402

def wan2(fen):
    """万元 to 2 decimals (100元), half up, in integers: a table column, not an amount to pay."""
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    hundreds = (fen + 5000) // 10000            # units of 0.01万元
    return "%s%s.%02d" % (sign, "{:,}".format(hundreds // 100), hundreds % 100)


# As the CLI's table: one column per status, so an all-invalid batch does not read as rejected.
_COLUMNS = ("approved", "reduced", "rejected", "incomplete", "invalid", "duplicate", "error", "unfunded")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rules", nargs="?", default=os.path.join(ROOT, "rules", "wuchang-2022.yaml"))
    ap.add_argument("applications", nargs="?", default=os.path.join(ROOT, "examples", "applications-2022.csv"))
    ap.add_argument("--approval-date", default="2022-06-30")
    ap.add_argument("--ledger")
    args = ap.parse_args()

    try:
        rules = duixian.Ruleset.load(args.rules)
        ledger = duixian.Ledger.open(args.ledger) if args.ledger else None
        with rules.run_round(args.applications, args.approval_date, ledger=ledger) as r:
            s = r.summary
            print("%s %s, approval date %s: %d decisions, %s granted"
                  % (s.fund, rules.fund_name, s.approval_date, s.decisions, duixian.format_money(s.granted_fen)))
            # Per-bureau counts from the decisions (read one at a time, not copied all at once).
            counts = {}
            for d in r.decisions:
                c = counts.setdefault(d.bureau, dict.fromkeys(("applied",) + _COLUMNS, 0))
                c["applied"] += 1
                c[str(d.status)] += 1
            print("%-9s %-8s %7s" % ("bureau", "name", "applied")
                  + "".join(" %10s" % k for k in _COLUMNS)
                  + " %12s %12s %12s %12s" % ("envelope万元", "requested万元", "granted万元", "remaining万元"))
            for key, e in s.envelopes.items():
                c = counts.get(key, dict.fromkeys(("applied",) + _COLUMNS, 0))
                print("%-9s %-8s %7d" % (key, rules.bureaus.get(key, ""), c["applied"])
                      + "".join(" %10d" % c[k] for k in _COLUMNS)
                      + " %12s %12s %12s %12s" % (wan2(e.total), wan2(e.requested), wan2(e.granted),
                                                  wan2(e.remaining)))
            print("statuses: " + ", ".join("%s %d" % kv for kv in s.status_counts.items() if kv[1]))
            if r.round_id:
                print("committed as round %d" % r.round_id)
        if ledger is not None:
            ledger.close()
    except duixian.DuixianError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
