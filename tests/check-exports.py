#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""ABI check: the symbols libduixian exports are exactly the DX_EXPORT
functions of the public headers, and exactly those in lib/libduixian.map.

usage: check-exports.py LIBRARY MAPFILE INCLUDE_DIR
"""
import glob
import os
import re
import subprocess
import sys


def header_symbols(include_dir):
    names = set()
    for h in glob.glob(os.path.join(include_dir, "duixian", "*.h")):
        text = open(h, encoding="utf-8").read()
        for m in re.finditer(r"DX_EXPORT[^;(]*?\b(dx_[a-z0-9_]+)\s*\(", text, re.S):
            names.add(m.group(1))
    return names


def map_symbols(path):
    text = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    return set(re.findall(r"^\s*(dx_[a-z0-9_]+);", text, re.M))


def exported_symbols(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "TDBRtdbr" and not parts[2].startswith("_"):
            names.add(parts[2].split("@")[0])
    return names


def main():
    lib, mapfile, include_dir = sys.argv[1:4]
    headers, mapped, exported = header_symbols(include_dir), map_symbols(mapfile), exported_symbols(lib)
    ok = True
    for what, a, b in (("in headers but not in the map", headers, mapped),
                       ("in the map but not in headers", mapped, headers),
                       ("exported but not in the map", exported, mapped),
                       ("in the map but not exported", mapped, exported)):
        diff = sorted(a - b)
        if diff:
            ok = False
            print(f"{what}: {', '.join(diff)}")
    print(f"{len(exported)} symbols exported" if ok else "ABI check failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
