#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# End-to-end tests of the commands that answer people (issue 6): explain
# (one decision in full, zh and en), match (the policy calculator), report
# (the file; tests/cli/test-report.sh checks it in a browser), per-command
# --help, --format and the closing table.
# usage: test-cli-ui.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"




ok "the round" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/r"
reduced=$(awk -F, '$5 == "reduced" && $8 ~ /capped/ && $8 ~ /rationed/ { print $1; exit }' "$tmp/r/decisions.csv")
rejected=$(awk -F, '$5 == "rejected" && $8 == "clause_failed" { print $1; exit }' "$tmp/r/decisions.csv")
grouped=$(awk -F, '$8 ~ /group_highest/ { print $1; exit }' "$tmp/r/decisions.csv")
shared=$(awk -F, '$3 == "FIN-HQ" && $5 == "reduced" { print $1; exit }' "$tmp/r/decisions.csv")

# --- explain
E="$DX explain $RULES $APPS --approval-date 2022-06-30"
ok "explain a reduced application" exit_code 0 $E --app "$reduced"
ok "… names the policy, basis, status and amounts" has "$tmp/ec.out" "依据" "核减兑现（reduced）" "测算" "核定"
ok "… shows each clause with actual and required values" has "$tmp/ec.out" "资格条件" "✓" "要求"
ok "… the computation: rate, cap, rationing factor" has "$tmp/ec.out" "按比例：" "单项上限" "按比例核减" "实际比例"
ok "… the installments with dates" has "$tmp/ec.out" "拨付计划" "2022-06-30" "批次 20220630-commerce"
granted=$(awk -F, -v a="$reduced" '$1 == a { print $7 }' "$tmp/r/decisions.csv")
ok "… the same granted amount as decisions.csv" sh -c "'$DX' explain '$RULES' '$APPS' --approval-date 2022-06-30 --app '$reduced' --format json | grep -q '\"granted_fen\":$granted,'"
ok "explain a rejected application" exit_code 0 $E --app "$rejected"
ok "… names the failed clause with its values" has "$tmp/ec.out" "不予兑现" "不满足「" "✗" "未测算奖励"
ok "explain a group loser" exit_code 0 $E --app "$grouped"
ok "… says which policy won" has "$tmp/ec.out" "就高不重复" "本项 0元"
ok "explain a policy with a fund share" exit_code 0 $E --app "$shared"
ok "… shows the share step" has "$tmp/ec.out" "本资金承担 50%"
ok "explain --lang en" exit_code 0 $E --app "$reduced" --lang en
ok "… is English" has "$tmp/ec.out" "Reasons" "Eligibility" "Computation" "by rate" "envelope rationed pro rata" "Payments"
ok "explain without --approval-date decides steps 1-6 only" exit_code 0 "$DX" explain "$RULES" "$APPS" --app "$reduced"
ok "… and says so" has "$tmp/ec.out" "仅第 1–6 步"
ok "explain an unknown app exits 3" exit_code 3 $E --app NO-SUCH-APP
ok "explain without --app exits 1" exit_code 1 "$DX" explain "$RULES" "$APPS"
ok "explain --lang fr exits 1" exit_code 1 $E --app "$reduced" --lang fr
ok "explain with --ledger is a dry run" sh -c "'$DX' run '$RULES' '$APPS' --approval-date 2022-06-30 --ledger '$tmp/l.db' --out '$tmp/rl' >/dev/null && h=\$('$DX' verify '$tmp/l.db') && '$DX' explain '$RULES' '$APPS' --approval-date 2022-07-31 --ledger '$tmp/l.db' --app '$reduced' | grep -q duplicate && [ \"\$h\" = \"\$('$DX' verify '$tmp/l.db')\" ]"

# --- match
cat > "$tmp/bank.yaml" <<'Y'
# 画像：没有 policy
district: 武昌区
institution_type: 银行
org_form: 法人总部
established_on: 2021-09-01
paid_in_capital: "12亿元"
Y
ok "match a YAML profile" exit_code 0 "$DX" match "$RULES" "$tmp/bank.yaml" --date 2022-06-30
ok "… qualifies for FIN-HQ with the amount (12亿元 × 2%, cap 1,000万元, × 50%)" sh -c "grep 'FIN-HQ' '$tmp/ec.out' | grep -q '500万元'"
ok "… and lists what is missing for others" has "$tmp/ec.out" "补充以下数据后可能享受" "缺少：年租金（不含物业水电）"
printf 'district,institution_type,org_form,established_on,实缴资本（元）\n武昌区,银行,法人总部,2021-09-01,"1,200,000,000"\n' > "$tmp/bank.csv"
ok "match a CSV profile (aliases work)" exit_code 0 "$DX" match "$RULES" "$tmp/bank.csv" --date 2022-06-30 --format csv
ok "… as CSV" sh -c "head -1 '$tmp/ec.out' | grep -qx 'policy_id,name,bureau,status,amount_fen,missing,why' && grep -q '^FIN-HQ,.*,reduced,500000000,' '$tmp/ec.out'"
ok "… with why a policy does not apply" grep -q '^FIN-BRANCH,金融机构分支机构落户奖励,finance,rejected,0,,不满足「分支机构」：机构层级为 “法人总部”，要求为 “分支机构”$' "$tmp/ec.out"
ok "match says why each policy that does not apply fails: the clause and the values" sh -c "'$DX' match '$RULES' '$tmp/bank.yaml' --date 2022-06-30 | grep -A1 '^  FIN-BRANCH' | grep -q '不满足「分支机构」：机构层级为 “法人总部”，要求为 “分支机构”'"
ok "… under its own heading, every policy listed once" sh -c "'$DX' match '$RULES' '$tmp/bank.yaml' --date 2022-06-30 >'$tmp/m.txt' && grep -q '^不适用的政策及原因' '$tmp/m.txt' && [ \$(grep -cE '^  (FIN|COM)-' '$tmp/m.txt') = 14 ]"
ok "… and a window it is outside of" sh -c "'$DX' match '$RULES' '$tmp/bank.yaml' --date 2022-12-20 | grep -A1 '^  FIN-HQ' | grep -q '不在受理期'"
ok "match --format json: why" sh -c "'$DX' match '$RULES' '$tmp/bank.yaml' --date 2022-06-30 --format json | python3 -c 'import json,sys; d={x[\"policy_id\"]: x for x in json.load(sys.stdin)}; assert len(d)==14 and d[\"FIN-HQ\"][\"why\"]==\"\" and \"机构层级\" in d[\"FIN-BRANCH\"][\"why\"], d'"
ok "match --format json is JSON" sh -c "'$DX' match '$RULES' '$tmp/bank.yaml' --date 2022-06-30 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(x[\"policy_id\"]==\"FIN-HQ\" and x[\"amount_fen\"]==500000000 for x in d)'"
ok "match a missing profile exits 3" exit_code 3 "$DX" match "$RULES" "$tmp/none.yaml"

# --- report (the file; the browser test is test-report.sh)
ok "report writes DIR/report.html" exit_code 0 "$DX" report "$RULES" "$tmp/r"
ok "… self-contained, inline SVG, 万元" sh -c "grep -q '<svg' '$tmp/r/report.html' && ! grep -qi '<script\\|<link\\|https\\?://' '$tmp/r/report.html' && grep -q '万元' '$tmp/r/report.html'"
ok "… with the performance targets" has "$tmp/r/report.html" "绩效目标" "2022-12-31 前完成拨付"
ok "report of a missing directory exits 3" exit_code 3 "$DX" report "$RULES" "$tmp/none"

# --- help and tables
for c in check decide run explain match report ledger verify revoke; do
    ok "$c --help exits 0 with examples" sh -c "'$DX' $c --help | grep -q 'examples:'"
done
ok "the closing table has remaining 万元" sh -c "'$DX' run '$RULES' '$APPS' --approval-date 2022-06-30 --out '$tmp/r3' | head -1 | grep -q 'remaining 万元'"
ok "check lists a format-2 file's parameters with their dated values" sh -c "'$DX' check '$SRC/rules/wuchang-2023.yaml' | grep -qx 'param     hq_rate    落户奖励比例: 2% from 2021-06-16, 1.5% from 2022-07-01'"
ok "check --format json: the parameters" sh -c "'$DX' check '$SRC/rules/wuchang-2023.yaml' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); p=d[\"params\"][0]; assert p[\"name\"]==\"hq_rate\" and p[\"values\"]==[{\"from\":\"2021-06-16\",\"value\":\"2%\"},{\"from\":\"2022-07-01\",\"value\":\"1.5%\"}], p'"
ok "check --format json of a format-1 file has no params key" sh -c "'$DX' check '$RULES' --format json | python3 -c 'import json,sys; assert \"params\" not in json.load(sys.stdin)'"
ok "explain: one unit per sentence (not 3,000万元 beside 32,685,370.15元)" sh -c '
    for app in $(awk -F, "NR > 1 && NR < 60 { print \$1 }" "$4/decisions.csv" | sort -u); do
        for lang in zh en; do
            "$1" explain "$2" "$3" --approval-date 2022-06-30 --app "$app" --lang $lang | python3 "$5" || exit 1
        done
    done' sh "$DX" "$RULES" "$APPS" "$tmp/r" "$SRC/tests/cli/check-one-unit.py"
printf 'app_id,enterprise_id,policy,submitted_on\nA1,E1,FIN-HQ,2022/6/30\n' >"$tmp/slash.csv"
ok "explain a date with slashes: what to write, in Chinese throughout" sh -c '"$1" explain "$2" "$3" --app A1 | grep -q "：“2022/6/30”不是 YYYY-MM-DD 格式的日期，应写作 2022-06-30  \[invalid_field\]"' sh "$DX" "$RULES" "$tmp/slash.csv"
ok "… and in English throughout with --lang en" sh -c '"$1" explain "$2" "$3" --app A1 --lang en | grep "invalid_field" | grep -q ": “2022/6/30” is not a date written YYYY-MM-DD: write 2022-06-30  \[invalid_field\]$"' sh "$DX" "$RULES" "$tmp/slash.csv"
sed 's/award: {fixed: 5万元}/award: {rate: 2, of: 5万元}/' "$SRC/rules/minimal.yaml" >"$tmp/lint.yaml"
ok "check: a rate without % loads, exit 0" exit_code 0 "$DX" check "$tmp/lint.yaml"
ok "… with the warning on stderr and a count under the listing" sh -c 'grep -q "^duixian: warning: .*lint.yaml:29:19: policies\[0\].award.rate: rate “2” has no % or ‰, so it is 200%" "$1" && grep -qx "1 warning, on stderr (--strict makes them errors)" "$2"' sh "$tmp/ec.err" "$tmp/ec.out"
ok "… and one policy is singular" grep -q "^bureau    commerce   区商务局: 1 policy$" "$tmp/ec.out"
ok "check --strict: the warning is an error, exit 2" exit_code 2 "$DX" check "$tmp/lint.yaml" --strict
ok "… printed as one" sh -c 'grep -q "^duixian: .*lint.yaml:29:19: " "$1" && ! grep -q "warning:" "$1"' sh "$tmp/ec.err"
ok "check --format json: the warnings list" sh -c "'$DX' check '$tmp/lint.yaml' --format json 2>/dev/null | python3 -c 'import json,sys; w=json.load(sys.stdin)[\"warnings\"]; assert len(w)==1 and \"200%\" in w[0], w'"
# a malformed row and an empty required cell: each reason in one language
printf 'app_id,enterprise_id,policy,submitted_on\nQ1,E1,FIN-HQ,"2022"x\nQ2,E2,FIN-HQ,\n' > "$tmp/rowbad.csv"
ok "explain a malformed row in Chinese" exit_code 0 "$DX" explain "$RULES" "$tmp/rowbad.csv" --app Q1
ok "… the reader's problem is Chinese too" has "$tmp/ec.out" "第 4 列：右引号后还有文字"
ok "… no English in it" sh -c '! grep -q "closing quote\|required:" "$1"' sh "$tmp/ec.out"
ok "explain an empty required cell in Chinese" exit_code 0 "$DX" explain "$RULES" "$tmp/rowbad.csv" --app Q2
ok "… says 必填" sh -c 'grep -q "必填，不能为空" "$1" && ! grep -q "required:" "$1"' sh "$tmp/ec.out"
ok "… and in English with --lang en" sh -c "'$DX' explain '$RULES' '$tmp/rowbad.csv' --app Q1 --lang en 2>/dev/null | grep -q 'column 4: text after closing quote'"
ok "check --strict of every shipped ruleset: no warnings" sh -c 'for f in "$1"/rules/*.yaml; do case $f in *.tests.yaml) continue;; esac; "$2" check "$f" --strict >/dev/null || exit 1; done' sh "$SRC" "$DX"
ok "check --format json of a clean file: warnings is empty" sh -c "'$DX' check '$RULES' --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"warnings\"]==[]'"
ok "check --format json" sh -c "'$DX' check '$RULES' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"total_fen\"]==5000000000 and len(d[\"policies\"])==14'"
ok "ledger --format csv" sh -c "'$DX' ledger '$tmp/l.db' --format csv | head -1 | grep -qx 'envelope,total_fen,charged_fen,remaining_fen,granted_fen,paid_fen,scheduled_due_fen,scheduled_future_fen,held_fen,forfeited_fen,cancelled_fen,refund_due_fen,refund_received_fen'"
ok "ledger --format json" sh -c "'$DX' ledger '$tmp/l.db' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"rounds\"])==1'"
ok "run --output-encoding gb18030 writes GB18030 files" sh -c "'$DX' run '$RULES' '$APPS' --approval-date 2022-06-30 --out '$tmp/gb' --output-encoding gb18030 >/dev/null && iconv -f GB18030 -t UTF-8 '$tmp/gb/decisions.csv' | cmp -s - '$tmp/r/decisions.csv'"

echo "1..$n"
[ "$failed" -eq 0 ]
