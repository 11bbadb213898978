# SPDX-License-Identifier: LGPL-2.1-or-later
"""The golden rounds (tests/golden-rounds), through Python: identical bytes and fen."""

import datetime
import json
import os
import tempfile
import unittest

from dxtest_support import GOLDEN_ROUNDS, cases, csv_dicts, csv_rows, read, rounds

import duixian


class GoldenRounds(unittest.TestCase):

    def test_cases_exist(self):
        self.assertGreaterEqual(len(cases(GOLDEN_ROUNDS)), 11)

    def check_objects(self, r, d):
        """The dataclasses carry exactly the numbers of the expected files."""
        exp_summary = json.loads(read(os.path.join(d, "expected-summary.json")))
        s = r.summary
        self.assertEqual(s.raw, exp_summary)
        self.assertEqual(s.granted_fen, exp_summary["granted_fen"])
        self.assertIs(type(s.granted_fen), int)
        self.assertEqual(s.decisions, exp_summary["decisions"])
        self.assertEqual(s.status_counts, exp_summary["status_counts"])
        for key, env in exp_summary["envelopes"].items():
            got = s.envelopes[key]
            self.assertEqual((got.total, got.charged_before, got.requested, got.granted, got.remaining),
                             (env["total"], env["charged_before"], env["requested"], env["granted"],
                              env["remaining"]))
        for pid, pol in exp_summary["policies"].items():
            got = s.policies[pid]
            self.assertEqual((got.applied, got.approved, got.granted_fen),
                             (pol["applied"], pol["approved"], pol["granted_fen"]))
        exp_sched = csv_rows(read(os.path.join(d, "expected-schedule.csv")))
        lines = list(r.schedule)
        self.assertEqual(len(lines), len(exp_sched))
        for line, row in zip(lines, exp_sched):
            self.assertEqual((line.batch_id, line.date.isoformat(), line.bureau, line.enterprise_id,
                              line.app_id, line.policy_id, line.installment, line.of, line.amount_fen,
                              "true" if line.future else "false"),
                             (row["batch_id"], row["date"], row["bureau"], row["enterprise_id"],
                              row["app_id"], row["policy_id"], int(row["installment"]), int(row["of"]),
                              int(row["amount_fen"]), row["future"]))
        exp_dec = csv_rows(read(os.path.join(d, "expected-decisions.csv")))
        got = [(x.app_id, x.policy_id, str(x.status), x.computed_fen, x.granted_fen, ";".join(x.reason_codes))
               for x in r.decisions]
        self.assertEqual(got, [(e["app_id"], e["policy_id"], e["status"], int(e["computed_fen"]),
                                int(e["granted_fen"]), e["reasons"]) for e in exp_dec])
        self.assertEqual(sum(x.granted_fen for x in r.decisions), exp_summary["granted_fen"])
        self.assertEqual(sum(x.amount_fen for x in lines), exp_summary["granted_fen"])

    def check_bytes(self, r, d):
        self.assertEqual(r.decisions_csv(), read(os.path.join(d, "expected-decisions.csv")))
        self.assertEqual(r.schedule_csv(), read(os.path.join(d, "expected-schedule.csv")))
        self.assertEqual(r.summary_json(), read(os.path.join(d, "expected-summary.json")))

    def test_golden_rounds(self):
        """Each case on a fresh ledger: before every real round (CSV path), a dry
        run from Python dicts; both give the expected files."""
        for name in cases(GOLDEN_ROUNDS):
            with self.subTest(case=name), tempfile.TemporaryDirectory() as tmp:
                case = os.path.join(GOLDEN_ROUNDS, name)
                rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
                with duixian.Ledger.open(os.path.join(tmp, "ledger.db")) as ledger:
                    for i, rnd in enumerate(rounds(case)):
                        d = os.path.join(case, rnd)
                        date = read(os.path.join(d, "approval-date")).strip()
                        hist = os.path.join(d, "history.csv")
                        history = [hist] if os.path.exists(hist) else []
                        head = ledger.head_hash
                        with rules.run_round(csv_dicts(os.path.join(d, "apps.csv")),
                                             datetime.date.fromisoformat(date), ledger=ledger,
                                             history=history, dry_run=True, ignore_unknown=True) as r:
                            self.check_bytes(r, d)
                            self.assertEqual(r.round_id, 0)
                        self.assertEqual(ledger.head_hash, head)
                        self.assertEqual(ledger.n_rounds, i)
                        with rules.run_round(os.path.join(d, "apps.csv"), date, ledger=ledger,
                                             history=history) as r:
                            self.check_bytes(r, d)
                            self.check_objects(r, d)
                            self.assertGreater(r.round_id, 0)
                            out = os.path.join(tmp, rnd)
                            os.mkdir(out)
                            r.write_outputs(out)
                            for f, e in (("decisions.csv", "expected-decisions.csv"),
                                         ("schedule.csv", "expected-schedule.csv"),
                                         ("summary.json", "expected-summary.json")):
                                self.assertEqual(read(os.path.join(out, f)), read(os.path.join(d, e)))
                        self.assertEqual(ledger.n_rounds, i + 1)
                    self.assertGreater(ledger.verify(), 0)
                    kept = ledger.head_hash
                    self.assertEqual(ledger.verify(expect_head=kept), ledger.verify())
                    not_in_chain = kept.translate(str.maketrans("0123456789abcdef", "123456789abcdef0"))
                    with self.assertRaises(duixian.LedgerCorruptError):
                        ledger.verify(expect_head=not_in_chain)
                    lr = ledger.rounds
                    self.assertEqual(len(lr), len(rounds(case)))
                    self.assertEqual(lr[0].fund_id, rules.fund_id)
                    self.assertEqual(lr[0].ruleset_sha256, rules.sha256)

    def test_replay_every_round_as_of(self):
        """After every round of a case is committed, each is replayed
        (``as_of_round``) against the ledger as it was before it: the same bytes
        as the expected files, nothing committed; a round id the ledger does
        not have is a LedgerError."""
        for name in cases(GOLDEN_ROUNDS):
            with self.subTest(case=name), tempfile.TemporaryDirectory() as tmp:
                case = os.path.join(GOLDEN_ROUNDS, name)
                rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
                with duixian.Ledger.open(os.path.join(tmp, "ledger.db")) as ledger:
                    inputs = []
                    for rnd in rounds(case):
                        d = os.path.join(case, rnd)
                        date = read(os.path.join(d, "approval-date")).strip()
                        hist = os.path.join(d, "history.csv")
                        history = [hist] if os.path.exists(hist) else []
                        with rules.run_round(os.path.join(d, "apps.csv"), date, ledger=ledger, history=history) as r:
                            inputs.append((r.round_id, d, date, history))
                    head = ledger.head_hash
                    for round_id, d, date, history in reversed(inputs):
                        with rules.run_round(os.path.join(d, "apps.csv"), date, ledger=ledger, history=history,
                                             as_of_round=round_id) as r:
                            self.check_bytes(r, d)
                            self.assertEqual(r.round_id, 0)
                    self.assertEqual(ledger.head_hash, head)
                    with self.assertRaises(duixian.LedgerError):
                        rules.run_round([], "2022-06-30", ledger=ledger, as_of_round=10 ** 9)

    def test_round_from_batch_object(self):
        case = os.path.join(GOLDEN_ROUNDS, cases(GOLDEN_ROUNDS)[0])
        d = os.path.join(case, "r1")
        rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
        with rules.batch() as b:
            b.add_csv(os.path.join(d, "apps.csv"))
            sha = b.input_sha256
            self.assertEqual(len(sha), 64)
            with duixian.Round(rules, read(os.path.join(d, "approval-date")).strip()) as r:
                r.run(b)
                self.check_bytes(r, d)
                with self.assertRaises(ValueError):
                    r.run(b)                 # a round runs once
            with self.assertRaises(ValueError):
                b.add_csv(os.path.join(d, "apps.csv"))   # the round finished the batch


if __name__ == "__main__":
    unittest.main()
