#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian clawback, refund and ledger --date (docs/cli.md, docs/rules.md
# §14, §15) on the 0.1 release's ledger (tests/data/ledger/wuchang-2022-v3.db)
# after a payment run. Every amount expected is summed by awk from the
# round's own schedule.csv kept beside the ledger, or written out by hand
# from it: WC2022-00003's COM-XS grant is 1/3 5000000 fen on 2022-06-30
# (paid by the run through 2022-12-31), 2/3 2000000 on 2023-06-30 and 3/3
# 2178418 on 2024-06-30 (still scheduled), so a claw-back cancels 4178418
# and asks back 5000000.
# usage: test-cli-clawback.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
R=$SRC/rules/wuchang-2022.yaml
S=$SRC/tests/data/ledger/wuchang-2022-v3-schedule.csv
. "$SRC/tests/cli/tap.sh"
L=$tmp/ledger.db
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$L"
head_of() { "$DX" verify "$1" | sed 's/.*head //'; }
grant() {  # "paid cancelled" of $1/$2 for a run through $3: the schedule's lines on or before it, and after
    awk -F, -v a="$1" -v p="$2" -v d="$3" 'NR > 1 && $5 == a && $6 == p { if ($2 <= d) s += $9; else c += $9 }
        END { printf "%.0f %.0f\n", s, c }' "$S"
}
json() {  # json FILE EXPR: prints EXPR over the parsed file (d)
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

ok "pay through 2022-12-31" exit_code 0 "$DX" pay "$R" --ledger "$L" --through 2022-12-31 --out "$tmp/p1"
ok "the hand-worked grant agrees with schedule.csv" [ "$(grant WC2022-00003 COM-XS 2022-12-31)" = '5000000 4178418' ]

# --- a manual claw-back
ok "clawback WC2022-00003 COM-XS" exit_code 0 "$DX" clawback --ledger "$L" --app WC2022-00003 --policy COM-XS \
    --date 2023-03-01 --reason "企业迁出本区" --out "$tmp/cb"
cp "$tmp/ec.out" "$tmp/cb.out"
ok "… clawbacks.csv: the grant's row, scheduled lines cancelled, refund due = Σ paid" sh -c "
    printf 'app_id,enterprise_id,policy_id,bureau,date,paid_fen,cancelled_fen,refund_due_fen,reasons\n%s\n' \
        'WC2022-00003,91420106B8CH195WN1,COM-XS,commerce,2023-03-01,5000000,4178418,5000000,企业迁出本区' > '$tmp/want' &&
    cmp '$tmp/want' '$tmp/cb/clawbacks.csv'"
ok "… clawbacks.json: §14's totals and keys, sorted" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == sorted(["format", "fund", "date", "reviewed", "kept", "breached", "missing", "errors", "cancelled_fen", "refund_due_fen"]), list(d)
assert d["format"] == "duixian/2" and d["fund"] == "GZXX/344001/004" and d["date"] == "2023-03-01"
assert (d["breached"], d["reviewed"], d["kept"], d["missing"], d["errors"]) == (1, 0, 0, 0, 0)
assert d["cancelled_fen"] == 4178418 and d["refund_due_fen"] == 5000000, d
' "$tmp/cb/clawbacks.json"
H1=$(head_of "$L")
ok "… prints the new head, which verify reports, and writes it to ledger-head.txt" sh -c "
    grep -qx 'ledger head: $H1' '$tmp/cb.out' && [ \"\$(cat '$tmp/cb/ledger-head.txt')\" = '$H1' ]"
ok "verify passes after the claw-back" exit_code 0 "$DX" verify "$L"

# --- §15's view
"$DX" ledger "$L" --date 2023-03-01 --format json > "$tmp/view.json"
ok "ledger --date: commerce shows the cancelled lines and the refund due" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["key"]: x for x in d["envelopes"]}
c = e["commerce"]
assert c["cancelled_fen"] == 4178418 and c["refund_due_fen"] == 5000000 and c["refund_received_fen"] == 0, c
assert e["finance"]["cancelled_fen"] == 0 and e["finance"]["refund_due_fen"] == 0
for x in e.values():   # granted = paid + scheduled + forfeited + cancelled; net charged and remaining
    assert x["granted_fen"] == x["paid_fen"] + x["scheduled_due_fen"] + x["scheduled_future_fen"] + x["forfeited_fen"] + x["cancelled_fen"], x
    assert x["charged_fen"] == x["granted_fen"] - x["forfeited_fen"] - x["cancelled_fen"] - x["refund_received_fen"], x
    assert x["remaining_fen"] == x["total_fen"] - x["charged_fen"], x
assert [(r["app_id"], r["policy_id"], r["due_fen"], r["received_fen"]) for r in d["refunds_outstanding"]] == [("WC2022-00003", "COM-XS", 5000000, 0)]
' "$tmp/view.json"
want=$(awk -F, 'NR > 1 && $10 == "paid" { s[$3] += $9 } END { printf "%.0f %.0f\n", s["commerce"], s["finance"] }' "$tmp/p1/payments.csv")
ok "… paid per envelope is what the payment run paid (payments.csv, by bureau)" \
    [ "$(json "$tmp/view.json" '" ".join(str(x["paid_fen"]) for x in d["envelopes"])')" = "$want" ]
"$DX" ledger "$L" --date 2023-06-30 --format json > "$tmp/v2.json"
want=$(awk -F, 'NR > 1 && $3 == "commerce" && $2 > "2022-12-31" && $2 <= "2023-06-30" { s += $9 } END { printf "%.0f", s - 2000000 }' "$S")
ok "… scheduled due by 2023-06-30 is the schedule's 2023 H1 lines less the cancelled 2/3 line" \
    [ "$(json "$tmp/v2.json" '[x for x in d["envelopes"] if x["key"] == "commerce"][0]["scheduled_due_fen"]')" = "$want" ]
ok "ledger (text) lists the refund outstanding in 万元" sh -c "
    \"$DX\" ledger '$L' --date 2023-03-01 > '$tmp/view.txt' && grep -q 'refunds outstanding' '$tmp/view.txt' &&
    grep -q 'WC2022-00003 .* COM-XS commerce clawed back 2023-03-01: due 500万元\\|WC2022-00003 .* COM-XS commerce clawed back 2023-03-01: due 5万元' '$tmp/view.txt'"
ok "ledger --date that is no date: usage" exit_code 1 "$DX" ledger "$L" --date 2023-02-30

# --- refusals commit nothing
ok "a second claw-back of the grant is refused (exit 5)" exit_code 5 "$DX" clawback --ledger "$L" --app WC2022-00003 \
    --policy COM-XS --date 2023-04-01 --reason "again" --out "$tmp/cb2"
ok "… saying when it was clawed back" has "$tmp/ec.err" "clawed back already on 2023-03-01"
ok "a receipt larger than due is refused (exit 5)" exit_code 5 "$DX" refund --ledger "$L" --app WC2022-00003 \
    --policy COM-XS --amount 5.01万元 --date 2023-04-01 --ref R1
ok "… naming the amount and what is still due" has "$tmp/ec.err" "5.01万元 is more than the 5万元 still due"
ok "a receipt of 0 is refused" exit_code 5 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS --amount 0 \
    --date 2023-04-01 --ref R1
ok "an amount that is not money: usage" exit_code 1 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS \
    --amount 3.001元 --date 2023-04-01 --ref R1
ok "a receipt without a reference: usage" exit_code 1 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS \
    --amount 1万元 --date 2023-04-01 --ref " "
ok "revoking a clawed-back grant is refused (exit 5)" exit_code 5 "$DX" revoke "$L" --app WC2022-00003 --reason "迁出"
ok "a claw-back of a grant the ledger lacks is refused" exit_code 5 "$DX" clawback --ledger "$L" --app WC2022-00003 \
    --policy COM-ECOM --date 2023-04-01 --reason x --out "$tmp/cb3"
ok "a claw-back without a reason: usage" exit_code 1 "$DX" clawback --ledger "$L" --app WC2022-00001 \
    --policy COM-ECOM --date 2023-04-01 --out "$tmp/cb3"
ok "a claw-back date that is no date: usage" exit_code 1 "$DX" clawback --ledger "$L" --app WC2022-00001 \
    --policy COM-ECOM --date 2023-13-01 --reason x --out "$tmp/cb3"
ok "no such ledger: exit 5" exit_code 5 "$DX" refund --ledger "$tmp/none.db" --app A --policy P --amount 1元 \
    --date 2023-04-01 --ref R1
ok "… none of these moved the head, or left a file in the refused claw-back's DIR" sh -c "
    [ '$(head_of "$L")' = '$H1' ] && [ -z \"\$(ls -A '$tmp/cb2' 2>/dev/null)\" ] && [ ! -e '$tmp/none.db' ]"

printf x > "$tmp/afile"
ok "a claw-back whose --out is a file: exit 4 (output)" exit_code 4 "$DX" clawback --ledger "$L" --app WC2022-00009 \
    --policy COM-XS --date 2023-04-01 --reason x --out "$tmp/afile"
ok "… and nothing committed" [ "$(head_of "$L")" = "$H1" ]

# --- receipts
ok "a receipt of 3万元" exit_code 0 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS --amount 3万元 \
    --date 2023-04-01 --ref "回单 0401"
ok "… says 2万元 is still due and prints the new head" sh -c "grep -q 'still due 2万元' '$tmp/ec.out' &&
    grep -qx \"ledger head: \$(\"$DX\" verify '$L' | sed 's/.*head //')\" '$tmp/ec.out'"
A=$SRC/examples/applications-2022.csv
ok "explain --ledger shows the grant's lines, the claw-back and the refunds" sh -c "
    \"$DX\" explain '$R' '$A' --approval-date 2022-06-30 --app WC2022-00003 --ledger '$L' > '$tmp/ex.txt' &&
    printf '%s\n' '台账：COM-XS，批准日 2022-06-30，核定 91,784.18元' '  第 1/3 期 2022-06-30 5万元：已拨付' \
        '  第 2/3 期 2023-06-30 2万元：已取消' '  第 3/3 期 2024-06-30 21,784.18元：已取消' \
        '  已于 2023-03-01 追回，原因：企业迁出本区；停止拨付 41,784.18元，应退回 5万元' \
        '  已退回 3万元，尚应退回 2万元' > '$tmp/want' &&
    grep -A5 '^台账：' '$tmp/ex.txt' | cmp '$tmp/want' -"
ok "… and in English with --lang en" sh -c "
    \"$DX\" explain '$R' '$A' --approval-date 2022-06-30 --app WC2022-00003 --ledger '$L' --lang en |
    grep -qx '  clawed back on 2023-03-01: 企业迁出本区; 41,784.18元 not paid, 5万元 to be refunded'"
ok "a second receipt of 2.0001万元 is refused (1元 more than due)" exit_code 5 "$DX" refund --ledger "$L" \
    --app WC2022-00003 --policy COM-XS --amount 20,001元 --date 2023-04-02 --ref R2
ok "a receipt of the 20,000元 left" exit_code 0 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS \
    --amount 20,000元 --date 2023-04-02 --ref R2
"$DX" ledger "$L" --date 2023-04-02 --format json > "$tmp/v3.json"
ok "… nothing outstanding; received 5万元 in commerce" [ "$(json "$tmp/v3.json" 'len(d["refunds_outstanding"])')" = 0 ] &&
    [ "$(json "$tmp/v3.json" '[x["refund_received_fen"] for x in d["envelopes"] if x["key"] == "commerce"][0]')" = 5000000 ]
ok "… and no more can be received" exit_code 5 "$DX" refund --ledger "$L" --app WC2022-00003 --policy COM-XS \
    --amount 0.01元 --date 2023-04-03 --ref R3
ok "verify passes after the receipts" exit_code 0 "$DX" verify "$L"

# --- a later round gets the room back (§15): one new COM-ECOM application
# whose award is 2000万 fen in an empty fund (checked below); the envelope
# is full after the 0.1 round, so it gets nothing, but after the claw-back
# and the receipts it gets 4178418 + 5000000 fen
(head -1 "$SRC/examples/applications-2022.csv"
 grep '^WC2022-00001,' "$SRC/examples/applications-2022.csv" |
     sed 's/^WC2022-00001,91420106MC1LBL87B2,/WC2022-90001,91420106MC1LBL87ZZ,/') > "$tmp/new.csv"
ok "the new application alone, no ledger: 20,000,000 fen" sh -c "
    \"$DX\" run '$R' '$tmp/new.csv' --approval-date 2022-09-30 --out '$tmp/free' --dry-run >/dev/null &&
    awk -F, 'NR == 2 { exit !(\$7 == 20000000) }' '$tmp/free/decisions.csv'"
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$tmp/base.db"
ok "on the 0.1 ledger as it was: unfunded, 0" sh -c "
    \"$DX\" run '$R' '$tmp/new.csv' --approval-date 2022-09-30 --ledger '$tmp/base.db' --out '$tmp/rb' >/dev/null &&
    awk -F, 'NR == 2 { exit !(\$7 == 0) }' '$tmp/rb/decisions.csv'"
ok "after the claw-back and receipts: 9178418 fen (cancelled + received)" sh -c "
    \"$DX\" run '$R' '$tmp/new.csv' --approval-date 2022-09-30 --ledger '$L' --out '$tmp/rc' >/dev/null &&
    awk -F, 'NR == 2 { exit !(\$7 == 9178418) }' '$tmp/rc/decisions.csv'"
ok "… its summary.json's charged_before is the net charged, 3000000000 - 9178418" \
    [ "$(json "$tmp/rc/summary.json" 'd["envelopes"]["commerce"]["charged_before"]')" = 2990821582 ]
ok "verify passes after the later round" exit_code 0 "$DX" verify "$L"
r2=$("$DX" ledger "$L" --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["rounds"][-1]["round_id"])')
ok "replay of the later round sees the claw-back and receipts as they were: identical" \
    exit_code 0 "$DX" replay "$L" --round "$r2" "$R" "$tmp/new.csv"

# --- a claw-back with nothing paid: refund 0, and revoke refused
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$tmp/np.db"
ok "clawback of an unpaid grant: refund 0, every line cancelled" sh -c "
    \"$DX\" clawback --ledger '$tmp/np.db' --app WC2022-00003 --policy COM-XS --date 2022-07-01 --reason 主动放弃 --out '$tmp/np' >/dev/null &&
    [ \"\$(tail -1 '$tmp/np/clawbacks.csv' | cut -d, -f6-8)\" = '0,9178418,0' ]"
ok "… revoke of it is refused although nothing was paid" exit_code 5 "$DX" revoke "$tmp/np.db" --app WC2022-00003 --reason x
ok "… the refusal says clawed back" has "$tmp/ec.err" "was clawed back"
ok "… and a receipt on it is refused (nothing due)" exit_code 5 "$DX" refund --ledger "$tmp/np.db" --app WC2022-00003 \
    --policy COM-XS --amount 1元 --date 2022-07-02 --ref R
ok "… a payment run then pays none of its lines" sh -c "
    \"$DX\" pay '$R' --ledger '$tmp/np.db' --through 2024-12-31 --out '$tmp/npp' >/dev/null &&
    ! grep -q ',WC2022-00003,COM-XS,' '$tmp/npp/payments.csv'"
ok "verify passes" exit_code 0 "$DX" verify "$tmp/np.db"

# --- verify detects a tampered claw-back or receipt, the chain recomputed or not
tamper() {  # tamper DB SQL: runs SQL with the triggers dropped
    python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER entries_no_update")
db.execute(sys.argv[2])
db.commit()' "$1" "$2"
}
cp "$L" "$tmp/t1.db"; tamper "$tmp/t1.db" "UPDATE entries SET award_fen = award_fen - 1 WHERE kind = 'clawback'"
ok "a clawback entry edited: verify fails (exit 6)" exit_code 6 "$DX" verify "$tmp/t1.db"
ok "… naming it" has "$tmp/ec.err" "clawback WC2022-00003 COM-XS): hash does not match"
python3 "$SRC/tests/cli/forge-ledger.py" "$tmp/t1.db"
ok "… with the chain recomputed, its sums give it away" exit_code 6 "$DX" verify "$tmp/t1.db"
ok "… naming the sums" has "$tmp/ec.err" "do not add up to its award_fen (refund due)"
cp "$L" "$tmp/t2.db"; tamper "$tmp/t2.db" "UPDATE entries SET award_fen = 4000000 WHERE kind = 'refund' AND award_fen = 3000000"
python3 "$SRC/tests/cli/forge-ledger.py" "$tmp/t2.db"
ok "a receipt raised past the claim, chain recomputed: verify fails" exit_code 6 "$DX" verify "$tmp/t2.db"
ok "… naming it" has "$tmp/ec.err" "receipts on its grant add up to more than the refund due"

echo "1..$n"
[ "$failed" -eq 0 ]
