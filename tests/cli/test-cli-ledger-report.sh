#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The report from a ledger alone (issue 6): `report RULES --ledger FILE
# [--round N] [--out-dir DIR]` re-creates a committed round's
# decisions.csv, schedule.csv and summary.json (dx_ledger_export_round)
# byte for byte as the round wrote them, for every round of every golden
# round case, also after later revocations; the report from the ledger is
# the report from the directory; a ledger of the never-deployed format 2
# is refused. And --format text|csv|json
# for the closing table of run and the counts of decide.
# usage: test-cli-ledger-report.sh DUIXIAN SOURCE_ROOT        (TAP output)
set -u
DX=$1 SRC=$2
case $DX in /*) ;; *) DX=$PWD/$DX ;; esac   # some steps cd elsewhere
RULES=$SRC/rules/wuchang-2022.yaml APPS=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"



same3() {   # same3 DIR1 DIR2: the three round files are byte-identical
    for f in decisions.csv schedule.csv summary.json; do
        cmp "$1/$f" "$2/$f" || return 1
    done
}

round_ids() {   # round_ids LEDGER: the round ids, oldest first
    "$DX" ledger "$1" --format json | grep -o '"round_id": [0-9]*' | sed 's/.*: //'
}

# ---- every golden round case: run its rounds on one ledger, revoke a grant
# of round 1, then export every round and compare with what the run wrote
for case in "$SRC"/tests/golden-rounds/*/; do
    name=$(basename "$case")
    l=$tmp/$name/ledger.db
    mkdir -p "$tmp/$name"
    rounds=""
    for r in "$case"r*/; do
        rn=$(basename "$r")
        set -- run "$case/rules.yaml" "$r/apps.csv" --approval-date "$(cat "$r/approval-date")" \
            --ledger "$l" --out "$tmp/$name/$rn"
        [ -f "$r/history.csv" ] && set -- "$@" --history "$r/history.csv"
        ok "$name $rn runs" exit_code 0 "$DX" "$@"
        rounds="$rounds $rn"
    done
    app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/$name/r1/decisions.csv")
    if [ -n "$app" ]; then
        ok "$name: revoke $app after the rounds" exit_code 0 "$DX" revoke "$l" --app "$app" --reason test
    fi
    set -- $(round_ids "$l")
    for rn in $rounds; do
        id=$1; shift
        ok "$name $rn (round $id): the export from the ledger is byte-identical" sh -c '
            "$1" report "$2" --ledger "$3" --round "$4" --out-dir "$5" >/dev/null &&
            for f in decisions.csv schedule.csv summary.json; do cmp "$6/$f" "$5/$f" || exit 1; done' \
            sh "$DX" "$case/rules.yaml" "$l" "$id" "$tmp/$name/$rn-export" "$tmp/$name/$rn"
    done
done

# ---- the Wuchang demo: report from the ledger = report from the directory
L=$tmp/w/ledger.db
ok "wuchang round 1" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --ledger "$L" --out "$tmp/w/r1"
ok "report from the directory" exit_code 0 "$DX" report "$RULES" "$tmp/w/r1"
ok "report from the ledger (latest round, --out)" sh -c 'cd "$1" && "$2" report "$3" --ledger "$4" --out from-ledger.html' \
    sh "$tmp/w" "$DX" "$RULES" "$L"
fens() { grep -o 'data-fen="[0-9-]*"' "$1" | sort; }
ok "the same data-fen numbers" sh -c '[ "$(grep -c data-fen "$1")" -gt 10 ]' sh "$tmp/w/from-ledger.html"
fens "$tmp/w/r1/report.html" >"$tmp/w/fen-dir"
fens "$tmp/w/from-ledger.html" >"$tmp/w/fen-ledger"
ok "data-fen of both reports are equal" cmp "$tmp/w/fen-dir" "$tmp/w/fen-ledger"
ok "the two reports are byte-identical" cmp "$tmp/w/r1/report.html" "$tmp/w/from-ledger.html"
ok "report without --out writes ./report.html" sh -c 'cd "$1" && "$2" report "$3" --ledger "$4" >/dev/null && test -s report.html' \
    sh "$tmp/w" "$DX" "$RULES" "$L"
# round 2 (every app_id is now a duplicate), then a revocation of a round-1 grant
ok "wuchang round 2" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-09-30 --ledger "$L" --out "$tmp/w/r2"
app=$(awk -F, 'NR > 1 && $7 > 0 { print $1; exit }' "$tmp/w/r1/decisions.csv")
ok "revoke $app" exit_code 0 "$DX" revoke "$L" --app "$app" --reason "企业迁出本区"
ok "round 2 exported (latest)" exit_code 0 "$DX" report "$RULES" --ledger "$L" --out-dir "$tmp/w/e2"
ok "round 2 export is byte-identical" same3 "$tmp/w/r2" "$tmp/w/e2"
set -- $(round_ids "$L")
ok "round 1 exported after the revocation" exit_code 0 "$DX" report "$RULES" --ledger "$L" --round "$1" --out-dir "$tmp/w/e1"
ok "round 1 export is unchanged by the revocation" same3 "$tmp/w/r1" "$tmp/w/e1"
ok "the ledger still verifies" exit_code 0 "$DX" verify "$L"

# ---- errors
ok "no such round: exit 5" exit_code 5 "$DX" report "$RULES" --ledger "$L" --round 999999
ok "another ruleset: exit 5" sh -c '"$1" report "$2" --ledger "$3" --out "$4/x.html" 2>&1 >/dev/null | grep -q "another ruleset"; test $? = 0' \
    sh "$DX" "$SRC/tests/golden-rounds/01-pro-rata-remainders/rules.yaml" "$L" "$tmp"
ok "no ledger file: exit 5" exit_code 5 "$DX" report "$RULES" --ledger "$tmp/none.db"
ok "DIR and --ledger together: usage" exit_code 1 "$DX" report "$RULES" "$tmp/w/r1" --ledger "$L"
ok "--round without --ledger: usage" exit_code 1 "$DX" report "$RULES" "$tmp/w/r1" --round 1
ok "--round 0: usage" exit_code 1 "$DX" report "$RULES" --ledger "$L" --round 0

# ---- a ledger of an older format (version 2 never left development): refused, untouched
if python3 -c 'import sqlite3' 2>/dev/null; then
    L2=$tmp/v2/ledger.db
    mkdir -p "$tmp/v2"
    ok "an empty ledger (dry run)" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --ledger "$L2" --out "$tmp/v2/dry" --dry-run
    ok "made format 2" python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER meta_no_update; UPDATE meta SET value = \"2\" WHERE key = \"version\";"
                 " CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
                 " BEGIN SELECT RAISE(ABORT, \"ledger meta is read-only\"); END;")
db.commit()' "$L2"
    ok "a round on a format-2 ledger is refused: exit 5" exit_code 5 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --ledger "$L2" --out "$tmp/v2/r1"
    ok "and says why" grep -q "ledger schema version 2 is an older format this duixian does not read" "$tmp/ec.err"
    ok "verify refuses it too: exit 5" exit_code 5 "$DX" verify "$L2"
    ok "nothing was written to it" sh -c '[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from entries\").fetchone()[0])" "$1")" = 0 ]' sh "$L2"
fi

# ---- --format for run's closing table and decide's counts
ok "run --format csv" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/f" --format csv
ok "run csv: header and one row per bureau" sh -c '
    [ "$(head -1 "$1")" = "bureau,name,applied,approved,reduced,rejected,incomplete,invalid,duplicate,error,unfunded,granted_fen,remaining_fen" ] &&
    grep -qx "commerce,区商务局,209,0,118,72,9,6,4,0,0,3000000000,0" "$1" &&
    grep -qx "finance,区金融局,130,0,61,31,29,7,2,0,0,2000000000,0" "$1" && [ "$(wc -l <"$1")" = 3 ]' sh "$tmp/ec.out"
ok "run --format json" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/f" --format json --ledger "$tmp/f/l.db"
ok "run json: bureaus, totals, round id" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
assert list(j) == sorted(j), list(j)
assert j["granted_fen"] == s["granted_fen"] == 5000000000, j
assert j["committed"] is True and j["round_id"] == 1, j
b = {x["bureau"]: x for x in j["bureaus"]}
assert j["warnings"] == [], j
assert b["commerce"] == {"applied": 209, "approved": 0, "bureau": "commerce", "duplicate": 4, "envelope": "commerce",
    "error": 0, "granted_fen": 3000000000, "incomplete": 9, "invalid": 6, "name": "区商务局", "reduced": 118,
    "rejected": 72, "remaining_fen": 0, "unfunded": 0}, b
assert b["finance"]["remaining_fen"] == s["envelopes"]["finance"]["remaining"]
' "$tmp/ec.out" "$tmp/f/summary.json"
ok "run --format text is the default table" sh -c '"$1" run "$2" "$3" --approval-date 2022-06-30 --out "$4" --format text | grep -q "^granted in this round"' \
    sh "$DX" "$RULES" "$APPS" "$tmp/f"
# every row invalid (a date in another format): the table says invalid, not rejected
printf 'app_id,enterprise_id,policy,submitted_on\nA1,E1,FIN-HQ,2022/6/30\nA2,E2,FIN-HQ,2022/6/30\n' >"$tmp/bad-dates.csv"
ok "run, every row invalid" exit_code 0 "$DX" run "$RULES" "$tmp/bad-dates.csv" --approval-date 2022-06-30 --out "$tmp/inv" --format csv
ok "… counted as invalid, not rejected" grep -qx "finance,区金融局,2,0,0,0,0,2,0,0,0,0,2000000000" "$tmp/ec.out"
ok "run without --ledger" exit_code 0 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/nl"
ok "… says no ledger given, not dry run" sh -c 'grep -q "(no ledger given: nothing committed)" "$1" && ! grep -q "dry run" "$1"' sh "$tmp/ec.out"
printf 'app_id,enterprise_id,policy,submitted_on,实缴资本（元）\nA1,E1,FIN-HQ,2022-05-10,2亿元\n' >"$tmp/no-district.csv"
ok "run, a field without a column" exit_code 0 "$DX" run "$RULES" "$tmp/no-district.csv" --approval-date 2022-06-30 --out "$tmp/nd"
ok "… one warning on stderr" sh -c '[ "$(grep -c "warning: .*no column for" "$1")" = 1 ]' sh "$tmp/ec.err"
ok "… and a line under the table says so" grep -q "^1 warning while reading the applications, on stderr: fields the policies read have no column" "$tmp/ec.out"
ok "decide, a field without a column" exit_code 0 "$DX" decide "$RULES" "$tmp/no-district.csv" --out "$tmp/ndd"
ok "… the warning once, and the line under the counts" sh -c '[ "$(grep -c "no column for" "$1")" = 1 ] && grep -q "^1 warning while reading" "$2"' sh "$tmp/ec.err" "$tmp/ec.out"
ok "run --format xml: usage" exit_code 1 "$DX" run "$RULES" "$APPS" --approval-date 2022-06-30 --out "$tmp/f" --format xml
ok "decide (text)" exit_code 0 "$DX" decide "$RULES" "$APPS" --out "$tmp/d"
cp "$tmp/ec.out" "$tmp/d/text.out"
ok "decide --format csv" exit_code 0 "$DX" decide "$RULES" "$APPS" --out "$tmp/d" --format csv
ok "decide csv: the text counts as status,count" sh -c '
    [ "$(head -1 "$1")" = "status,count" ] && [ "$(wc -l <"$1")" = 9 ] &&
    for s in approved reduced rejected incomplete invalid duplicate unfunded error; do
        t=$(awk -v s=$s "\$1 == s { print \$2 }" "$2"); grep -qx "$s,$t" "$1" || exit 1
    done' sh "$tmp/ec.out" "$tmp/d/text.out"
ok "decide --format json" exit_code 0 "$DX" decide "$RULES" "$APPS" --out "$tmp/d" --format json
ok "decide json: counts agree with decisions.csv" python3 -c '
import collections, csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
c = collections.Counter(r["status"] for r in rows)
assert list(j) == sorted(j) and list(j["status_counts"]) == sorted(j["status_counts"]), j
assert j["applications"] == 320 and j["decisions"] == len(rows), j
assert all(j["status_counts"][k] == c.get(k, 0) for k in j["status_counts"]), (j, c)
assert j["granted_fen"] == sum(int(r["granted_fen"]) for r in rows)
assert j["warnings"] == [], j
' "$tmp/ec.out" "$tmp/d/decisions.csv"
ok "decide --format yaml: usage" exit_code 1 "$DX" decide "$RULES" "$APPS" --out "$tmp/d" --format yaml

echo "1..$n"
[ "$failed" = 0 ]
