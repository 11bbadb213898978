#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The layering check: every #include in lib/ against lib/layers.txt.

Fails (exit 1, one line per problem, file:line first) when
  - a file includes a private header of a layer above its own;
  - a file outside the layers that lib/layers.txt names includes <yaml.h>,
    <sqlite3.h> or another header a layer claims for itself;
  - anything in lib/ or include/ includes from examples/ (the CLI);
  - a public header includes anything but GLib, libc and duixian/;
  - two files of lib/ call into each other, directly or round a longer
    circle (a function is defined where a line starts with its name and
    "(", as the house style writes definitions);
  - two modules of the Python package import each other.
Usage: check-layers.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
lib = os.path.join(root, "lib")
problems = []

layers, owned = [], {}
with open(os.path.join(lib, "layers.txt"), encoding="utf-8") as f:
    for line in f:
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        layers.append(words[0])
        for h in words[1:]:
            owned[h] = words[0]
rank = {name: i for i, name in enumerate(layers)}

inc_re = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')
sources = []
for dirpath, _, names in os.walk(lib):
    for n in sorted(names):
        if n.endswith((".c", ".h")):
            sources.append(os.path.join(dirpath, n))
sources.sort()

for path in sources:
    rel = os.path.relpath(path, root)
    parts = os.path.relpath(path, lib).split(os.sep)
    if len(parts) != 2 or parts[0] not in rank:
        problems.append(f"{rel}:1: not in a layer folder named in lib/layers.txt")
        continue
    mine = parts[0]
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = inc_re.match(line)
            if not m:
                continue
            kind, target = m.groups()
            if "examples" in target.split("/") or target.startswith("cli/"):
                problems.append(f"{rel}:{no}: includes the command line ({target})")
                continue
            if target in owned and owned[target] != mine:
                problems.append(f"{rel}:{no}: <{target}> belongs to the {owned[target]} layer, not {mine}")
                continue
            first = target.split("/")[0]
            if kind == '"' and first in rank and rank[first] > rank[mine]:
                problems.append(f"{rel}:{no}: {mine} includes {target}, a layer above it")
            elif kind == '"' and first not in rank and first != "duixian":
                problems.append(f'{rel}:{no}: "{target}" names no layer (write "<layer>/{target}")')

# Public headers: only GLib, libc and each other.
inc_dir = os.path.join(root, "include", "duixian")
for n in sorted(os.listdir(inc_dir)):
    if not n.endswith((".h", ".h.in")):
        continue
    with open(os.path.join(inc_dir, n), encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = inc_re.match(line)
            if m and not (m.group(2).startswith(("duixian/", "glib")) or m.group(2) in
                          ("stdint.h", "stddef.h", "stdbool.h", "glib.h")):
                problems.append(f"include/duixian/{n}:{no}: public header includes {m.group(2)}")


def circles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# Calls between the .c files of lib/.
def_re = re.compile(r"^(dx_\w+)\s*\(", re.M)
use_re = re.compile(r"\b(dx_\w+)\s*\(")
comment_re = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
defs, uses = {}, {}
for path in sources:
    if not path.endswith(".c"):
        continue
    rel = os.path.relpath(path, root)
    with open(path, encoding="utf-8") as f:
        text = comment_re.sub("", f.read())
    for name in def_re.findall(text):
        defs[name] = rel
    uses[rel] = set(use_re.findall(text))
calls = {f: {defs[n] for n in names if n in defs and defs[n] != f} for f, names in uses.items()}
for comp in circles(calls):
    ties = []
    for a in comp:
        for b in comp:
            if b in calls[a]:
                names = sorted(n for n in uses[a] if defs.get(n) == b)
                ties.append(f"{a} -> {b} ({', '.join(names[:4])})")
    problems.append("circle of calls: " + "; ".join(ties))
for a, targets in sorted(calls.items()):
    la = os.path.relpath(os.path.join(root, a), lib).split(os.sep)[0]
    for b in sorted(targets):
        lb = os.path.relpath(os.path.join(root, b), lib).split(os.sep)[0]
        if la in rank and lb in rank and rank[lb] > rank[la]:
            names = sorted(n for n in uses[a] if defs.get(n) == b)
            problems.append(f"{a}: calls {', '.join(names[:4])} of {b}, a layer above it")

# Imports between the modules of the Python package.
for pkg in (os.path.join(root, "bindings", "python", "duixian"),):
    if not os.path.isdir(pkg):
        continue
    imp_re = re.compile(r"^\s*from\s+\.(\w+)\s+import|^\s*from\s+\.\s+import\s+([\w, ]+)", re.M)
    graph = {}
    for n in sorted(os.listdir(pkg)):
        if not n.endswith(".py"):
            continue
        mod = n[:-3]
        with open(os.path.join(pkg, n), encoding="utf-8") as f:
            text = f.read()
        deps = set()
        for a, b in imp_re.findall(text):
            deps.update([a] if a else [x.strip() for x in b.split(",")])
        graph[mod] = {d for d in deps if d != mod and d != "__init__"}
    graph.pop("__init__", None)   # the package's front door imports everything
    for comp in circles(graph):
        problems.append(f"{os.path.relpath(pkg, root)}: modules import each other: {', '.join(comp)}")

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"layers: {len(sources)} files of lib/ in {len(layers)} layers, no include upward, no circle")
