#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# duixian replay (docs/cli.md, docs/rules.md §10 "as-of replay"): a
# committed round decided again from its inputs, against what the ledger
# held before it, compares byte for byte with the round as committed; a
# changed input, rules file or history file is named, and so is every
# decision that comes out differently (exit 7).
# usage: test-cli-replay.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"
L=$tmp/ledger.db

# two rounds, the applications split between them, then a revocation
head -1 "$APPS" > "$tmp/a1.csv"; sed -n 2,160p "$APPS" >> "$tmp/a1.csv"
head -1 "$APPS" > "$tmp/a2.csv"; sed -n '161,$p' "$APPS" >> "$tmp/a2.csv"
ok "round 1 commits" exit_code 0 "$DX" run "$RULES" "$tmp/a1.csv" --approval-date 2022-06-30 --ledger "$L" --out "$tmp/r1"
ok "round 2 commits" exit_code 0 "$DX" run "$RULES" "$tmp/a2.csv" --approval-date 2022-09-30 --ledger "$L" --out "$tmp/r2"
r2=$("$DX" ledger "$L" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rounds"][1]["round_id"])')
granted=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/r1/decisions.csv")
ok "a grant of round 1 is revoked after round 2" exit_code 0 "$DX" revoke "$L" --app "$granted" --reason 追回测试
cp "$L" "$tmp/before.db"

ok "replay round 1: identical" exit_code 0 "$DX" replay "$L" --round 1 "$RULES" "$tmp/a1.csv"
ok "… says so for each input and file" has "$tmp/ec.out" "approval date 2022-06-30" "rules          same as recorded" \
    "applications   same as recorded" "decisions.csv  identical (172 decisions)" "schedule.csv   identical" "summary.json   identical"
ok "… and ends with identical" sh -c "tail -1 '$tmp/ec.out' | grep -qx identical"
# round 2 saw round 1 (charged_before is not 0) but not the later revocation
ok "replay round 2 (after round 1, before the revocation): identical" exit_code 0 "$DX" replay "$L" --round "$r2" "$RULES" "$tmp/a2.csv" --out "$tmp/re2"
ok "… --out keeps the replayed files, the same bytes as the run wrote" sh -c "cmp '$tmp/re2/decisions.csv' '$tmp/r2/decisions.csv' && cmp '$tmp/re2/summary.json' '$tmp/r2/summary.json' && cmp '$tmp/re2/schedule.csv' '$tmp/r2/schedule.csv'"
ok "… and round 2 did start from round 1's charges" sh -c "grep -q '\"charged_before\": [1-9]' '$tmp/r2/summary.json'"
ok "replay writes nothing to the ledger" cmp "$L" "$tmp/before.db"

# a changed application: its decision is listed, exit 7
# the first granted application of round 1 moves out of the district (注册地)
python3 - "$tmp/a1.csv" "$tmp/r1/decisions.csv" "$tmp/a1x.csv" <<'PY'
import csv, sys
granted = next(r["app_id"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if int(r["granted_fen"]) > 0)
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
col = rows[0].index("注册地")
for r in rows[1:]:
    if r[0] == granted:
        assert r[col] == "武昌区", r[col]
        r[col] = "洪山区"
with open(sys.argv[3], "w", encoding="utf-8", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
print(granted, file=open(sys.argv[3] + ".app", "w"))
PY
changed=$(cat "$tmp/a1x.csv.app")
ok "replay with a changed application: exit 7" exit_code 7 "$DX" replay "$L" --round 1 "$RULES" "$tmp/a1x.csv"
ok "… names the input that differs" has "$tmp/ec.out" "applications   DIFFERENT: recorded sha256"
ok "… lists the decision that came out differently, both versions" has "$tmp/ec.out" "decisions.csv  DIFFERENT:" "  $changed " "    recorded  $changed," "    replayed  $changed,"
ok "… and ends with DIFFERENT" sh -c "tail -1 '$tmp/ec.out' | grep -qx DIFFERENT"

# changed rules: named, even where the decisions do not change
sed 's/^\(fund:.*\)$/\1/' "$RULES" > "$tmp/rules.yaml"; printf '\n# a comment changes the bytes, not the meaning\n' >> "$tmp/rules.yaml"
ok "replay with other rules bytes: exit 7" exit_code 7 "$DX" replay "$L" --round 1 "$tmp/rules.yaml" "$tmp/a1.csv"
ok "… the rules are named; the files are not compared" has "$tmp/ec.out" "rules          DIFFERENT: recorded sha256" \
    "the round's files can be re-created only with the rules it ran with" "DIFFERENT"

# a history file the round had, missing from the replay
cat > "$tmp/h.csv" <<'CSV'
enterprise_id,policy_id,group,amount_fen,date
91420106MC1LBL87B2,COM-ECOM,,100000,2021-05-01
CSV
ok "round with a history file commits" exit_code 0 "$DX" run "$RULES" "$tmp/a2.csv" --approval-date 2022-12-31 --ledger "$tmp/h.db" --history "$tmp/h.csv" --out "$tmp/rh"
ok "replay with the history file: identical" exit_code 0 "$DX" replay "$tmp/h.db" --round 1 "$RULES" "$tmp/a2.csv" --history "$tmp/h.csv"
ok "… checks it" has "$tmp/ec.out" "history 1      same as recorded"
ok "replay without it: exit 7, the history is named" exit_code 7 "$DX" replay "$tmp/h.db" --round 1 "$RULES" "$tmp/a2.csv"
ok "… recorded, none given" has "$tmp/ec.out" "history 1      DIFFERENT: recorded sha256" "given (none)"

# errors
ok "no such round: exit 5" exit_code 5 "$DX" replay "$L" --round 99 "$RULES" "$tmp/a1.csv"
ok "… one line naming the round" sh -c "grep -q 'no round 99' '$tmp/ec.err' && [ \$(wc -l < '$tmp/ec.err') -eq 1 ]"
ok "without --round: usage, exit 1" exit_code 1 "$DX" replay "$L" "$RULES" "$tmp/a1.csv"
ok "a missing ledger: exit 5" exit_code 5 "$DX" replay "$tmp/nope.db" --round 1 "$RULES" "$tmp/a1.csv"

echo "1..$n"
[ "$failed" -eq 0 ]
