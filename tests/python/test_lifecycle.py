# SPDX-License-Identifier: LGPL-2.1-or-later
"""Ownership: every C object is freed exactly once, memory stays flat, results
outlive the objects they came from, and closed objects refuse use."""

import gc
import os
import tempfile
import unittest
import weakref

from dxtest_support import EXAMPLE_APPS, WUCHANG, csv_dicts, rss_bytes

import duixian

APP = {"app_id": "WC-1", "enterprise_id": "E1", "policy": "FIN-HQ", "submitted_on": "2022-05-10",
       "district": "武昌区", "blacklisted": False, "paid_in_capital": "12亿元",
       "institution_type": "银行", "org_form": "法人总部", "established_on": "2021-06-01"}


class Lifecycle(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.rules = duixian.Ruleset.load(WUCHANG)

    def test_decide_example(self):
        [d] = self.rules.decide(APP)
        self.assertEqual(d.policy_id, "FIN-HQ")
        self.assertEqual(d.bureau, "finance")
        self.assertIn(d.status, ("approved", "reduced", "rejected", "incomplete"))
        self.assertTrue(all(r.message for r in d.reasons))

    def test_closed_objects_refuse_use(self):
        r = duixian.Ruleset.load(WUCHANG)
        b = r.batch()
        r.close()
        r.close()                                   # idempotent
        self.assertTrue(r.closed)
        with self.assertRaises(ValueError):
            r.decide(APP)
        with self.assertRaises(ValueError):
            r.fund_id
        b.add_csv(EXAMPLE_APPS)                     # the batch holds its own reference
        lst = b.decide()
        b.close()
        self.assertGreater(len(lst), 300)           # the list holds its own reference
        self.assertEqual(lst[0].app_id, list(lst)[0].app_id)
        lst.close()
        with self.assertRaises(ValueError):
            lst[0]
        with self.assertRaises(ValueError):
            b.add(APP)
        self.assertIn("closed", repr(r))

    def test_decision_list_sequence(self):
        with self.rules.batch() as b:
            b.add_csv(EXAMPLE_APPS)
            lst = b.decide()
        n = len(lst)
        self.assertEqual(lst[-1], lst[n - 1])
        self.assertEqual(lst[2:5], [lst[2], lst[3], lst[4]])
        self.assertEqual(lst[::-100], [lst[i] for i in range(n - 1, -1, -100)])
        with self.assertRaises(IndexError):
            lst[n]
        with self.assertRaises(IndexError):
            lst[-n - 1]
        self.assertEqual(sum(1 for _ in lst), n)
        import json
        first = json.loads(next(lst.iter_json()))
        self.assertEqual(first["app_id"], lst[0].app_id)
        self.assertEqual(first["granted_fen"], lst[0].granted_fen)
        self.assertEqual([r["code"] for r in first["reasons"]], list(lst[0].reason_codes))
        with tempfile.TemporaryDirectory() as tmp:
            p = os.path.join(tmp, "decisions.csv")
            lst.write_csv(p)
            with open(p, encoding="utf-8", newline="") as f:
                self.assertEqual(f.read(), lst.to_csv())
            with self.assertRaises(duixian.DuixianIOError):
                lst.write_csv(os.path.join(tmp, "no", "such", "dir.csv"))

    def test_round_results_outlive_round(self):
        r = self.rules.run_round(EXAMPLE_APPS, "2022-06-30")
        decisions = r.decisions
        sched = r.schedule
        self.assertGreater(len(sched), 0)
        self.assertEqual(sum(x.amount_fen for x in sched), r.summary.granted_fen)
        n = len(decisions)
        r.close()
        self.assertEqual(len(list(decisions)), n)   # the list holds its own reference
        with self.assertRaises(ValueError):
            sched[0]                                # lines are borrowed from the round
        with self.assertRaises(ValueError):
            r.summary_json()
        r = self.rules.run_round(EXAMPLE_APPS, "2022-06-30")
        decisions = r.decisions
        del r
        gc.collect()
        self.assertGreater(len(decisions), 300)
        self.assertEqual(decisions[0].app_id, decisions[0].app_id)

    def test_garbage_collected(self):
        r = duixian.Ruleset.load(WUCHANG)
        refs = [weakref.ref(r), weakref.ref(r.batch())]
        del r
        gc.collect()
        self.assertEqual([x() for x in refs], [None, None])

    def test_progress_callback(self):
        calls = []
        with self.rules.batch(progress=lambda done, total: calls.append((done, total))) as b:
            with open(EXAMPLE_APPS, encoding="utf-8") as f:
                text = f.read()
            header, rows = text.split("\n", 1)
            big = header + "\n" + "".join(
                rows.replace("WC-", "X%03d-" % k) for k in range(250))    # 80,000 rows
            b.add_csv_text(big)
            self.assertEqual(b.n_rows, 320 * 250)
        self.assertTrue(calls)
        self.assertTrue(all(isinstance(d, int) for d, _ in calls))


    def test_threads_same_decisions(self):
        with open(EXAMPLE_APPS, encoding="utf-8") as f:
            text = f.read()
        header, rows = text.split("\n", 1)
        big = header + "\n" + "".join(rows.replace("WC-", "T%03d-" % k) for k in range(20))   # 6,400 rows
        results = []
        for threads in (1, 2, 0):
            with self.rules.batch(threads=threads) as b:
                b.add_csv_text(big)
                results.append(b.decide().to_csv())
        self.assertGreater(results[0].count("\n"), 6400)
        self.assertEqual(results[1], results[0])
        self.assertEqual(results[2], results[0])
        for bad in (-1, 257, 1.5, True, "2"):
            with self.assertRaises(ValueError):
                self.rules.batch(threads=bad)


class Memory(unittest.TestCase):
    """Memory stays flat: RSS from /proc/self/statm before and after, after a warm-up."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists("/proc/self/statm"):
            raise unittest.SkipTest("no /proc/self/statm")
        cls.rules = duixian.Ruleset.load(WUCHANG)
        cls.apps = csv_dicts(EXAMPLE_APPS)

    def flat(self, fn, n, warm=None, slack=2 << 20, attempts=3):
        """After a warm-up, ``n`` calls of ``fn`` grow RSS by less than ``slack``.
        A leak grows it on every attempt; allocator noise (a fresh arena) on one."""
        for i in range(warm if warm is not None else max(n // 10, 1)):
            fn(i)
        grown = []
        for _ in range(attempts):
            gc.collect()
            before = rss_bytes()
            for i in range(n):
                fn(i)
            gc.collect()
            grown.append(rss_bytes() - before)
            if grown[-1] < slack:
                return grown[-1]
        self.fail("RSS grew by %s bytes over %d calls (attempts)" % (grown, n))

    def test_10000_decide_calls(self):
        apps, rules = self.apps, self.rules
        # 256 KiB: leaking only the reason sentences would grow it by ~650 KiB.
        self.flat(lambda i: rules.decide(apps[i % len(apps)]), 10_000, warm=10_000, slack=256 << 10)

    def test_failing_calls(self):
        rules = self.rules

        def bad(i):
            try:
                rules.decide({"app_id": "A", "nope": "x"})
            except duixian.ApplicationError:
                pass
            try:
                duixian.Ruleset.from_string("fund: [%d" % i)
            except duixian.RulesError:
                pass
            rules.decide({"app_id": "A", "enterprise_id": "E", "submitted_on": "2022-13-45"})
        self.flat(bad, 5_000, warm=5_000, slack=512 << 10)

    def test_rounds_and_loads(self):
        rules = self.rules

        def one(i):
            with rules.run_round(self.apps[:40], "2022-06-30") as r:
                list(r.decisions)
                list(r.schedule)
                r.summary
            duixian.Ruleset.load(WUCHANG)
        self.flat(one, 300, warm=100, slack=1 << 20)


if __name__ == "__main__":
    unittest.main()
