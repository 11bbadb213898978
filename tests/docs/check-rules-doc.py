#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""docs/rules.md documents every key the rules loader accepts.

The keys are read from the loader itself (lib/rules/*.c): every static
array `static const char *const NAME[] = { "a", "b", NULL };` that is
handed to check_keys(), directly or through a table of award forms, is a
list of allowed (or required) keys. Each key must appear in docs/rules.md
as `key` in backticks, so a key added to the loader without a word in the
reference fails here. The status and reason-code names of
lib/decide/dx-decision.c are held to the same rule.

Usage: check-rules-doc.py SOURCE_ROOT. Prints TAP.
"""
import os
import re
import sys

ARRAY = re.compile(r"static\s+const\s+char\s*\*\s*const\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
STRUCT_ARRAY = re.compile(r"\}\s*(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def function_bodies(src):
    """Top-level function bodies, as (start, end) offsets: a '{' in column 0
    opens one and a '}' in column 0 closes it (the house style)."""
    spans, start = [], None
    for m in re.finditer(r"^[{}]", src, re.M):
        if m.group() == "{":
            start = m.start()
        elif start is not None:
            spans.append((start, m.end()))
            start = None
    return spans


def check_keys_args(body):
    """The 4th and 5th arguments of each check_keys() call in @body."""
    args = []
    for m in re.finditer(r"\b(?:dx_load_)?check_keys\s*\(", body):
        depth, i, cur, parts = 1, m.end(), "", []
        while depth > 0 and i < len(body):
            c = body[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            if depth == 1 and c == ",":
                parts.append(cur.strip())
                cur = ""
            elif depth > 0:
                cur += c
            i += 1
        parts.append(cur.strip())
        args.extend(parts[3:5])
    return args


def loader_keys(src):
    """{key: [array names]} for every array that reaches check_keys()."""
    keys = {}
    for start, end in function_bodies(src):
        body = src[start:end]
        arrays = {m.group(1): STRING.findall(m.group(2)) for m in ARRAY.finditer(body)}
        structs = {m.group(1): m.group(2) for m in STRUCT_ARRAY.finditer(body)}
        used = set()
        for arg in check_keys_args(body):
            for ident in re.findall(r"[A-Za-z_]\w*", arg):
                if ident in arrays:
                    used.add(ident)
                elif ident in structs:
                    # a table such as forms[] naming arrays of keys
                    used.update(n for n in re.findall(r"[A-Za-z_]\w*", structs[ident]) if n in arrays)
        for name in used:
            for key in arrays[name]:
                keys.setdefault(key, []).append(name)
    return keys


def names_in(src, function):
    m = re.search(function + r"\s*\([^)]*\)\s*\{(.*?)^\}", src, re.S | re.M)
    if m is None:
        return []
    arr = ARRAY.search(m.group(1))
    return STRING.findall(arr.group(2)) if arr else []


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    rules_dir = os.path.join(root, "lib", "rules")
    loader = ""
    for n in sorted(os.listdir(rules_dir)):
        if n.endswith(".c"):
            with open(os.path.join(rules_dir, n), encoding="utf-8") as f:
                loader += f.read() + "\n"
    with open(os.path.join(root, "lib", "decide", "dx-decision.c"), encoding="utf-8") as f:
        decision = f.read()
    with open(os.path.join(root, "docs", "rules.md"), encoding="utf-8") as f:
        doc = f.read()
    documented = set(re.findall(r"`([^`\n]+)`", doc))

    keys = loader_keys(loader)
    statuses = names_in(decision, "dx_status_to_string")
    reasons = names_in(decision, "dx_reason_code_to_string")
    results = [
        # guards: a change in the loader's shape must not empty the check
        (len(keys) >= 30, f"the loader's allowed keys were found ({len(keys)})"),
        (all(k in keys for k in ("format", "fund", "fields", "policies", "award", "installments",
                                 "fixed", "marginal", "rest", "after", "aliases", "mode")),
         "the keys found include those of every level (top, fund, field, group, policy, award, installment)"),
        (len(statuses) == 8, f"the status names were found ({len(statuses)})"),
        (len(reasons) >= 23, f"the reason codes were found ({len(reasons)})"),
    ]
    for key in sorted(keys):
        results.append((key in documented, f"key `{key}` ({', '.join(sorted(set(keys[key])))}) is in docs/rules.md"))
    for name in statuses:
        results.append((name in documented, f"status `{name}` is in docs/rules.md"))
    for code in reasons:
        results.append((code in documented, f"reason code `{code}` is in docs/rules.md"))

    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
