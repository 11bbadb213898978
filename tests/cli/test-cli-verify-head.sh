#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Anchors outside the file (issue 16): `verify FILE --expect-head HASH`
# passes when the chain passes through a head kept from an earlier commit,
# and fails with exit 6 when the ledger was truncated (its last round's
# rows deleted with the sqlite3 CLI) or forged with a recomputed chain
# (forge-ledger.py), both of which plain `verify` accepts.
# usage: test-cli-verify-head.sh DUIXIAN SOURCE_ROOT PYTHON     (TAP output)
set -u
DX=$1 SRC=$2 PY=$3
CASE=$SRC/tests/golden-rounds/09-rounds-envelopes-duplicates
. "$SRC/tests/cli/tap.sh"

L=$tmp/ledger.db
head_of() {   # head_of LEDGER: the head `verify` prints
    "$DX" verify "$1" | sed -n 's/.* head \([0-9a-f]*\)$/\1/p'
}
run_round() {  # run_round rN
    "$DX" run "$CASE/rules.yaml" "$CASE/$1/apps.csv" --approval-date "$(cat "$CASE/$1/approval-date")" \
        --ledger "$L" --out "$tmp/$1" >"$tmp/$1.out"
}
ok "round 1 commits" run_round r1
H1=$(head_of "$L")
ok "round 2 commits" run_round r2
H2=$(head_of "$L")
ok "run prints the new head, the one verify finds" sh -c "grep -qx 'ledger head: $H2' '$tmp/r2.out'"
ok "… and writes it to ledger-head.txt" sh -c "[ \"\$(cat '$tmp/r2/ledger-head.txt')\" = '$H2' ]"
ok "round 1's ledger-head.txt holds round 1's head" sh -c "[ \"\$(cat '$tmp/r1/ledger-head.txt')\" = '$H1' ]"
ok "a dry run writes no ledger-head.txt" sh -c "'$DX' run '$CASE/rules.yaml' '$CASE/r2/apps.csv' --approval-date 2030-01-01 \
    --ledger '$L' --dry-run --out '$tmp/dry' >/dev/null && [ ! -e '$tmp/dry/ledger-head.txt' ]"
ok "the two heads are hashes and differ" sh -c "[ \${#1} -eq 64 ] && [ \${#2} -eq 64 ] && [ \"\$1\" != \"\$2\" ]" _ "$H1" "$H2"
ok "--expect-head the current head passes" exit_code 0 "$DX" verify "$L" --expect-head "$H2"
ok "--expect-head an earlier head passes (the chain goes through it)" exit_code 0 "$DX" verify "$L" --expect-head "$H1"
ok "--expect-head in capitals passes" exit_code 0 "$DX" verify "$L" --expect-head "$(echo "$H2" | tr a-f A-F)"
ok "--expect-head a hash not in the chain exits 6" exit_code 6 "$DX" verify "$L" --expect-head "$(echo "$H2" | tr 0-9a-f 1-9a-f0)"
ok "… with one line naming the head" sh -c "grep -q 'does not pass through the expected head' '$tmp/ec.err' && [ \$(wc -l < '$tmp/ec.err') -eq 1 ]"
ok "an empty --expect-head is a usage error" exit_code 1 "$DX" verify "$L" --expect-head ""

# revoke commits too: it prints the new head
cp "$L" "$tmp/rev.db"
APP=$(awk -F, '$5 == "approved" || $5 == "reduced" { print $1; exit }' "$tmp/r2/decisions.csv")
ok "revoke a granted application ($APP)" sh -c "'$DX' revoke '$tmp/rev.db' --app '$APP' --reason test > '$tmp/rev.out'"
ok "… prints the new head, the one verify finds" sh -c "grep -qx \"ledger head: \$('$DX' verify '$tmp/rev.db' | sed -n 's/.* head //p')\" '$tmp/rev.out'"
ok "… which the chain goes through, with round 2's" sh -c "'$DX' verify '$tmp/rev.db' --expect-head '$H2'"

# truncation: the last round's rows deleted
cp "$L" "$tmp/trunc.db"
# (the append-only triggers are in the way: dropped, and put back after)
sqlite3 "$tmp/trunc.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger';" > "$tmp/triggers.sql"
ok "the last round's rows are deleted" sh -c '
    for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = '"'trigger'"';"); do
        sqlite3 "$1" "DROP TRIGGER \"$t\";" || exit 1
    done
    sqlite3 "$1" "DELETE FROM entries WHERE round_id = (SELECT MAX(seq) FROM entries WHERE kind = '"'round'"');" &&
    sqlite3 "$1" < "$2"' _ "$tmp/trunc.db" "$tmp/triggers.sql"
ok "… and the triggers are back" sh -c "[ \$(sqlite3 '$tmp/trunc.db' \"SELECT count(*) FROM sqlite_master WHERE type = 'trigger';\") -gt 0 ]"
ok "… and the truncated ledger has round 1's head" sh -c "[ \"\$('$DX' verify '$tmp/trunc.db' | sed -n 's/.* head //p')\" = '$H1' ]"
ok "plain verify passes the truncated ledger" exit_code 0 "$DX" verify "$tmp/trunc.db"
ok "verify --expect-head the kept head fails it (exit 6)" exit_code 6 "$DX" verify "$tmp/trunc.db" --expect-head "$H2"

# forgery: an entry changed and the chain recomputed
cp "$L" "$tmp/forged.db"
ok "the forger rewrites the ledger" "$PY" "$SRC/tests/cli/forge-ledger.py" "$tmp/forged.db"
ok "… which changes its head" sh -c "[ \"\$('$DX' verify '$tmp/forged.db' | sed -n 's/.* head //p')\" != '$H2' ]"
ok "plain verify passes the forged ledger" exit_code 0 "$DX" verify "$tmp/forged.db"
ok "verify --expect-head the kept head fails it (exit 6)" exit_code 6 "$DX" verify "$tmp/forged.db" --expect-head "$H2"
ok "… and an earlier kept head too" exit_code 6 "$DX" verify "$tmp/forged.db" --expect-head "$H1"

echo "1..$n"
[ "$failed" -eq 0 ]
