# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared helpers for the Python binding tests (run by `meson test --suite python`)."""

import csv
import io
import os
import subprocess
import sys

ROOT = os.environ.get("DX_SOURCE_ROOT") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
GOLDEN = os.path.join(ROOT, "tests", "golden")
GOLDEN_ROUNDS = os.path.join(ROOT, "tests", "golden-rounds")
WUCHANG = os.path.join(ROOT, "rules", "wuchang-2022.yaml")
EXAMPLE_APPS = os.path.join(ROOT, "examples", "applications-2022.csv")

# Make `import duixian` work when the tests run by hand from a checkout.
_pkg = os.path.join(ROOT, "bindings", "python")
if _pkg not in sys.path:
    sys.path.insert(0, _pkg)


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def cases(root):
    return sorted(d for d in os.listdir(root)
                  if os.path.isfile(os.path.join(root, d, "rules.yaml")))


def rounds(case_dir):
    return sorted((d for d in os.listdir(case_dir)
                   if d.startswith("r") and os.path.isdir(os.path.join(case_dir, d))),
                  key=lambda d: int(d[1:]))


def csv_dicts(path):
    """The rows of a CSV file as dicts of text cells, as a Python user would read it."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def rss_bytes():
    """Resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_python(args, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable] + args, env=e, capture_output=True, text=True, **kw)
