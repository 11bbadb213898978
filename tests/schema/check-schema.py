#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""data/duixian-rules.schema.json against the rules files we ship and test.

Every rules/*.yaml and tests/data/rules/ok-*.yaml must validate, and every
fixture whose problem is a key (unknown, misspelled, not allowed where it
stands, or a required key left out) must not: the schema is only useful to
an editor if it rejects what the loader rejects for the same reason. A
duixian/2 document using the keys of the later release validates, and the
same document marked duixian/1 does not.

YAML is read with PyYAML's BaseLoader, which, like duixian, applies no
implicit typing: every scalar is a string, so `once: true` and
`priority: 10` reach the schema as text, as they reach the loader.

Usage: check-schema.py SOURCE_ROOT. Prints TAP; exits 77 (skip) when
python3-jsonschema or python3-yaml is missing.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"1..0 # SKIP {e.name} is missing (apt-get install python3-jsonschema python3-yaml)")
    sys.exit(77)

# Fixtures whose one problem is a key. bad-unknown-key-* are unknown or
# misspelled keys; bad-field-builtin-type gives a built-in field a `type`;
# the rest leave out a required key or give two keys of which one is allowed.
KEY_FIXTURES = ["bad-unknown-key-*.yaml", "bad-missing-*.yaml", "bad-field-builtin-type.yaml",
                "bad-award-two-forms.yaml", "bad-installments-share-and-amount.yaml",
                "bad-installments-two-timings.yaml", "bad-installments-no-timing.yaml"]
# There must be at least this many unknown-key fixtures, so that a rename of
# the fixtures cannot silently empty the check.
MIN_UNKNOWN_KEY = 11

FORMAT2 = """\
format: duixian/2
fund:
  id: T/2022/002
  name: 测试经费
  total: 100万元
  period: {from: 2022-01-01, to: 2022-12-31}
  shortfall: pro_rata
bureaus: {commerce: 区商务局}
params:
  hq_rate: {type: number, label: 落户奖励比例, values: {2021-06-16: 2%, 2022-07-01: 1.5%}}
fields:
  district: {type: text, label: 注册地}
  retail_growth: {type: number, label: 零售额增速, min: -100%}
policies:
  - id: COM-TOP
    name: 增长贡献奖（择优）
    bureau: commerce
    basis: 测试依据
    params_on: approval
    rank: {by: retail_growth, top: 10, order: desc, label: 零售额增速}
    award: {table: rank, rows: [[1, 50万元], [2, 30万元]]}
    commitment:
      months: 60
      keep:
        - 注册在本区: district == "武昌区"
      refund: pro_rata
    installments:
      - {share: 50%, at: approval}
      - share: 50%
        after: 12 months
        requires:
          - 注册在本区: district == "武昌区"
        on_fail: forfeit_rest
"""


def load(path):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=yaml.BaseLoader)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    with open(os.path.join(root, "data", "duixian-rules.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    results = []

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        results.append((True, "the schema is a valid draft 2020-12 schema", ""))
    except jsonschema.SchemaError as e:
        results.append((False, "the schema is a valid draft 2020-12 schema", e.message))
    validator = jsonschema.Draft202012Validator(schema)

    def first_error(doc):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        e = errors[0]
        return f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"

    # NAME.tests.yaml are rule tests (duixian test), not rules
    good = sorted([p for p in glob.glob(os.path.join(root, "rules", "*.yaml")) if not p.endswith(".tests.yaml")] +
                  glob.glob(os.path.join(root, "tests", "data", "rules", "ok-*.yaml")))
    for path in good:
        err = first_error(load(path))
        results.append((err is None, f"valid: {os.path.relpath(path, root)}", err or ""))

    bad = set()
    for pattern in KEY_FIXTURES:
        bad.update(glob.glob(os.path.join(root, "tests", "data", "rules", pattern)))
    n_unknown = sum(1 for p in bad if os.path.basename(p).startswith("bad-unknown-key-"))
    results.append((n_unknown >= MIN_UNKNOWN_KEY, f"at least {MIN_UNKNOWN_KEY} unknown-key fixtures",
                    f"found {n_unknown}"))
    for path in sorted(bad):
        err = first_error(load(path))
        results.append((err is not None, f"rejected: {os.path.relpath(path, root)}",
                         "the schema accepts it" if err is None else ""))

    doc2 = yaml.load(FORMAT2, Loader=yaml.BaseLoader)
    err = first_error(doc2)
    results.append((err is None, "valid: a duixian/2 document with params, rank, commitment, requires",
                    err or ""))
    doc1 = dict(doc2, format="duixian/1")
    results.append((first_error(doc1) is not None, "rejected: the same document marked duixian/1", ""))
    for key in ("rank", "commitment", "params_on"):
        pol = {k: v for k, v in doc2["policies"][0].items() if k not in ("rank", "commitment", "params_on")}
        pol["award"] = {"fixed": "1万元"}
        pol[key] = doc2["policies"][0][key]
        one = dict(doc2, format="duixian/1", policies=[pol])
        one.pop("params")
        one["fields"] = {"district": doc2["fields"]["district"]}
        pol["installments"] = [{"share": "100%", "at": "approval"}]
        results.append((first_error(one) is not None, f"rejected: duixian/1 with policy key {key}", ""))
        without = dict(pol)
        without.pop(key)
        one["policies"] = [without]
        err = first_error(one)
        results.append((err is None, f"valid: the same duixian/1 document without {key}", err or ""))

    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, what, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        if not ok:
            failed += 1
            if detail:
                print(f"# {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
