# SPDX-License-Identifier: LGPL-2.1-or-later
"""Format duixian/2 through Python (docs/rules.md §10, §12): a ruleset's
parameters with their dated values, the parameter values each decision
read, and the places of a ranked policy. The amounts are worked out by hand
in the comments."""
import datetime
import os
import re
import unittest

import duixian

HEAD = """format: duixian/2
fund: {id: T/F2, name: 测试, total: 1亿元, period: {from: 2022-01-01, to: 2022-12-31}, shortfall: fcfs}
bureaus: {commerce: 区商务局}
"""

PARAMS = HEAD + """fields:
  capital: {type: money, label: 实缴资本}
params:
  hq_rate: {type: number, label: 落户奖励比例, values: {2021-06-16: 2%, 2022-07-01: 1.5%}}
policies:
  - id: FIN-HQ
    name: 落户奖励
    bureau: commerce
    basis: 武政规〔2021〕8号
    award: {rate: hq_rate, of: capital}
"""

RANK = HEAD + """fields:
  growth: {type: number, label: 零售额增速}
policies:
  - id: TOP
    name: 择优奖励
    bureau: commerce
    basis: 文件
    rank: {by: growth, top: 2}
    award: {table: rank, rows: [[1, 50万元], [2, 30万元]]}
"""


def app(i, day, **cells):
    return dict({"app_id": "A%d" % i, "enterprise_id": "E%d" % i, "submitted_on": day}, **cells)


class Format2(unittest.TestCase):
    def test_params_of_the_ruleset(self):
        with duixian.Ruleset.from_string(PARAMS, "p.yaml") as rules:
            (p,) = rules.params
            self.assertEqual((p.name, p.label, p.type), ("hq_rate", "落户奖励比例", duixian.FieldType.NUMBER))
            self.assertEqual(p.values, (duixian.ParamValue(datetime.date(2021, 6, 16), "2%"),
                                        duixian.ParamValue(datetime.date(2022, 7, 1), "1.5%")))

    def test_wuchang_2023_bounds(self):
        # every money, integer and number field of the shipped format-2 ruleset has both bounds
        path = os.path.join(os.environ.get("DX_SOURCE_ROOT", "."), "rules", "wuchang-2023.yaml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        fields = text[text.index("\nfields:"):text.index("\nparams:")]   # not the parameters
        lines = [l for l in fields.splitlines() if re.match(r"\s+\S+:\s+\{type: (money|integer|number)\b", l)]
        self.assertTrue(lines)
        for line in lines:
            self.assertIn(" min: ", line, line)
            self.assertIn(" max: ", line, line)
        with duixian.Ruleset.load(path) as rules:
            ds = rules.decide_batch([app(1, "2023-05-10", policy="FIN-HQ", district="武昌区",
                                         paid_in_capital="100000亿元")])
            self.assertEqual(ds[0].status, duixian.Status.INVALID)
        # wuchang-2022.yaml stays format 1: no bounds there (a format-1 file cannot have them)
        with open(path.replace("2023", "2022"), encoding="utf-8") as f:
            old = f.read()
        self.assertIn("format: duixian/1", old)
        self.assertNotRegex(old, r"\b(min|max): ")

    def test_warnings(self):
        # a rate written as a bare number loads, with a lint warning naming where
        bare = PARAMS.replace("{rate: hq_rate, of: capital}", "{rate: 2, of: capital}")
        with duixian.Ruleset.from_string(bare, "w.yaml") as rules:
            (w,) = rules.warnings
            self.assertTrue(w.startswith("w.yaml:"), w)
            self.assertIn("policies[0].award.rate: rate “2” has no % or ‰, so it is 200%", w)
        with duixian.Ruleset.from_string(PARAMS, "p.yaml") as rules:
            self.assertEqual(rules.warnings, [])

    def test_params_each_decision_read(self):
        with duixian.Ruleset.from_string(PARAMS, "p.yaml") as rules:
            apps = [app(1, "2022-06-30", policy="FIN-HQ", capital="1亿元"),
                    app(2, "2022-07-01", policy="FIN-HQ", capital="1亿元")]
            ds = {d.app_id: d for d in rules.decide_batch(apps)}
            # 1亿元 = 10^10 fen: × 2% = 2×10^8 fen before 07-01, × 1.5% = 1.5×10^8 from it
            self.assertEqual(ds["A1"].granted_fen, 200000000)
            self.assertEqual(ds["A1"].params, (duixian.UsedParam("hq_rate", "2%", datetime.date(2021, 6, 16)),))
            self.assertEqual(ds["A2"].granted_fen, 150000000)
            self.assertEqual(ds["A2"].params, (duixian.UsedParam("hq_rate", "1.5%", datetime.date(2022, 7, 1)),))
            self.assertEqual(ds["A2"].as_dict()["params"], {"hq_rate": "1.5%"})
            self.assertEqual(ds["A2"].rank, 0)

    def test_rank_of_each_decision(self):
        with duixian.Ruleset.from_string(RANK, "r.yaml") as rules:
            apps = [app(1, "2022-05-01", policy="TOP", growth="10%"),
                    app(2, "2022-05-01", policy="TOP", growth="30%"),
                    app(3, "2022-05-01", policy="TOP", growth="20%")]
            ds = {d.app_id: d for d in rules.decide_batch(apps)}
            # A2 30% first (50万元), A3 20% second (30万元), A1 10% third: out
            self.assertEqual((ds["A2"].rank, ds["A2"].granted_fen), (1, 50000000))
            self.assertEqual((ds["A3"].rank, ds["A3"].granted_fen), (2, 30000000))
            self.assertEqual((ds["A1"].rank, ds["A1"].reason_codes), (3, ("rank_out",)))
            self.assertEqual(ds["A1"].as_dict()["rank"], 3)

    def test_what_if_overrides(self):
        with duixian.Ruleset.from_string(PARAMS, "p.yaml", overrides={"hq_rate": "3%"}) as rules:
            self.assertEqual(rules.overrides, ["hq_rate=3%"])
            (d,) = rules.decide_batch([app(1, "2022-06-30", policy="FIN-HQ", capital="1亿元")])
            # 10^10 fen × 3% = 3×10^8 fen, whatever the date
            self.assertEqual(d.granted_fen, 300000000)
            self.assertEqual(d.params[0].value, "3%")
        with self.assertRaises(duixian.ApplicationError):
            duixian.Ruleset.from_string(PARAMS, "p.yaml", overrides={"nope": "1%"})
        with duixian.Ruleset.from_string(PARAMS, "p.yaml") as rules:
            self.assertEqual(rules.overrides, [])


if __name__ == "__main__":
    unittest.main()
