#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""docs/man/duixian.1 against the program: TAP.

For every command in `duixian --help`, the man page has a section (.SS
NAME) whose options (.B \\-\\-opt lines) are exactly those the command's
--help lists (--help itself aside), so the page cannot drift from the
program. When man(1) is installed, the page also renders without warnings.
usage: test-man.py DUIXIAN SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys

dx, root = sys.argv[1], sys.argv[2]
page_path = os.path.join(root, "docs", "man", "duixian.1")
with open(page_path, encoding="utf-8") as f:
    page = f.read()
env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")

top = subprocess.run([dx, "--help"], capture_output=True, text=True, env=env).stdout
commands = re.findall(r"^  (\w+)\s{2,}", top.split("commands:")[1].split("\n\n")[0], re.M)

sections = {}
for m in re.finditer(r"^\.SS (\S+)\n(.*?)(?=^\.SS |^\.SH )", page, re.M | re.S):
    sections[m.group(1)] = set(re.findall(r"^\.B (\\-\\-[\w\\-]+)", m.group(2), re.M))
sections = {k: {o.replace("\\-", "-") for o in v} for k, v in sections.items()}

tests = []
tests.append((len(commands) >= 10, f"--help lists the commands ({len(commands)})"))
for c in commands:
    h = subprocess.run([dx, c, "--help"], capture_output=True, text=True, env=env).stdout
    opts = set(re.findall(r"^  (?:-\w, )?(--[\w-]+)", h.split("Options:")[1].split("\n\n")[0], re.M)) - {"--help"}
    in_page = sections.get(c)
    if in_page is None:
        tests.append((False, f"{c}: the man page has a section"))
        continue
    missing, extra = sorted(opts - in_page), sorted(in_page - opts)
    tests.append((not missing and not extra,
                  f"{c}: the man page lists the options of --help"
                  + (f" (missing {missing})" if missing else "") + (f" (not in --help {extra})" if extra else "")))
for c in sorted(set(sections) - set(commands)):
    tests.append((False, f"{c}: a man page section for a command the program does not have"))

man = shutil.which("man")
if man:
    r = subprocess.run([man, "--warnings", "-l", page_path], capture_output=True, text=True,
                       env=dict(env, MANWIDTH="80", MAN_KEEP_FORMATTING="0"))
    tests.append((r.returncode == 0 and "DUIXIAN(1)" in r.stdout and not r.stderr.strip(),
                  "man -l renders the page without warnings" + (f": {r.stderr.strip()[:200]}" if r.stderr.strip() else "")))

print(f"1..{len(tests)}")
for i, (ok, what) in enumerate(tests, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {what}")
sys.exit(0 if all(ok for ok, _ in tests) else 1)
