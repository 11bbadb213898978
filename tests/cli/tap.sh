# SPDX-License-Identifier: LGPL-2.1-or-later
# The TAP harness shared by the scripts in tests/cli/ (sourced, not run):
# a scratch directory removed on exit, and
#   ok DESCRIPTION COMMAND...     one TAP line: passes when COMMAND succeeds
#   exit_code EXPECTED COMMAND... succeeds when COMMAND exits with EXPECTED
#   has FILE TEXT...              succeeds when every TEXT occurs in FILE
# A script ends with: echo "1..$n"; [ "$failed" -eq 0 ]
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() {
    desc=$1; shift
    n=$((n + 1))
    if "$@" >"$tmp/last.out" 2>"$tmp/last.err"; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc"; sed 's/^/# /' "$tmp/last.out" "$tmp/last.err" | head -30
        failed=$((failed + 1))
    fi
}

exit_code() {
    want=$1; shift
    "$@" >"$tmp/ec.out" 2>"$tmp/ec.err"
    got=$?
    [ "$got" = "$want" ] || { echo "exit $got, wanted $want" >&2; cat "$tmp/ec.err" >&2; return 1; }
}

has() {
    f=$1; shift
    for t in "$@"; do grep -qF -- "$t" "$f" || { echo "missing: $t" >&2; return 1; }; done
}
