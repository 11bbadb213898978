#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian pay (docs/cli.md, docs/rules.md §13) on a ledger written by the
# 0.1 release (tests/data/ledger/wuchang-2022-v3.db, the README's demo
# round): what each run pays is checked against the round's own
# schedule.csv, kept beside the ledger, summed here by awk.
# usage: test-cli-pay.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
R=$SRC/rules/wuchang-2022.yaml
S=$SRC/tests/data/ledger/wuchang-2022-v3-schedule.csv
. "$SRC/tests/cli/tap.sh"
L=$tmp/ledger.db
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$L"
due() {   # the fen and the count of schedule.csv lines dated after $1 and on or before $2
    awk -F, -v a="$1" -v b="$2" 'NR > 1 && $2 > a && $2 <= b { s += $9; n++ } END { printf "%.0f %d\n", s, n }' "$S"
}
paid() {  # the same of payments.csv's paid rows
    awk -F, 'NR > 1 && $10 == "paid" { s += $9; n++ } END { printf "%.0f %d\n", s, n }' "$1"
}

cp "$L" "$tmp/before.db"
ok "a dry run through 2022-12-31" exit_code 0 "$DX" pay "$R" --ledger "$L" --through 2022-12-31 --out "$tmp/dry" --dry-run
ok "… commits nothing (the file is unchanged, version 3 included)" cmp "$L" "$tmp/before.db"
ok "pay through 2022-12-31" exit_code 0 "$DX" pay "$R" --ledger "$L" --through=2022-12-31 --out "$tmp/p1"
ok "… pays exactly the schedule lines dated on or before it" sh -c "[ \"\$(due 0000 2022-12-31)\" = \"\$(paid $tmp/p1/payments.csv)\" ]" 
ok "… and the dry run had said the same" cmp "$tmp/dry/payments.csv" "$tmp/p1/payments.csv"
ok "payments.csv: schedule.csv's rows and order, status paid" sh -c "
    awk -F, 'NR > 1 && \$2 <= \"2022-12-31\"' '$S' | cut -d, -f1-9 > '$tmp/want' &&
    tail -n +2 '$tmp/p1/payments.csv' | cut -d, -f1-9 > '$tmp/got' && [ -s '$tmp/got' ] &&
    cmp '$tmp/want' '$tmp/got' && awk -F, 'NR > 1 && (\$10 != \"paid\" || \$11 != \"\") { exit 1 }' '$tmp/p1/payments.csv'"
ok "payments.json: per envelope and in all, keys sorted" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == sorted(d), list(d)
assert d["format"] == "duixian/2" and d["through"] == "2022-12-31" and d["fund"] == "GZXX/344001/004"
assert sorted(d["bureaus"]) == ["commerce", "finance"]
assert sum(b["paid_fen"] for b in d["bureaus"].values()) == d["paid_fen"] == int(sys.argv[2])
assert d["held_fen"] == 0 and d["forfeited_fen"] == 0
' "$tmp/p1/payments.json" "$(due 0000 2022-12-31 | cut -d' ' -f1)"
ok "the same date again pays nothing twice" exit_code 0 "$DX" pay "$R" --ledger "$L" --through 2022-12-31 --out "$tmp/p2"
ok "… payments.csv has only its header" sh -c "[ \$(wc -l < '$tmp/p2/payments.csv') = 1 ]"
ok "through 2023-12-31: the lines of 2023, no more" exit_code 0 "$DX" pay "$R" --ledger "$L" --through 2023-12-31 --out "$tmp/p3"
ok "… pays exactly the lines dated in 2023" sh -c "[ \"\$(due 2022-12-31 2023-12-31)\" = \"\$(paid $tmp/p3/payments.csv)\" ]"
ok "the ledger verifies with its payment runs" exit_code 0 "$DX" verify "$L"
ok "a grant with a paid installment cannot be revoked" exit_code 5 "$DX" revoke "$L" --app WC2022-00003 --reason "迁出"
ok "… the message points to claw-back" has "$tmp/ec.err" "clawed back"
ok "a date that is no date: usage" exit_code 1 "$DX" pay "$R" --ledger "$L" --through 2022-13-01 --out "$tmp/x"
ok "no such ledger" exit_code 5 "$DX" pay "$R" --ledger "$tmp/none.db" --through 2022-12-31 --out "$tmp/x"
ok "rules of another fund are refused" exit_code 5 "$DX" pay "$SRC/tests/data/fit/rules.yaml" --ledger "$L" --through 2022-12-31 --out "$tmp/x"
ok "… naming the fund" has "$tmp/ec.err" "no round of fund T/FIT"
ok "without --out: usage" exit_code 1 "$DX" pay "$R" --ledger "$L" --through 2022-12-31

echo "1..$n"
[ "$failed" -eq 0 ]
