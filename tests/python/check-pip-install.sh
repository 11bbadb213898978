#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# pip installs bindings/python into a fresh venv, offline (--no-index: the
# in-tree build backend needs nothing from an index), then, from outside the
# tree, imports duixian from the venv against the built library through
# DUIXIAN_LIBRARY and decides one application of the golden case
# 01-money-cells, whose expected decision was worked out by hand.
# Exit 77 (skipped) when python3 cannot make a venv with pip in it.
# Usage: check-pip-install.sh SOURCE_ROOT LIBDUIXIAN
set -eu
src=$1
lib=$2
python=${PYTHON:-python3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$python" -c 'import venv, ensurepip' 2>/dev/null ||
   ! "$python" -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1; then
    echo "skipped: $python -m venv is not available"
    cat "$tmp/venv.log" 2>/dev/null || true
    exit 77
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
# A copy of the package directory, so the build writes nothing into the source tree.
cp -R "$src/bindings/python" "$tmp/pkg"
"$tmp/venv/bin/python" -m pip install --no-index --no-cache-dir "$tmp/pkg" >"$tmp/pip.log" 2>&1 ||
    { cat "$tmp/pip.log"; echo "pip install ./bindings/python failed"; exit 1; }
rm -rf "$tmp/pkg"

cd /
DUIXIAN_LIBRARY=$lib PYTHONPATH= "$tmp/venv/bin/python" - "$src" "$lib" "$tmp/venv" <<'PY'
import csv
import os
import sys

src, lib, venv = sys.argv[1:]
import duixian

where = os.path.dirname(duixian.__file__)
assert os.path.realpath(where).startswith(os.path.realpath(venv)), "duixian imported from %s, not the venv" % where
assert duixian.library_path == lib, duixian.library_path
assert os.path.isfile(os.path.join(where, "py.typed")), "py.typed not installed"
assert not os.path.exists(os.path.join(where, "_paths.py.in")), "the meson template was installed"

case = os.path.join(src, "tests", "golden", "01-money-cells")
rules = duixian.Ruleset.load(os.path.join(case, "rules.yaml"))
with open(os.path.join(case, "apps.csv"), newline="", encoding="utf-8-sig") as f:
    app = next(csv.DictReader(f))
[d] = rules.decide(app, ignore_unknown=True)
# expected-decisions.csv: A01,E01,ECHO,finance,approved,5000000000,5000000000,award_formula
got = (d.app_id, d.enterprise_id, d.policy_id, d.bureau, str(d.status), d.computed_fen, d.granted_fen,
       d.reason_codes)
want = ("A01", "E01", "ECHO", "finance", "approved", 5000000000, 5000000000, ("award_formula",))
assert got == want, got
assert d.as_dict()["granted_fen"] == 5000000000
print("pip-installed duixian from %s decided %s: %s, %d fen" % (where, d.app_id, d.status, d.granted_fen))
PY
