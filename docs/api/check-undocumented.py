#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails the docs build when gtk-doc reports a symbol that is undocumented or
incomplete (duixian-undocumented.txt); on success copies the report to OUT.

usage: check-undocumented.py UNDOCUMENTED_TXT OUT
"""
import re
import sys

report = open(sys.argv[1], encoding="utf-8").read()
print(report.split("\n\n", 1)[0])
incomplete = int(re.search(r"(\d+) symbols incomplete", report).group(1))
missing = int(re.search(r"(\d+) not documented", report).group(1))
if incomplete or missing:
    print(report)
    sys.exit(1)
open(sys.argv[2], "w", encoding="utf-8").write(report)
