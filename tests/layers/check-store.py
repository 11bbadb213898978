#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ledger's store boundary: only the store backends touch a database.

Fails (exit 1, one line per use, file:line first) when a file of
lib/ledger/ other than dx-store-sqlite.c and dx-store-pg.c calls an
sqlite3_* or PQ* function, names an SQLITE_ constant or includes
<sqlite3.h> or <libpq-fe.h>; everything else goes through
ledger/dx-store-private.h, so that a second store serves every entry kind.
Usage: check-store.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
ledger = os.path.join(root, "lib", "ledger")
backends = {"dx-store-sqlite.c", "dx-store-pg.c"}
# a call or constant in code, not a word in a comment
use = re.compile(r"\b(sqlite3_\w+\s*\(|sqlite3\s*\*|SQLITE_[A-Z_]+|PQ\w+\s*\(|PG\w*\s*\*)|#\s*include\s*<(sqlite3|libpq-fe)\.h>")
comment = re.compile(r"/\*.*?\*/", re.S)
problems = []
for name in sorted(os.listdir(ledger)):
    if not name.endswith((".c", ".h")) or name in backends:
        continue
    path = os.path.join(ledger, name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # comments blanked, newlines kept, so line numbers stay right
    code = comment.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for no, line in enumerate(code.split("\n"), 1):
        m = use.search(line)
        if m:
            problems.append(f"lib/ledger/{name}:{no}: {m.group(0).strip()} outside the store backends"
                            " (use ledger/dx-store-private.h)")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
