# SPDX-License-Identifier: LGPL-2.1-or-later
"""Round.to_records() and Decision.as_dict(): plain dicts, one per decision,
that a table library (pandas.DataFrame(records)) takes as they are. Checked
against the hand-worked expected-decisions.csv of the golden rounds and the
input file's own line numbers, with plain dicts (pandas is not needed)."""

import csv
import json
import os
import tempfile
import unittest

from dxtest_support import GOLDEN_ROUNDS, cases, csv_rows, read, rounds

import duixian

COLUMNS = ["app_id", "enterprise_id", "policy_id", "bureau", "status", "computed_fen", "granted_fen",
           "row", "basis", "reasons", "messages", "rank", "params"]


def columns(records):
    """What pandas.DataFrame(records) does with a list of dicts: one column per key."""
    keys = list(records[0])
    return {k: [r[k] for r in records] for k in keys}


class Records(unittest.TestCase):

    def test_golden_rounds_as_records(self):
        n = 0
        for name in cases(GOLDEN_ROUNDS):
            case = os.path.join(GOLDEN_ROUNDS, name)
            rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
            with tempfile.TemporaryDirectory() as tmp, \
                    duixian.Ledger.open(os.path.join(tmp, "ledger.db")) as ledger:
                n += self.check_case(name, case, rules, ledger)
        self.assertGreater(n, 50)

    def check_case(self, name, case, rules, ledger):
        """The rounds of one case in order on one ledger (later rounds see earlier grants)."""
        n = 0
        for rnd in rounds(case):
            d = os.path.join(case, rnd)
            date = read(os.path.join(d, "approval-date")).strip()
            hist = os.path.join(d, "history.csv")
            apps = os.path.join(d, "apps.csv")
            with self.subTest(case=name, round=rnd), \
                    rules.run_round(apps, date, ledger=ledger,
                                    history=[hist] if os.path.exists(hist) else []) as r:
                recs = r.to_records()
                exp = csv_rows(read(os.path.join(d, "expected-decisions.csv")))
                self.assertEqual(len(recs), len(exp))
                self.assertEqual([(x["app_id"], x["enterprise_id"], x["policy_id"], x["bureau"], x["status"],
                                   x["computed_fen"], x["granted_fen"], ";".join(x["reasons"]))
                                  for x in recs],
                                 [(e["app_id"], e["enterprise_id"], e["policy_id"], e["bureau"], e["status"],
                                   int(e["computed_fen"]), int(e["granted_fen"]), e["reasons"])
                                  for e in exp])
                self.check_rows(recs, apps)
                self.check_plain(recs)
                n += len(recs)
        return n

    def check_rows(self, recs, apps):
        """``row`` is the line of apps.csv the application came from (header = line 1)."""
        with open(apps, newline="", encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
        for x in recs:
            self.assertGreaterEqual(x["row"], 2)
            cells = next(csv.reader([lines[x["row"] - 1]]))
            self.assertIn(x["app_id"], cells)

    def check_plain(self, recs):
        for x in recs:
            self.assertEqual(list(x), COLUMNS)
            for k in ("app_id", "enterprise_id", "policy_id", "bureau", "status", "basis"):
                self.assertIs(type(x[k]), str, k)          # not Status: a plain column
            for k in ("computed_fen", "granted_fen", "row"):
                self.assertIs(type(x[k]), int, k)
            self.assertIs(type(x["reasons"]), list)
            self.assertEqual(len(x["messages"]), len(x["reasons"]))
            self.assertTrue(all(type(m) is str and m for m in x["messages"]))
        self.assertEqual(json.loads(json.dumps(recs, ensure_ascii=False)), recs)

    def test_one_decision(self):
        rules = duixian.Ruleset.load(os.path.join(GOLDEN_ROUNDS, cases(GOLDEN_ROUNDS)[0], "rules.yaml"))
        d = duixian.Decision("A1", "E1", "P", "finance", duixian.Status.REDUCED, 500, 300, 7, "Doc 1",
                             (duixian.Reason("award_rate", "甲"), duixian.Reason("envelope_cap", "乙")))
        self.assertEqual(d.as_dict(), {
            "app_id": "A1", "enterprise_id": "E1", "policy_id": "P", "bureau": "finance",
            "status": "reduced", "computed_fen": 500, "granted_fen": 300, "row": 7, "basis": "Doc 1",
            "reasons": ["award_rate", "envelope_cap"], "messages": ["甲", "乙"], "rank": 0, "params": {}})
        self.assertIs(type(d.as_dict()["status"]), str)
        with rules.run_round([], "2022-06-30") as r:
            self.assertEqual(r.to_records(), [])

    def test_table_from_records(self):
        """As pandas.DataFrame(records) would see them: equal columns, totals in int fen."""
        case = os.path.join(GOLDEN_ROUNDS, cases(GOLDEN_ROUNDS)[0])
        d = os.path.join(case, "r1")
        rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
        with rules.run_round(os.path.join(d, "apps.csv"), read(os.path.join(d, "approval-date")).strip()) as r:
            table = columns(r.to_records())
            self.assertEqual(list(table), COLUMNS)
            self.assertTrue(all(len(v) == len(r.decisions) for v in table.values()))
            exp = json.loads(read(os.path.join(d, "expected-summary.json")))
            self.assertEqual(sum(table["granted_fen"]), exp["granted_fen"])
            self.assertEqual(r.decisions.to_records(), r.to_records())



class Labels(unittest.TestCase):
    """Status.label() and Reason.label(): the library's short names, in the words report.html uses."""

    def test_status_labels(self):
        self.assertEqual(duixian.Status.REDUCED.label(), "核减兑现")
        self.assertEqual(duixian.Status.APPROVED.label("en"), "approved")
        self.assertEqual(len({s.label() for s in duixian.Status}), len(duixian.Status))

    def test_reason_labels(self):
        self.assertEqual(duixian.Reason("rationed", "").label(), "额度不足按比例核减")
        self.assertEqual(duixian.Reason("award_table", "").label("en"), "table row")
        # a code this library does not know is shown as it is
        self.assertEqual(duixian.Reason("no_such_code", "").label(), "no_such_code")

if __name__ == "__main__":
    unittest.main()
