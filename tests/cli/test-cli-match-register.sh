#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian match RULES REGISTER --out DIR (docs/cli.md, "match over a
# register"), on tests/data/match-register: five enterprises, two policies,
# every cell of expected/ worked by hand (tests/data/match-register/README).
# The same files whatever the register's row order and on 1 or 2 threads;
# the errors of a register; the profile form untouched.
# usage: test-cli-match-register.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
D=$SRC/tests/data/match-register R=$D/rules.yaml
. "$SRC/tests/cli/tap.sh"
same() {   # same DIR: DIR holds exactly expected/'s files, byte for byte
    diff -r "$D/expected" "$1" >&2
}

ok "match a register" exit_code 0 "$DX" match "$R" "$D/register.csv" --out "$tmp/a" --date 2022-06-30
ok "… one CSV per policy and summary.json, as worked by hand" same "$tmp/a"
# the same rows in reverse order (header kept first)
{ head -n 1 "$D/register.csv"; tail -n +2 "$D/register.csv" | sort -r; } >"$tmp/rev.csv"
ok "… the same bytes whatever the register's order" sh -c "'$DX' match '$R' '$tmp/rev.csv' --out '$tmp/b' --date 2022-06-30 && diff -r '$D/expected' '$tmp/b'"
ok "… and on one thread" sh -c "'$DX' match '$R' '$D/register.csv' --out '$tmp/c' --date 2022-06-30 --threads 1 && diff -r '$D/expected' '$tmp/c'"
ok "outside the windows every enterprise is not_eligible" sh -c "'$DX' match '$R' '$D/register.csv' --out '$tmp/d' --date 2023-01-02 && [ \$(grep -c ',not_eligible,' '$tmp/d/A-FIXED.csv') = 5 ]"

printf 'enterprise_id,district\nE1,武昌区\nE1,江岸区\n' >"$tmp/dup.csv"
ok "a duplicate enterprise_id exits 3" exit_code 3 "$DX" match "$R" "$tmp/dup.csv" --out "$tmp/e"
ok "… naming the row" has "$tmp/ec.err" "dup.csv:3: enterprise_id E1 is already on an earlier row"
ok "… and writes nothing" sh -c "[ ! -e '$tmp/e' ]"
printf 'enterprise_id,policy,district\nE1,A-FIXED,武昌区\n' >"$tmp/pol.csv"
ok "a register with a policy column exits 3" exit_code 3 "$DX" match "$R" "$tmp/pol.csv" --out "$tmp/f"
ok "… naming the column" has "$tmp/ec.err" "pol.csv:1:2: a register has no policy column"
printf 'district\n武昌区\n' >"$tmp/noid.csv"
ok "a register without enterprise_id exits 3" exit_code 3 "$DX" match "$R" "$tmp/noid.csv" --out "$tmp/g"
printf 'enterprise_id,district\n,武昌区\n' >"$tmp/empty.csv"
ok "an empty enterprise_id exits 3" exit_code 3 "$DX" match "$R" "$tmp/empty.csv" --out "$tmp/h"
ok "--threads 0 is a usage error" exit_code 1 "$DX" match "$R" "$D/register.csv" --out "$tmp/i" --threads 0
ok "--format with --out is a usage error" exit_code 1 "$DX" match "$R" "$D/register.csv" --out "$tmp/j" --format csv
printf 'enterprise_id,district,revenue,headcount\nE1,武昌区,abc,60\n' >"$tmp/bad.csv"
ok "a bad cell is an error row in every policy, not a failure" sh -c "'$DX' match '$R' '$tmp/bad.csv' --out '$tmp/k' --date 2022-06-30 && grep -q '^E1,error,,,' '$tmp/k/A-FIXED.csv' && grep -q '^E1,error,,,' '$tmp/k/B-SHARE.csv'"
printf 'enterprise_id,district,headcount\nE1,武昌区,60\n' >"$tmp/one.csv"
ok "the profile form still works on a one-row CSV" sh -c "'$DX' match '$R' '$tmp/one.csv' --date 2022-06-30 --format csv | grep -q '^A-FIXED,落户奖励,commerce,approved,5000000,'"
# the prefilter (a false clause that cannot fail rejects early) keeps the
# three-valued answer: missing is not false, an error elsewhere outranks it
P=$SRC/tests/data/match-prefilter
ok "the prefilter gives the answers worked by hand" sh -c "'$DX' match '$P/rules.yaml' '$P/register.csv' --out '$tmp/p' --date 2022-06-30 && diff -r '$P/expected' '$tmp/p'"
ok "… as does the full evaluation (DUIXIAN_PREFILTER_OFF=1)" sh -c "DUIXIAN_PREFILTER_OFF=1 '$DX' match '$P/rules.yaml' '$P/register.csv' --out '$tmp/q' --date 2022-06-30 --threads 1 && diff -r '$P/expected' '$tmp/q'"
echo "1..$n"; [ "$failed" -eq 0 ]
