#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An enterprise register for `duixian match RULES REGISTER --out DIR`, from the peer workload.

usage: gen_register.py APPS.csv REGISTER.csv [--shuffle SEED] [--blank-every K]

APPS.csv is tests/bench/peers/gen.py's output. Each application row becomes
one enterprise: its app_id is the enterprise_id (so every id is distinct),
and the app_id, policy_id and submitted_at columns are dropped (13 columns
left). --shuffle writes the rows in a seeded random order (the output of a
match must not depend on it). --blank-every K empties the employees and
annual_revenue_yuan cells of every K-th row, so the clauses on them are
unknown, not false, for those enterprises (a prefilter must keep that).
Standard library only; the same arguments give the same bytes.
"""
import argparse
import csv
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("apps")
    ap.add_argument("register")
    ap.add_argument("--shuffle", type=int)
    ap.add_argument("--blank-every", type=int, default=0)
    a = ap.parse_args()
    with open(a.apps, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        rows = list(r)
    i_app, i_ent = head.index("app_id"), head.index("enterprise_id")
    drop = {i_app, head.index("policy_id"), head.index("submitted_at")}
    keep = [i for i in range(len(head)) if i not in drop]
    blank = {head.index("employees"), head.index("annual_revenue_yuan")}
    if a.shuffle is not None:
        random.Random(a.shuffle).shuffle(rows)
    with open(a.register, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([head[i] for i in keep])
        for n, row in enumerate(rows, 1):
            row[i_ent] = row[i_app]
            if a.blank_every and n % a.blank_every == 0:
                for i in blank:
                    row[i] = ""
            w.writerow([row[i] for i in keep])


if __name__ == "__main__":
    main()
