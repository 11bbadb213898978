# SPDX-License-Identifier: LGPL-2.1-or-later
"""A ruleset shared by threads, and the GIL released during long C calls."""

import threading
import time
import unittest

from dxtest_support import EXAMPLE_APPS, WUCHANG, csv_dicts

import duixian


def big_csv(copies):
    with open(EXAMPLE_APPS, encoding="utf-8") as f:
        header, rows = f.read().split("\n", 1)
    return header + "\n" + "".join(rows.replace("WC-", "X%04d-" % k) for k in range(copies))


class Threads(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.rules = duixian.Ruleset.load(WUCHANG)
        cls.apps = csv_dicts(EXAMPLE_APPS)

    def test_shared_ruleset(self):
        """Eight threads decide with one ruleset; each gets what one thread gets."""
        expected = [self.rules.decide(a) for a in self.apps]
        results, errors = {}, []

        def work(k):
            try:
                for _ in range(5):
                    got = [self.rules.decide(a) for a in self.apps]
                    if got != expected:
                        raise AssertionError("thread %d: different decisions" % k)
                with self.rules.batch() as b:
                    b.add_many(self.apps)
                    results[k] = b.decide().to_csv()
            except BaseException as e:      # reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(set(results.values())), 1)

    def test_rounds_in_threads(self):
        outs, errors = [], []

        def work():
            try:
                with self.rules.run_round(EXAMPLE_APPS, "2022-06-30") as r:
                    outs.append((r.decisions_csv(), r.schedule_csv(), r.summary_json()))
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(set(outs)), 1)

    def test_gil_released_during_long_calls(self):
        """While one thread is inside libduixian, another runs Python code."""
        text = big_csv(600)                # 192,000 rows
        ticks = []
        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                ticks.append(time.monotonic())

        t = threading.Thread(target=ticker)
        t.start()
        try:
            time.sleep(0.01)
            with self.rules.batch() as b:
                t0 = time.monotonic()
                b.add_csv_text(text)               # one C call
                t1 = time.monotonic()
        finally:
            stop.set()
            t.join()
        self.assertGreater(t1 - t0, 0.02, "the call was too short to tell")
        lo, hi = t0 + 0.25 * (t1 - t0), t1 - 0.25 * (t1 - t0)
        inside = sum(1 for x in ticks if lo <= x <= hi)
        self.assertGreater(inside, 0, "no Python ran during the C call: the GIL was held")


if __name__ == "__main__":
    unittest.main()
