#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Conditional installments (docs/rules.md §13) on tests/data/pay/: a round
# of tongliang-2022.yaml approved 2022-06-30, then four payment runs. The
# expected lines and sums are worked out by hand from the rules and the
# checks files (the arithmetic is in the comments), not read back from
# the program.
# usage: test-cli-pay-conditions.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
D=$SRC/tests/data/pay
R=$D/tongliang-2022.yaml
. "$SRC/tests/cli/tap.sh"
L=$tmp/ledger.db
rows() {  # "app/k status reasons" of every row of a payments.csv
    awk -F, 'NR > 1 { print $5 "/" $7 " " $10 " " $11 }' "$1" | tr '\n' '|'
}
sums() {  # paid forfeited held fen of a payments.json
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["paid_fen"], d["forfeited_fen"], d["held_fen"])' "$1"
}

ok "round 1 (approval 2022-06-30)" exit_code 0 "$DX" run "$R" "$D/apps-2022.csv" --approval-date 2022-06-30 \
    --ledger "$L" --out "$tmp/r1"
# at approval: 3 x 5万 (COM-GRAD) + 3 x 1600元 (COM-REPORT) + 15万 (FIN-HQ, 50%) = 30.48万元, no requires
ok "run 1 through 2022-06-30 pays the 7 lines at approval" exit_code 0 "$DX" pay "$R" --ledger "$L" \
    --through 2022-06-30 --out "$tmp/p1"
ok "… 30.48万元, nothing held" [ "$(sums "$tmp/p1/payments.json")" = '30480000 0 0' ]
# the treasury's files, one per batch: commerce 3 x 5万元 + 3 x 1600元, finance 15万元
ok "… treasury files: one per batch_id, amounts in 元 and fen" sh -c "
    ls '$tmp/p1' | grep treasury | tr '\n' ' ' | grep -qx 'treasury-20220630-commerce.csv treasury-20220630-finance.csv ' &&
    [ \"\$(awk -F, 'NR > 1 { print \$6, \$7, \$12, \$13 }' '$tmp/p1/treasury-20220630-finance.csv')\" = 'A6 FIN-HQ 150000.00 15000000' ] &&
    [ \"\$(awk -F, 'NR > 1 { n++; s += \$13 } END { print n, s }' '$tmp/p1/treasury-20220630-commerce.csv')\" = '6 15480000' ] &&
    grep -q '^20220630-commerce,2022-06-30,commerce,E1,,A4,COM-REPORT,统计报表报送补贴（分三年拨付）,铜商务发〔2022〕29号,1,3,1600.00,160000\$' '$tmp/p1/treasury-20220630-commerce.csv'"

# 2023-06-30 without checks: the six lines with requires are held (no
# row), FIN-HQ's second half (no requires) is paid: 15万; held 3 x 2万 + 3 x 1600元
ok "run 2 through 2023-06-30 without a checks file" exit_code 0 "$DX" pay "$R" --ledger "$L" \
    --through 2023-06-30 --out "$tmp/p2"
ok "… holds every line with requires (requirement_missing), pays the one without" [ "$(sums "$tmp/p2/payments.json")" = '15000000 0 6480000' ]
ok "… line by line (app/installment status reasons)" [ "$(rows "$tmp/p2/payments.csv")" = 'A1/2 held requirement_missing|A2/2 held requirement_missing|A3/2 held requirement_missing|A4/2 held requirement_missing|A5/2 held requirement_missing|A8/2 held requirement_missing|A6/2 paid |' ]
ok "… and says why" has "$tmp/p2/payments-explained.csv" "A1,E1,COM-GRAD,2,3,held,第 2/3 期暂缓拨付：核查数据中没有该企业"
cp "$L" "$tmp/after-p2.db"

# bad checks files stop the run before anything is committed
head -c 0 /dev/null > "$tmp/empty"
printf 'enterprise_id,above_threshold\nE1,true\nE1,false\n' > "$tmp/twice.csv"
printf 'above_threshold\ntrue\n' > "$tmp/noid.csv"
printf 'enterprise_id,above_threshold\nE1,maybe\n' > "$tmp/badcell.csv"
printf 'enterprise_id,above_threshold\nE1,true,extra\n' > "$tmp/wide.csv"
printf 'enterprise_id,above_threshold\n,true\n' > "$tmp/noeid.csv"
ok "checks: two rows for one enterprise → exit 3 naming both lines" sh -c "
    ! '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$tmp/twice.csv' --out '$tmp/bad' 2>'$tmp/e' &&
    grep -q 'twice.csv:3: enterprise_id “E1” has a row already (line 2)' '$tmp/e'"
ok "checks: no enterprise_id column → exit 3" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$tmp/noid.csv' --out '$tmp/bad' 2>'$tmp/e'; [ \$? = 3 ] &&
    grep -q 'noid.csv:1:1: header: no enterprise_id column' '$tmp/e'"
ok "checks: a bad cell → exit 3 naming line, column and field" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$tmp/badcell.csv' --out '$tmp/bad' 2>'$tmp/e'; [ \$? = 3 ] &&
    grep -q 'badcell.csv:2:2: field “above_threshold”' '$tmp/e'"
ok "checks: a wrong cell count → exit 3" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$tmp/wide.csv' --out '$tmp/bad' 2>'$tmp/e'; [ \$? = 3 ] &&
    grep -q 'wide.csv:2:0: the row has 3 cells, the header 2' '$tmp/e'"
ok "checks: an empty enterprise_id → exit 3" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$tmp/noeid.csv' --out '$tmp/bad' 2>'$tmp/e'; [ \$? = 3 ] &&
    grep -q 'noeid.csv:2: enterprise_id is empty' '$tmp/e'"
ok "… none of them committed anything" cmp "$L" "$tmp/after-p2.db"

# 2024-03-31 with checks-2023.csv (lines dated 2023-06-30 only; the
# parameter min_sales is 500万 on the lines' date, 600万 on the run's):
#   E1 above, reports, 800万      A1/2 paid 2万, A4/2 paid 1600元
#   E2 not above                  A2/2 forfeited 2万, forfeit_rest: A2/3 (2024-06-30) forfeited 3万
#   E3 above_threshold empty      A3/2 held 2万 (requirement_missing)
#   E4 550万 ≥ 500万               A5/2 paid 1600元 (it would fail against 600万)
#   E5 450万 < 500万               A8/2 forfeited 1600元, on_fail forfeit: A8/3 stays scheduled
# paid 2万 + 2 x 1600元 = 2,320,000 fen; forfeited 2万 + 3万 + 1600元 = 5,160,000; held 2,000,000
ok "run 3 through 2024-03-31 with checks-2023.csv" exit_code 0 "$DX" pay "$R" --ledger "$L" \
    --through 2024-03-31 --checks "$D/checks-2023.csv" --out "$tmp/p3"
ok "… pays, forfeits (forfeit_rest reaching a line not yet due) and holds as worked out" [ "$(sums "$tmp/p3/payments.json")" = '2320000 5160000 2000000' ]
ok "… line by line (app/installment status reasons)" [ "$(rows "$tmp/p3/payments.csv")" = 'A1/2 paid |A2/2 forfeited requirement_failed|A3/2 held requirement_missing|A4/2 paid |A5/2 paid |A8/2 forfeited requirement_failed|A2/3 forfeited requirement_failed|' ]
ok "… warns about the columns it ignored" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2024-03-31 --checks '$D/checks-2023.csv' --out '$tmp/p3b' --dry-run 2>'$tmp/e' &&
    grep -q 'ignored columns “app_id”: the grant supplies them' '$tmp/e' && grep -q 'match no field: “note”' '$tmp/e'"
ok "… explains each held and forfeited line with the clause and its values" has "$tmp/p3/payments-explained.csv" \
    "A2,E2,COM-GRAD,2,3,forfeited,第 2/3 期拨付条件「仍为限上企业」不满足：是否限上企业为 否，要求为 是；本期及以后各期不再拨付" \
    "A3,E3,COM-GRAD,2,3,held,第 2/3 期拨付条件所需「是否限上企业」缺失，暂缓拨付" \
    "A8,E5,COM-REPORT,2,3,forfeited,第 2/3 期拨付条件「零售额达标」不满足：本年零售额为 450万元，要求 ≥ 500万元；本期不再拨付" \
    "A2,E2,COM-GRAD,3,3,forfeited,第 3/3 期不再拨付：第 2/3 期拨付条件不满足"
ok "payments.json: the envelope totals" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["bureaus"]["commerce"] == {"forfeited_fen": 5160000, "forfeited_lines": 3, "held_fen": 2000000,
                                    "held_lines": 1, "paid_fen": 2320000, "paid_lines": 3}, d
assert d["bureaus"]["finance"]["paid_lines"] == 0
' "$tmp/p3/payments.json"

# 2024-06-30 with checks-2024.csv (columns by label, 是/否; min_sales 600万 now):
#   E3 above now                  A3/2 (held before, its own date 2023-06-30) paid 2万; A3/3 paid 3万
#   E1 not above                  A1/3 forfeited 3万; A4/3: 800万 ≥ 600万 paid 1600元
#   E4 550万 < 600万               A5/3 forfeited 1600元
#   E5 700万                       A8/3 paid 1600元 (its 2/3 was forfeited: installments are independent)
# paid 2万 + 3万 + 2 x 1600元 = 5,320,000; forfeited 3万 + 1600元 = 3,160,000; held 0
ok "run 4 through 2024-06-30 with checks-2024.csv (label columns), --xlsx" exit_code 0 "$DX" pay "$R" --ledger "$L" \
    --through 2024-06-30 --checks "$D/checks-2024.csv" --out "$tmp/p4" --xlsx
ok "… pays the line held before, and the rest as worked out" [ "$(sums "$tmp/p4/payments.json")" = '5320000 3160000 0' ]
ok "… line by line (app/installment status reasons)" [ "$(rows "$tmp/p4/payments.csv")" = 'A3/2 paid |A1/3 forfeited requirement_failed|A3/3 paid |A4/3 paid |A5/3 forfeited requirement_failed|A8/3 paid |' ]
ok "… treasury: only paid lines, the name from the checks row" sh -c "
    [ \"\$(cat '$tmp/p4/treasury-'*.csv | grep -c forfeited)\" = 0 ] &&
    grep -q '^20230630-commerce,2023-06-30,commerce,E3,丙商贸有限公司,A3,COM-GRAD,.*,2,3,20000.00,2000000\$' '$tmp/p4/treasury-20230630-commerce.csv' &&
    [ \"\$(awk -F, 'FNR > 1 { s += \$13 } END { print s }' '$tmp/p4/treasury-'*.csv)\" = 5320000 ]"
# read back with a real reader (openpyxl, Debian's python3-openpyxl)
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    ok "… treasury-BATCH.xlsx read back: each row as in the CSV, 元 to the fen, and the total" /usr/bin/python3 -c '
import csv, glob, os, sys, openpyxl
from decimal import Decimal
files = sorted(glob.glob(os.path.join(sys.argv[1], "treasury-*.csv")))
assert len(files) == 2, files
for f in files:
    rows = list(csv.reader(open(f, encoding="utf-8")))[1:]
    ws = openpyxl.load_workbook(f[:-4] + ".xlsx").active
    got = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(got) == len(rows) + 1, (f, len(got), len(rows))
    for r, g in zip(rows, got):
        assert (g[0], g[3], g[4], g[5], g[6], g[9]) == (r[0], r[3], r[4] or None, r[5], r[6], r[9] + "/" + r[10]), (r, g)
        assert g[1].date().isoformat() == r[1], (r[1], g[1])
        assert Decimal(str(round(g[10], 2))) == Decimal(r[11]) and int(g[11]) == int(r[12]), (r, g)
    total = got[-1]
    assert total[0] == "合计" and int(total[11]) == sum(int(r[12]) for r in rows), total
' "$tmp/p4"
else
    ok "# SKIP python3-openpyxl is not installed" true
fi
ok "… the parameter in force on the line's date" has "$tmp/p4/payments-explained.csv" \
    "A5,E4,COM-REPORT,3,3,forfeited,第 3/3 期拨付条件「零售额达标」不满足：本年零售额为 550万元，要求 ≥ 600万元；本期不再拨付"
ok "run 5 through 2030-12-31" exit_code 0 "$DX" pay "$R" --ledger "$L" --through 2030-12-31 --out "$tmp/p5"
ok "… settles nothing: nothing is left to pay" [ "$(sums "$tmp/p5/payments.json")" = '0 0 0' ]
# envelope commerce: granted 31.44万, forfeited 5.16万 + 3.16万 = 8.32万 → net 23.12万, remaining 31.45万 − 23.12万 = 8.33万
ok "the ledger: forfeits are back in the envelope (net 23.12万, remaining 8.33万)" sh -c "
    '$DX' ledger '$L' > '$tmp/ledger.txt' && grep -Eq '^commerce +31.45 +23.12 +8.33\$' '$tmp/ledger.txt'"
ok "verify passes" exit_code 0 "$DX" verify "$L"
# per grant: paid + forfeited + still scheduled = granted (A8: 1600 paid + 1600 forfeited + 1600 paid)
ok "per grant, paid + forfeited = granted once every line is settled" sh -c "
    cat $tmp/p1/payments.csv $tmp/p3/payments.csv $tmp/p4/payments.csv | awk -F, '\$10 == \"paid\" || \$10 == \"forfeited\" { s[\$5] += \$9 }
        END { if (s[\"A1\"] != 10000000 || s[\"A2\"] != 10000000 || s[\"A3\"] != 10000000 || s[\"A4\"] != 480000 ||
                  s[\"A5\"] != 480000 || s[\"A8\"] != 480000) exit 1 }'"

# a forfeit frees envelope room that a later round grants: A9 asks 4800元;
# before the forfeits the commerce envelope had 31.45万 − 31.44万 = 100元 left
ok "round 2 on the ledger before the forfeits: A9 gets the 100元 left" sh -c "
    '$DX' run '$R' '$D/apps-2024.csv' --approval-date 2024-07-01 --ledger '$tmp/after-p2.db' --out '$tmp/r2n' >/dev/null &&
    grep -q '^A9,E6,COM-REPORT,commerce,reduced,480000,10000,' '$tmp/r2n/decisions.csv'"
ok "round 2 after the forfeits: A9 gets its 4800元" sh -c "
    '$DX' run '$R' '$D/apps-2024.csv' --approval-date 2024-07-01 --ledger '$L' --out '$tmp/r2' >/dev/null &&
    grep -q '^A9,E6,COM-REPORT,commerce,approved,480000,480000,' '$tmp/r2/decisions.csv'"
echo "1..$n"
[ "$failed" -eq 0 ]
