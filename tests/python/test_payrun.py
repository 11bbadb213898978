# SPDX-License-Identifier: LGPL-2.1-or-later
"""duixian.pay() on tests/data/pay (the sequence worked by hand in
tests/cli/test-cli-pay-conditions.sh): a round approved 2022-06-30, then
payment runs with and without checks."""
import os
import tempfile
import unittest

import duixian

DATA = os.path.join(os.environ.get("DX_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
                    "tests", "data", "pay")
RULES = os.path.join(DATA, "tongliang-2022.yaml")


class Pay(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.ledger_path = os.path.join(self.tmp.name, "ledger.db")
        self.rules = duixian.Ruleset.load(RULES)
        self.ledger = duixian.Ledger.open(self.ledger_path)
        self.rules.run_round(os.path.join(DATA, "apps-2022.csv"), "2022-06-30", ledger=self.ledger).close()

    def tearDown(self):
        self.ledger.close()
        self.rules.close()
        self.tmp.cleanup()

    def test_sequence(self):
        # at approval: 3 x 5万 + 3 x 1600元 + 15万 = 30.48万元, 7 lines
        r = duixian.pay(self.rules, self.ledger, "2022-06-30")
        self.assertEqual((r.totals.paid_fen, r.totals.paid_lines, r.totals.held_lines), (30480000, 7, 0))
        self.assertGreater(r.id, 0)
        # without checks every line with requires is held: 3 x 2万 + 3 x 1600元
        r = duixian.pay(self.rules, self.ledger, "2023-06-30")
        self.assertEqual((r.totals.paid_fen, r.totals.held_fen, r.totals.held_lines), (15000000, 6480000, 6))
        self.assertEqual(r.envelopes["finance"].paid_fen, 15000000)
        # a dry run with checks: as worked out in the shell test, committing nothing
        out = os.path.join(self.tmp.name, "p3")
        dry = duixian.pay(self.rules, self.ledger, "2024-03-31", checks=os.path.join(DATA, "checks-2023.csv"),
                          out_dir=out, dry_run=True)
        self.assertEqual(dry.id, 0)
        self.assertEqual(dry.envelopes["commerce"],
                         duixian.PaymentTotals(2320000, 5160000, 2000000, 3, 3, 1))
        self.assertTrue(any("“note”" in w for w in dry.warnings), dry.warnings)
        self.assertTrue(os.path.exists(os.path.join(out, "payments-explained.csv")))
        real = duixian.pay(self.rules, self.ledger, "2024-03-31", checks=os.path.join(DATA, "checks-2023.csv"))
        self.assertEqual(real.totals, dry.totals)
        self.assertEqual(self.ledger.verify(), 8)   # round (header, decisions) + 3 runs of (payrun, payments)

    def test_bad_checks_raise_and_commit_nothing(self):
        bad = os.path.join(self.tmp.name, "twice.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("enterprise_id,above_threshold\nE1,true\nE1,false\n")
        n = self.ledger.verify()
        with self.assertRaises(duixian.ApplicationError) as cm:
            duixian.pay(self.rules, self.ledger, "2023-06-30", checks=bad)
        self.assertIn("has a row already (line 2)", str(cm.exception))
        self.assertEqual(self.ledger.verify(), n)


class Review(unittest.TestCase):
    def test_breach_claws_back_pro_rata(self):
        import datetime
        with tempfile.TemporaryDirectory() as tmp, duixian.Ruleset.load(RULES) as rules, \
                duixian.Ledger.open(os.path.join(tmp, "l.db")) as ledger:
            rules.run_round(os.path.join(DATA, "apps-2022.csv"), "2022-06-30", ledger=ledger).close()
            duixian.pay(rules, ledger, "2023-06-30")    # FIN-HQ: both halves of 15万元 paid
            checks = os.path.join(tmp, "moved.csv")
            with open(checks, "w", encoding="utf-8") as f:
                f.write("enterprise_id,district\nF1,东湖高新区\n")
            dry = duixian.review(rules, ledger, "2024-06-30", checks=checks, dry_run=True)
            r = duixian.review(rules, ledger, datetime.date(2024, 6, 30), checks=checks,
                               out_dir=os.path.join(tmp, "out"))
            a, e, d = datetime.date(2022, 6, 30), datetime.date(2027, 6, 30), datetime.date(2024, 6, 30)
            want = 30000000 * (e - d).days // (e - a).days
            self.assertEqual((r.reviewed, r.breached, r.cancelled_fen, r.refund_due_fen), (1, 1, 0, want))
            self.assertEqual((dry.id, dry.refund_due_fen), (0, want))
            self.assertGreater(r.id, 0)
            self.assertTrue(os.path.exists(os.path.join(tmp, "out", "clawbacks-explained.csv")))
            again = duixian.review(rules, ledger, "2024-07-01", checks=checks)
            self.assertEqual(again.reviewed, 0)   # clawed back: reviewed no more


if __name__ == "__main__":
    unittest.main()
