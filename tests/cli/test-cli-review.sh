#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian review (docs/rules.md §14) on tests/data/pay/tongliang-2022.yaml,
# whose FIN-HQ grant (A6, enterprise F1, 30万元 in two halves, approved
# 2022-06-30) carries a 60-month commitment to stay registered in 武昌区,
# refund pro_rata. The pro-rata refunds are computed here by Python's
# datetime from the dates (floor(paid × (E − D) / (E − A)) in days), not
# read from the program.
# usage: test-cli-review.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
P=$SRC/tests/data/pay
R=$P/tongliang-2022.yaml
. "$SRC/tests/cli/tap.sh"
L=$tmp/ledger.db
prorata() {   # prorata PAID_FEN D: the claim on A6 (A = 2022-06-30, E = 2027-06-30)
    python3 -c 'import datetime as d, sys
a, e, x = d.date(2022, 6, 30), d.date(2027, 6, 30), d.date.fromisoformat(sys.argv[2])
print(int(sys.argv[1]) * (e - x).days // (e - a).days)' "$1" "$2"
}
printf 'enterprise_id,district\nF1,东湖高新区\nE1,武昌区\n' > "$tmp/moved.csv"
printf 'enterprise_id,注册地\nF1,武昌区\n' > "$tmp/stayed.csv"
printf 'enterprise_id,district\nF1,\n' > "$tmp/blank.csv"

ok "a round and a payment run through 2022-12-31 (A6: 15万元 paid, 15万元 scheduled for 2023-06-30)" sh -c "
    '$DX' run '$R' '$P/apps-2022.csv' --approval-date 2022-06-30 --ledger '$L' --out '$tmp/r' >/dev/null &&
    '$DX' pay '$R' --ledger '$L' --through 2022-12-31 --out '$tmp/p' >/dev/null"
ok "review without --checks is a usage error" exit_code 1 "$DX" review "$R" --ledger "$L" --date 2022-12-31 --out "$tmp/x"
ok "kept: registered in 武昌区 (a label column)" exit_code 0 "$DX" review "$R" --ledger "$L" --checks "$tmp/stayed.csv" \
    --date 2022-12-31 --out "$tmp/k"
ok "… one grant reviewed, kept, nothing listed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/clawbacks.json"))
assert (d["reviewed"], d["kept"], d["breached"], d["missing"], d["errors"]) == (1, 1, 0, 0, 0), d
assert open(sys.argv[1] + "/clawbacks.csv").read().count("\n") == 1
' "$tmp/k"
ok "missing: an empty 注册地 changes nothing and is listed" exit_code 0 "$DX" review "$R" --ledger "$L" \
    --checks "$tmp/blank.csv" --date 2022-12-31 --out "$tmp/m"
ok "… commitment_missing with zero amounts, the field named" sh -c "
    grep -q '^A6,F1,FIN-HQ,finance,2022-12-31,0,0,0,commitment_missing\$' '$tmp/m/clawbacks.csv' &&
    grep -q '承诺「注册在本区」所需「注册地」缺失，本次未复核' '$tmp/m/clawbacks-explained.csv'"
cp "$L" "$tmp/before.db"
ok "a dry run of a breach commits nothing" sh -c "
    '$DX' review '$R' --ledger '$L' --checks '$tmp/moved.csv' --date 2022-12-31 --out '$tmp/d' --dry-run >/dev/null &&
    cmp '$L' '$tmp/before.db'"
WANT=$(prorata 15000000 2022-12-31)
ok "breach on 2022-12-31: moved to 东湖高新区" exit_code 0 "$DX" review "$R" --ledger "$L" --checks "$tmp/moved.csv" \
    --date 2022-12-31 --out "$tmp/b"
ok "… the scheduled 15万元 cancelled, the pro-rata claim on the 15万元 paid ($WANT fen)" \
    grep -q "^A6,F1,FIN-HQ,finance,2022-12-31,15000000,15000000,$WANT,commitment_breached\$" "$tmp/b/clawbacks.csv"
ok "… the sentence names the clause, the period, the values and the money" has "$tmp/b/clawbacks-explained.csv" \
    "违反承诺「注册在本区」（承诺期 2022-06-30 至 2027-06-30）：注册地为 “东湖高新区”，要求为 “武昌区”；停止拨付 15万元，应退回"
ok "… clawbacks.json: the counts and sums" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/clawbacks.json"))
assert list(d) == sorted(d)
assert (d["reviewed"], d["breached"], d["cancelled_fen"], d["refund_due_fen"]) == (1, 1, 15000000, int(sys.argv[2])), d
' "$tmp/b" "$WANT"
ok "… the head is printed and kept in ledger-head.txt" sh -c "
    [ \"\$(cat '$tmp/b/ledger-head.txt')\" = \"\$('$DX' verify '$L' | sed 's/.*head //')\" ]"
ok "… the cancelled line is not paid by a later run" sh -c "
    '$DX' pay '$R' --ledger '$L' --through 2023-06-30 --out '$tmp/p2' >/dev/null &&
    ! grep -q ',A6,FIN-HQ,' '$tmp/p2/payments.csv'"
ok "… the grant is reviewed no more" sh -c "
    '$DX' review '$R' --ledger '$L' --checks '$tmp/moved.csv' --date 2023-06-30 --out '$tmp/b2' >/dev/null &&
    grep -q '\"reviewed\": 0' '$tmp/b2/clawbacks.json'"
ok "… and the envelope has the 15万元 back (finance charged 15万元)" sh -c "
    '$DX' ledger '$L' | grep -Eq '^finance +40 +15 +25\$'"
ok "a receipt larger than the claim is refused (exit 5)" exit_code 5 "$DX" refund --ledger "$L" --app A6 \
    --policy FIN-HQ --amount 15万元 --date 2023-01-15 --ref 退款-001
ok "a receipt of the whole claim is taken" exit_code 0 "$DX" refund --ledger "$L" --app A6 --policy FIN-HQ \
    --amount "$(python3 -c "print('%d.%02d元' % divmod($WANT, 100))")" --date 2023-01-15 --ref 退款-001
ok "verify passes" exit_code 0 "$DX" verify "$L"

# a breach after both halves were paid: nothing to cancel, the claim on 30万元
L2=$tmp/ledger2.db
WANT2=$(prorata 30000000 2024-06-30)
ok "a second ledger, both halves paid; breach on 2024-06-30" sh -c "
    '$DX' run '$R' '$P/apps-2022.csv' --approval-date 2022-06-30 --ledger '$L2' --out '$tmp/r2' >/dev/null &&
    '$DX' pay '$R' --ledger '$L2' --through 2023-06-30 --out '$tmp/q' >/dev/null &&
    '$DX' review '$R' --ledger '$L2' --checks '$tmp/moved.csv' --date 2024-06-30 --out '$tmp/b3' >/dev/null"
ok "… claim $WANT2 fen, nothing cancelled" \
    grep -q "^A6,F1,FIN-HQ,finance,2024-06-30,30000000,0,$WANT2,commitment_breached\$" "$tmp/b3/clawbacks.csv"
ok "a review outside the period reviews nothing (2027-07-01)" sh -c "
    '$DX' run '$R' '$P/apps-2022.csv' --approval-date 2022-06-30 --ledger '$tmp/l3.db' --out '$tmp/r3' >/dev/null &&
    '$DX' review '$R' --ledger '$tmp/l3.db' --checks '$tmp/moved.csv' --date 2027-07-01 --out '$tmp/o' >/dev/null &&
    grep -q '\"reviewed\": 0' '$tmp/o/clawbacks.json'"
ok "… on its last day (2027-06-30) it breaches with refund 0" sh -c "
    '$DX' review '$R' --ledger '$tmp/l3.db' --checks '$tmp/moved.csv' --date 2027-06-30 --out '$tmp/e' >/dev/null &&
    grep -q '^A6,F1,FIN-HQ,finance,2027-06-30,0,30000000,0,commitment_breached\$' '$tmp/e/clawbacks.csv'"
echo "1..$n"
[ "$failed" -eq 0 ]
