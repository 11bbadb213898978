#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Forges a ledger the way anyone who knows the format could: drops the
append-only triggers (and puts them back after), changes the
created_at of its first entry, then recomputes every entry's prev_hash and
hash (the canonical form of lib/ledger/dx-ledger-chain.c: a domain line,
then every column but hash, tagged by storage type and length-prefixed,
through SHA-256). Plain `verify` then passes; only a head kept outside
the file tells. usage: forge-ledger.py LEDGER
"""
import hashlib
import sqlite3
import sys

DOMAIN = b"duixian-ledger/2\n"
COLS = ["seq", "round_id", "kind", "ref_seq", "ref_index", "fund_id", "created_at", "approval_date",
        "app_id", "enterprise_id", "policy_id", "bureau", "envelope", "group_key", "award_fen",
        "granted_fen", "detail", "ruleset_sha256", "input_sha256", "n_decisions", "prev_hash", "hash", "body"]
TAGS = {"integer": b"i", "text": b"t", "blob": b"b", "null": b"n"}


def canon_hash(values, types):
    h = hashlib.sha256(DOMAIN)
    for c, v, t in zip(COLS, values, types):
        if c == "hash":
            continue
        if t == "integer":
            v = str(v).encode()
        elif t == "null":
            v = b""
        elif t == "real":
            raise SystemExit("forge-ledger.py: a REAL column; not handled")
        h.update(TAGS[t] + str(len(v)).encode() + b":" + v)
    return h.hexdigest()


db = sqlite3.connect(sys.argv[1])
triggers = [r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
    db.execute(f'DROP TRIGGER "{name}"')
db.text_factory = bytes
sel = ", ".join(COLS + [f"typeof({c})" for c in COLS])
rows = db.execute(f"SELECT {sel} FROM entries ORDER BY seq").fetchall()
prev = "0" * 64
for i, row in enumerate(rows):
    values, types = list(row[:len(COLS)]), [t.decode() for t in row[len(COLS):]]
    if i == 0:
        values[COLS.index("created_at")] = b"2000-01-01T00:00:00Z"
        types[COLS.index("created_at")] = "text"
    values[COLS.index("prev_hash")] = prev.encode()
    types[COLS.index("prev_hash")] = "text"
    prev = canon_hash(values, types)
    db.execute("UPDATE entries SET created_at = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               (values[COLS.index("created_at")].decode(), values[COLS.index("prev_hash")].decode(), prev,
                values[0]))
for t in triggers:
    db.execute(t)
db.commit()
