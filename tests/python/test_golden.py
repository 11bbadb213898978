# SPDX-License-Identifier: LGPL-2.1-or-later
"""The C golden cases, through Python: the same bytes and the same fen."""

import os
import unittest

from dxtest_support import GOLDEN, cases, csv_dicts, csv_rows, read

import duixian


class GoldenDecide(unittest.TestCase):
    """tests/golden/<case>: rules.yaml + apps.csv -> expected-decisions.csv (steps 1-6)."""

    def test_cases_exist(self):
        self.assertGreaterEqual(len(cases(GOLDEN)), 14)

    def check_objects(self, decisions, expected_csv):
        """Every Decision object carries the fen, status and reasons of the expected file."""
        rows = csv_rows(expected_csv)
        self.assertEqual(len(decisions), len(rows))
        for d, row in zip(decisions, rows):
            self.assertIsInstance(d, duixian.Decision)
            self.assertEqual(d.app_id, row["app_id"])
            self.assertEqual(d.enterprise_id, row["enterprise_id"])
            self.assertEqual(d.policy_id, row["policy_id"])
            self.assertEqual(d.bureau, row["bureau"])
            self.assertEqual(d.status, row["status"])
            self.assertIs(type(d.computed_fen), int)
            self.assertEqual(d.computed_fen, int(row["computed_fen"]))
            self.assertEqual(d.granted_fen, int(row["granted_fen"]))
            self.assertEqual(";".join(d.reason_codes), row["reasons"])
            for r in d.reasons:
                self.assertTrue(r.message, "reason %s of %s has no sentence" % (r.code, d.app_id))

    def test_csv_file(self):
        for name in cases(GOLDEN):
            with self.subTest(case=name):
                d = os.path.join(GOLDEN, name)
                expected = read(os.path.join(d, "expected-decisions.csv"))
                rules = duixian.Ruleset.load(os.path.join(d, "rules.yaml"))
                with rules.batch() as b:
                    b.add_csv(os.path.join(d, "apps.csv"))
                    with b.decide() as decisions:
                        self.assertEqual(decisions.to_csv(), expected)
                        self.check_objects(decisions, expected)

    def test_csv_text_and_reversed(self):
        for name in cases(GOLDEN):
            with self.subTest(case=name):
                d = os.path.join(GOLDEN, name)
                expected = read(os.path.join(d, "expected-decisions.csv"))
                rules = duixian.Ruleset.from_string(read(os.path.join(d, "rules.yaml")), "rules.yaml")
                text = read(os.path.join(d, "apps.csv"))
                self.assertEqual(_decide_text(rules, text), expected)
                notes = os.path.join(d, "NOTES.md")
                if "order-sensitive" not in (read(notes) if os.path.exists(notes) else ""):
                    lines = text.rstrip("\n").split("\n")
                    rev = "\n".join([lines[0]] + lines[:0:-1]) + "\n"
                    self.assertEqual(_decide_text(rules, rev), expected)

    def test_dicts(self):
        """The rows as Python dicts (csv.DictReader: every value text) decide the same."""
        for name in cases(GOLDEN):
            with self.subTest(case=name):
                d = os.path.join(GOLDEN, name)
                expected = read(os.path.join(d, "expected-decisions.csv"))
                rules = duixian.Ruleset.load(os.path.join(d, "rules.yaml"))
                apps = csv_dicts(os.path.join(d, "apps.csv"))
                decisions = rules.decide_batch(apps, ignore_unknown=True)
                self.assertEqual(decisions.to_csv(), expected)
                self.check_objects(list(decisions), expected)

    def test_decide_one_by_one(self):
        """Single decide() calls agree with the batch wherever the batch adds nothing
        (no duplicate app_id, `once` or per-enterprise cap across rows: cases
        01-04, 06, 08, 09)."""
        for name in cases(GOLDEN):
            if name[:2] not in ("01", "02", "03", "04", "06", "08", "09"):
                continue
            with self.subTest(case=name):
                d = os.path.join(GOLDEN, name)
                expected = csv_rows(read(os.path.join(d, "expected-decisions.csv")))
                rules = duixian.Ruleset.load(os.path.join(d, "rules.yaml"))
                got = []
                for app in csv_dicts(os.path.join(d, "apps.csv")):
                    got.extend(rules.decide(app, ignore_unknown=True))
                got.sort(key=lambda x: (x.app_id, x.policy_id))
                self.assertEqual([(g.app_id, g.policy_id, str(g.status), g.computed_fen, g.granted_fen)
                                  for g in got],
                                 [(e["app_id"], e["policy_id"], e["status"], int(e["computed_fen"]),
                                   int(e["granted_fen"])) for e in expected])


def _decide_text(rules, text):
    with rules.batch() as b:
        b.add_csv_text(text, "apps.csv")
        with b.decide() as decisions:
            return decisions.to_csv()


if __name__ == "__main__":
    unittest.main()
