#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# G_GNUC_NON_NULL in the public headers reaches callers: tests/header-nonnull.c
# passes a literal NULL for a required pointer and must not compile with
# -Werror=nonnull, while the same call with a ruleset must.
set -eu
cc=$1 src=$2 build=$3
flags="-fsyntax-only -std=c11 -Werror=nonnull -I$src/include -I$build/include $(pkg-config --cflags glib-2.0)"
if $cc $flags "$src/tests/header-nonnull.c" 2>/dev/null; then
    echo "dx_batch_new(NULL) compiled without a -Wnonnull error"; exit 1
fi
printf '#include <duixian/duixian.h>\nint main(void) { DxRuleset *rs = 0; return dx_batch_new(rs) != 0; }\n' |
    $cc $flags -x c - || { echo "a call with a variable did not compile"; exit 1; }
echo "ok: G_GNUC_NON_NULL reaches callers"
