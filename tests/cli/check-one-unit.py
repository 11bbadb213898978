#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reads explanations on stdin; fails when one line writes amounts both in
元 and in 万元/亿元 ("可用 3,000万元 ÷ 申请合计 32,685,370.15元"): a sentence
keeps one unit. A clause's name (实际投资100万元以上) is not an amount: only
numbers with a space or punctuation before them count, and 0元 is no unit."""
import re
import sys

AMOUNT = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[（(：:，,]))-?\d[\d,]*(?:\.\d+)?(万元|亿元|元)")
bad = []
for line in sys.stdin:
    units = {m.group(1) for m in AMOUNT.finditer(line) if m.group(0).lstrip("-") != "0元"}
    if "元" in units and units & {"万元", "亿元"}:
        bad.append(line.rstrip("\n"))
if bad:
    print("\n".join(bad))
    sys.exit(1)
