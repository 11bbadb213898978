#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the build into a scratch prefix, then compiles examples/decide-one.c
# the way a district system would: only through pkg-config. Run by meson test.
set -eu
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --quiet >/dev/null
pc=$(find "$tmp/root" -name duixian.pc | head -n 1)
[ -n "$pc" ] || { echo "duixian.pc was not installed"; exit 1; }
# the .pc names the real prefix; point a copy of it into the scratch root
mkdir "$tmp/pc"
sed "s|^prefix=|prefix=$tmp/root|" "$pc" > "$tmp/pc/duixian.pc"
export PKG_CONFIG_PATH="$tmp/pc"
flags=$(pkg-config --cflags --libs duixian)
cc -std=c11 -Wall -Wextra -Werror "$src/examples/decide-one.c" $flags -o "$tmp/decide-one"
# the example rules are installed where the rulesdir variable says
rulesdir=$(pkg-config --variable=rulesdir duixian)
[ -d "$rulesdir" ] || { echo "rulesdir=$rulesdir is not a directory"; exit 1; }
[ -f "$rulesdir/wuchang-2022.yaml" ] || { echo "rulesdir=$rulesdir has no wuchang-2022.yaml"; exit 1; }
cmp -s "$rulesdir/wuchang-2022.yaml" "$src/rules/wuchang-2022.yaml" ||
    { echo "$rulesdir/wuchang-2022.yaml differs from rules/wuchang-2022.yaml"; exit 1; }
libdir=$(pkg-config --variable=libdir duixian)
LD_LIBRARY_PATH=$libdir "$tmp/decide-one" "$src/rules/wuchang-2022.yaml" > "$tmp/out.txt"
cat "$tmp/out.txt"
grep -q "DEMO-0001 FIN-HQ: reduced, 500万元" "$tmp/out.txt"
# the rules schema is installed as it is in data/, and the program prints the same
schema=$(find "$tmp/root" -path '*/share/duixian/duixian-rules.schema.json' | head -n 1)
[ -n "$schema" ] || { echo "share/duixian/duixian-rules.schema.json was not installed"; exit 1; }
cmp "$schema" "$src/data/duixian-rules.schema.json"
