#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The peer benchmark's reference: the 20 policies of policies.json in plain Python.

usage: ref.py IN.jsonl OUT.csv [--policies policies.json]

Writes "app_id,eligible,award_fen" and one line per application, in input
order. Exact: JSON decimals are read as decimal.Decimal (never a float) and
compared with the thresholds, also Decimals; an award is computed as an exact
fractions.Fraction of a fen, rounded half up once, then capped.
Not eligible: 0. Eligible with an award that rounds to 0 fen: eligible, 0
(duixian's `award_zero`, which tests/bench/dx-peers writes the same way).

gen.py imports this module to aim its hard cases and count them.
Prints one line to stderr: engine, n, eligible, eval_s, total_s.
"""
import json
import os
import sys
import time
from decimal import Decimal
from fractions import Fraction

T0 = time.monotonic()
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_POLICIES = os.path.join(HERE, "policies.json")


def round_half_up(x):
    """x >= 0, a Fraction: the nearest integer, halves up."""
    return (2 * x.numerator + x.denominator) // (2 * x.denominator)


class Policy:
    """One policy: test(app) -> bool, exact(app) -> Fraction of a fen, cap."""

    def __init__(self, spec, fields, number=Decimal):
        self.number = number   # the type of the decimals in the applications
        self.id = spec["id"]
        self.spec = spec
        self.fields = fields
        self.cap = spec["cap_fen"]
        self.test = self._when(spec["when"])
        self.exact = self._award(spec["award"])

    def const(self, field, v):
        # decimals are written as strings in policies.json, so they stay exact
        if self.fields[field]["type"] == "decimal":
            return self.number(v)
        return v

    def leaves(self, node=None):
        """Every [field, op, value] comparison of the eligibility tree."""
        node = self.spec["when"] if node is None else node
        if isinstance(node, dict):
            for child in node.get("all", node.get("any", [])):
                yield from self.leaves(child)
        else:
            yield node[0], node[1], self.const(node[0], node[2]) if node[1] not in ("in", "not_in") else node[2]

    def _when(self, node):
        if isinstance(node, dict):
            kids = [self._when(c) for c in node.get("all", node.get("any", []))]
            if "all" in node:
                return lambda a: all(k(a) for k in kids)
            return lambda a: any(k(a) for k in kids)
        field, op, v = node
        if op == "in" or op == "not_in":
            s = frozenset(v)
            return (lambda a: a[field] in s) if op == "in" else (lambda a: a[field] not in s)
        v = self.const(field, v)   # ISO dates compare as strings, day by day
        return {
            "==": lambda a: a[field] == v,
            "!=": lambda a: a[field] != v,
            "<": lambda a: a[field] < v,
            "<=": lambda a: a[field] <= v,
            ">": lambda a: a[field] > v,
            ">=": lambda a: a[field] >= v,
        }[op]

    def _steps(self, field, rows, conv):
        rows = [(self.const(field, lo), conv(x)) for lo, x in rows]   # conv: the amount or rate

        def look(a):
            got = None
            for lo, x in rows:
                if a[field] >= lo:
                    got = x
            return got
        return look

    def _award(self, award):
        if "fixed" in award:
            fixed = Fraction(award["fixed"])
            return lambda a: fixed
        if "steps" in award:
            look = self._steps(award["steps"], award["rows"], Fraction)
            return lambda a: look(a) or Fraction(0)
        fen = Fraction(award["fen"]) / award.get("divide", 1)
        names = award["product"]
        rate = self._steps(award["rate_steps"], award["rates"], Fraction) if "rate_steps" in award else None

        def product(a):
            x = fen
            for f in names:
                v = a[f]
                x *= v if type(v) is int else Fraction(v)   # a Decimal or Fraction, exactly
            if rate is not None:
                r = rate(a)
                x = x * r if r is not None else Fraction(0)
            return x
        return product

    def decide(self, app):
        """(eligible, award_fen)."""
        if not self.test(app):
            return False, 0
        return True, min(round_half_up(self.exact(app)), self.cap)


def load_policies(path=DEFAULT_POLICIES, number=Decimal):
    """number: the type the applications' decimals have (gen.py uses Fraction)."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    return {p["id"]: Policy(p, spec["fields"], number) for p in spec["policies"]}


def parse_app(line):
    return json.loads(line, parse_float=Decimal)


def decide(policies, app):
    p = policies.get(app["policy_id"])
    return (False, 0) if p is None else p.decide(app)


def main(argv):
    args = list(argv)
    path = DEFAULT_POLICIES
    if "--policies" in args:
        i = args.index("--policies")
        path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit("usage: ref.py IN.jsonl OUT.csv [--policies policies.json]")
    policies = load_policies(path)
    with open(args[0], encoding="utf-8") as f:
        apps = [parse_app(line) for line in f if line.strip()]
    t1 = time.monotonic()
    results = [decide(policies, a) for a in apps]
    t2 = time.monotonic()
    with open(args[1], "w", encoding="utf-8", newline="\n") as out:
        out.write("app_id,eligible,award_fen\n")
        out.writelines(f"{a['app_id']},{int(e)},{fen}\n" for a, (e, fen) in zip(apps, results))
    n, ok = len(apps), sum(e for e, _ in results)
    print(f"engine=ref n={n} eligible={ok} eval_s={t2 - t1:.3f} total_s={time.monotonic() - T0:.3f} "
          f"eval_apps_per_s={n / max(t2 - t1, 1e-9):.0f}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
