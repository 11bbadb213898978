#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# End-to-end tests of the duixian command line: every subcommand, its exit
# code and its files, on rules/wuchang-2022.yaml and the example batch.
# usage: test-cli.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"



json_field() {   # json_field FILE KEY: an integer at the top level of summary.json
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# --- check
ok "check accepts the Wuchang ruleset" exit_code 0 "$DX" check "$RULES"
ok "check prints the fund and both envelopes" sh -c "'$DX' check '$RULES' | grep -q 'commerce' && '$DX' check '$RULES' | grep -q '5,000万元'"
printf 'format: duixian/1\nfund: {id: F}\n' > "$tmp/bad.yaml"
ok "check rejects a bad ruleset with exit 2" exit_code 2 "$DX" check "$tmp/bad.yaml"
ok "… and one line naming file:line:col" sh -c "grep -q '^duixian: $tmp/bad.yaml:[0-9]*:[0-9]*: ' '$tmp/ec.err' && [ \$(wc -l < '$tmp/ec.err') -eq 1 ]"
ok "usage errors exit 1" exit_code 1 "$DX" frobnicate
ok "--help exits 0" exit_code 0 "$DX" --help

# --- decide
ok "decide writes decisions.csv" exit_code 0 "$DX" decide "$RULES" "$APPS" --out "$tmp/decide"
ok "decisions.csv has the docs/rules.md §8 header" sh -c "head -1 '$tmp/decide/decisions.csv' | grep -qx 'app_id,enterprise_id,policy_id,bureau,status,computed_fen,granted_fen,reasons'"
ok "a missing applications file exits 3" exit_code 3 "$DX" decide "$RULES" "$tmp/nope.csv" --out "$tmp/decide"

# --- run with a ledger
L=$tmp/ledger.db
ok "run commits a round" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --ledger "$L" --out "$tmp/r1"
ok "run writes decisions, schedule and summary" test -s "$tmp/r1/decisions.csv" -a -s "$tmp/r1/schedule.csv" -a -s "$tmp/r1/summary.json"
ok "schedule.csv has the docs/rules.md §8 header" sh -c "head -1 '$tmp/r1/schedule.csv' | grep -qx 'batch_id,date,bureau,enterprise_id,app_id,policy_id,installment,of,amount_fen,future'"
g1=$(json_field "$tmp/r1/summary.json" granted_fen)
ok "round 1 granted money, at most the fund" sh -c "[ '$g1' -gt 0 ] && [ '$g1' -le 5000000000 ]"
ok "ledger lists one round (singular)" sh -c "'$DX' ledger '$L' | grep -qx '1 round'"
ok "verify passes" exit_code 0 "$DX" verify "$L"
head1=$("$DX" verify "$L" | sed 's/.*head //')

ok "a dry run exits 0" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-07-31 --ledger "$L" --dry-run --out "$tmp/dry"
ok "a dry run commits nothing" sh -c "'$DX' verify '$L' | grep -q 'head $head1'"

ok "running the same batch again exits 0" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-07-31 --ledger "$L" --out "$tmp/r2"
ok "… and grants nothing new (every paid app_id is a duplicate)" sh -c "[ \$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"granted_fen\"])' '$tmp/r2/summary.json') -le '$g1' ] && grep -q ',duplicate,' '$tmp/r2/decisions.csv'"

app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/r1/decisions.csv")
before=$("$DX" ledger "$L" | awk '/^commerce|^finance/ { s = s $3 } END { print s }')
ok "revoke reverses a grant" exit_code 0 "$DX" revoke "$L" --app "$app" --reason "企业迁出本区"
ok "revoking it again fails with exit 5" exit_code 5 "$DX" revoke "$L" --app "$app" --reason "again"
after=$("$DX" ledger "$L" | awk '/^commerce|^finance/ { s = s $3 } END { print s }')
ok "revocation changes what the envelopes have charged" sh -c "[ '$before' != '$after' ]"
ok "verify still passes after a revocation" exit_code 0 "$DX" verify "$L"

# --- a failed round leaves the ledger as it was
head2=$("$DX" verify "$L" | sed 's/.*head //')
printf 'enterprise_id,policy_id,group,amount_fen,date\nE1,P1,,12.5,2021-01-01\n' > "$tmp/history.csv"
ok "a bad history row exits 3" exit_code 3 "$DX" run "$RULES" "$APPS" --approval-date 2022-08-31 --ledger "$L" --history "$tmp/history.csv" --out "$tmp/r3"
ok "… naming file:line:col" sh -c "grep -q 'history.csv:2:' '$tmp/ec.err'"
ok "… and the ledger is unchanged" sh -c "'$DX' verify '$L' | grep -q 'head $head2'"
ok "a bad approval date exits 1" exit_code 1 "$DX" run "$RULES" "$APPS" --approval-date 2022-02-30 --ledger "$L" --out "$tmp/r3"

# --- tampering is found
cp "$L" "$tmp/tampered.db"
python3 - "$tmp/tampered.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
    c.execute('DROP TRIGGER "%s"' % name)
c.execute("UPDATE entries SET granted_fen = granted_fen + 1 WHERE seq = (SELECT MIN(seq) FROM entries WHERE granted_fen > 0)")
c.commit()
PY
ok "verify fails with exit 6 on an edited entry" exit_code 6 "$DX" verify "$tmp/tampered.db"
ok "… naming the entry" sh -c "grep -q 'entry [0-9]' '$tmp/ec.err'"
ok "ledger on a missing file exits 5" exit_code 5 "$DX" ledger "$tmp/none.db"

echo "1..$n"
[ "$failed" -eq 0 ]
