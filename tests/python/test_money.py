# SPDX-License-Identifier: LGPL-2.1-or-later
"""Money: int fen, Decimal 元, never float."""

import decimal
import unittest

import dxtest_support  # noqa: F401 (sys.path)
import duixian
from duixian import ErrorCode

D = decimal.Decimal


class Money(unittest.TestCase):

    def test_yuan(self):
        self.assertEqual(duixian.yuan(123456), D("1234.56"))
        self.assertEqual(str(duixian.yuan(5)), "0.05")
        self.assertEqual(str(duixian.yuan(-100)), "-1.00")
        self.assertEqual(duixian.yuan(duixian.MAX_FEN), D("10000000000000.00"))
        for bad in (1.5, "1", True, D(1)):
            with self.subTest(bad=bad), self.assertRaises(TypeError):
                duixian.yuan(bad)

    def test_fen(self):
        self.assertEqual(duixian.fen(D("1234.56")), 123456)
        self.assertEqual(duixian.fen(7), 700)
        self.assertEqual(duixian.fen("5,000万元"), 5_000_000_000)
        self.assertEqual(duixian.fen("1.2亿"), 12_000_000_000)
        self.assertEqual(duixian.fen(D("10000000000000")), duixian.MAX_FEN)
        for x in (D("0.001"), D("NaN"), D("Infinity"), D("10000000000000.01"), "1.234元", "1,23元", "abc"):
            with self.subTest(x=x), self.assertRaises(duixian.ApplicationError) as cm:
                duixian.fen(x)
            self.assertEqual(cm.exception.code, ErrorCode.VALUE_INVALID)
        for x in (1.5, True, None, [1]):
            with self.subTest(x=x), self.assertRaises(TypeError):
                duixian.fen(x)

    def test_round_trip(self):
        for f in (0, 1, 99, 100, 123456789, -5, duixian.MAX_FEN):
            self.assertEqual(duixian.fen(duixian.yuan(f)), f)
            self.assertEqual(duixian.parse_money(duixian.format_money(f)), f)
            self.assertEqual(duixian.parse_money(duixian.format_yuan(f)), f)

    def test_format(self):
        self.assertEqual(duixian.format_money(10_000_000_000), "1亿元")
        self.assertEqual(duixian.format_money(8_000_000_000), "8,000万元")
        self.assertEqual(duixian.format_money(61_771_050), "617,710.50元")
        self.assertEqual(duixian.format_yuan(123_542_100), "1,235,421.00")
        self.assertEqual(duixian.format_wan(61_771_050), "61.77105")
        for bad in (duixian.MAX_FEN + 1, 2 ** 64):
            with self.assertRaises(duixian.ApplicationError):
                duixian.format_money(bad)
        with self.assertRaises(TypeError):
            duixian.format_money(1.0)

    def test_decision_yuan(self):
        rules = duixian.Ruleset.load(dxtest_support.WUCHANG)
        with rules.batch() as b:
            b.add_csv(dxtest_support.EXAMPLE_APPS)
            for d in b.decide():
                self.assertIs(type(d.granted_fen), int)
                self.assertIsInstance(d.granted_yuan, D)
                self.assertEqual(duixian.fen(d.granted_yuan), d.granted_fen)


if __name__ == "__main__":
    unittest.main()
