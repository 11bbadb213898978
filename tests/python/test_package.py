# SPDX-License-Identifier: LGPL-2.1-or-later
"""Finding the library, the public surface, the example, and Python vs the CLI."""

import os
import subprocess
import tempfile
import unittest

from dxtest_support import EXAMPLE_APPS, ROOT, WUCHANG, read, run_python

import duixian


class Package(unittest.TestCase):

    def test_public_names(self):
        for name in duixian.__all__:
            self.assertTrue(hasattr(duixian, name), name)
        self.assertTrue(os.path.exists(duixian.library_path) or "/" not in duixian.library_path)
        for cls in (duixian.RulesError, duixian.ApplicationError, duixian.LedgerError, duixian.HistoryError,
                    duixian.DuixianIOError, duixian.LimitError, duixian.LedgerCorruptError):
            self.assertTrue(issubclass(cls, duixian.DuixianError))

    def test_meson_installs_every_module(self):
        """bindings/python/meson.build lists every file that pip's wheel carries."""
        import re
        pkg = os.path.join(ROOT, "bindings", "python")
        listed = set(re.findall(r"'duixian/([^']+)'", read(os.path.join(pkg, "meson.build"))))
        listed.discard("_paths.py.in")
        here = {n for n in os.listdir(os.path.join(pkg, "duixian")) if n.endswith(".py") or n == "py.typed"}
        self.assertEqual(listed, here)

    def test_environment_variable_is_used(self):
        lib = os.environ.get("DUIXIAN_LIBRARY")
        if not lib:
            self.skipTest("DUIXIAN_LIBRARY not set")
        self.assertEqual(duixian.library_path, lib)

    def test_says_what_it_tried(self):
        env = {"DUIXIAN_LIBRARY": "/nonexistent/libduixian.so.0",
               "PYTHONPATH": os.path.join(ROOT, "bindings", "python")}
        p = run_python(["-c", "import duixian"], env=env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("ImportError", p.stderr)
        self.assertIn("$DUIXIAN_LIBRARY: /nonexistent/libduixian.so.0 (no such file)", p.stderr)
        self.assertIn("DUIXIAN_LIBRARY", p.stderr.splitlines()[-1])
        env["DUIXIAN_LIBRARY"] = os.path.join(ROOT, "README.md")           # exists, not a library
        p = run_python(["-c", "import duixian"], env=env)
        self.assertIn("$DUIXIAN_LIBRARY: %s (" % env["DUIXIAN_LIBRARY"], p.stderr)

    def test_example_script(self):
        script = os.path.join(ROOT, "examples", "python", "round_summary.py")
        p = run_python([script], timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("GZXX/344001/004", p.stdout)
        self.assertIn("区商务局", p.stdout)
        self.assertIn("区金融局", p.stdout)
        # the 万元 columns have 2 decimals (3,268.54, not 3,268.537015) and a column per status
        self.assertIn(" 3,268.54 ", p.stdout)
        self.assertNotIn("537015", p.stdout)
        self.assertIn("incomplete    invalid  duplicate", p.stdout)
        with tempfile.TemporaryDirectory() as tmp:
            ledger = os.path.join(tmp, "l.db")
            p = run_python([script, WUCHANG, EXAMPLE_APPS, "--ledger", ledger], timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("committed as round", p.stdout)
        p = run_python([script, "/nonexistent.yaml"], timeout=120)
        self.assertEqual(p.returncode, 2)
        self.assertIn("error: ", p.stderr)

    def test_same_files_as_the_cli(self):
        cli = os.environ.get("DX_CLI")
        if not cli or not os.path.exists(cli):
            self.skipTest("DX_CLI not set")
        rules = duixian.Ruleset.load(WUCHANG)
        with tempfile.TemporaryDirectory() as tmp:
            out_cli, out_py = os.path.join(tmp, "cli"), os.path.join(tmp, "py")
            os.mkdir(out_cli)
            os.mkdir(out_py)
            subprocess.run([cli, "run", WUCHANG, EXAMPLE_APPS, "--approval-date", "2022-06-30",
                            "--ledger", os.path.join(tmp, "cli.db"), "--out", out_cli],
                           check=True, capture_output=True)
            with duixian.Ledger.open(os.path.join(tmp, "py.db")) as ledger, \
                    rules.run_round(EXAMPLE_APPS, "2022-06-30", ledger=ledger) as r:
                r.write_outputs(out_py)
            for f in ("decisions.csv", "schedule.csv", "summary.json"):
                self.assertEqual(read(os.path.join(out_py, f)), read(os.path.join(out_cli, f)), f)
            with duixian.Ledger.open(os.path.join(tmp, "cli.db"), readonly=True) as a, \
                    duixian.Ledger.open(os.path.join(tmp, "py.db"), readonly=True) as b:
                self.assertEqual(a.rounds[0].granted_fen, b.rounds[0].granted_fen)
                self.assertEqual(a.rounds[0].input_sha256, b.rounds[0].input_sha256)

    def test_explain_and_report(self):
        """Wrapped when the library has them (dx_decision_dup_explanation, dx_report_write_html)."""
        from duixian._lib import F
        from dxtest_support import csv_dicts
        rules = duixian.Ruleset.load(WUCHANG)
        apps = csv_dicts(EXAMPLE_APPS)
        with rules.run_round(apps, "2022-06-30", ignore_unknown=True) as r:
            lst = r.decisions
            if F.dx_decision_dup_explanation is None:
                with self.assertRaises(NotImplementedError):
                    lst.explain(0)
            else:
                i = next(k for k, d in enumerate(lst) if d.status == "rejected")
                d = lst[i]
                app = next(a for a in apps if a["app_id"] == d.app_id)
                zh = lst.explain(i, app)
                self.assertIn(d.app_id, zh)
                self.assertIn(d.policy_id, zh)
                self.assertTrue(zh.endswith("\n"))
                self.assertIn(d.app_id, lst.explain(-len(lst) + i, lang="en"))
                self.assertNotEqual(lst.explain(i, lang="en"), zh)
                with self.assertRaises(IndexError):
                    lst.explain(len(lst))
            with tempfile.TemporaryDirectory() as tmp:
                if F.dx_report_write_html is None:
                    with self.assertRaises(NotImplementedError):
                        r.write_report(tmp)
                else:
                    path = r.write_report(tmp)
                    self.assertEqual(path, os.path.join(tmp, "report.html"))
                    html = read(path)
                    self.assertIn("<html", html.lower())
                    self.assertIn("区商务局", html)
                    self.assertTrue(os.path.exists(os.path.join(tmp, "summary.json")))


if __name__ == "__main__":
    unittest.main()
