#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""API documentation check: every exported symbol (each name in
lib/libduixian.map) has a gtk-doc comment in include/duixian/*.h right above
its declaration, which documents exactly the declared parameters (none
missing, none that the declaration lacks), says Since:, and for a function
returning a pointer states who owns it ((transfer full) or (transfer none)).
Every public typedef (opaque type, enum, callback) has a comment with Since:,
and an enum's comment documents each of its values (gtk-doc counts a value
without @VALUE: as "incomplete").
It reads the headers as text, the way gtk-doc does, so it needs no compiler.

usage: check-api-docs.py SOURCE_ROOT
"""
import glob
import os
import re
import sys

DOC = re.compile(r"/\*\*(?!\*)(.*?)\*/", re.S)
DECL = re.compile(r"DX_EXPORT\s+([^;{}]*?)\b(dx_[a-z0-9_]+)\s*\(([^)]*)\)[^;]*;", re.S)
TYPEDEF = re.compile(r"typedef\s+(?:struct\s+_\w+|enum\s*\{[^}]*\}|[^;(]*\(\s*\*\s*)\s*(\w+)", re.S)


def doc_blocks(text):
    """Yields (end offset, symbol name, body lines) for each /** block."""
    for m in DOC.finditer(text):
        lines = [re.sub(r"^\s*\*?\s?", "", l) for l in m.group(1).split("\n")]
        lines = [l for l in lines if l.strip() != ""] or [""]
        first = re.match(r"\s*([A-Za-z_][\w:]*)\s*:", lines[0])
        yield m.end(), (first.group(1) if first else None), lines


def param_names(params):
    params = " ".join(params.split())
    if params in ("", "void"):
        return []
    names = []
    for p in params.split(","):
        m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", p.strip())
        names.append(m.group(1))
    return names


def documented_params(lines):
    return [m.group(1) for l in lines for m in [re.match(r"\s*@(\w+)\s*:", l)] if m]


def check_header(path, problems, seen):
    text = open(path, encoding="utf-8").read()
    blocks = list(doc_blocks(text))
    rel = os.path.relpath(path)

    def block_before(offset):
        """The doc block that ends just before offset (only blanks between)."""
        for end, name, lines in reversed(blocks):
            if end <= offset:
                return (name, lines) if text[end:offset].strip() == "" else None
        return None

    for m in DECL.finditer(text):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), m.group(3)
        line = text.count("\n", 0, m.start()) + 1
        seen.add(name)
        where = f"{rel}:{line}: {name}"
        b = block_before(m.start())
        if b is None or b[0] != name:
            problems.append(f"{where}: no doc comment right above the declaration")
            continue
        lines = b[1]
        declared, documented = param_names(params), documented_params(lines)
        for p in declared:
            if p not in documented:
                problems.append(f"{where}: parameter @{p} is not documented")
        for p in documented:
            if p not in declared:
                problems.append(f"{where}: documents @{p}, which the declaration does not have")
        body = "\n".join(lines)
        prose = [l for l in lines[1:] if not re.match(r"\s*(@\w+|Returns|Since)\s*:", l)
                 and not l.startswith(" ")]
        if not prose:
            problems.append(f"{where}: no description (gtk-doc counts it as undocumented)")
        if not re.search(r"^\s*Since:\s*\d+\.\d+", body, re.M):
            problems.append(f"{where}: no Since:")
        if ret != "void" and "Returns:" not in body:
            problems.append(f"{where}: returns {ret} but has no Returns:")
        if ret.endswith("*") and not re.search(r"Returns:\s*(\([^)]*\)\s*)*\(transfer (full|none)\)", body):
            problems.append(f"{where}: returns a pointer but does not say (transfer full) or (transfer none)")

    for m in TYPEDEF.finditer(text):
        name = m.group(1)
        line = text.count("\n", 0, m.start()) + 1
        documented = {n for _, n, _ in blocks}
        if name not in documented:
            problems.append(f"{rel}:{line}: type {name} has no doc comment")
            continue
        lines = next(l for _, n, l in blocks if n == name)
        if not any(re.match(r"\s*Since:\s*\d+\.\d+", l) for l in lines):
            problems.append(f"{rel}:{line}: type {name}: no Since:")
        body = m.group(0)
        if body.lstrip().startswith("typedef") and re.match(r"typedef\s+enum", body):
            values = re.findall(r"^\s*([A-Z][A-Z0-9_]+)\s*(?:=[^,\n]*)?,?\s*(?:/\*.*)?$",
                                body[body.index("{") + 1:body.rindex("}")], re.M)
            for v in values:
                if v not in documented_params(lines):
                    problems.append(f"{rel}:{line}: type {name}: value {v} is not documented")


SELF_TEST = """\
/**
 * dx_a:
 * @self: a thing
 * @gone: a parameter the declaration lacks
 *
 * Does a.
 *
 * Since: 0.1
 */
DX_EXPORT void dx_a(DxX *self);
/**
 * dx_b:
 *
 * Does b.
 *
 * Returns: (transfer full): a string
 * Since: 0.1
 */
DX_EXPORT char *dx_b(DxX *self, int n);
DX_EXPORT void dx_c(void);
/**
 * DxE:
 * @DX_E_ONE: one
 *
 * An enum with one value undocumented.
 *
 * Since: 0.1
 */
typedef enum {
    DX_E_ONE = 0,
    /* a comment line is not a value */
    DX_E_TWO = 1,
} DxE;
"""


def self_test():
    """The checker finds each kind of problem it is for (a fixture header)."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "include", "duixian"))
        os.makedirs(os.path.join(d, "lib"))
        open(os.path.join(d, "include", "duixian", "dx-x.h"), "w").write(SELF_TEST)
        open(os.path.join(d, "lib", "libduixian.map"), "w").write(
            "DX_0.1 {\n  global:\n    dx_a;\n    dx_b;\n    dx_c;\n    dx_d;\n};\n")
        problems, seen = [], set()
        check_header(os.path.join(d, "include", "duixian", "dx-x.h"), problems, seen)
        text = "\n".join(problems)
        want = ["dx_a: documents @gone, which the declaration does not have",
                "dx_b: parameter @self is not documented", "dx_b: parameter @n is not documented",
                "dx_c: no doc comment", "type DxE: value DX_E_TWO is not documented"]
        missing = [w for w in want if w not in text]
        if missing or len(problems) != len(want) or seen != {"dx_a", "dx_b", "dx_c"}:
            print("self-test failed; found:\n" + text + "\nmissing: " + ", ".join(missing))
            return False
    return True


def main():
    if not self_test():
        return 1
    root = sys.argv[1]
    mapfile = os.path.join(root, "lib", "libduixian.map")
    maptext = re.sub(r"/\*.*?\*/", "", open(mapfile, encoding="utf-8").read(), flags=re.S)
    exported = set(re.findall(r"^\s*(dx_[a-z0-9_]+);", maptext, re.M))
    problems, seen = [], set()
    for h in sorted(glob.glob(os.path.join(root, "include", "duixian", "*.h"))):
        check_header(h, problems, seen)
    for name in sorted(exported - seen):
        problems.append(f"lib/libduixian.map: {name} is exported but declared in no public header")
    for p in problems:
        print(p)
    print(f"{len(exported)} exported symbols, {len(problems)} documentation problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
