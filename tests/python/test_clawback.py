# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ledger.clawback, Ledger.refund and Ledger.money (docs/rules.md §14, §15)
on the 0.1 release's ledger after a payment run (made with the CLI: the
bindings have no payment run yet). Expected amounts from the round's
schedule.csv: WC2022-00003's COM-XS grant is 5000000 fen paid on
2022-06-30, then 2000000 and 2178418 still scheduled."""

import csv
import os
import shutil
import subprocess
import tempfile
import unittest

import dxtest_support as S
import duixian
from duixian import ErrorCode

V3 = os.path.join(S.ROOT, "tests", "data", "ledger", "wuchang-2022-v3.db")
SCHEDULE = os.path.join(S.ROOT, "tests", "data", "ledger", "wuchang-2022-v3-schedule.csv")


class ClawbackTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.path = os.path.join(self.tmp, "ledger.db")
        shutil.copy(V3, self.path)
        cli = os.environ.get("DX_CLI")
        if not cli:
            self.skipTest("DX_CLI is not set")
        subprocess.run([cli, "pay", S.WUCHANG, "--ledger", self.path, "--through", "2022-12-31",
                        "--out", os.path.join(self.tmp, "pay")], check=True, capture_output=True)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_clawback_refund_money(self):
        with open(SCHEDULE, newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["app_id"] == "WC2022-00003" and r["policy_id"] == "COM-XS"]
        paid = sum(int(r["amount_fen"]) for r in rows if r["date"] <= "2022-12-31")
        left = sum(int(r["amount_fen"]) for r in rows if r["date"] > "2022-12-31")
        self.assertEqual((paid, left), (5000000, 4178418))
        with duixian.Ledger.open(self.path) as ledger:
            out = os.path.join(self.tmp, "cb")
            cb = ledger.clawback("WC2022-00003", "COM-XS", "2023-03-01", "企业迁出本区", out_dir=out)
            self.assertEqual((cb.paid_fen, cb.cancelled_fen, cb.refund_due_fen), (paid, left, paid))
            self.assertEqual(cb.head, ledger.head_hash)
            self.assertTrue(os.path.exists(os.path.join(out, "clawbacks.csv")))
            with self.assertRaises(duixian.LedgerError):
                ledger.clawback("WC2022-00003", "COM-XS", "2023-03-02", "again")
            with self.assertRaises(duixian.ApplicationError) as cm:
                ledger.refund("WC2022-00003", "COM-XS", "5.01万元", "2023-04-01", "R1")
            self.assertEqual(cm.exception.code, ErrorCode.VALUE_INVALID)
            self.assertEqual(ledger.refund("WC2022-00003", "COM-XS", "3万元", "2023-04-01", "R1"), 2000000)
            self.assertEqual(ledger.refund("WC2022-00003", "COM-XS", 1999999, "2023-04-02", "R2"), 1)
            m = ledger.money("2023-04-02")
            self.assertEqual(m.fund_id, "GZXX/344001/004")
            env = {e.key: e for e in m.envelopes}
            c = env["commerce"]
            self.assertEqual((c.cancelled_fen, c.refund_due_fen, c.refund_received_fen), (left, paid, paid - 1))
            self.assertEqual(c.net_charged_fen, ledger.charged_fen("GZXX/344001/004", "commerce"))
            self.assertEqual(c.remaining_fen, c.total_fen - c.net_charged_fen)
            self.assertEqual([(r.app_id, r.due_fen, r.received_fen) for r in m.refunds_outstanding],
                             [("WC2022-00003", paid, paid - 1)])
            # 3万元 + 1999999 fen received of 5000000: 1 fen still due
            self.assertIn("  已退回 49,999.99元，尚应退回 0.01元\n", ledger.app_money("WC2022-00003"))
            self.assertEqual(ledger.app_money("NO-SUCH-APP"), "")
            self.assertGreater(ledger.verify(), 0)
            with self.assertRaises(duixian.LedgerError):
                ledger.revoke("WC2022-00003", "x")


if __name__ == "__main__":
    unittest.main()
