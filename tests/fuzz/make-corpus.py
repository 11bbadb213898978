#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Builds the seed corpora for the libFuzzer harnesses from what the
repository already holds: rules/, examples/, tests/data/ and tests/golden*.

    tests/fuzz/make-corpus.py SOURCE_ROOT OUT_DIR

writes OUT_DIR/{ruleset,expr,csv,app-yaml}/ (one file per seed). Nothing
generated is committed; the corpora are rebuilt on demand.
"""
import csv
import hashlib
import io
import json
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])


def put(kind, data):
    d = out / kind
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def files(*globs):
    for g in globs:
        yield from sorted(src.glob(g))


# Rules: every ruleset, good and bad, in the tree.
for p in files('rules/*.yaml', 'tests/data/rules/*.yaml', 'tests/golden*/**/*.yaml'):
    put('ruleset', p.read_bytes())

# Expressions: the right-hand side of every clause / formula in the rules,
# each with several control bytes (expected type, fields dropped).
exprs = set()
for p in files('rules/*.yaml', 'tests/data/rules/*.yaml', 'tests/golden*/**/*.yaml'):
    for line in p.read_text(errors='replace').splitlines():
        m = re.match(r'\s*-?\s*[^:#]+:\s*(.+?)\s*$', line)
        if m and re.search(r'[<>=()\[\]+*/]| and | or |not ', m.group(1)):
            e = m.group(1).strip("'")
            exprs.add(e)
exprs |= {
    'a >= 1亿元 and d >= 2022-03-01', 'min(a * 2%, 1000万元)', 'max(a, 营业收入) / 2',
    'if(b, a, z)', 'steps(a, 100万元, 10万元)', 'years_between(d, 2023-01-01) >= 1',
    'months_between(2020-01-31, d)', 'starts_with(t, "武")', 't in ["武昌区", "洪山区"]',
    'table(a, [[0元, 1万元], [100万元, 5万元]])', 'marginal(a, [[0元, 1%], [100万元, 2%]])',
    'a / z', 'n / q', 'i * 1.5 + 2‰', '-(a - 0.015元)', 'not (b or i > 3)', 'a * a * a * a',
    '((((((((((i))))))))))', '"a\\"b" == t', '营业收入 >= 2000万元',
}
for e in sorted(exprs):
    for ctl in (0x00, 0x01, 0x02, 0x03, 0xf9):
        put('expr', bytes([ctl]) + e.encode())

# CSV: application files and history files, UTF-8 and GB18030.
for p in files('examples/*.csv', 'tests/data/csv/*.csv', 'tests/data/history/*.csv',
               'tests/golden*/**/*.csv'):
    data = p.read_bytes()
    if len(data) > 64 << 10:   # keep seeds small: the header and a few rows
        data = b'\n'.join(data.split(b'\n')[:12]) + b'\n'
    for ctl in (0x08, 0x09, 0x0a, 0x04):
        put('csv', bytes([ctl]) + data)
    try:
        put('csv', bytes([0x0a]) + data.decode('utf-8-sig').encode('gb18030'))
    except (UnicodeDecodeError, UnicodeEncodeError):
        pass

# YAML/JSON applications: the YAML tests, and the first example rows as both.
for p in files('tests/data/yaml/*.yaml', 'tests/golden*/**/*.json', 'tests/golden*/**/apps*.yaml'):
    put('app-yaml', p.read_bytes())
rows = list(csv.DictReader(io.StringIO((src / 'examples/applications-2022.csv').read_text('utf-8-sig'))))
for n in (1, 3, 8):
    chunk = [{k: v for k, v in r.items() if v} for r in rows[:n]]
    put('app-yaml', json.dumps(chunk, ensure_ascii=False).encode())
    y = ''.join('- ' + '\n  '.join(f'{k}: "{v}"' for k, v in r.items()) + '\n' for r in chunk)
    put('app-yaml', y.encode())
put('app-yaml', b'[]')
put('app-yaml', b'- {app_id: A1, enterprise_id: E1, submitted_on: 2022-05-10, policy: FIN-HQ, '
                b'paid_in_capital: 12\xe4\xba\xbf\xe5\x85\x83}\n')

for k in ('ruleset', 'expr', 'csv', 'app-yaml'):
    print(k, len(list((out / k).iterdir())))
