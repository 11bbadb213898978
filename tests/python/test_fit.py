# SPDX-License-Identifier: LGPL-2.1-or-later
"""duixian.fit() on tests/data/fit (worked by hand in tests/cli/test-cli-fit.sh):
r × capital for 1000万, 2000万, 3000万元, capped at c, above threshold m."""
import os
import unittest

import duixian

DATA = os.path.join(os.environ.get("DX_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
                    "tests", "data", "fit")
RULES, APPS = os.path.join(DATA, "rules.yaml"), os.path.join(DATA, "apps.csv")


class Fit(unittest.TestCase):
    def test_rate_to_an_envelope(self):
        r = duixian.fit(RULES, APPS, "r", envelope="finance", approval_date="2022-06-30")
        # 100万 / 6000万 = 1.666…%: 1.66% asks 99.6万元 (99,600,000 fen)
        self.assertEqual((r.value, r.step, r.demand_fen, r.budget_fen, r.headroom_fen),
                         ("1.66%", "0.01%", 99600000, 100000000, 400000))
        self.assertTrue(r.monotone)
        values = [v for v, _ in r.probes]
        i = values.index("1.66%")
        self.assertEqual(r.probes[i + 1], ("1.67%", 100100000))

    def test_cap_with_a_step_and_a_budget(self):
        r = duixian.fit(RULES, APPS, "c", envelope="finance", approval_date="2022-06-30", step="1万元")
        self.assertEqual((r.value, r.demand_fen), ("40万元", 100000000))
        r = duixian.fit(RULES, APPS, "r", budget_fen=50000000, approval_date="2022-06-30")
        self.assertEqual((r.value, r.demand_fen), ("0.83%", 49800000))

    def test_compare(self):
        """The base (r = 2%, rationed 110万 → 100万元) and r=1% (60万元 in full)."""
        import csv
        import json
        import tempfile
        with tempfile.TemporaryDirectory() as tmp, \
                duixian.Ruleset.load(RULES) as base_rules, \
                duixian.Ruleset.load(RULES, overrides={"r": "1%"}) as reform_rules, \
                base_rules.run_round(APPS, "2022-06-30") as base, \
                reform_rules.run_round(APPS, "2022-06-30") as reform:
            base.write_compare(reform, tmp)
            env = json.load(open(os.path.join(tmp, "compare.json")))["envelopes"]["finance"]
            self.assertEqual(env, {"base": {"demand_fen": 110000000, "granted_fen": 100000000},
                                   "reform": {"demand_fen": 60000000, "granted_fen": 60000000}})
            rows = list(csv.DictReader(open(os.path.join(tmp, "compare.csv"), encoding="utf-8")))
            self.assertEqual(sum(int(r["change_fen"]) for r in rows), -40000000)

    def test_rule_tests(self):
        root = os.path.join(DATA, "..", "..", "..", "rules")
        r = duixian.run_rule_tests(os.path.join(root, "wuchang-2023.yaml"), [os.path.join(root, "wuchang-2023.tests.yaml")])
        self.assertTrue(r.passed)
        self.assertEqual((r.n_cases, r.coverage), (16, ()))
        self.assertIn("16 passed, 0 failed", r.report)
        self.assertIn('<testsuites tests="16" failures="0">', r.junit)

    def test_errors(self):
        with self.assertRaises(duixian.ApplicationError):
            duixian.fit(RULES, APPS, "nope", envelope="finance")
        with self.assertRaises(duixian.ApplicationError):
            duixian.fit(RULES, APPS, "b", envelope="commerce")   # never exceeds: nothing fits
        with self.assertRaises(ValueError):
            duixian.fit(RULES, APPS, "r")


if __name__ == "__main__":
    unittest.main()
