# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bad inputs raise the right exceptions, with the C code and file:line:col message."""

import datetime
import decimal
import os
import pickle
import tempfile
import unittest

import dxtest_support  # noqa: F401 (sys.path)
import duixian
from duixian import ErrorCode

GOOD = """\
format: duixian/1
fund:
  id: T/1
  name: 测试
  total: 100万元
  period: {from: 2022-01-01, to: 2022-12-31}
  shortfall: pro_rata
bureaus:
  commerce: 区商务局
fields:
  x: {type: money, label: 金额, aliases: [金额（元）]}
  n: {type: integer, label: 人数}
policies:
  - id: P
    name: 测试
    bureau: commerce
    basis: 测试第一条
    eligible:
      - 有金额: x > 0元
    award: {rate: 10%, of: x}
"""


def app(**kw):
    a = {"app_id": "A1", "enterprise_id": "E1", "policy": "P", "submitted_on": "2022-05-01"}
    a.update(kw)
    return a


class RulesErrors(unittest.TestCase):

    def assertRulesError(self, text, code, line=None, cls=duixian.RulesError):
        with self.assertRaises(cls) as cm:
            duixian.Ruleset.from_string(text, "t.yaml")
        e = cm.exception
        self.assertIsInstance(e, duixian.DuixianError)
        self.assertEqual(e.code, code)
        self.assertTrue(e.message.startswith("t.yaml:"), e.message)
        self.assertEqual(e.file, "t.yaml")
        if line is not None:
            self.assertEqual(e.line, line, e.message)
        self.assertIsInstance(e.column, int)
        self.assertEqual(str(e), e.message)
        return e

    def test_good_rules_load(self):
        rules = duixian.Ruleset.from_string(GOOD)
        self.assertEqual(rules.fund_id, "T/1")
        self.assertEqual(rules.fund_total_fen, 100_000_000)
        self.assertIsNone(rules.fund_enterprise_cap_fen)
        self.assertEqual(rules.envelopes, {"*": 100_000_000})
        self.assertEqual([p.id for p in rules.policies], ["P"])
        types = {f.name: f.type for f in rules.fields}
        self.assertEqual(types["x"], duixian.FieldType.MONEY)
        self.assertEqual(types["n"], duixian.FieldType.INTEGER)
        self.assertEqual(len(rules.sha256), 64)

    def test_yaml_syntax(self):
        self.assertRulesError("fund: [\n", ErrorCode.YAML_SYNTAX)

    def test_rules_invalid(self):
        self.assertRulesError(GOOD.replace("shortfall: pro_rata", "shortfall: lottery"), ErrorCode.RULES_INVALID, 7)

    def test_expr_syntax(self):
        self.assertRulesError(GOOD.replace("x > 0元", "x > > 0元"), ErrorCode.EXPR_SYNTAX, 19)

    def test_expr_type(self):
        self.assertRulesError(GOOD.replace("x > 0元", "x > 0"), ErrorCode.EXPR_TYPE, 19)

    def test_expr_unknown_field(self):
        self.assertRulesError(GOOD.replace("x > 0元", "y > 0元"), ErrorCode.EXPR_UNKNOWN_FIELD, 19)

    def test_limit(self):
        with self.assertRaises(duixian.LimitError) as cm:
            duixian.Ruleset.from_string(GOOD, "t.yaml", max_yaml_depth=1)
        self.assertEqual(cm.exception.code, ErrorCode.LIMIT)
        deep = GOOD.replace("x > 0元", "(" * 40 + "x" + ")" * 40 + " > 0元")
        with self.assertRaises(duixian.LimitError):
            duixian.Ruleset.from_string(deep, "t.yaml", max_expr_depth=8)
        with self.assertRaises(duixian.LimitError):
            duixian.Ruleset.from_string(GOOD, "t.yaml", max_file_bytes=10)

    def test_io(self):
        with self.assertRaises(duixian.DuixianIOError) as cm:
            duixian.Ruleset.load("/nonexistent/rules.yaml")
        self.assertEqual(cm.exception.code, ErrorCode.IO)
        self.assertIn("/nonexistent/rules.yaml", cm.exception.message)

    def test_hostile_text_never_crashes(self):
        for text in ["", "\0", "fund: \0", "\xff\xfe", "- - - -", "{" * 10000, "a: &x [*x]",
                     "fund: !!binary AAAA", GOOD.replace("测试", "\ud800")]:
            with self.subTest(text=text[:20]):
                with self.assertRaises(duixian.DuixianError):
                    duixian.Ruleset.from_string(text)
        with self.assertRaises(duixian.DuixianError):
            duixian.Ruleset.from_string(b"\x80\x81 not utf-8")
        with self.assertRaises(ValueError):
            duixian.Ruleset.load("rules\0.yaml")
        with self.assertRaises(ValueError):
            duixian.Ruleset.from_string(GOOD, max_yaml_depth=-1)

    def test_exceptions_pickle(self):
        e = duixian.RulesError(ErrorCode.EXPR_TYPE, "t.yaml:3:4: x: bad")
        e2 = pickle.loads(pickle.dumps(e))
        self.assertIs(type(e2), duixian.RulesError)
        self.assertEqual((e2.code, e2.message, e2.line, e2.column), (e.code, e.message, 3, 4))


class ApplicationErrors(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.rules = duixian.Ruleset.from_string(GOOD)

    def test_values(self):
        r = self.rules
        self.assertEqual(r.decide(app(x="50万元"))[0].granted_fen, 5_000_000)
        self.assertEqual(r.decide(app(x=50_000_000))[0].granted_fen, 5_000_000)        # int = fen
        self.assertEqual(r.decide(app(x=decimal.Decimal("500000")))[0].granted_fen, 5_000_000)  # Decimal = 元
        self.assertEqual(r.decide(app(**{"金额（元）": 50_000_000}))[0].granted_fen, 5_000_000)  # alias, fen
        self.assertEqual(r.decide(app(x="1", n=12))[0].status, "approved")               # int, non-money
        self.assertEqual(r.decide(app(x="1", submitted_on=datetime.date(2022, 5, 1)))[0].status, "approved")
        self.assertEqual(r.decide(app(x=None))[0].status, duixian.Status.INCOMPLETE)

    def test_bad_cell_is_invalid_or_raises(self):
        [d] = self.rules.decide(app(x="abc"))
        self.assertEqual(d.status, duixian.Status.INVALID)
        self.assertEqual(d.reason_codes, ("invalid_field",))
        self.assertIn("金额", d.reasons[0].message)
        with self.assertRaises(duixian.ApplicationError) as cm:
            self.rules.decide(app(x="abc"), strict=True)
        self.assertEqual(cm.exception.code, ErrorCode.VALUE_INVALID)
        [d] = self.rules.decide(app(x=decimal.Decimal("0.001")))            # not whole fen
        self.assertEqual(d.status, "invalid")
        [d] = self.rules.decide(app(x=decimal.Decimal("NaN")))
        self.assertEqual(d.status, "invalid")

    def test_unknown_field(self):
        with self.assertRaises(duixian.ApplicationError) as cm:
            self.rules.decide(app(nope="1"))
        self.assertEqual(cm.exception.code, ErrorCode.UNKNOWN_FIELD)
        with self.assertRaises(duixian.ApplicationError):
            self.rules.decide(app(nope=5))
        with self.assertRaises(duixian.ApplicationError):
            self.rules.decide(app(nope=None))
        self.assertEqual(self.rules.decide(app(x="1", nope=5), ignore_unknown=True)[0].status, "approved")

    def test_python_types(self):
        for bad in (1.5, [1], {"a": 1}, object(), datetime.datetime(2022, 5, 1)):
            with self.subTest(value=bad), self.assertRaises(TypeError):
                self.rules.decide(app(x=bad))
        with self.assertRaises(TypeError):
            self.rules.decide([("app_id", "A1")])
        with self.assertRaises(TypeError):
            self.rules.decide({1: "x"})
        with self.assertRaises(duixian.ApplicationError):
            self.rules.decide(app(x=10 ** 16))                            # beyond 10^13 元
        with self.assertRaises(duixian.ApplicationError):
            self.rules.decide(app(enterprise_id="E\0F"))
        with self.assertRaises(duixian.ApplicationError):
            self.rules.decide(app(enterprise_id="\udcff"))

    def test_missing_ids_are_invalid(self):
        [d] = self.rules.decide({"x": "1"})
        self.assertEqual(d.status, "invalid")
        self.assertEqual(d.app_id, "")

    def test_csv_problems(self):
        with self.rules.batch() as b:
            with self.assertRaises(duixian.DuixianIOError):
                b.add_csv("/nonexistent/apps.csv")
        with self.rules.batch() as b:
            with self.assertRaises(duixian.ApplicationError) as cm:
                b.add_csv_text("enterprise_id,x\nE1,1\n", "h.csv")          # no app_id column
            self.assertEqual(cm.exception.code, ErrorCode.INPUT_INVALID)
            self.assertIn("h.csv", cm.exception.message)
        with self.rules.batch() as b:
            with self.assertRaises(duixian.ApplicationError):
                b.add_csv_text('app_id,enterprise_id,submitted_on\n"A1,E1,2022-05-01\n')   # quote never closed
        with self.rules.batch() as b:
            with self.assertRaises(duixian.LimitError):
                b.add_csv_text("app_id,enterprise_id,submitted_on,x\n", max_csv_columns=2)
        with self.rules.batch() as b:
            with self.assertRaises(ValueError):
                b.add_csv_text("app_id\n", encoding="latin-1")
            b.add_csv_text("app_id,enterprise_id,policy,submitted_on,x,extra\nA1,E1,P,2022-05-01,1元,?\n")
            self.assertEqual(len(b.warnings), 1)
            self.assertEqual(b.n_rows, 1)
            self.assertEqual(b.decide()[0].status, "approved")
        with self.rules.batch() as b:
            with self.assertRaises(duixian.ApplicationError):
                b.add_yaml_text("just a scalar")
            b.add_yaml_text('[{app_id: A1, enterprise_id: E1, policy: P, submitted_on: 2022-05-01, x: 3元}]')
            self.assertEqual(b.decide()[0].granted_fen, 30)

    def test_gb18030(self):
        text = "app_id,enterprise_id,policy,submitted_on,金额（元）\nA1,E1,P,2022-05-01,1元\n"
        with self.rules.batch() as b:
            b.add_csv_text(text.encode("gb18030"), encoding="gb18030")
            self.assertEqual(b.decide()[0].computed_fen, 10)
        with self.rules.batch() as b:
            b.add_csv_text(text.encode("gb18030"))                                # auto-detected
            self.assertEqual(b.decide()[0].computed_fen, 10)


class RoundErrors(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.rules = duixian.Ruleset.from_string(GOOD)

    def test_bad_date(self):
        for bad in ("2022-02-30", "yesterday", "", "2022-6-1"):
            with self.subTest(date=bad), self.assertRaises(duixian.ApplicationError) as cm:
                duixian.Round(self.rules, bad)
            self.assertEqual(cm.exception.code, ErrorCode.VALUE_INVALID)
        with self.assertRaises(TypeError):
            duixian.Round(self.rules, 20220601)

    def test_history(self):
        with tempfile.TemporaryDirectory() as tmp:
            h = os.path.join(tmp, "history.csv")
            with open(h, "w") as f:
                f.write("enterprise_id,policy_id,group,amount_fen,date\nE1,P,,12.5,2021-06-01\n")
            with self.assertRaises(duixian.HistoryError) as cm:
                duixian.Round(self.rules, "2022-06-30", history=h)
            self.assertEqual(cm.exception.code, ErrorCode.HISTORY_INVALID)
            self.assertEqual(cm.exception.file, h)
            self.assertEqual(cm.exception.line, 2)

    def test_ledger(self):
        with tempfile.TemporaryDirectory() as tmp:
            junk = os.path.join(tmp, "junk.db")
            with open(junk, "w") as f:
                f.write("not a database at all, just text " * 100)
            with self.assertRaises(duixian.LedgerError) as cm:
                duixian.Ledger.open(junk)
            self.assertEqual(cm.exception.code, ErrorCode.LEDGER)
            with self.assertRaises(duixian.LedgerError):
                duixian.Ledger.open(os.path.join(tmp, "none.db"), readonly=True)
            with duixian.Ledger.open(os.path.join(tmp, "l.db")) as ledger:
                with self.assertRaises(duixian.LedgerError):
                    ledger.revoke("A1", "nothing to revoke")
                with self.rules.run_round([app(x="1万元")], "2022-06-30", ledger=ledger) as r:
                    self.assertEqual(r.summary.granted_fen, 100_000)
                self.assertEqual(ledger.charged_fen("T/1", "*"), 100_000)
                ledger.revoke("A1", "追回")
                self.assertEqual(ledger.charged_fen("T/1", "*"), 0)
                self.assertGreater(ledger.verify(), 0)

    def test_ledger_corrupt(self):
        try:
            import sqlite3
        except ImportError:
            self.skipTest("no sqlite3 module")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "l.db")
            with duixian.Ledger.open(path) as ledger:
                self.rules.run_round([app(x="1万元")], "2022-06-30", ledger=ledger).close()
            db = sqlite3.connect(path)
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                db.execute('DROP TRIGGER "%s"' % name)
            db.execute("UPDATE entries SET hash = '%s' WHERE seq = (SELECT MAX(seq) FROM entries)" % ("1" * 64))
            db.commit()
            db.close()
            with duixian.Ledger.open(path, readonly=True) as ledger:
                with self.assertRaises(duixian.LedgerCorruptError) as cm:
                    ledger.verify()
                self.assertIsInstance(cm.exception, duixian.LedgerError)
                self.assertEqual(cm.exception.code, ErrorCode.LEDGER_CORRUPT)
                self.assertIn("entry", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
