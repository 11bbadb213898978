#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The peer benchmark's workload: N applications for the 20 policies of policies.json.

usage: gen.py N [--seed S] [--out DIR]

Writes DIR/apps-N.csv (for duixian: tests/bench/dx-peers with
rules/bench-peers-20.yaml) and DIR/apps-N.jsonl (the same applications, one
JSON object a line, for ref.py, zen.js and jre.js). DIR defaults to "data"
next to this script. Standard library only, one seeded random.Random: the
same N and seed always give byte-identical files.

The mix: N/3 enterprises, each with its own district (80% 武昌区, the rest
seven other Wuhan districts), GB/T 4754 industry, registered capital,
headcount, revenue level and blacklist flag (3%); 85% of applications name a
policy relevant to their industry, the rest any policy; 45% have no loan.
Money is integer yuan, revenue_growth and loan_rate have 4 decimals,
floor_area_m2 2 decimals, months 1-12, submitted_at a day of 2022.

On top of that, some applications are bent into the hard cases, using the
policies themselves (through ref.py): a compared value set exactly at its
threshold (or one step either side), an award of exactly half a fen, an award
at or just past its cap; and 4% of enterprises have a registered capital
exactly at one of the capital thresholds. The counts go to stderr.
"""
import argparse
import datetime
import json
import math
import os
import random
import sys
from fractions import Fraction

import ref

SEED = 20220101
COLUMNS = ["app_id", "enterprise_id", "policy_id", "submitted_at", "district", "industry",
           "registered_capital_yuan", "annual_revenue_yuan", "revenue_growth", "employees",
           "tax_paid_yuan", "credit_blacklisted", "floor_area_m2", "loan_amount_yuan",
           "loan_rate", "months"]

# (value, weight): 武昌区 is the home district of the policies
DISTRICTS = [("武昌区", 80), ("洪山区", 4), ("江岸区", 3), ("江汉区", 3), ("硚口区", 2),
             ("汉阳区", 2), ("青山区", 2), ("东湖新技术开发区", 4)]
INDUSTRIES = [("F51", 12), ("F52", 16), ("H61", 6), ("H62", 12), ("G59", 4), ("L72", 8),
              ("I64", 6), ("I65", 6), ("M73", 3), ("C39", 3), ("J66", 6), ("J67", 3),
              ("J68", 3), ("J69", 4), ("K70", 8)]
FINANCE = ("J66", "J67", "J68", "J69")
AREA_MEDIAN_M2 = {"G59": 2500, "J66": 800, "J67": 800, "J68": 800, "J69": 800}
YEAR_START = datetime.date(2022, 1, 1)

P_RELEVANT = 0.85
P_NO_LOAN = 0.45
P_BLACKLISTED = 0.03
P_CAPITAL_AT_THRESHOLD = 0.04
P_AT_THRESHOLD = 0.05      # of applications: one compared value at its threshold
P_HALF_FEN = 0.04          # eligible, product awards: make the award end in exactly half a fen
P_AT_CAP = 0.03            # eligible: push the award to its cap


def pick(rng, pairs):
    return rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]


def lognormal(rng, median, sigma, lo, hi):
    return min(hi, max(lo, median * math.exp(rng.gauss(0.0, sigma))))


def decimal(x, places):
    """A float to an exact Fraction with `places` decimals."""
    return Fraction(round(x * 10 ** places), 10 ** places)


def text(v):
    """The one way a value is written, in the CSV and in the JSON alike."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        sign, v = ("-", -v) if v < 0 else ("", v)
        places = 0
        while (v * 10 ** places).denominator != 1:
            places += 1
        whole, part = divmod((v * 10 ** places).numerator, 10 ** places)
        return f"{sign}{whole}.{part:0{places}d}".rstrip("0")
    return str(v)


class Workload:
    def __init__(self, n, seed):
        self.n = n
        self.rng = random.Random(seed)
        self.policies = ref.load_policies(number=Fraction)
        self.ids = sorted(self.policies)
        with open(ref.DEFAULT_POLICIES, encoding="utf-8") as f:
            self.fields = json.load(f)["fields"]
        self.marks = {pid: list(self.thresholds(p)) for pid, p in self.policies.items()}
        self.relevant = {ind: self.relevant_to(ind) for ind, _ in INDUSTRIES}
        self.capital_marks = sorted({v for p in self.policies.values() for f, op, v in self.thresholds(p)
                                     if f == "registered_capital_yuan"})
        self.enterprises = [self.enterprise(i) for i in range(max(1, n // 3))]
        self.count = dict.fromkeys(["eligible", "not_whole_fen", "half_fen", "capped", "at_cap",
                                    "at_threshold"], 0)

    def relevant_to(self, industry):
        """Policies that name the industry, or name none and do not exclude it."""
        out = []
        for pid in self.ids:
            named = [(op, v) for f, op, v in self.policies[pid].leaves() if f == "industry"]
            yes = [v for op, v in named if op in ("==", "in")]
            if yes:
                ok = any(industry == v or (isinstance(v, list) and industry in v) for v in yes)
            else:
                ok = not any(industry == v or (isinstance(v, list) and industry in v) for op, v in named)
            if ok:
                out.append(pid)
        return out

    def thresholds(self, policy):
        """(field, op, value) of every numeric or date comparison and step bound."""
        for f, op, v in policy.leaves():
            if self.fields[f]["type"] in ("integer", "decimal", "date") and op not in ("in", "not_in"):
                yield f, op, v
        award = policy.spec["award"]
        for key, rows in (("steps", "rows"), ("rate_steps", "rates")):
            if key in award:
                for lo, _ in award[rows]:
                    yield award[key], ">=", policy.const(award[key], lo)

    def step(self, field):
        t = self.fields[field]
        return Fraction(1, 10 ** t["places"]) if t["type"] == "decimal" else 1

    def fits(self, field, v):
        t = self.fields[field]
        if t["type"] == "date":
            return v.startswith("2022-")
        return t.get("min", 0) <= v <= t.get("max", v) and (v > 0 or field not in ("floor_area_m2", "employees"))

    def enterprise(self, i):
        rng = self.rng
        industry = pick(rng, INDUSTRIES)
        district = pick(rng, DISTRICTS)
        capital = int(lognormal(rng, 2e8 if industry in FINANCE else 5e6, 1.8, 1e5, 2e10)) // 10000 * 10000
        if rng.random() < P_CAPITAL_AT_THRESHOLD:
            capital = rng.choice(self.capital_marks)
        staff = lognormal(rng, 40, 1.3, 1, 20000)
        revenue = lognormal(rng, 3e7, 1.5, 0, 5e10)
        return {"enterprise_id": "E%07d" % (i + 1), "district": district, "industry": industry,
                "registered_capital_yuan": capital, "credit_blacklisted": rng.random() < P_BLACKLISTED,
                "staff": staff, "revenue": revenue}

    def natural(self, i):
        rng = self.rng
        e = self.enterprises[rng.randrange(len(self.enterprises))]
        policy = rng.choice(self.relevant[e["industry"]]) if rng.random() < P_RELEVANT else rng.choice(self.ids)
        revenue = int(e["revenue"] * rng.uniform(0.85, 1.15))
        if rng.random() < P_NO_LOAN:
            loan, rate = 0, Fraction(0)
        else:
            loan = int(lognormal(rng, 2e6, 1.3, 1e4, 5e8)) // 1000 * 1000
            rate = decimal(rng.uniform(0.03, 0.08), 4)
        return {
            "app_id": "A%08d" % (i + 1),
            "enterprise_id": e["enterprise_id"],
            "policy_id": policy,
            "submitted_at": (YEAR_START + datetime.timedelta(days=rng.randrange(365))).isoformat(),
            "district": e["district"],
            "industry": e["industry"],
            "registered_capital_yuan": e["registered_capital_yuan"],
            "annual_revenue_yuan": revenue,
            "revenue_growth": decimal(min(2.0, max(-0.6, rng.gauss(0.12, 0.2))), 4),
            "employees": max(1, int(e["staff"] * rng.uniform(0.9, 1.1))),
            "tax_paid_yuan": int(revenue * rng.uniform(0.005, 0.06)),
            "credit_blacklisted": e["credit_blacklisted"],
            "floor_area_m2": decimal(lognormal(rng, AREA_MEDIAN_M2.get(e["industry"], 400), 1.0, 10, 50000), 2),
            "loan_amount_yuan": loan,
            "loan_rate": rate,
            "months": rng.randint(1, 12),
        }

    def settle(self, app):
        """A loan needs a rate, no loan has none."""
        if app["loan_amount_yuan"] == 0:
            app["loan_rate"] = Fraction(0)
        elif app["loan_rate"] == 0:
            app["loan_rate"] = decimal(self.rng.uniform(0.03, 0.08), 4)

    def at_threshold(self, app, policy):
        marks = [m for m in self.marks[policy.id] if self.fields[m[0]].get("level") != "enterprise"]
        if not marks:
            return
        field, _, v = self.rng.choice(marks)
        shift = self.rng.choice((-1, 0, 0, 0, 1))
        if self.fields[field]["type"] == "date":
            v = (datetime.date.fromisoformat(v) + datetime.timedelta(days=shift)).isoformat()
        else:
            v += shift * self.step(field)
        if self.fits(field, v):
            app[field] = v
            self.settle(app)

    def movable(self, policy):
        award = policy.spec["award"]
        return [f for f in award.get("product", []) if self.fields[f].get("level") != "enterprise"]

    def half_fen(self, app, policy):
        fields = self.movable(policy)
        for _ in range(60):
            trial = dict(app)
            f = self.rng.choice(fields)
            trial[f] = app[f] + self.rng.randint(-20, 20) * self.step(f)
            if not self.fits(f, trial[f]) or not policy.test(trial):
                continue
            x = policy.exact(trial)
            if x - math.floor(x) == Fraction(1, 2) and x < policy.cap:
                app.update(trial)
                return

    def at_cap(self, app, policy):
        award = policy.spec["award"]
        trial = dict(app)
        if "steps" in award:
            f = award["steps"]
            if self.fields[f].get("level") == "enterprise":
                return
            trial[f] = policy.const(f, award["rows"][-1][0])
        elif "product" in award:
            fields = [f for f in self.movable(policy) if app[f] != 0]
            if not fields:
                return
            f = self.rng.choice(fields)
            units = policy.cap / (policy.exact(app) / app[f]) / self.step(f)   # the cap in steps of f
            units = math.floor(units) if self.rng.random() < 0.5 else math.ceil(units)
            trial[f] = units * self.step(f)
            if not self.fits(f, trial[f]):
                return
        else:
            return        # a fixed award is its cap already
        if policy.test(trial):
            app.update(trial)

    def applications(self):
        rng = self.rng
        for i in range(self.n):
            app = self.natural(i)
            policy = self.policies[app["policy_id"]]
            if rng.random() < P_AT_THRESHOLD:
                self.at_threshold(app, policy)
            if policy.test(app):
                u = rng.random()
                if u < P_HALF_FEN and self.movable(policy):
                    self.half_fen(app, policy)
                elif u < P_HALF_FEN + P_AT_CAP:
                    self.at_cap(app, policy)
            self.tally(app, policy)
            yield app

    def tally(self, app, policy):
        c = self.count
        c["at_threshold"] += sum(1 for f, _, v in self.marks[policy.id] if app[f] == v)
        if not policy.test(app):
            return
        c["eligible"] += 1
        x = policy.exact(app)
        frac = x - math.floor(x)
        c["not_whole_fen"] += frac != 0
        c["half_fen"] += frac == Fraction(1, 2)
        c["capped"] += x > policy.cap
        c["at_cap"] += min(ref.round_half_up(x), policy.cap) == policy.cap


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of applications")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"),
                    help="output directory (default: data next to gen.py)")
    args = ap.parse_args(argv)
    if not 1 <= args.n < 10 ** 8:
        ap.error("N must be in 1 .. 99,999,999")
    os.makedirs(args.out, exist_ok=True)
    w = Workload(args.n, args.seed)
    csv_path = os.path.join(args.out, f"apps-{args.n}.csv")
    jsonl_path = os.path.join(args.out, f"apps-{args.n}.jsonl")
    with open(csv_path + ".tmp", "w", encoding="utf-8", newline="\n") as c, \
            open(jsonl_path + ".tmp", "w", encoding="utf-8", newline="\n") as j:
        c.write(",".join(COLUMNS) + "\n")
        for app in w.applications():
            cells = [text(app[k]) for k in COLUMNS]
            c.write(",".join(cells) + "\n")
            j.write("{" + ",".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False) if isinstance(v, str) else t}"
                                   for k, v, t in zip(COLUMNS, (app[k] for k in COLUMNS), cells)) + "}\n")
    os.replace(csv_path + ".tmp", csv_path)
    os.replace(jsonl_path + ".tmp", jsonl_path)
    c = w.count
    print(f"gen.py: wrote {csv_path} and {jsonl_path}: {args.n} applications, {c['eligible']} eligible "
          f"({100 * c['eligible'] / args.n:.1f}%); of those {c['not_whole_fen']} not a whole fen, "
          f"{c['half_fen']} exactly half a fen, {c['capped']} over their cap, {c['at_cap']} at their cap; "
          f"{c['at_threshold']} comparisons exactly at their threshold", file=sys.stderr)


if __name__ == "__main__":
    main()
